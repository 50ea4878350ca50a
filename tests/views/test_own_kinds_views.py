"""Issue 25.3 in the window: an initiative's own kind of period is a choice in the citizen
page's period dialog, is saved as itself, and is shown by its name in its category's lane."""

from __future__ import annotations

import copy

from fsm_desktop.domain.model import PeriodCategory
from fsm_desktop.domain.program import parse_template
from fsm_desktop.operations.initiative import change_template
from fsm_desktop.storage.initiative import InitiativeRepository
from fsm_desktop.storage.repositories import CitizenRepository


def test_an_own_kind_is_chosen_saved_and_shown_on_the_citizen_page(
    open_window, small_project_path, qtbot
):
    window = open_window(small_project_path, "borgere")
    project = window.project
    data = copy.deepcopy(InitiativeRepository(project).current())
    data["period_kinds"] = [{"key": "ips_forloeb", "label": "IPS-forløb", "category": "tilbud"}]
    change_template(project, parse_template(data))
    hans = CitizenRepository(project).by_cpr("0101701234")
    page = window.stack.currentWidget().open_citizen_id(hans.id)
    qtbot.waitExposed(page)
    page.tabs.setCurrentIndex(2)
    dialog = page.add_period()
    labels = [dialog.kind_box.itemText(i) for i in range(dialog.kind_box.count())]
    assert labels[-1] == "IPS-forløb" and len(labels) == 14
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("ips_forloeb"))
    dialog.start_field.setText("01-03-2020")
    dialog.end_field.setText("30-04-2020")
    dialog.accept()
    assert not dialog.isVisible()
    assert page.save()
    assert project.db.execute("SELECT kind FROM period").fetchall() == [("ips_forloeb",)]
    rows = [
        [page.period_table.item(r, c).text() for c in range(3)]
        for r in range(page.period_table.rowCount())
    ]
    assert rows == [["IPS-forløb", "01-03-2020", "30-04-2020"]]
    (period,) = page.timeline.periods
    assert period.kind.category is PeriodCategory.OFFER and period.kind.label == "IPS-forløb"
