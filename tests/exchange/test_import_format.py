"""exchange.cells, exchange.import_format and exchange.import_binding: reading cells,
recognising sheets, mappings of other layouts, and the date in a file's name."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.imports import Existing, plan_import
from fsm_desktop.domain.model import ExitReason, Gender, Origin, PeriodKind, StaffRole
from fsm_desktop.exchange.cells import (
    CellProblem,
    ReadOptions,
    column_letter,
    norm,
    read_cell,
    read_cpr,
    read_date,
    read_month,
    read_number,
)
from fsm_desktop.exchange.import_binding import bind, read_rows
from fsm_desktop.exchange.import_format import (
    CITIZENS,
    PERIODS,
    STAFF,
    Mapping,
    SheetMapping,
    SourceTable,
    date_in_name,
    layout_signature,
)

D = dt.date
TODAY = D(2026, 11, 25)
FSM2_GROUPS = frozenset({1, 2})


def sheet(name: str, headers: list[str], *rows: tuple) -> SourceTable:
    """Rows start in Excel row 2, under the header."""
    return SourceTable(
        name, list(headers), [(i, tuple(row)) for i, row in enumerate(rows, start=2)]
    )


def plan(*sheets: SourceTable, existing: Existing | None = None, mapping: Mapping | None = None):
    return plan_import(
        read_rows(bind(list(sheets), mapping)), existing or Existing(group_ids=FSM2_GROUPS), TODAY
    )


def errors(result) -> list[str]:
    return [str(e) for e in result.errors]


def only_error(result) -> str:
    assert len(result.errors) == 1, errors(result)
    return str(result.errors[0])


# --- reading cells -------------------------------------------------------------------------------


def test_norm_and_column_letters():
    assert norm("Timer pr. uge") == norm("timer_pr_uge") == "timer pr uge"
    assert norm("Løntimer") == norm("loentimer") == norm(" LØNTIMER ")
    assert norm("Afgangsårsag") == "afgangsaarsag"
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("2020-03-16", D(2020, 3, 16)),
        ("16-03-2020", D(2020, 3, 16)),
        ("16.03.2020", D(2020, 3, 16)),
        ("16/3/2020", D(2020, 3, 16)),
        (" 1-2-2021 ", D(2021, 2, 1)),
        ("2020-03-16 00:00:00", D(2020, 3, 16)),
        (dt.datetime(2020, 3, 16, 0, 0), D(2020, 3, 16)),
        (D(2020, 3, 16), D(2020, 3, 16)),
        (43906, D(2020, 3, 16)),  # an Excel serial day number (a date cell shown as a number)
        (43906.0, D(2020, 3, 16)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_forms_danish_extracts_use(cell, expected):
    assert read_date(cell) == expected


@pytest.mark.parametrize(
    "cell", ["2020-13-01", "32-01-2020", "16-03-20", "marts 2020", "0", -5, 43906.5, True, "x" * 50]
)
def test_a_bad_date_says_what_was_expected(cell):
    with pytest.raises(CellProblem, match="er ikke en dato"):
        read_date(cell)


@pytest.mark.parametrize(
    ("cell", "options", "message"),
    [
        ("31-02-2021", ReadOptions(), "»31-02-2021« findes ikke: februar 2021 har kun 28 dage"),
        ("2020-02-30", ReadOptions(), "»2020-02-30« findes ikke: februar 2020 har kun 29 dage"),
        (
            "04/31/2021",
            ReadOptions(date_format="%m/%d/%Y"),
            "»04/31/2021« findes ikke: april 2021 har kun 30 dage",
        ),
    ],
)
def test_a_day_the_month_does_not_have_is_named_as_such(cell, options, message):
    """Not "er ikke en dato": the date is readable, its day does not exist."""
    with pytest.raises(CellProblem) as problem:
        read_date(cell, options)
    assert str(problem.value) == message


def test_a_mapping_may_name_the_date_format():
    american = ReadOptions(date_format="%m/%d/%Y")
    assert read_date("03/16/2020", american) == D(2020, 3, 16)
    with pytest.raises(CellProblem, match="MM/DD/ÅÅÅÅ"):
        read_date("16/03/2020", american)
    assert read_date("16-03-20", ReadOptions(date_format="%d-%m-%y")) == D(2020, 3, 16)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("2020-03", "2020-03"),
        ("03-2020", "2020-03"),
        ("2020/3", "2020-03"),
        ("202003", "2020-03"),
        (dt.datetime(2020, 3, 1), "2020-03"),
        ("2020-03-16", "2020-03"),
        ("16-03-2020", "2020-03"),
    ],
)
def test_months(cell, expected):
    assert read_month(cell) == expected


@pytest.mark.parametrize("cell", ["2020-13", "13-2020", "marts", "20-03"])
def test_a_bad_month(cell):
    with pytest.raises(CellProblem, match="er ikke en måned"):
        read_month(cell)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("37", 37.0),
        (37, 37.0),
        (12.25, 12.25),
        (" 7,0 ", 7.0),
        ("1 234,5", 1234.5),
    ],
)
def test_numbers_with_a_decimal_comma(cell, expected):
    assert read_number(cell) == expected


def test_a_mapping_may_fix_the_decimal_sign():
    assert read_number("1.234", ReadOptions(decimal=",")) == 1234.0
    assert read_number("1.234", ReadOptions(decimal=".")) == 1.234
    for cell in ("tolv", "nan", "inf", True):
        with pytest.raises(CellProblem, match="er ikke et tal"):
            read_number(cell)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("010180-1234", "0101801234"),
        ("0101801234", "0101801234"),
        (" 010180 1234 ", "0101801234"),
        (101801234, "0101801234"),
        (101801234.0, "0101801234"),
        (2902004321, "2902004321"),
    ],
)
def test_cpr_with_or_without_the_dash_and_without_excels_lost_leading_zero(cell, expected):
    assert read_cpr(cell) == expected


@pytest.mark.parametrize(
    "cell, message",
    [
        ("010180-123", "10 cifre"),
        ("0101801234x", "10 cifre"),
        ("310280-1234", "gyldig fødselsdato"),
        ("290201-4321", "gyldig fødselsdato"),
        ("abc", "10 cifre"),
    ],
)
def test_a_bad_cpr_number(cell, message):
    with pytest.raises(CellProblem, match=message):
        read_cpr(cell)


def test_cpr_without_modulus_11_is_valid():
    # 010180-1235 fails the old modulus-11 check; such numbers have been issued since 2007.
    assert read_cpr("010180-1235") == "0101801235"


def test_choices_in_any_case_and_spelling():
    kind = PERIODS.field("type")
    assert read_cell(kind, "Virksomhedspraktik") is PeriodKind.VIRKSOMHEDSPRAKTIK
    assert read_cell(kind, "uddannelse su") is PeriodKind.UDDANNELSE_SU
    assert read_cell(kind, "KONTANTHJÆLP AKTIVITETSPARAT") is PeriodKind.KONTANTHJAELP_AP
    assert read_cell(kind, "andet_aktivt_tilbud") is PeriodKind.ANDET_AKTIVT_TILBUD
    assert read_cell(CITIZENS.field("herkomst"), "Ikke-vestlig") is Origin.NON_WESTERN
    assert read_cell(CITIZENS.field("afgangsårsag"), "Død") is ExitReason.DIED
    assert read_cell(CITIZENS.field("køn"), "kvinde") is Gender.FEMALE
    assert read_cell(STAFF.field("rolle"), "Sagsbehandler") is StaffRole.CASEWORKER
    assert read_cell(CITIZENS.field("cv_jobnet"), "J") == "ja"
    with pytest.raises(CellProblem, match="er ikke en kendt forløbstype"):
        read_cell(kind, "selvforsørgelse")


def test_text_length_limits():
    assert read_cell(CITIZENS.field("navn"), "  Anna  ") == "Anna"
    with pytest.raises(CellProblem, match="for lang"):
        read_cell(CITIZENS.field("navn"), "x" * 201)
    with pytest.raises(CellProblem, match="for lang"):
        read_cell(CITIZENS.field("cpr"), "1" * 1_048_576)  # a 1 MB cell


def test_control_characters_in_text_are_refused_tab_and_newline_are_not():
    # A control character would make a later export (fsm-desktop template --db) unwritable.
    with pytest.raises(CellProblem, match=r"kontroltegn \(U\+0001\)"):
        read_cell(CITIZENS.field("navn"), "Bo\x01")
    with pytest.raises(CellProblem, match="kontroltegn"):
        read_cell(PERIODS.field("note"), "barsel\x1b[0m")
    assert read_cell(PERIODS.field("note"), "to\nlinjer\tmed tab") == "to\nlinjer\tmed tab"
    result = plan(sheet("Borgere", ["cpr", "navn"], ("010180-1234", "Bo\x07")))
    assert (
        only_error(result)
        == "Borgere, række 2, kolonne B (navn): teksten indeholder et kontroltegn (U+0007); ret cellen"
    )


def test_value_translation_from_a_mapping():
    options = ReadOptions(values={"type": {"praktik i virksomhed": "virksomhedspraktik"}})
    assert (
        read_cell(PERIODS.field("type"), "Praktik i virksomhed", options)
        is PeriodKind.VIRKSOMHEDSPRAKTIK
    )


# --- recognising sheets --------------------------------------------------------------------------


def test_the_standard_template_is_recognised_in_any_case_with_extra_columns():
    sources = [
        sheet("Ark1", ["CPR", "Navn", "Ekstra", "GRUPPE"], ("010180-1234", "Anna", "x", 1)),
        sheet(
            "Forløb", ["Cpr", "Type", "Fra", "Til"], ("010180-1234", "mentor", "2020-01-01", None)
        ),
        sheet("Vejledning", ["FSM Desktop – importskabelon"], ("tekst",)),
        sheet("Noter", ["hvad", "som", "helst"], ("a", "b", "c")),
    ]
    binding = bind(sources)
    found = {t.spec.key: t.columns for t in binding.tables}
    assert found == {
        "borgere": {"cpr": 0, "navn": 1, "gruppe": 3},
        "forloeb": {"cpr": 0, "type": 1, "fra": 2, "til": 3},
    }
    assert binding.ignored == ["Noter"]  # the guide sheet is ours, and silently skipped
    assert binding.errors == []


def test_two_sheets_with_the_same_table_is_an_error():
    binding = bind([sheet("A", ["cpr", "navn"]), sheet("B", ["cpr", "navn"])])
    assert [str(e) for e in binding.errors] == [
        "B, række 1: arket indeholder Borgere ligesom arket »A«; kun det første læses"
    ]


def test_the_rows_of_a_second_sheet_with_the_same_table_are_rejected_not_dropped():
    result = plan(
        sheet("A", ["cpr", "navn"], ("0101801234", "Anna")),
        sheet("B", ["CPR", "Navn", "x"], ("0202802345", "Bo", "noget"), ("0303803456", "Cai")),
    )
    message = "arket indeholder Borgere ligesom arket »A«; kun det første læses"
    assert errors(result) == [f"B, række 2: {message}", f"B, række 3: {message}"]
    assert [(r.sheet, r.row, r.headers, r.values, r.messages) for r in result.rejected] == [
        ("B", 2, ["CPR", "Navn", "x"], ("0202802345", "Bo", "noget"), [message]),
        ("B", 3, ["CPR", "Navn", "x"], ("0303803456", "Cai"), [message]),
    ]
    assert [c.name for c in result.citizens_new] == ["Anna"] and result.rows_read == 3


def test_a_mapping_reads_another_layout():
    source = sheet(
        "Udtræk",
        ["Personnr.", "Borgers navn", "Målgruppe", "Startdato"],
        ("01018012 34", "Anna", "Indsats", "03/16/2020"),
    )
    mapping = Mapping(
        "Momentum",
        {
            "*": SheetMapping(
                "borgere",
                {
                    "cpr": "Personnr.",
                    "navn": "Borgers navn",
                    "gruppe": "Målgruppe",
                    "indgang": "Startdato",
                },
                date_format="%m/%d/%Y",
                values={"gruppe": {"Indsats": "1", "Rehab": "2"}},
            )
        },
    )
    result = plan(source, mapping=mapping)
    assert errors(result) == []
    (citizen,) = result.citizens_new
    assert (citizen.cpr, citizen.name, citizen.group, citizen.entry_date) == (
        "0101801234",
        "Anna",
        1,
        D(2020, 3, 16),
    )


def test_a_mapping_that_names_a_missing_column():
    mapping = Mapping("m", {"*": SheetMapping("borgere", {"cpr": "CPR", "navn": "Navn"})})
    binding = bind([sheet("x", ["CPR", "Fornavn"], ("0101801234", "Anna"))], mapping)
    assert [str(e) for e in binding.errors] == [
        "x, række 1: kolonnen »Navn« (til navn) findes ikke i arket"
    ]


def test_a_mapping_that_leaves_out_a_required_field():
    mapping = Mapping("m", {"*": SheetMapping("forloeb", {"cpr": "CPR", "type": "Type"})})
    binding = bind([sheet("x", ["CPR", "Type"], ("0101801234", "mentor"))], mapping)
    assert [str(e) for e in binding.errors] == [
        "x, række 1: tilknytningen mangler de krævede felter fra"
    ]


def test_mapping_json_round_trip_and_errors():
    mapping = Mapping(
        "Fasit",
        {"ark1": SheetMapping("loentimer", {"cpr": "A", "måned": "B", "timer": "C"}, "auto", ",")},
        "abc",
    )
    assert Mapping.from_json(mapping.to_json()) == mapping
    for text, message in [
        ("nej", "ikke gyldig JSON"),
        ("{}", "mangler »sheets«"),
        ('{"sheets": {"x": {"table": "bilag"}}}', "ukendt tabel"),
        (
            '{"sheets": {"x": {"table": "borgere", "columns": {"skostørrelse": "A"}}}}',
            "ukendte felter",
        ),
        ('{"sheets": {"x": {"table": "borgere", "date_format": "%Q"}}}', "ukendt datoformat"),
        ('{"sheets": {"x": {"table": "borgere", "decimal": ";"}}}', "ukendt decimaltegn"),
    ]:
        with pytest.raises(ValidationError, match=message):
            Mapping.from_json(text)


def test_the_layout_signature_ignores_order_and_case():
    a = [sheet("Borgere", ["CPR", "Navn"]), sheet("Løntimer", ["cpr", "måned", "timer"])]
    b = [sheet("borgere", ["navn", "cpr"]), sheet("LØNTIMER", ["Timer", "CPR", "Måned"])]
    c = [sheet("Borgere", ["CPR", "Navn", "Gruppe"]), sheet("Løntimer", ["cpr", "måned", "timer"])]
    assert layout_signature(a) == layout_signature(b) != layout_signature(c)


def test_a_csv_files_name_is_not_part_of_its_layout():
    january = sheet("momentum-2024-01", ["CPR", "Navn"])
    february = sheet("Momentum-2024-02", ["navn", "cpr"])
    january.csv = february.csv = True
    assert layout_signature([january]) == layout_signature([february])
    # Sheets of a workbook are named by their author: their names are part of the layout.
    assert layout_signature([sheet("Ark1", ["cpr", "navn"])]) != layout_signature(
        [sheet("Ark2", ["cpr", "navn"])]
    )


def test_a_mapping_saved_for_a_csv_file_reads_the_renamed_file():
    mapping = Mapping(
        "m",
        {norm("momentum-2024-01"): SheetMapping("borgere", {"cpr": "Personnr", "navn": "Navn"})},
    )
    renamed = sheet("momentum-2024-02", ["Personnr", "Navn"], ("0101801234", "Anna"))
    renamed.csv = True
    assert [c.name for c in plan(renamed, mapping=mapping).citizens_new] == ["Anna"]


# --- the date in a file's name ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("momentum-2024-03-15.xlsx", D(2024, 3, 15)),
        ("udtraek_2024_03_15.csv", D(2024, 3, 15)),
        ("fasit 20240315.xlsx", D(2024, 3, 15)),
        ("borgere 15-03-2024.csv", D(2024, 3, 15)),
        ("borgere 15.03.2024.xlsx", D(2024, 3, 15)),
        ("momentum-2024-03.csv", None),  # a month says which month, not which day
        ("udtraek-2024-02-30.csv", None),  # no such day
        ("udtraek-2031-01-01.csv", None),  # after today: a number that looks like a date
        ("kopi 2 af udtraek.xlsx", None),
        ("id 1234202403155.csv", None),  # digits inside a longer number
    ],
)
def test_the_date_in_a_file_name(name, expected):
    assert date_in_name(name, today=D(2026, 12, 7)) == expected


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2026, 12, 7)))
def test_every_iso_and_danish_date_in_a_name_is_read_back(day):
    for name in (f"x-{day:%Y-%m-%d}.xlsx", f"x{day:%Y%m%d}.csv", f"x {day:%d-%m-%Y}.csv"):
        assert date_in_name(name, today=D(2026, 12, 7)) == day
