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


def count(n: int, one: str, many: str) -> str:
    """A count with its noun or adjective in the right number: (1, "borger", "borgere") →
    "1 borger"; 2 → "2 borgere"; 1.530 → "1.530 borgere"."""
    return f"{number(n)} {one if n == 1 else many}"


def kroner(amount: float) -> str:
    return number(round(amount)) + " kr."


#: The operating system's reasons a file cannot be read or written, in Danish (the system's own
#: text is in English on most machines).
_OS_REASONS = {
    "EACCES": "adgang nægtet",
    "EPERM": "adgang nægtet",
    "ENOENT": "filen eller mappen findes ikke",
    "ENOTDIR": "en del af stien er ikke en mappe",
    "EISDIR": "der er en mappe med det navn",
    "ENOSPC": "disken er fuld",
    "EROFS": "drevet er skrivebeskyttet",
    "EEXIST": "filen findes allerede",
    "ENAMETOOLONG": "navnet er for langt",
    "EBUSY": "filen er i brug",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Danish where the reason is a common one; else the
    system's own text."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(name) or exc.strerror or str(exc)
