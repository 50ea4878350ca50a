"""The Mål page: results per period, the chart (size, click, save), the payout forecast, the
drill-down, "Vis for" and the breakdown by group, the board over time, and the models."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from hir_helpers import in_ressourceforloeb_all_along
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QAbstractItemModelTester

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.measures import Month, PayoutForecast
from fsm_desktop.domain.model import BoardColumn, Citizen, Gender, Origin, Period, PeriodKind
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.operations import measures as measures_ops
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.views.kit import tasks
from fsm_desktop.views.measures import page as measures_page
from fsm_desktop.views.measures.chart import payout_text
from fsm_desktop.views.measures.dialogs import MembersDialog
from fsm_desktop.views.measures.models import BreakdownModel, MembersModel, ResultsModel
from fsm_desktop.views.measures.page import MeasuresPage

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
MARCH = 4  # 2020-03 is the fifth month of FSM2's period (from November 2019)

#: Five citizens of group 1, born 1 January 1970–1974 (50, 49, 48, 47, 46 years at the end of
#: March 2020): who they are, and what touches March 2020.
PEOPLE = (
    ("Borger 0", Gender.FEMALE, Origin.NON_WESTERN),  # paid hours in March: counts
    ("Borger 1", Gender.MALE, Origin.DANISH),  # SU education 31 March – 30 April: counts
    ("Borger 2", Gender.FEMALE, Origin.NON_WESTERN),  # løntilskud: does not count for FSM2
    ("Borger 3", Gender.FEMALE, Origin.DANISH),
    ("Borger 4", Gender.MALE, Origin.WESTERN),
)


@pytest.fixture
def project_with_hours(tmp_path):
    """FSM2, group 1: 2 of 5 = 40 % in March 2020, 1 of 5 in April (see PEOPLE)."""
    path = tmp_path / "maal.fsm"
    with Project.create(path, builtin_template("fsm2"), grant_amount=1_000_000) as project:
        repo = CitizenRepository(project)
        people = [
            Citizen(cpr=f"01017{i}1234", name=name, group=1, gender=gender, origin=origin)
            for i, (name, gender, origin) in enumerate(PEOPLE)
        ]
        for c in people:
            repo.add(c)
        with project.db.atomic():
            project.db["paid_hours"].insert(
                {"citizen_id": people[0].id, "month": "2020-03", "hours": 12.5}
            )
            for citizen, kind in (
                (people[1], PeriodKind.UDDANNELSE_SU),
                (people[2], PeriodKind.LOENTILSKUD),
            ):
                p = Period(citizen.id, kind, dt.date(2020, 3, 31), dt.date(2020, 4, 30))
                project.db["period"].insert(
                    {
                        "id": p.id,
                        "citizen_id": p.citizen_id,
                        "kind": p.kind.value,
                        "start": p.start.isoformat(),
                        "end": p.end.isoformat(),
                        "note": "",
                    }
                )
    return path


@pytest.fixture
def hidden_page(app, qtbot, project_with_hours):
    """A Mål page on the project, not shown yet (as the main window's hidden pages are)."""
    project = Project.open(project_with_hours)
    page = MeasuresPage()
    qtbot.addWidget(page)
    page.set_project(project)
    yield page
    project.close()


@pytest.fixture
def page(hidden_page, qtbot):
    page = hidden_page
    # Kept alive for the whole test: a tester checks every change of its model.
    page.testers = [QAbstractItemModelTester(m, FATAL) for m in (page.model, page.breakdown_model)]
    page.resize(1200, 700)
    with qtbot.waitSignal(page.results_ready):
        page.show()
    qtbot.waitExposed(page)
    return page


def _open(qtbot, project: Project) -> MeasuresPage:
    """A Mål page shown on the project, its numbers counted."""
    page = MeasuresPage()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.results_ready):
        page.set_project(project)
        page.show()
    return page


def _row(page, period: str) -> int:
    """The row of a period, by its stored label ("2020-03"; the table shows "mar 2020")."""
    for row in range(page.model.rowCount()):
        if (
            page.model.index(row, ResultsModel.PERIOD).data(ResultsModel.RESULT_ROLE).label
            == period
        ):
            return row
    raise AssertionError(period)


def _cells(page, period: str) -> list[str]:
    row = _row(page, period)
    return [page.model.index(row, c).data() for c in range(page.model.columnCount())]


def _line(page, label: str):
    (line,) = [line for line in page.chart.ax.get_lines() if line.get_label().startswith(label)]
    return line


def _choose_group(page, qtbot, key: str) -> None:
    with qtbot.waitSignal(page.results_ready):
        page.group_box.setCurrentIndex(page.group_box.findData(key))


# --- numbers, forecast, drill-down -----------------------------------------------------------------


def test_results_per_month_with_thresholds(page):
    assert page.measure_box.count() == 1
    assert page.model.rowCount() == 24
    assert _cells(page, "2020-03") == ["mar 2020", "2", "5", "40,0 %", "15,0 % / 20,0 %", "ja / ja"]
    # April: only the SU education goes on (the paid hours were March only).
    assert _cells(page, "2020-04")[1:4] == ["1", "5", "20,0 %"]
    assert _cells(page, "2020-05")[1:6] == ["0", "5", "0,0 %", "15,0 % / 20,0 %", "nej / nej"]
    assert page.status_label.text() == "Opfyldt i 2 af 24 perioder."
    assert page.view.isColumnHidden(ResultsModel.THRESHOLD)  # the chart's dashed lines say it


def test_the_met_column_names_the_thresholds_its_answers_refer_to(page):
    header = page.model.headerData(ResultsModel.MET, Qt.Orientation.Horizontal)
    assert header == "Opfyldt 15 % / 20 %"  # "ja / nej": 15 % met, 20 % not
    tip = page.model.headerData(
        ResultsModel.MET, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "mindst 15 % / 20 %" in tip and "samme rækkefølge" in tip
    assert page.model.headerData(ResultsModel.NUMERATOR, Qt.Orientation.Horizontal) == "Tæller"


def test_til_og_med_ends_the_table_and_the_chart_with_the_month_chosen(page, qtbot):
    box = page.month_box
    # As on Statusskema: the initiative's months, the last one once it has ended.
    assert box.count() == 24 and box.itemText(0) == "nov. 2019"
    assert box.currentData() == "2021-10" and box.currentText() == "okt. 2021"
    with qtbot.waitSignal(page.results_ready):
        box.setCurrentIndex(box.findData("2020-04"))
    labels = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert labels == ["nov 2019", "dec 2019", "jan 2020", "feb 2020", "mar 2020", "apr 2020"]
    assert [r.label for r in page.chart.rows] == [
        "2019-11",
        "2019-12",
        "2020-01",
        "2020-02",
        "2020-03",
        "2020-04",
    ]
    assert page.period_box.count() == 6
    assert page.period_box.itemText(0) == "nov 2019" and page.period_box.itemData(0) == "2019-11"
    assert page.status_label.text().endswith("af 6 perioder.")
    with qtbot.waitSignal(page.results_ready):
        box.setCurrentIndex(box.findData("2021-10"))
    assert page.model.rowCount() == 24


def test_payout_forecast_in_kroner(page):
    text = page.payout_label.text()
    assert (
        "15 % udløser 40 % af tilsagnet: opfyldt – første gang mar 2020 (40,0 %) – 400.000 kr. udløst"
        in text
    )
    assert (
        "20 % udløser de sidste 10 % af tilsagnet: opfyldt – første gang mar 2020 (40,0 %) – 100.000 kr. udløst"
        in text
    )
    # The initiative ended in October 2021: what was not released is not "still at stake".
    assert "I alt: 500.000 kr. udløst, 0 kr. ikke udløst." in text
    assert page.payout_heading.text() == "Udbetalingsprognose"
    page.today = dt.date(2020, 6, 1)  # while it runs
    page._show_payouts()
    assert "I alt: 500.000 kr. udløst, 0 kr. endnu i spil." in page.payout_label.text()


def test_forecast_without_a_grant_says_so(app, qtbot, tmp_path):
    path = tmp_path / "uden.fsm"
    Project.create(path, builtin_template("fsm2")).close()
    with Project.open(path) as project:
        page = _open(qtbot, project)
        assert "Tilsagnets beløb er ikke indtastet" in page.payout_label.text()
        assert "kr." not in page.payout_label.text()


def test_drill_down_lists_the_citizens_with_reasons(page, qtbot):
    dialog = page.open_members(page.model.index(_row(page, "2020-03"), 0))
    qtbot.addWidget(dialog)
    assert isinstance(dialog, MembersDialog)
    testers = [
        QAbstractItemModelTester(m, FATAL)
        for m in (dialog.numerator_model, dialog.denominator_model)
    ]
    numerator = {
        dialog.numerator_model.index(r, 0).data(): dialog.numerator_model.index(r, 1).data()
        for r in range(2)
    }
    assert numerator == {
        "Borger 0": "løntimer i 2020-03 (12,5 t.)",
        "Borger 1": "uddannelse SU 31-03-2020 – 30-04-2020",
    }
    assert dialog.numerator_model.rowCount() == 2
    assert dialog.denominator_model.rowCount() == 5
    assert dialog.tabs.tabText(0) == "Tæller (2)" and dialog.tabs.tabText(1) == "Nævner (5)"
    assert testers


def test_the_drill_down_opens_a_citizen_on_double_click_and_enter(page, qtbot):
    from PySide6.QtTest import QTest

    dialog = page.open_members(page.model.index(_row(page, "2020-03"), 0))
    qtbot.addWidget(dialog)
    view = dialog.tabs.widget(0)
    row = next(r for r in range(2) if dialog.numerator_model.index(r, 0).data() == "Borger 1")
    rect = view.visualRect(dialog.numerator_model.index(row, 1))
    # A double-click: a click, then the second press (Qt checks it hit the row pressed).
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    window = page.citizen_window
    qtbot.addWidget(window)
    assert window.isVisible() and not window.isModal()
    assert window.citizen_id == dialog.numerator_model.index(row, 0).data(Qt.ItemDataRole.UserRole)
    window.close()
    view.setFocus()
    view.setCurrentIndex(dialog.numerator_model.index(1 - row, 0))
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert page.citizen_window is not window
    qtbot.addWidget(page.citizen_window)
    assert page.citizen_window.isVisible()
    assert dialog.isVisible()  # Enter opens the citizen, it does not close the list


def test_members_model_is_a_valid_model():
    from fsm_desktop.domain.measures import Member

    model = MembersModel([Member("a", "Anna", "grund"), Member("b", "Bo", "grund 2")])
    tester = QAbstractItemModelTester(model, FATAL)
    assert model.rowCount() == 2 and model.columnCount() == 2
    assert model.index(1, 0).data() == "Bo"
    assert tester


def test_background_runner_delivers_the_report(app, qtbot, project_with_hours, monkeypatch):
    """With the real thread pool (matplotlib's import on one worker, the counting on
    another) the page gets its numbers and its chart by signal."""
    monkeypatch.setattr(tasks, "runner", tasks.ThreadPoolRunner())
    project = Project.open(project_with_hours)
    try:
        page = MeasuresPage()
        qtbot.addWidget(page)
        with qtbot.waitSignals([page.results_ready, page.chart.drawn], timeout=20_000):
            page.set_project(project)
            page.show()
        assert page.model.rowCount() == 24
        assert list(_line(page, "Andel").get_ydata())[MARCH] == pytest.approx(40.0)
    finally:
        project.close()


class DeferredRunner:
    """Holds the tasks until the test lets them run (a worker that has not finished yet)."""

    def __init__(self) -> None:
        self.tasks: list = []

    def run(self, fn, on_done, on_error, owner, on_progress=None) -> None:
        self.tasks.append((fn, on_done, on_error))

    def finish(self) -> None:
        while self.tasks:
            fn, on_done, on_error = self.tasks.pop(0)
            try:
                result = fn()
            except BaseException as exc:
                on_error(exc)
            else:
                on_done(result)


def _counting(monkeypatch) -> list:

    calls = []
    real = measures_ops.compute
    monkeypatch.setattr(
        measures_ops, "compute", lambda *a, **k: (calls.append(1), real(*a, **k))[1]
    )
    return calls


def test_a_prefetched_count_is_used_by_the_first_opening(hidden_page, qtbot, monkeypatch):
    """Counted in the background before the page is shown: the first opening only draws."""
    calls, page = _counting(monkeypatch), hidden_page
    page.prefetch()
    assert calls == [1] and page.report is None, "counted, not shown yet"
    page.prefetch()  # asked again: nothing more to do
    with qtbot.waitSignal(page.results_ready):
        page.show()
    assert calls == [1], "the opening used the prefetched count"
    assert _cells(page, "2020-03")[1:4] == ["2", "5", "40,0 %"]


def test_a_change_after_the_prefetch_counts_again(hidden_page, qtbot, monkeypatch):
    calls, page = _counting(monkeypatch), hidden_page
    page.prefetch()
    project = page.project
    with project.db.atomic():  # one more citizen with hours in March: 3 of 6
        citizen = Citizen(cpr="0101751234", name="Borger 5", group=1)
        CitizenRepository(project).add(citizen)
        project.db["paid_hours"].insert({"citizen_id": citizen.id, "month": "2020-03", "hours": 3})
    page.set_project(project)  # what the main window does after a change
    with qtbot.waitSignal(page.results_ready):
        page.show()
    assert calls == [1, 1]
    assert _cells(page, "2020-03")[1:4] == ["3", "6", "50,0 %"]


def test_shown_while_the_prefetch_counts_the_page_waits_for_it(hidden_page, qtbot, monkeypatch):
    calls, page = _counting(monkeypatch), hidden_page
    runner = DeferredRunner()
    monkeypatch.setattr(tasks, "runner", runner)
    page.prefetch()
    page.show()
    assert page.report is None and calls == []
    # matplotlib's import waits for the count: beside the count's read it would hold Python's
    # lock while the read waits for it after every row (the chart imports it when it draws).
    assert [fn for fn, _done, _error in runner.tasks if fn is measures_page.preload] == []
    with qtbot.waitSignal(page.results_ready):
        runner.finish()
    assert calls == [1], "one count for the prefetch and the opening together"
    assert _cells(page, "2020-03")[1:4] == ["2", "5", "40,0 %"]


def test_counted_on_opening_the_facts_are_read_before_matplotlib_imports(
    hidden_page, qtbot, monkeypatch
):
    """Opened with nothing counted ahead: the facts are read on the GUI thread first, and only
    then do the import and the counting go to the workers, side by side."""
    page, runner, steps = hidden_page, DeferredRunner(), []
    monkeypatch.setattr(tasks, "runner", runner)
    real_read = measures_ops.load_facts
    monkeypatch.setattr(
        measures_ops, "load_facts", lambda *a, **k: (steps.append("read"), real_read(*a, **k))[1]
    )
    real_run = runner.run

    def run(fn, *args, **kwargs):
        steps.append("import" if fn is measures_page.preload else "count")
        real_run(fn, *args, **kwargs)

    monkeypatch.setattr(runner, "run", run)
    page.show()
    assert steps == ["read", "count", "import"]
    with qtbot.waitSignal(page.results_ready):
        runner.finish()
    assert _cells(page, "2020-03")[1:4] == ["2", "5", "40,0 %"]


def test_a_failed_prefetch_is_silent_and_the_opening_counts_again(hidden_page, qtbot, monkeypatch):
    from fsm_desktop.views.measures import page as measures_page

    page, runner = hidden_page, DeferredRunner()
    monkeypatch.setattr(tasks, "runner", runner)
    real = measures_ops.compute
    attempts = []

    def flaky(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("the disk went away for a moment")
        return real(*args, **kwargs)

    monkeypatch.setattr(measures_ops, "compute", flaky)
    ran = []
    real_run = runner.run
    monkeypatch.setattr(runner, "run", lambda fn, *a, **k: (ran.append(fn), real_run(fn, *a, **k)))
    page.prefetch()
    page.show()  # while the prefetch runs
    with qtbot.waitSignal(page.results_ready):
        runner.finish()  # the prefetch fails; the page counts anew and shows the numbers
    assert len(attempts) == 2
    assert _cells(page, "2020-03")[1:4] == ["2", "5", "40,0 %"]
    assert ran.count(measures_page.preload) == 1, "the count anew imports matplotlib beside it"
    assert page.chart.has_chart


def test_shown_and_left_while_counting_ahead_the_count_waits_for_the_next_showing(
    hidden_page, qtbot, monkeypatch
):
    """Not drawn while the user is on another page (drawing would import matplotlib on the
    GUI thread then): the next showing draws the count without counting again."""
    calls, page, runner = _counting(monkeypatch), hidden_page, DeferredRunner()
    monkeypatch.setattr(tasks, "runner", runner)
    page.prefetch()
    page.show()
    page.hide()
    runner.finish()
    assert calls == [1] and page.report is None and not page.chart.has_chart
    with qtbot.waitSignal(page.results_ready):
        page.show()
    runner.finish()
    assert calls == [1], "the count ahead was used"
    assert _cells(page, "2020-03")[1:4] == ["2", "5", "40,0 %"] and page.chart.has_chart


def test_the_main_window_lets_the_hidden_mal_page_count_ahead(
    open_window, project_with_hours, qtbot, monkeypatch
):
    from fsm_desktop.views.main.window import MainWindow

    monkeypatch.setattr(MainWindow, "PREFETCH_AFTER_MS", 10)
    calls = _counting(monkeypatch)
    window = open_window(project_with_hours, "tavle")
    page = next(p for p in window.pages if p.key == "maal")
    qtbot.waitUntil(lambda: page._ahead is not None, timeout=10_000)
    assert calls == [1] and not page.isVisible()
    with qtbot.waitSignal(page.results_ready):
        window.show_page_key("maal")
    assert calls == [1]


def test_the_main_window_counts_ahead_after_two_idle_looks(
    open_window, project_with_hours, qtbot, monkeypatch
):
    """Hidden pages work ahead once no worker was busy at two looks in a row (the shown page
    has loaded and had a moment to paint), not while a worker is still busy."""
    from PySide6.QtCore import QThreadPool

    from fsm_desktop.views.main.window import MainWindow

    calls = _counting(monkeypatch)
    window = open_window(project_with_hours, "tavle")  # counting ahead is off in the tests
    page = next(p for p in window.pages if p.key == "maal")
    window._schedule_prefetch()
    window._prefetch_timer.stop()
    busy = [True]
    monkeypatch.setattr(QThreadPool, "activeThreadCount", lambda _self: 1 if busy[0] else 0)
    window._prefetch_pages()
    assert calls == [] and window._prefetch_timer.isActive(), "a worker is busy: look again"
    busy[0] = False
    window._prefetch_pages()
    assert calls == [], "one idle look is not enough"
    window._prefetch_pages()
    assert calls == [1] and page._ahead is not None
    assert window._prefetch_timer.interval() == MainWindow.PREFETCH_RETRY_MS <= 200


# --- the chart -----------------------------------------------------------------------------------------


def test_chart_shows_share_thresholds_and_best_period(page):
    share = list(_line(page, "Andel").get_ydata())
    assert (
        len(share) == 24
        and share[MARCH] == pytest.approx(40.0)
        and share[MARCH + 1] == pytest.approx(20.0)
    )
    # A dashed line per threshold, labelled with what it releases and the amount.
    low, high = _line(page, "Krav 15 %"), _line(page, "Krav 20 %")
    assert list(low.get_ydata()) == [15.0, 15.0] and list(high.get_ydata()) == [20.0, 20.0]
    assert low.get_label() == "Krav 15 %: opfyldt mar 2020 – udløser 400.000 kr."
    assert high.get_label() == "Krav 20 %: opfyldt mar 2020 – udløser 100.000 kr."
    texts = [t.get_text() for t in page.chart.ax.texts]
    assert "15 %" in texts and "20 %" in texts  # the values beside the lines too
    # The best period: March 2020, 40 %.
    best = _line(page, "Bedste periode")
    assert list(best.get_xdata()) == [MARCH] and list(best.get_ydata()) == [pytest.approx(40.0)]
    assert "mar 2020\n40,0 %" in texts
    assert page.chart.ax.get_title(loc="left") == "Løntimer eller uddannelse i en måned"


def test_a_payout_not_met_is_short_while_running_and_lost_when_ended():
    spec = builtin_template("fsm2").measures[0]
    best = types.SimpleNamespace(
        period_start=Month(2020, 3), period_end=Month(2020, 3), denominator=40
    )
    short = PayoutForecast(spec, spec.thresholds[1], False, best, 2, 100_000.0)
    assert payout_text(short) == "mangler 2 borgere i mar 2020 – 100.000 kr. i spil"
    assert (
        payout_text(short, finished=True)
        == "manglede 2 borgere i mar 2020 – 100.000 kr. ikke udløst"
    )
    none = PayoutForecast(spec, spec.thresholds[1], False, None, 0, None)
    assert (payout_text(none), payout_text(none, finished=True)) == (
        "ingen periode endnu",
        "ingen periode",
    )


def test_chart_follows_the_widget_size(page, qtbot):
    """A resize draws the figure again at the new size, in device pixels."""
    canvas = page.chart.canvas
    ratio = canvas.devicePixelRatioF()
    sizes = []
    for width, height in ((1500, 900), (900, 600)):
        with qtbot.waitSignal(page.chart.drawn):
            page.resize(width, height)
        assert page.chart.pixel_size() == (
            round(canvas.width() * ratio),
            round(canvas.height() * ratio),
        )
        renderer = canvas.get_renderer()
        assert (round(renderer.width), round(renderer.height)) == page.chart.pixel_size()
        sizes.append(page.chart.pixel_size())
    (wide_w, wide_h), (small_w, small_h) = sizes
    assert (
        wide_w - small_w >= 500 and wide_h - small_h >= 250
    )  # the chart takes what the page gains
    # Narrower: fewer period labels (each needs room).
    narrow = len(page.chart.ax.get_xticks())
    with qtbot.waitSignal(page.chart.drawn):
        page.resize(1900, 900)
    assert len(page.chart.ax.get_xticks()) > narrow


HIGH_DPI = """
import json, os, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from fsm_desktop.views.measures.board_chart import BoardHistoryChart
import datetime as dt
chart = BoardHistoryChart()
chart.resize(600, 400)
chart.plot([(dt.date(2021, 1, 4), {None: 3}), (dt.date(2021, 2, 1), {None: 2})])
chart.show()
app.processEvents()
chart.canvas.draw()
print(json.dumps({"ratio": chart.canvas.devicePixelRatioF(), "logical": [chart.canvas.width(), chart.canvas.height()],
                  "pixels": list(chart.pixel_size()), "dpi": chart.figure.dpi}))
"""


def test_chart_is_drawn_at_the_screens_pixel_ratio():
    """On a screen with twice the pixels (QT_SCALE_FACTOR=2) the figure has twice the pixels
    and twice the dpi: text and lines keep their size and stay sharp."""
    import os

    def run(scale: str) -> dict:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
        out = subprocess.run(
            [sys.executable, "-c", HIGH_DPI], capture_output=True, text=True, env=env, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    normal, double = run("1"), run("2")
    assert normal["ratio"] == 1 and double["ratio"] == 2
    assert double["pixels"] == [2 * w for w in double["logical"]]
    assert normal["pixels"] == normal["logical"]
    assert double["dpi"] == 2 * normal["dpi"]


PRELOAD = """
import json, sys
from fsm_desktop.views.measures.chart import preload
preload()
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
line = Line2D([0, 1], [0, 1])
line.set(lw=3, color="#ff0000", label="x")  # an alias, as matplotlib takes it
try:
    line.set(no_such_property=1)
    refused = False
except AttributeError:
    refused = True
print(json.dumps({"width": line.get_linewidth(), "color": line.get_color(), "refused": refused,
                  "help": Line2D.set.__doc__ or "", "own_set": Rectangle.set is not Line2D.set}))
"""


def test_matplotlib_is_imported_without_the_help_texts_and_set_still_works():
    """preload() skips the help text matplotlib writes for every artist's set() (a third of
    the import): set() still takes aliases and refuses unknown properties."""
    out = subprocess.run(
        [sys.executable, "-c", PRELOAD], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert (
        found["width"] == 3
        and found["color"] == "#ff0000"
        and found["refused"]
        and found["own_set"]
    )
    assert "Supported properties" not in found["help"], "the help text was written after all"


def test_click_on_a_period_opens_its_citizens(page, qtbot):
    """A click on March in the chart chooses March and lists its citizens."""
    chart = page.chart
    with qtbot.waitSignal(chart.drawn):
        chart.canvas.draw()
    x, y = chart.ax.transData.transform((MARCH, 40.0))  # device pixels from the bottom left
    ratio = chart.canvas.devicePixelRatioF()
    pos = QPoint(round(x / ratio), round(chart.canvas.height() - y / ratio))
    with qtbot.waitSignal(chart.period_clicked) as clicked:
        qtbot.mouseClick(chart.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert clicked.args == [MARCH]
    (dialog,) = page.findChildren(MembersDialog)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Løntimer eller uddannelse i en måned: mar 2020"
    assert (dialog.numerator_model.rowCount(), dialog.denominator_model.rowCount()) == (2, 5)
    assert page.view.currentIndex().row() == MARCH and page.period_box.currentText() == "mar 2020"
    assert _line(page, "Valgt periode").get_xdata()[0] == MARCH


def test_period_at_is_the_nearest_period(page):
    chart = page.chart
    assert [chart.period_at(x) for x in (-0.6, -0.4, 3.6, 4.4, 23.2, 23.6, None)] == [
        None,
        0,
        4,
        4,
        23,
        None,
        None,
    ]


# --- saving ------------------------------------------------------------------------------------------------


def test_save_as_png_and_pdf(page, tmp_path):
    png = page.chart.save(tmp_path / "maal.png")
    pdf = page.chart.save(tmp_path / "maal.pdf")
    bare = page.chart.save(tmp_path / "uden-endelse")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert bare.name == "uden-endelse.png" and bare.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(KnownError, match="kunne ikke gemmes"):
        page.chart.save(tmp_path / "findes-ikke" / "maal.png")


def test_the_save_button_asks_where(page, tmp_path, monkeypatch):
    from fsm_desktop.views.kit import file_dialogs

    target = tmp_path / "valgt"
    monkeypatch.setattr(
        file_dialogs, "get_save_file_name", lambda *a, **k: (str(target), "PDF-dokument (*.pdf)")
    )
    assert page.save_button.isEnabled()
    page.save_button.click()
    assert (tmp_path / "valgt.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_save_button_starts_in_documents_then_where_it_saved(page, tmp_path, monkeypatch):
    from fsm_desktop.views.kit import file_dialogs

    monkeypatch.chdir(tmp_path)  # not where a first export goes
    asked = []

    def ask(parent, caption, folder, filters):
        asked.append(file_dialogs.start_path(folder))
        return str(tmp_path / "valgt" / "maal.png"), ""

    monkeypatch.setattr(file_dialogs, "get_save_file_name", ask)
    (tmp_path / "valgt").mkdir()
    page.save_button.click()
    page.save_button.click()
    first, second = (Path(path) for path in asked)
    assert first.parent == file_dialogs.documents_folder() != tmp_path
    assert second.parent == tmp_path / "valgt"  # the folder used before
    assert first.name == second.name == page.chart.file_stem + ".png"


# --- "Vis for" and the breakdown -----------------------------------------------------------------------


def test_a_group_counts_numerator_and_denominator_again(page, qtbot):
    _choose_group(page, qtbot, "kvinder")  # Borger 0, 2, 3
    assert _cells(page, "2020-03")[1:4] == ["1", "3", "33,3 %"]
    assert _cells(page, "2020-04")[1:4] == ["0", "3", "0,0 %"]  # the SU education is Borger 1's
    assert list(_line(page, "Andel").get_ydata())[MARCH] == pytest.approx(100 / 3)
    assert page.chart.ax.get_title(loc="left") == "Løntimer eller uddannelse i en måned – Kvinder"
    assert "Vist for kvinder" in page.status_label.text()
    assert page.payout_heading.text().startswith("Udbetalingsprognose (for hele målgruppen")
    assert _line(page, "Krav 15 %").get_label() == "Krav 15 %"  # the payout is the whole group's

    _choose_group(page, qtbot, "ikke_vestlige_kvinder")  # Borger 0, 2
    assert _cells(page, "2020-03")[1:4] == ["1", "2", "50,0 %"]
    _choose_group(page, qtbot, "50_plus")  # Borger 0 (50 on 1 January 2020)
    assert _cells(page, "2020-03")[1:4] == ["1", "1", "100,0 %"]
    _choose_group(page, qtbot, "40_49")  # Borger 1–4
    assert _cells(page, "2020-03")[1:4] == ["1", "4", "25,0 %"]
    dialog = page.open_members(page.model.index(MARCH, 0))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().endswith("– 40–49 år")
    assert dialog.denominator_model.rowCount() == 4 and dialog.numerator_model.rowCount() == 1
    assert dialog.numerator_model.index(0, 0).data() == "Borger 1"
    _choose_group(page, qtbot, "alle")
    assert _cells(page, "2020-03")[1:4] == ["2", "5", "40,0 %"]


def test_the_breakdown_of_a_period(page, qtbot):
    with qtbot.waitSignal(page.breakdown_ready):
        page.side.setCurrentIndex(1)
    with qtbot.waitSignal(page.breakdown_ready):
        page.period_box.setCurrentIndex(MARCH)
    model = page.breakdown_model
    rows = {
        model.index(r, 0).data(): [model.index(r, c).data() for c in (1, 2, 3)]
        for r in range(model.rowCount())
    }
    assert rows == {
        "Alle": ["2", "5", "40,0 %"],
        "Kvinder": ["1", "3", "33,3 %"],
        "Mænd": ["1", "2", "50,0 %"],
        "Dansk": ["1", "2", "50,0 %"],
        "Vestlig": ["0", "1", "0,0 %"],
        "Ikke-vestlig": ["1", "2", "50,0 %"],
        "Ikke-vestlige kvinder": ["1", "2", "50,0 %"],
        "Under 30 år": ["0", "0", "–"],
        "30–39 år": ["0", "0", "–"],
        "40–49 år": ["1", "4", "25,0 %"],
        "50 år og derover": ["1", "1", "100,0 %"],
    }
    assert page.view.currentIndex().row() == MARCH  # the table follows the chosen period
    assert page.breakdown_note.text().startswith("mar 2020, hele målgruppen fordelt på grupper")
    # The breakdown is the whole group's, whatever "Vis for" shows.
    with qtbot.waitSignal(page.breakdown_ready):
        _choose_group(page, qtbot, "maend")
    assert page.period_box.currentIndex() == MARCH  # the chosen period stays
    assert [model.index(0, c).data() for c in range(3)] == ["Alle", "2", "5"]
    assert _cells(page, "2020-03")[1:3] == ["1", "2"]


def test_breakdown_model_is_exact():
    from fsm_desktop.domain.breakdown import ALL, WOMEN, GroupCount

    model = BreakdownModel()
    tester = QAbstractItemModelTester(model, FATAL)
    model.set_rows([GroupCount(ALL, 2, 5, (True,)), GroupCount(WOMEN, 0, 3, (False,))])
    assert model.rowCount() == 2 and model.columnCount() == 4
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert (
        model.index(1, 3).data() == "0,0 %"
        and model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole).name() == "#8a1c14"
    )
    model.set_rows([])
    assert model.rowCount() == 0 and tester


# --- the board over time -----------------------------------------------------------------------------------


def test_board_over_time_without_meetings(page, qtbot):
    with qtbot.waitSignal(page.board_ready):
        page.tabs.setCurrentIndex(1)
    assert page.board_chart.empty_label.isVisible()
    assert "ikke holdt tavlemøder endnu" in page.board_chart.empty_label.text()
    assert not page.board_chart.has_chart and not page.board_save_button.isEnabled()


def test_board_over_time_counts_each_column_per_meeting(
    app, qtbot, project_with_hours, monkeypatch, tmp_path
):
    import itertools

    clock = (dt.datetime(2021, 6, 1, 10) + dt.timedelta(minutes=n) for n in itertools.count())
    monkeypatch.setattr("fsm_desktop.storage.board._now", lambda: next(clock))
    project = Project.open(project_with_hours)
    try:
        repo = BoardRepository(project)
        ids = [c.id for c in CitizenRepository(project).list()]
        repo.move(ids[:2], BoardColumn.PAA_VEJ)
        repo.finish_meeting(dt.date(2021, 3, 1), ["SB"], today=dt.date(2021, 3, 1))
        repo.move(ids[:1], BoardColumn.I_GANG)
        repo.move(ids[2:3], BoardColumn.PAA_SPRING)
        repo.finish_meeting(dt.date(2021, 4, 6), ["SB"], today=dt.date(2021, 4, 6))
        page = _open(qtbot, project)
        with qtbot.waitSignal(page.board_ready):
            page.tabs.setCurrentIndex(1)
        lines = {
            line.get_label(): list(line.get_ydata())
            for line in page.board_chart.figure.axes[0].get_lines()
        }
        assert lines == {
            "I gang": [0, 1],
            "På spring": [0, 1],
            "På vej": [2, 1],
            "På længere sigt": [0, 0],
            "Ikke placeret": [3, 2],
        }
        dates = list(page.board_chart.figure.axes[0].get_lines()[0].get_xdata())
        assert dates == [dt.date(2021, 3, 1), dt.date(2021, 4, 6)]
        assert page.board_save_button.isEnabled()
        assert page.board_chart.save(tmp_path / "tavle.pdf").read_bytes()[:5] == b"%PDF-"
    finally:
        project.close()


def test_label_spread_keeps_labels_apart():
    from fsm_desktop.views.measures.chart import spread

    assert spread([106, 194, 25], 10) == [106, 194, 25]  # far apart: where they are
    assert spread([10, 10, 10], 2) == [8, 10, 12]  # on top of each other: centred on their value
    placed = spread([106, 122, 119, 25], 10)
    ordered = sorted(placed)
    assert all(b - a >= 10 - 1e-9 for a, b in itertools.pairwise(ordered))


def test_caseload_is_the_same_for_every_group_and_says_so(app, qtbot, tmp_path):
    """HIR: 2 citizens with one full-time caseworker = 2 per full-time caseworker, whatever
    group "Vis for" shows; the page says why, and the breakdown does not split it."""
    from fsm_desktop.domain.model import Staff, StaffRole, new_id
    from fsm_desktop.storage.repositories import StaffRepository

    path = tmp_path / "hir.fsm"
    with Project.create(path, builtin_template("hir")) as project:
        worker = Staff(initials="SB", name="Sara", role=StaffRole.CASEWORKER, hours_per_week=37)
        StaffRepository(project).add(worker)
        for i, gender in enumerate((Gender.FEMALE, Gender.MALE)):
            citizen = Citizen(cpr=f"0101{80 + i}1234", name=f"B{i}", group=1, gender=gender)
            CitizenRepository(project).add(citizen)
            project.db["assignment"].insert(
                {
                    "id": new_id(),
                    "citizen_id": citizen.id,
                    "staff_id": worker.id,
                    "role": "sagsbehandler",
                    "start": "2018-01-01",
                    "end": None,
                }
            )
        in_ressourceforloeb_all_along(project)
    with Project.open(path) as project:
        page = _open(qtbot, project)
        page.measure_box.setCurrentIndex(page.measure_box.findData("hir.caseload"))
        assert _cells(page, "2018-03")[1:4] == ["2", "1", "2"]
        _choose_group(page, qtbot, "kvinder")
        assert _cells(page, "2018-03")[1:4] == ["2", "1", "2"]
        assert "Sagsstammen tælles altid for alle borgere" in page.status_label.text()
        assert page.chart.best is None and _line(page, "Højst 35 sager pr. fuldtid")
        with qtbot.waitSignal(page.breakdown_ready):
            page.side.setCurrentIndex(1)
        assert page.breakdown_model.rowCount() == 0 and page.breakdown_view.isHidden()
        assert "fordeles ikke på grupper" in page.breakdown_note.text()
        # The passive share is about citizens: a group restricts it (no one passive here: 0 of 0).
        page.measure_box.setCurrentIndex(page.measure_box.findData("hir.passive_share"))
        assert "Vist for kvinder" in page.status_label.text()
