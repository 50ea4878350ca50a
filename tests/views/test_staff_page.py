"""The Medarbejdere page under pytest-qt: the register with caseloads against the limits, month
by month, the chart, the staff dialog, "Omfordel …", "Fordel sagsstamme …" and undo.

A HIR project (period March 2018 – March 2019, so the page counts as of 31-03-2019), by hand:
- AA, 37 hours: 36 citizens → 36 per full-time equivalent, over HIR's 35.
- BB, 30 hours: 28 citizens → 28 × 37 / 30 = 34.5, inside 30–35.
- CC, 37 hours: 10 citizens → 10, under.
- BF (Barsel/fængsel): 2 citizens parked, counted in nobody's caseload.
- JF, job broker: AA's first two citizens and one parked → 2 (+1 parked).
- Caseworkers as a whole: 74 citizens on 104 hours = 26.3 per full-time equivalent.
In April 2018 CC had not begun (his citizens from 1 May 2018)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from hir_helpers import in_ressourceforloeb_all_along
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog

from fsm_desktop.domain.caseload import StaffRecord, Status
from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.model import AssignmentRole, Citizen, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.operations.citizens import save_citizen
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.staff import CaseloadRepository, StaffRegister
from fsm_desktop.views.staff.dialogs import StaffDialog
from fsm_desktop.views.staff.history_model import HistoryModel
from fsm_desktop.views.staff.models import OVER_BACKGROUND, RANGE_BACKGROUND, StaffTableModel
from fsm_desktop.views.staff.page import StaffPage
from fsm_desktop.views.staff.plan_dialogs import ReassignDialog, SpreadDialog

D = dt.date
M = StaffTableModel


def _people(project):
    register = StaffRegister(project)
    out = {}
    for initials, name, role, hours in (
        ("AA", "Anna Ager", StaffRole.CASEWORKER, 37.0),
        ("BB", "Bent Bo", StaffRole.CASEWORKER, 30.0),
        ("CC", "Carl Cue", StaffRole.CASEWORKER, 37.0),
        ("BF", "Barsel/fængsel", StaffRole.PSEUDO, 0.0),
        ("JF", "Jens Fog", StaffRole.JOB_BROKER, 37.0),
        ("LL", "Lis Leder", StaffRole.LEADER, 37.0),
    ):
        out[initials] = register.save(
            StaffRecord(Staff(initials, name, role, hours)), today=D(2018, 3, 1)
        )
    return out


@pytest.fixture
def hir_path(tmp_path):
    path = tmp_path / "hir.fsm"
    with Project.create(path, builtin_template("hir"), municipality="Testrup Kommune") as project:
        staff = _people(project)
        repo = CitizenRepository(project)
        rows = []
        n = 0
        for initials, count, start in (
            ("AA", 36, "2018-03-01"),
            ("BB", 28, "2018-03-01"),
            ("CC", 10, "2018-05-01"),
            ("BF", 2, "2018-03-01"),
        ):
            for _ in range(count):
                n += 1
                c = Citizen(cpr=f"0101{n:06d}", name=f"Borger {n:02d}", entry_date=D(2018, 3, 1))
                repo.add(c)
                rows.append((c.id, staff[initials].id, "sagsbehandler", start))
                if n in (1, 2, 75):  # two of AA's and one parked with BF have the job broker
                    rows.append((c.id, staff["JF"].id, "jobformidler", "2018-03-01"))
        with project.db.atomic():
            for i, (cid, sid, role, start) in enumerate(rows):
                project.db["assignment"].insert(
                    {
                        "id": f"x{i:03d}",
                        "citizen_id": cid,
                        "staff_id": sid,
                        "role": role,
                        "start": start,
                        "end": None,
                    }
                )
        in_ressourceforloeb_all_along(project)
    return path


@pytest.fixture
def page(open_window, hir_path, qtbot) -> StaffPage:
    window = open_window(hir_path, "medarbejdere")
    page = window.stack.currentWidget()
    assert isinstance(page, StaffPage)
    # Model testers for the whole test: every reset, sort and change is checked.
    page.testers = [
        QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Fatal)
        for m in (page.model, page.proxy, page.history_model)
    ]
    return page


def row(page: StaffPage, initials: str) -> int:
    return next(
        r
        for r in range(page.model.rowCount())
        if page.model.index(r, M.INITIALS).data() == initials
    )


def cell(page: StaffPage, initials: str, column: int, role=Qt.ItemDataRole.DisplayRole):
    return page.model.index(row(page, initials), column).data(role)


def staff_id(page: StaffPage, initials: str) -> str:
    return page.model.index(row(page, initials), 0).data(M.RECORD_ROLE).id


# --- what the page shows ---------------------------------------------------------------------------


def test_citizen_counts_in_the_singular_for_one():
    from fsm_desktop.views.staff.models import citizens_text

    assert [citizens_text(n) for n in (0, 1, 2, 1530)] == [
        "0 borgere",
        "1 borger",
        "2 borgere",
        "1.530 borgere",
    ]


def test_register_with_caseloads_and_limits(page):
    assert page.month_box.currentText() == "marts 2019"
    assert page.model.rowCount() == 6
    assert cell(page, "AA", M.CITIZENS) == "36"
    assert cell(page, "AA", M.PER_FTE) == "36"
    assert cell(page, "AA", M.LIMIT) == "30–35"
    assert cell(page, "AA", M.STATUS) == "▲ over grænsen"
    assert cell(page, "AA", M.PER_FTE, Qt.ItemDataRole.BackgroundRole) == OVER_BACKGROUND
    assert cell(page, "AA", M.PER_FTE, Qt.ItemDataRole.FontRole).bold()
    assert cell(page, "BB", M.PER_FTE) == "34,5"
    assert cell(page, "BB", M.STATUS) == "inden for intervallet"
    assert cell(page, "BB", M.PER_FTE, Qt.ItemDataRole.BackgroundRole) == RANGE_BACKGROUND
    assert cell(page, "BB", M.FTE) == "0,81"
    assert cell(page, "CC", M.STATUS) == "under grænsen"
    assert cell(page, "CC", M.PER_FTE, Qt.ItemDataRole.BackgroundRole) is None
    # The pseudo-caseworker: parked citizens, no caseload.
    assert (
        cell(page, "BF", M.CITIZENS),
        cell(page, "BF", M.PER_FTE),
        cell(page, "BF", M.STATUS),
    ) == ("2", "–", "parkeret – tæller ikke")
    assert cell(page, "JF", M.CITIZENS) == "2 (+1)"
    assert "1 af borgerne er parkeret" in cell(page, "JF", M.CITIZENS, Qt.ItemDataRole.ToolTipRole)
    assert page.model.headerData(M.CITIZENS, Qt.Orientation.Horizontal) == "Borgere nu"
    summary = page.summary.text()
    assert summary.startswith("Pr. 31-03-2019")
    assert "Sagsbehandlere: 74 borgere på 2,81 fuldtid = 26,3 pr. fuldtid (grænse 30–35)" in summary
    assert "Over grænsen: AA" in summary
    assert page.warning_box.isVisible()
    assert (
        page.warning_box.text()
        == "⚠ AA (Anna Ager) har 36 borgere pr. fuldtid – over grænsen på 35."
    )
    assert page.view.isColumnHidden(M.BAND)


def test_an_earlier_month(page):
    page.month_box.setCurrentIndex(1)  # April 2018: CC's citizens begin in May
    assert page.month_box.currentText() == "april 2018"
    # The heading names the day the citizens are counted on.
    assert page.model.headerData(M.CITIZENS, Qt.Orientation.Horizontal) == "Borgere pr. 30-04-2018"
    assert cell(page, "CC", M.CITIZENS) == "0"
    assert cell(page, "AA", M.STATUS) == "▲ over grænsen"
    assert page.summary.text().startswith("Pr. 30-04-2018")


def test_month_by_month(page):
    model = page.history_model
    assert model.columnCount() == HistoryModel.FIRST_MONTH + 13
    assert model.headerData(HistoryModel.FIRST_MONTH, Qt.Orientation.Horizontal) == "mar 18"
    assert model.headerData(model.columnCount() - 1, Qt.Orientation.Horizontal) == "mar 19"
    names = [model.index(r, HistoryModel.INITIALS).data() for r in range(model.rowCount())]
    assert names == [
        "JF",
        "AA",
        "BB",
        "CC",
        "BF",
        "I alt",
        "I alt",
    ]  # leaders without citizens are left out
    aa = names.index("AA")
    april = HistoryModel.FIRST_MONTH + 1
    assert model.index(aa, april).data() == "▲ 36"
    assert model.index(aa, april).data(HistoryModel.STATUS_ROLE) == Status.OVER
    cc = names.index("CC")
    assert model.index(cc, april).data() == ""
    assert model.index(cc, april + 1).data() == "10"
    team = model.index(names.index("I alt"), HistoryModel.NAME).data()
    assert team == "Sagsbehandlere"
    # March 2018: AA 36 + BB 28 on 67 hours = 35.3 → over 35 for the caseworkers as a whole.
    assert model.index(names.index("I alt"), HistoryModel.FIRST_MONTH).data() == "▲ 35,3"
    page.count_radio.setChecked(True)
    assert model.index(names.index("BB"), HistoryModel.FIRST_MONTH).data() == "28"
    assert model.index(names.index("I alt"), HistoryModel.FIRST_MONTH).data() == "▲ 64"


def test_the_chart_shows_each_person_against_the_limit(page):
    page.tabs.setCurrentIndex(0)
    bars = {initials: (value, status) for initials, value, status in page.chart.bars}
    assert bars == {
        "AA": (36.0, Status.OVER),
        "BB": (pytest.approx(34.5333, abs=1e-3), Status.IN_RANGE),
        "CC": (10.0, Status.OK),
        "JF": (2.0, Status.OK),
    }
    axes = page.chart.figure.axes[0]
    labels = [t.get_text() for t in axes.get_legend().get_texts()]
    assert labels == [
        "under grænsen",
        "inden for intervallet",
        "over grænsen",
        "grænse sagsbehandlere 30–35",
        "grænse jobformidlere 40",
    ]
    limit_lines = sorted(
        round(seg[0][1], 2) for coll in axes.collections for seg in coll.get_segments()
    )
    assert limit_lines == [30.0, 35.0, 40.0]


def test_ips_bands_are_an_option_kept_in_the_project(page):
    page.ips_box.setChecked(True)
    assert not page.view.isColumnHidden(M.BAND)
    assert cell(page, "CC", M.BAND) == "≤ 20"
    assert cell(page, "AA", M.BAND) == "31–40"
    assert StaffRegister(page.project).settings().ips is True
    assert any(t.get_text() == "IPS 5" for t in page.chart.figure.axes[0].texts)


def test_a_crowded_chart_shows_those_over_first_and_every_status_in_its_legend(page, monkeypatch):
    from fsm_desktop.views.staff import chart

    monkeypatch.setattr(chart, "MAX_BARS", 2)
    page.tabs.setCurrentIndex(0)
    page._chart_dirty = True
    page._draw_chart_if_visible()
    # AA (over) and BB (inside the range) before CC and JF, though all four have bars to show.
    assert {initials for initials, _, _ in page.chart.bars} == {"AA", "BB"}
    axes = page.chart.figure.axes[0]
    assert "2 af 4: over grænsen først" in axes.get_title()
    labels = [t.get_text() for t in axes.get_legend().get_texts()]
    assert labels[:2] == ["inden for intervallet", "over grænsen"]  # no "under grænsen" bar


def test_background_loading_signals_when_ready(page, qtbot, monkeypatch):
    from fsm_desktop.views.kit import tasks

    monkeypatch.setattr(tasks, "runner", tasks.ThreadPoolRunner())
    with qtbot.waitSignal(page.data_ready, timeout=10_000):
        page.reload()
    assert cell(page, "AA", M.CITIZENS) == "36"


def test_the_first_opening_says_it_is_loading(open_window, hir_path, monkeypatch):
    from fsm_desktop.views.kit import tasks

    held = []

    class HeldRunner:
        def run(self, fn, on_done, on_error, owner, on_progress=None):
            held.append((fn, on_done))

    monkeypatch.setattr(tasks, "runner", HeldRunner())
    page = open_window(hir_path, "medarbejdere").stack.currentWidget()
    # Until the data is in: the loading text in place of the summary and the table.
    assert page.loading_label.isVisible()
    assert page.loading_label.text() == "Henter sagsstammer …"
    assert not page.tabs.isVisible() and not page.summary.isVisible()
    fn, on_done = held[-1]
    on_done(fn())
    assert not page.loading_label.isVisible()
    assert page.tabs.isVisible() and page.summary.isVisible()
    assert page.model.rowCount() == 6


def test_the_active_column_says_yes_no_or_the_dates(page):
    # No dates: active ("ja"); dates: the dates.
    assert cell(page, "AA", M.ACTIVE) == "ja"
    register = StaffRegister(page.project)
    cc = register.get(staff_id(page, "CC"))
    register.save(StaffRecord(cc.staff, D(2018, 5, 1), None), today=D(2019, 3, 31))
    page.reload()
    assert cell(page, "CC", M.ACTIVE) == "fra 01-05-2018"
    page.month_box.setCurrentIndex(1)  # April 2018: not yet active
    assert cell(page, "AA", M.ACTIVE) == "ja"
    assert cell(page, "CC", M.ACTIVE) == "fra 01-05-2018"


def test_many_over_the_limit_are_summarised_with_a_link_to_them(page, monkeypatch):
    from fsm_desktop.views.staff import month_view

    monkeypatch.setattr(month_view, "OVER_NAMED", 0)
    monkeypatch.setattr(month_view, "OVER_WORST", 1)
    page.show_month()
    summary = page.summary.text()
    # How many, the worst, and the rest behind a link (and all in the tooltip).
    assert "Over grænsen: 1 – højest AA (36) og 0 andre" in summary
    assert '<a href="over">vis kun dem</a>' in summary
    assert page.summary.toolTip() == "Over grænsen: AA"
    page.summary.linkActivated.emit("over")
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, M.INITIALS).data() == "AA"
    assert '<a href="over">vis alle</a>' in page.summary.text()
    page.summary.linkActivated.emit("over")
    assert page.proxy.rowCount() == 6
    # Filtered, then a summary without the link (few over): the table shows everyone again.
    page.summary.linkActivated.emit("over")
    monkeypatch.setattr(month_view, "OVER_NAMED", 8)
    page.show_month()
    assert page.proxy.rowCount() == 6


def test_the_status_column_fits_its_widest_text(page):
    from PySide6.QtGui import QFontMetrics

    font = page.view.font()
    font.setBold(True)
    width = QFontMetrics(font).horizontalAdvance("▲ over grænsen")
    assert page.view.columnWidth(M.STATUS) >= width + 12


def test_an_empty_project(open_window, tmp_path):
    path = tmp_path / "tom.fsm"
    Project.create(path, builtin_template("fsm2")).close()
    page = open_window(path, "medarbejdere").stack.currentWidget()
    assert page.empty_label.isVisible()
    assert not page.tabs.isVisible()
    assert not page.edit_button.isEnabled() and not page.reassign_button.isEnabled()
    assert page.new_button.isEnabled()


# --- the register --------------------------------------------------------------------------------
def test_add_a_person_with_the_dialog(page):
    def fill(dialog: StaffDialog) -> bool:
        dialog.name.setText("Dina Dahl")
        dialog.initials.setText("aa")  # taken (case aside): the message stands by the field
        dialog.role.setCurrentIndex(dialog.role.findData(StaffRole.CASEWORKER.value))
        dialog.hours.setValue(32)
        dialog.save()
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert not dialog.errors["initials"].isHidden()
        assert dialog.errors["initials"].text() == "Initialerne AA bruges allerede af Anna Ager."
        dialog.initials.setText("DD")
        dialog.to_box.setChecked(True)
        dialog.to_date.setDate(dialog.from_date.date().addDays(-1))
        dialog.from_box.setChecked(True)
        dialog.save()
        assert dialog.errors["active_to"].text().startswith("»Aktiv til«")
        dialog.to_box.setChecked(False)
        dialog.save()
        return dialog.result() == QDialog.DialogCode.Accepted

    page._run = fill
    page.add_staff()
    assert cell(page, "DD", M.NAME) == "Dina Dahl"
    assert cell(page, "DD", M.HOURS) == "32"
    assert page.selected_record().initials == "DD"
    assert page.notice.text() == "DD (Dina Dahl) er oprettet."


def test_a_pseudo_caseworker_gets_0_hours(page):
    def fill(dialog: StaffDialog) -> bool:
        dialog.name.setText("Sag overdraget til pensionsnævnet")
        dialog.initials.setText("PN")
        dialog.hours.setValue(20)
        dialog.role.setCurrentIndex(dialog.role.findData(StaffRole.PSEUDO.value))
        assert dialog.hours.value() == 0 and not dialog.hours.isEnabled()
        dialog.save()
        return dialog.result() == QDialog.DialogCode.Accepted

    page._run = fill
    page.add_staff()
    assert cell(page, "PN", M.STATUS) == "parkeret – tæller ikke"


def test_a_role_change_with_citizens_is_refused_in_the_dialog(page):
    page.select_staff(staff_id(page, "BB"))

    def change(dialog: StaffDialog) -> bool:
        dialog.role.setCurrentIndex(dialog.role.findData(StaffRole.JOB_BROKER.value))
        dialog.save()
        assert (
            dialog.errors["role"]
            .text()
            .startswith("Medarbejderen har 28 borgere som sagsbehandler")
        )
        return False

    page._run = change
    page.edit_staff()
    assert cell(page, "BB", M.ROLE) == "Sagsbehandler"


# --- moving citizens -----------------------------------------------------------------------------------
def _drive_reassign(to: str, n: int):
    def drive(dialog: ReassignDialog) -> bool:
        assert dialog.day == D(2019, 3, 31)
        assert dialog.citizens.count() == 36
        for i in range(n):
            dialog.citizens.item(i).setCheckState(Qt.CheckState.Checked)
        dialog.receiver.setCurrentIndex(
            dialog.receiver.findData(
                dialog.page.model.index(row(dialog.page, to), 0).data(M.RECORD_ROLE).id
            )
        )
        preview = {
            dialog.preview.item(r, 0).text(): dialog.preview.item(r, 1).text()
            for r in range(dialog.preview.rowCount())
        }
        drive.preview = preview
        drive.status = {
            dialog.preview.item(r, 0).text(): dialog.preview.item(r, 3).text()
            for r in range(dialog.preview.rowCount())
        }
        assert dialog.apply_button.text() == ("Flyt 1 borger" if n == 1 else f"Flyt {n} borgere")
        dialog.apply()
        return dialog.result() == QDialog.DialogCode.Accepted

    return drive


def test_reassign_with_a_preview_and_undo(page):
    before = sorted(page.project.db.execute("SELECT * FROM assignment").fetchall())
    page.select_staff(staff_id(page, "AA"))
    drive = _drive_reassign("CC", 2)
    page._run = drive
    page.reassign()
    assert drive.preview == {"AA": "36 → 34", "CC": "10 → 12"}
    assert drive.status["AA"] == "inden for 30–35"
    assert (cell(page, "AA", M.CITIZENS), cell(page, "CC", M.CITIZENS)) == ("34", "12")
    assert page.notice.text() == "2 borgere er flyttet fra AA pr. 31-03-2019."
    assert page.undo_button.isEnabled()
    assert page.undo_button.text() == "Fortryd seneste omfordeling (2 borgere pr. 31-03-2019)"
    page.undo_button.click()
    assert sorted(page.project.db.execute("SELECT * FROM assignment").fetchall()) == before
    assert (cell(page, "AA", M.CITIZENS), cell(page, "CC", M.CITIZENS)) == ("36", "10")
    assert page.notice.text() == "Omfordelingen pr. 31-03-2019 (2 borgere) er fortrudt."
    assert not page.undo_button.isEnabled()


def test_a_preview_warns_when_the_receiver_goes_over(page):
    page.select_staff(staff_id(page, "AA"))
    drive = _drive_reassign("BB", 3)
    page._run = drive
    page.reassign()
    # BB: 28 + 3 = 31 citizens on 30 hours = 38.2 per full-time equivalent, over 35.
    assert drive.preview["BB"] == "28 → 31"
    assert drive.status["BB"] == "▲ over grænsen (30–35)"
    assert cell(page, "BB", M.STATUS) == "▲ over grænsen"


def test_undo_refused_after_a_change_on_the_citizen_page(page):
    page.select_staff(staff_id(page, "AA"))
    page._run = _drive_reassign("CC", 1)
    page.reassign()
    moved = next(
        c
        for c in CaseloadRepository(page.project).open_cases(
            staff_id(page, "CC"), AssignmentRole.CASEWORKER, D(2019, 3, 31)
        )
        if c.start == D(2019, 3, 31)
    )
    save_citizen(
        page.project,
        moved.citizen_id,
        CitizenChanges(handovers=[("sagsbehandler", staff_id(page, "BB"), D(2019, 3, 31))]),
        today=D(2019, 3, 31),
    )
    page.undo_button.click()
    assert page.notice.text().startswith("Omfordelingen pr. 31-03-2019 kan ikke fortrydes: Borger ")
    assert page.notice.text().endswith("s tilknytninger er ændret siden. Ret dem på borgersiden.")


def test_spread_a_leaving_caseworker(page):
    register = StaffRegister(page.project)
    aa = register.get(staff_id(page, "AA"))
    register.save(StaffRecord(aa.staff, None, D(2019, 3, 30)), today=D(2019, 3, 31))
    page.reload()
    page.select_staff(aa.id)
    assert cell(page, "AA", M.STATUS) == "ikke aktiv – har 36 borgere"

    def drive(dialog: SpreadDialog) -> bool:
        assert dialog.day == D(2019, 3, 31)  # the day after »aktiv til«
        receivers = [
            dialog.receiver_list.item(i).text().split(" – ")[0]
            for i in range(dialog.receiver_list.count())
        ]
        assert receivers == ["BB", "CC"]
        assert dialog.moves.rowCount() == 36
        given = [dialog.moves.item(r, 1).text() for r in range(36)]
        drive.given = given
        # BB unticked: all go to CC.
        dialog.receiver_list.item(0).setCheckState(Qt.CheckState.Unchecked)
        assert {dialog.moves.item(r, 1).text() for r in range(36)} == {"CC"}
        dialog.receiver_list.item(0).setCheckState(Qt.CheckState.Checked)
        assert dialog.apply_button.text() == "Fordel 36 borgere"
        dialog.apply()
        return dialog.result() == QDialog.DialogCode.Accepted

    page._run = drive
    page.spread()
    # CC takes citizens until 36/37 passes BB's 29/30, then they alternate: 26 to CC, 10 to BB.
    assert drive.given.count("CC") + drive.given.count("BB") == 36
    citizens = {i: cell(page, i, M.CITIZENS) for i in ("AA", "BB", "CC")}
    assert citizens["AA"] == "0"
    assert int(citizens["BB"]) + int(citizens["CC"]) == 28 + 10 + 36
    assert int(citizens["BB"]) == 28 + drive.given.count("BB")
    assert page.notice.text() == "AAs 36 borgere er fordelt pr. 31-03-2019."


def test_the_staff_page_does_not_import_matplotlib_until_shown(tmp_path, hir_path):
    """conventions.md §14: start-up (another page first) imports no matplotlib; the chart does."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QSettings, QStandardPaths\n"
        "from fsm_desktop.app import create_application\n"
        "from fsm_desktop.views.main.window import MainWindow\n"
        "QStandardPaths.setTestModeEnabled(True)\n"
        "app = create_application()\n"
        f"win = MainWindow(QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat))\n"
        "win.show()\n"
        f"win.open_project({str(hir_path)!r})\n"
        "win.show_page_key('tavle')\n"
        "from PySide6.QtCore import QThreadPool\n"
        "QThreadPool.globalInstance().waitForDone(); app.processEvents()\n"
        "before = 'matplotlib' in sys.modules\n"
        "win.show_page_key('medarbejdere')\n"
        "QThreadPool.globalInstance().waitForDone(); app.processEvents(); app.processEvents()\n"
        "print(before, 'matplotlib' in sys.modules, len(win.stack.currentWidget().chart.bars))\n"
        "win.project.close()\n"
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "4"]


def test_other_cases_are_typed_in_for_a_hir_caseworker_and_judged_with_the_citizens(page, qtbot):
    """HIR: the 30–35 holds for the whole caseload (seed 003, pool §3). CC has 10 citizens on
    37 hours in March 2019; with 30 other cases typed in, 40 per full-time: over the limit."""
    assert not page.view.isColumnHidden(M.OTHER)
    header = page.view.horizontalHeader()
    assert header.visualIndex(M.OTHER) == header.visualIndex(M.CITIZENS) + 1
    index = page.model.index(row(page, "CC"), M.OTHER)
    assert index.flags() & Qt.ItemFlag.ItemIsEditable
    assert (
        not page.model.index(row(page, "JF"), M.OTHER).flags() & Qt.ItemFlag.ItemIsEditable
    )  # a job broker
    assert cell(page, "CC", M.OTHER) == "0" and cell(page, "JF", M.OTHER) == ""
    with qtbot.waitSignal(page.data_ready):
        assert page.model.setData(index, 30)
    assert cell(page, "CC", M.OTHER) == "30"
    assert (
        cell(page, "CC", M.PER_FTE) == "10 (40)"
    )  # the registered caseload (the measure), and the whole
    assert cell(page, "CC", M.STATUS) == "▲ over grænsen"
    assert "med 30 andre sager: 40 pr. fuldtid i alt" in cell(
        page, "CC", M.OTHER, Qt.ItemDataRole.ToolTipRole
    )
    assert any(
        "CC (Carl Cue) har 40 sager pr. fuldtid med 30 andre sager" in w
        for w in page.data.report.warnings(page.k)
    )
    assert (
        page.notice.text() == "CC har 30 andre sager i marts 2019; grænsen gælder hele sagsstammen."
    )
    # A number that cannot be is refused in words, and nothing is written.
    assert page.model.setData(page.model.index(row(page, "CC"), M.OTHER), -3)
    assert page.notice.text() == "Andre sager skal være et helt tal fra 0 til 1.000; fik »-3«."
    assert page.project.db.execute("SELECT cases FROM other_cases").fetchall() == [(30,)]
    # Another month is not touched.
    page.month_box.setCurrentIndex(page.month_box.count() - 2)
    assert cell(page, "CC", M.OTHER) == "0"
