"""CPR numbers: normalising, the century rule of the 7th digit, masking, age."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fsm_desktop.domain.cpr import age_on, birth_date, format_cpr, mask, normalize
from fsm_desktop.domain.errors import ValidationError


def _passes_modulus_11(number: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(int(d) * w for d, w in zip(number, weights, strict=True)) % 11 == 0


# --- normalize -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "010190-1234",
        "0101901234",
        " 010190-1234 ",
        "010190 1234",
        "01 01 90 12 34",
        "010190 - 1234",
        "\t0101901234\n",
    ],
)
def test_normalize_accepts_dash_spaces_and_surrounding_whitespace(text):
    assert normalize(text) == "0101901234"


@pytest.mark.parametrize(
    "text",
    [
        "010190123",  # 9 digits
        "01019012345",  # 11 digits
        "010190-123",
        "010190-12345",
        "010190-123a",
        "abcdefghij",
        "",
        "   ",
        "0101-901234",  # dash in the wrong place
        "010190--1234",
        "010190/1234",
        "٠١٠١٩٠١٢٣٤",  # Arabic-Indic digits: \d would match them
        "０１０１９０１２３４",  # full-width digits
    ],
)
def test_normalize_rejects_malformed_text(text):
    with pytest.raises(ValidationError) as info:
        normalize(text)
    assert "10 cifre" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "310290-1234",  # 31 February
        "300290-1234",  # 30 February
        "290290-1234",  # 29 February 1990: not a leap year
        "290200-1234",  # 7th digit 1 -> 1900, not a leap year
        "000190-1234",  # day 0
        "320190-1234",  # day 32
        "010090-1234",  # month 0
        "011390-1234",  # month 13
    ],
)
def test_normalize_rejects_invalid_birth_dates(text):
    with pytest.raises(ValidationError) as info:
        normalize(text)
    assert "gyldig fødselsdato" in info.value.message


def test_leap_days_that_exist_are_accepted():
    assert birth_date(normalize("290292-1234")) == dt.date(1992, 2, 29)
    # 7th digit 4 with yy <= 36 -> 2000, a leap year (unlike 1900)
    assert birth_date(normalize("290200-4234")) == dt.date(2000, 2, 29)


def test_no_modulus_11_check():
    number = "0101901234"
    assert not _passes_modulus_11(number)  # the premise of this test
    assert normalize("010190-1234") == number
    assert birth_date(number) == dt.date(1990, 1, 1)


def test_a_number_passing_modulus_11_is_accepted_too():
    number = "0707614285"
    assert _passes_modulus_11(number)
    assert normalize(number) == number


# --- the century rule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        # 0-3: always 1900-1999
        ("0101000000", dt.date(1900, 1, 1)),
        ("1505601234", dt.date(1960, 5, 15)),
        ("3112992999", dt.date(1999, 12, 31)),
        ("0101363000", dt.date(1936, 1, 1)),
        ("0101573000", dt.date(1957, 1, 1)),
        # 4: 00-36 -> 2000s, 37-99 -> 1900s
        ("0101004000", dt.date(2000, 1, 1)),
        ("0101364000", dt.date(2036, 1, 1)),
        ("0101374000", dt.date(1937, 1, 1)),
        ("3112994000", dt.date(1999, 12, 31)),
        # 5-8: 00-57 -> 2000s, 58-99 -> 1800s
        ("0101005000", dt.date(2000, 1, 1)),
        ("0101576000", dt.date(2057, 1, 1)),
        ("0101587000", dt.date(1858, 1, 1)),
        ("3112998000", dt.date(1899, 12, 31)),
        ("1506365123", dt.date(2036, 6, 15)),
        ("1506708123", dt.date(1870, 6, 15)),
        # 9: like 4
        ("0101369000", dt.date(2036, 1, 1)),
        ("0101379000", dt.date(1937, 1, 1)),
        ("2412209999", dt.date(2020, 12, 24)),
        ("2412699999", dt.date(1969, 12, 24)),
    ],
)
def test_century_follows_the_seventh_digit(cpr, born):
    assert birth_date(cpr) == born
    assert birth_date(normalize(format_cpr(cpr))) == born


def test_birth_date_rejects_non_digits():
    with pytest.raises(ValidationError):
        birth_date("010190-123")
    with pytest.raises(ValidationError):
        birth_date("٠١٠١٩٠١٢٣٤")


# --- format, mask, age ---------------------------------------------------------------------


def test_format_cpr():
    assert format_cpr("0101901234") == "010190-1234"


def test_mask_shows_the_birth_date_and_never_the_serial():
    assert mask("0101905678") == "010190-xxxx"
    assert "5678" not in mask("0101905678")
    # anything that is not a normalised number is masked completely
    assert mask("010190-5678") == "xxxxxx-xxxx"
    assert mask("") == "xxxxxx-xxxx"


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (dt.date(2020, 5, 14), 59),  # the day before the 60th birthday
        (dt.date(2020, 5, 15), 60),  # the birthday
        (dt.date(2020, 5, 16), 60),
        (dt.date(2021, 5, 14), 60),
        (dt.date(1960, 5, 15), 0),
    ],
)
def test_age_on_around_a_birthday(on, age):
    assert age_on("1505601234", on) == age


def test_age_on_for_a_leap_day_birth():
    cpr = "2902921234"  # born 29 February 1992
    assert age_on(cpr, dt.date(2020, 2, 28)) == 27
    assert age_on(cpr, dt.date(2020, 2, 29)) == 28
    assert age_on(cpr, dt.date(2021, 3, 1)) == 29


# --- property: round trip ----------------------------------------------------------------


def _serial_first_digits(year: int) -> list[int]:
    """The 7th digits that put ``year`` in its century (the CPR office's table)."""
    yy = year % 100
    digits = []
    for seventh in range(10):
        if seventh <= 3:
            century = 1900
        elif seventh in (4, 9):
            century = 2000 if yy <= 36 else 1900
        else:
            century = 2000 if yy <= 57 else 1800
        if century + yy == year:
            digits.append(seventh)
    return digits


def test_serial_first_digits_table_by_hand():
    assert _serial_first_digits(1858) == [5, 6, 7, 8]
    assert _serial_first_digits(1936) == [0, 1, 2, 3]
    assert _serial_first_digits(1937) == [0, 1, 2, 3, 4, 9]
    assert _serial_first_digits(2036) == [4, 5, 6, 7, 8, 9]
    assert _serial_first_digits(2037) == [5, 6, 7, 8]
    assert _serial_first_digits(1857) == []


@st.composite
def _cpr_and_birth_date(draw):
    born = draw(st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2057, 12, 31)))
    seventh = draw(st.sampled_from(_serial_first_digits(born.year)))
    rest = draw(st.integers(min_value=0, max_value=999))
    number = f"{born:%d%m}{born.year % 100:02d}{seventh}{rest:03d}"
    return number, born


@settings(database=None)
@given(_cpr_and_birth_date(), st.sampled_from(["{}", "{}-{}", " {} {} ", "{}  -  {}"]))
def test_round_trip(case, layout):
    number, born = case
    text = layout.format(number[:6], number[6:]) if layout != "{}" else number
    assert normalize(text) == number
    assert normalize(format_cpr(number)) == number
    assert birth_date(number) == born
    assert mask(number) == f"{born:%d%m}{born.year % 100:02d}-xxxx"
    assert age_on(number, born) == 0
