"""The Borgere page: the register's model and filter (checked with QAbstractItemModelTester),
type-to-filter on name and CPR, sorting, the column choice remembered, those who left shown on
request, the export of the visible rows to Excel, and opening a citizen."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionViewItem

from fsm_desktop.domain.model import BoardColumn, new_id
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.views.citizens.register import CitizensPage
from fsm_desktop.views.citizens.register_model import CitizensModel
from fsm_desktop.views.citizens.window import CitizenWindow

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
M = CitizensModel


@pytest.fixture
def register_path(small_project_path):
    """The small project with a job broker for Hans, hours, a contact, a praktik and a column."""
    with Project.open(small_project_path) as project:
        citizens = {c.name: c for c in CitizenRepository(project).list()}
        hans = citizens["Hans Hansen"]
        ab = project.db.execute("SELECT id FROM staff WHERE initials = 'AB'").fetchone()[0]
        with project.db.atomic():
            project.db["assignment"].insert(
                {
                    "id": new_id(),
                    "citizen_id": hans.id,
                    "staff_id": ab,
                    "role": "jobformidler",
                    "start": "2020-01-01",
                    "end": None,
                }
            )
            project.db["paid_hours"].insert(
                {"citizen_id": hans.id, "month": "2021-09", "hours": 12.5}
            )
            project.db["contact"].insert(
                {
                    "id": new_id(),
                    "citizen_id": hans.id,
                    "date": "2021-10-29",
                    "kind": "telefon",
                    "staff_id": ab,
                    "note": "",
                }
            )
            project.db["period"].insert(
                {
                    "id": new_id(),
                    "citizen_id": hans.id,
                    "kind": "virksomhedspraktik",
                    "start": "2021-10-01",
                    "end": None,
                    "note": "",
                }
            )
        BoardRepository(project).move([hans.id], BoardColumn.I_GANG)
    return small_project_path


@pytest.fixture
def window(open_window, register_path, settings, monkeypatch):
    monkeypatch.setattr("fsm_desktop.views.citizens.register.QSettings", lambda: settings)
    return open_window(register_path, "borgere")


@pytest.fixture
def page(window) -> CitizensPage:
    current = window.stack.currentWidget()
    assert isinstance(current, CitizensPage)
    return current


def shown(page: CitizensPage, column: int = M.NAME) -> list[str]:
    return [page.proxy.index(r, column).data() for r in range(page.proxy.rowCount())]


def test_the_models_pass_the_model_tester(page):
    QAbstractItemModelTester(page.model, FATAL)
    QAbstractItemModelTester(page.proxy, FATAL)
    page.search.setText("han")
    page.left_box.setChecked(True)
    page.view.sortByColumn(M.AGE, Qt.SortOrder.DescendingOrder)


def test_the_delegate_paints_what_data_gives(page):
    """The register's delegate takes a cell's text and colour from the model's row (the proxy
    passes rows through): the same as data() gives, also after a filter and a sort."""
    page.left_box.setChecked(True)
    page.view.sortByColumn(M.AGE, Qt.SortOrder.AscendingOrder)
    page.search.setText("e")
    assert shown(page) == ["Grete Jensen", "Hans Hansen", "Bo Nielsen"]
    for r in range(page.proxy.rowCount()):
        assert page.proxy.mapToSource(page.proxy.index(r, 0)).row() == r
        for c in range(page.model.columnCount()):
            index = page.proxy.index(r, c)
            assert page.model.cell(r, c) == (
                index.data(),
                index.data(Qt.ItemDataRole.ForegroundRole),
            ), (r, c)
    assert page.model.cell(2, M.EXIT)[1] is not None, "those who left are grey"


def paint_cell(page, row: int, column: int, selected: bool = False) -> QImage:
    image = QImage(120, 26, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.initFrom(page.view)
    option.rect = QRect(0, 0, 120, 26)
    option.state |= QStyle.StateFlag.State_Active
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    painter = QPainter(image)
    page.view.itemDelegate().paint(painter, option, page.proxy.index(row, column))
    painter.end()
    return image


def ink(image: QImage, left: int, right: int, predicate) -> int:
    return sum(
        predicate(image.pixelColor(x, y)) for x in range(left, right) for y in range(image.height())
    )


def test_the_delegate_aligns_numbers_right_colours_and_selects(page):
    dark = lambda c: c.value() < 100  # noqa: E731
    red = lambda c: c.red() > 120 and c.green() < 100 and c.blue() < 100  # noqa: E731
    row = shown(page).index("Grete Jensen")
    name, age = paint_cell(page, row, M.NAME), paint_cell(page, row, M.AGE)
    assert ink(name, 0, 60, dark) > 0 and ink(name, 90, 120, dark) == 0, "text left"
    assert ink(age, 0, 60, dark) == 0 and ink(age, 90, 120, dark) > 0, "numbers right"
    # Grete has no contact: the cell is red; Hans's contact is recent: not red.
    assert ink(paint_cell(page, row, M.CONTACT), 0, 120, red) > 0
    assert ink(paint_cell(page, shown(page).index("Hans Hansen"), M.CONTACT), 0, 120, red) == 0
    highlight = page.view.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    assert paint_cell(page, row, M.NAME, selected=True).pixelColor(1, 1) == highlight


def test_the_delegate_follows_a_new_palette_and_a_narrow_column(page):
    """The delegate keeps the text colour and whether a text fits: a palette change gives the
    new colour, a narrower column the elided text, a new font measures again."""
    row = shown(page).index("Hans Hansen")
    dark = lambda c: c.value() < 100  # noqa: E731
    green = lambda c: c.green() > 120 and c.red() < 80 and c.blue() < 80  # noqa: E731
    assert ink(paint_cell(page, row, M.NAME), 0, 120, dark) > 0
    palette = page.view.palette()
    palette.setColor(QPalette.ColorRole.Text, QColor("#00a000"))
    page.view.setPalette(palette)
    assert ink(paint_cell(page, row, M.NAME), 0, 120, green) > 0, "the new text colour"
    texts = []
    delegate = page.view.itemDelegate()

    class Recorder(QPainter):
        def drawText(self, *args):
            texts.append(args[-1])
            super().drawText(*args)

    def drawn(width: int) -> str:
        texts.clear()
        image = QImage(width, 26, QImage.Format.Format_ARGB32)
        option = QStyleOptionViewItem()
        option.initFrom(page.view)
        option.rect = QRect(0, 0, width, 26)
        painter = Recorder(image)
        delegate.paint(painter, option, page.proxy.index(row, M.NAME))
        painter.end()
        return texts[-1]

    assert drawn(200) == "Hans Hansen"
    narrow = drawn(40)
    assert narrow != "Hans Hansen" and narrow.endswith("…")
    assert drawn(200) == "Hans Hansen", "the wide column shows the whole name again"
    font = page.view.font()
    font.setPointSize(font.pointSize() * 4)
    page.view.setFont(font)
    assert drawn(200) != "Hans Hansen", "four times the type does not fit: measured again"


def test_a_repaint_asks_the_model_once_per_cell_and_no_row_sizes(page, monkeypatch):
    calls = []
    cell = page.model.cell
    monkeypatch.setattr(
        page.model, "cell", lambda row, column: (calls.append((row, column)), cell(row, column))[1]
    )
    page.view.viewport().repaint()
    shown_cells = page.proxy.rowCount() * sum(
        not page.view.isColumnHidden(c) for c in range(page.model.columnCount())
    )
    assert len(calls) > 0 and len(set(calls)) == len(calls) <= shown_cells
    # Every row the same height and no column sized to its contents: nothing measures 20,000 rows.
    assert page.view.verticalHeader().sectionResizeMode(0) is QHeaderView.ResizeMode.Fixed
    header = page.view.horizontalHeader()
    assert all(
        header.sectionResizeMode(c) is not QHeaderView.ResizeMode.ResizeToContents
        for c in range(header.count())
    )


def test_the_columns_show_what_the_issue_names(page):
    headers = [
        page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())
    ]
    assert headers == [
        "Navn",
        "CPR",
        "Alder",
        "Gruppe",
        "Jobformidler",
        "Sagsbehandler",
        "Tavle",
        "Indgang",
        "Tilbud nu",
        "Løntimer sidste md.",
        "Seneste kontakt",
        "CV / jobmål",
        "Step-up",
        "Afgang",
    ]
    row = shown(page).index("Hans Hansen")
    values = [page.proxy.index(row, c).data() for c in range(page.model.columnCount())]
    # As of the initiative's end (31-10-2021): Hans (born 01-01-1970) is 51.
    assert values[:12] == [
        "Hans Hansen",
        "010170-xxxx",
        "51",
        "1",
        "AB",
        "",
        "i gang",
        "–",
        "virksomhedspraktik",
        "12,5",
        "29-10-2021",
        "intet CV, intet jobmål",
    ]
    assert "1234" not in "".join(values), "the CPR number is masked"
    assert page.count_label.text() == "3 af 3 borgere · pr. 31-10-2021 (indsatsens slutdato)"


def test_type_to_filter_on_name_and_cpr(page):
    page.view.setFocus()
    QTest.keyClicks(page.view, "han")
    assert page.search.text() == "han" and page.search.hasFocus()
    assert sorted(shown(page)) == ["Ali Khan", "Hans Hansen"]
    QTest.keyClicks(page.search, "s")
    assert shown(page) == ["Hans Hansen"]
    page.search.setText("khan ali")
    assert shown(page) == ["Ali Khan"]
    page.search.setText("020280")
    assert shown(page) == ["Grete Jensen"]
    page.search.setText("0202 80")
    assert shown(page) == ["Grete Jensen"]
    # Digits match the date part only; the last four digits only with the whole number.
    page.search.setText("2345")
    assert shown(page) == []
    page.search.setText("02028023")
    assert shown(page) == []
    page.search.setText("020280-2345")
    assert shown(page) == ["Grete Jensen"]
    page.search.setText("0202802346")
    assert shown(page) == []
    page.search.setText("ingen")
    assert shown(page) == []
    assert page.count_label.text().startswith("0 af 3 borgere")
    page.search.clear()
    assert len(shown(page)) == 3


def test_sorting_by_a_column(page):
    page.view.sortByColumn(M.NAME, Qt.SortOrder.AscendingOrder)
    assert shown(page) == ["Ali Khan", "Grete Jensen", "Hans Hansen"]
    page.view.sortByColumn(M.AGE, Qt.SortOrder.DescendingOrder)
    assert shown(page) == ["Hans Hansen", "Ali Khan", "Grete Jensen"]  # born 1970, 1975, 1980
    # Empty values last either way, in name order; equal values in name order either way.
    page.view.sortByColumn(M.HOURS, Qt.SortOrder.DescendingOrder)
    assert shown(page) == ["Hans Hansen", "Ali Khan", "Grete Jensen"]
    page.view.sortByColumn(M.HOURS, Qt.SortOrder.AscendingOrder)
    assert shown(page) == ["Hans Hansen", "Ali Khan", "Grete Jensen"]
    page.view.sortByColumn(M.GROUP, Qt.SortOrder.AscendingOrder)
    assert shown(page) == ["Grete Jensen", "Hans Hansen", "Ali Khan"]
    page.view.sortByColumn(M.GROUP, Qt.SortOrder.DescendingOrder)
    assert shown(page) == ["Ali Khan", "Grete Jensen", "Hans Hansen"]
    # -1: back to name order.
    page.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert shown(page) == ["Ali Khan", "Grete Jensen", "Hans Hansen"]


def test_a_filter_keeps_the_current_citizen_while_shown(page):
    page.view.setCurrentIndex(page.proxy.index(shown(page).index("Grete Jensen"), M.AGE))
    page.search.setText("e")
    current = page.view.currentIndex()
    assert (
        current.data() != "Grete Jensen"
        and page.proxy.index(current.row(), M.NAME).data() == "Grete Jensen"
    )
    assert current.column() == M.AGE
    assert page.view.selectionModel().isRowSelected(current.row())
    page.search.setText("han")
    assert not page.view.currentIndex().isValid()
    page.view.sortByColumn(M.NAME, Qt.SortOrder.DescendingOrder)
    page.view.setCurrentIndex(page.proxy.index(shown(page).index("Ali Khan"), M.NAME))
    page.view.sortByColumn(M.NAME, Qt.SortOrder.AscendingOrder)
    assert page.view.currentIndex().data() == "Ali Khan", "a sort keeps it too"


def test_the_sort_stays_after_a_reload(window, page, qtbot):
    """A save on a citizen's page reloads the register: the rows stay in the order the heading
    shows."""
    page.view.sortByColumn(M.AGE, Qt.SortOrder.AscendingOrder)
    ordered = ["Grete Jensen", "Ali Khan", "Hans Hansen"]  # born 1980, 1975, 1970
    assert shown(page) == ordered
    citizen_window = page.open_citizen_id(CitizenRepository(window.project).by_cpr("0303753456").id)
    citizen_window.name_field.setText("Ali Khan Berg")
    with qtbot.waitSignal(page.table_ready):
        assert citizen_window.save()
    header = page.view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        M.AGE,
        Qt.SortOrder.AscendingOrder,
    )
    assert shown(page) == ["Grete Jensen", "Ali Khan Berg", "Hans Hansen"]
    citizen_window.close()


def test_the_one_who_left_shows_on_request(page):
    assert "Bo Nielsen" not in shown(page)
    assert page.view.isColumnHidden(M.EXIT)
    page.left_box.setChecked(True)
    assert "Bo Nielsen" in shown(page)
    assert not page.view.isColumnHidden(M.EXIT)
    row = shown(page).index("Bo Nielsen")
    assert page.proxy.index(row, M.EXIT).data() == "30-06-2020 fraflyttet"
    assert page.count_label.text().startswith("4 af 4 borgere")


def test_the_column_choice_is_remembered(window, page, settings, open_window, register_path):
    page.set_column_visible(M.CPR, False)
    page.set_column_visible(M.STEPUP, False)
    assert page.view.isColumnHidden(M.CPR)
    hidden = str(settings.value("citizens/hidden_columns")).split(",")
    assert str(M.CPR) in hidden and str(M.STEPUP) in hidden
    # A new window on the same settings hides them again.
    window.close()
    other = open_window(register_path, "borgere").stack.currentWidget()
    assert other.view.isColumnHidden(M.CPR) and other.view.isColumnHidden(M.STEPUP)
    assert not other.view.isColumnHidden(M.NAME)


def test_the_header_menu_offers_every_column(page, qtbot):
    page._column_menu(page.view.horizontalHeader().rect().center())
    actions = page._menu.actions()
    assert len(actions) == page.model.columnCount()
    assert not actions[M.NAME].isEnabled(), "the name cannot be hidden"
    actions[M.AGE].setChecked(False)
    assert page.view.isColumnHidden(M.AGE)
    page._menu.close()


def test_export_writes_the_visible_rows_and_columns(page, tmp_path):
    page.set_column_visible(M.AGE, False)
    page.search.setText("hans")
    path = page.export(tmp_path / "borgere")
    assert path == tmp_path / "borgere.xlsx"
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_row = next(i for i, row in enumerate(rows) if row[0] == "Navn")
    headers = [h for h in rows[header_row] if h is not None]
    assert "Alder" not in headers and headers[:3] == ["Navn", "CPR", "Gruppe"]
    data = [r for r in rows[header_row + 1 :] if r[0] is not None]
    assert len(data) == 1 and data[0][0] == "Hans Hansen"
    assert data[0][1] == "010170-xxxx"
    hours = data[0][headers.index("Løntimer sidste md.")]
    assert hours == 12.5, "numbers stay numbers in Excel"
    contact = data[0][headers.index("Seneste kontakt")]
    assert contact.date() == dt.date(2021, 10, 29), "dates stay dates in Excel"


def test_export_to_a_folder_that_cannot_be_written_says_so(page, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    assert page.export(tmp_path / "findes-ikke" / "borgere.xlsx") is None
    assert len(warnings) == 1 and "findes-ikke" in warnings[0]


def test_enter_opens_the_citizen_and_a_save_reloads_the_register(window, page, qtbot):
    page.search.setText("grete")
    QTest.keyClick(page.search, Qt.Key.Key_Return)
    citizen_window = page.citizen_window
    assert isinstance(citizen_window, CitizenWindow)
    assert citizen_window.windowTitle() == "Grete Jensen"
    citizen_window.name_field.setText("Grete Jensen Holm")
    with qtbot.waitSignal(page.table_ready):
        assert citizen_window.save()
    assert "Grete Jensen Holm" in [
        page.model.value(r, M.NAME) for r in range(page.model.rowCount())
    ]
    citizen_window.close()


def test_find_citizen_goes_to_the_search(window, page):
    window.show_page_key("tavle")
    window.find_action.trigger()
    assert window.stack.currentWidget() is page
    assert page.search.hasFocus()


def test_an_empty_project_says_what_to_do(open_window, tmp_path, settings, monkeypatch):
    from fsm_desktop.domain.program import builtin_template

    monkeypatch.setattr("fsm_desktop.views.citizens.register.QSettings", lambda: settings)
    path = tmp_path / "tom.fsm"
    Project.create(path, builtin_template("bir")).close()
    page = open_window(path, "borgere").stack.currentWidget()
    assert page.empty_label.isVisible() and not page.view.isVisible()
    assert "Importér" in page.empty_label.text()
    assert page.view.isColumnHidden(M.GROUP), "BIR has no groups"
