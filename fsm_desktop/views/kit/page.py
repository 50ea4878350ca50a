"""The base class of the main window's pages (the registry is ``views.main.registry``).

Each page loads its data the first time it is shown after a project was opened (start-up must
not wait for pages nobody looks at). A page runs what the user asks through
:mod:`fsm_desktop.operations` and emits :attr:`Page.changed` with what the operation changed;
the main window relays it to every page (:meth:`Page.handle_changes`), and a page that shows a
kind of data that changed (:attr:`Page.shows`) reads again: at once when it is on screen, else
the next time it is shown. Pages whose feature has not landed yet say what will come
and show only real facts from the project, never invented figures."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.project import Project
from fsm_desktop.views.kit.header import intro_label, title_label
from fsm_desktop.views.kit.shortcuts import KeyHelp

T = TypeVar("T")

#: The dynamic property that marks a control as one that writes (:meth:`Page.writes`).
WRITES_PROPERTY = "fsmWrites"
#: The dynamic property that marks a control whose work belongs to the team copy
#: (:meth:`Page.team_only`): its value says what, in storage's words ("Import" …).
TEAM_ONLY_PROPERTY = "fsmTeamOnly"
#: The tooltip a team-only control had before a laptop copy replaced it with the reason.
_TOOLTIP_PROPERTY = "fsmTeamTooltip"


class Page(QWidget):
    """A page: a title, an introduction, a body. ``load`` runs on the first show."""

    key = ""
    #: The kinds of data the page shows: a change to one of them makes it read again.
    shows = Changes()
    #: An operation run here (or in a citizen window opened here) changed the project:
    #: (what changed, who ran it). The main window relays it to every page.
    changed = Signal(object, object)

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self._loaded = False
        self.setObjectName(f"page_{self.key}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 20)
        outer.setSpacing(10)
        self.title_label = title_label(title, self)
        self.intro_label = intro_label(intro, self)
        outer.addWidget(self.title_label)
        outer.addWidget(self.intro_label)
        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        outer.addLayout(self.body, 1)

    def compact_header(self) -> QHBoxLayout:
        """For a page whose body needs the height (the board): the title gets a row with room
        for controls at its right (returned), the introduction becomes the title's tooltip
        (the guide under *Hjælp* says it too), and the margins and spacing are tighter."""
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.setContentsMargins(28, 12, 28, 10)
        outer.setSpacing(6)
        self.body.setSpacing(6)
        outer.removeWidget(self.title_label)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.title_label)
        outer.insertLayout(0, row)
        self.title_label.setToolTip(self.intro_label.text())
        self.intro_label.hide()
        return row

    def key_help(self) -> tuple[KeyHelp, ...]:
        """Keys the page's widgets handle themselves (keyPressEvent), for Hjælp →
        Tastaturgenveje; its actions and QShortcuts are read off the page itself."""
        return ()

    def set_project(self, project: Project | None) -> None:
        self.project = project
        self._loaded = False
        self.apply_read_only()
        if self.isVisible():
            self.reload()

    # --- read-only projects ---------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.project is not None and self.project.read_only

    def writes(self, *controls):
        """Mark buttons and actions that write to the project: hidden while it is read-only
        (the main window's bar says why). Returns the first."""
        for control in controls:
            control.setProperty(WRITES_PROPERTY, True)
        return controls[0]

    def apply_read_only(self) -> None:
        """Show or hide the controls marked with :meth:`writes`, and disable those marked with
        :meth:`team_only` on a laptop copy; pages with other ways of writing (drag and drop,
        editable cells) extend this."""
        hidden = self.read_only
        for control in self.findChildren(QWidget) + self.findChildren(QAction):
            if control.property(WRITES_PROPERTY):
                control.setVisible(not hidden)
            what = control.property(TEAM_ONLY_PROPERTY)
            if what:
                self._apply_team_only(control, str(what))

    # --- laptop copies ----------------------------------------------------------------------------
    @property
    def laptop_copy(self) -> bool:
        """A laptop copy is open: imports, staff, goals and the initiative's settings belong to
        the team copy (storage refuses them too)."""
        return self.project is not None and self.project.laptop is not None

    def team_only(self, what: str, *controls):
        """Mark controls whose work belongs to the team copy (``what``: storage's word for it,
        "Import", "Medarbejderlisten" …): disabled on a laptop copy, the reason as their tooltip.
        A page that enables such a control itself asks :attr:`laptop_copy` too. Returns the first."""
        for control in controls:
            control.setProperty(TEAM_ONLY_PROPERTY, what)
        return controls[0]

    def team_only_reason(self, what: str) -> str | None:
        """Why ``what`` cannot be done here (a laptop copy), in storage's Danish; None: it can."""
        if self.project is None:
            return None
        from fsm_desktop.domain.errors import KnownError
        from fsm_desktop.views.kit.messages import translate_error

        try:
            self.project.require_team_copy(what)
        except KnownError as error:
            return translate_error(error)
        return None

    def _apply_team_only(self, control, what: str) -> None:
        reason = self.team_only_reason(what)
        if reason is not None:
            if control.property(_TOOLTIP_PROPERTY) is None:
                control.setProperty(_TOOLTIP_PROPERTY, control.toolTip())
            control.setToolTip(reason)
            control.setEnabled(False)
        elif (
            control.property(_TOOLTIP_PROPERTY) is not None
        ):  # was a laptop copy's: the team copy's now
            control.setToolTip(str(control.property(_TOOLTIP_PROPERTY)))
            control.setProperty(_TOOLTIP_PROPERTY, None)
            control.setEnabled(True)  # the page's own rules settle it again as it loads

    def refuse_if_team_only(self, what: str) -> bool:
        """True (and the reason shown in the status bar) on a laptop copy: for the ways to team-only
        work that are not a button (a double click, a key)."""
        reason = self.team_only_reason(what)
        if reason is None:
            return False
        window = self.window()
        status = getattr(window, "statusBar", None)
        if status is not None:
            status().showMessage(reason, 8000)
        return True

    def refuse_if_read_only(self) -> bool:
        """True (and the reason shown in the status bar) when the project is read-only: for the
        ways of writing that are not a button (a key, a drop)."""
        reason = self.project.read_only_reason if self.project is not None else None
        if reason is None:
            return False
        from fsm_desktop.views.kit.messages import translate_error

        window = self.window()
        status = getattr(window, "statusBar", None)
        if status is not None:
            status().showMessage(translate_error(reason), 8000)
        return True

    # --- what changed ------------------------------------------------------------------------------
    def done(self, result: Done[T]) -> T:
        """An operation's result: its changes told (:attr:`changed`), its value returned."""
        if result.changes:
            self.changed.emit(result.changes, self)
        return result.value

    def handle_changes(self, changes: Changes, source: QObject | None) -> None:
        """Another page, a citizen window or a merge changed the project: read again if this
        page shows any of it (now when visible, else when next shown). A page's own operations
        (``source is self``) it has shown already: in place (a board move) or by reading again."""
        if source is self or self.project is None or not changes.touches(self.shows):
            return
        # What the page keeps of the project (counts ahead, caches) is let go as for a newly
        # opened project; it reads again now if shown, else at its next showing.
        self.set_project(self.project)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.reload()

    def reload(self) -> None:
        self._loaded = True
        if self.project is not None:
            self.load(self.project)

    def load(self, project: Project) -> None:
        """Fill the page from the project (override)."""

    def coming(self, items: list[str]) -> QFrame:
        """A framed note of what this page will do when its feature lands."""
        frame = QFrame(self)
        frame.setObjectName("comingBox")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(16, 12, 16, 12)
        heading = QLabel(QCoreApplication.translate("Page", "Kommer i en senere version"), frame)
        heading.setObjectName("comingHeading")
        layout.addWidget(heading)
        text = QLabel("\n".join(f"•  {item}" for item in items), frame)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        return frame
