"""The initiative editor's Grupper and Statusskema tabs: two tables, a group or a goal a row."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QTableWidgetItem,
)

from fsm_desktop.domain.status_sheet import ROWS
from fsm_desktop.views.initiative.base import EditorBase
from fsm_desktop.views.initiative.fields import (
    cell_text,
    fill_combo,
    goal_unit_words,
    plain_number,
    select_data,
    share_text,
)

_GOAL_TARGET = re.compile(r"^\s*(\d{4}-\d{2})\s*[:=]\s*([0-9]+(?:[.,][0-9]+)?)\s*%?\s*$")


class TablesTabs(EditorBase):
    """Mixed into InitiativeEditor: the Grupper and Statusskema tabs."""

    def _build_groups(self) -> None:
        self.groups_table, self.add_group_button, self.remove_group_button = self._table_tab(
            self.tr("Grupper"),
            self.tr(
                "Grupper deler målgruppen (fx gruppe 1 med personlig jobformidler). Et "
                "resultatkrav kan gælde nogle af dem. Ingen grupper: alle tæller med."
            ),
            "groups",
            [self.tr("Nr."), self.tr("Navn"), self.tr("Beskrivelse")],
            (2,),
            (self.tr("Tilføj gruppe"), self.tr("Slet gruppe")),
            self._groups_edited,
            self._add_group,
            self._remove_group,
        )

    def _build_goals(self) -> None:
        self.goals_table, self.add_goal_button, self.remove_goal_button = self._table_tab(
            self.tr("Statusskema"),
            self.tr(
                "Statusskemaets mål: en række pr. mål med dens tal pr. måned, fx »2021-10: 90 %; "
                "2022-10: 95 %« (andele i procent) eller »2021-10: 20« (antal). Rækkens måler er "
                "en af statusskemaets rækker eller et resultatkravs id."
            ),
            "goals",
            [self.tr("Række"), self.tr("Måler"), self.tr("Enhed"), self.tr("Mål pr. måned")],
            (0, 3),
            (self.tr("Tilføj mål"), self.tr("Slet mål")),
            self._goals_edited,
            self._add_goal,
            self._remove_goal,
        )
        self.goals_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.goals_table.setMinimumHeight(260)

    # --- loading the data into the fields --------------------------------------------------

    def _load_groups(self) -> None:
        self.groups_table.blockSignals(True)
        groups = self.data.get("groups") or []
        self.groups_table.setRowCount(len(groups))
        for row, group in enumerate(groups):
            for column, key in enumerate(("id", "name", "description")):
                value = group.get(key)
                self.groups_table.setItem(
                    row, column, QTableWidgetItem("" if value is None else str(value))
                )
        self.groups_table.blockSignals(False)

    def _load_goals(self) -> None:
        loading, self._loading = self._loading, True
        table = self.goals_table
        table.blockSignals(True)
        goals = self.data.get("goals") or []
        table.setRowCount(len(goals))
        measures = [(row.id, row.label) for row in ROWS] + [
            (m.get("id"), m.get("name")) for m in self.data.get("measures") or []
        ]
        for row, goal in enumerate(goals):
            table.setItem(row, 0, QTableWidgetItem(str(goal.get("label") or "")))
            measure = QComboBox(table)
            measure.setEditable(True)
            measure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            for key, label in measures:
                measure.addItem(f"{key}", key)
                measure.setItemData(measure.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            measure.setCurrentText(str(goal.get("measure") or ""))
            measure.currentTextChanged.connect(lambda _t: self._goals_edited())
            table.setCellWidget(row, 1, measure)
            unit = QComboBox(table)
            fill_combo(unit, goal_unit_words())
            select_data(unit, goal.get("unit"))
            unit.currentIndexChanged.connect(lambda _i: self._goals_edited())
            table.setCellWidget(row, 2, unit)
            table.setItem(
                row, 3, QTableWidgetItem(_targets_text(goal.get("targets") or {}, goal.get("unit")))
            )
        table.blockSignals(False)
        self._loading = loading

    def _groups_edited(self) -> None:
        groups = []
        for row in range(self.groups_table.rowCount()):
            texts = [cell_text(self.groups_table, row, c).strip() for c in range(3)]
            number = int(texts[0]) if texts[0].isdigit() else texts[0]
            group: dict[str, Any] = {"id": number, "name": texts[1]}
            group["description"] = texts[2]
            groups.append(group)
        self._set(["groups"], groups)

    def _add_group(self) -> None:
        groups = self.data.setdefault("groups", [])
        ids = [g.get("id") for g in groups if isinstance(g.get("id"), int)]
        groups.append({"id": max(ids, default=0) + 1, "name": self.tr("Gruppe"), "description": ""})
        self._load_groups()
        self._check()

    def _remove_group(self) -> None:
        row = self.groups_table.currentRow()
        groups = self.data.get("groups") or []
        if 0 <= row < len(groups):
            del groups[row]
            self._load_groups()
            self._check()

    def _goals_edited(self) -> None:
        if self._loading:
            return
        table = self.goals_table
        goals = []
        for row in range(table.rowCount()):
            measure = table.cellWidget(row, 1)
            unit = table.cellWidget(row, 2)
            unit_value = unit.currentData() if isinstance(unit, QComboBox) else "share"
            label = cell_text(table, row, 0)
            text = cell_text(table, row, 3)
            goals.append(
                {
                    "measure": measure.currentText().strip()
                    if isinstance(measure, QComboBox)
                    else "",
                    "label": label,
                    "unit": unit_value,
                    "targets": _targets(text, unit_value),
                }
            )
        self._set(["goals"], goals)

    def _add_goal(self) -> None:
        self.data.setdefault("goals", []).append(
            {"measure": ROWS[0].id, "label": ROWS[0].label, "unit": ROWS[0].unit, "targets": {}}
        )
        self._load_goals()
        self._check()

    def _remove_goal(self) -> None:
        row = self.goals_table.currentRow()
        goals = self.data.get("goals") or []
        if 0 <= row < len(goals):
            del goals[row]
            self._load_goals()
            self._check()

    # --- checking --------------------------------------------------------------------------


def _targets_text(targets: dict[str, Any], unit: Any) -> str:
    parts = []
    for month, value in targets.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            parts.append(
                f"{month}: {share_text(value)} %" if unit == "share" else f"{month}: {value:g}"
            )
        else:
            parts.append(f"{month}: {value}")
    return "; ".join(parts)


def _targets(text: str, unit: Any) -> dict[str, Any] | str:
    """ "2020-10: 90 %; 2021-10: 95 %" → {"2020-10": 0.9, …}; a text that is not that stays
    text, which the check names ("har forkert type")."""
    targets: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        match = _GOAL_TARGET.match(part)
        if match is None:
            return text
        value = float(match.group(2).replace(",", "."))
        targets[match.group(1)] = value / 100 if unit == "share" else plain_number(value)
    return targets
