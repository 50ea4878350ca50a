"""The merge dialog: what a laptop copy's changes would do to the team copy, with a choice for each
conflict."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import count, date_dots
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.sync import CHOICE_WORDS, TABLE_WORDS, Side, summary_line
from fsm_desktop.operations.sync import merge
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.sync import ChangeFile, MergePlan, MergeRecord, MergeResult
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.sync.models import ChoiceDelegate, ConflictModel


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncDialogs", text)


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
        self._build_header(layout, changes)
        self._build_conflicts_table()
        row = self._build_conflicts_row()
        self._build_skipped(plan)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        done = plan.already_merged
        self.load_button: QPushButton | None
        if done is not None:
            self._lay_out_already_merged(layout, done)
        else:
            self._lay_out_merge(layout, row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.model.choices_changed.connect(self._update)
        self._update()
        self._size_for()

    # --- building -------------------------------------------------------------------------------------
    def _build_header(self, layout: QVBoxLayout, changes: ChangeFile) -> None:
        """Which hand-in of which laptop this is, and what it does in domain words."""
        label = changes.label
        plan = self.plan
        meta = changes.meta
        handed = self.tr("Aflevering nr. {seq} fra {label}").format(seq=changes.seq, label=label)
        when = str(meta.get("handed_at") or "")
        if when:
            at = dt.datetime.fromisoformat(when)
            handed += self.tr(", afleveret {day} kl. {time} af {who}").format(
                day=date_dots(at), time=f"{at:%H.%M}", who=meta.get("handed_by", "")
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

    def _build_conflicts_table(self) -> None:
        """The conflicts, each with its choice (edited in place), or a line saying there are none."""
        self.model = ConflictModel(self.plan, self)
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

    def _build_conflicts_row(self) -> QHBoxLayout:
        """How many conflicts are left, and a choice for all of them at once."""
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
        return row

    def _build_skipped(self, plan: MergePlan) -> None:
        """The changes that cannot be loaded, each with its reason."""
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

    def _lay_out_already_merged(self, layout: QVBoxLayout, done: MergeRecord) -> None:
        """The file was loaded before: say when and by whom; nothing to choose, only Close."""
        self.already_label = QLabel(
            self.tr(
                "Filen er allerede indlæst {day} kl. {time} af {who}. Intet bliver ændret."
            ).format(day=date_dots(done.at), time=f"{done.at:%H.%M}", who=done.by_user),
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

    def _lay_out_merge(self, layout: QVBoxLayout, row: QHBoxLayout) -> None:
        """The conflicts, the skipped changes and Load (Indlæs) with Cancel."""
        plan = self.plan
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
            self.tr("Kan ikke indlæses ({n}): de springes over, resten indlæses.").format(n=skipped)
        )
        self.skipped_label.setVisible(bool(skipped))
        self.skipped_list.setVisible(bool(skipped))
        if conflicts <= self.ROWS_SHOWN:  # the table shows every row: room left goes below
            layout.addStretch(1)
        self.load_button = self.buttons.addButton(
            self.tr("Indlæs"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.load_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuller"))

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
        assert layout is not None, "the dialog's layout is made in __init__"
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
                self.merge_result = merge(self.project, self.plan, decisions=self.decisions()).value
            except KnownError as error:
                self.error_label.setText(translate_error(error))
                self.error_label.show()
                return
            finally:
                QGuiApplication.restoreOverrideCursor()
        super().accept()
