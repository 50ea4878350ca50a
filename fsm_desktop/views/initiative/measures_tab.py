"""The initiative editor's Resultatkrav tab: the list of measures and the form of the one
chosen — what it counts, for whom, per what, its thresholds and windows."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.model import PeriodCategory
from fsm_desktop.views.initiative.base import EditorBase
from fsm_desktop.views.initiative.fields import (
    ChoiceList,
    OptionalDate,
    OptionalWindow,
    aggregate_words,
    cell_text,
    direction_words,
    fill_combo,
    kind_words,
    kinds_of,
    measure_kind_words,
    page_form,
    parse_number,
    plain_number,
    rule_words,
    select_data,
    share_text,
    source_words,
    unit_words,
)


def blank_measure(number: int) -> dict[str, Any]:
    return {
        "id": f"krav{number}",
        "name": f"Resultatkrav {number}",
        "kind": "share",
        "unit": "month",
        "aggregate": "any",
        "population": {"rule": "target_group", "groups": [], "exclude_markings": []},
        "qualifying": [],
        "never_qualifying": [],
        "direction": "at_least",
        "thresholds": [],
    }


class MeasuresTab(EditorBase):
    """Mixed into InitiativeEditor: the Resultatkrav tab."""

    def _build_measures(self) -> None:
        scroll = QWidget(self.tabs)
        outer = QHBoxLayout(scroll)
        left = QVBoxLayout()
        self.measure_list = QListWidget(scroll)
        self.measure_list.setMaximumWidth(260)
        left.addWidget(self._field("measures", self.measure_list, scroll, grow=True), 1)
        self.add_measure_button = QPushButton(self.tr("Nyt resultatkrav"), scroll)
        self.copy_measure_button = QPushButton(self.tr("Kopiér"), scroll)
        self.remove_measure_button = QPushButton(self.tr("Slet"), scroll)
        for button in (
            self.add_measure_button,
            self.copy_measure_button,
            self.remove_measure_button,
        ):
            left.addWidget(button)
        outer.addLayout(left)
        area = QScrollArea(scroll)
        area.setWidgetResizable(True)
        page = QWidget(area)
        self.measure_page = page
        form = page_form(page)
        area.setWidget(page)
        outer.addWidget(area, 1)
        self.tabs.addTab(scroll, self.tr("Resultatkrav"))

        self.m_id = QLineEdit(page)
        self.m_name = QLineEdit(page)
        self.m_kind = QComboBox(page)
        fill_combo(self.m_kind, measure_kind_words())
        self.m_unit = QComboBox(page)
        fill_combo(self.m_unit, unit_words())
        self.m_aggregate = QComboBox(page)
        fill_combo(self.m_aggregate, aggregate_words())
        self.m_rule = QComboBox(page)
        fill_combo(self.m_rule, rule_words())
        self.m_groups = ChoiceList({}, page)
        self.m_markings = ChoiceList(kinds_of(PeriodCategory.MARKING.value), page)
        self.m_qualifying = ChoiceList(source_words(), page)
        self.m_never = ChoiceList(kind_words(), page)
        self.m_direction = QComboBox(page)
        fill_combo(self.m_direction, direction_words())
        self.m_window = OptionalWindow(page)
        self.m_payout_window = OptionalWindow(page)
        self.m_qualifying_from = OptionalDate(page)
        self.m_thresholds = QTableWidget(0, 3, page)
        self.m_thresholds.setHorizontalHeaderLabels(
            [self.tr("Tærskel"), self.tr("Udbetaling"), self.tr("Tekst")]
        )
        self.m_thresholds.verticalHeader().setVisible(False)
        self.m_thresholds.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.m_thresholds.setMinimumHeight(110)
        self.add_threshold_button = QPushButton(self.tr("Tilføj tærskel"), page)
        self.remove_threshold_button = QPushButton(self.tr("Slet tærskel"), page)
        rows: list[tuple[str, str, QWidget]] = [
            (self.tr("Navn:"), "name", self.m_name),
            (self.tr("Id:"), "id", self.m_id),
            (self.tr("Slags:"), "kind", self.m_kind),
            (self.tr("Måles pr.:"), "unit", self.m_unit),
            (self.tr("Opfyldt når:"), "aggregate", self.m_aggregate),
            (self.tr("Hvem tælles (nævner):"), "population.rule", self.m_rule),
            (self.tr("Kun grupperne:"), "population.groups", self.m_groups),
            (self.tr("Markeringer, der tager ud:"), "population.exclude_markings", self.m_markings),
            (self.tr("Tæller som succes:"), "qualifying", self.m_qualifying),
            (self.tr("Tæller aldrig:"), "never_qualifying", self.m_never),
            (self.tr("Retning:"), "direction", self.m_direction),
            (self.tr("Tærskler:"), "thresholds", self.m_thresholds),
        ]
        for label, where, widget in rows:
            form.addRow(label, self._field(f"measures[*].{where}", widget, page))
        threshold_buttons = QHBoxLayout()
        threshold_buttons.addWidget(self.add_threshold_button)
        threshold_buttons.addWidget(self.remove_threshold_button)
        threshold_buttons.addStretch(1)
        form.addRow("", threshold_buttons)
        form.addRow(
            self.tr("Kun perioder i:"), self._field("measures[*].window", self.m_window, page)
        )
        form.addRow(
            self.tr("Udbetaling kun for perioder i:"),
            self._field("measures[*].payout_window", self.m_payout_window, page),
        )
        form.addRow(
            self.tr("Succes tæller fra:"),
            self._field("measures[*].qualifying_from", self.m_qualifying_from, page),
        )

        self.measure_list.currentRowChanged.connect(self._show_measure)
        self.add_measure_button.clicked.connect(self._add_measure)
        self.copy_measure_button.clicked.connect(self._copy_measure)
        self.remove_measure_button.clicked.connect(self._remove_measure)
        self.m_id.textEdited.connect(lambda text: self._set_measure(["id"], text))
        self.m_name.textEdited.connect(lambda text: self._set_measure(["name"], text))
        for combo, path in (
            (self.m_kind, ["kind"]),
            (self.m_unit, ["unit"]),
            (self.m_aggregate, ["aggregate"]),
            (self.m_rule, ["population", "rule"]),
            (self.m_direction, ["direction"]),
        ):
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, p=path: self._set_measure(p, c.currentData())
            )
        self.m_groups.edited.connect(
            lambda: self._set_measure(
                ["population", "groups"], [int(g) for g in self.m_groups.values()]
            )
        )
        self.m_markings.edited.connect(
            lambda: self._set_measure(["population", "exclude_markings"], self.m_markings.values())
        )
        self.m_qualifying.edited.connect(
            lambda: self._set_measure(["qualifying"], self.m_qualifying.values())
        )
        self.m_never.edited.connect(
            lambda: self._set_measure(["never_qualifying"], self.m_never.values())
        )
        self.m_window.edited.connect(lambda: self._set_measure(["window"], self.m_window.value()))
        self.m_payout_window.edited.connect(
            lambda: self._set_measure(["payout_window"], self.m_payout_window.value())
        )
        self.m_qualifying_from.edited.connect(
            lambda: self._set_measure(["qualifying_from"], self.m_qualifying_from.value())
        )
        self.m_thresholds.itemChanged.connect(lambda _item: self._thresholds_edited())
        self.add_threshold_button.clicked.connect(self._add_threshold)
        self.remove_threshold_button.clicked.connect(self._remove_threshold)

    def _show_measure(self, row: int) -> None:
        measures = self.data.get("measures") or []
        self._measure = row
        has = 0 <= row < len(measures)
        self.measure_page.setEnabled(has)
        self.copy_measure_button.setEnabled(has)
        self.remove_measure_button.setEnabled(has)
        if not has:
            return
        m = measures[row]
        self._loading = True
        try:
            self.m_id.setText(str(m.get("id") or ""))
            self.m_name.setText(str(m.get("name") or ""))
            select_data(self.m_kind, m.get("kind"))
            select_data(self.m_unit, m.get("unit"))
            select_data(self.m_aggregate, m.get("aggregate"))
            population = m.get("population") or {}
            select_data(self.m_rule, population.get("rule"))
            self.m_groups.clear()
            for group in self.data.get("groups") or []:
                item = QListWidgetItem(f"{group.get('id')}: {group.get('name')}", self.m_groups)
                item.setData(Qt.ItemDataRole.UserRole, str(group.get("id")))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            self.m_groups.fit(self.m_groups.count())
            self.m_groups.set_values(str(g) for g in population.get("groups") or [])
            self.m_markings.set_values(population.get("exclude_markings") or [])
            self.m_qualifying.set_values(m.get("qualifying") or [])
            self.m_never.set_values(m.get("never_qualifying") or [])
            select_data(self.m_direction, m.get("direction"))
            self.m_window.set_value(m.get("window"), self._period_start())
            self.m_payout_window.set_value(m.get("payout_window"), self._period_start())
            self.m_qualifying_from.set_value(m.get("qualifying_from"), self._period_start())
            self._load_thresholds(m)
        finally:
            self._loading = False
        self._show_problem()

    def _load_thresholds(self, measure: dict[str, Any]) -> None:
        table = self.m_thresholds
        table.blockSignals(True)
        thresholds = measure.get("thresholds") or []
        share = measure.get("kind") != "caseload"
        table.setHorizontalHeaderLabels(
            [
                self.tr("Tærskel (%)") if share else self.tr("Tærskel (antal)"),
                self.tr("Udbetaling (%)"),
                self.tr("Tekst"),
            ]
        )
        table.setRowCount(len(thresholds))
        for row, threshold in enumerate(thresholds):
            value = threshold.get("value")
            payout = threshold.get("payout_share")
            texts = [
                "" if value is None else (share_text(value) if share else f"{value:g}"),
                "" if payout is None else share_text(payout),
                str(threshold.get("label") or ""),
            ]
            for column, text in enumerate(texts):
                table.setItem(row, column, QTableWidgetItem(text))
        table.blockSignals(False)

    def _set_measure(self, path: list[str], value: Any) -> None:
        if self._loading or not 0 <= self._measure < len(self.data.get("measures") or []):
            return
        measure = self.data["measures"][self._measure]
        node = measure
        for part in path[:-1]:
            node = node.setdefault(part, {})
        if value is None and path[-1] in ("window", "payout_window", "qualifying_from"):
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
        if path == ["name"]:
            self.measure_list.item(self._measure).setText(value or measure.get("id") or "")
        if path == ["kind"]:
            self._load_thresholds(measure)
        self._check()

    def _add_measure(self) -> None:
        measures = self.data.setdefault("measures", [])
        measures.append(blank_measure(len(measures) + 1))
        self.measure_list.addItem(measures[-1]["name"])
        self.measure_list.setCurrentRow(len(measures) - 1)
        self._check()

    def _copy_measure(self) -> None:
        measures = self.data.get("measures") or []
        if not 0 <= self._measure < len(measures):
            return
        copied = copy.deepcopy(measures[self._measure])
        copied["id"] = f"{copied.get('id')}_kopi"
        copied["name"] = self.tr("{name} (kopi)").format(name=copied.get("name"))
        measures.append(copied)
        self.measure_list.addItem(copied["name"])
        self.measure_list.setCurrentRow(len(measures) - 1)
        self._check()

    def _remove_measure(self) -> None:
        measures = self.data.get("measures") or []
        row = self._measure
        if not 0 <= row < len(measures):
            return
        del measures[row]
        self._loading = True
        self.measure_list.takeItem(row)
        self._loading = False
        self._show_measure(self.measure_list.currentRow())
        self._check()

    def _thresholds_edited(self) -> None:
        if not 0 <= self._measure < len(self.data.get("measures") or []):
            return
        measure = self.data["measures"][self._measure]
        share = measure.get("kind") != "caseload"
        thresholds: list[dict[str, Any]] = []
        table = self.m_thresholds
        for row in range(table.rowCount()):
            texts = [cell_text(table, row, c) for c in range(3)]
            value = parse_number(texts[0])
            payout = parse_number(texts[1])
            threshold: dict[str, Any] = {
                "value": texts[0]
                if value is None
                else (value / 100 if share else plain_number(value)),
                "payout_share": (
                    None if not texts[1].strip() else texts[1] if payout is None else payout / 100
                ),
                "label": texts[2],
            }
            thresholds.append(threshold)
        self._set_measure(["thresholds"], thresholds)

    def _add_threshold(self) -> None:
        if not 0 <= self._measure < len(self.data.get("measures") or []):
            return
        measure = self.data["measures"][self._measure]
        measure.setdefault("thresholds", []).append(
            {
                "value": 0.0 if measure.get("kind") != "caseload" else 0,
                "payout_share": None,
                "label": "",
            }
        )
        self._load_thresholds(measure)
        self._check()

    def _remove_threshold(self) -> None:
        if not 0 <= self._measure < len(self.data.get("measures") or []):
            return
        measure = self.data["measures"][self._measure]
        row = self.m_thresholds.currentRow()
        if 0 <= row < len(measure.get("thresholds") or []):
            del measure["thresholds"][row]
            self._load_thresholds(measure)
            self._check()
