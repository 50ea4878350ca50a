"""The Mål page: results per period, the payout forecast, the drill-down, and its models."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from fsm_desktop.domain.model import Period, PeriodKind
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.views import tasks
from fsm_desktop.views.measures_page import MeasuresPage, MembersDialog, MembersModel, ResultsModel


@pytest.fixture
def project_with_hours(tmp_path):
    """FSM2, group 1: five citizens; in March 2020 one has paid hours and one SU education,
    one has løntilskud (does not count). 2 of 5 = 40 % in March 2020."""
    path = tmp_path / "maal.fsm"
    with Project.create(path, builtin_template("fsm2"), grant_amount=1_000_000) as project:
        repo = CitizenRepository(project)
        from fsm_desktop.domain.model import Citizen

        people = [Citizen(cpr=f"01017{i}1234", name=f"Borger {i}", group=1) for i in range(5)]
        for c in people:
            repo.add(c)
        with project.db.atomic():
            project.db["paid_hours"].insert({"citizen_id": people[0].id, "month": "2020-03", "hours": 12.5})
            for citizen, kind in ((people[1], PeriodKind.UDDANNELSE_SU), (people[2], PeriodKind.LOENTILSKUD)):
                p = Period(citizen.id, kind, dt.date(2020, 3, 31), dt.date(2020, 4, 30))
                project.db["period"].insert(
                    {"id": p.id, "citizen_id": p.citizen_id, "kind": p.kind.value, "start": p.start.isoformat(), "end": p.end.isoformat(), "note": ""}
                )
    return path


@pytest.fixture
def page(app, qtbot, project_with_hours):
    project = Project.open(project_with_hours)
    page = MeasuresPage()
    qtbot.addWidget(page)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    page.set_project(project)
    page.show()
    qtbot.waitExposed(page)
    yield page
    project.close()


def _row(page, period: str) -> int:
    for row in range(page.model.rowCount()):
        if page.model.index(row, ResultsModel.PERIOD).data() == period:
            return row
    raise AssertionError(period)


def test_results_per_month_with_thresholds(page):
    assert page.measure_box.count() == 1
    assert page.model.rowCount() == 24
    march = _row(page, "2020-03")
    cells = [page.model.index(march, c).data() for c in range(page.model.columnCount())]
    assert cells == ["2020-03", "2", "5", "40,0 %", "15,0 % / 20,0 %", "ja / ja"]
    # April: only the SU education goes on (the paid hours were March only).
    april = [page.model.index(_row(page, "2020-04"), c).data() for c in range(6)]
    assert april[1:4] == ["1", "5", "20,0 %"]
    may = [page.model.index(_row(page, "2020-05"), c).data() for c in range(6)]
    assert may[1:6] == ["0", "5", "0,0 %", "15,0 % / 20,0 %", "nej / nej"]
    assert page.status_label.text() == "Opfyldt i 2 af 24 perioder."


def test_payout_forecast_is_shown(page):
    text = page.payout_label.text()
    assert "15 % udløser 40 % af tilsagnet: opfyldt – første gang 2020-03 (40,0 %) – 400.000 kr." in text
    assert "20 % udløser de sidste 10 % af tilsagnet: opfyldt – første gang 2020-03 (40,0 %) – 100.000 kr." in text


def test_drill_down_lists_the_citizens_with_reasons(page, qtbot):
    index = page.model.index(_row(page, "2020-03"), 0)
    dialog = page.open_members(index)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, MembersDialog)
    for model in (dialog.numerator_model, dialog.denominator_model):
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    numerator = {dialog.numerator_model.index(r, 0).data(): dialog.numerator_model.index(r, 1).data() for r in range(2)}
    assert numerator == {
        "Borger 0": "løntimer i 2020-03 (12.5 t.)",
        "Borger 1": "uddannelse SU 31.03.2020 – 30.04.2020",
    }
    assert dialog.numerator_model.rowCount() == 2
    assert dialog.denominator_model.rowCount() == 5
    assert dialog.tabs.tabText(0) == "Tæller (2)" and dialog.tabs.tabText(1) == "Nævner (5)"


def test_members_model_is_a_valid_model():
    from fsm_desktop.domain.measures import Member

    model = MembersModel([Member("a", "Anna", "grund"), Member("b", "Bo", "grund 2")])
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() == 2 and model.columnCount() == 2
    assert model.index(1, 0).data() == "Bo"


def test_background_runner_delivers_the_report(app, qtbot, project_with_hours, monkeypatch):
    """With the real thread pool the page gets its report by signal."""
    monkeypatch.setattr(tasks, "runner", tasks.ThreadPoolRunner())
    project = Project.open(project_with_hours)
    try:
        page = MeasuresPage()
        qtbot.addWidget(page)
        with qtbot.waitSignal(page.results_ready, timeout=10_000):
            page.set_project(project)
            page.show()
        assert page.model.rowCount() == 24
    finally:
        project.close()


def test_chart_shows_share_and_thresholds(page):
    axes = page.chart.figure.axes
    assert len(axes) == 1
    lines = axes[0].get_lines()
    # the share, and one dashed line per threshold (15 % and 20 %)
    assert len(lines) == 3
    share = list(lines[0].get_ydata())
    assert len(share) == 24 and share[4] == pytest.approx(40.0)  # March 2020, in percent
    assert [list(line.get_ydata())[0] for line in lines[1:]] == [pytest.approx(15.0), pytest.approx(20.0)]
