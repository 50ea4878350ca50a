"""The staff page's actions: adding and changing a person, the limits, moving and spreading
citizens, and undoing the latest move."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog

from fsm_desktop.domain.caseload import CASELOAD_ROLE, COUNTED_ROLES, StaffRecord
from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations import staff as staff_ops
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.wording import citizens_text
from fsm_desktop.views.staff.dialogs import LimitsDialog, StaffDialog
from fsm_desktop.views.staff.plan_dialogs import ReassignDialog, SpreadDialog

if TYPE_CHECKING:
    from fsm_desktop.views.kit.page import Page as _PageBase
    from fsm_desktop.views.staff.page import StaffData
else:
    _PageBase = object


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffPage", text)


class StaffActions(_PageBase):
    """Mixed into StaffPage: the staff page's actions: adding and changing a person, the
    limits, moving and spreading citizens, and undoing the latest move."""

    if TYPE_CHECKING:  # what StaffPage provides
        data: StaffData | None
        today: dt.date

        def selected_record(self) -> StaffRecord | None: ...
        def select_staff(self, staff_id: str) -> bool: ...
        def tell(self, text: str, error: bool = False) -> None: ...
        def _changed(self) -> None: ...

    # --- actions ---------------------------------------------------------------------------------------------
    def _run(self, dialog: QDialog) -> bool:
        """Show a dialog (tests replace this to drive it)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def add_staff(self) -> None:
        if self.project is None or self.refuse_if_team_only("Medarbejderlisten"):
            return
        dialog = StaffDialog(self.project, None, self.today, self)
        if self._run(dialog) and dialog.saved is not None:
            self.tell(
                self.tr("{who} er oprettet.").format(
                    who=f"{dialog.saved.initials} ({dialog.saved.name})"
                )
            )
            self._after_staff(dialog.saved.id)

    def edit_staff(self) -> None:
        record = self.selected_record()
        if (
            self.project is None
            or record is None
            or self.refuse_if_read_only()
            or self.refuse_if_team_only("Medarbejderlisten")
        ):
            return
        dialog = StaffDialog(self.project, record, self.today, self)
        if self._run(dialog) and dialog.saved is not None:
            self.tell(
                self.tr("{who} er gemt.").format(
                    who=f"{dialog.saved.initials} ({dialog.saved.name})"
                )
            )
            self._after_staff(dialog.saved.id)

    def _after_staff(self, staff_id: str) -> None:
        self._changed()
        self.select_staff(staff_id)

    def edit_limits(self) -> None:
        if self.project is None or self.data is None:
            return
        dialog = LimitsDialog(self.project, self.data.report.settings, self)
        if self._run(dialog):
            self.tell(self.tr("Grænserne er gemt."))
            self.reload()

    def reassign(self) -> None:
        record = self.selected_record()
        if (
            self.project is None
            or self.data is None
            or record is None
            or record.role not in CASELOAD_ROLE
        ):
            return
        dialog = ReassignDialog(self, record, self.today)
        if self._run(dialog) and dialog.applied is not None:
            done = dialog.applied
            self.tell(
                self.tr("{citizens} er flyttet fra {who} pr. {d}.").format(
                    citizens=citizens_text(done.citizens),
                    who=record.initials,
                    d=date_text(done.day),
                )
            )
            self._changed()
            self.select_staff(record.id)

    def spread_day(self, record: StaffRecord) -> dt.date:
        """The day a leaving employee's caseload is spread from: the day after »aktiv til«, or today."""
        if record.active_to is not None and record.active_to < self.today:
            return record.active_to + dt.timedelta(days=1)
        return self.today

    def spread(self) -> None:
        record = self.selected_record()
        if (
            self.project is None
            or self.data is None
            or record is None
            or record.role not in COUNTED_ROLES
        ):
            return
        dialog = SpreadDialog(self, record, self.spread_day(record))
        if self._run(dialog) and dialog.applied is not None:
            done = dialog.applied
            self.tell(
                self.tr("{who}s {citizens} er fordelt pr. {d}.").format(
                    who=record.initials,
                    citizens=citizens_text(done.citizens),
                    d=date_text(done.day),
                )
            )
            self._changed()
            self.select_staff(record.id)

    def undo_latest(self) -> None:
        if self.project is None:
            return
        try:
            undone = staff_ops.undo_reassignment(self.project).value
        except KnownError as error:
            self.tell(translate_error(error), error=True)
            return
        self.tell(
            self.tr("Omfordelingen pr. {d} ({citizens}) er fortrudt.").format(
                d=date_text(undone.day), citizens=citizens_text(undone.citizens)
            )
        )
        self._changed()
