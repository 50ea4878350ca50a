"""An import's error report holds full CPR numbers: it is written only for an import that
happened (after its transaction committed), never left behind by one that did not — refused,
failed, or killed midway — and no temporary file is left beside the source either way."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fsm_desktop.exchange import importer
from fsm_desktop.exchange.importer import ImportRefused, commit, prepare
from fsm_desktop.exchange.template import ExportError
from fsm_desktop.storage.imports import ImportRepository
from fsm_desktop.storage.repositories import CitizenRepository

#: One valid citizen and one rejected row (a CPR number that is none).
MIXED = "cpr;navn\n010180-1234;Anna Hansen\nabc;Bo Berg\n"


@pytest.fixture
def source(tmp_path) -> Path:
    """The extract in a folder of its own: whatever the import leaves beside it is seen."""
    folder = tmp_path / "udtraek"
    folder.mkdir()
    path = folder / "blandet.csv"
    path.write_text(MIXED, encoding="utf-8")
    return path


def _beside(source: Path) -> set[str]:
    return {p.name for p in source.parent.iterdir()} - {source.name}


def test_the_report_is_written_after_the_transaction_committed(project, source, monkeypatch):
    seen = []
    write = importer.write_error_report

    def spying(path, rejected):
        seen.append(len(ImportRepository(project).batches()))  # the import is recorded already
        return write(path, rejected)

    monkeypatch.setattr(importer, "write_error_report", spying)
    result = commit(project, prepare(project, source), valid_rows_only=True)
    assert seen == [1] and result.report_error is None
    assert _beside(source) == {result.error_report.name}  # the report, and no temporary file
    assert result.error_report.name.startswith("blandet-fejl-")
    rows = list(load_workbook(result.error_report)["blandet"].iter_rows(values_only=True))
    assert rows[1][0] == 3 and rows[1][2:] == ("abc", "Bo Berg")
    if os.name == "posix":
        assert stat.S_IMODE(result.error_report.stat().st_mode) == 0o600


def test_a_failed_transaction_leaves_no_report(project, source, monkeypatch):
    def failing(*args, **kwargs):
        raise OSError("Disken er fuld.")

    monkeypatch.setattr(ImportRepository, "apply", failing)
    with pytest.raises(OSError):
        commit(project, prepare(project, source), valid_rows_only=True)
    assert _beside(source) == set()


def test_a_refused_import_leaves_no_report(project, source):
    source.write_text("cpr;navn\nabc;Bo Berg\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="ingen gyldige rækker") as refused:
        commit(project, prepare(project, source), valid_rows_only=True)
    assert refused.value.error_report is None and "Intet er skrevet." in refused.value.message
    assert _beside(source) == set() and ImportRepository(project).batches() == []


@pytest.mark.parametrize(
    "error",
    [ExportError("Filen {path} kunne ikke gemmes: ingen adgang.", path="x"), RuntimeError("fejl")],
)
def test_an_import_stands_when_its_report_cannot_be_written(project, source, monkeypatch, error):
    def failing(path, rejected):
        raise error

    monkeypatch.setattr(importer, "write_error_report", failing)
    result = commit(project, prepare(project, source), valid_rows_only=True)
    assert result.error_report is None and len(ImportRepository(project).batches()) == 1
    assert CitizenRepository(project).by_cpr("0101801234") is not None
    message = result.report_error.message
    assert message.startswith(
        "Importen er skrevet, men rapporten over de afviste rækker kunne ikke gemmes."
    )
    assert ("ingen adgang" in message) == isinstance(error, ExportError)
    assert _beside(source) == set()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL")
def test_an_import_killed_during_its_transaction_leaves_no_report(tmp_path, source):
    """The process is killed while the transaction is written: no report, no temporary file."""
    script = textwrap.dedent(f"""
        import os, signal
        from fsm_desktop.domain.program import builtin_template
        from fsm_desktop.exchange.importer import commit, prepare
        from fsm_desktop.storage.imports import ImportRepository
        from fsm_desktop.storage.project import Project

        project = Project.create({str(tmp_path / "dræbt.fsm")!r}, builtin_template("fsm2"))
        prepared = prepare(project, {str(source)!r})
        ImportRepository.apply = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
        commit(project, prepared, valid_rows_only=True)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _beside(source) == set()
