"""Issue 25: the initiative editor. Each shipped template rebuilt from a blank one field by
field gives the same JSON; an "afklaringspulje" (80 % in one month) made in the editor counts
hand-checked figures in the live preview; a wrong field shows its Danish message under it and
Gem waits; the open project's initiative is changed in one audited transaction and undone from
the Indsats menu; Nyt projekt takes a new initiative from the editor or a file."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QTableWidget

from fsm_desktop.domain.measures import CitizenFacts, Facts, Span
from fsm_desktop.domain.program import BUILTIN, builtin_template
from fsm_desktop.domain.template_schema import check_template
from fsm_desktop.exchange.template_file import write_template_file
from fsm_desktop.storage.initiative import InitiativeRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.views.initiative import preview
from fsm_desktop.views.initiative.editor import InitiativeEditor, blank_template


@pytest.fixture(autouse=True)
def no_preview_pause(monkeypatch):
    monkeypatch.setattr(preview, "DELAY_MS", 0)


def _unchanged(editor: InitiativeEditor) -> None:
    """Before the test's end closes an editor: as if saved, so that Annuller's question (for
    a user) does not stop the close."""
    editor.opened_with = copy.deepcopy(editor.data)


def _editor(qtbot, data: dict[str, Any], **kwargs) -> InitiativeEditor:
    editor = InitiativeEditor(data, **kwargs)
    qtbot.addWidget(editor, before_close_func=_unchanged)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _type(qtbot, edit, text: str) -> None:
    """Typed key by key; a text with letters QTest cannot type (an en dash) as a paste."""
    edit.clear()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.setText(text)
        edit.textEdited.emit(text)


def _date(edit, text: str) -> None:
    edit.setDate(QDate.fromString(text, "yyyy-MM-dd"))


def _choose(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def _cell(table: QTableWidget, row: int, column: int, text: str) -> None:
    table.item(row, column).setText(text)


def _percent(value: float) -> str:
    return f"{round(value * 100, 6):g}".replace(".", ",")


def _rebuild(qtbot, editor: InitiativeEditor, data: dict[str, Any]) -> None:
    """Every field of ``data`` entered in the editor, as a user enters it."""
    _type(qtbot, editor.name_edit, data["name"])
    _type(qtbot, editor.key_edit, data["key"])
    editor.source_edit.setText(data["source"])
    editor.source_edit.textEdited.emit(data["source"])
    _date(editor.end_edit, data["period"]["end"])
    _date(editor.start_edit, data["period"]["start"])
    _date(editor.baseline_edit, data["baseline_date"])
    group = data["target_group"]
    editor.description_edit.setPlainText(group["description"])
    for value in group["benefits"]:
        editor.benefits_list.tick(value)
    editor.min_age_box.setValue(group["min_age"] or 0)
    _choose(editor.entry_box, group["entry"])
    for value in editor.leaving_list.values():
        editor.leaving_list.tick(value, False)
    for value in group["leaving_reasons"]:
        editor.leaving_list.tick(value)
    for row, g in enumerate(data["groups"]):
        qtbot.mouseClick(editor.add_group_button, Qt.MouseButton.LeftButton)
        _cell(editor.groups_table, row, 0, str(g["id"]))
        _cell(editor.groups_table, row, 1, g["name"])
        _cell(editor.groups_table, row, 2, g["description"])
    for m in data["measures"]:
        qtbot.mouseClick(editor.add_measure_button, Qt.MouseButton.LeftButton)
        _type(qtbot, editor.m_name, m["name"])
        _type(qtbot, editor.m_id, m["id"])
        _choose(editor.m_kind, m["kind"])
        _choose(editor.m_unit, m["unit"])
        _choose(editor.m_aggregate, m["aggregate"])
        _choose(editor.m_rule, m["population"]["rule"])
        for g in m["population"]["groups"]:
            editor.m_groups.tick(str(g))
        for value in m["population"]["exclude_markings"]:
            editor.m_markings.tick(value)
        for value in m["qualifying"]:
            editor.m_qualifying.tick(value)
        for value in m["never_qualifying"]:
            editor.m_never.tick(value)
        _choose(editor.m_direction, m["direction"])
        share = m["kind"] != "caseload"
        for row, t in enumerate(m["thresholds"]):
            qtbot.mouseClick(editor.add_threshold_button, Qt.MouseButton.LeftButton)
            _cell(editor.m_thresholds, row, 0, _percent(t["value"]) if share else f"{t['value']:g}")
            payout = t["payout_share"]
            _cell(editor.m_thresholds, row, 1, "" if payout is None else _percent(payout))
            _cell(editor.m_thresholds, row, 2, t["label"])
        for key, widget in (("window", editor.m_window), ("payout_window", editor.m_payout_window)):
            if m.get(key):
                widget.box.setChecked(True)
                _date(widget.start, m[key]["start"])
                _date(widget.end, m[key]["end"])
        if m.get("qualifying_from"):
            editor.m_qualifying_from.box.setChecked(True)
            _date(editor.m_qualifying_from.day, m["qualifying_from"])
    for row, goal in enumerate(data["goals"]):
        qtbot.mouseClick(editor.add_goal_button, Qt.MouseButton.LeftButton)
        table = editor.goals_table
        _cell(table, row, 0, goal["label"])
        _choose(table.cellWidget(row, 2), goal["unit"])
        table.cellWidget(row, 1).setCurrentText(goal["measure"])
        _cell(
            table,
            row,
            3,
            "; ".join(
                f"{month}: {_percent(v)} %" if goal["unit"] == "share" else f"{month}: {v:g}"
                for month, v in goal["targets"].items()
            ),
        )


@pytest.mark.parametrize("key", BUILTIN)
def test_each_shipped_template_rebuilt_from_blank_is_the_same_template(app, qtbot, key, tmp_path):
    shipped = json.loads(builtin_template(key).to_json())
    editor = _editor(qtbot, blank_template(dt.date(2026, 12, 7)))
    _rebuild(qtbot, editor, shipped)
    assert editor.problem is None, editor.status.text()
    assert editor.template is not None
    assert json.loads(editor.template.to_json()) == shipped
    assert editor.template == builtin_template(key)
    assert editor.save_button.isEnabled()
    # The same measures on the initiative's demo, period by period.
    from fsm_desktop.domain.measures import compute
    from fsm_desktop.storage.demo import write_demo
    from fsm_desktop.storage.facts import load_facts

    write_demo(tmp_path / "demo.fsm", program=key, citizens=60, seed=3)
    with Project.open(tmp_path / "demo.fsm", read_only=True) as demo:
        facts = load_facts(demo)

    def counted(template):
        return [
            (r.measure, r.label, r.numerator, r.denominator, r.met)
            for r in compute(template, facts).results
        ]

    assert counted(editor.template) == counted(builtin_template(key))
    assert any(row[2] for row in counted(editor.template))  # the demo has successes to count


def _afklaring_facts() -> Facts:
    """Five citizens on the new jobafklaring benefit from February to June 2026; in April four
    of them have an ordinary job (one from March to May, three only in April)."""

    def person(n: int, jobs: list[tuple[str, str]]) -> CitizenFacts:
        periods = [Span("jobafklaring", dt.date(2026, 2, 1), dt.date(2026, 6, 30))]
        periods += [
            Span("ordinaer_beskaeftigelse", dt.date.fromisoformat(a), dt.date.fromisoformat(b))
            for a, b in jobs
        ]
        return CitizenFacts(
            id=f"c{n}", name=f"Borger {n}", entry_date=dt.date(2026, 2, 1), periods=periods
        )

    return Facts(
        citizens=[
            person(1, [("2026-03-01", "2026-05-31")]),
            person(2, [("2026-04-01", "2026-04-30")]),
            person(3, [("2026-04-01", "2026-04-30")]),
            person(4, [("2026-04-10", "2026-04-20")]),
            person(5, []),
        ]
    )


def test_an_afklaringspulje_made_in_the_editor_counts_hand_checked_figures(app, qtbot):
    """80 % in one month, on a benefit the user adds (the 2026 jobafklaringsforløb)."""
    editor = _editor(qtbot, blank_template(dt.date(2026, 1, 7)), facts=_afklaring_facts())
    qtbot.waitUntil(lambda: editor.preview.report is not None)
    _type(qtbot, editor.name_edit, "Afklaringspulje")
    _type(qtbot, editor.key_edit, "afklaring")
    _date(editor.end_edit, "2026-06-30")
    _date(editor.start_edit, "2026-02-01")
    _date(editor.baseline_edit, "2026-02-01")
    editor.tabs.setCurrentIndex(5)
    qtbot.mouseClick(editor.add_kind_button, Qt.MouseButton.LeftButton)
    _cell(editor.kinds_table, 0, 0, "Jobafklaringsforløb")
    assert editor.kinds_table.item(0, 1).text() == "jobafklaringsforloeb"
    _cell(editor.kinds_table, 0, 1, "jobafklaring")
    assert editor.data["period_kinds"] == [
        {"key": "jobafklaring", "label": "Jobafklaringsforløb", "category": "ydelse"}
    ]
    editor.benefits_list.tick("jobafklaring")
    qtbot.mouseClick(editor.add_measure_button, Qt.MouseButton.LeftButton)
    _type(qtbot, editor.m_name, "Afklaret til job i en måned")
    editor.m_qualifying.tick("ordinaer_beskaeftigelse")
    qtbot.mouseClick(editor.add_threshold_button, Qt.MouseButton.LeftButton)
    _cell(editor.m_thresholds, 0, 0, "80")
    _cell(editor.m_thresholds, 0, 1, "100")
    with qtbot.waitSignal(editor.preview.counted):
        _cell(editor.m_thresholds, 0, 2, "80 % udløser hele tilskuddet")
    assert editor.problem is None, editor.status.text()
    report = editor.preview.report
    assert report is not None
    shares = {r.label: r.share for r in report.for_measure("krav1")}
    # By hand: Feb 0/5; Mar 1/5 (c1); Apr 4/5 (c1-c4); May 1/5 (c1); Jun 0/5.
    assert shares == {
        "2026-02": 0.0,
        "2026-03": 0.2,
        "2026-04": 0.8,
        "2026-05": 0.2,
        "2026-06": 0.0,
    }
    assert [r.met for r in report.for_measure("krav1")] == [False, False, True, False, False]
    ((name, met, n, latest, requirement),) = editor.preview.rows
    assert (name, met, n) == ("Afklaret til job i en måned", 1, 5)
    assert latest == "0,0 % (2026-06)" and requirement == "≥ 80 %"
    assert "Nået i 1 af 5 perioder" in editor.preview.text.text()
    # A higher threshold: counted again at once, no month reaches it.
    with qtbot.waitSignal(editor.preview.counted):
        _cell(editor.m_thresholds, 0, 0, "85")
    assert editor.preview.rows[0][1] == 0
    # The template travels with its own kind: checked again from its JSON, the same.
    again = check_template(json.loads(editor.template.to_json()))
    assert again.target_group.benefits[0].label == "Jobafklaringsforløb"


def test_a_wrong_field_shows_its_message_under_it_and_gem_waits(app, qtbot):
    editor = _editor(qtbot, json.loads(builtin_template("bir").to_json()))
    assert editor.problem is None and editor.save_button.isEnabled()
    _date(editor.end_edit, "2019-01-01")  # before the start
    assert not editor.save_button.isEnabled()
    field = editor._fields["period"]
    assert field.message.text() == "slutdatoen ligger før startdatoen"
    assert not field.message.isHidden()
    assert editor.status.text() == "Projektperiode: slutdatoen ligger før startdatoen"
    assert editor.tabs.tabText(0).endswith("⚠")
    _date(editor.end_edit, "2021-12-31")
    assert editor.save_button.isEnabled() and field.message.isHidden()
    assert editor.status.text() == ""
    # In a measure: the payout share over 100 %, under the thresholds of the measure shown.
    editor.tabs.setCurrentIndex(3)
    editor.measure_list.setCurrentRow(1)
    _cell(editor.m_thresholds, 0, 1, "150")
    thresholds = editor._fields["measures[*].thresholds"]
    assert thresholds.message.text() == "må højst være 100 %"
    assert editor.status.text() == (
        "Resultatkrav »Resultatkrav 2: job, løntimer, fleksjob eller uddannelse«: udbetaling ved "
        "tærskel 1: må højst være 100 %"
    )
    assert editor.measure_list.item(1).text().endswith("⚠")
    assert not editor.measure_list.item(0).text().endswith("⚠")
    # Gem goes to the fault instead of closing.
    editor.tabs.setCurrentIndex(0)
    editor.measure_list.setCurrentRow(0)
    editor.accept()
    assert editor.isVisible() and editor.tabs.currentIndex() == 3
    assert editor.measure_list.currentRow() == 1
    _cell(editor.m_thresholds, 0, 1, "12,5")
    assert editor.problem is None


def test_two_measures_with_one_id_are_named(app, qtbot):
    editor = _editor(qtbot, json.loads(builtin_template("bir").to_json()))
    editor.measure_list.setCurrentRow(1)
    _type(qtbot, editor.m_id, "bir.measure1")
    assert editor.status.text() == "Resultatkrav: to mål har samme id"
    assert editor._fields["measures"].message.text() == "to mål har samme id"


def test_start_from_copies_a_template_and_a_file(app, qtbot, tmp_path, monkeypatch):
    editor = _editor(qtbot, blank_template())
    hir = next(a for a in editor.start_menu.actions() if "Håndholdt" in a.text())
    hir.trigger()
    assert editor.template == builtin_template("hir")
    data = json.loads(builtin_template("frontrunner").to_json())
    data["name"] = "Frontrunner, Testrup"
    path = write_template_file(data, tmp_path / "testrup.json")
    from fsm_desktop.views.kit import file_dialogs

    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(path), ""))
    next(a for a in editor.start_menu.actions() if a.text() == "Skabelonfil …").trigger()
    assert editor.template is not None and editor.template.name == "Frontrunner, Testrup"
    assert editor.name_edit.text() == "Frontrunner, Testrup"


def test_the_indsats_menu_changes_the_open_projects_initiative_and_undoes_it(
    open_window, small_project_path, qtbot, monkeypatch
):
    window = open_window(small_project_path, "maal")
    window.initiative_menu.aboutToShow.emit()  # looked up as the menu opens
    assert window.edit_initiative_action.isEnabled()
    assert not window.undo_initiative_action.isEnabled()
    editor = window.edit_initiative()
    qtbot.addWidget(editor, before_close_func=_unchanged)
    assert editor.preview.facts is not None
    qtbot.waitUntil(lambda: editor.preview.report is not None)
    editor.tabs.setCurrentIndex(3)
    _cell(editor.m_thresholds, 0, 0, "25")
    editor.accept()
    project = window.project
    assert [t.value for t in project.template.measures[0].thresholds] == [0.2, 0.25]
    assert project.db.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'initiative'"
    ).fetchone() == (1,)
    window.initiative_menu.aboutToShow.emit()
    assert window.undo_initiative_action.isEnabled()
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Yes,
    )
    assert window.undo_initiative_change()
    assert "Flere skal med 2" in asked[0]
    assert [t.value for t in project.template.measures[0].thresholds] == [0.15, 0.2]


def test_the_indsats_menu_saves_the_projects_template_as_a_file(
    open_window, small_project_path, tmp_path, monkeypatch
):
    window = open_window(small_project_path, "maal")
    target = tmp_path / "ud.json"
    from fsm_desktop.views.kit import file_dialogs

    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(target), ""))
    window.save_initiative_file()
    assert json.loads(target.read_text("utf-8")) == InitiativeRepository(window.project).current()


def test_new_project_takes_an_initiative_from_the_editor_or_a_file(
    app, qtbot, tmp_path, monkeypatch
):
    from fsm_desktop.views.main.new_project_dialog import NewProjectDialog

    dialog = NewProjectDialog()
    qtbot.addWidget(dialog)
    dialog.template_box.setCurrentIndex(2)  # BIR
    editor = dialog.new_initiative()
    qtbot.addWidget(editor, before_close_func=_unchanged)
    assert editor.template == builtin_template("bir")
    _type(qtbot, editor.name_edit, "BIR 2026")
    _type(qtbot, editor.key_edit, "bir2026")
    editor.accept()
    assert dialog.template.key == "bir2026"
    assert dialog.template_box.currentText() == "BIR 2026 (egen)"
    assert dialog.name_edit.text() == "BIR 2026"
    data = json.loads(builtin_template("hir").to_json())
    data.update(key="hir_nabo", name="HIR hos naboen")
    path = write_template_file(data, tmp_path / "nabo.json")
    from fsm_desktop.views.kit import file_dialogs

    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(path), ""))
    dialog.open_template_file()
    assert dialog.template.key == "hir_nabo"
    project = Project.create(tmp_path / "ny.fsm", dialog.template)
    with project:
        assert InitiativeRepository(project).current() == data


def test_a_bad_template_file_is_refused_with_its_message(app, qtbot, tmp_path, monkeypatch):
    from fsm_desktop.views.kit import file_dialogs
    from fsm_desktop.views.main.new_project_dialog import NewProjectDialog

    bad = copy.deepcopy(json.loads(builtin_template("hir").to_json()))
    bad["measures"][0]["unit"] = "uge"
    path = write_template_file(bad, tmp_path / "forkert.json")
    shown = []
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(
        "fsm_desktop.views.initiative.files.show_known_error",
        lambda parent, title, error: shown.append(error.message),
    )
    dialog = NewProjectDialog()
    qtbot.addWidget(dialog)
    dialog.open_template_file()
    assert shown == [
        "forkert.json: Skabelonen er ugyldig ved »measures[0].unit«: »uge« er ikke en af month, "
        "rolling_quarter, period"
    ]
    assert dialog.template_box.count() == len(BUILTIN)


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("(rod).name", "Navn"),
        ("key", "Kort navn (nøgle)"),
        ("period.start", "Projektperiodens start"),
        ("target_group.min_age", "Målgruppe: mindstealder"),
        ("groups[1].id", "Gruppe 2"),
        ("measures[0].unit", "Resultatkrav »Løntimer eller uddannelse i en måned«: måles pr."),
        (
            "measures[0].population.groups",
            "Resultatkrav »Løntimer eller uddannelse i en måned«: hvem tælles kun grupperne",
        ),
        (
            "measures[0].thresholds[1].label",
            "Resultatkrav »Løntimer eller uddannelse i en måned«: tekst ved tærskel 2",
        ),
        (
            "goals[3].targets",
            "Statusskemaets række »Fravær (barsel, indlæggelse mv.)«: mål pr. måned",
        ),
    ],
)
def test_a_fault_is_placed_in_the_editors_words(app, where, said):
    from fsm_desktop.views.initiative.wording import place

    assert place(where, json.loads(builtin_template("fsm2").to_json())) == said


def test_a_goal_that_is_not_month_and_value_is_named(app, qtbot):
    editor = _editor(qtbot, json.loads(builtin_template("fsm2").to_json()))
    editor.goals_table.item(0, 3).setText("oktober: 100 %")
    assert editor.status.text() == (
        "Statusskemaets række »Bruttomålgruppen«: mål pr. måned: skriv måned og tal, fx "
        "»2021-10: 90 %; 2022-10: 95 %«"
    )
    editor.goals_table.item(0, 3).setText("2020-10: 100 %; 2021-10: 95 %")
    assert editor.problem is None
    assert editor.template.goals[0].targets == {"2020-10": 1.0, "2021-10": 0.95}


def test_an_own_kind_is_a_choice_wherever_a_kind_is_and_its_faults_are_named(app, qtbot):
    editor = _editor(qtbot, json.loads(builtin_template("fsm2").to_json()))
    editor.tabs.setCurrentIndex(5)
    qtbot.mouseClick(editor.add_kind_button, Qt.MouseButton.LeftButton)
    _cell(editor.kinds_table, 0, 0, "IPS-forløb")
    _choose(editor.kinds_table.cellWidget(0, 2), "tilbud")
    assert editor.problem is None, editor.status.text()
    editor.m_qualifying.tick("ips_forloeb")
    assert "ips_forloeb" in editor.template.measures[0].qualifying
    editor.m_never.tick("ips_forloeb")
    with pytest.raises(KeyError):
        editor.benefits_list.tick("ips_forloeb")  # an offer, not a benefit
    # A name another kind has: named under the table, in the editor's words.
    _cell(editor.kinds_table, 0, 1, "ips")  # a key of the user's own: no longer follows the name
    _cell(editor.kinds_table, 0, 0, "Mentor")
    assert editor.kinds_table.item(0, 1).text() == "ips"
    assert editor.status.text() == (
        "Forløbstype 1: navn: en anden forløbstype hedder allerede »Mentor«"
    )
    assert editor._fields["period_kinds"].message.text().startswith("en anden forløbstype")
    _cell(editor.kinds_table, 0, 1, "ips_forloeb")
    assert editor.tabs.tabText(5).endswith("⚠")
    _cell(editor.kinds_table, 0, 0, "IPS-forløb")
    assert editor.problem is None
    # Removing it takes it out of every list; what counted it must then be put right.
    editor.kinds_table.setCurrentCell(0, 0)
    qtbot.mouseClick(editor.remove_kind_button, Qt.MouseButton.LeftButton)
    assert "period_kinds" not in editor.data
    assert editor.status.text().endswith("ukendt forløbstype »ips_forloeb«")


def test_annuller_asks_before_throwing_changes_away(app, qtbot, monkeypatch):
    editor = _editor(qtbot, json.loads(builtin_template("hir").to_json()))
    editor.reject()  # nothing changed: closes without a question
    assert not editor.isVisible()
    editor = _editor(qtbot, json.loads(builtin_template("hir").to_json()))
    _type(qtbot, editor.name_edit, "HIR 2")
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or answers.pop(0)
    )
    editor.reject()
    assert editor.isVisible() and editor.data["name"] == "HIR 2"
    editor.reject()
    assert not editor.isVisible()
    assert asked == ["Indsatsen er ændret. Skal ændringerne kasseres?"] * 2
