"""The initiative editor's Forløbstyper tab (issue 25.3): kinds of period the initiative adds
to the program's — a 2026 benefit, a new offer — each with a key, its Danish name (as an
extract writes it) and its category. Once added, a kind is a choice everywhere a kind is:
the target group's benefits, what a measure counts, the markings that take a citizen out."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QTableWidgetItem,
)

from fsm_desktop.domain.model import PeriodCategory
from fsm_desktop.views.initiative.base import EditorBase
from fsm_desktop.views.initiative.fields import (
    ChoiceList,
    category_words,
    cell_text,
    fill_combo,
    kind_words,
    kinds_of,
    select_data,
    source_words,
)


def key_for(label: str) -> str:
    """A key made from a Danish name: "IPS-forløb" → "ips_forloeb"."""
    text = label.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not text or not text[0].isalpha():
        text = f"type_{text}".rstrip("_")
    return text[:40]


class KindsTab(EditorBase):
    """Mixed into InitiativeEditor: the Forløbstyper tab."""

    benefits_list: ChoiceList
    m_markings: ChoiceList
    m_qualifying: ChoiceList
    m_never: ChoiceList

    def _build_kinds(self) -> None:
        self.kinds_table, self.add_kind_button, self.remove_kind_button = self._table_tab(
            self.tr("Forløbstyper"),
            self.tr(
                "Programmet kender 13 forløbstyper (kontanthjælp, virksomhedspraktik, ordinær "
                "beskæftigelse …). Har indsatsen en ydelse, et tilbud eller et resultat, som "
                "programmet ikke kender, så tilføj den her: den registreres som sig selv, et "
                "udtræk kan nævne den ved navnet, og et resultatkrav kan tælle den. Nøglen er det, "
                "der gemmes; den kan ikke ændres, når der er forløb af typen."
            ),
            "period_kinds",
            [self.tr("Navn (som i udtrækket)"), self.tr("Nøgle"), self.tr("Kategori")],
            (0, 1),
            (self.tr("Tilføj forløbstype"), self.tr("Slet forløbstype")),
            self._kinds_edited,
            self._add_kind,
            self._remove_kind,
        )

    def _load_kinds(self) -> None:
        loading, self._loading = self._loading, True
        table = self.kinds_table
        table.blockSignals(True)
        kinds = self.data.get("period_kinds") or []
        table.setRowCount(len(kinds))
        for row, kind in enumerate(kinds):
            table.setItem(row, 0, QTableWidgetItem(str(kind.get("label") or "")))
            table.setItem(row, 1, QTableWidgetItem(str(kind.get("key") or "")))
            category = QComboBox(table)
            fill_combo(category, category_words())
            select_data(category, kind.get("category"))
            category.currentIndexChanged.connect(lambda _i: self._kinds_edited())
            table.setCellWidget(row, 2, category)
        table.blockSignals(False)
        self._loading = loading
        self._refresh_kind_choices()

    def _kinds_edited(self) -> None:
        if self._loading:
            return
        table = self.kinds_table
        before = self.data.get("period_kinds") or []
        kinds: list[dict[str, Any]] = []
        for row in range(table.rowCount()):
            category = table.cellWidget(row, 2)
            label = cell_text(table, row, 0).strip()
            key = cell_text(table, row, 1).strip()
            old = before[row] if row < len(before) and isinstance(before[row], dict) else {}
            if label != old.get("label") and key == old.get("key") == key_for(old.get("label", "")):
                # A key made from the name follows the name, until the user writes another.
                key = key_for(label)
                table.blockSignals(True)
                item = table.item(row, 1)
                if item is not None:
                    item.setText(key)
                table.blockSignals(False)
            kinds.append(
                {
                    "key": key,
                    "label": label,
                    "category": category.currentData() if isinstance(category, QComboBox) else "",
                }
            )
        if kinds:
            self.data["period_kinds"] = kinds
        else:
            self.data.pop("period_kinds", None)
        self._refresh_kind_choices()
        self._check()

    def _add_kind(self, label: str = "", category: str = "ydelse") -> None:
        """A new kind; its key is made from its name as the name is typed, until the user
        writes a key of its own."""
        kinds = self.data.setdefault("period_kinds", [])
        label = label or self.tr("Ny forløbstype")
        kinds.append({"key": key_for(label), "label": label, "category": category})
        self._load_kinds()
        self._check()

    def _remove_kind(self) -> None:
        row = self.kinds_table.currentRow()
        kinds = self.data.get("period_kinds") or []
        if 0 <= row < len(kinds):
            del kinds[row]
            if not kinds:
                self.data.pop("period_kinds", None)
            self._load_kinds()
            self._check()

    def _refresh_kind_choices(self) -> None:
        """The lists of kinds with the template's own in them (what is ticked stays ticked)."""
        data = self.data
        self.benefits_list.set_choices(kinds_of(PeriodCategory.BENEFIT.value, data))
        self.m_markings.set_choices(kinds_of(PeriodCategory.MARKING.value, data))
        self.m_qualifying.set_choices(source_words(data))
        self.m_never.set_choices(kind_words(data))
