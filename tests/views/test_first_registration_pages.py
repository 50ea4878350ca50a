"""No data before the first registration of a snapshot fact, on screen (docs/status_sheet.md and
docs/measures.md, "No data before the first registration"): the Statusskema page's cells and the
Mål page's periods, chart, breakdown and forecast. Every model is checked by a
QAbstractItemModelTester for the whole test."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hir_helpers import in_ressourceforloeb_all_along
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from fsm_desktop.domain.model import Citizen, Staff, StaffRole, new_id
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.domain.status_sheet import CV, PRAKTIK
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.views.measures.models import NO_DATA_COLOR, ResultsModel
from fsm_desktop.views.measures.page import MeasuresPage
from fsm_desktop.views.status.models import NO_DATA_BACKGROUND, NO_DATA_TEXT, StatusSheetModel

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
D = dt.date


def _people(project, n: int, program: str = "fsm2", entry: D = D(2019, 11, 1)) -> list[Citizen]:
    people = [
        Citizen(
            cpr=f"0101{80 + i}1234",
            name=f"Borger {i}",
            group=1 if program != "hir" else None,
            entry_date=entry,
        )
        for i in range(n)
    ]
    for person in people:
        CitizenRepository(project).add(person)
    return people


@pytest.fixture
def first_cv_in_march(tmp_path):
    """FSM2, two citizens of group 1 from 1 November 2019; the project's first CV entry is A's
    "ja" of 15 March 2020."""
    path = tmp_path / "cv.fsm"
    with Project.create(path, builtin_template("fsm2"), municipality="Testrup Kommune") as project:
        a, _b = _people(project, 2)
        with project.db.atomic():
            project.db["status_entry"].insert(
                {
                    "id": new_id(),
                    "citizen_id": a.id,
                    "kind": "cv_jobnet",
                    "date": "2020-03-15",
                    "value": "ja",
                }
            )
    return path


def test_the_status_page_says_ingen_data_before_the_first_cv(
    app, qtbot, open_window, first_cv_in_march
):
    win = open_window(first_cv_in_march, "statusskema")
    page = win.stack.currentWidget()
    qtbot.waitUntil(lambda: page.sheet is not None)
    page.tester = QAbstractItemModelTester(
        page.model, FATAL
    )  # kept alive: checks for the whole test
    model = page.model
    r = model.row_of(CV)
    columns = [(c.kind, c.month) for c in model.sheet.columns]
    feb, mar = columns.index(("month", "2020-02")), columns.index(("month", "2020-03"))
    # February (last day 29 February) is before 15 March: no data, greyed, not compared.
    cell = model.index(r, feb)
    assert cell.data() == "ingen data"
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == NO_DATA_BACKGROUND
    assert cell.data(Qt.ItemDataRole.ForegroundRole) == NO_DATA_TEXT
    assert cell.data(Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignCenter)
    assert cell.data(StatusSheetModel.MET_ROLE) is None
    assert cell.data(StatusSheetModel.CELL_ROLE) is None
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "15.03.2020" in tip and "ikke et »nej«" in tip
    assert model.index(r, 0).data() == "ingen data"  # the 0-punkt (1 November 2019) too
    # March is counted: 1 of 2 against the goal of 95 % (October 2020): not met.
    march = model.index(r, mar)
    assert march.data() == "1\n✗ 50,0 %"
    assert march.data(StatusSheetModel.MET_ROLE) is False
    assert "1 af 2" in march.data(Qt.ItemDataRole.ToolTipRole)
    # A row that is not a snapshot fact is counted in February as always (0 of 2).
    assert model.index(model.row_of(PRAKTIK), feb).data() == "0\n✗ 0,0 %"


def _open_measures(qtbot, project: Project, measure: str) -> MeasuresPage:
    page = MeasuresPage()
    qtbot.addWidget(page)
    page.testers = [QAbstractItemModelTester(m, FATAL) for m in (page.model, page.breakdown_model)]
    page.resize(1200, 700)
    with qtbot.waitSignal(page.results_ready):
        page.set_project(project)
        page.show()
    page.measure_box.setCurrentIndex(page.measure_box.findData(measure))  # shown at once
    assert page.rows() and page.rows()[0].spec.id == measure
    return page


def _row_of(page: MeasuresPage, period: str) -> int:
    return next(
        r
        for r in range(page.model.rowCount())
        if page.model.index(r, ResultsModel.PERIOD).data(ResultsModel.RESULT_ROLE).label == period
    )


def test_the_mal_page_leaves_months_before_the_first_caseworker_without_data(app, qtbot, tmp_path):
    """HIR: two citizens in ressourceforløb, one full-time caseworker assigned from 15 May 2018
    (the project's first). March and April 2018 have no data; May is counted (1 per full-time)."""
    path = tmp_path / "hir.fsm"
    with Project.create(path, builtin_template("hir")) as project:
        worker = Staff(initials="SB", name="Sara", role=StaffRole.CASEWORKER, hours_per_week=37)
        StaffRepository(project).add(worker)
        for citizen, start in zip(
            _people(project, 2, "hir", D(2018, 1, 1)), ("2018-05-15", "2018-06-01")
        ):
            project.db["assignment"].insert(
                {
                    "id": new_id(),
                    "citizen_id": citizen.id,
                    "staff_id": worker.id,
                    "role": "sagsbehandler",
                    "start": start,
                    "end": None,
                }
            )
        in_ressourceforloeb_all_along(project)
    with Project.open(path) as project:
        page = _open_measures(qtbot, project, "hir.caseload")
        model = page.model
        march, may = _row_of(page, "2018-03"), _row_of(page, "2018-05")
        assert model.index(march, ResultsModel.SHARE).data() == "ingen data"
        assert model.index(march, ResultsModel.MET).data() == "–"
        assert (
            model.index(march, ResultsModel.SHARE).data(Qt.ItemDataRole.ForegroundRole)
            == NO_DATA_COLOR
        )
        assert "15.05.2018" in model.index(march, ResultsModel.NUMERATOR).data(
            Qt.ItemDataRole.ToolTipRole
        )
        assert [
            model.index(may, c).data()
            for c in (
                ResultsModel.NUMERATOR,
                ResultsModel.DENOMINATOR,
                ResultsModel.SHARE,
                ResultsModel.MET,
            )
        ] == ["1", "1", "1", "ja / ja"]
        assert model.index(may, ResultsModel.SHARE).data(Qt.ItemDataRole.ToolTipRole) is None
        # The chart leaves the months without data out (no point: NaN).
        (line,) = [
            line for line in page.chart.ax.get_lines() if line.get_label() == "Sager pr. fuldtid"
        ]
        values = list(line.get_ydata())
        assert math.isnan(values[march]) and math.isnan(values[march + 1]) and values[may] == 1.0
        assert "første registrering af en sagsbehandler (15.05.2018)" in page.status_label.text()


def test_the_mal_page_without_any_job_broker_says_ingen_data_and_keeps_the_payout_open(
    app, qtbot, tmp_path
):
    """Frontrunner without a single job-broker assignment: the one period has no data — not 0 %
    and "3 citizens missing" — the breakdown has no groups for it, and the forecast names no
    period."""
    path = tmp_path / "fr.fsm"
    with Project.create(path, builtin_template("frontrunner"), grant_amount=1_000_000) as project:
        _people(project, 3, "frontrunner", D(2018, 12, 1))
    with Project.open(path) as project:
        page = _open_measures(qtbot, project, "frontrunner.job_broker")
        assert page.model.rowCount() == 1
        assert page.model.index(0, ResultsModel.SHARE).data() == "ingen data"
        assert page.model.index(0, ResultsModel.DENOMINATOR).data() == "3"
        status = page.status_label.text()
        assert (
            status.startswith("Ingen data.") and "ingen registrering af en jobformidler" in status
        )
        assert page.chart.best is None
        with qtbot.waitSignal(page.breakdown_ready):
            page.side.setCurrentIndex(1)
        assert page.breakdown_model.rowCount() == 0 and page.breakdown_view.isHidden()
        assert page.breakdown_note.text().startswith("Ingen data:")
        (line,) = [line for line in page.payout_label.text().splitlines() if "85 % udløser" in line]
        assert "manglede" not in line and "bedste periode" not in line
