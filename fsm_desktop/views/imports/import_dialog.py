"""The import dialog: reads an extract, shows what it would change, and imports it."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import ImportCancelled, ImportPlan
from fsm_desktop.domain.model import Citizen, ExitReason
from fsm_desktop.exchange.import_format import EXTRACT_DATE_SOURCES, Mapping
from fsm_desktop.operations import imports as import_ops
from fsm_desktop.storage.imports import Ending
from fsm_desktop.storage.project import Project
from fsm_desktop.views.imports.import_pages import ImportDialogPages
from fsm_desktop.views.imports.mapping_dialog import _FIELD_NAMES, MappingDialog, _show
from fsm_desktop.views.kit.dates import pydate, qdate
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.tasks import run_in_background

if TYPE_CHECKING:
    from fsm_desktop.exchange.importer import Committed, Prepared


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportPage", text)


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
        if citizen.id not in leaving:
            rows.append((citizen, _t("ny borger")))
        else:
            assert citizen.exit_reason is not None, "a leaving citizen has a leaving reason"
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


class ImportDialog(ImportDialogPages, QDialog):
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
        self.prepared: Prepared | None = None
        #: The last write found the project changed since preparing: the preview says so.
        self.prepared_again = False
        self.committed: Committed | None = None
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
            self.prepared is not None and pydate(self.as_of_edit.date()) != self.prepared.as_of
        )
        self.recheck_button.setVisible(changed)
        self._show(self.stack.currentIndex())

    def recheck(self) -> None:
        self.as_of = pydate(self.as_of_edit.date())
        self.start()

    def _prepared(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.mapping = prepared.mapping
        plan = prepared.plan
        assert prepared.as_of is not None, "prepare() dates every extract (given, else found)"
        self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(qdate(prepared.as_of))
        self.as_of_edit.blockSignals(False)
        self.recheck_button.setVisible(False)
        why = EXTRACT_DATE_SOURCES.get(prepared.as_of_source, "")
        self.as_of_hint.setText(
            self.tr("({why})").format(why=QCoreApplication.translate("ImportPage", why))
        )
        self.preview_title.setText(self._title(plan))
        self._show_counts(plan)
        notes = self._notes(plan)
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))
        self._fill_tabs(plan)
        self._show(self.PREVIEW)

    def _show_counts(self, plan: ImportPlan) -> None:
        """New, changed and unchanged citizens, periods, hours and staff in the grid."""
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

    def _notes(self, plan: ImportPlan) -> list[str]:
        """What the preview says besides the counts: who leaves, what is older, what is rejected
        or ignored, and the mapping used."""
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
                + self.tr(
                    " end det, projektet har, og ændres ikke – se fanen Nye og ændrede borgere."
                )
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
        return notes

    def _fill_tabs(self, plan: ImportPlan) -> None:
        """The errors, the changed citizens and the missing ones, with their numbers; the first
        tab with something in it is shown."""
        self.errors_model.set_rows(plan.errors)
        self.changes_model.set_rows(_changes(plan))
        self.missing_model.set_rows(plan.missing)
        self.select_all.setChecked(False)
        self.tabs.setTabText(0, self.tr("Fejl ({n})").format(n=number(len(plan.errors))))
        self.tabs.setTabText(
            1,
            self.tr("Nye og ændrede borgere ({n})").format(n=number(self.changes_model.rowCount())),
        )
        self.tabs.setTabText(
            2, self.tr("Mangler i udtrækket ({n})").format(n=number(len(plan.missing)))
        )
        # Errors stop the import (»Importér« waits until they are fixed, or only the valid rows
        # are chosen): they come first. Otherwise what the file adds and changes: never the
        # citizens missing from it, who are only ended when chosen one by one.
        self.tabs.setCurrentIndex(0 if plan.errors else 1)

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
            and self.committed is None
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
        import_ops.save_mapping(self.project, mapping)
        self.mapping = mapping
        self.start()

    # --- writing (worker thread) ------------------------------------------------------------------
    def endings(self) -> list[Ending]:
        day = pydate(self.end_date.date())
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
            with connect() as project:
                return import_ops.import_file(
                    project, prepared, valid_rows_only, endings, progress=lambda step: report(step)
                ).value

        run_in_background(work, self._written, self._write_failed, self, self._write_step)

    def _write_step(self, step: str) -> None:
        self.progress_label.setText(
            self.tr("Skriver {what} …").format(what=QCoreApplication.translate("ImportPage", step))
        )

    def _written(self, result: Committed) -> None:
        self.writing = False
        self.committed = result
        self.progress_bar.setRange(0, 1000)
        self.cancel_button.setEnabled(True)
        assert self.prepared is not None, "what is written was prepared (write)"
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
