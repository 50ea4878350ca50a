"""The import dialog's pages: the progress while reading, the preview of what the import changes,
and the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import number
from fsm_desktop.views.imports.mapping_dialog import _REASONS
from fsm_desktop.views.imports.models import ChangesModel, ErrorsModel, MissingModel
from fsm_desktop.views.kit.tables import model_table

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog as _DialogBase
    from PySide6.QtWidgets import QStackedWidget

    from fsm_desktop.exchange.importer import Prepared
else:
    _DialogBase = object


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportPage", text)


class ImportDialogPages(_DialogBase):
    """Mixed into ImportDialog: the import dialog's pages: the progress while reading, the
    preview of what the import changes, and the result."""

    #: »Markér alle« asks before marking more missing citizens than this to be ended.
    ASK_ABOVE = 10

    if TYPE_CHECKING:  # what ImportDialog provides
        PREVIEW: int
        DONE: int
        stack: QStackedWidget
        prepared: Prepared | None
        mapping_button: QPushButton
        valid_button: QPushButton
        import_button: QPushButton
        cancel_button: QPushButton
        close_button: QPushButton

        def recheck(self) -> None: ...
        def _as_of_changed(self, _date: QDate) -> None: ...

    # --- pages ------------------------------------------------------------------------------------
    def _build_progress(self) -> None:
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.progress_label = QLabel(self.tr("Læser filen …"), page)
        self.progress_label.setObjectName("factLine")
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setAccessibleName(self.tr("Fremdrift"))
        self.progress_note = QLabel(
            self.tr("Intet skrives, før du har set, hvad importen vil gøre."), page
        )
        self.progress_note.setObjectName("dialogHint")
        self.progress_note.setWordWrap(True)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_note)
        layout.addStretch(2)
        self.stack.addWidget(page)

    def _build_preview(self) -> None:
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        self.preview_title = QLabel(page)
        self.preview_title.setObjectName("factLine")
        self.preview_title.setWordWrap(True)
        layout.addWidget(self.preview_title)
        layout.addLayout(self._build_as_of_row(page))
        layout.addLayout(self._build_counts(page))
        self.notes_label = QLabel(page)
        self.notes_label.setWordWrap(True)
        layout.addWidget(self.notes_label)
        self.tabs = QTabWidget(page)
        self.errors_model = ErrorsModel(self)
        self.errors_view = model_table(self.tabs, self.errors_model, 3)
        self.changes_model = ChangesModel(self)
        self.changes_view = model_table(self.tabs, self.changes_model, 2)
        missing_page = self._build_missing_page()
        self.tabs.addTab(self.errors_view, self.tr("Fejl"))
        self.tabs.addTab(self.changes_view, self.tr("Nye og ændrede borgere"))
        self.tabs.addTab(missing_page, self.tr("Mangler i udtrækket"))
        layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)

    def _build_as_of_row(self, page: QWidget) -> QHBoxLayout:
        """The day the extract's job brokers, caseworkers, CV and job goals hold from."""
        as_of_row = QHBoxLayout()
        as_of_label = QLabel(self.tr("Udtræk pr.:"), page)
        self.as_of_edit = QDateEdit(QDate.currentDate(), page)
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("dd-MM-yyyy")
        self.as_of_edit.setMaximumDate(QDate.currentDate())
        self.as_of_edit.setAccessibleName(self.tr("Udtræk pr."))
        self.as_of_edit.setToolTip(
            self.tr(
                "Den dag, udtrækket blev lavet. Jobformidler, sagsbehandler, CV og jobmål i filen gælder fra den dag "
                "(kolonnerne jobformidler_fra, sagsbehandler_fra, cv_jobnet_fra og jobmål_fra går forud)."
            )
        )
        as_of_label.setBuddy(self.as_of_edit)
        self.as_of_hint = QLabel(page)
        self.as_of_hint.setObjectName("dialogHint")
        self.recheck_button = QPushButton(self.tr("Kontrollér med den nye dato"), page)
        self.recheck_button.setAutoDefault(False)
        self.recheck_button.clicked.connect(self.recheck)
        self.recheck_button.setVisible(False)
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        as_of_row.addWidget(as_of_label)
        as_of_row.addWidget(self.as_of_edit)
        as_of_row.addWidget(self.as_of_hint)
        as_of_row.addWidget(self.recheck_button)
        as_of_row.addStretch(1)
        return as_of_row

    def _build_counts(self, page: QWidget) -> QGridLayout:
        """New, changed and unchanged citizens, periods, hours and staff."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        self.count_labels: dict[str, QLabel] = {}
        rows = [
            ("citizens", self.tr("Borgere")),
            ("periods", self.tr("Forløb")),
            ("hours", self.tr("Løntimer (måneder)")),
            ("staff", self.tr("Medarbejdere")),
        ]
        for column, caption in enumerate(
            (self.tr("nye"), self.tr("ændrede"), self.tr("uændrede")), start=1
        ):
            label = QLabel(caption, page)
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
            label.setObjectName("dialogHint")
            grid.addWidget(label, 0, column)
        for r, (key, caption) in enumerate(rows, start=1):
            grid.addWidget(QLabel(caption, page), r, 0)
            for column, kind in enumerate(("new", "updated", "unchanged"), start=1):
                value = QLabel("–", page)
                value.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(value, r, column)
                self.count_labels[f"{key}_{kind}"] = value
        grid.setColumnStretch(4, 1)
        return grid

    def _build_missing_page(self) -> QWidget:
        """The citizens missing from the extract, to be ended with the import when chosen."""
        self.missing_model = MissingModel(self)
        missing_page = QWidget(self.tabs)
        missing_layout = QVBoxLayout(missing_page)
        missing_hint = QLabel(
            self.tr(
                "Borgerne står i projektet, men ikke i udtrækket. De slettes aldrig. Markér dem, der er "
                "gået ud, og vælg dato og årsag – så afsluttes de sammen med importen."
            ),
            missing_page,
        )
        missing_hint.setWordWrap(True)
        missing_hint.setObjectName("dialogHint")
        missing_layout.addWidget(missing_hint)
        self.missing_view = model_table(missing_page, self.missing_model, 1)
        self.missing_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        missing_layout.addWidget(self.missing_view, 1)
        missing_layout.addLayout(self._build_end_row(missing_page))
        return missing_page

    def _build_end_row(self, missing_page: QWidget) -> QHBoxLayout:
        """All or none of the missing, and the day and reason they leave with."""
        end_row = QHBoxLayout()
        self.select_all = QCheckBox(self.tr("Markér alle"), missing_page)
        self.select_all.toggled.connect(self._select_all_toggled)
        end_row.addWidget(self.select_all)
        end_row.addStretch(1)
        end_row.addWidget(QLabel(self.tr("Afgangsdato:"), missing_page))
        self.end_date = QDateEdit(QDate.currentDate(), missing_page)
        self.end_date.setCalendarPopup(True)
        self.end_date.setDisplayFormat("dd-MM-yyyy")
        self.end_date.setAccessibleName(self.tr("Afgangsdato"))
        end_row.addWidget(self.end_date)
        end_row.addWidget(QLabel(self.tr("Årsag:"), missing_page))
        self.end_reason = QComboBox(missing_page)
        for reason, reason_label in _REASONS:
            self.end_reason.addItem(_t(reason_label), reason.value)
        self.end_reason.setAccessibleName(self.tr("Afgangsårsag"))
        end_row.addWidget(self.end_reason)
        return end_row

    def _select_all_toggled(self, checked: bool) -> None:
        """All the missing citizens are marked to be ended; more than ASK_ABOVE only when the
        user says so (one click could otherwise end hundreds)."""
        n = self.missing_model.rowCount()
        if checked and n > self.ASK_ABOVE:
            answer = QMessageBox.question(
                self,
                self.tr("Markér alle"),
                self.tr(
                    "Markér alle {n} borgere, der mangler i udtrækket? De afsluttes alle sammen med "
                    "importen."
                ).format(n=number(n)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.select_all.blockSignals(True)
                self.select_all.setChecked(False)
                self.select_all.blockSignals(False)
                return
        self.missing_model.set_all(checked)

    def _build_done(self) -> None:
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.done_label = QLabel(page)
        self.done_label.setObjectName("factLine")
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.done_label)
        layout.addStretch(2)
        self.stack.addWidget(page)

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        plan = self.prepared.plan if self.prepared is not None else None
        preview = index == self.PREVIEW and plan is not None
        has_errors = plan is not None and bool(plan.errors)
        changes = plan is not None and bool(plan.changes or plan.missing)
        # A new extract date waits for a new check: the preview shows the old date's import.
        stale = preview and self.recheck_button.isVisible()
        self.mapping_button.setVisible(preview)
        self.import_button.setVisible(preview)
        # Only the valid rows: when they change something, or there are citizens to end.
        self.valid_button.setVisible(preview and has_errors and changes)
        self.valid_button.setEnabled(not stale)
        self.import_button.setEnabled(preview and not has_errors and not stale)
        for button in (
            self.mapping_button,
            self.valid_button,
            self.cancel_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
        self.import_button.setDefault(preview and not has_errors)
        self.close_button.setDefault(index == self.DONE)
        self.cancel_button.setVisible(index != self.DONE)
        self.close_button.setVisible(index == self.DONE)
