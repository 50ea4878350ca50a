"""Numbers the Danish way, for every output (window, terminal table): decimal comma,
thousands point, "15,0 %", "1.530.000 kr."."""

from __future__ import annotations


def number(value: float, decimals: int = 2) -> str:
    """1949 → "1.949"; 17.8649 → "17,86"; 30.0 → "30" (trailing zeros dropped)."""
    text = f"{value:,.{decimals}f}" if value % 1 else f"{value:,.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(share: float | None, decimals: int = 1, trim: bool = False) -> str:
    """0.15 → "15,0 %" (``trim``: "15 %"); None → "–"."""
    if share is None:
        return "–"
    text = f"{share * 100:.{decimals}f}".replace(".", ",")
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + " %"


def kroner(amount: float) -> str:
    return number(round(amount)) + " kr."
