"""The Step-up page under pytest-qt: the due list and its filters, the meeting record with its
role warnings and plan, markings, the counts, and the board's flags.

The BIR project's period ends 31-12-2021, so the page counts as of that day. Hand-worked:
- Anne: ressourceforløb granted 06-01-2020, nothing company-directed → due since the first
  mark, 06-07-2020 (543 days before 31-12-2021).
- Bent: ressourceforløb from 06-01-2020 and a praktik in October 2021 → not due.
- Cille: granted 01-03-2021; the newest mark 01-09-2021 falls inside the rehabilitation team's
  exemption 01-08-2021 – 28-02-2022 → exempt until 28-02-2022.
- Dorte: granted 01-07-2021 (first mark 01-01-2022, after the day), a meeting 10-10-2021 whose
  plan (løntilskud from 01-11-2021) never started → follow-up due since the planned start
  01-11-2021, overdue from 02-11-2021: 60 days over on 31-12-2021 (30 in November + 30 in
  December), in the table, the detail and the citizen page alike.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from fsm_desktop.domain.model import Citizen, ParticipantRole, PeriodKind, Staff, StaffRole, new_id
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.domain.stepup import (
    DueReason,
    HealthFunction,
    MarkingKind,
    Meeting,
    Participant,
    PlannedOffer,
)
from fsm_desktop.operations.board import board_cards
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.storage.stepup import StepUpRepository

D = dt.date
TODAY = D(2021, 12, 31)


@pytest.fixture
def bir_path(tmp_path):
    path = tmp_path / "bir.fsm"
    with Project.create(path, builtin_template("bir"), municipality="Testrup Kommune") as project:
        staff = StaffRepository(project)
        jf1 = Staff(initials="JF", name="Jonna Friis", role=StaffRole.JOB_BROKER)
        jf2 = Staff(initials="KL", name="Karl Lund", role=StaffRole.JOB_BROKER)
        sb = Staff(initials="SB", name="Signe Bak", role=StaffRole.CASEWORKER)
        for s in (jf1, jf2, sb, Staff(initials="LE", name="Lene Eg", role=StaffRole.LEADER)):
            staff.add(s)
        people = {}
        for cpr, name, granted, broker in (
            ("0101801234", "Anne Andersen", "2020-01-06", jf1),
            ("0202802345", "Bent Berg", "2020-01-06", jf1),
            ("0303803456", "Cille Carlsen", "2021-03-01", jf2),
            ("0404804567", "Dorte Dam", "2021-07-01", jf2),
        ):
            citizen = Citizen(cpr=cpr, name=name)
            CitizenRepository(project).add(citizen)
            people[name.split()[0]] = citizen.id
            db = project.db
            db["period"].insert(
                {
                    "id": new_id(),
                    "citizen_id": citizen.id,
                    "kind": "ressourceforloeb",
                    "start": granted,
                    "end": None,
                    "note": "",
                }
            )
            for s, role in ((broker, "jobformidler"), (sb, "sagsbehandler")):
                db["assignment"].insert(
                    {
                        "id": new_id(),
                        "citizen_id": citizen.id,
                        "staff_id": s.id,
                        "role": role,
                        "start": granted,
                        "end": None,
                    }
                )
        project.db["period"].insert(
            {
                "id": new_id(),
                "citizen_id": people["Bent"],
                "kind": "virksomhedspraktik",
                "start": "2021-10-01",
                "end": "2021-10-31",
                "note": "",
            }
        )
        repo = StepUpRepository(project)
        from fsm_desktop.domain.stepup import Marking

        repo.add_marking(
            people["Cille"],
            Marking(MarkingKind.REHAB_RECOMMENDATION, D(2021, 8, 1), D(2022, 2, 28), "behandling"),
        )
        repo.save_meeting(
            Meeting(
                people["Dorte"],
                D(2021, 10, 10),
                [
                    Participant(ParticipantRole.CITIZEN, "Dorte Dam"),
                    Participant(ParticipantRole.CASEWORKER, "Signe Bak"),
                    Participant(ParticipantRole.JOB_BROKER, "Karl Lund"),
                    Participant(ParticipantRole.LEADER, "Lene Eg"),
                ],
                [],
                [PlannedOffer(PeriodKind.LOENTILSKUD, D(2021, 11, 1), "KL")],
            ),
        )
    return path, people


@pytest.fixture
def page(open_window, bir_path, qtbot):
    path, people = bir_path
    window = open_window(path, "stepup")
    page = window.pages[[p.key for p in window.pages].index("stepup")]
    qtbot.waitUntil(lambda: page.data is not None)
    page.testers = [
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
        for model in (page.due_model, page.meetings_model, page.counts_model)
    ]
    page.people = people
    return page


def names(page) -> list[str]:
    return [page.due_model.rows[r].case.name for r in range(page.due_model.rowCount())]


def select(page, name: str) -> None:
    row = names(page).index(name)
    page.due_view.setCurrentIndex(page.due_model.index(row, 0))


def test_the_due_list_most_overdue_first_with_the_reason(page):
    assert page.today == TODAY
    assert names(page) == ["Anne Andersen", "Dorte Dam"]
    anne, dorte = page.due_model.rows
    assert (anne.reason, anne.due, anne.days_overdue) == (
        DueReason.RESSOURCEFORLOEB,
        D(2020, 7, 6),
        543,
    )
    assert (dorte.reason, dorte.due, dorte.days_overdue) == (
        DueReason.FOLLOW_UP,
        D(2021, 11, 1),
        60,
    )
    why = page.due_model.index(1, page.due_model.WHY).data()
    assert "løntilskud planlagt 01-11-2021" in why
    assert page.tabs.tabText(0) == "Skal have møde (2)"


def test_exempt_citizens_show_only_when_asked(page):
    page.exempt_box.setChecked(True)
    assert names(page) == ["Anne Andersen", "Dorte Dam", "Cille Carlsen"]
    assert page.due_model.index(2, page.due_model.SINCE).data() == "fritaget til 28-02-2022"
    assert page.tabs.tabText(0) == "Skal have møde (2)"  # the exempt are not due


def test_filters_by_job_broker_and_search(page):
    page.broker_box.setCurrentIndex(page.broker_box.findData("KL"))
    assert names(page) == ["Dorte Dam"]
    page.broker_box.setCurrentIndex(0)
    page.search.setText("anne")
    assert names(page) == ["Anne Andersen"]
    page.search.setText("010180")  # the birth date part of the CPR number
    assert names(page) == ["Anne Andersen"]
    # The same search as the board's and the register's (domain.search): the whole number,
    # not its last four digits alone, every word of the name in any order.
    page.search.setText("010180-1234")
    assert names(page) == ["Anne Andersen"]
    page.search.setText("1234")
    assert names(page) == []
    page.search.setText("andersen ANNE")
    assert names(page) == ["Anne Andersen"]
    page.search.setText("zzz")
    assert names(page) == [] and page.due_empty.isVisibleTo(page)
    assert page.due_empty.text() == "Ingen borgere passer til filteret."


def test_recording_a_meeting_warns_of_missing_roles_and_takes_the_citizen_off_the_list(page, qtbot):
    select(page, "Anne Andersen")
    page.record_meeting()
    dialog = page.meeting_dialog
    assert [p.role for p in dialog.read_participants()] == [
        ParticipantRole.CITIZEN,
        ParticipantRole.CASEWORKER,
        ParticipantRole.JOB_BROKER,
        ParticipantRole.LEADER,
    ]
    assert not dialog.current_warnings
    dialog.barrier_boxes[next(b for b in dialog.barrier_boxes if b.value == "helbred")].setChecked(
        True
    )
    assert [w.role for w in dialog.current_warnings] == [ParticipantRole.HEALTH]
    assert "sundhedsfaglig" in dialog.warnings.text()
    dialog.add_participant()  # with health ticked: a health professional, in ressourceforløb the coordinator
    assert dialog.read_participants()[-1].role is ParticipantRole.HEALTH
    assert dialog.read_participants()[-1].health_function is HealthFunction.COORDINATOR
    assert dialog.current_warnings == []
    dialog.date_field.setText("15-12-2021")
    dialog.plan.cellWidget(0, dialog.START).setText("03-01-2022")
    dialog.plan.cellWidget(0, dialog.OFFER).setCurrentIndex(0)  # virksomhedspraktik
    audit_before = AuditLog(page.project).count()
    with qtbot.waitSignal(page.data_ready):
        dialog.save()
    meetings = StepUpRepository(page.project).meetings(page.people["Anne"])
    assert len(meetings) == 1
    m = meetings[0]
    assert m.date == D(2021, 12, 15)
    assert [b.value for b in m.barriers] == ["helbred"]
    assert [(p.role, p.health_function) for p in m.participants][-1] == (
        ParticipantRole.HEALTH,
        HealthFunction.COORDINATOR,
    )
    assert [(line.offer, line.planned_start) for line in m.plan] == [
        (PeriodKind.VIRKSOMHEDSPRAKTIK, D(2022, 1, 3))
    ]
    assert AuditLog(page.project).count() == audit_before + 1
    assert names(page) == ["Dorte Dam"]
    assert page.tabs.tabText(1) == "Møder (2)"
    months = {row.month: row for row in page.counts_model.rows}
    assert months["2021-12"].held == 1 and months["2021-12"].cumulative == 2


def test_a_plan_start_before_the_meeting_is_refused_and_nothing_is_written(page):
    select(page, "Anne Andersen")
    page.record_meeting()
    dialog = page.meeting_dialog
    dialog.date_field.setText("15-12-2021")
    dialog.plan.cellWidget(0, dialog.START).setText("01-12-2021")
    audit_before = AuditLog(page.project).count()
    dialog.save()
    assert dialog.plan_error.isVisibleTo(dialog)
    assert "før mødet" in dialog.plan_error.text()
    dialog.plan.cellWidget(0, dialog.START).setText("31-02-2022")
    dialog.save()
    assert "er ikke en dato" in dialog.plan_error.text()
    assert StepUpRepository(page.project).meetings(page.people["Anne"]) == []
    assert AuditLog(page.project).count() == audit_before


def test_a_missing_required_role_asks_before_saving(page, monkeypatch):
    select(page, "Anne Andersen")
    page.record_meeting()
    dialog = page.meeting_dialog
    dialog.participants.selectRow(3)
    dialog.participants.setCurrentCell(3, 0)
    dialog.remove_participant_button.click()  # the leader
    assert [w.role for w in dialog.current_warnings] == [ParticipantRole.LEADER]
    asked = []
    monkeypatch.setattr(dialog, "confirm", lambda text: asked.append(text) or False)
    dialog.save()
    assert asked and "team- eller afdelingsleder" in asked[0].lower()
    assert StepUpRepository(page.project).meetings(page.people["Anne"]) == []


def test_marking_a_citizen_puts_them_on_the_list_and_ending_it_takes_them_off(page, qtbot):
    page.pick_box.setCurrentIndex(page.pick_box.findData(page.people["Bent"]))
    page._update_buttons()
    assert page.selected_case().name == "Bent Berg"
    page.add_marking(MarkingKind.MARKED)
    dialog = page.marking_dialog
    dialog.start_field.setText("01-12-2021")
    with qtbot.waitSignal(page.data_ready):
        dialog.save()
    assert "Bent Berg" in names(page)
    bent = next(a for a in page.due_model.rows if a.case.name == "Bent Berg")
    assert (bent.reason, bent.due) == (DueReason.MARKED, D(2021, 12, 1))
    page.pick_box.setCurrentIndex(page.pick_box.findData(page.people["Bent"]))
    page._update_buttons()
    assert page.end_mark_button.isEnabled()
    with qtbot.waitSignal(page.data_ready):
        page.end_marking()
    assert "Bent Berg" not in names(page)


def test_an_exemption_needs_an_end_date(page):
    page.pick_box.setCurrentIndex(page.pick_box.findData(page.people["Anne"]))
    page.add_marking(MarkingKind.OFFER_AGREED)
    dialog = page.marking_dialog
    assert dialog.end_field.text()  # proposed: the agreed start
    dialog.end_field.setText("")
    dialog.save()
    assert dialog.error.isVisibleTo(dialog) and "slutdato" in dialog.error.text()
    assert StepUpRepository(page.project).markings(page.people["Anne"]) == []


def test_the_meetings_tab_shows_the_overdue_plan(page):
    model = page.meetings_model
    assert model.rowCount() == 1
    assert model.index(0, model.OUTCOME).data() == "plan overskredet"
    assert "løntilskud 01-11-2021: overskredet" in model.index(0, model.PLAN).data()
    assert model.index(0, model.MISSING).data() == ""


def test_the_board_flags_due_and_overdue_follow_up(page):
    cards = {c.citizen_id: c for c in board_cards(page.project, TODAY)}
    anne, bent, dorte = (cards[page.people[n]] for n in ("Anne", "Bent", "Dorte"))
    assert anne.stepup_due and not anne.stepup_overdue
    assert not bent.stepup_due and not bent.stepup_overdue
    assert dorte.stepup_overdue and not dorte.stepup_due


def test_the_detail_explains_the_selected_citizen(page):
    select(page, "Dorte Dam")
    text = page.detail.text()
    assert "Dorte Dam (040480-xxxx)" in text
    assert "Seneste møde 10-10-2021" in text
    assert "løntilskud, planlagt 01-11-2021: overskredet med 60 dage" in text


def test_the_table_and_the_detail_show_the_same_days_over(page, qtbot):
    """Issue 22, item 2: the row said "Dage over" one fewer than the detail's "overskredet med …
    dage" for the same plan. Both now count days_over from the planned start 01-11-2021."""
    from fsm_desktop.views.citizens.window import CitizenWindow

    model = page.due_model
    row = names(page).index("Dorte Dam")
    assert model.index(row, model.SINCE).data() == "01-11-2021"
    table_days = model.index(row, model.DAYS).data()
    assert table_days == "60"
    select(page, "Dorte Dam")
    assert f"planlagt 01-11-2021: overskredet med {table_days} dage" in page.detail.text()
    assert "Skal have et møde siden 01-11-2021" in page.detail.text()
    window = CitizenWindow(page.project, page.people["Dorte"], page)
    qtbot.addWidget(window)
    assert window.stepup_table.item(0, 4).text() == f"overskredet med {table_days} dage"


def test_the_citizen_page_shows_step_up_and_the_overdue_plan(page, qtbot):
    from fsm_desktop.views.citizens.window import CitizenWindow

    window = CitizenWindow(page.project, page.people["Dorte"], page)
    qtbot.addWidget(window)
    assert "plan ikke holdt" in window.stepup_label.text()
    assert "01-11-2021" in window.stepup_label.text()
    table = window.stepup_table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(5)] == [
        "10-10-2021",
        "løntilskud",
        "01-11-2021",
        "KL",
        "overskredet med 60 dage",
    ]
    exempt = CitizenWindow(page.project, page.people["Cille"], page)
    qtbot.addWidget(exempt)
    assert "Fritaget for step-up til 28-02-2022" in exempt.stepup_label.text()
    assert "rehabiliteringsteamets indstilling" in exempt.stepup_label.text()
    assert exempt.stepup_table.rowCount() == 0
