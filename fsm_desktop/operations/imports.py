"""Imports: reading and planning a file, writing it (all or nothing), undoing the newest, and
the saved column mappings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.imports import ImportRecord, ImportRepository
from fsm_desktop.storage.project import Project

#: An import (or its undo) writes citizens, their periods, hours and assignments, and the
#: import list; placements follow citizens who leave.
IMPORTED = Changes(citizens=True, board=True, stepup=True, staff=True, imports=True)


def import_file(
    project: Project,
    prepared,
    valid_rows_only: bool = False,
    endings: Sequence = (),
    progress: Callable[[str], None] | None = None,
) -> Done:
    """Write a prepared import in one transaction (exchange.importer.commit holds the refusal
    policy: errors stop it unless ``valid_rows_only``; nothing that changes nothing is
    recorded). The value: what was committed, with the error report's path if rows were
    rejected."""
    from fsm_desktop.exchange import importer

    committed = importer.commit(project, prepared, valid_rows_only, endings, progress)
    return Done(committed, IMPORTED)


def undo_import(project: Project, batch_id: str) -> Done[ImportRecord]:
    """Restore every table the import wrote (only the newest, only while unchanged since)."""
    with project.db.atomic():
        record = ImportRepository(project).undo(batch_id)
    return Done(record, IMPORTED)


def save_mapping(project: Project, mapping) -> Done[None]:
    with project.db.atomic():
        ImportRepository(project).save_mapping(mapping)
    return Done(None, Changes(imports=True))
