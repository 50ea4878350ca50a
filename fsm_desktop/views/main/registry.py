"""The page registry: the main window's navigation pages, in order.

The pages are imported when the registry is asked, not when this module is, so that the kit's
``Page`` never depends on the pages built on it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from fsm_desktop.views.kit.page import Page


def page_classes() -> tuple[Callable[[QWidget], Page], ...]:
    """The navigation's pages, in order."""
    from fsm_desktop.views.board.page import BoardPage
    from fsm_desktop.views.citizens.register import CitizensPage
    from fsm_desktop.views.imports.page import ImportPage
    from fsm_desktop.views.measures.page import MeasuresPage
    from fsm_desktop.views.staff.page import StaffPage
    from fsm_desktop.views.status.page import StatusSheetPage
    from fsm_desktop.views.stepup.page import StepUpPage

    return (
        BoardPage,
        CitizensPage,
        StepUpPage,
        MeasuresPage,
        StatusSheetPage,
        StaffPage,
        ImportPage,
    )
