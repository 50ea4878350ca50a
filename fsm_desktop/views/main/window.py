"""The main window: left navigation, the pages, the File menu, title and status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRect, QSettings, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations.changes import Changes
from fsm_desktop.storage.keys import Key
from fsm_desktop.storage.overview import OverviewRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.views.kit.messages import log, show_known_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.shortcuts import describe
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.main.backups import Backups
from fsm_desktop.views.main.bars import (
    HandedBackBar,
    PlainBar,
    ReadOnlyBar,
)
from fsm_desktop.views.main.file_menu import FileMenu
from fsm_desktop.views.main.help import GuideDialog, ShortcutsDialog, shortcut_areas
from fsm_desktop.views.main.initiative_menu import InitiativeMenu
from fsm_desktop.views.main.laptop_copies import LaptopCopies
from fsm_desktop.views.main.opening import Opening
from fsm_desktop.views.main.registry import page_classes
from fsm_desktop.views.main.welcome import WelcomePage

MAX_RECENT = 8


#: What the status line counts: citizens (by group, who left) and staff.
STATUS_SHOWS = Changes(citizens=True, staff=True, imports=True)


class MainWindow(Opening, Backups, FileMenu, LaptopCopies, InitiativeMenu, QMainWindow):
    project_changed = Signal(object)  # Project | None
    #: After a project is opened or changed, hidden pages work ahead as soon as the shown page
    #: has loaded (ms: the first look, then every look until no worker has been busy at two
    #: looks in a row: the shown page has its data and has had a moment to lay it out and
    #: paint). The Mål page's count then takes about 0.3 s on a worker, for 20,000 citizens.
    PREFETCH_AFTER_MS = 100
    PREFETCH_RETRY_MS = 100

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.project: Project | None = None
        #: The first opening of a day takes a backup; a one-off run (--screenshot,
        #: --exit-after-show) changes nothing beside the project and does not.
        self.take_daily_backups = True
        #: Keys of encrypted projects opened in this window (memory only): reopening one (for
        #: writing, after a repair or a restore) does not ask for the password again.
        self._keys: dict[str, Key] = {}
        self.setObjectName("mainWindow")
        self.setMinimumSize(QSize(900, 560))

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName(self.tr("Sider"))
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget(central)
        row.addWidget(self.nav)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        self.read_only_bar = ReadOnlyBar(self)
        right.addWidget(self.read_only_bar)
        self.plain_bar = PlainBar(self)
        right.addWidget(self.plain_bar)
        self.handed_back_bar = HandedBackBar(self)
        right.addWidget(self.handed_back_bar)
        right.addWidget(self.stack, 1)
        row.addLayout(right, 1)
        self.setCentralWidget(central)
        # After writes, once the window has been idle a moment, the WAL is folded into the
        # project file, so that a copy of the .fsm alone holds every save (Project.checkpoint).
        self._checkpoint_timer = QTimer(self)
        self._checkpoint_timer.setSingleShot(True)
        self._checkpoint_timer.timeout.connect(self._checkpoint)

        self.welcome = WelcomePage(self)
        self.stack.addWidget(self.welcome)
        self.pages: list[Page] = []
        for position, page_class in enumerate(page_classes(), start=1):
            page = page_class(self.stack)
            self.pages.append(page)
            self.stack.addWidget(page)
            page.changed.connect(self.operation_did_execute)
            item = QListWidgetItem(page.title_label.text(), self.nav)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            item.setToolTip(
                self.tr("{page} (Ctrl+{n})").format(page=page.title_label.text(), n=position)
            )
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{position}"))
            describe(action, self.tr("Gå til siden {page}").format(page=page.title_label.text()))
            action.triggered.connect(lambda _=False, n=position - 1: self.show_page(n))
            self.addAction(action)
        self.nav.currentRowChanged.connect(self._nav_changed)

        # Once the shown page has loaded after a project was opened or changed, pages that can
        # work ahead (the Mål page counts the measures) do so in the background.
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.timeout.connect(self._prefetch_pages)
        self._idle_looks = 0

        self.status_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_menus()
        self._update_for_project()

    # --- menus --------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&Filer"))
        self.new_action = file_menu.addAction(self.tr("&Nyt projekt…"), self.new_project)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.open_action = file_menu.addAction(self.tr("&Åbn…"), self.open_dialog)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.recent_menu = QMenu(self.tr("Seneste &filer"), self)
        file_menu.addMenu(self.recent_menu)
        self.demo_action = file_menu.addAction(self.tr("Åbn &demoprojekt"), self.open_demo)
        file_menu.addSeparator()
        # Laptop copies (issue 20): the reasons an action cannot be used show as its tooltip.
        file_menu.setToolTipsVisible(True)
        self.take_along_action = file_menu.addAction(
            self.tr("Tag med på &bærbar …"), self.take_along
        )
        self.hand_in_action = file_menu.addAction(self.tr("Aflever æ&ndringer …"), self.hand_in)
        self.merge_action = file_menu.addAction(
            self.tr("&Indlæs ændringer fra bærbar …"), self.merge_dialog
        )
        file_menu.addSeparator()
        self.backup_action = file_menu.addAction(self.tr("Gem &sikkerhedskopi…"), self.save_backup)
        self.restore_action = file_menu.addAction(
            self.tr("&Gendan sikkerhedskopi…"), self.restore_daily_backup
        )
        self.backup_folder_action = file_menu.addAction(
            self.tr("&Mappe til sikkerhedskopier…"), self.choose_backup_folder
        )
        self.password_action = file_menu.addAction(
            self.tr("Skift &adgangskode…"), self.change_password
        )
        self.encrypt_action = file_menu.addAction(
            self.tr("&Krypter projektet…"), self.encrypt_project
        )
        self.backup_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.close_action = file_menu.addAction(self.tr("&Luk projekt"), self.close_project)
        self.close_action.setShortcut(QKeySequence.StandardKey.Close)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("&Afslut"), self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        citizen_menu = self.menuBar().addMenu(self.tr("&Borger"))
        self.find_action = citizen_menu.addAction(self.tr("&Find borger …"), self.find_citizen)
        self.find_action.setShortcut(QKeySequence("Ctrl+G"))
        self._build_initiative_menu()
        help_menu = self.menuBar().addMenu(self.tr("&Hjælp"))
        self.guide_action = help_menu.addAction(self.tr("&Vejledning"), self.show_guide)
        self.shortcuts_action = help_menu.addAction(
            self.tr("&Tastaturgenveje"), self.show_shortcuts
        )
        help_menu.addSeparator()
        help_menu.addAction(self.tr("&Om FSM Desktop"), self.about)
        self._rebuild_recent_menu()
        self.welcome.use_actions(self.new_action, self.open_action, self.demo_action)

    def show_guide(self) -> GuideDialog:
        """Hjælp → Vejledning (not modal: it can stay open beside the window)."""
        dialog = GuideDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_shortcuts(self) -> ShortcutsDialog:
        """Hjælp → Tastaturgenveje: every shortcut, read off the window and its pages."""
        dialog = ShortcutsDialog(shortcut_areas(self, self.pages), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def recent_files(self) -> list[str]:
        value = self.settings.value("project/recent", [])
        if isinstance(value, str):  # QSettings gives a list of one as its one string
            value = [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue("project/recent", recent[:MAX_RECENT])
        self.settings.setValue("project/last", str(path))
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for position, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(
                f"&{position}  {Path(path).name} — {Path(path).parent}"
            )
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        if not recent:
            empty = self.recent_menu.addAction(self.tr("(ingen)"))
            empty.setEnabled(False)

    # --- pages ----------------------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if self.project is not None and 0 <= index < len(self.pages):
            self.nav.setCurrentRow(index)

    def show_page_key(self, key: str) -> bool:
        for index, page in enumerate(self.pages):
            if page.key == key:
                self.show_page(index)
                return True
        return False

    def find_citizen(self) -> None:
        """The Borgere page with the cursor in its search: type a name or CPR, Enter opens."""
        from fsm_desktop.views.citizens.register import CitizensPage

        if self.project is not None and self.show_page_key("borgere"):
            page = self.stack.currentWidget()
            assert isinstance(page, CitizensPage)  # the page "borgere"
            page.focus_search()

    def _nav_changed(self, row: int) -> None:
        if self.project is not None and 0 <= row < len(self.pages):
            self.stack.setCurrentWidget(self.pages[row])

    # --- the project ------------------------------------------------------------------------------
    def warn(self, title: str, error: KnownError) -> None:
        """Tell the user about a known error (tests replace this)."""
        show_known_error(self, title, error)

    def close_citizen_windows(self) -> bool:
        """Close the open citizen pages (each asks about unsaved changes); False when the user
        chose to stay on one."""
        from fsm_desktop.views.citizens.window import CitizenWindow

        for window in self.findChildren(CitizenWindow):
            if window.isVisible() and not window.close():
                return False
        return True

    def set_project(self, project: Project | None) -> bool:
        """Show ``project``; False (and ``project`` closed) when an open citizen page with unsaved
        changes kept the current one."""
        if self.project is not None and self.project is not project:
            if not self.close_citizen_windows():
                if project is not None:
                    project.close()
                return False
            self.project.close()
        self.project = project
        if project is not None:
            self._remember(project.path)
            project.db.after_commit = self.wrote
        for page in self.pages:
            page.set_project(project)
        self._update_for_project()
        self.project_changed.emit(project)
        self._schedule_prefetch()
        if project is not None and not project.checked:
            self._check_in_background(project)
        return True

    def _check_in_background(self, project: Project) -> None:
        """The full integrity_check on a worker's connection (about 1.1 s for 20,000 citizens).
        A damaged file turns read-only and the user is told; a write before the check has
        finished runs quick_check first (Project.verify)."""
        connect = project.connector()

        def work() -> list[str]:
            with connect() as own:
                return own.integrity_check()

        def failed(error: BaseException) -> None:
            # The check could not run (a locked file, a drive gone for a moment): that says
            # nothing about damage. The project stays unchecked: its next write runs quick_check.
            log.warning("The background integrity check failed: %s", type(error).__name__)

        run_in_background(work, lambda damage: self._checked(project, damage), failed, self)

    def _checked(self, project: Project, damage: list[str]) -> None:
        if project is not self.project:
            return  # closed or replaced meanwhile
        project.checked = True
        if not damage:
            if self.take_daily_backups:
                self._daily_backup(project)
            return
        project.mark_damaged(damage)
        reason = project.read_only_reason
        assert reason is not None, "mark_damaged makes the project read-only"
        self._update_for_project()
        for page in self.pages:
            page.apply_read_only()
        self.warn(self.tr("Projektfilen er beskadiget"), reason)

    def _checkpoint(self) -> None:
        if self.project is not None:
            self.project.checkpoint(wait=False)

    def _schedule_prefetch(self) -> None:
        self._idle_looks = 0
        if self.project is None:
            self._prefetch_timer.stop()
        else:
            self._prefetch_timer.start(self.PREFETCH_AFTER_MS)

    def _prefetch_pages(self) -> None:
        """Let hidden pages work ahead, once the pages being shown have finished loading."""
        if self.project is None:
            return
        busy = QThreadPool.globalInstance().activeThreadCount() > 0  # the shown page is loading
        self._idle_looks = 0 if busy else self._idle_looks + 1
        if self._idle_looks < 2:
            self._prefetch_timer.start(self.PREFETCH_RETRY_MS)
            return
        for page in self.pages:
            prefetch = getattr(page, "prefetch", None)
            if prefetch is not None and not page.isVisible():
                prefetch()

    def close_project(self) -> None:
        self.set_project(None)

    def _update_for_project(self) -> None:
        project = self.project
        has_project = project is not None
        self.nav.setEnabled(has_project)
        self.backup_action.setEnabled(has_project)
        self.restore_action.setEnabled(
            project is not None and not (project.read_only and not project.damage)
        )
        self.backup_folder_action.setEnabled(has_project)
        self.find_action.setEnabled(has_project)
        self.close_action.setEnabled(has_project)
        self.read_only_bar.show_for(project)
        self.plain_bar.show_for(project)
        self.handed_back_bar.show_for(project)
        self._update_laptop_actions()
        self._update_initiative_actions()
        self.password_action.setEnabled(
            project is not None and project.encrypted and not project.read_only
        )
        self.encrypt_action.setEnabled(
            project is not None and not project.encrypted and not project.read_only
        )
        if project is None:
            self.setWindowTitle("FSM Desktop")
            self.welcome.show_recent(self.recent_files())
            self.stack.setCurrentWidget(self.welcome)
            self.nav.clearSelection()
            self.status_label.setText(self.tr("Intet projekt åbent"))
            return
        initiative = project.initiative
        # A laptop copy says so, of which project and taken when ("bærbar kopi af X, taget …").
        name = initiative.name if project.laptop is None else project.laptop.title(initiative.name)
        title = self.tr("{name} — {file} — FSM Desktop").format(name=name, file=project.path.name)
        if not project.encrypted:
            title += (
                self.tr(" (demo, ikke krypteret)") if project.demo else self.tr(" (ikke krypteret)")
            )
        self.setWindowTitle(title)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        else:
            self._nav_changed(self.nav.currentRow())
        self.refresh_status()

    #: How long after the last write the WAL is folded into the project file (ms).
    CHECKPOINT_AFTER_MS = 3000

    def operation_did_execute(self, changes: Changes, source: QObject | None = None) -> None:
        """An operation changed the project (``source``: the page or citizen window that ran
        it): every page and open citizen window decides whether it shows any of it."""
        from fsm_desktop.views.citizens.window import CitizenWindow

        for page in self.pages:
            page.handle_changes(changes, source)
        for window in self.findChildren(CitizenWindow):
            if window is not source:
                window.handle_changes(changes)
        if changes.touches(STATUS_SHOWS):
            self.refresh_status()
        self._schedule_prefetch()
        self.wrote()

    def wrote(self) -> None:
        """Something was written: fold the WAL into the file once the window is idle."""
        if self.project is not None and not self.project.read_only:
            self._checkpoint_timer.start(self.CHECKPOINT_AFTER_MS)

    def refresh_status(self) -> None:
        if self.project is None:
            return
        s = OverviewRepository(self.project).summary()
        # Citizens who have not left (the target group month by month is the Mål page's and the
        # status sheet's: it also weighs entry dates, FSM2's age and BIR's baseline week).
        parts = [self.tr("{n} borgere").format(n=number(s.active))]
        if self.project.template.groups:
            parts.append(
                self.tr("gruppe 1: {g1} · gruppe 2: {g2}").format(
                    g1=number(s.group1), g2=number(s.group2)
                )
            )
        parts.append(self.tr("{n} medarbejdere").format(n=number(s.staff)))
        if s.left:
            parts.append(self.tr("{n} gået ud").format(n=number(s.left)))
        self.status_label.setText("   ·   ".join(parts))

    # --- window state -------------------------------------------------------------------------------
    def restore_geometry(self) -> bool:
        geometry = self.settings.value("window/geometry")
        return bool(geometry) and self.restoreGeometry(geometry)

    def size_to_screen(self) -> None:
        """The first window, when no geometry is remembered: FIRST_SIZE in the middle of the
        screen's available area (without the taskbar), or, where that does not fit (a laptop's
        1366×768), maximized to that area, so that the status bar is on the screen."""
        area = self.screen().availableGeometry()
        geometry, maximized = first_geometry(area)
        self.resize(geometry.size())
        self.move(geometry.topLeft())
        if maximized:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def closeEvent(self, event) -> None:
        if not self.close_citizen_windows():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self.project is not None:
            self.settings.setValue("project/last", str(self.project.path))
            self.project.close()
            self.project = None
        super().closeEvent(event)


FIRST_SIZE = QSize(1280, 800)
# The title bar and borders the desktop adds around the window (unknown before it is shown).
FRAME_ALLOWANCE = QSize(20, 60)


def first_geometry(area: QRect) -> tuple[QRect, bool]:
    """The first window's geometry in a screen's available ``area``, and whether to maximize
    it: FIRST_SIZE centred when it fits with its frame, else the area less the frame."""
    fits = (FIRST_SIZE + FRAME_ALLOWANCE).boundedTo(area.size()) == FIRST_SIZE + FRAME_ALLOWANCE
    size = FIRST_SIZE if fits else (area.size() - FRAME_ALLOWANCE).expandedTo(QSize(1, 1))
    geometry = QRect(area.topLeft(), size)
    geometry.moveCenter(area.center())
    return geometry, not fits
