"""Import: save the template, import an extract (read and checked off the GUI thread, with a
progress bar and a cancel button; a preview before anything is written), map the columns of
other layouts, end citizens missing from the extract, and undo an import as a whole."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    Qt,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QWidget,
)

from fsm_desktop.domain.danish import datetime_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations import imports as import_ops
from fsm_desktop.operations.changes import Changes
from fsm_desktop.storage.imports import ImportRecord, ImportRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.views.imports.import_dialog import ImportDialog
from fsm_desktop.views.imports.models import (
    ImportsModel,
)
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tables import model_table
from fsm_desktop.views.kit.tasks import run_in_background


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportPage", text)


# --- the page ---------------------------------------------------------------------------------------


class ImportPage(Page):
    key = "import"
    #: The list of imports (and the template's export, which reads the project).
    shows = Changes(imports=True)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Import"),
            self.tr(
                "Indlæs målgruppen og dens historik fra udtræk fra Momentum, Fasit og jobindsats.dk "
                "(Excel eller CSV). Filen kontrolleres, før noget skrives, og hver import kan fortrydes."
            ),
            parent,
        )
        buttons = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Importér fil …"), self)
        self.import_button.setDefault(True)
        self.template_button = QPushButton(self.tr("Gem skabelon …"), self)
        self.export_button = QPushButton(self.tr("Eksportér projektet til skabelonen …"), self)
        self.undo_button = QPushButton(self.tr("Fortryd seneste import"), self)
        for button in (self.import_button, self.template_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        # The export holds personal data and is written to the audit log, which a project open
        # read-only cannot write: hidden then, as what writes.
        self.writes(self.import_button, self.export_button, self.undo_button)
        self.team_only("Import", self.import_button, self.undo_button)
        self.export_button.setToolTip(
            self.tr(
                "Projektets borgere, forløb, løntimer og medarbejdere i skabelonen. Filen indeholder "
                "personoplysninger (CPR-numre og navne), og eksporten skrives i projektets log."
            )
        )
        self.body.addLayout(buttons)
        self.import_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        self.export_button.clicked.connect(self.export_project)
        self.undo_button.clicked.connect(self.undo_latest)
        self.list_heading = heading = QLabel(self.tr("Tidligere importer"), self)
        heading.setObjectName("comingHeading")
        self.body.addWidget(heading)
        self.model = ImportsModel(self)
        self.view = model_table(self, self.model, 1)
        self.empty_label = QLabel(
            self.tr(
                "Ingen importer endnu. Gem skabelonen, udfyld den med et udtræk (eller brug udtrækket, "
                "som det er, og tilknyt kolonnerne), og importér filen."
            ),
            self,
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.body.addWidget(self.empty_label)
        self.body.addWidget(self.view, 1)
        # Takes the room the list takes once there is one: with no imports, the heading and the
        # words under it stay by the buttons instead of being spread down the page.
        self.body.addStretch(0)
        self.dialog: ImportDialog | None = None

    def load(self, project: Project) -> None:
        records = ImportRepository(project).batches()
        self.model.set_rows(records)
        self.empty_label.setVisible(not records)
        self.view.setVisible(bool(records))
        latest = next((r for r in records if not r.undone), None)
        laptop = self.team_only_reason("Import")  # imports belong to the team copy
        self.undo_button.setEnabled(latest is not None and laptop is None)
        self.undo_button.setToolTip(
            laptop
            if laptop is not None
            else self.tr("Fortryd importen af {file} fra {at}").format(
                file=latest.file, at=datetime_text(latest.at)
            )
            if latest
            else self.tr("Ingen import at fortryde")
        )

    # --- actions --------------------------------------------------------------------------------------
    def _tell(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def _folder(self) -> str:
        return str(self.project.path.parent) if self.project is not None else ""

    def choose_file(self) -> None:
        if self.project is None or self.refuse_if_team_only("Import"):
            return
        path, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Importér udtræk"),
            self._folder(),
            self.tr("Regneark (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.txt);;Alle filer (*)"),
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> ImportDialog:
        assert self.project is not None
        self.dialog = ImportDialog(self.project, path, self)
        self.dialog.imported.connect(self._imported)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog.open()
        self.dialog.start()
        return self.dialog

    def _imported(self, _result) -> None:
        if self.project is not None:
            self.load(self.project)
        self.changed.emit(import_ops.IMPORTED, self)

    def save_template(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem importskabelon"),
            str(Path(self._folder()) / self.tr("FSM-importskabelon.xlsx")),
            self.tr("Excel-projektmappe (*.xlsx)"),
        )
        if path:
            self.write_template(path)

    def write_template(self, path: str | Path, with_data: bool = False) -> bool:
        """The template, empty or ``with_data`` (the project's rows: personal data, recorded in
        its audit log by :func:`export_template`)."""
        from fsm_desktop.exchange.template import export_template, write_template

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        try:
            if with_data and self.project is not None:
                path = export_template(self.project, path)
            else:
                own = self.project.template.period_kinds if self.project is not None else ()
                write_template(path, own_kinds=[kind.label for kind in own])
        except KnownError as error:
            QMessageBox.warning(
                self, self.tr("Skabelonen kunne ikke gemmes"), translate_error(error)
            )
            return False
        self._tell(self.tr("Gemt: {path}").format(path=str(path)))
        return True

    def export_project(self) -> None:
        from fsm_desktop.exchange.template import require_audit
        from fsm_desktop.views.citizens.register import get_personal_data_file_name

        if self.project is None:
            return
        try:
            require_audit(self.project)  # before the user picks a file, not after
        except KnownError as error:
            QMessageBox.warning(
                self, self.tr("Projektet kan ikke eksporteres"), translate_error(error)
            )
            return
        path = get_personal_data_file_name(
            self,
            self.tr("Eksportér projektet"),
            str(Path(self._folder()) / f"{self.project.path.stem}-eksport.xlsx"),
            self.tr("Excel-projektmappe (*.xlsx)"),
            self.tr(
                "Filen indeholder personoplysninger (CPR-numre og navne). Gem den kun et sikkert sted, og slet "
                "den, når du ikke skal bruge den mere. Eksporten skrives i projektets log."
            ),
        )
        if path:
            self.write_template(path, with_data=True)

    def undo_latest(self, confirm: bool = True) -> bool:
        if self.project is None:
            return False
        latest = ImportRepository(self.project).latest_undoable()
        if latest is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Fortryd import"),
                self.tr(
                    "Fortryd importen af {file} fra {at}?\n\n{what}\n\nDe borgere, forløb, løntimer og "
                    "medarbejdere, importen tilføjede, fjernes, og det, den ændrede, får sine tidligere "
                    "værdier."
                ).format(
                    file=latest.file, at=datetime_text(latest.at), what=self._undo_what(latest)
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        connect = self.project.connector()
        self.undo_button.setEnabled(False)

        def work():
            with connect() as project:
                return import_ops.undo_import(project, latest.id).value

        run_in_background(work, self._undone, self._undo_failed, self)
        return True

    def _undo_what(self, record: ImportRecord) -> str:
        """What the import added and changed, from its record's counts: what undoing takes back."""
        c = record.counts
        lines = [self.tr("Importen tilføjede og ændrede:")]
        for caption, new, updated in (
            (self.tr("Borgere"), "citizens_new", "citizens_updated"),
            (self.tr("Forløb"), "periods_new", "periods_updated"),
            (self.tr("Løntimer (måneder)"), "hours_new", "hours_updated"),
            (self.tr("Medarbejdere"), "staff_new", "staff_updated"),
        ):
            added, changed = c.get(new, 0), c.get(updated, 0)
            lines.append(
                "{what}: {added}, {changed}".format(
                    what=caption,
                    added=self.tr("1 ny")
                    if added == 1
                    else self.tr("{n} nye").format(n=number(added)),
                    changed=self.tr("1 ændret")
                    if changed == 1
                    else self.tr("{n} ændrede").format(n=number(changed)),
                )
            )
        ended = c.get("ended", 0)
        if ended:
            lines.append(
                self.tr("1 borger blev afsluttet")
                if ended == 1
                else self.tr("{n} borgere blev afsluttet").format(n=number(ended))
            )
        return "\n".join(lines)

    def _undone(self, record: ImportRecord) -> None:
        if self.project is not None:
            self.load(self.project)
        self._tell(self.tr("Importen af {file} er fortrudt.").format(file=record.file))
        self.changed.emit(import_ops.IMPORTED, self)

    def _undo_failed(self, exc: BaseException) -> None:
        if self.project is not None:
            self.load(self.project)
        if isinstance(exc, KnownError):
            QMessageBox.warning(
                self, self.tr("Importen kunne ikke fortrydes"), translate_error(exc)
            )
            return
        raise exc
