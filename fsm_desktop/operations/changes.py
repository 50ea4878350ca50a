"""What an operation changed, in the kinds of data a page shows.

Every operation (:mod:`fsm_desktop.operations`) returns a :class:`Done`: its value and a
:class:`Changes` naming the kinds of data it wrote. The main window passes the changes to every
page and open citizen window (``handle_changes``), and each decides from the kinds it shows
whether it must read again — now if it is on screen, else the next time it is shown. No page
reloads "to be safe", and none is left stale.

A new kind of change: add a field here, set it in the operations that write it, and add it to
``shows`` of every page that displays it (docs/architecture.md, "Operations")."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """The kinds of data an operation changed (or a page shows)."""

    #: A citizen's own data: master data, periods, contacts, paid hours, status entries.
    citizens: bool = False
    #: The board: placements, moves, board meetings.
    board: bool = False
    #: Step-up meetings and markings.
    stepup: bool = False
    #: Staff and who has which citizen (assignments, caseload settings, reassignments).
    staff: bool = False
    #: The status sheet's goals and settings (coordination meetings, hours over).
    goals: bool = False
    #: The list of imports (an import or its undo).
    imports: bool = False

    @classmethod
    def everything(cls) -> Changes:
        """A whole project changed (opened, merged, restored)."""
        return cls(**{f.name: True for f in fields(cls)})

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def touches(self, shown: Changes) -> bool:
        """Whether anything changed that ``shown`` (a page's kinds) displays."""
        return any(getattr(self, f.name) and getattr(shown, f.name) for f in fields(self))

    def kinds(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name)]


NOTHING = Changes()


@dataclass(frozen=True)
class Done(Generic[T]):
    """An operation's result: what it returns, and what it changed."""

    value: T
    changes: Changes = NOTHING
