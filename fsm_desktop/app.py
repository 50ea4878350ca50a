"""Builds the QApplication and the main window (``fsm-desktop`` without a sub-command)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QSettings,
    QStandardPaths,
    Qt,
    QThreadPool,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication

from fsm_desktop import __version__
from fsm_desktop.domain.errors import KnownError

if TYPE_CHECKING:  # imported when used: the command line starts without them
    from fsm_desktop.storage.project import Project
    from fsm_desktop.storage.writer_lock import ProjectInUse
    from fsm_desktop.views.main.window import MainWindow

ORGANIZATION = "fsm-desktop"
APPLICATION = "FSM Desktop"


def log_folder() -> Path:
    """The user's data folder, where the window (and the command line) keep the log."""
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def _setup_logging() -> None:
    """The log in the user's data folder, cleaned of personal data (fsm_desktop.logs)."""
    from fsm_desktop import logs

    logs.setup(
        Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    )


def _has_display() -> bool:
    """False on Linux without X11/Wayland and without an explicit Qt platform (Qt would abort)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    # The window needs widgets: an application made before this one (a test's) is one too.
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    style = resources.files("fsm_desktop.resources").joinpath("style.qss").read_text("utf-8")
    app.setStyleSheet(style)
    app.setWindowIcon(program_icon())
    _install_qt_danish(app)
    return app


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def program_icon() -> QIcon:
    """The program's icon (resources/icons, rendered from fsm-desktop.svg by
    packaging/make_icons.py) in every size it is drawn at, so no size is a scaled copy: the
    title bar, the task bar and Alt+Tab each take the nearest."""
    folder = resources.files("fsm_desktop.resources.icons")
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(folder.joinpath(f"fsm-desktop-{size}.png").read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    return icon


_QT_DANISH = "fsm_qt_danish"


class QtDanishGaps(QTranslator):
    """Qt's texts that qtbase_da leaves in English and that the program's dialogs may show: the
    top of the file dialogs' folder list ("Computer" in qtbase_da too) and the types of files
    Qt's own icon provider gives. Asked before qtbase_da; every other text is left to it (a
    dictionary look-up, well under a microsecond)."""

    TEXTS: ClassVar[dict[tuple[str, str], str]] = {
        ("QFileSystemModel", "Computer"): "Denne computer",
        ("QAbstractFileIconProvider", "Drive"): "Drev",
        ("QAbstractFileIconProvider", "File"): "Fil",
        ("QAbstractFileIconProvider", "%1 File"): "%1-fil",
        ("QAbstractFileIconProvider", "Folder"): "Mappe",
        ("QAbstractFileIconProvider", "Shortcut"): "Genvej",
        ("QAbstractFileIconProvider", "Unknown"): "Ukendt",
        ("QFileDialog", "Directory"): "Mappe",
    }

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None is Qt's null string, "not translated here" ("" would translate to nothing).
        return self.TEXTS.get((context, source))

    def isEmpty(self) -> bool:
        return False


def _install_qt_danish(app: QApplication) -> None:
    """Qt's own texts and formats in Danish (the standard buttons "Annuller", "Ja", "Nej", the
    file dialogs, month names in the date picker): the interface speaks Danish throughout.
    Once per application: the translator is its child, found by name the next time."""
    only_children = Qt.FindChildOption.FindDirectChildrenOnly
    if app.findChild(QTranslator, _QT_DANISH, only_children) is not None:
        return
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    translator = QTranslator(app)
    translator.setObjectName(_QT_DANISH)
    if load_qtbase_danish(translator, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    app.installTranslator(QtDanishGaps(app))  # installed last, asked first


def load_qtbase_danish(translator: QTranslator, folder: str) -> bool:
    """Load Qt's Danish texts (qtbase_da.qm) from ``folder`` into ``translator``. When they are
    missing (a build that left them out), the log says so: the program works, but Qt's own
    buttons say "Cancel"."""
    if translator.load(
        QLocale(QLocale.Language.Danish, QLocale.Country.Denmark), "qtbase", "_", folder
    ):
        return True
    logging.getLogger("fsm_desktop").warning(
        "Qt's Danish texts (qtbase_da.qm) were not found in %s: Qt's own buttons and "
        "dialogs are in English",
        folder,
    )
    return False


@dataclass
class _Start:
    """What opening --db before Qt gave the window."""

    project: Project | None = None
    in_use: ProjectInUse | None = None  # someone else writes --db: the window asks
    ask: bool = False  # an encrypted --db without a password given: the window asks for it
    password: str | None = None


def run(args: argparse.Namespace, standalone: bool = False) -> int:
    """Open the main window. ``args`` comes from fsm_desktop.cli; ``standalone`` when the
    process is just this program (then ``--exit-after-show`` ends it without waiting)."""
    from fsm_desktop.views.kit.messages import install_excepthook
    from fsm_desktop.views.main.window import MainWindow

    # Open --db before Qt starts: an unusable file is one line on stderr and exit code 2.
    start = _open_db(args) if args.db else _Start()
    if isinstance(start, int):
        return start
    if not _has_display():
        print(
            "fsm-desktop: der er ingen skærm (DISPLAY er ikke sat). Start programmet fra et "
            "skrivebord, eller sæt QT_QPA_PLATFORM=offscreen.",
            file=sys.stderr,
        )
        if start.project is not None:
            start.project.close()
        return 2

    one_off = bool(args.screenshot or args.exit_after_show)
    app = create_application()
    _setup_logging()
    settings, _scratch = _settings(one_off)  # kept until run returns, then removed
    window = MainWindow(settings)
    window.take_daily_backups = not one_off
    install_excepthook(lambda: window)
    if not _open_first(window, args, start, settings) or not _place(window, args):
        return 2

    if args.screenshot:
        _grab_when_settled(app, window, Path(args.screenshot))
    elif args.exit_after_show:
        QTimer.singleShot(0, app.quit)

    window.show()
    code = app.exec()
    if window.project is not None:
        window.project.close()
    if args.exit_after_show and standalone:
        # Only reads can be under way (a page loading its data on a worker): do not wait for
        # them at interpreter exit — the measurement is "start until the window is shown".
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _open_db(args: argparse.Namespace) -> _Start | int:
    """Open --db (the window checks the file on a worker: quick_check would hold up the
    start); an exit code when it cannot be used, after a line on stderr."""
    from fsm_desktop.arguments import PASSWORD_ENV, UsageError, given_password
    from fsm_desktop.storage.keys import PasswordRequired
    from fsm_desktop.storage.project import Project
    from fsm_desktop.storage.writer_lock import ProjectInUse

    try:
        password = given_password(args)  # FSM_PASSWORD or --password-file, before asking
    except UsageError as error:
        print(f"fsm-desktop: fejl: {error}", file=sys.stderr)
        return 2
    start = _Start(password=password)
    unattended = args.screenshot or args.exit_after_show  # no dialog to wait for
    try:
        start.project = Project.open(args.db, check=False, password=password)
    except PasswordRequired as error:
        if unattended:
            print(
                f"fsm-desktop: {error.message} Sæt {PASSWORD_ENV}, eller brug --password-file FIL.",
                file=sys.stderr,
            )
            return 2
        start.ask = True
    except ProjectInUse as error:
        if not unattended:
            start.in_use = error
            return start
        try:  # a one-off run reads it
            start.project = Project.open(args.db, read_only=True, check=False, password=password)
        except KnownError as again:
            print(f"fsm-desktop: {again.message}", file=sys.stderr)
            return 2
    except KnownError as error:
        print(f"fsm-desktop: {error.message}", file=sys.stderr)
        return 2
    return start


def _settings(one_off: bool) -> tuple[QSettings, tempfile.TemporaryDirectory[str] | None]:
    """The user's settings; for a one-off run settings in a scratch folder (returned too, to
    be kept until the end), as it must not change the remembered files and window geometry."""
    if not one_off:
        return QSettings(), None
    scratch = tempfile.TemporaryDirectory(prefix="fsm-desktop-")  # removed at exit
    settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
    return settings, scratch


def _open_first(
    window: MainWindow, args: argparse.Namespace, start: _Start, settings: QSettings
) -> bool:
    """What to open: --db, --demo, or the last file (if it still exists). False: the demo
    could not be made."""
    if start.project is not None:
        window.set_project(start.project)
    elif start.in_use is not None or start.ask:
        window.show()
        window.open_project(args.db, password=start.password)
    elif args.demo:
        if not window.open_demo():
            return False
    else:
        last = settings.value("project/last")
        if last and Path(str(last)).exists():
            window.open_project(str(last))
    return True


def _place(window: MainWindow, args: argparse.Namespace) -> bool:
    """The page and the size asked for (else the remembered geometry, else one that fits the
    screen). False: no such page."""
    if args.page and not window.show_page_key(args.page.lower()):
        print(f"fsm-desktop: fejl: ukendt side »{args.page}«", file=sys.stderr)
        return False
    if args.size:
        window.resize(*args.size)
    elif not window.restore_geometry():
        window.size_to_screen()
    return True


def _grab_when_settled(app: QApplication, window: MainWindow, target: Path) -> None:
    """Save the window as the picture ``target`` once its pages have computed, then end with
    exit code 0 (2 when it could not be saved)."""

    def grab() -> None:
        ok = window.grab().save(str(target))
        if not ok:
            print(f"fsm-desktop: billedet kunne ikke gemmes i {target}", file=sys.stderr)
        app.exit(0 if ok else 2)

    def settle_then_grab() -> None:
        # Pages compute in the background: wait for that work, let its results arrive
        # (queued to this thread), then grab.
        QThreadPool.globalInstance().waitForDone()
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, grab))

    QTimer.singleShot(0, settle_then_grab)
