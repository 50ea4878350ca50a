"""The initiative editor (issue 25): a template made or changed field by field, checked as
you type with the template's Danish messages under the field that is wrong, and — with a
project open — its measures counted on the project's citizens as you go.

The editor holds the template as data (``self.data``, the JSON of docs/templates.md); every
field writes its part and the whole is checked again (domain.template_schema: the schema,
then the program's own rules). *Gem* is possible only while the template is valid; what is
done with it (a new project, the open project's initiative, a file) is the caller's."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import PeriodCategory
from fsm_desktop.domain.program import ProgramTemplate, builtin_templates
from fsm_desktop.domain.template_schema import check_template
from fsm_desktop.views.initiative.fields import (
    ChoiceList,
    Field,
    entry_words,
    fill_combo,
    kinds_of,
    leaving_words,
    page_form,
    qdate_of,
    select_data,
)
from fsm_desktop.views.initiative.files import open_template_file, save_template_file
from fsm_desktop.views.initiative.kinds_tab import KindsTab
from fsm_desktop.views.initiative.measures_tab import MeasuresTab
from fsm_desktop.views.initiative.preview import Preview
from fsm_desktop.views.initiative.tables_tabs import TablesTabs
from fsm_desktop.views.initiative.wording import in_percent, place
from fsm_desktop.views.kit.dates import date_edit, pydate

#: The tabs, in order.
TABS = ("Indsats", "Målgruppe", "Grupper", "Resultatkrav", "Statusskema", "Forløbstyper")
#: Which tab a field of the template is on, by the first part of its path.
_TAB_OF = {
    "format": 0,
    "key": 0,
    "name": 0,
    "source": 0,
    "period": 0,
    "baseline_date": 0,
    "(rod)": 0,
    "target_group": 1,
    "groups": 2,
    "measures": 3,
    "goals": 4,
    "period_kinds": 5,
}
_MEASURE = re.compile(r"^measures\[(\d+)\]")


def blank_template(today: dt.date | None = None) -> dict[str, Any]:
    """A template to start from with nothing filled in but what must be: a year from the first
    of next month, no measures, no goals."""
    today = today or dt.date.today()
    start = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    return {
        "format": 1,
        "key": "ny_indsats",
        "name": "Ny indsats",
        "source": "",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "baseline_date": start.isoformat(),
        "target_group": {
            "description": "",
            "benefits": [],
            "min_age": None,
            "entry": "benefit_in_period",
            "leaving_reasons": ["fraflyttet", "folkepension", "doed"],
        },
        "groups": [],
        "measures": [],
        "goals": [],
    }


class InitiativeEditor(MeasuresTab, TablesTabs, KindsTab):
    """Edits ``data`` (a template's JSON); :attr:`template` is the checked result on accept.
    ``facts`` (the open project's rows) and ``grant`` feed the live preview."""

    def __init__(
        self,
        data: dict[str, Any],
        parent: QWidget | None = None,
        *,
        facts=None,
        grant: float | None = None,
        title: str | None = None,
        save_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Indsats"))
        self.data: dict[str, Any] = copy.deepcopy(data)
        self.template: ProgramTemplate | None = None
        self.problem: ValidationError | None = None
        self._loading = False
        self._measure = -1  # the measure shown in the form
        self._fields: dict[str, Field] = {}

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start fra …"), self)
        self.start_menu = QMenu(self.start_button)
        self.start_button.setMenu(self.start_menu)
        self._build_start_menu()
        top.addWidget(self.start_button)
        self.save_file_button = QPushButton(self.tr("Gem som fil …"), self)
        self.save_file_button.setToolTip(
            self.tr("Skabelonen som JSON-fil, fx til en nabokommune eller et nyt projekt")
        )
        top.addWidget(self.save_file_button)
        top.addStretch(1)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.tabs = QTabWidget(splitter)
        self.preview = Preview(facts, grant, splitter)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 330])
        layout.addWidget(splitter, 1)
        self._build_general()
        self._build_target_group()
        self._build_groups()
        self._build_measures()
        self._build_goals()
        self._build_kinds()

        self.status = QLabel(self)
        self.status.setObjectName("errorText")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(save_text or self.tr("Gem"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuller"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.save_file_button.clicked.connect(self._save_file)
        self.load(self.data)
        #: What the editor opened with: Annuller asks before it throws changes away.
        self.opened_with = copy.deepcopy(self.data)
        self.resize(1180, 700)

    # --- starting points -------------------------------------------------------------------
    def _build_start_menu(self) -> None:
        self.start_menu.addAction(self.tr("Tom skabelon"), lambda: self.load(blank_template()))
        self.start_menu.addSeparator()
        for template in builtin_templates():
            self.start_menu.addAction(
                self.tr("Kopi af {name}").format(name=template.name),
                functools.partial(self._start_from, template),
            )
        self.start_menu.addSeparator()
        self.start_menu.addAction(self.tr("Skabelonfil …"), self._open_file)

    def _start_from(self, template: ProgramTemplate) -> None:
        self.load(json.loads(template.to_json()))

    def _open_file(self) -> None:
        template = open_template_file(self)
        if template is not None:
            self.load(json.loads(template.to_json()))

    def _save_file(self) -> None:
        if self.template is not None:
            save_template_file(self, self.template, self.tr("Gem skabelon som fil"))

    # --- the tabs --------------------------------------------------------------------------
    def _field(self, path: str, editor: QWidget, parent: QWidget, grow: bool = False) -> Field:
        field = Field(editor, parent, grow)
        self._fields[path] = field
        return field

    def _page(self, title: str, stretch: bool = True) -> tuple[QWidget, QFormLayout]:
        scroll = QScrollArea(self.tabs)
        scroll.setWidgetResizable(True)
        page = QWidget(scroll)
        form = page_form(page, stretch)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, title)
        return page, form

    def _build_general(self) -> None:
        page, form = self._page(self.tr("Indsats"))
        self.name_edit = QLineEdit(page)
        self.key_edit = QLineEdit(page)
        self.key_edit.setToolTip(self.tr("Skabelonens korte navn: bogstaver a–z, tal, - og _"))
        self.source_edit = QLineEdit(page)
        self.source_edit.setPlaceholderText(self.tr("fx puljeopslaget og STAR's spørgsmål og svar"))
        self.start_edit = date_edit(page, dt.date.today())
        self.end_edit = date_edit(page, dt.date.today())
        self.baseline_edit = date_edit(page, dt.date.today())
        form.addRow(self.tr("Navn:"), self._field("name", self.name_edit, page))
        form.addRow(self.tr("Kort navn (nøgle):"), self._field("key", self.key_edit, page))
        form.addRow(self.tr("Kilde:"), self._field("source", self.source_edit, page))
        period = QWidget(page)
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_edit)
        row.addWidget(QLabel("–", period))
        row.addWidget(self.end_edit)
        row.addStretch(1)
        form.addRow(self.tr("Projektperiode:"), self._field("period", period, page))
        baseline = QWidget(page)
        row = QHBoxLayout(baseline)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.baseline_edit)
        row.addStretch(1)
        form.addRow(self.tr("0-punkt:"), self._field("baseline_date", baseline, page))
        hint = QLabel(
            self.tr(
                "0-punktet er statusskemaets første kolonne. Perioden afgør, hvilke måneder "
                "resultatkravene tælles i."
            ),
            page,
        )
        hint.setObjectName("dialogHint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.name_edit.textEdited.connect(lambda text: self._set(["name"], text))
        self.key_edit.textEdited.connect(lambda text: self._set(["key"], text))
        self.source_edit.textEdited.connect(lambda text: self._set(["source"], text))
        for edit, path in (
            (self.start_edit, ["period", "start"]),
            (self.end_edit, ["period", "end"]),
            (self.baseline_edit, ["baseline_date"]),
        ):
            edit.dateChanged.connect(lambda day, p=path: self._set(p, pydate(day).isoformat()))

    def _build_target_group(self) -> None:
        page, form = self._page(self.tr("Målgruppe"))
        self.description_edit = QPlainTextEdit(page)
        self.description_edit.setMaximumHeight(90)
        self.benefits_list = ChoiceList(kinds_of(PeriodCategory.BENEFIT.value), page)
        self.min_age_box = QSpinBox(page)
        self.min_age_box.setRange(0, 120)
        self.min_age_box.setSpecialValueText(self.tr("ingen"))
        self.min_age_box.setSuffix(self.tr(" år"))
        self.min_age_box.setMaximumWidth(120)
        self.entry_box = QComboBox(page)
        fill_combo(self.entry_box, entry_words())
        self.leaving_list = ChoiceList(leaving_words(), page)
        form.addRow(
            self.tr("Beskrivelse:"),
            self._field("target_group.description", self.description_edit, page),
        )
        form.addRow(
            self.tr("Ydelser, der giver adgang:"),
            self._field("target_group.benefits", self.benefits_list, page),
        )
        form.addRow(
            self.tr("Mindstealder:"), self._field("target_group.min_age", self.min_age_box, page)
        )
        form.addRow(self.tr("Indgang:"), self._field("target_group.entry", self.entry_box, page))
        form.addRow(
            self.tr("Går ud ved:"),
            self._field("target_group.leaving_reasons", self.leaving_list, page),
        )
        self.description_edit.textChanged.connect(
            lambda: self._set(["target_group", "description"], self.description_edit.toPlainText())
        )
        self.benefits_list.edited.connect(
            lambda: self._set(["target_group", "benefits"], self.benefits_list.values())
        )
        self.min_age_box.valueChanged.connect(
            lambda value: self._set(["target_group", "min_age"], value or None)
        )
        self.entry_box.currentIndexChanged.connect(
            lambda _i: self._set(["target_group", "entry"], self.entry_box.currentData())
        )
        self.leaving_list.edited.connect(
            lambda: self._set(["target_group", "leaving_reasons"], self.leaving_list.values())
        )

    def load(self, data: dict[str, Any]) -> None:
        """Shows ``data`` (a template's JSON) in every field and checks it."""
        self._loading = True
        try:
            self.data = copy.deepcopy(data)
            d = self.data
            self.name_edit.setText(str(d.get("name") or ""))
            self.key_edit.setText(str(d.get("key") or ""))
            self.source_edit.setText(str(d.get("source") or ""))
            period = d.get("period") or {}
            for edit, text in (
                (self.start_edit, period.get("start")),
                (self.end_edit, period.get("end")),
                (self.baseline_edit, d.get("baseline_date")),
            ):
                edit.setDate(qdate_of(text))
            self._load_kinds()  # before the lists of kinds, which show them
            group = d.get("target_group") or {}
            self.description_edit.setPlainText(str(group.get("description") or ""))
            self.benefits_list.set_values(group.get("benefits") or [])
            self.min_age_box.setValue(int(group.get("min_age") or 0))
            select_data(self.entry_box, group.get("entry"))
            self.leaving_list.set_values(group.get("leaving_reasons") or [])
            self._load_groups()
            self._load_goals()
            self.measure_list.clear()
            for measure in d.get("measures") or []:
                self.measure_list.addItem(str(measure.get("name") or measure.get("id")))
            self._measure = -1
        finally:
            self._loading = False
        self.measure_list.setCurrentRow(0 if self.measure_list.count() else -1)
        self._show_measure(self.measure_list.currentRow())
        self._check()

    def _period_start(self) -> dt.date:
        try:
            return dt.date.fromisoformat((self.data.get("period") or {}).get("start", ""))
        except (TypeError, ValueError):
            return dt.date.today()

    # --- writing the fields into the data --------------------------------------------------
    def _set(self, path: list[Any], value: Any) -> None:
        if self._loading:
            return
        node = self.data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
        self._check()

    def _check(self) -> None:
        """The whole template checked again; its first fault shown under its field."""
        try:
            self.template = check_template(copy.deepcopy(self.data))
            self.problem = None
        except ValidationError as problem:
            self.template = None
            self.problem = problem
        self.save_button.setEnabled(self.template is not None)
        self.save_file_button.setEnabled(self.template is not None)
        self.status.setText(self._problem_text())
        self._show_problem()
        self.preview.show_template(self.template)

    def _problem_text(self) -> str:
        """The fault in the editor's words: where, then what ("Resultatkrav »X«: udbetaling ved
        tærskel 1: må højst være 100 %")."""
        if self.problem is None:
            return ""
        where = self.problem_where()
        if where is None or "problem" not in self.problem.params:
            return self.problem.translated(self.tr)
        problem = in_percent(where, str(self.problem.params["problem"]), self.data)
        return f"{place(where, self.data)}: {problem}"

    def problem_where(self) -> str | None:
        if self.problem is None:
            return None
        return str(self.problem.params.get("where", "(rod)"))

    def _show_problem(self) -> None:
        for field in self._fields.values():
            field.show_problem(None)
        for index in range(self.tabs.count()):
            self.tabs.setTabText(index, self.tr(TABS[index]))
        for index, measure in enumerate(self.data.get("measures") or []):
            item = self.measure_list.item(index)
            if item is not None and isinstance(measure, dict):
                item.setText(str(measure.get("name") or measure.get("id") or ""))
        where = self.problem_where()
        if where is None or self.problem is None:
            return
        text = in_percent(
            where, str(self.problem.params.get("problem", self.problem.message)), self.data
        )
        tab = _TAB_OF.get(re.split(r"[.\[]", where)[0], 0)
        self.tabs.setTabText(tab, f"{self.tr(TABS[tab])} ⚠")
        match = _MEASURE.match(where)
        key = where
        if match:
            index = int(match.group(1))
            item = self.measure_list.item(index)
            if item is not None:
                item.setText(f"{item.text()} ⚠")
            if index != self._measure:
                return  # the list shows which; its form shows the fault when chosen
            key = "measures[*]" + where[match.end() :]
        wrong = self._field_for(key)
        if wrong is not None:
            wrong.show_problem(text)

    def _field_for(self, where: str) -> Field | None:
        """The field a path belongs to: the longest registered path it starts with."""
        found = [
            path
            for path in self._fields
            if where == path or where.startswith((path + ".", path + "["))
        ]
        return self._fields[max(found, key=len)] if found else None

    def go_to_problem(self) -> None:
        """Shows the tab (and the measure) with the fault."""
        where = self.problem_where()
        if where is None:
            return
        self.tabs.setCurrentIndex(_TAB_OF.get(re.split(r"[.\[]", where)[0], 0))
        match = _MEASURE.match(where)
        if match and int(match.group(1)) < self.measure_list.count():
            self.measure_list.setCurrentRow(int(match.group(1)))

    def accept(self) -> None:
        if self.template is None:
            self.go_to_problem()
            return
        super().accept()

    def reject(self) -> None:
        """Annuller (or Esc, or the window's close): asks first when something was changed."""
        if self.data != self.opened_with:
            answer = QMessageBox.question(
                self,
                self.tr("Annuller ændringerne"),
                self.tr("Indsatsen er ændret. Skal ændringerne kasseres?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
