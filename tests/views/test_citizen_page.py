"""The citizen's page under pytest-qt: every kind of record edited through the interface,
the messages next to the fields, the assignment history rule, the audit log on the page, the
CPR reveal, saving in one transaction and the question before unsaved changes are lost; and the
"done when" of the issue: a contact, a praktik, last month's hours and a board move show up on
the board, in the measures and in the audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.measures import Month, compute
from fsm_desktop.domain.model import (
    AssignmentRole,
    BoardColumn,
    ContactKind,
    PeriodKind,
    Staff,
    StaffRole,
    StatusKind,
)
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.citizen_edit import CitizenEditor
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.views.citizens.window import CitizenWindow
from fsm_desktop.views.kit.dates import parse_date

# The small project's initiative (FSM2) ended 31-10-2021: the page works "as of" that day.
REF = dt.date(2021, 10, 31)


@pytest.fixture
def window(open_window, small_project_path):
    return open_window(small_project_path, "borgere")


@pytest.fixture
def hans(window):
    return CitizenRepository(window.project).by_cpr("0101701234")


@pytest.fixture
def page(window, hans, qtbot) -> CitizenWindow:
    register = window.stack.currentWidget()
    citizen_window = register.open_citizen_id(hans.id)
    qtbot.waitExposed(citizen_window)
    return citizen_window


def staff_id(window, initials: str) -> str:
    return window.project.db.execute(
        "SELECT id FROM staff WHERE initials = ?", [initials]
    ).fetchone()[0]


def audit(window, citizen_id):
    return [
        (e.action, e.field_name, e.old, e.new)
        for e in AuditLog(window.project).for_citizen(citizen_id)
    ]


def table_rows(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def select_row(table, text: str) -> None:
    row = next(
        r
        for r in range(table.rowCount())
        if any(
            table.item(r, c) and table.item(r, c).text() == text for c in range(table.columnCount())
        )
    )
    table.setCurrentCell(row, 0)


def test_parse_date_takes_danish_and_iso_dates():
    assert parse_date("16-03-2020") == dt.date(2020, 3, 16)
    assert parse_date("1.3.2020") == dt.date(2020, 3, 1)
    assert parse_date("2020-03-16") == dt.date(2020, 3, 16)
    assert parse_date(" ") is None
    for bad in ("31-02-2021", "16/13/2020", "i går", "2020-3"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_the_page_shows_the_citizen_with_the_cpr_masked(page, hans):
    assert page.windowTitle() == "Hans Hansen"
    assert page.cpr_label.text() == "010170-xxxx"
    assert page.name_field.text() == "Hans Hansen"
    assert page.state_label.text() == "Alt er gemt."
    assert not page.save_button.isEnabled()
    assert page.tabs.count() == 9  # Stamdata … Netværk, Step-up, Revisionslog


def test_vis_cpr_reveals_and_is_logged(window, page, hans):
    page.reveal_button.click()
    assert page.cpr_label.text() == "010170-1234"
    assert not page.reveal_button.isEnabled()
    assert audit(window, hans.id)[-1][0] == "reveal_cpr"
    assert table_rows(page.audit_table)[0][2] == "CPR vist"


def test_master_data_is_checked_next_to_the_field_and_saved(window, page, hans):
    page.name_field.setText("  ")
    assert page.name_error.isVisible() and page.name_error.text() == "Navnet skal udfyldes."
    assert not page.save_button.isEnabled()
    assert page.state_label.text() == "Ret fejlene, før der kan gemmes."
    page.name_field.setText("Hans Peter Hansen")
    assert not page.name_error.isVisible()
    page.exit_field.setText("31-02-2021")
    assert page.exit_error.text() == "»31-02-2021« er ikke en dato (dd-mm-åååå)."
    page.exit_field.setText("30-04-2021")
    assert page.exit_error.text() == "Vælg en afgangsårsag."
    page.exit_reason_box.setCurrentIndex(page.exit_reason_box.findData("fraflyttet"))
    assert not page.exit_error.isVisible()
    assert page.save_button.isEnabled()
    page.save_button.click()
    stored = CitizenRepository(window.project).get(hans.id)
    assert (stored.name, stored.exit_date, stored.exit_reason.value) == (
        "Hans Peter Hansen",
        dt.date(2021, 4, 30),
        "fraflyttet",
    )
    assert page.state_label.text() == "Gemt."
    entries = audit(window, hans.id)
    assert ("update", "navn", "Hans Hansen", "Hans Peter Hansen") in entries
    assert ("update", "afgang", None, "2021-04-30") in entries
    # The audit tab shows the change, newest first, in Danish.
    shown = table_rows(page.audit_table)
    assert any(
        row[2] == "ændret"
        and row[3] == "navn"
        and row[4] == "Hans Hansen"
        and row[5] == "Hans Peter Hansen"
        for row in shown
    )


def test_periods_are_added_edited_ended_and_deleted(window, page, hans):
    page.tabs.setCurrentIndex(2)
    dialog = page.add_period()
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(PeriodKind.KONTANTHJAELP_AP.value))
    dialog.start_field.setText("01-01-2020")
    dialog.end_field.setText("")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    # A second benefit at the same time cannot be: the message stands in the dialog.
    dialog = page.add_period()
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(PeriodKind.RESSOURCEFORLOEB.value))
    dialog.start_field.setText("01-06-2021")
    dialog.accept()
    assert dialog.isVisible()
    # Each message stands under its own field.
    assert dialog.start_error.text().startswith(
        "Overlapper ydelsen kontanthjælp aktivitetsparat (01-01-2020 – i gang)"
    )
    assert not dialog.end_error.isVisible()
    dialog.end_field.setText("01-05-2021")
    dialog.accept()
    assert dialog.end_error.text() == "Slutdatoen 01-05-2021 ligger før startdatoen 01-06-2021."
    assert dialog.end_error.isVisible() and not dialog.start_error.isVisible()
    dialog.start_field.setText("1/6")
    dialog.end_field.setText("31-02-2021")
    dialog.accept()
    assert dialog.start_error.text() == "»1/6« i Fra er ikke en dato (dd-mm-åååå)."
    assert dialog.end_error.text() == "»31-02-2021« i Til er ikke en dato (dd-mm-åååå)."
    dialog.reject()
    # A praktik during the benefit is fine; its note is free text.
    dialog = page.add_period()
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(PeriodKind.VIRKSOMHEDSPRAKTIK.value))
    assert dialog.note_field.isVisible() and not dialog.exemption_box.isVisible()
    dialog.start_field.setText("01-09-2021")
    dialog.note_field.setText("Netto Vestergade")
    dialog.accept()
    # A fritagelse names its kind from a fixed list (no free text).
    dialog = page.add_period()
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(PeriodKind.FRITAGELSE.value))
    assert dialog.exemption_box.isVisible() and not dialog.note_field.isVisible()
    assert not dialog.exemption_box.isEditable()
    assert [dialog.exemption_box.itemText(i) for i in range(dialog.exemption_box.count())] == [
        "barsel",
        "sygdom forværret af aktivering",
        "på vej til pension",
        "job inden for 6 uger",
        "dom til behandling",
        "andet",
    ]
    dialog.start_field.setText("01-02-2020")
    dialog.end_field.setText("30-04-2020")
    dialog.accept()
    assert dialog.exemption_error.text() == "Vælg fritagelsens art."
    dialog.exemption_box.setCurrentIndex(0)
    dialog.accept()
    assert not dialog.isVisible()
    assert "fritagelse (barsel): 01-02-2020 – 30-04-2020" in page.markings_label.text()
    assert [r[:3] for r in table_rows(page.period_table)] == [
        ["virksomhedspraktik", "01-09-2021", "i gang"],
        ["fritagelse", "01-02-2020", "30-04-2020"],
        ["kontanthjælp aktivitetsparat", "01-01-2020", "i gang"],
    ]
    assert len(page.timeline.periods) == 3
    # Edit the benefit's start; end the praktik on the reference day; delete the fritagelse.
    select_row(page.period_table, "kontanthjælp aktivitetsparat")
    dialog = page.edit_period()
    dialog.start_field.setText("15-01-2020")
    dialog.accept()
    select_row(page.period_table, "virksomhedspraktik")
    assert page.end_period()
    select_row(page.period_table, "fritagelse")
    dialog = page.edit_period()
    assert dialog.exemption_box.currentText() == "barsel"
    dialog.reject()
    assert page.delete_period()
    assert page.save()
    stored = {
        (p.kind, p.start, p.end, p.note)
        for p in CitizenEditor(window.project).load(hans.id).periods
    }
    assert stored == {
        (PeriodKind.KONTANTHJAELP_AP, dt.date(2020, 1, 15), None, ""),
        (PeriodKind.VIRKSOMHEDSPRAKTIK, dt.date(2021, 9, 1), REF, "Netto Vestergade"),
    }
    creates = [e for e in audit(window, hans.id) if e[1] == "forløb"]
    # The fritagelse was added and deleted before saving: it never reached the database.
    assert len(creates) == 2 and all(e[0] == "create" for e in creates)


def test_paid_hours_per_month(window, page, hans):
    page.tabs.setCurrentIndex(3)
    assert page.month_field.text() == "2021-09"  # the month before the reference day
    page.hours_field.setText("37,5")
    assert page.set_hours()
    page.month_field.setText("2021-13")
    page.hours_field.setText("5")
    assert not page.set_hours()
    assert page.hours_error.text() == "»2021-13« er ikke en måned (åååå-mm)."
    page.month_field.setText("2021-08")
    page.hours_field.setText("800")
    assert not page.set_hours()
    assert page.hours_error.text() == "Timerne i en måned skal ligge mellem 0 og 744."
    page.hours_field.setText("mange")
    assert not page.set_hours()
    assert page.hours_error.text() == "»mange« er ikke et antal timer."
    page.hours_field.setText("1.234,5")
    assert not page.set_hours()
    page.hours_field.setText("12")
    QTest.keyClick(page.hours_field, Qt.Key.Key_Return)
    assert not page.hours_error.isVisible()
    assert table_rows(page.hours_table) == [["2021-09", "37,5", ""], ["2021-08", "12", ""]]
    assert page.sparkline.months[-1] == "2021-10" and page.sparkline.values[-3:] == [
        12.0,
        37.5,
        0.0,
    ]
    select_row(page.hours_table, "2021-08")
    assert page.delete_hours()
    assert page.save()
    assert [(h.month, h.hours) for h in CitizenEditor(window.project).load(hans.id).hours] == [
        ("2021-09", 37.5)
    ]
    assert ("create", "løntimer 2021-09", None, "37.5") in audit(window, hans.id)


def test_contacts_and_the_weekly_check(window, page, hans):
    page.tabs.setCurrentIndex(4)
    assert page.contact_check_label.text().startswith("Ingen kontakt registreret")
    assert page.contact_date.text() == "31-10-2021"
    # The job broker of the day is proposed as "by whom"; there is none yet.
    page.contact_staff.setCurrentIndex(page.contact_staff.findData(staff_id(window, "AB")))
    page.contact_kind.setCurrentIndex(page.contact_kind.findData(ContactKind.COMPANY_VISIT.value))
    page.contact_date.setText("20-10-2021")
    page.contact_note.setText("Praktik aftalt")
    assert page.add_contact()
    assert page.contact_check_label.text() == (
        "Seneste kontakt for 11 dage siden (20-10-2021) – der skal være kontakt mindst én gang om ugen."
    )
    page.contact_date.setText("29-10-2021")
    page.contact_kind.setCurrentIndex(page.contact_kind.findData(ContactKind.PHONE.value))
    QTest.keyClick(page.contact_note, Qt.Key.Key_Return)
    assert page.contact_check_label.text() == "Seneste kontakt for 2 dage siden (29-10-2021)."
    page.contact_date.setText(
        dt.date.today().replace(year=dt.date.today().year + 1).strftime("%d-%m-%Y")
    )
    assert not page.add_contact()
    assert page.contact_error.text() == "Datoen ligger i fremtiden."
    page.contact_date.setText("")
    assert not page.add_contact()
    assert page.contact_error.text() == "Datoen skal udfyldes."
    assert [r[:3] for r in table_rows(page.contact_table)] == [
        ["29-10-2021", "telefon", "AB"],
        ["20-10-2021", "virksomhedsbesøg", "AB"],
    ]
    select_row(page.contact_table, "29-10-2021")
    assert page.delete_contact()
    assert page.save()
    stored = CitizenEditor(window.project).load(hans.id).contacts
    assert [(c.date, c.kind, c.note) for c in stored] == [
        (dt.date(2021, 10, 20), ContactKind.COMPANY_VISIT, "Praktik aftalt")
    ]


def test_cv_and_job_goal_with_dates(window, page, hans):
    page.tabs.setCurrentIndex(5)
    page.cv_box.setCurrentIndex(page.cv_box.findData("ja"))
    page.cv_date.setText("01-10-2021")
    assert page.add_status(StatusKind.CV_JOBNET)
    page.goal_field.setText("lagermedarbejder")
    page.goal_date.setText("xx")
    assert not page.add_status(StatusKind.JOB_GOAL)
    assert page.status_error.text() == "»xx« er ikke en dato (dd-mm-åååå)."
    page.goal_date.setText("02-10-2021")
    assert page.add_status(StatusKind.JOB_GOAL)
    assert "Jobmål: lagermedarbejder" in page.summary.text()
    assert page.save()
    record = CitizenEditor(window.project).load(hans.id)
    assert record.latest_status(StatusKind.CV_JOBNET).value == "ja"
    assert record.latest_status(StatusKind.JOB_GOAL).date == dt.date(2021, 10, 2)
    # The register shows it: no longer "intet CV".
    register = window.stack.currentWidget()
    row = next(
        r for r in range(register.model.rowCount()) if register.model.value(r, 0) == "Hans Hansen"
    )
    assert register.model.value(row, register.model.CV_GOAL) == "i orden"


def test_the_network_only_when_the_citizen_wishes_it(window, page, hans):
    page.tabs.setCurrentIndex(6)
    assert not page.network_add.isEnabled()
    page.consent_box.setChecked(True)
    assert page.network_add.isEnabled()
    page.network_name.setText("")
    assert not page.add_network()
    assert page.network_error.text() == "Navnet skal udfyldes."
    page.network_name.setText("Lis Hansen")
    page.network_relation.setText("søster")
    page.network_phone.setText("12 34 56 78")
    assert page.add_network()
    assert table_rows(page.network_table) == [["Lis Hansen", "søster", "12 34 56 78"]]
    assert page.save()
    record = CitizenEditor(window.project).load(hans.id)
    assert record.network_consent and [p.relation for p in record.network] == ["søster"]
    assert ("update", "netværk ønsket", "nej", "ja") in audit(window, hans.id)


def test_a_change_of_job_broker_ends_the_current_row_on_the_chosen_day(window, page, hans):
    page.tabs.setCurrentIndex(1)
    ab, cd = staff_id(window, "AB"), staff_id(window, "CD")
    box, date = (
        page.handover_boxes[AssignmentRole.JOB_BROKER],
        page.handover_dates[AssignmentRole.JOB_BROKER],
    )
    assert box.findData(cd) == -1, "a caseworker is not offered as job broker"
    box.setCurrentIndex(box.findData(ab))
    date.setText("01-03-2021")
    assert page.stage_handover(AssignmentRole.JOB_BROKER)
    assert table_rows(page.assignment_table)[-1][1] == "AB (ikke gemt)"
    assert page.save()
    caseworker_box = page.handover_boxes[AssignmentRole.CASEWORKER]
    caseworker_box.setCurrentIndex(caseworker_box.findData(cd))
    page.handover_dates[AssignmentRole.CASEWORKER].setText("01-04-2021")
    assert page.stage_handover(AssignmentRole.CASEWORKER)
    assert page.save()
    # The same person again is refused with a message under the row; a day before the
    # newest assignment began too.
    error = page.handover_errors[AssignmentRole.JOB_BROKER]
    box.setCurrentIndex(box.findData(ab))
    date.setText("01-06-2021")
    assert not page.stage_handover(AssignmentRole.JOB_BROKER)
    assert error.text() == "Medarbejderen er allerede tilknyttet fra den dato."
    assert not page.handover_errors[AssignmentRole.CASEWORKER].isVisible()
    date.setText("01-02-2021")
    assert not page.stage_handover(AssignmentRole.JOB_BROKER)
    assert (
        error.text()
        == "Datoen ligger før den seneste tilknytning, der begyndte 01-03-2021; et skift kan tidligst gælde fra den dag."
    )
    rows = window.project.db.execute(
        "SELECT s.initials, a.role, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? ORDER BY a.start",
        [hans.id],
    ).fetchall()
    assert rows == [
        ("AB", "jobformidler", "2021-03-01", None),
        ("CD", "sagsbehandler", "2021-04-01", None),
    ]
    assert table_rows(page.assignment_table)[0][:4] == [
        "jobformidler",
        "AB – Anna Berg",
        "01-03-2021",
        "nu",
    ]
    assert "Jobformidler: AB" in page.summary.text()


def assignment_rows(window, citizen_id, role="jobformidler"):
    return window.project.db.execute(
        "SELECT s.initials, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? AND a.role = ? ORDER BY a.start",
        [citizen_id, role],
    ).fetchall()


def test_a_back_dated_change_inside_an_earlier_row_is_refused(window, page, hans):
    """The audit's case: AB in 2020, GH from 2021 (open); a change to IJ on 1 June 2020 would end
    AB's row and leave GH open beside IJ. It is refused next to the field; nothing is staged."""
    staff = StaffRepository(window.project)
    for initials, name in (("GH", "Gitte Holm"), ("IJ", "Ib Juul")):
        staff.add(Staff(initials, name, StaffRole.JOB_BROKER))
    with window.project.db.atomic():
        for initials, start, end in (
            ("AB", "2020-01-01", "2020-12-31"),
            ("GH", "2021-01-01", None),
        ):
            window.project.db["assignment"].insert(
                {
                    "id": f"a-{initials}",
                    "citizen_id": hans.id,
                    "staff_id": staff_id(window, initials),
                    "role": "jobformidler",
                    "start": start,
                    "end": end,
                }
            )
    page.reload()
    page.tabs.setCurrentIndex(1)
    box, date = (
        page.handover_boxes[AssignmentRole.JOB_BROKER],
        page.handover_dates[AssignmentRole.JOB_BROKER],
    )
    box.setCurrentIndex(box.findData(staff_id(window, "IJ")))
    date.setText("01-06-2020")
    assert not page.stage_handover(AssignmentRole.JOB_BROKER)
    error = page.handover_errors[AssignmentRole.JOB_BROKER]
    assert error.isVisible()
    assert (
        error.text()
        == "Datoen ligger før den seneste tilknytning, der begyndte 01-01-2021; et skift kan tidligst gælde fra den dag."
    )
    assert page.handovers == [] and not page.dirty
    date.setText("01-02-2021")
    assert page.stage_handover(AssignmentRole.JOB_BROKER)
    assert not error.isVisible()
    assert page.save()
    assert assignment_rows(window, hans.id) == [
        ("AB", "2020-01-01", "2020-12-31"),
        ("GH", "2021-01-01", "2021-01-31"),
        ("IJ", "2021-02-01", None),
    ]


def test_an_exit_ends_the_assignments_and_cannot_lie_before_one(window, page, hans):
    ab = staff_id(window, "AB")
    page.tabs.setCurrentIndex(1)
    box = page.handover_boxes[AssignmentRole.JOB_BROKER]
    box.setCurrentIndex(box.findData(ab))
    page.handover_dates[AssignmentRole.JOB_BROKER].setText("01-03-2021")
    assert page.stage_handover(AssignmentRole.JOB_BROKER)
    assert page.save()
    page.exit_reason_box.setCurrentIndex(page.exit_reason_box.findData("fraflyttet"))
    page.exit_field.setText("28-02-2021")
    assert (
        page.exit_error.text()
        == "Afgangen 28-02-2021 ligger før en tilknytning, der begynder 01-03-2021; ret afgangsdatoen."
    )
    assert not page.save_button.isEnabled()
    page.exit_field.setText("30-06-2021")
    assert not page.exit_error.isVisible()
    # No change of job broker after the exit.
    page.handover_dates[AssignmentRole.JOB_BROKER].setText("01-07-2021")
    assert not page.stage_handover(AssignmentRole.JOB_BROKER)
    assert (
        page.handover_errors[AssignmentRole.JOB_BROKER].text()
        == "Borgeren gik ud 30-06-2021; et skift kan ikke ligge efter afgangen."
    )
    assert page.save()
    assert assignment_rows(window, hans.id) == [("AB", "2021-03-01", "2021-06-30")]
    assert (
        "update",
        "jobformidler",
        "AB fra 2021-03-01",
        "AB fra 2021-03-01 til 2021-06-30",
    ) in audit(window, hans.id)
    assert table_rows(page.assignment_table)[0][2:4] == ["01-03-2021", "30-06-2021"]


def test_the_group_has_its_own_message(page):
    page.group_box.addItem("Gruppe 3", 3)  # a group the initiative does not have
    page.group_box.setCurrentIndex(page.group_box.count() - 1)
    assert (
        page.group_error.isVisible() and page.group_error.text() == "Indsatsen har ikke gruppe 3."
    )
    assert not page.name_error.isVisible()
    assert not page.save_button.isEnabled()
    page.group_box.setCurrentIndex(page.group_box.findData(2))
    assert not page.group_error.isVisible() and page.save_button.isEnabled()
    page.ask_before_closing = False


def test_not_placed_is_offered_only_to_a_citizen_not_on_the_board(window, page, hans):
    not_placed = page.column_box.model().item(0)
    assert page.column_box.currentText() == "ikke placeret" and not_placed.isEnabled()
    page.column_box.setCurrentIndex(page.column_box.findData(BoardColumn.PAA_VEJ.value))
    assert page.save()
    assert page.column_box.model().item(0).isEnabled() is False
    assert "ikke tages af tavlen" in page.column_box.model().item(0).toolTip()
    # The keyboard skips the disabled choice: Home lands on the first column of the board.
    page.column_box.setFocus()
    QTest.keyClick(page.column_box, Qt.Key.Key_Home)
    assert page.column_box.currentIndex() == 1
    page.ask_before_closing = False  # moved to "i gang" on purpose, not saved


def test_a_job_goal_needs_text(page):
    page.tabs.setCurrentIndex(5)
    page.goal_field.setText("   ")
    assert not page.add_status(StatusKind.JOB_GOAL)
    assert page.status_error.text() == "Skriv jobmålet (fx lagermedarbejder)."
    assert page.status == [] and not page.dirty


@pytest.fixture
def questions(monkeypatch):
    """``(asked, answer)``: the questions put, and ``answer(button)`` to answer every next one."""
    asked: list[str] = []

    def answer(button):
        def question(*args, **kwargs):
            asked.append(args[2])
            return button

        monkeypatch.setattr(QMessageBox, "question", question)

    return asked, answer


@pytest.fixture
def with_network(window, page, hans, questions):
    page.tabs.setCurrentIndex(6)
    page.consent_box.setChecked(True)
    for name in ("Lis Hansen", "Ole Hansen"):
        page.network_name.setText(name)
        assert page.add_network()
    assert page.save()
    return questions


def test_withdrawing_the_network_consent_deletes_the_people_when_asked(
    window, page, hans, with_network
):
    asked, answer = with_network
    answer(QMessageBox.StandardButton.Yes)
    page.consent_box.setChecked(False)
    assert asked == [
        "Borgeren ønsker ikke længere, at netværket inddrages. Skal de 2 registrerede personer i netværket "
        "slettes, når der gemmes?"
    ]
    assert table_rows(page.network_table) == []
    assert [p.name for p in CitizenEditor(window.project).load(hans.id).network] == [
        "Lis Hansen",
        "Ole Hansen",
    ], "not before the save"
    # Given again before saving: they come back; withdrawn again: asked again.
    page.consent_box.setChecked(True)
    assert [r[0] for r in table_rows(page.network_table)] == ["Lis Hansen", "Ole Hansen"]
    assert not page.dirty
    page.consent_box.setChecked(False)
    assert len(asked) == 2
    assert page.save()
    record = CitizenEditor(window.project).load(hans.id)
    assert not record.network_consent and record.network == []
    entries = audit(window, hans.id)
    assert ("update", "netværk ønsket", "ja", "nej") in entries
    assert ("delete", "netværk", "Lis Hansen", None) in entries and (
        "delete",
        "netværk",
        "Ole Hansen",
        None,
    ) in entries


def test_withdrawing_the_consent_may_keep_the_people(window, page, hans, with_network):
    asked, answer = with_network
    answer(QMessageBox.StandardButton.No)
    page.consent_box.setChecked(False)
    assert len(asked) == 1
    assert len(table_rows(page.network_table)) == 2
    assert page.save()
    record = CitizenEditor(window.project).load(hans.id)
    assert not record.network_consent and len(record.network) == 2


def test_closing_with_unsaved_changes_asks(window, page, hans, questions):
    page.name_field.setText("Hans Ændret")
    assert page.dirty
    answers, ask = questions
    ask(QMessageBox.StandardButton.Cancel)
    assert not page.close()
    assert page.isVisible()
    assert answers == ["Hans Hansen har ændringer, der ikke er gemt. Skal de gemmes?"]
    # Esc asks the same question.
    QTest.keyClick(page, Qt.Key.Key_Escape)
    assert page.isVisible() and len(answers) == 2
    ask(QMessageBox.StandardButton.Save)
    assert page.close()
    assert CitizenRepository(window.project).get(hans.id).name == "Hans Ændret"


def test_closing_and_discarding_writes_nothing(window, page, hans, monkeypatch):
    page.name_field.setText("Hans Ændret")
    page.hours_field.setText("10")
    assert page.set_hours()
    before = len(audit(window, hans.id))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert page.close()
    assert CitizenRepository(window.project).get(hans.id).name == "Hans Hansen"
    assert len(audit(window, hans.id)) == before


def test_the_main_window_asks_before_it_closes_a_page_with_changes(window, page, monkeypatch):
    page.name_field.setText("Hans Ændret")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.close_project()
    assert window.project is not None and page.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.close_project()
    assert window.project is None


def test_a_failed_save_writes_nothing_and_keeps_the_changes(window, page, hans, monkeypatch):
    page.name_field.setText("Hans Ændret")
    page.column_box.setCurrentIndex(page.column_box.findData(BoardColumn.PAA_VEJ.value))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))

    def fail(self, *args, **kwargs):
        raise KnownError("Projektfilen er låst af et andet program.")

    monkeypatch.setattr(BoardRepository, "move", fail)
    assert not page.save()
    assert warnings == ["Projektfilen er låst af et andet program."]
    assert CitizenRepository(window.project).get(hans.id).name == "Hans Hansen"
    assert page.dirty and page.name_field.text() == "Hans Ændret"
    page.ask_before_closing = False  # the changes stay unsaved on purpose


def test_a_job_broker_back_from_a_company_visit(window, page, hans, qtbot):
    """The issue's "done when": contact, praktik, last month's hours, the card moved — one save,
    and it shows on the board, in the measures and in the audit log."""
    page.tabs.setCurrentIndex(4)
    page.contact_kind.setCurrentIndex(page.contact_kind.findData(ContactKind.COMPANY_VISIT.value))
    page.contact_note.setText("Besøg hos Netto")
    assert page.add_contact()
    dialog = page.add_period()
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(PeriodKind.VIRKSOMHEDSPRAKTIK.value))
    dialog.accept()
    page.hours_field.setText("20")
    assert page.set_hours()
    page.column_box.setCurrentIndex(page.column_box.findData(BoardColumn.I_GANG.value))
    register = window.stack.currentWidget()
    with qtbot.waitSignal(register.table_ready):
        page.save_button.click()
    # The board
    cards = {c.name: c for c in BoardRepository(window.project).cards(REF)}
    assert cards["Hans Hansen"].column is BoardColumn.I_GANG
    assert cards["Hans Hansen"].last_contact == REF
    assert cards["Hans Hansen"].current_offer == PeriodKind.VIRKSOMHEDSPRAKTIK.value
    assert cards["Hans Hansen"].hours_last_month == 20
    window.show_page_key("tavle")
    board = window.stack.currentWidget()
    assert board.headers[0].text() == "i gang (1)"
    # The register
    row = next(
        r for r in range(register.model.rowCount()) if register.model.value(r, 0) == "Hans Hansen"
    )
    assert register.model.value(row, register.model.OFFER) == "virksomhedspraktik"
    assert register.model.value(row, register.model.CONTACT) == REF
    # The measures: paid hours in September 2021 count for FSM2.
    report = compute(
        window.project.template, load_facts(window.project), Month(2021, 9), Month(2021, 9)
    )
    result = next(r for r in report.results if r.measure == "fsm2.paid_hours_or_education")
    numerator, _ = result.members()
    assert [m.citizen_id for m in numerator] == [hans.id]
    # The audit log
    fields = {(e[0], e[1]) for e in audit(window, hans.id)}
    assert {
        ("create", "kontakt"),
        ("create", "forløb"),
        ("create", "løntimer 2021-09"),
        ("move", "kolonne"),
    } <= fields


# --- an entry typed but not yet added (issue 22) ----------------------------------------------


def test_a_job_goal_typed_but_not_registered_is_an_unsaved_change(window, page, hans, questions):
    page.tabs.setCurrentIndex(5)
    page.goal_date.setText("02-10-2021")
    page.goal_field.setText("lagermedarbejder")
    assert page.dirty and page.save_button.isEnabled()
    assert page.state_label.text() == "Ændringer, der ikke er gemt."
    asked, answer = questions
    answer(QMessageBox.StandardButton.Cancel)
    assert not page.close()
    assert asked == ["Hans Hansen har ændringer, der ikke er gemt. Skal de gemmes?"]
    # Gem registers it first, then saves it with the rest.
    page.save_button.click()
    record = CitizenEditor(window.project).load(hans.id)
    goal = record.latest_status(StatusKind.JOB_GOAL)
    assert (goal.value, goal.date) == ("lagermedarbejder", dt.date(2021, 10, 2))
    assert page.goal_field.text() == "" and page.state_label.text() == "Gemt."
    assert not page.dirty


def test_a_contact_note_typed_but_not_added_is_saved_by_gem(window, page, hans):
    page.tabs.setCurrentIndex(4)
    page.contact_date.setText("20-10-2021")
    page.contact_note.setText("Ringede om praktik")
    assert page.save_button.isEnabled()
    assert page.state_label.text() == "Ændringer, der ikke er gemt."
    page.name_field.setText("Hans Peter Hansen")
    page.save_button.click()
    record = CitizenEditor(window.project).load(hans.id)
    assert [(c.date, c.note) for c in record.contacts] == [
        (dt.date(2021, 10, 20), "Ringede om praktik")
    ]
    assert record.citizen.name == "Hans Peter Hansen"
    assert page.state_label.text() == "Gemt."


def test_an_invalid_pending_entry_stops_gem_and_shows_its_error(window, page, hans):
    page.name_field.setText("Hans Peter Hansen")
    page.tabs.setCurrentIndex(0)
    page.contact_date.setText("xx")
    page.contact_note.setText("Ringede")
    assert page.save_button.isEnabled()
    page.save_button.click()
    assert page.tabs.currentIndex() == 4
    assert page.contact_error.isVisible()
    assert page.contact_error.text() == "»xx« er ikke en dato (dd-mm-åååå)."
    assert CitizenRepository(window.project).get(hans.id).name == "Hans Hansen", "nothing saved"
    assert page.contact_note.text() == "Ringede" and page.dirty
    page.ask_before_closing = False  # left unsaved on purpose


def test_pending_hours_and_network_count_and_are_saved(window, page, hans):
    page.tabs.setCurrentIndex(3)
    page.hours_field.setText("12")
    assert page.dirty and page.save_button.isEnabled()
    page.tabs.setCurrentIndex(6)
    page.consent_box.setChecked(True)
    page.network_name.setText("Lis Hansen")
    page.network_relation.setText("søster")
    assert page.save()
    record = CitizenEditor(window.project).load(hans.id)
    assert [(h.month, h.hours) for h in record.hours] == [("2021-09", 12.0)]
    assert [(p.name, p.relation) for p in record.network] == [("Lis Hansen", "søster")]
    assert page.network_name.text() == "" and not page.dirty


def test_enter_in_an_entry_field_adds_it_and_does_not_save(window, page, hans):
    page.tabs.setCurrentIndex(5)
    page.goal_field.setText("lagermedarbejder")
    QTest.keyClick(page.goal_field, Qt.Key.Key_Return)
    assert [s.value for s in page.status] == ["lagermedarbejder"]
    assert page.goal_field.text() == ""
    page.tabs.setCurrentIndex(6)
    page.consent_box.setChecked(True)
    page.network_name.setText("Lis Hansen")
    QTest.keyClick(page.network_name, Qt.Key.Key_Return)
    assert [p.name for p in page.network] == ["Lis Hansen"]
    # Added to the page, not yet saved: Enter is not Gem.
    assert page.dirty and page.state_label.text() == "Ændringer, der ikke er gemt."
    assert CitizenEditor(window.project).load(hans.id).status == []
    page.ask_before_closing = False  # left unsaved on purpose


# --- the page's manners (issue 22, item 6) ----------------------------------------------------


def test_ctrl_s_saves(window, page, hans):
    page.name_field.setText("Hans Peter Hansen")
    QTest.keyClick(page.name_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert CitizenRepository(window.project).get(hans.id).name == "Hans Peter Hansen"
    assert page.state_label.text() == "Gemt."


def test_the_page_does_not_block_the_main_window(window, page):
    assert page.windowModality() is Qt.WindowModality.NonModal and not page.isModal()
    assert QApplication.activeModalWidget() is None
    assert window.isEnabled()


def test_a_contact_today_or_yesterday_is_said_so(page):
    page.tabs.setCurrentIndex(4)
    page.contact_date.setText("30-10-2021")
    assert page.add_contact()
    assert page.contact_check_label.text() == "Seneste kontakt i går (30-10-2021)."
    page.contact_date.setText("31-10-2021")
    assert page.add_contact()
    assert page.contact_check_label.text() == "Seneste kontakt i dag (31-10-2021)."
    assert "Seneste kontakt i dag (31-10-2021)." in page.summary.text()
    page.ask_before_closing = False  # left unsaved on purpose


def test_the_audit_log_shows_dates_as_dd_mm_yyyy(window, page, hans):
    page.exit_field.setText("30-04-2021")
    page.exit_reason_box.setCurrentIndex(page.exit_reason_box.findData("fraflyttet"))
    page.goal_field.setText("lagermedarbejder")
    page.goal_date.setText("02-04-2021")
    page.contact_date.setText("20-04-2021")
    page.contact_note.setText("Ringede")
    assert page.save()
    rows = table_rows(page.audit_table)
    assert ["afgang", "", "30-04-2021"] in [r[3:] for r in rows]
    assert any(r[5] == "lagermedarbejder fra 02-04-2021" for r in rows)
    iso = re.compile(r"\d{4}-\d{2}-\d{2}")
    assert not [r for r in rows if any(iso.search(cell) for cell in r)]


def _tab_bar_y(page) -> int:
    return page.tabs.tabBar().mapTo(page, QPoint(0, 0)).y()


def test_the_tab_row_stays_put_when_the_header_rewraps(window, page, hans, qtbot):
    """The header's line of facts wraps differently when the window is narrowed and when its
    content changes (a long job goal, the CPR revealed): the tab row does not move, and no
    fact is lost (what does not fit is in the tooltip)."""
    page.resize(1000, 680)
    qtbot.waitUntil(lambda: page.width() == 1000)
    y = _tab_bar_y(page)
    for width in (760, 640, 1200, 1000):
        page.resize(width, 680)
        qtbot.waitUntil(lambda width=width: page.width() == width)
        assert _tab_bar_y(page) == y, width
    page.reveal_button.click()
    assert page.cpr_label.text() == "010170-1234"
    assert _tab_bar_y(page) == y
    long_goal = "lagermedarbejder eller chauffør med kørekort til lastbil " * 4
    page.tabs.setCurrentIndex(5)
    page.goal_field.setText(long_goal.strip())
    page.goal_date.setText("02-10-2021")
    assert page.add_status(StatusKind.JOB_GOAL)
    assert "Jobmål: " + long_goal.strip() in page.summary.text()
    for width in (1000, 700):
        page.resize(width, 680)
        qtbot.waitUntil(lambda width=width: page.width() == width)
        assert _tab_bar_y(page) == y, width
    # Whatever does not fit is in the tooltip, in full.
    assert long_goal.strip() in page.summary.toolTip()
    assert page.save()
    assert _tab_bar_y(page) == y


def test_an_imports_new_periods_read_as_one_row_of_the_history(window, hans, qtbot, tmp_path):
    """An import notes a citizen's new periods as one audit entry listing them (as it does
    new months of hours); the Revisionslog shows it as one row."""
    from import_helpers import fill_template

    from fsm_desktop.exchange.importer import commit, prepare

    path = fill_template(
        tmp_path / "forloeb.xlsx",
        periods=[
            ("0101701234", "mentor", dt.date(2021, 7, 1), None, None),
            ("0101701234", "virksomhedspraktik", dt.date(2021, 6, 1), dt.date(2021, 6, 30), None),
        ],
    )
    prepared = prepare(window.project, path, as_of=dt.date(2021, 10, 31))
    assert not prepared.plan.errors
    commit(window.project, prepared)
    register = window.stack.currentWidget()
    citizen_window = register.open_citizen_id(hans.id)
    qtbot.waitExposed(citizen_window)
    newest = table_rows(citizen_window.audit_table)[0]
    assert newest[2:] == [
        "import",
        "forløb",
        "",
        "virksomhedspraktik 01-06-2021 – 30-06-2021; mentor 01-07-2021 – i gang",
    ]
