"""Operations: every action that changes a project or builds a report a page shows.

This is the one place a new kind of change goes. An operation

- validates what it is given (raising a :class:`~fsm_desktop.domain.errors.KnownError` with a
  Danish message, nothing written),
- owns its transaction (``project.db.atomic()``: all of it is written, or nothing),
- calls the domain for the rules and storage for the rows (repositories map rows to domain
  objects and back; the audit log is written by :class:`~fsm_desktop.storage.audit.AuditLog`),
- returns :class:`~fsm_desktop.operations.changes.Done`: its value and the
  :class:`~fsm_desktop.operations.changes.Changes` naming the kinds of data it wrote.

The window and the command line call the same operations. In the window, a page that ran an
operation emits ``changed`` with the result's changes; the main window relays them to every page
and every open citizen window, and each refreshes what it shows (``Page.shows``). Operations
import no Qt widgets and know no views.

Modules, one per feature: :mod:`.board`, :mod:`.citizens`, :mod:`.stepup`, :mod:`.staff`,
:mod:`.status`, :mod:`.imports`, :mod:`.sync`."""

from fsm_desktop.operations.changes import NOTHING, Changes, Done

__all__ = ["NOTHING", "Changes", "Done"]
