"""Laptop copies in the window (issue 20): *Tag med på bærbar* (where to and for which job
broker), *Aflever ændringer* (the change file, and whether the copy ends) and the merge of a
change file on the team copy: a preview in the project leader's words, then each conflict with
a choice between the team copy's value and the laptop's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import count
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.domain.sync import (
    CHOICE_WORDS,
    TABLE_WORDS,
    Conflict,
    Side,
    conflict_line,
    field_words,
    summary_line,
    value_words,
)
from fsm_desktop.storage.project import SUFFIX, Project
from fsm_desktop.storage.repositories import StaffRepository
from fsm_desktop.storage.sync import SUFFIX as CHANGES_SUFFIX
from fsm_desktop.storage.sync import MergePlan, MergeResult, apply_merge
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import translate_error


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncDialogs", text)


def _error_and_buttons(dialog: QDialog, layout: QVBoxLayout, ok_text: str) -> QLabel:
    """A dialog's hidden error line and its OK (``ok_text``) / Annuller buttons, at the bottom."""
    error = QLabel(dialog)
    error.setObjectName("errorText")
    error.setWordWrap(True)
    error.hide()
    layout.addWidget(error)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annuller"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return error


def _day(stamp: str | None) -> str:
    """ "2026-03-12T08:15:00" or "2026-03-12" → "12.03.2026"; "" when there is none."""
    if not stamp:
        return ""
    try:
        return dt.datetime.fromisoformat(str(stamp)).strftime("%d.%m.%Y")
    except ValueError:
        return ""


def _path_row(parent: QWidget, edit: QLineEdit, browse) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    button = QPushButton(_t("Vælg …"), parent)
    button.clicked.connect(browse)
    row.addWidget(button)
    return row


# --- take along ------------------------------------------------------------------------------------


class CheckoutDialog(QDialog):
    """*Filer → Tag med på bærbar*: where the laptop copy goes, and (optionally) the job broker
    who takes it along; the copy then opens on that broker's citizens."""

    def __init__(self, team: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkoutDialog")
        self.setWindowTitle(self.tr("Tag med på bærbar"))
        self.team = team
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Den bærbare kopi er hele projektet, krypteret som teamkopien. Arbejd i den uden netværk, og aflever "
                "bagefter ændringerne fra den (Filer → Aflever ændringer); de indlæses så i teamkopien. Import, "
                "medarbejdere, mål og indsatsens indstillinger ændres kun i teamkopien."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.broker_box = QComboBox(self)
        self.broker_box.setAccessibleName(self.tr("Jobformidler"))
        self.broker_box.addItem(self.tr("(ingen)"), "")
        for member in StaffRepository(team).list():
            if member.role is StaffRole.JOB_BROKER:
                self.broker_box.addItem(f"{member.initials} – {member.name}", member.initials)
        self.broker_box.setToolTip(
            self.tr("Kopien åbner på jobformidlerens borgere (Mine borgere)")
        )
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName(self.tr("Den bærbare kopi"))
        self.path_edit.setMinimumWidth(420)
        self._suggested = ""
        self._suggest()
        form.addRow(self.tr("Jobformidler:"), self.broker_box)
        form.addRow(self.tr("Gem kopien som:"), _path_row(self, self.path_edit, self.browse))
        layout.addLayout(form)
        self.error = _error_and_buttons(self, layout, self.tr("Tag med"))
        self.broker_box.currentIndexChanged.connect(lambda _: self._suggest())

    def _folder(self) -> Path:
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents) if documents and Path(documents).is_dir() else self.team.path.parent

    def _suggest(self) -> None:
        """A name from the project and the broker, while the user has not typed one."""
        if self.path_edit.text() and self.path_edit.text() != self._suggested:
            return
        initials = self.broker_box.currentData() or ""
        name = f"{self.team.path.stem}-bærbar{'-' + initials if initials else ''}{SUFFIX}"
        self._suggested = str(self._folder() / name)
        self.path_edit.setText(self._suggested)

    def browse(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem den bærbare kopi"),
            self.path_edit.text(),
            self.tr("FSM-projekter (*.fsm)"),
        )
        if path:
            self.path_edit.setText(path)

    @property
    def path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix.lower() == SUFFIX else path.with_name(path.name + SUFFIX)

    @property
    def job_broker(self) -> str | None:
        return self.broker_box.currentData() or None

    def accept(self) -> None:
        if not self.path_edit.text().strip():
            self.error.setText(self.tr("Skriv, hvor kopien skal gemmes."))
            self.error.show()
            return
        super().accept()


# --- hand back -------------------------------------------------------------------------------------


class HandinDialog(QDialog):
    """*Filer → Aflever ændringer*: the change file, and whether the copy ends here (read-only
    afterwards) or the broker keeps working in it."""

    def __init__(self, laptop: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handinDialog")
        self.setWindowTitle(self.tr("Aflever ændringer"))
        assert laptop.laptop is not None
        copy = laptop.laptop
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Det, der er ændret i kopien, siden den blev taget med (eller siden sidste aflevering), skrives i én "
                "krypteret ændringsfil. Læg den på fællesdrevet eller en USB-nøgle, og indlæs den i teamkopien "
                "(Filer → Indlæs ændringer fra bærbar)."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName(self.tr("Ændringsfilen"))
        self.path_edit.setMinimumWidth(420)
        team_folder = Path(copy.team_path).parent
        folder = team_folder if team_folder.is_dir() else laptop.path.parent
        self.path_edit.setText(
            str(folder / f"{laptop.path.stem}-aflevering-{copy.seq + 1}{CHANGES_SUFFIX}")
        )
        form.addRow(self.tr("Ændringsfil:"), _path_row(self, self.path_edit, self.browse))
        layout.addLayout(form)
        self.finish_radio = QRadioButton(self.tr("Aflever og afslut kopien"), self)
        self.keep_radio = QRadioButton(self.tr("Aflever og arbejd videre"), self)
        self.finish_radio.setChecked(True)
        group = QButtonGroup(self)
        for radio, hint in (
            (
                self.finish_radio,
                self.tr(
                    "Kopien kan derefter kun læses. Tag en ny kopi med fra teamkopien næste gang."
                ),
            ),
            (
                self.keep_radio,
                self.tr(
                    "Du kan arbejde videre i kopien; næste aflevering har kun det, der ændres herefter."
                ),
            ),
        ):
            group.addButton(radio)
            layout.addWidget(radio)
            label = QLabel(hint, self)
            label.setObjectName("dialogHint")
            label.setWordWrap(True)
            label.setContentsMargins(24, 0, 0, 6)
            layout.addWidget(label)
        self.error = _error_and_buttons(self, layout, self.tr("Aflever"))

    def browse(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem ændringsfilen"),
            self.path_edit.text(),
            self.tr("Ændringsfiler (*.fsmchanges)"),
        )
        if path:
            self.path_edit.setText(path)

    @property
    def path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return (
            path
            if path.suffix.lower() == CHANGES_SUFFIX
            else path.with_name(path.name + CHANGES_SUFFIX)
        )

    @property
    def keep_working(self) -> bool:
        return self.keep_radio.isChecked()

    def accept(self) -> None:
        if not self.path_edit.text().strip():
            self.error.setText(self.tr("Skriv, hvor ændringsfilen skal gemmes."))
            self.error.show()
            return
        super().accept()


# --- merge -----------------------------------------------------------------------------------------


def changes_words(n: int) -> str:
    return count(n, _t("ændring"), _t("ændringer"))


def preview_line(plan: MergePlan) -> str:
    """ "Flytninger på tavlen: 12, kontakter: 30 og 4 poster i ændringsloggen"."""
    audit = len(plan.new_audit)
    if not plan.counts and not audit:
        return _t("Ingen ændringer at indlæse.")
    if not plan.counts:
        return _t("Kun {entries} i ændringsloggen.").format(
            entries=count(audit, _t("post"), _t("poster"))
        )
    return _t("{summary} og {entries} i ændringsloggen.").format(
        summary=summary_line(plan.counts), entries=count(audit, _t("post"), _t("poster"))
    )


def result_text(result: MergeResult, label: str) -> str:
    """ "Indlæst: 14 ændringer og 6 poster i ændringsloggen fra bærbar JF3 (1 konflikt afgjort)."."""
    if result.already_merged:
        return _t("Intet indlæst: filen er allerede indlæst.")
    text = _t("Indlæst: {changes} og {entries} i ændringsloggen fra {label}").format(
        changes=changes_words(result.applied),
        entries=count(result.audit_entries, _t("post"), _t("poster")),
        label=label,
    )
    decided = int((result.record.counts if result.record else {}).get("konflikter", 0))
    if decided:
        text += _t(" ({n} afgjort)").format(n=count(decided, _t("konflikt"), _t("konflikter")))
    return text + "."


class ConflictModel(QAbstractTableModel):
    """The conflicts of a merge, one a row, with the side the user chose for each (none yet at
    first): Borger, Hvad, Bærbar, Teamkopien, Valg. Only Valg is editable (``"team"`` or
    ``"laptop"``, by :attr:`SIDE_ROLE` or the edit role)."""

    CITIZEN, WHAT, LAPTOP, TEAM, CHOICE = range(5)
    HEADERS = (
        QT_TRANSLATE_NOOP("SyncDialogs", "Borger"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Hvad"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Bærbar"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Teamkopien"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Valg"),
    )
    CONFLICT_ROLE = Qt.ItemDataRole.UserRole.value + 1
    SIDE_ROLE = Qt.ItemDataRole.UserRole.value + 2
    UNDECIDED = QColor("#fff4d6")
    KEPT = QColor("#14532d")
    DROPPED = QColor("#7a8290")

    #: A choice was made or changed (how many are still open: :meth:`undecided`).
    choices_changed = Signal()

    def __init__(self, plan: MergePlan, parent=None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.conflicts: list[Conflict] = plan.conflicts
        self.choices: dict[str, Side] = {}
        self._rows = [self._texts(c) for c in self.conflicts]

    # --- texts ------------------------------------------------------------------------------------
    def _who(self, conflict: Conflict) -> str:
        if conflict.citizen_id is None:
            return "–"
        return self.plan.names.get(conflict.citizen_id, _t("(ukendt borger)"))

    def _value(self, conflict: Conflict, value: object) -> str:
        if isinstance(value, str) and value in self.plan.staff:
            return self.plan.staff[value]
        return value_words(conflict.table, conflict.field, value)

    def _texts(self, conflict: Conflict) -> tuple[str, str, str, str, str]:
        def dated(text: str, stamp: str | None) -> str:
            day = _day(stamp)
            return f"{text} ({day})" if day else text

        changed, deleted = _t("ændret"), _t("slettet")
        if conflict.kind == "field":
            what = field_words(conflict.table, conflict.field)
            laptop = dated(self._value(conflict, conflict.laptop), conflict.laptop_at)
            team = dated(self._value(conflict, conflict.team), conflict.team_at)
        else:
            what = TABLE_WORDS.get(conflict.table, conflict.table)
            laptop = (
                deleted
                if conflict.kind == "deleted_on_laptop"
                else dated(changed, conflict.laptop_at)
            )
            team = (
                deleted if conflict.kind == "deleted_on_team" else dated(changed, conflict.team_at)
            )
        line = conflict_line(conflict, self._who(conflict), self.plan.file.label, self.plan.staff)
        return self._who(conflict), what, laptop, team, line

    # --- choices ----------------------------------------------------------------------------------
    def side(self, row: int) -> Side | None:
        return self.choices.get(self.conflicts[row].id)

    def undecided(self) -> int:
        return sum(1 for c in self.conflicts if c.id not in self.choices)

    def choose(self, row: int, side: Side) -> bool:
        if side not in CHOICE_WORDS or not 0 <= row < len(self.conflicts):
            return False
        if self.choices.get(self.conflicts[row].id) == side:
            return True
        self.choices[self.conflicts[row].id] = side
        self.dataChanged.emit(self.index(row, self.LAPTOP), self.index(row, self.CHOICE))
        self.choices_changed.emit()
        return True

    def choose_all(self, side: Side) -> None:
        if not self.conflicts:
            return
        for conflict in self.conflicts:
            self.choices[conflict.id] = side
        self.dataChanged.emit(
            self.index(0, self.LAPTOP), self.index(len(self.conflicts) - 1, self.CHOICE)
        )
        self.choices_changed.emit()

    def decisions(self) -> dict[str, Side]:
        return dict(self.choices)

    # --- the model --------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.conflicts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return _t(self.HEADERS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.CHOICE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self.conflicts):
            return None
        row, column = index.row(), index.column()
        side = self.side(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CHOICE:
                return CHOICE_WORDS[side] if side else _t("vælg …")
            return self._rows[row][column]
        if role in (Qt.ItemDataRole.EditRole, self.SIDE_ROLE):
            return side or ""
        if role == self.CONFLICT_ROLE:
            return self.conflicts[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._rows[row][4]
        # The value that goes is struck out and grey; the one that stays is green (the same
        # width either way: the columns fit their texts once).
        if role == Qt.ItemDataRole.FontRole and side and column in (self.LAPTOP, self.TEAM):
            if (column == self.LAPTOP) == (side == "laptop"):
                return None
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and side and column in (self.LAPTOP, self.TEAM):
            return self.KEPT if (column == self.LAPTOP) == (side == "laptop") else self.DROPPED
        if role == Qt.ItemDataRole.BackgroundRole and column == self.CHOICE and not side:
            return self.UNDECIDED
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if (
            not index.isValid()
            or index.column() != self.CHOICE
            or role not in (Qt.ItemDataRole.EditRole, self.SIDE_ROLE)
        ):
            return False
        return self.choose(index.row(), value)


class ChoiceDelegate(QStyledItemDelegate):
    """The Valg column's editor: a combo of the two choices, applied as soon as one is picked."""

    def createEditor(self, parent, option, index):
        box = QComboBox(parent)
        box.setAccessibleName(_t("Valg"))
        box.setPlaceholderText(_t("vælg …"))
        for side in ("team", "laptop"):
            box.addItem(CHOICE_WORDS[side], side)  # type: ignore[index]
        box.activated.connect(lambda _=0, box=box: self.commitData.emit(box))
        return box

    def setEditorData(self, editor, index) -> None:
        editor.setCurrentIndex(editor.findData(index.data(ConflictModel.SIDE_ROLE) or None))

    def setModelData(self, editor, model, index) -> None:
        side = editor.currentData()
        if side:
            model.setData(index, side, Qt.ItemDataRole.EditRole)


class MergeDialog(QDialog):
    """*Filer → Indlæs ændringer fra bærbar*: what the change file does to the team copy, in
    domain words, then the conflicts, each with its choice; *Indlæs* (once every conflict has a
    choice) writes it all in one transaction (``project`` given: here, with the result in
    :attr:`merge_result`; else the caller writes with :meth:`decisions`)."""

    def __init__(
        self, plan: MergePlan, parent: QWidget | None = None, project: Project | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.plan = plan
        self.project = project
        self.merge_result: MergeResult | None = None
        changes = plan.file
        label = changes.label
        self.setWindowTitle(self.tr("Indlæs ændringer fra {label}").format(label=label))
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        meta = changes.meta
        handed = self.tr("Aflevering nr. {seq} fra {label}").format(seq=changes.seq, label=label)
        when = str(meta.get("handed_at") or "")
        if when:
            at = dt.datetime.fromisoformat(when)
            handed += self.tr(", afleveret {day} kl. {time} af {who}").format(
                day=f"{at:%d.%m.%Y}", time=f"{at:%H.%M}", who=meta.get("handed_by", "")
            )
        self.source_label = QLabel(handed + ".", self)
        self.source_label.setObjectName("dialogHint")
        self.source_label.setWordWrap(True)
        layout.addWidget(self.source_label)
        self.preview_label = QLabel(preview_line(plan), self)
        self.preview_label.setObjectName("factLine")
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.preview_label)

        self.model = ConflictModel(plan, self)
        self.view = QTableView(self)
        self.view.setObjectName("conflictTable")
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Konflikter"))
        self.delegate = ChoiceDelegate(self.view)
        self.view.setItemDelegateForColumn(ConflictModel.CHOICE, self.delegate)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.empty_label = QLabel(self.tr("Ingen konflikter: alle ændringer kan indlæses."), self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)

        self.conflicts_label = QLabel(self)
        self.conflicts_label.setWordWrap(True)
        self.team_all_button = QPushButton(self.tr("Behold teamkopiens i alle"), self)
        self.laptop_all_button = QPushButton(self.tr("Tag bærbarens i alle"), self)
        self.team_all_button.clicked.connect(lambda: self.model.choose_all("team"))
        self.laptop_all_button.clicked.connect(lambda: self.model.choose_all("laptop"))
        row = QHBoxLayout()
        row.addWidget(self.conflicts_label, 1)
        row.addWidget(self.team_all_button)
        row.addWidget(self.laptop_all_button)

        self.skipped_label = QLabel(self)
        self.skipped_label.setWordWrap(True)
        self.skipped_list = QListWidget(self)
        self.skipped_list.setAccessibleName(self.tr("Kan ikke indlæses"))
        for change, reason in plan.skipped:
            citizen = change.row.get("citizen_id") if change.table != "citizen" else change.key[0]
            who = plan.names.get(str(citizen), "") if citizen else ""
            what = TABLE_WORDS.get(change.table, change.table)
            self.skipped_list.addItem(f"{who}: {what} – {reason}" if who else f"{what} – {reason}")
        if plan.skipped:  # as tall as its lines, up to six
            lines = min(len(plan.skipped), 6) * max(self.skipped_list.sizeHintForRow(0), 1)
            self.skipped_list.setMaximumHeight(lines + 2 * self.skipped_list.frameWidth() + 4)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        done = plan.already_merged
        if done is not None:
            self.already_label = QLabel(
                self.tr(
                    "Filen er allerede indlæst {day} kl. {time} af {who}. Intet bliver ændret."
                ).format(day=f"{done.at:%d.%m.%Y}", time=f"{done.at:%H.%M}", who=done.by_user),
                self,
            )
            self.already_label.setObjectName("factLine")
            self.already_label.setWordWrap(True)
            self.preview_label.hide()
            layout.addWidget(self.already_label)
            layout.addStretch(1)
            for widget in (
                self.view,
                self.empty_label,
                self.conflicts_label,
                self.team_all_button,
                self.laptop_all_button,
                self.skipped_label,
                self.skipped_list,
            ):
                widget.hide()
            self.load_button = None
            self.buttons.addButton(QDialogButtonBox.StandardButton.Close).setText(self.tr("Luk"))
        else:
            layout.addSpacing(4)
            layout.addLayout(row)
            layout.addWidget(self.view, 3)
            layout.addWidget(self.empty_label)
            conflicts = len(self.model.conflicts)
            self.view.setVisible(bool(conflicts))
            self.empty_label.setVisible(not conflicts)
            for widget in (self.conflicts_label, self.team_all_button, self.laptop_all_button):
                widget.setVisible(bool(conflicts))
            layout.addWidget(self.skipped_label)
            layout.addWidget(self.skipped_list, 1)
            skipped = len(plan.skipped)
            self.skipped_label.setText(
                self.tr("Kan ikke indlæses ({n}): de springes over, resten indlæses.").format(
                    n=skipped
                )
            )
            self.skipped_label.setVisible(bool(skipped))
            self.skipped_list.setVisible(bool(skipped))
            if conflicts <= self.ROWS_SHOWN:  # the table shows every row: room left goes below
                layout.addStretch(1)
            self.load_button = self.buttons.addButton(
                self.tr("Indlæs"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.load_button.setDefault(True)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(
                self.tr("Annuller")
            )
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.model.choices_changed.connect(self._update)
        self._update()
        self._size_for()

    #: Conflicts shown without scrolling, at the most (more scroll; the dialog fits 1366×768).
    ROWS_SHOWN = 12

    def _size_for(self) -> None:
        """Columns to their contents (Valg wide enough for its combo), the table as tall as its
        rows up to :attr:`ROWS_SHOWN`, and the dialog no larger than a 1366×768 screen."""
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(max(header.sectionSize(column), 80), 340))
        metrics = self.view.fontMetrics()
        choice = max(metrics.horizontalAdvance(text) for text in CHOICE_WORDS.values()) + 56
        header.resizeSection(
            ConflictModel.CHOICE, max(header.sectionSize(ConflictModel.CHOICE), choice)
        )
        rows = self.model.rowCount()
        if rows:
            row = self.view.verticalHeader().defaultSectionSize()
            height = (
                header.sizeHint().height()
                + row * min(rows, self.ROWS_SHOWN)
                + 2 * self.view.frameWidth()
                + 2
            )
            if rows <= self.ROWS_SHOWN:
                self.view.setFixedHeight(height)  # every row shows: no empty table below them
            else:
                self.view.setMinimumHeight(height)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        most_w = min(1240, screen.width() - 40) if screen is not None else 1240
        most_h = min(700, screen.height() - 60) if screen is not None else 700
        width = (
            sum(header.sectionSize(c) for c in range(self.model.columnCount()))
            + 2 * self.view.frameWidth()
            + 30
        )
        width = max(760, min(width, most_w))
        layout = self.layout()
        layout.activate()
        height = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else self.sizeHint().height()
        )
        self.resize(width, min(height, most_h))

    def _update(self) -> None:
        undecided = self.model.undecided()
        total = len(self.model.conflicts)
        if total:
            text = count(total, self.tr("konflikt"), self.tr("konflikter"))
            if undecided:
                self.conflicts_label.setText(
                    self.tr(
                        "{conflicts}: begge kopier har ændret det samme. Vælg for hver, hvilken værdi der skal gælde "
                        "({open} mangler)."
                    ).format(conflicts=text, open=undecided)
                )
            else:
                self.conflicts_label.setText(
                    self.tr("{conflicts}: alle har et valg.").format(conflicts=text)
                )
        if self.load_button is not None:
            self.load_button.setEnabled(undecided == 0)
            self.load_button.setToolTip(
                self.tr("Vælg først for hver konflikt") if undecided else ""
            )

    def complete(self) -> bool:
        return self.plan.already_merged is None and self.model.undecided() == 0

    def decisions(self) -> dict[str, Side]:
        return self.model.decisions()

    def choose(self, row: int, side: Side) -> bool:
        return self.model.choose(row, side)

    def accept(self) -> None:
        if not self.complete():
            return
        if self.project is not None:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.merge_result = apply_merge(self.project, self.plan, decisions=self.decisions())
            except KnownError as error:
                self.error_label.setText(translate_error(error))
                self.error_label.show()
                return
            finally:
                QGuiApplication.restoreOverrideCursor()
        super().accept()
