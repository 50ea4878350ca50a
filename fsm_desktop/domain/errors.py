"""The two kinds of errors (conventions.md §10).

A :class:`KnownError` is an environment or input error that the user can act on: it carries a
Danish message template and its parameters. The template is the translation source text, so
the GUI translates it with ``QCoreApplication.translate("fsm", template)`` and then formats it;
the command line prints it as it is. Anything else that escapes is a program error (a bug).
"""

from __future__ import annotations

from collections.abc import Callable


class KnownError(Exception):
    """An error the user can do something about, with a Danish message."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def translated(self, translate: Callable[[str], str]) -> str:
        """The message through ``translate(template) -> str`` (Qt's translate in the GUI)."""
        return translate(self.template).format(**self.params)


class ValidationError(KnownError):
    """Input that breaks a rule: a bad CPR number, an unknown period kind, a bad template."""


class ProjectFileError(KnownError):
    """A project file that cannot be opened or written: missing, locked, not ours, too new."""
