"""domain.imports: every validation rule of the plan, each with the message the user sees
(sheet, Excel row, column, Danish text), and what a valid file changes. The rows are read from
sheets by exchange.import_binding, as an import reads them."""

from __future__ import annotations

import datetime as dt

import pytest

from fsm_desktop.domain.imports import (
    FIELDS,
    Existing,
    ExtractRows,
    ImportRow,
    ImportTable,
    RejectedSheet,
    plan_import,
)
from fsm_desktop.domain.model import (
    Assignment,
    AssignmentRole,
    Citizen,
    ExitReason,
    Gender,
    Origin,
    Period,
    PeriodKind,
    Staff,
    StaffRole,
)
from fsm_desktop.exchange.import_binding import bind, read_rows
from fsm_desktop.exchange.import_format import PAID_HOURS, Mapping, SourceTable

D = dt.date
TODAY = D(2026, 11, 25)
FSM2_GROUPS = frozenset({1, 2})

CITIZEN_HEADERS = [
    "cpr",
    "navn",
    "gruppe",
    "køn",
    "herkomst",
    "indgang",
    "afgang",
    "afgangsårsag",
    "jobformidler",
    "sagsbehandler",
    "cv_jobnet",
    "jobmål",
]
PERIOD_HEADERS = ["cpr", "type", "fra", "til", "note"]
HOURS_HEADERS = ["cpr", "måned", "timer"]
STAFF_HEADERS = ["initialer", "navn", "rolle", "timer_pr_uge"]


def sheet(name: str, headers: list[str], *rows: tuple) -> SourceTable:
    """Rows start in Excel row 2, under the header."""
    return SourceTable(
        name, list(headers), [(i, tuple(row)) for i, row in enumerate(rows, start=2)]
    )


def citizen_row(
    cpr="010180-1234",
    navn="Anna Hansen",
    gruppe=1,
    køn="K",
    herkomst="dansk",
    indgang="01-11-2019",
    afgang=None,
    årsag=None,
    jf=None,
    sb=None,
    cv=None,
    jobmål=None,
) -> tuple:
    return (cpr, navn, gruppe, køn, herkomst, indgang, afgang, årsag, jf, sb, cv, jobmål)


def plan(*sheets: SourceTable, existing: Existing | None = None, mapping: Mapping | None = None):
    return plan_import(
        read_rows(bind(list(sheets), mapping)), existing or Existing(group_ids=FSM2_GROUPS), TODAY
    )


def errors(result) -> list[str]:
    return [str(e) for e in result.errors]


def only_error(result) -> str:
    assert len(result.errors) == 1, errors(result)
    return str(result.errors[0])


# --- validation: every rule, with its message ----------------------------------------------------


def test_a_clean_file_plans_new_rows():
    result = plan(
        sheet(
            "Medarbejdere",
            STAFF_HEADERS,
            ("jf", "Jonna Formidler", "jobformidler", "37"),
            ("SB", "Sara", "sagsbehandler", None),
        ),
        sheet("Borgere", CITIZEN_HEADERS, citizen_row(jf="JF", sb="sb", cv="ja", jobmål="Lager")),
        sheet(
            "Forløb",
            PERIOD_HEADERS,
            ("0101801234", "virksomhedspraktik", "2020-02-01", "2020-02-28", None),
        ),
        sheet("Løntimer", HOURS_HEADERS, ("010180-1234", "2020-03", "12,5")),
    )
    assert errors(result) == []
    assert [s.initials for s in result.staff_new] == ["JF", "SB"]
    assert result.staff_new[1].hours_per_week == 37.0  # empty = full time
    (anna,) = result.citizens_new
    assert (anna.cpr, anna.group, anna.gender, anna.origin, anna.entry_date) == (
        "0101801234",
        1,
        Gender.FEMALE,
        Origin.DANISH,
        D(2019, 11, 1),
    )
    # A first assignment starts on the entry date.
    assert sorted((a.role.value, a.start) for a in result.assignments_new) == [
        ("jobformidler", D(2019, 11, 1)),
        ("sagsbehandler", D(2019, 11, 1)),
    ]
    assert sorted((s.kind.value, s.value, s.date) for s in result.status_new) == [
        ("cv_jobnet", "ja", TODAY),
        ("jobmaal", "Lager", TODAY),
    ]
    (period,) = result.periods_new
    assert (period.citizen_id, period.kind, period.start, period.end) == (
        anna.id,
        PeriodKind.VIRKSOMHEDSPRAKTIK,
        D(2020, 2, 1),
        D(2020, 2, 28),
    )
    (hours,) = result.hours_new
    assert (hours.citizen_id, hours.month, hours.hours) == (anna.id, "2020-03", 12.5)
    assert result.rows_read == 5 and result.rejected == []


def test_a_required_cell_left_empty():
    result = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(navn=None)))
    assert only_error(result) == "Borgere, række 2, kolonne B (navn): skal udfyldes"
    assert result.citizens_new == [] and len(result.rejected) == 1


def test_a_required_column_missing_from_the_sheet():
    result = plan(
        sheet(
            "Forløb", ["cpr", "type", "fra", "til"], ("0101801234", "mentor", "2020-01-01", None)
        ),
        existing=_existing_with_anna(),
    )
    assert errors(result) == []
    # "til" is optional; leave out "fra" and the sheet is not Forløb any more.
    result = plan(sheet("Forløb", ["cpr", "type", "til"], ("0101801234", "mentor", None)))
    assert result.ignored_sheets == ["Forløb"]


def test_an_invalid_cpr_number():
    result = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(cpr="310280-1234")))
    assert (
        only_error(result)
        == "Borgere, række 2, kolonne A (cpr): CPR-nummeret »310280-1234« indeholder ikke en gyldig fødselsdato."
    )


def test_an_invalid_date():
    result = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(indgang="31-02-2020")))
    assert (
        only_error(result)
        # Issue 22: a day its month lacks is named as such, not as an unreadable date.
        == "Borgere, række 2, kolonne F (indgang): »31-02-2020« findes ikke: februar 2020 har kun 29 dage"
    )


def test_an_unknown_period_type():
    result = plan(
        sheet(
            "Forløb", PERIOD_HEADERS, ("0101801234", "selvforsørgelse", "2020-01-01", None, None)
        ),
        existing=_existing_with_anna(),
    )
    assert only_error(result) == (
        "Forløb, række 2, kolonne B (type): »selvforsørgelse« er ikke en kendt forløbstype (se arket Vejledning)"
    )


def test_plain_uddannelse_is_refused_and_praktik_is_virksomhedspraktik():
    """Only SU-eligible education counts for the measures: "uddannelse" alone (an AMU course
    is education too) must say which, while "praktik" is the case systems' virksomhedspraktik."""
    result = plan(
        sheet("Forløb", PERIOD_HEADERS, ("0101801234", "Uddannelse", "2020-01-01", None, None)),
        existing=_existing_with_anna(),
    )
    assert only_error(result) == (
        "Forløb, række 2, kolonne B (type): »Uddannelse« er ikke en kendt forløbstype (se arket Vejledning)"
    )
    result = plan(
        sheet(
            "Forløb",
            PERIOD_HEADERS,
            ("0101801234", "Praktik", "2020-01-01", None, None),
            ("0101801234", "uddannelse SU", "2020-03-01", None, None),
        ),
        existing=_existing_with_anna(),
    )
    assert [p.kind for p in result.periods_new] == [
        PeriodKind.VIRKSOMHEDSPRAKTIK,
        PeriodKind.UDDANNELSE_SU,
    ]


def test_an_end_before_its_start():
    result = plan(
        sheet("Forløb", PERIOD_HEADERS, ("0101801234", "mentor", "2020-03-01", "2020-02-28", None)),
        existing=_existing_with_anna(),
    )
    assert (
        only_error(result)
        == "Forløb, række 2, kolonne D (til): slutdatoen 28-02-2020 ligger før startdatoen 01-03-2020"
    )


def test_an_exit_before_the_entry_and_exit_without_reason():
    result = plan(
        sheet(
            "Borgere",
            CITIZEN_HEADERS,
            citizen_row(
                cpr="0101801234", indgang="2020-05-01", afgang="2020-04-30", årsag="fraflyttet"
            ),
            citizen_row(cpr="0202802345", afgang="2020-04-30"),
            citizen_row(cpr="0303803456", årsag="død"),
        )
    )
    assert errors(result) == [
        "Borgere, række 2, kolonne G (afgang): afgangen 30-04-2020 ligger før indgangen 01-05-2020",
        "Borgere, række 3, kolonne H (afgangsårsag): en afgang kræver en afgangsårsag",
        "Borgere, række 4, kolonne G (afgang): en afgangsårsag kræver en afgangsdato",
    ]


@pytest.mark.parametrize(
    "rows, sheet_name, headers, message",
    [
        (
            [citizen_row(), citizen_row(navn="Anna igen")],
            "Borgere",
            CITIZEN_HEADERS,
            "Borgere, række 3, kolonne A (cpr): CPR-nummeret står også i række 2",
        ),
        (
            [("JF", "A", "jobformidler", 37), ("jf", "B", "leder", 37)],
            "Medarbejdere",
            STAFF_HEADERS,
            "Medarbejdere, række 3, kolonne A (initialer): Initialerne står også i række 2",
        ),
    ],
)
def test_duplicates_in_a_sheet(rows, sheet_name, headers, message):
    assert only_error(plan(sheet(sheet_name, headers, *rows))) == message


def test_duplicate_periods_and_hours():
    result = plan(
        sheet(
            "Forløb",
            PERIOD_HEADERS,
            ("0101801234", "mentor", "2020-01-01", None, None),
            ("010180-1234", "Mentor", "01-01-2020", "2020-02-01", None),
        ),
        sheet(
            "Løntimer", HOURS_HEADERS, ("0101801234", "2020-03", 10), ("0101801234", "03-2020", 12)
        ),
        existing=_existing_with_anna(),
    )
    assert errors(result) == [
        "Forløb, række 3, kolonne C (fra): Samme forløb (CPR, type og fra) står også i række 2",
        "Løntimer, række 3, kolonne B (måned): Samme borger og måned står også i række 2",
    ]


def test_unknown_staff_initials():
    result = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(jf="XY")))
    assert only_error(result) == (
        "Borgere, række 2, kolonne I (jobformidler): ukendte initialer »XY« (hverken i Medarbejdere eller i projektet)"
    )


def test_initials_of_a_rejected_staff_row():
    result = plan(
        sheet("Medarbejdere", STAFF_HEADERS, ("JF", "Jonna", "chef", 37)),
        sheet("Borgere", CITIZEN_HEADERS, citizen_row(jf="JF")),
    )
    assert errors(result) == [
        "Borgere, række 2, kolonne I (jobformidler): medarbejderen »JF« er afvist i Medarbejdere række 2",
        "Medarbejdere, række 2, kolonne C (rolle): »chef« er ikke en rolle (jobformidler, sagsbehandler, leder eller pseudo)",
    ]


def test_rows_referring_to_a_cpr_number_not_in_the_file_or_the_project():
    result = plan(
        sheet("Forløb", PERIOD_HEADERS, ("0202802345", "mentor", "2020-01-01", None, None)),
        sheet("Løntimer", HOURS_HEADERS, ("0202802345", "2020-03", 10)),
        existing=_existing_with_anna(),
    )
    assert errors(result) == [
        "Forløb, række 2, kolonne A (cpr): CPR-nummeret 020280-xxxx findes hverken i Borgere eller i projektet",
        "Løntimer, række 2, kolonne A (cpr): CPR-nummeret 020280-xxxx findes hverken i Borgere eller i projektet",
    ]


def test_rows_of_a_citizen_whose_row_is_rejected():
    result = plan(
        sheet("Borgere", CITIZEN_HEADERS, citizen_row(gruppe=3)),
        sheet("Forløb", PERIOD_HEADERS, ("0101801234", "mentor", "2020-01-01", None, None)),
    )
    assert errors(result) == [
        "Borgere, række 2, kolonne C (gruppe): gruppe 3 findes ikke (brug 1 eller 2)",
        "Forløb, række 2, kolonne A (cpr): borgeren er afvist i Borgere række 2",
    ]


def test_a_group_for_an_initiative_without_groups():
    result = plan(
        sheet("Borgere", CITIZEN_HEADERS, citizen_row(gruppe=1)),
        existing=Existing(group_ids=frozenset()),
    )
    assert (
        only_error(result)
        == "Borgere, række 2, kolonne C (gruppe): indsatsen har ingen grupper; lad cellen være tom"
    )


def test_a_csv_row_with_more_cells_than_headers_is_rejected():
    # "12,5" unquoted in a comma-separated file: two cells, "12" and "5"; not 12 hours.
    source = sheet(
        "timer", HOURS_HEADERS, ("0101801234", "2020-03", "12", "5"), ("0101801234", "2020-04", "7")
    )
    source.csv = True
    existing = Existing(
        group_ids=FSM2_GROUPS, citizens={"0101801234": Citizen(cpr="0101801234", name="Anna")}
    )
    result = plan(source, existing=existing)
    assert errors(result) == [
        "timer, række 2, kolonne D: rækken har flere celler end overskrifter (»5«); "
        "står der et skilletegn, fx et decimalkomma, i en celle uden anførselstegn?"
    ]
    assert [h.month for h in result.hours_new] == ["2020-04"]
    assert [r.row for r in result.rejected] == [2]
    # In Excel nothing shifts: a value in a column without a header is ignored.
    source.csv = False
    assert errors(plan(source, existing=existing)) == []


def test_impossible_hours():
    result = plan(
        sheet(
            "Løntimer",
            HOURS_HEADERS,
            ("0101801234", "2020-03", 800),
            ("0101801234", "2020-04", "-1"),
        ),
        existing=_existing_with_anna(),
    )
    assert errors(result) == [
        "Løntimer, række 2, kolonne C (timer): 800 timer i en måned er ikke muligt (0–744)",
        "Løntimer, række 3, kolonne C (timer): -1 timer i en måned er ikke muligt (0–744)",
    ]


def test_every_problem_of_a_row_is_reported_and_the_row_rejected_once():
    result = plan(
        sheet(
            "Borgere", CITIZEN_HEADERS, citizen_row(cpr="abc", gruppe=9, køn="X", indgang="i går")
        )
    )
    assert len(result.errors) == 4
    (rejected,) = result.rejected
    assert rejected.row == 2 and len(rejected.messages) == 4
    assert rejected.values == citizen_row(cpr="abc", gruppe=9, køn="X", indgang="i går")


# --- the rows as the domain takes them ------------------------------------------------------------


def test_the_plan_decides_on_rows_already_read_without_a_file_format():
    """Values in the order of FIELDS, problems named by the column as exchange names it."""
    table = ImportTable("borgere", "Ark1", ["CPR", "Navn"], {"cpr": "A (CPR)", "navn": "B (Navn)"})
    width = len(FIELDS["borgere"])
    anna = ImportRow(
        table, 2, ("0101801234", "Anna"), ["0101801234", "Anna"] + [None] * (width - 2)
    )
    unread = ImportRow(table, 3, ("x", None), [None] * width)
    unread.problem("A (CPR)", "»x« er ikke et CPR-nummer")
    unread.error("navn", "skal udfyldes")
    table.rows = [anna, unread]
    second = RejectedSheet("Ark2", ["cpr"], [(2, ("0202802345",))], "kun det første læses")
    result = plan_import(
        ExtractRows([table], rejected_sheets=[second]), Existing(group_ids=FSM2_GROUPS), TODAY
    )
    assert [c.name for c in result.citizens_new] == ["Anna"] and result.rows_read == 3
    assert errors(result) == [
        "Ark1, række 3, kolonne A (CPR): »x« er ikke et CPR-nummer",
        "Ark1, række 3, kolonne B (Navn): skal udfyldes",
        "Ark2, række 2: kun det første læses",
    ]
    assert [(r.sheet, r.row, r.values, r.messages) for r in result.rejected] == [
        ("Ark2", 2, ("0202802345",), ["kun det første læses"]),
        ("Ark1", 3, ("x", None), ["A (CPR): »x« er ikke et CPR-nummer", "B (Navn): skal udfyldes"]),
    ]


# --- what a valid file changes --------------------------------------------------------------------


def _existing_with_anna(**fields) -> Existing:
    anna = Citizen(
        cpr="0101801234",
        name="Anna Hansen",
        group=1,
        gender=Gender.FEMALE,
        origin=Origin.DANISH,
        entry_date=D(2019, 11, 1),
        **fields,
    )
    return Existing(group_ids=FSM2_GROUPS, citizens={anna.cpr: anna})


def test_the_same_row_again_changes_nothing():
    existing = _existing_with_anna()
    result = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row()), existing=existing)
    assert (result.citizens_unchanged, result.changes) == (1, 0)


def test_an_empty_cell_changes_nothing_and_a_filled_one_updates():
    existing = _existing_with_anna()
    result = plan(
        sheet(
            "Borgere",
            CITIZEN_HEADERS,
            citizen_row(navn="Anna Hansen Berg", gruppe=2, køn=None, herkomst=None, indgang=None),
        ),
        existing=existing,
    )
    (update,) = result.citizens_updated
    assert update.fields == ["navn", "gruppe"]
    assert (update.new.gender, update.new.origin, update.new.entry_date) == (
        Gender.FEMALE,
        Origin.DANISH,
        D(2019, 11, 1),
    )


def test_leaving_the_target_group_is_listed():
    existing = _existing_with_anna()
    result = plan(
        sheet(
            "Borgere",
            CITIZEN_HEADERS,
            citizen_row(afgang="2021-03-31", årsag="fraflyttet"),
            citizen_row(cpr="0202802345", navn="Bo", afgang="2021-01-31", årsag="andet"),
        ),
        existing=existing,
    )
    # A closed case ("andet") does not take anyone out of the target group (domain.md).
    assert [c.name for c in result.leaving] == ["Anna Hansen"]
    assert result.citizens_updated[0].new.exit_reason is ExitReason.MOVED_AWAY


def test_citizens_missing_from_a_full_extract_are_listed_never_deleted():
    anna = Citizen(cpr="0101801234", name="Anna")
    bo = Citizen(cpr="0202802345", name="Bo")
    gone = Citizen(
        cpr="0303803456", name="Cai", exit_date=D(2020, 1, 1), exit_reason=ExitReason.DIED
    )
    existing = Existing(group_ids=FSM2_GROUPS, citizens={c.cpr: c for c in (anna, bo, gone)})
    result = plan(
        sheet(
            "Borgere",
            CITIZEN_HEADERS,
            citizen_row(navn="Anna", gruppe=None, køn=None, herkomst=None, indgang=None),
        ),
        existing=existing,
    )
    assert [c.name for c in result.missing] == ["Bo"]  # Cai has already left
    # A file without a Borgere sheet says nothing about who is missing.
    result = plan(sheet("Løntimer", HOURS_HEADERS, ("0101801234", "2020-03", 1)), existing=existing)
    assert result.missing == []


def test_a_period_and_hours_already_there_are_unchanged_or_updated():
    existing = _existing_with_anna()
    anna = existing.citizens["0101801234"]
    period = Period(anna.id, PeriodKind.MENTOR, D(2020, 1, 1), None, "")
    existing.periods[(anna.id, "mentor", "2020-01-01")] = period
    existing.paid_hours[(anna.id, "2020-03")] = 12.5
    result = plan(
        sheet("Forløb", PERIOD_HEADERS, ("0101801234", "mentor", "2020-01-01", "2020-06-30", None)),
        sheet(
            "Løntimer",
            HOURS_HEADERS,
            ("0101801234", "2020-03", "12,5"),
            ("0101801234", "2020-04", 8),
        ),
        existing=existing,
    )
    ((old, new),) = result.periods_updated
    assert (old.id, new.id, new.end) == (period.id, period.id, D(2020, 6, 30))
    assert result.hours_unchanged == 1 and [(h.month, h.hours) for h in result.hours_new] == [
        ("2020-04", 8.0)
    ]


def test_a_change_of_job_broker_ends_the_old_assignment_yesterday():
    existing = _existing_with_anna()
    anna = existing.citizens["0101801234"]
    old_broker = Staff("AB", "Anne", StaffRole.JOB_BROKER)
    new_broker = Staff("CD", "Carl", StaffRole.JOB_BROKER)
    existing.staff = {"AB": old_broker, "CD": new_broker}
    current = Assignment(anna.id, old_broker.id, AssignmentRole.JOB_BROKER, D(2020, 1, 1))
    existing.assignments[(anna.id, "jobformidler")] = current
    same = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(jf="ab")), existing=existing)
    assert (same.assignments_new, same.assignments_ended) == ([], [])
    changed = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(jf="CD")), existing=existing)
    assert changed.assignments_ended == [(current, TODAY - dt.timedelta(days=1))]
    (new,) = changed.assignments_new
    assert (new.staff_id, new.start) == (
        new_broker.id,
        TODAY,
    )  # a change starts on the day of the import


def test_an_assignment_that_began_today_is_handed_over_not_ended():
    existing = _existing_with_anna()
    anna = existing.citizens["0101801234"]
    a, b = Staff("AB", "Anne", StaffRole.CASEWORKER), Staff("CD", "Carl", StaffRole.CASEWORKER)
    existing.staff = {"AB": a, "CD": b}
    current = Assignment(anna.id, a.id, AssignmentRole.CASEWORKER, TODAY)
    existing.assignments[(anna.id, "sagsbehandler")] = current
    result = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(sb="CD")), existing=existing)
    ((old, new),) = result.assignments_moved
    assert (old.staff_id, new.staff_id, new.start, new.id) == (a.id, b.id, TODAY, current.id)
    assert result.assignments_ended == [] and result.assignments_new == []


def test_status_entries_only_when_the_value_changes():
    existing = _existing_with_anna()
    anna = existing.citizens["0101801234"]
    existing.status[(anna.id, "cv_jobnet")] = [(D(2026, 1, 5), "ja")]
    result = plan(
        sheet("Borgere", CITIZEN_HEADERS, citizen_row(cv="Ja", jobmål="Pædagogmedhjælper")),
        existing=existing,
    )
    assert [(s.kind.value, s.value) for s in result.status_new] == [
        ("jobmaal", "Pædagogmedhjælper")
    ]
    assert "; cv/jobmål: 1 ny registrering" in result.summary()


def test_the_summary_line():
    result = plan(sheet("Borgere", CITIZEN_HEADERS, citizen_row(), citizen_row(cpr="x")))
    assert result.summary() == (
        "borgere: 1 ny, 0 ændrede, 0 uændrede; forløb: 0 nye, 0 ændrede; løntimer: 0 nye, 0 ændrede; "
        "medarbejdere: 0 nye, 0 ændrede; 1 afvist række"
    )
    two = plan(
        sheet(
            "Borgere",
            CITIZEN_HEADERS,
            citizen_row(),
            citizen_row(cpr="0202802345"),
            citizen_row(cpr="x"),
            citizen_row(cpr="y"),
        )
    )
    assert two.summary().startswith("borgere: 2 nye, 0 ændrede") and two.summary().endswith(
        "; 2 afviste rækker"
    )


def test_staff_rows_follow_the_register_rules():
    """As on the Medarbejdere page (docs/caseload.md): at most 48 hours a week, and a
    pseudo-caseworker has 0 (empty gives 0, also when a known person becomes one)."""
    existing = Existing(
        group_ids=FSM2_GROUPS, staff={"KL": Staff("KL", "Karl", StaffRole.CASEWORKER, 37.0)}
    )
    result = plan(
        sheet(
            "Medarbejdere",
            STAFF_HEADERS,
            ("P1", "Barsel/fængsel", "pseudo", 10),
            ("S1", "Sanne", "sagsbehandler", 60),
            ("P2", "Pensionsnævnet", "pseudo", None),
            ("KL", "Karl", "pseudo", None),
        ),
        existing=existing,
    )
    assert errors(result) == [
        "Medarbejdere, række 2, kolonne D (timer_pr_uge): en pseudo-sagsbehandler har 0 timer om ugen (borgerne hos "
        "den tæller ikke med i nogens sagsstamme)",
        "Medarbejdere, række 3, kolonne D (timer_pr_uge): 60 timer om ugen er ikke muligt (0–48)",
    ]
    assert [(s.initials, s.hours_per_week) for s in result.staff_new] == [("P2", 0.0)]
    assert [(new.initials, new.role, new.hours_per_week) for _old, new in result.staff_updated] == [
        ("KL", StaffRole.PSEUDO, 0.0)
    ]


def test_staff_rows_update_name_role_and_hours():
    existing = Existing(
        group_ids=FSM2_GROUPS, staff={"AB": Staff("AB", "Anne", StaffRole.JOB_BROKER, 37.0)}
    )
    result = plan(
        sheet(
            "Medarbejdere",
            STAFF_HEADERS,
            ("ab", "Anne B", "jobformidler", None),
            ("BF", "Barsel/fængsel", "pseudo", 0),
        ),
        existing=existing,
    )
    ((old, new),) = result.staff_updated
    assert (new.id, new.name, new.hours_per_week) == (
        old.id,
        "Anne B",
        37.0,
    )  # empty hours: unchanged
    (pseudo,) = result.staff_new
    assert (pseudo.role, pseudo.hours_per_week) == (StaffRole.PSEUDO, 0.0)
    assert [f.key for f in PAID_HOURS.fields] == HOURS_HEADERS
