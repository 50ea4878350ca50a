"""The staff page's plans: moving citizens from one person to another (Skift medarbejder) and
spreading a person's citizens over the others (Fordel)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from fsm_desktop.domain.caseload import (
    CASELOAD_ROLE,
    HOLDERS,
    OpenCase,
    ReassignmentPlan,
    StaffRecord,
    Status,
    count_caseloads,
    judge,
    per_fte,
    plan_reassignment,
    plan_spread,
    spread_receivers,
)
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.operations import staff as staff_ops
from fsm_desktop.storage.staff import CaseloadRepository
from fsm_desktop.views.kit.dates import date_edit, pydate
from fsm_desktop.views.kit.errors import error_label
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.wording import citizens_text
from fsm_desktop.views.staff.dialogs import _attempt
from fsm_desktop.views.staff.models import OVER_BACKGROUND, load_text, status_words

WARNING_STYLE = "background: #fff8e1; border: 1px solid #c98a00; padding: 6px; color: #3d2a00;"

if TYPE_CHECKING:
    from fsm_desktop.views.staff.actions import StaffActions


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffPage", text)


class _PlanDialog(QDialog):
    """What a reassignment and a spread share: the day, the loads on it, the preview, applying."""

    def __init__(self, page: StaffActions, record: StaffRecord, day: dt.date) -> None:
        super().__init__(page)
        project, data = page.project, page.data
        # The page enables "Omfordel …" and "Fordel sagsstamme …" once its data is read.
        assert project is not None and data is not None, "a plan is made on the page's data"
        self.page = page
        self.project = project
        self.record = record
        self.role = CASELOAD_ROLE[record.role]
        self.settings = data.report.settings
        self.staff = {r.id: r for r in data.report.staff}
        self.rows = data.rows
        self.plan: ReassignmentPlan | None = None
        self.applied = None
        self._loads: dict[dt.date, dict[str, int]] = {}
        self._cases: dict[dt.date, list[OpenCase]] = {}
        self.date_edit = date_edit(self, day)
        self.preview = QTableWidget(0, 4, self)
        self.preview.setHorizontalHeaderLabels(
            [_t("Medarbejder"), _t("Borgere"), _t("Pr. fuldtid"), _t("Status efter")]
        )
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.preview.setAccessibleName(_t("Forhåndsvisning"))
        self.skipped = QLabel(self)
        self.skipped.setWordWrap(True)
        self.skipped.setObjectName("dialogHint")
        self.error = error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annullér"))
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self.date_edit.dateChanged.connect(lambda _: self.refresh())

    @property
    def day(self) -> dt.date:
        return pydate(self.date_edit.date())

    def refresh(self) -> None:
        """Fill the dialog for the chosen day (each kind of plan its own way)."""
        raise NotImplementedError

    def loads(self, day: dt.date) -> dict[str, int]:
        """Citizens per person on the day (from the rows the page read; cached per day)."""
        if day not in self._loads:
            history = count_caseloads(self.rows, self.staff, [day])
            self._loads[day] = {sid: counts[0] for sid, counts in history.citizens.items()}
        return self._loads[day]

    def cases(self, day: dt.date) -> list[OpenCase]:
        if day not in self._cases:
            self._cases[day] = CaseloadRepository(self.project).open_cases(
                self.record.id, self.role, day
            )
        return self._cases[day]

    def who(self, sid: str) -> str:
        return self.staff[sid].initials

    def load_words(self, sid: str, citizens: int) -> tuple[str, str]:
        """(per full-time equivalent, status) of a person with ``citizens``."""
        record = self.staff[sid]
        if not record.counted:
            return "–", _t("tæller ikke med")
        load = per_fte(citizens, record.hours)
        limit = self.settings.limit(record.role)
        status = judge(load, limit)
        words = status_words(status, limit)
        return load_text(load), ("▲ " + words if status is Status.OVER else words)

    def show_preview(self, plan: ReassignmentPlan | None) -> None:
        self.plan = plan
        self.preview.setRowCount(0)
        self.error.hide()
        if plan is None:
            self.apply_button.setEnabled(False)
            return
        before = self.loads(plan.day)
        after = plan.after(before)
        people = sorted(
            plan.change(),
            key=lambda sid: (sid != self.record.id, self.staff[sid].initials.casefold()),
        )
        self.preview.setRowCount(len(people))
        for r, sid in enumerate(people):
            old_load, _ = self.load_words(sid, before.get(sid, 0))
            new_load, status = self.load_words(sid, after.get(sid, 0))
            cells = [
                self.who(sid),
                f"{number(before.get(sid, 0))} → {number(after.get(sid, 0))}",
                f"{old_load} → {new_load}",
                status,
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(self.staff[sid].name)
                if status.startswith("▲") and c >= 2:
                    item.setBackground(OVER_BACKGROUND)
                self.preview.setItem(r, c, item)
        if plan.skipped:
            lines = [
                _t("1 borger flyttes ikke:")
                if len(plan.skipped) == 1
                else _t("{n} borgere flyttes ikke:").format(n=len(plan.skipped))
            ]
            lines += [f"• {case.name}: {_t(reason)}" for case, reason in plan.skipped[:6]]
            if len(plan.skipped) > 6:
                lines.append(_t("… og {n} flere").format(n=len(plan.skipped) - 6))
            self.skipped.setText("\n".join(lines))
        else:
            self.skipped.setText("")
        self.skipped.setVisible(bool(plan.skipped))
        self.apply_button.setEnabled(bool(plan.moves))

    def note(self) -> str:
        return ""

    def apply(self) -> None:
        if self.plan is None or not self.plan.moves:
            return
        self.applied = _attempt(
            self.error, lambda: staff_ops.reassign(self.project, self.plan, self.note()).value
        )
        if self.applied is not None:
            self.accept()


class ReassignDialog(_PlanDialog):
    """Move chosen citizens of one person to another from a day (seeds/003 registration §3)."""

    def __init__(self, page: StaffActions, record: StaffRecord, day: dt.date) -> None:
        super().__init__(page, record, day)
        self.setWindowTitle(_t("Omfordel borgere fra {who}").format(who=record.initials))
        self.citizens = QListWidget(self)
        self.citizens.setAccessibleName(_t("Borgere"))
        self.receiver = QComboBox(self)
        self.receiver.setAccessibleName(_t("Modtager"))
        self.receiver.setMinimumWidth(320)
        all_button = QPushButton(_t("Vælg alle"), self)
        none_button = QPushButton(_t("Fravælg alle"), self)
        all_button.clicked.connect(lambda: self._check_all(True))
        none_button.clicked.connect(lambda: self._check_all(False))
        self.count_label = QLabel(self)
        form = QFormLayout()
        form.addRow(_t("Skift pr."), self.date_edit)
        form.addRow(_t("Til"), self.receiver)
        picks = QHBoxLayout()
        picks.addWidget(all_button)
        picks.addWidget(none_button)
        picks.addStretch(1)
        picks.addWidget(self.count_label)
        heading = QLabel(
            _t(
                "{who}s borgere pr. dagen – den nuværende tilknytning slutter dagen før, og en ny begynder på dagen:"
            ).format(who=f"{record.initials} ({record.name})"),
            self,
        )
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(heading)
        layout.addWidget(self.citizens, 2)
        layout.addLayout(picks)
        layout.addWidget(QLabel(_t("Forhåndsvisning"), self))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.skipped)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.citizens.itemChanged.connect(lambda _: self.refresh_plan())
        self.receiver.currentIndexChanged.connect(lambda _: self.refresh_plan())
        self.resize(720, 640)
        self.refresh()

    def _check_all(self, on: bool) -> None:
        self.citizens.blockSignals(True)
        for i in range(self.citizens.count()):
            self.citizens.item(i).setCheckState(
                Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
            )
        self.citizens.blockSignals(False)
        self.refresh_plan()

    def checked(self) -> set[str]:
        return {
            self.citizens.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.citizens.count())
            if self.citizens.item(i).checkState() == Qt.CheckState.Checked
        }

    def refresh(self) -> None:
        """A new day: the person's citizens and the receivers on it."""
        day = self.day
        keep = self.checked()
        self.citizens.blockSignals(True)
        self.citizens.clear()
        for case in self.cases(day):
            text = "{name}  (fra {d})".format(name=case.name, d=date_text(case.start))
            item = QListWidgetItem(text, self.citizens)
            item.setData(Qt.ItemDataRole.UserRole, case.citizen_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if case.citizen_id in keep else Qt.CheckState.Unchecked
            )
        self.citizens.blockSignals(False)
        chosen = self.receiver.currentData()
        loads = self.loads(day)
        self.receiver.blockSignals(True)
        self.receiver.clear()
        for record in sorted(
            self.staff.values(), key=lambda s: (s.role is StaffRole.PSEUDO, s.initials.casefold())
        ):
            if (
                record.id == self.record.id
                or record.role not in HOLDERS[self.role]
                or not record.active_on(day)
            ):
                continue
            load, _ = self.load_words(record.id, loads.get(record.id, 0))
            extra = (
                _t("{citizens} · {load} pr. fuldtid").format(
                    citizens=citizens_text(loads.get(record.id, 0)), load=load
                )
                if record.counted
                else _t("parkering")
            )
            self.receiver.addItem(f"{record.initials} – {record.name} ({extra})", record.id)
        if chosen is not None and self.receiver.findData(chosen) >= 0:
            self.receiver.setCurrentIndex(self.receiver.findData(chosen))
        self.receiver.blockSignals(False)
        if not self.cases(day):
            self.count_label.setText(_t("Ingen borgere pr. {d}").format(d=date_text(day)))
        self.refresh_plan()

    def refresh_plan(self) -> None:
        chosen = self.checked()
        self.count_label.setText(
            _t("{n} af {total} valgt").format(n=len(chosen), total=self.citizens.count())
            if self.citizens.count()
            else _t("Ingen borgere pr. {d}").format(d=date_text(self.day))
        )
        receiver = self.receiver.currentData()
        if receiver is None or not chosen:
            self.show_preview(None)
            self.apply_button.setText(_t("Flyt"))
            return
        plan = plan_reassignment(
            [c for c in self.cases(self.day) if c.citizen_id in chosen],
            receiver,
            self.day,
            self.role,
        )
        self.show_preview(plan)
        self.apply_button.setText(
            _t("Flyt 1 borger")
            if len(plan.moves) == 1
            else _t("Flyt {n} borgere").format(n=len(plan.moves))
        )

    def note(self) -> str:
        return _t("Omfordelt fra {who}").format(who=self.record.initials)


class SpreadDialog(_PlanDialog):
    """Spread a leaving employee's whole caseload evenly over the active colleagues of the role."""

    def __init__(self, page: StaffActions, record: StaffRecord, day: dt.date) -> None:
        super().__init__(page, record, day)
        self.setWindowTitle(_t("Fordel sagsstammen fra {who}").format(who=record.initials))
        self.receiver_list = QListWidget(self)
        self.receiver_list.setAccessibleName(_t("Modtagere"))
        self.receiver_list.setMaximumHeight(150)
        self.moves = QTableWidget(0, 2, self)
        self.moves.setHorizontalHeaderLabels([_t("Borger"), _t("Til")])
        self.moves.verticalHeader().setVisible(False)
        self.moves.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.moves.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        form = QFormLayout()
        form.addRow(_t("Fordel pr."), self.date_edit)
        intro = QLabel(
            _t(
                "Borgerne fordeles jævnt på de valgte kolleger med samme rolle: én ad gangen, i navneorden, til den, "
                "der efter at have fået borgeren har færrest borgere pr. fuldtid."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("dialogHint")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(_t("Modtagere"), self))
        layout.addWidget(self.receiver_list)
        split = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(_t("Forhåndsvisning"), self))
        left.addWidget(self.preview)
        right = QVBoxLayout()
        right.addWidget(QLabel(_t("Borgerne"), self))
        right.addWidget(self.moves)
        split.addLayout(left, 2)
        split.addLayout(right, 1)
        layout.addLayout(split, 1)
        layout.addWidget(self.skipped)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.receiver_list.itemChanged.connect(lambda _: self.refresh_plan())
        self.resize(860, 640)
        self.refresh()

    def refresh(self) -> None:
        day = self.day
        unticked = {
            self.receiver_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.receiver_list.count())
            if self.receiver_list.item(i).checkState() != Qt.CheckState.Checked
        }
        loads = self.loads(day)
        self.receiver_list.blockSignals(True)
        self.receiver_list.clear()
        for record in spread_receivers(self.staff.values(), self.record, day):
            load, _ = self.load_words(record.id, loads.get(record.id, 0))
            item = QListWidgetItem(
                f"{record.initials} – {record.name} ({number(loads.get(record.id, 0))} borgere · {load} pr. fuldtid)",
                self.receiver_list,
            )
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Unchecked if record.id in unticked else Qt.CheckState.Checked
            )
        self.receiver_list.blockSignals(False)
        self.refresh_plan()

    def refresh_plan(self) -> None:
        chosen = [
            self.staff[self.receiver_list.item(i).data(Qt.ItemDataRole.UserRole)]
            for i in range(self.receiver_list.count())
            if self.receiver_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        cases = self.cases(self.day)
        self.moves.setRowCount(0)
        if not cases:
            self.show_preview(None)
            self.skipped.setText(
                _t("{who} har ingen borgere pr. {d}.").format(
                    who=self.record.initials, d=date_text(self.day)
                )
            )
            self.skipped.show()
            self.apply_button.setText(_t("Fordel"))
            return
        try:
            plan = plan_spread(cases, chosen, self.loads(self.day), self.day, self.role)
        except KnownError as error:
            self.show_preview(None)
            self.error.setText(translate_error(error))
            self.error.show()
            self.apply_button.setText(_t("Fordel"))
            return
        self.show_preview(plan)
        self.moves.setRowCount(len(plan.moves))
        for r, move in enumerate(plan.moves):
            self.moves.setItem(r, 0, QTableWidgetItem(move.case.name))
            self.moves.setItem(r, 1, QTableWidgetItem(self.staff[move.to_staff_id].initials))
        self.apply_button.setText(
            _t("Fordel 1 borger")
            if len(plan.moves) == 1
            else _t("Fordel {n} borgere").format(n=len(plan.moves))
        )

    def note(self) -> str:
        return _t("Sagsstammen fra {who} fordelt").format(who=self.record.initials)
