"""The import dialog: reads an extract, shows what it would change, and imports it."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import EXTRACT_DATE_SOURCES, ImportCancelled, ImportPlan, Mapping
from fsm_desktop.domain.model import Citizen, ExitReason
from fsm_desktop.storage.imports import Ending, ImportRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.views.imports.mapping_dialog import _FIELD_NAMES, _REASONS, MappingDialog, _show
from fsm_desktop.views.imports.models import ChangesModel, ErrorsModel, MissingModel
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.tables import read_only_table
from fsm_desktop.views.kit.tasks import run_in_background


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportPage", text)


def _table_view(parent: QWidget, model: QAbstractTableModel, stretch: int) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    return read_only_table(view, stretch)


def _changes(plan: ImportPlan) -> list[tuple[Citizen, str]]:
    rows: list[tuple[Citizen, str]] = []
    leaving = {c.id for c in plan.leaving}
    for update in plan.citizens_updated:
        parts = []
        for name in update.fields:
            attribute = {
                "navn": "name",
                "gruppe": "group",
                "køn": "gender",
                "herkomst": "origin",
                "indgang": "entry_date",
                "afgang": "exit_date",
                "afgangsårsag": "exit_reason",
            }[name]
            parts.append(
                "{field}: {old} → {new}".format(
                    field=_FIELD_NAMES[name],
                    old=_show(getattr(update.old, attribute)),
                    new=_show(getattr(update.new, attribute)),
                )
            )
        rows.append((update.new, "; ".join(parts)))
    for citizen in plan.citizens_new:
        if citizen.id in leaving:
            rows.append(
                (
                    citizen,
                    _t("ny, men går ud af målgruppen {date} ({reason})").format(
                        date=date_text(citizen.exit_date),
                        reason=citizen.exit_reason.value,
                    ),
                )
            )
    for fact in plan.older:
        rows.append(
            (
                fact.citizen,
                _t(
                    "{what} {initials} pr. {day} er ældre end den gemte ({stored} fra {stored_day}): "
                    "ikke ændret"
                ).format(
                    what=fact.what,
                    initials=fact.initials,
                    day=date_text(fact.day),
                    stored=fact.stored,
                    stored_day=date_text(fact.stored_day),
                ),
            )
        )
    return rows


class ImportDialog(QDialog):
    """Read and check the file (worker thread, progress, cancel), preview, write (worker thread)."""

    imported = Signal(object)  # Committed

    PROGRESS, PREVIEW, DONE = range(3)

    def __init__(self, project: Project, source: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.project = project
        self.source = Path(source)
        self.mapping: Mapping | None = None
        #: The extract's date the user chose ("Udtræk pr."); None: the file's (name, else modified).
        self.as_of: dt.date | None = None
        self.prepared = None
        #: The last write found the project changed since preparing: the preview says so.
        self.prepared_again = False
        self.result = None
        #: The import is being written (a transaction on a worker): the dialog cannot be closed.
        self.writing = False
        self.cancel_event = threading.Event()
        self.setWindowTitle(self.tr("Importér {file}").format(file=self.source.name))
        self.resize(980, 640)
        outer = QVBoxLayout(self)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack, 1)
        self._build_progress()
        self._build_preview()
        self._build_done()
        self.buttons = QDialogButtonBox(self)
        self.mapping_button = self.buttons.addButton(
            self.tr("Tilknyt kolonner …"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.valid_button = self.buttons.addButton(
            self.tr("Importér kun gyldige rækker"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button = self.buttons.addButton(
            self.tr("Importér"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            self.tr("Annullér"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.close_button = self.buttons.addButton(
            self.tr("Luk"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.mapping_button.clicked.connect(self.edit_mapping)
        self.valid_button.clicked.connect(lambda: self.write(valid_rows_only=True))
        self.import_button.clicked.connect(lambda: self.write(valid_rows_only=False))
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        outer.addWidget(self.buttons)
        self._show(self.PROGRESS)

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
        # The day the extract's job brokers, caseworkers, CV and job goals hold from.
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
        layout.addLayout(as_of_row)
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
        layout.addLayout(grid)
        self.notes_label = QLabel(page)
        self.notes_label.setWordWrap(True)
        layout.addWidget(self.notes_label)
        self.tabs = QTabWidget(page)
        self.errors_model = ErrorsModel(self)
        self.errors_view = _table_view(self.tabs, self.errors_model, 3)
        self.changes_model = ChangesModel(self)
        self.changes_view = _table_view(self.tabs, self.changes_model, 2)
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
        self.missing_view = _table_view(missing_page, self.missing_model, 1)
        self.missing_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        missing_layout.addWidget(self.missing_view, 1)
        end_row = QHBoxLayout()
        self.select_all = QCheckBox(self.tr("Markér alle"), missing_page)
        self.select_all.toggled.connect(self.missing_model.set_all)
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
        for reason, label in _REASONS:
            self.end_reason.addItem(_t(label), reason.value)
        self.end_reason.setAccessibleName(self.tr("Afgangsårsag"))
        end_row.addWidget(self.end_reason)
        missing_layout.addLayout(end_row)
        self.tabs.addTab(self.errors_view, self.tr("Fejl"))
        self.tabs.addTab(self.changes_view, self.tr("Ændrede borgere"))
        self.tabs.addTab(missing_page, self.tr("Mangler i udtrækket"))
        layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)

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
        # A new extract date waits for a new check: the preview shows the old date's import.
        stale = preview and self.recheck_button.isVisible()
        self.mapping_button.setVisible(preview)
        self.import_button.setVisible(preview)
        # Only the valid rows: when they change something, or there are citizens to end.
        self.valid_button.setVisible(
            preview and bool(plan.errors) and bool(plan.changes or plan.missing)
        )
        self.valid_button.setEnabled(not stale)
        self.import_button.setEnabled(preview and not plan.errors and not stale)
        for button in (
            self.mapping_button,
            self.valid_button,
            self.cancel_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
        self.import_button.setDefault(preview and not plan.errors)
        self.close_button.setDefault(index == self.DONE)
        self.cancel_button.setVisible(index != self.DONE)
        self.close_button.setVisible(index == self.DONE)

    # --- reading and checking (worker thread) -----------------------------------------------------
    def start(self) -> None:
        """Read and check the file on a worker thread with its own connection."""
        self.cancel_event.clear()
        self.prepared = None
        self.progress_bar.setValue(0)
        self.progress_label.setText(self.tr("Læser filen …"))
        self._show(self.PROGRESS)
        connect, source, mapping, cancelled = (
            self.project.connector(),
            self.source,
            self.mapping,
            self.cancel_event.is_set,
        )
        as_of = self.as_of

        def work(report):
            from fsm_desktop.exchange.importer import prepare

            with connect() as project:
                return prepare(
                    project,
                    source,
                    mapping,
                    as_of,
                    progress=lambda f, text: report((f, text)),
                    cancelled=cancelled,
                )

        run_in_background(work, self._prepared, self._failed, self, self._progress)

    def _progress(self, value: tuple[float, str]) -> None:
        fraction, text = value
        self.progress_bar.setValue(int(fraction * 1000))
        self.progress_label.setText(QCoreApplication.translate("ImportPage", text))

    # --- the extract's date ---------------------------------------------------------------------
    def _as_of_changed(self, _date: QDate) -> None:
        """A new date is not used until the file is checked again with it: until then the
        import buttons wait (the preview shows what the old date would do)."""
        changed = (
            self.prepared is not None and self.as_of_edit.date().toPython() != self.prepared.as_of
        )
        self.recheck_button.setVisible(changed)
        self._show(self.stack.currentIndex())

    def recheck(self) -> None:
        self.as_of = self.as_of_edit.date().toPython()
        self.start()

    def _prepared(self, prepared) -> None:
        self.prepared = prepared
        self.mapping = prepared.mapping
        plan = prepared.plan
        self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(QDate(prepared.as_of))
        self.as_of_edit.blockSignals(False)
        self.recheck_button.setVisible(False)
        why = EXTRACT_DATE_SOURCES.get(prepared.as_of_source, "")
        self.as_of_hint.setText(
            self.tr("({why})").format(why=QCoreApplication.translate("ImportPage", why))
        )
        self.preview_title.setText(self._title(plan))
        c = plan.counts()
        values = {
            "citizens_new": c["citizens_new"],
            "citizens_updated": c["citizens_updated"],
            "citizens_unchanged": c["citizens_unchanged"],
            "periods_new": c["periods_new"],
            "periods_updated": c["periods_updated"],
            "periods_unchanged": c["periods_unchanged"],
            "hours_new": c["hours_new"],
            "hours_updated": c["hours_updated"],
            "hours_unchanged": c["hours_unchanged"],
            "staff_new": c["staff_new"],
            "staff_updated": c["staff_updated"],
            "staff_unchanged": c["staff_unchanged"],
        }
        for key, value in values.items():
            self.count_labels[key].setText(number(value))
        notes = []
        if self.prepared_again:
            self.prepared_again = False
            notes.append(
                self.tr(
                    "Projektet blev ændret, mens importen ventede, så intet blev skrevet. Forhåndsvisningen "
                    "er lavet igen ud fra det, der er gemt nu: tjek den, og importér igen."
                )
            )
        if plan.leaving:
            n = len(plan.leaving)
            text = (
                self.tr("1 borger går ud af målgruppen")
                if n == 1
                else self.tr("{n} borgere går ud af målgruppen").format(n=number(n))
            )
            notes.append(text + self.tr(" (fraflyttet, folkepension eller død)."))
        if plan.older:
            n = len(plan.older)
            text = (
                self.tr("1 tilknytning i udtrækket er ældre")
                if n == 1
                else self.tr("{n} tilknytninger i udtrækket er ældre").format(n=number(n))
            )
            notes.append(
                text
                + self.tr(" end det, projektet har, og ændres ikke – se fanen Ændrede borgere.")
            )
        if plan.status_history:
            notes.append(
                self.tr(
                    "{n} CV- og jobmålsregistreringer ligger før nyere registreringer: de gemmes som "
                    "historik, og de nyere gælder fortsat."
                ).format(n=number(plan.status_history))
            )
        if plan.rejected:
            n = len(plan.rejected)
            text = (
                self.tr("1 række afvises")
                if n == 1
                else self.tr("{n} rækker afvises").format(n=number(n))
            )
            notes.append(text + self.tr(" – se fanen Fejl."))
        if plan.ignored_sheets:
            notes.append(
                self.tr(
                    "Ark, der ikke blev genkendt, og som ignoreres: {sheets}. Brug »Tilknyt kolonner«, hvis de skal med."
                ).format(sheets=", ".join(f"»{s}«" for s in plan.ignored_sheets))
            )
        if self.mapping is not None and self.mapping.name:
            notes.append(
                self.tr("Kolonnerne er tilknyttet med »{name}«.").format(name=self.mapping.name)
            )
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))
        self.errors_model.set_rows(plan.errors)
        self.changes_model.set_rows(_changes(plan))
        self.missing_model.set_rows(plan.missing)
        self.select_all.setChecked(False)
        self.tabs.setTabText(0, self.tr("Fejl ({n})").format(n=number(len(plan.errors))))
        self.tabs.setTabText(
            1, self.tr("Ændrede borgere ({n})").format(n=number(self.changes_model.rowCount()))
        )
        self.tabs.setTabText(
            2, self.tr("Mangler i udtrækket ({n})").format(n=number(len(plan.missing)))
        )
        self.tabs.setCurrentIndex(
            0 if plan.errors else (1 if self.changes_model.rowCount() else 2 if plan.missing else 0)
        )
        self._show(self.PREVIEW)

    def _title(self, plan: ImportPlan) -> str:
        if plan.errors:
            return self.tr(
                "{file}: {n} fejl. Intet importeres, før fejlene er rettet – eller importér kun de gyldige rækker."
            ).format(file=self.source.name, n=number(len(plan.errors)))
        if not plan.changes:
            return self.tr(
                "{file}: projektet har allerede alt i filen. En import ændrer intet."
            ).format(file=self.source.name)
        return self.tr("{file} er kontrolleret. Sådan vil importen ændre projektet:").format(
            file=self.source.name
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportCancelled):
            self.done_label.setText(self.tr("Importen er annulleret. Intet er skrevet."))
        elif isinstance(exc, KnownError):
            self.done_label.setText(translate_error(exc) + "\n\n" + self.tr("Intet er skrevet."))
        else:
            self.done_label.setText(self.tr("Importen mislykkedes. Intet er skrevet."))
            self._show(self.DONE)
            raise exc
        self._show(self.DONE)

    def cancel(self) -> None:
        if (
            self.stack.currentIndex() == self.PROGRESS
            and self.prepared is None
            and self.result is None
        ):
            self.cancel_event.set()
            self.progress_label.setText(self.tr("Annullerer …"))
            return
        self.reject()

    def reject(self) -> None:
        if self.writing:
            # The transaction runs to its end; closing now would lose what it did.
            return
        self.cancel_event.set()
        super().reject()

    # --- mapping -------------------------------------------------------------------------------------
    def edit_mapping(self) -> MappingDialog | None:
        if self.prepared is None:
            return None
        dialog = MappingDialog(self.prepared.sheets, self.prepared.signature, self.mapping, self)
        dialog.accepted.connect(lambda: self._use_mapping(dialog.mapping()))
        dialog.open()
        return dialog

    def _use_mapping(self, mapping: Mapping) -> None:
        ImportRepository(self.project).save_mapping(mapping)
        self.mapping = mapping
        self.start()

    # --- writing (worker thread) ------------------------------------------------------------------
    def endings(self) -> list[Ending]:
        day = self.end_date.date().toPython()
        reason = ExitReason(self.end_reason.currentData())
        return [Ending(c.id, day, reason) for c in self.missing_model.checked()]

    def write(self, valid_rows_only: bool) -> None:
        if self.prepared is None:
            return
        endings = self.endings()
        for ending in endings:
            citizen = next(c for c in self.missing_model.checked() if c.id == ending.citizen_id)
            if citizen.entry_date is not None and ending.exit_date < citizen.entry_date:
                QMessageBox.warning(
                    self,
                    self.windowTitle(),
                    self.tr(
                        "Afgangsdatoen {date} ligger før {name}s indgang {entry}. Vælg en senere dato."
                    ).format(
                        date=date_text(ending.exit_date),
                        name=citizen.name,
                        entry=date_text(citizen.entry_date),
                    ),
                )
                return
        prepared, connect = self.prepared, self.project.connector()
        self.progress_bar.setRange(0, 0)  # busy: one transaction, no steps to count
        self.progress_label.setText(self.tr("Skriver i projektet …"))
        self.progress_note.setText(
            self.tr("Alt skrives i én transaktion: enten det hele eller intet.")
        )
        self._show(self.PROGRESS)
        self.cancel_button.setEnabled(False)
        self.writing = True

        def work(report):
            from fsm_desktop.exchange.importer import commit

            with connect() as project:
                return commit(
                    project, prepared, valid_rows_only, endings, progress=lambda step: report(step)
                )

        run_in_background(work, self._written, self._write_failed, self, self._write_step)

    def _write_step(self, step: str) -> None:
        self.progress_label.setText(
            self.tr("Skriver {what} …").format(what=QCoreApplication.translate("ImportPage", step))
        )

    def _written(self, result) -> None:
        self.writing = False
        self.result = result
        self.progress_bar.setRange(0, 1000)
        self.cancel_button.setEnabled(True)
        plan = self.prepared.plan
        text = self.tr("Importeret: {summary}.").format(summary=plan.summary())
        ended = result.record.counts.get("ended", 0)
        if ended:
            text += "\n" + (
                self.tr("1 borger er afsluttet.")
                if ended == 1
                else self.tr("{n} borgere er afsluttet.").format(n=number(ended))
            )
        if result.error_report is not None:
            text += "\n\n" + self.tr("De afviste rækker står i {path}.").format(
                path=str(result.error_report)
            )
        elif result.report_error is not None:  # the import stands; only its report is missing
            text += "\n\n" + translate_error(result.report_error)
        text += "\n\n" + self.tr("Importen kan fortrydes som helhed på siden Import.")
        self.done_label.setText(text)
        self._show(self.DONE)
        self.imported.emit(result)

    def _write_failed(self, exc: BaseException) -> None:
        from fsm_desktop.exchange.importer import ImportRefused
        from fsm_desktop.storage.imports import ImportConflict

        self.writing = False
        self.progress_bar.setRange(0, 1000)
        self.cancel_button.setEnabled(True)
        if isinstance(exc, ImportConflict):  # prepared on rows that changed since: again
            self.prepared_again = True
            self.start()
            return
        if isinstance(exc, ImportRefused):  # its message says that nothing is written
            self.done_label.setText(translate_error(exc))
            self._show(self.DONE)
            return
        if isinstance(exc, KnownError):
            self.done_label.setText(translate_error(exc) + "\n\n" + self.tr("Intet er skrevet."))
            self._show(self.DONE)
            return
        self.done_label.setText(self.tr("Importen mislykkedes. Intet er skrevet."))
        self._show(self.DONE)
        raise exc
