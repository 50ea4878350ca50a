"""The project's initiative (issue 25): changing its template in the editor, and undoing that."""

from __future__ import annotations

from fsm_desktop.domain.measures import FactRows, every_fact
from fsm_desktop.domain.program import ProgramTemplate
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.initiative import InitiativeRepository, TemplateChange
from fsm_desktop.storage.project import Project

#: A new template changes what every page counts and shows: the measures, the status sheet and
#: its goals, the target group on the board and in the register.
EVERYTHING = Changes.everything()


def change_template(project: Project, template: ProgramTemplate) -> Done[bool]:
    """Make ``template`` the project's; Done(False) with no changes when it already is."""
    changed = InitiativeRepository(project).change(template)
    return Done(changed, EVERYTHING if changed else Changes())


def undo_template_change(project: Project) -> Done[TemplateChange]:
    """The template as it was before its newest change (or undo)."""
    return Done(InitiativeRepository(project).undo(), EVERYTHING)


def last_template_change(project: Project) -> TemplateChange | None:
    return InitiativeRepository(project).last_change()


def current_template_data(project: Project) -> dict:
    """The project's template as data, with the status sheet's goals as the project has them."""
    return InitiativeRepository(project).current()


def preview_facts(project: Project) -> FactRows:
    """Every row a template can count, read once for the editor's preview."""
    return load_facts(project, every_fact())
