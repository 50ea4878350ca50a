"""The main window: left navigation, the pages, the File menu, title and status bar."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, QStandardPaths, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import date_dots, number, os_reason
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.storage.keys import Key, PasswordRequired, WrongPassword
from fsm_desktop.storage.overview import OverviewRepository
from fsm_desktop.storage.project import SUFFIX, Project
from fsm_desktop.storage.writer_lock import ProjectInUse
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import log, show_known_error, translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.main.bars import (
    HandedBackBar,
    PlainBar,
    ReadOnlyBar,
)
from fsm_desktop.views.main.new_project_dialog import NewProjectDialog
from fsm_desktop.views.main.registry import page_classes
from fsm_desktop.views.main.welcome import WelcomePage

MAX_RECENT = 8
DEMO_FILE = "demo.fsm"


def demo_path() -> Path:
    """The demo project in the user's data folder (QStandardPaths.AppDataLocation)."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return folder / DEMO_FILE


def _same_file(a: str | Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class MainWindow(QMainWindow):
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
            changed = getattr(page, "data_changed", None)
            if changed is not None:
                changed.connect(self.data_changed)
            item = QListWidgetItem(page.title_label.text(), self.nav)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            item.setToolTip(
                self.tr("{page} (Ctrl+{n})").format(page=page.title_label.text(), n=position)
            )
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{position}"))
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
        help_menu = self.menuBar().addMenu(self.tr("&Hjælp"))
        help_menu.addAction(self.tr("&Om FSM Desktop"), self.about)
        self._rebuild_recent_menu()

    def recent_files(self) -> list[str]:
        value = self.settings.value("project/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

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
        if self.project is not None and self.show_page_key("borgere"):
            self.stack.currentWidget().focus_search()

    def _nav_changed(self, row: int) -> None:
        if self.project is not None and 0 <= row < len(self.pages):
            self.stack.setCurrentWidget(self.pages[row])

    # --- the project ------------------------------------------------------------------------------
    def warn(self, title: str, error: KnownError) -> None:
        """Tell the user about a known error (tests replace this)."""
        show_known_error(self, title, error)

    # --- passwords ------------------------------------------------------------------------------
    def ask_password(self, file_name: str, wrong: bool) -> str | None:
        """The password of an encrypted project, or None (cancelled). Tests replace this."""
        from fsm_desktop.views.main.password_dialogs import PasswordDialog

        dialog = PasswordDialog(file_name, wrong, self)
        try:
            return dialog.password if dialog.exec() == PasswordDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def _open(self, path: str | Path, password: str | None = None, **options) -> Project | None:
        """Project.open with the password asked for as needed (again after a wrong one); the
        key is remembered for this window. None: the user cancelled."""
        remembered = str(Path(path).expanduser().absolute())
        key = self._keys.get(remembered)
        while True:
            try:
                project = Project.open(path, key=key, password=password, **options)
            except PasswordRequired:
                password = self.ask_password(Path(path).name, wrong=False)
            except WrongPassword:
                if key is not None:  # re-keyed elsewhere since: ask
                    self._keys.pop(remembered, None)
                    key = None
                    password = self.ask_password(Path(path).name, wrong=False)
                else:
                    password = self.ask_password(Path(path).name, wrong=True)
            else:
                if project.key is not None:
                    self._keys[str(project.path)] = project.key
                return project
            if password is None:
                return None

    def open_project(
        self, path: str | Path, read_only: bool = False, password: str | None = None
    ) -> bool:
        """Open for writing; when someone else writes, ask whether to open it read-only (or, when
        their lock is stale, to take it over). An encrypted project asks for its password."""
        if self.project is not None and _same_file(path, self.project.path):
            return True  # already open here (the recent list's first entry, the demo twice)
        try:
            project = self._open(path, password, read_only=read_only, check=False)
        except ProjectInUse as error:
            choice = self.ask_how_to_open(error)
            if choice is None:
                return False
            try:
                project = self._open(
                    path,
                    password,
                    read_only=choice == "read_only",
                    take_over=choice == "take_over",
                    holder_shown=error.holder,
                    check=False,
                )
            except KnownError as again:
                self.warn(self.tr("Projektet kunne ikke åbnes"), again)
                return False
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke åbnes"), error)
            return False
        if project is None:
            return False
        return self.set_project(project)

    def ask_how_to_open(self, error: ProjectInUse) -> str | None:
        """ "read_only", "take_over" (a stale lock, after a warning) or None (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("Projektet er i brug"))
        holder = error.holder
        if holder is not None:
            box.setText(self.tr("{sentence}.").format(sentence=holder.sentence()))
        else:
            box.setText(self.tr("Projektet er åbent i et andet vindue eller program."))
        text = self.tr(
            "Kun én kan skrive i et projekt ad gangen. Du kan åbne det skrivebeskyttet: du ser alt, "
            "men kan ikke ændre noget."
        )
        if error.stale:
            text += "\n\n" + self.tr(
                "Låsen ser ud til at være efterladt (programmet kører ikke længere hos den, der har "
                "den, eller den er mere end et døgn gammel). Du kan overtage projektet."
            )
        box.setInformativeText(text)
        read_only = box.addButton(self.tr("Åbn skrivebeskyttet"), QMessageBox.ButtonRole.AcceptRole)
        take_over = (
            box.addButton(self.tr("Overtag projektet …"), QMessageBox.ButtonRole.DestructiveRole)
            if error.stale
            else None
        )
        box.addButton(self.tr("Annuller"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(read_only)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is read_only:
            return "read_only"
        if take_over is not None and clicked is take_over:
            sure = QMessageBox.warning(
                self,
                self.tr("Overtag projektet"),
                self.tr(
                    "Overtag kun projektet, hvis du er sikker på, at ingen længere arbejder i det. "
                    "Arbejder de stadig, bliver deres næste ændringer ikke gemt. Overtag projektet?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            return "take_over" if sure == QMessageBox.StandardButton.Yes else None
        return None

    def inform(self, title: str, text: str) -> None:
        """Tell the user something went well (tests replace this)."""
        QMessageBox.information(self, title, text)

    def repair_project(self) -> bool:
        """The read-only bar's *Reparér*: keep the damaged file, rebuild the indexes, check."""
        from fsm_desktop.storage.repair import repair

        if self.project is None:
            return False
        path = self.project.path
        if not self.set_project(None):
            return False
        try:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                result = repair(path, self._keys.get(str(path)))
            finally:
                QGuiApplication.restoreOverrideCursor()
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke repareres"), error)
            self.open_project(path)
            return False
        if result.whole:
            self.inform(
                self.tr("Projektet er repareret"),
                self.tr(
                    "Projektet er repareret og helt igen. Den beskadigede fil er gemt som {kept}."
                ).format(kept=result.kept.name),
            )
        else:
            self.warn(
                self.tr("Projektet kunne ikke repareres"),
                KnownError(
                    "Skaden sidder i selve dataene, ikke kun i indeksene, så den kan ikke repareres her. "
                    "Gendan en sikkerhedskopi. Den beskadigede fil er gemt som {kept}.",
                    kept=result.kept.name,
                ),
            )
        return self.open_project(path) and result.whole

    def restore_backup(self) -> bool:
        """The read-only bar's *Gendan sikkerhedskopi*: choose a copy, check it, put it in place."""
        if self.project is None:
            return False
        backup, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Vælg en sikkerhedskopi"),
            str(self.project.path.parent),
            self.tr("FSM-projekter og sikkerhedskopier (*.fsm *.bak-*);;Alle filer (*)"),
        )
        return bool(backup) and self.restore_from(backup)

    def restore_from(self, backup: str | Path) -> bool:
        from fsm_desktop.storage.repair import restore

        assert self.project is not None
        path = self.project.path
        if not self.set_project(None):
            return False
        try:
            kept = restore(path, backup, self._keys.get(str(path)))
        except KnownError as error:
            self.warn(self.tr("Sikkerhedskopien kunne ikke gendannes"), error)
            self.open_project(path)
            return False
        self.inform(
            self.tr("Sikkerhedskopien er gendannet"),
            self.tr(
                "Projektet er gendannet fra {backup}. Det, der er gemt efter kopien blev taget, er ikke med. "
                "Den beskadigede fil er gemt som {kept}."
            ).format(backup=Path(backup).name, kept=kept.name),
        )
        return self.open_project(path)

    def reopen_for_writing(self) -> bool:
        """The read-only bar's button: open the project again for writing, if it is free now."""
        if self.project is None or not self.project.read_only:
            return False
        path = self.project.path
        try:
            project = self._open(path, check=False)
        except KnownError as error:
            self.warn(self.tr("Projektet kan stadig ikke åbnes til skrivning"), error)
            return False
        if project is None:
            return False
        if project.read_only:  # still read-only for its own reason (folder, damage)
            project.close()
            self.warn(
                self.tr("Projektet kan stadig ikke åbnes til skrivning"), project.read_only_reason
            )
            return False
        return self.set_project(project)

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
        self._update_for_project()
        for page in self.pages:
            page.apply_read_only()
        self.warn(self.tr("Projektfilen er beskadiget"), project.read_only_reason)

    # --- backups ----------------------------------------------------------------------------------
    def backup_folder(self, path: Path) -> Path:
        """Where the project's backups go: the folder the user set for it, else beside it."""
        from fsm_desktop.storage.backups import backup_folder

        chosen = self.settings.value(f"backups/{path}")
        return backup_folder(path, Path(str(chosen)) if chosen else None)

    def choose_backup_folder(self, folder: str | Path | None = None) -> bool:
        """Filer → Mappe til sikkerhedskopier: where this project's daily backups go (kept per
        project in the settings; the default is beside the project). ``folder``: chosen already."""
        if self.project is None:
            return False
        if folder is None:
            folder = file_dialogs.get_existing_directory(
                self,
                self.tr("Vælg mappen til projektets sikkerhedskopier"),
                str(self.backup_folder(self.project.path)),
            )
            if not folder:
                return False
        self.settings.setValue(f"backups/{self.project.path}", str(folder))
        self.statusBar().showMessage(
            self.tr("Sikkerhedskopierne gemmes nu i {folder}").format(
                folder=str(self.backup_folder(self.project.path))
            ),
            8000,
        )
        return True

    def _daily_backup(self, project: Project) -> None:
        """Today's backup (the first opening of the day), on a worker, once the check found the
        file whole; encrypted with the project's key."""
        from fsm_desktop.storage.backups import daily_backup

        connect, folder = project.connector(), self.backup_folder(project.path)

        def work() -> Path | None:
            own = connect()
            try:
                return daily_backup(own, folder)
            finally:
                own.close()

        def done(made: Path | None) -> None:
            if made is not None:
                self.statusBar().showMessage(
                    self.tr("Dagens sikkerhedskopi er gemt i {folder}").format(
                        folder=str(made.parent)
                    ),
                    8000,
                )

        def failed(error: BaseException) -> None:
            log.warning("The daily backup failed: %s", type(error).__name__)
            if isinstance(error, KnownError):
                self.statusBar().showMessage(translate_error(error), 15000)

        run_in_background(work, done, failed, self)

    def choose_backup(self, backups, folder: Path):
        """The backup to restore (the dialog, then a confirmation), or None. Tests replace this."""
        from fsm_desktop.views.main.backups_dialog import BackupsDialog

        assert self.project is not None
        dialog = BackupsDialog(self.project.path.name, backups, str(folder), self)
        try:
            if dialog.exec() != BackupsDialog.DialogCode.Accepted or dialog.selected() is None:
                return None
            backup = dialog.selected()
        finally:
            dialog.deleteLater()
        answer = QMessageBox.question(
            self,
            self.tr("Gendan sikkerhedskopi"),
            self.tr(
                "Læg kopien fra {day} ({n} borgere) i projektets sted? Det nuværende indhold gemmes først som en "
                "sikkerhedskopi, så gendannelsen kan fortrydes."
            ).format(day=date_dots(backup.day), n=number(backup.citizens or 0)),
        )
        return backup if answer == QMessageBox.StandardButton.Yes else None

    def restore_daily_backup(self) -> bool:
        """Filer → Gendan sikkerhedskopi: choose one of the project's backups and put it in place."""
        from fsm_desktop.storage.backups import list_backups, restore_backup

        if self.project is None:
            return False
        path, key = self.project.path, self.project.key
        folder = self.backup_folder(path)
        backup = self.choose_backup(list_backups(path, key, folder), folder)
        if backup is None or not self.set_project(None):
            return False
        try:
            before = restore_backup(path, backup.path, key, folder)
        except KnownError as error:
            self.warn(self.tr("Sikkerhedskopien kunne ikke gendannes"), error)
            self.open_project(path)
            return False
        self.inform(
            self.tr("Sikkerhedskopien er gendannet"),
            self.tr(
                "Projektet er gendannet fra {backup}. Det hidtidige indhold er gemt som {before}."
            ).format(backup=backup.path.name, before=before.name),
        )
        return self.open_project(path)

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
            has_project and not (project.read_only and not project.damage)
        )
        self.backup_folder_action.setEnabled(has_project)
        self.find_action.setEnabled(has_project)
        self.close_action.setEnabled(has_project)
        self.read_only_bar.show_for(project)
        self.plain_bar.show_for(project)
        self.handed_back_bar.show_for(project)
        self._update_laptop_actions()
        self.password_action.setEnabled(has_project and project.encrypted and not project.read_only)
        self.encrypt_action.setEnabled(
            has_project and not project.encrypted and not project.read_only
        )
        if project is None:
            self.setWindowTitle("FSM Desktop")
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

    def data_changed(self) -> None:
        """A page wrote to the project (an import, an undo): every page shows fresh data."""
        for page in self.pages:
            page.set_project(self.project)
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

    # --- File menu actions --------------------------------------------------------------------
    def _start_folder(self) -> str:
        if self.project is not None:
            return str(self.project.path.parent)
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def open_dialog(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Åbn projekt"),
            self._start_folder(),
            self.tr("FSM-projekter (*.fsm);;Alle filer (*)"),
        )
        if path:
            self.open_project(path)

    def new_project(self) -> None:
        dialog = NewProjectDialog(self)
        if dialog.exec() != NewProjectDialog.DialogCode.Accepted:
            return
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem det nye projekt"),
            str(Path(self._start_folder()) / f"{dialog.template.key}{SUFFIX}"),
            self.tr("FSM-projekter (*.fsm)"),
        )
        if not path:
            return
        self.create_project(
            path,
            dialog.template,
            dialog.name_edit.text().strip(),
            dialog.municipality_edit.text().strip(),
            dialog.grant,
            dialog.password,
        )

    def create_project(
        self,
        path: str | Path,
        template,
        name: str = "",
        municipality: str = "",
        grant: float | None = None,
        password: str | None = None,
    ) -> bool:
        """A new project, encrypted with ``password`` (None: a plain test project)."""
        path = Path(path)
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        if self.project is not None and path == self.project.path:
            self.close_project()
        try:
            project = Project.create(
                path,
                template,
                name=name or None,
                municipality=municipality,
                grant_amount=grant,
                overwrite=path.exists(),
                password=password,
            )
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke oprettes"), error)
            return False
        self.set_project(project)
        return True

    def open_demo(self) -> bool:
        path = demo_path()
        if not path.exists():
            from fsm_desktop.storage.demo import write_demo

            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    write_demo(path, program="fsm2", citizens=600, seed=1)
                finally:
                    QGuiApplication.restoreOverrideCursor()
            except KnownError as error:
                self.warn(self.tr("Demoprojektet kunne ikke oprettes"), error)
                return False
            except OSError as error:
                self.warn(
                    self.tr("Demoprojektet kunne ikke oprettes"),
                    KnownError(
                        "Mappen {folder} kunne ikke oprettes: {reason}.",
                        folder=str(path.parent),
                        reason=os_reason(error),
                    ),
                )
                return False
        return self.open_project(path)

    def ask_new_password(
        self, title: str, text: str, ask_current: bool = False
    ) -> tuple[str, str | None] | None:
        """(new password, current password or None) from the user, or None. Tests replace this."""
        from fsm_desktop.views.main.password_dialogs import NewPasswordDialog

        dialog = NewPasswordDialog(title, text, ask_current, self)
        try:
            if dialog.exec() != NewPasswordDialog.DialogCode.Accepted:
                return None
            return dialog.password, dialog.current.text() if dialog.current is not None else None
        finally:
            dialog.deleteLater()

    def encrypt_project(self) -> bool:
        """*Krypter projektet*: an encrypted copy replaces the plain file once it is checked
        (storage.project.encrypt_project); the project is then opened again with the key."""
        from fsm_desktop.storage.project import encrypt_project

        if self.project is None or self.project.encrypted or self.project.read_only:
            return False
        answer = self.ask_new_password(
            self.tr("Krypter projektet"),
            self.tr(
                "Vælg en adgangskode til {file}. Alle, der skal åbne projektet, skal kende den. En krypteret kopi "
                "kontrolleres, før den erstatter den ukrypterede fil; ingen ukrypteret kopi bliver liggende."
            ).format(file=self.project.path.name),
        )
        if answer is None:
            return False
        path = self.project.path
        if not self.set_project(None):
            return False
        try:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                key = encrypt_project(path, answer[0])
            finally:
                QGuiApplication.restoreOverrideCursor()
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke krypteres"), error)
            self.open_project(path)
            return False
        self._keys[str(path)] = key
        removed = self._remove_plain_backups(path)
        opened = self.open_project(path)  # the check after opening takes today's encrypted backup
        message = self.tr("Projektet er krypteret.")
        if removed:
            message += " " + self.tr("{n} ukrypterede sikkerhedskopier er slettet.").format(
                n=number(removed)
            )
        self.statusBar().showMessage(message, 12000)
        return opened

    def _remove_plain_backups(self, path: Path) -> int:
        """The dated backups of a project that is now encrypted, still plain: deleted, or the
        CPR numbers the encryption hides would lie beside it in plain text."""
        from fsm_desktop.storage.backups import list_backups
        from fsm_desktop.storage.keys import is_encrypted

        removed = 0
        for backup in list_backups(path, None, self.backup_folder(path)):
            try:
                if backup.path.parent == self.backup_folder(path) and not is_encrypted(backup.path):
                    backup.path.unlink()
                    removed += 1
            except OSError as error:
                log.warning("A plain backup could not be removed: %s", os_reason(error))
        return removed

    def keep_unencrypted(self) -> None:
        """The user keeps this (test) project plain on purpose: the bar goes, the title stays."""
        if self.project is None or self.project.read_only:
            return
        try:
            self.project.keep_plain()
        except KnownError as error:
            self.warn(self.tr("Valget kunne ikke gemmes"), error)
            return
        self._update_for_project()

    def change_password(self) -> bool:
        """*Skift adgangskode*: the current password, then the new one twice; re-keyed in one step."""
        from fsm_desktop.storage import keys

        if self.project is None or not self.project.encrypted or self.project.read_only:
            return False
        answer = self.ask_new_password(
            self.tr("Skift adgangskode"),
            self.tr(
                "Den nye adgangskode gælder med det samme for {file}; den gamle kan ikke længere åbne filen. "
                "Sikkerhedskopier taget før skiftet åbnes stadig med den gamle."
            ).format(file=self.project.path.name),
            ask_current=True,
        )
        if answer is None:
            return False
        new, current = answer
        assert self.project.key is not None
        if current is None or keys.derive(current, self.project.key.salt) != self.project.key:
            self.warn(
                self.tr("Adgangskoden er ikke skiftet"),
                KnownError("Den nuværende adgangskode er forkert. Intet er ændret."),
            )
            return False
        try:
            self.project.change_password(new)
        except KnownError as error:
            self.warn(self.tr("Adgangskoden er ikke skiftet"), error)
            return False
        self._keys[str(self.project.path)] = self.project.key
        self.statusBar().showMessage(self.tr("Adgangskoden er skiftet."), 8000)
        return True

    def save_backup(self) -> None:
        if self.project is None:
            return
        suggestion = self.project.path.with_name(self.project.path.stem + "-kopi" + SUFFIX)
        path, _ = file_dialogs.get_save_file_name(
            self, self.tr("Gem sikkerhedskopi"), str(suggestion), self.tr("FSM-projekter (*.fsm)")
        )
        if path:
            self.backup_to(path)

    def backup_to(self, path: str | Path) -> bool:
        assert self.project is not None
        try:
            target = self.project.backup_to(path)
        except KnownError as error:
            self.warn(self.tr("Sikkerhedskopien kunne ikke gemmes"), error)
            return False
        self.statusBar().showMessage(
            self.tr("Sikkerhedskopi gemt i {path}").format(path=str(target)), 8000
        )
        return True

    def about(self) -> None:
        from fsm_desktop import __version__

        QMessageBox.about(
            self,
            self.tr("Om FSM Desktop"),
            self.tr(
                "FSM Desktop {version}\n\nFølg en beskæftigelsesindsats måned for måned: tavlen, "
                "step-up, resultatkravene og statusskemaet – også uden netværk."
            ).format(version=__version__),
        )

    # --- laptop copies (issue 20) --------------------------------------------------------------------
    def _update_laptop_actions(self) -> None:
        """*Tag med* and *Indlæs* on a team copy that can be written, *Aflever* on a laptop copy
        that can be; else disabled, with why as the tooltip."""
        project = self.project
        laptop = project.laptop if project is not None else None
        read_only = (
            translate_error(project.read_only_reason)
            if project is not None and project.read_only_reason
            else None
        )
        for action, allowed, why_not, tip in (
            (
                self.take_along_action,
                laptop is None,
                self.tr("En bærbar kopi tages med fra teamkopien, ikke fra en anden bærbar kopi."),
                self.tr(
                    "Skriv en krypteret kopi af projektet, som en jobformidler kan arbejde i uden netværk"
                ),
            ),
            (
                self.merge_action,
                laptop is None,
                self.tr(
                    "Ændringer fra en bærbar kopi indlæses i teamkopien, ikke i en bærbar kopi."
                ),
                self.tr(
                    "Indlæs en ændringsfil (.fsmchanges) fra en bærbar kopi; konflikter afgøres først"
                ),
            ),
            (
                self.hand_in_action,
                laptop is not None,
                self.tr("Ændringer afleveres fra en bærbar kopi; dette er teamkopien."),
                self.tr("Skriv den bærbare kopis ændringer i en ændringsfil til teamkopien"),
            ),
        ):
            if project is None:
                action.setEnabled(False)
                action.setToolTip(tip)
            elif not allowed:
                action.setEnabled(False)
                action.setToolTip(why_not)
            elif read_only is not None:
                action.setEnabled(False)
                action.setToolTip(read_only)
            else:
                action.setEnabled(True)
                action.setToolTip(tip)

    def take_along(self) -> bool:
        """*Filer → Tag med på bærbar*: where to, and for which job broker; then the copy."""
        if self.project is None or not self.take_along_action.isEnabled():
            return False
        choice = self.ask_checkout(self.project)
        return choice is not None and self.checkout_to(*choice)

    def ask_checkout(self, project: Project) -> tuple[Path, str | None] | None:
        """(the laptop copy's path, the job broker's initials or None), or None. Tests replace this."""
        from fsm_desktop.views.sync.dialogs import CheckoutDialog

        dialog = CheckoutDialog(project, self)
        try:
            if dialog.exec() != CheckoutDialog.DialogCode.Accepted:
                return None
            return dialog.path, dialog.job_broker
        finally:
            dialog.deleteLater()

    def checkout_to(self, path: str | Path, job_broker: str | None = None) -> bool:
        from fsm_desktop.storage.sync import checkout
        from fsm_desktop.views.kit.wording import citizens_text

        assert self.project is not None
        try:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                result = checkout(self.project, path, job_broker)
            finally:
                QGuiApplication.restoreOverrideCursor()
        except KnownError as error:
            self.warn(self.tr("Den bærbare kopi kunne ikke tages med"), error)
            return False
        copy = result.copy
        text = self.tr("Den bærbare kopi er gemt i {path} med alle {citizens}.").format(
            path=str(result.path), citizens=citizens_text(result.citizens)
        )
        if copy.job_broker and result.own_citizens is not None:
            text += " " + self.tr(
                "{own} har {who} som jobformidler; kopien åbner på dem (Mine borgere)."
            ).format(own=citizens_text(result.own_citizens), who=copy.job_broker)
        if self.project.encrypted:
            text += " " + self.tr("Den åbnes med projektets adgangskode.")
        text += "\n\n" + self.tr(
            "Arbejd i kopien uden netværk, og aflever ændringerne bagefter (Filer → Aflever ændringer). Import, "
            "medarbejdere, mål og indsatsens indstillinger ændres kun her i teamkopien."
        )
        self.statusBar().showMessage(
            self.tr("Den bærbare kopi er gemt i {path}").format(path=str(result.path)), 12000
        )
        self.inform(self.tr("Den bærbare kopi er taget med"), text)
        return True

    def hand_in(self) -> bool:
        """*Filer → Aflever ændringer*: the change file and whether the copy ends; then the file,
        and, when the team copy can be reached from here, the offer to merge it at once."""
        if self.project is None or not self.hand_in_action.isEnabled():
            return False
        if not self.close_citizen_windows():  # what they have not saved would not be handed in
            return False
        choice = self.ask_handin(self.project)
        return choice is not None and self.hand_in_to(*choice)

    def ask_handin(self, project: Project) -> tuple[Path, bool] | None:
        """(the change file's path, keep working), or None. Tests replace this."""
        from fsm_desktop.views.sync.dialogs import HandinDialog

        dialog = HandinDialog(project, self)
        try:
            if dialog.exec() != HandinDialog.DialogCode.Accepted:
                return None
            return dialog.path, dialog.keep_working
        finally:
            dialog.deleteLater()

    def hand_in_to(self, path: str | Path, keep_working: bool = False) -> bool:
        from fsm_desktop.domain.sync import summary_line
        from fsm_desktop.storage.laptop import read_laptop_copy
        from fsm_desktop.storage.sync import handin

        project = self.project
        assert project is not None and project.laptop is not None
        copy, key = project.laptop, project.key
        try:
            result = handin(project, path, keep_working=keep_working)
        except KnownError as error:
            self.warn(self.tr("Ændringerne kunne ikke afleveres"), error)
            return False
        text = self.tr(
            "Ændringerne er afleveret i {file} (aflevering nr. {seq}): {summary}."
        ).format(file=str(result.path), seq=result.seq, summary=summary_line(result.counts))
        if keep_working:
            project.laptop = read_laptop_copy(project.db)  # the next hand-back's number
        else:
            # Handed back: the copy opens again, read-only, with the bar that says so.
            laptop_path = project.path
            if self.set_project(None):
                self.open_project(laptop_path)
        self.statusBar().showMessage(text, 15000)
        team = Path(copy.team_path)
        if not team.exists():
            self.inform(
                self.tr("Ændringerne er afleveret"),
                text
                + "\n\n"
                + self.tr(
                    "Læg filen, hvor teamkopien kan nås, og indlæs den dér: Filer → Indlæs ændringer fra bærbar."
                ),
            )
            return True
        if self.ask_yes_no(
            self.tr("Indlæs nu i teamkopien?"),
            text
            + "\n\n"
            + self.tr("Teamkopien {team} kan nås herfra. Indlæs ændringerne i den nu?").format(
                team=str(team)
            ),
        ):
            self.merge_into_team(team, result.path, key)
        return True

    def ask_yes_no(self, title: str, text: str) -> bool:
        """A question with Ja and Nej (Ja the default). Tests replace this."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _open_team(self, team: Path, key: Key | None) -> Project | None:
        """The team copy a laptop copy came from, with the laptop's key (the team's, unless its
        password was changed since: then it is asked for). None: cancelled. Raises ProjectInUse
        when it is open elsewhere."""
        remembered = str(team.expanduser().absolute())
        if key is not None:
            self._keys.setdefault(remembered, key)
        return self._open(team)

    def merge_into_team(self, team: Path, changes: Path, key: Key | None) -> bool:
        """Open the team copy beside this window, merge the change file into it and close it; the
        team copy open elsewhere is said, with where to merge it instead."""
        try:
            project = self._open_team(team, key)
        except ProjectInUse as error:
            holder = (
                error.holder.sentence() + "."
                if error.holder is not None
                else self.tr("Teamkopien er åben i et andet vindue eller program.")
            )
            self.warn(
                self.tr("Teamkopien er i brug"),
                KnownError(
                    "{holder} Ændringerne kan ikke indlæses herfra, mens den er åben dér. Ændringsfilen {file} er "
                    "gemt: indlæs den i teamkopien (Filer → Indlæs ændringer fra bærbar).",
                    holder=holder,
                    file=str(changes),
                ),
            )
            return False
        except KnownError as error:
            self.warn(self.tr("Teamkopien kunne ikke åbnes"), error)
            return False
        if project is None:
            return False
        try:
            return self.merge_file(project, changes)
        finally:
            project.close()

    def open_team_copy(self) -> bool:
        """The handed-back bar's button: the team copy this laptop copy came from."""
        if self.project is None or self.project.laptop is None:
            return False
        team = Path(self.project.laptop.team_path)
        key = self.project.key
        if key is not None:
            self._keys.setdefault(str(team.expanduser().absolute()), key)
        return self.open_project(team)

    def merge_dialog(self) -> bool:
        """*Filer → Indlæs ændringer fra bærbar*: choose a change file, then the merge."""
        if self.project is None or not self.merge_action.isEnabled():
            return False
        path, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Indlæs ændringer fra bærbar"),
            self._start_folder(),
            self.tr("Ændringsfiler (*.fsmchanges);;Alle filer (*)"),
        )
        return bool(path) and self.merge_file(self.project, path)

    def merge_file(self, project: Project, path: str | Path) -> bool:
        """Read the change file, plan the merge, show it (MergeDialog), which writes it once
        every conflict has a choice; then say what was merged."""
        from fsm_desktop.storage.sync import plan_merge
        from fsm_desktop.views.sync.merge_dialog import result_text

        try:
            changes = self.read_changes(path, project.key)
            if changes is None:
                return False
            plan = plan_merge(project, changes)
        except KnownError as error:
            self.warn(self.tr("Ændringerne kan ikke indlæses"), error)
            return False
        result = self.run_merge_dialog(project, plan)
        if result is None:
            return False
        if project is self.project:
            self.data_changed()
        text = result_text(result, changes.label)
        if project is not self.project:
            text += " " + self.tr("(i teamkopien {file})").format(file=project.path.name)
        self.statusBar().showMessage(text, 15000)
        self.inform(self.tr("Ændringerne er indlæst"), text)
        return True

    def read_changes(self, path: str | Path, key: Key | None):
        """The change file, with the team copy's key, else (its password changed since the copy
        was taken) with the password the user gives (asked again after a wrong one). None:
        cancelled."""
        from fsm_desktop.storage.sync import ChangeFilePassword, SyncError, read_change_file

        try:
            return read_change_file(path, key)
        except ChangeFilePassword:
            pass
        wrong = False
        while True:
            password = self.ask_changes_password(Path(path).name, wrong)
            if password is None:
                return None
            try:
                return read_change_file(path, key, password=password)
            except SyncError as error:
                if not error.template.startswith("Forkert adgangskode"):
                    raise
                wrong = True

    def ask_changes_password(self, file_name: str, wrong: bool) -> str | None:
        """The laptop copy's password for its change file, or None. Tests replace this."""
        from fsm_desktop.views.main.password_dialogs import PasswordDialog

        dialog = PasswordDialog(
            file_name,
            wrong,
            self,
            text=self.tr(
                "Ændringsfilen {file} er krypteret med en anden adgangskode end teamkopien (den er skiftet, siden kopien "
                "blev taget). Skriv den bærbare kopis adgangskode."
            ).format(file=file_name),
        )
        try:
            return dialog.password if dialog.exec() == PasswordDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def run_merge_dialog(self, project: Project, plan):
        """The merge dialog; the MergeResult once it has written, else None. Tests replace this."""
        from fsm_desktop.views.sync.merge_dialog import MergeDialog

        dialog = MergeDialog(plan, self, project=project)
        try:
            if dialog.exec() != MergeDialog.DialogCode.Accepted:
                return None
            return dialog.merge_result
        finally:
            dialog.deleteLater()

    # --- window state -------------------------------------------------------------------------------
    def restore_geometry(self) -> bool:
        geometry = self.settings.value("window/geometry")
        return bool(geometry) and self.restoreGeometry(geometry)

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
