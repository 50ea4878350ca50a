"""The step-up page's actions: recording, changing and deleting a meeting, markings, and opening
the citizen."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QMessageBox

from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.stepup import MarkingKind, Meeting, StepUpCase
from fsm_desktop.operations import stepup as stepup_ops
from fsm_desktop.operations.changes import Changes
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.stepup.dialogs import MeetingDialog, default_participants
from fsm_desktop.views.stepup.marking_dialog import MarkingDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTableView

    from fsm_desktop.domain.stepup import Marking
    from fsm_desktop.views.citizens.window import CitizenWindow
    from fsm_desktop.views.kit.page import Page as _PageBase
    from fsm_desktop.views.stepup.page import StepUpData
else:
    _PageBase = object


def _t(text: str) -> str:
    return QCoreApplication.translate("StepUp", text)


class StepUpActions(_PageBase):
    """Mixed into StepUpPage: the step-up page's actions: recording, changing and deleting a
    meeting, markings, and opening the citizen."""

    if TYPE_CHECKING:  # what StepUpPage provides
        data: StepUpData | None
        today: dt.date
        meetings_view: QTableView
        citizen_window: CitizenWindow | None

        def selected_case(self) -> StepUpCase | None: ...
        def _active_marking(self, case: StepUpCase | None) -> Marking | None: ...

    # --- actions ---------------------------------------------------------------------------------------
    def record_meeting(self) -> None:
        case = self.selected_case()
        if case is None or self.project is None or self.data is None or self.refuse_if_read_only():
            return
        meeting = Meeting(
            case.citizen_id,
            self.data.today,
            default_participants(case, self.data.staff),
            [],
            [],
            "",
        )
        self._open_meeting(case, meeting)

    def edit_meeting(self) -> None:
        meeting = self.meetings_view.currentIndex().data(Qt.ItemDataRole.UserRole)
        if meeting is None or self.data is None or self.refuse_if_read_only():
            return
        case = self.data.by_id.get(meeting.citizen_id)
        if case is not None:
            self._open_meeting(case, meeting)

    def _open_meeting(self, case: StepUpCase, meeting: Meeting) -> None:
        project, data = self.project, self.data
        assert project is not None and data is not None, "its callers return without them"
        dialog = MeetingDialog(project, case, meeting, data.today, self)
        dialog.saved.connect(self._saved)
        self.meeting_dialog = dialog
        dialog.open()

    def delete_meeting(self) -> None:
        meeting = self.meetings_view.currentIndex().data(Qt.ItemDataRole.UserRole)
        if meeting is None or self.project is None:
            return
        if not self.confirm(
            self.tr("Slet mødet den {date}? Sletningen skrives i revisionsloggen.").format(
                date=date_text(meeting.date)
            )
        ):
            return
        try:
            done = stepup_ops.delete_meeting(self.project, meeting.id)
        except KnownError as error:
            self.show_error(error)
            return
        self._saved(done.changes)

    def add_marking(self, kind: MarkingKind) -> None:
        case = self.selected_case()
        if case is None or self.project is None or self.data is None:
            return
        dialog = MarkingDialog(self.project, case, kind, self.data.today, self)
        dialog.saved.connect(self._saved)
        self.marking_dialog = dialog
        dialog.open()

    def end_marking(self) -> None:
        case = self.selected_case()
        marking = self._active_marking(case)
        if marking is None or self.project is None:
            return
        if marking.start >= self.today:
            self.show_error(
                KnownError("Markeringen begynder i dag; den kan afsluttes fra i morgen.")
            )
            return
        try:
            # Ended yesterday: it no longer applies today.
            done = stepup_ops.end_marking(
                self.project, marking.id, self.today - dt.timedelta(days=1)
            )
        except KnownError as error:
            self.show_error(error)
            return
        self._saved(done.changes)

    def open_citizen(self) -> None:
        case = self.selected_case()
        if case is None or self.project is None:
            return
        from fsm_desktop.views.citizens.window import CitizenWindow

        CitizenWindow.open_beside(self, case.citizen_id, self._citizen_saved)

    def _saved(self, changes: Changes) -> None:
        """A meeting or marking written here: told to the other pages, and read again here."""
        self.changed.emit(changes, self)
        if self.project is not None:
            self.load(self.project)

    def _citizen_saved(self, changes: Changes, window: QObject) -> None:
        self._saved(changes)

    # hooks the tests replace
    def confirm(self, question: str) -> bool:
        return (
            QMessageBox.question(self, self.tr("Step-up"), question)
            == QMessageBox.StandardButton.Yes
        )

    def show_error(self, error: KnownError) -> None:
        QMessageBox.warning(self, self.tr("Step-up"), translate_error(error))
