"""The initiative editor's live preview: the open project's measures counted with the edited
template, on the rows read once when the editor opened (nothing is written)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from fsm_desktop.domain.danish import percent
from fsm_desktop.domain.measures import FactRows, Report, compute
from fsm_desktop.domain.program import ProgramTemplate
from fsm_desktop.views.kit.tasks import run_in_background


def _t(text: str) -> str:
    return QCoreApplication.translate("InitiativeEditor", text)


#: After the last keystroke, how long the preview waits before it counts again (ms).
DELAY_MS = 350


def _value(result, spec) -> str:
    share = result.share
    if share is None:
        return _t("ingen data") if result.no_data else "–"
    if spec.kind == "caseload":
        return f"{share:.1f}".replace(".", ",")
    return percent(share)


def _threshold(spec) -> str:
    if not spec.thresholds:
        return _t("intet krav")
    values = [
        f"{t.value:g}".replace(".", ",") if spec.kind == "caseload" else percent(t.value, trim=True)
        for t in spec.thresholds
    ]
    word = "≥" if spec.direction == "at_least" else "≤"
    return f"{word} " + " / ".join(values)


class Preview(QWidget):
    """The measures of the edited template on the project's rows."""

    #: A count is shown (``report`` and ``rows`` are the edited template's).
    counted = Signal()

    def __init__(self, facts: FactRows | None, grant: float | None, parent=None) -> None:
        super().__init__(parent)
        self.facts = facts
        self.grant = grant
        self.report: Report | None = None
        self._pending: ProgramTemplate | None = None
        self._running = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_t("<b>Forhåndsvisning</b>"), self)
        layout.addWidget(heading)
        self.note = QLabel(self)
        self.note.setObjectName("dialogHint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        #: Per measure: its name, periods met, periods counted, the latest share, the
        #: requirement (what the panel shows; tests read it).
        self.rows: list[tuple[str, int, int, str, str]] = []
        self.table = QScrollArea(self)
        self.table.setWidgetResizable(True)
        self.table.setFrameShape(QScrollArea.Shape.NoFrame)
        self.text = QLabel(self.table)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.table.setWidget(self.text)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._start)
        if facts is None:
            self.note.setText(
                _t(
                    "Åbn et projekt for at se resultatkravene regnet på dets borgere, mens du retter."
                )
            )
            self.table.hide()
        else:
            self.note.setText(
                _t(
                    "Projektets borgere talt med skabelonen, som den står nu. Intet gemmes, før du "
                    "trykker Gem."
                )
            )

    def show_template(self, template: ProgramTemplate | None) -> None:
        """Count with ``template`` once the user pauses; None: the template has a fault."""
        if self.facts is None:
            return
        self._pending = template
        if template is None:
            self._timer.stop()
            self.note.setText(_t("Forhåndsvisningen venter, til skabelonen er gyldig."))
            return
        self._timer.start()

    def _start(self) -> None:
        template = self._pending
        if template is None or self.facts is None:
            return
        if self._running:
            self._timer.start()  # counts again when the one under way is done
            return
        self._running = True
        facts, grant = self.facts, self.grant
        self.note.setText(_t("Tæller …"))
        run_in_background(
            lambda: compute(template, facts, grant=grant),
            lambda report: self._counted(template, report),
            self._failed,
            self,
        )

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self.note.setText(_t("Skabelonen kan ikke tælles: {error}").format(error=error))

    def _counted(self, template: ProgramTemplate, report: Report) -> None:
        self._running = False
        if template is not self._pending:
            return  # edited meanwhile: the newer one is counted after the pause
        self.report = report
        self.note.setText(
            _t(
                "Projektets borgere talt med skabelonen, som den står nu. Intet gemmes, før du "
                "trykker Gem."
            )
        )
        self.rows = []
        for spec in template.measures:
            results = report.for_measure(spec.id)
            met = sum(1 for r in results if r.met)
            latest = next((r for r in reversed(results) if r.share is not None), None)
            self.rows.append(
                (
                    spec.name,
                    met,
                    len(results),
                    f"{_value(latest, spec)} ({latest.label})" if latest else "–",
                    _threshold(spec),
                )
            )
        if not self.rows:
            self.text.setText(_t("Skabelonen har ingen resultatkrav endnu."))
            self.counted.emit()
            return
        blocks = [
            "<p><b>{name}</b><br>{latest}: {share} · {requirement}<br>{met}</p>".format(
                name=escape(name),
                latest=_t("Seneste"),
                share=escape(share),
                requirement=escape(requirement),
                met=escape(_t("Nået i {met} af {n} perioder").format(met=met, n=n)),
            )
            for name, met, n, share, requirement in self.rows
        ]
        self.text.setText("".join(blocks))
        self.counted.emit()
