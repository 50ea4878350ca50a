"""The one meaning of a "navn eller CPR" search (domain.search)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsm_desktop.domain.search import Query, fold, parse

ANNE = ("Anne Hansen", "0101901234")
JOSE = ("José Sørensen", "0212853456")
AASE = ("Åse Ærø", "3112997890")
ANNA = ("Anna Berg", "0102801111")
PEOPLE = (ANNE, JOSE, AASE, ANNA)


def found(text: str) -> list[str]:
    query = parse(text)
    return [name for name, cpr in PEOPLE if query is not None and query.matches(name, cpr)]


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_an_empty_box_searches_nothing(text):
    assert parse(text) is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # names: every word anywhere in the name, any order, any case
        ("anne", ["Anne Hansen"]),
        ("HANSEN anne", ["Anne Hansen"]),
        ("an", ["Anne Hansen", "Anna Berg"]),
        ("anne berg", []),
        ("ann  ber", ["Anna Berg"]),
        # accents are ignored, the Danish letters are letters of their own
        ("jose", ["José Sørensen"]),
        ("JOSÉ", ["José Sørensen"]),
        ("sørensen", ["José Sørensen"]),
        ("sorensen", []),
        ("åse", ["Åse Ærø"]),
        ("ÆRØ", ["Åse Ærø"]),
        ("a", ["Anne Hansen", "Anna Berg"]),
        # digits: the birth date from its start
        ("01", ["Anne Hansen", "Anna Berg"]),
        ("0101", ["Anne Hansen"]),
        ("01.01", ["Anne Hansen"]),
        ("010190", ["Anne Hansen"]),
        ("0101 90", ["Anne Hansen"]),
        ("1234", []),  # not the last four digits …
        ("0190", []),  # … nor the middle of the date
        ("0101901", []),  # an unfinished number finds no one
        ("010190123", []),
        # the whole number, with or without its dash
        ("010190-1234", ["Anne Hansen"]),
        ("0101901234", ["Anne Hansen"]),
        (" 010190 - 1234 ", ["Anne Hansen"]),
        ("0101901235", []),
        ("01019012345", []),
        # a mix of letters and digits is words of a name
        ("anne 0101", []),
    ],
)
def test_what_a_search_finds(text, names):
    assert found(text) == names


def test_the_parsed_query():
    assert parse("010190-1234") == Query(digits="0101901234", whole=True)
    assert parse("0101") == Query(digits="0101")
    assert parse(" Anne  HANSEN ") == Query(words=("anne", "hansen"))
    assert parse("0101901").finds_no_one and not parse("010190").finds_no_one
    assert parse("anne").matches_folded_name(fold("Anne Hansen"))
    assert not parse("anne").matches_cpr("0101901234")
    assert parse("0101901234").matches_cpr("010190-1234")


def test_fold():
    assert fold("Anne") == "anne"
    assert fold("José Müller") == "jose muller"
    assert fold("ÅSE ÆRØ") == "åse ærø"
    assert fold("Straße") == "strasse"


#: Names in Latin letters, as the register holds them (Turkish dotless i excepted: its capital
#: is a dotted one).
names = st.lists(
    st.text(
        alphabet=st.characters(
            min_codepoint=0x41,
            max_codepoint=0x24F,
            categories=("Lu", "Ll"),
            exclude_characters="ıİǰ",
        ),
        min_size=1,
        max_size=12,
    ),
    min_size=1,
    max_size=4,
).map(" ".join)
cprs = st.from_regex(r"\A[0-3][0-9][01][0-9]{3}[0-9]{4}\Z")


@given(name=names, cpr=cprs)
def test_a_citizen_is_found_by_their_own_full_name_or_full_cpr(name, cpr):
    assert parse(name).matches(name, cpr)
    assert parse(name.upper()).matches(name, cpr)
    assert parse(cpr).matches(name, cpr)
    assert parse(f"{cpr[:6]}-{cpr[6:]}").matches(name, cpr)


@given(name=names, cpr=cprs, data=st.data())
def test_any_of_their_words_or_birth_date_start_finds_them(name, cpr, data):
    words = name.split()
    some = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=len(words)))
    assert parse(" ".join(reversed(some))).matches(name, cpr)
    n = data.draw(st.integers(1, 6))
    assert parse(cpr[:n]).matches(name, cpr)


@given(cpr=cprs, other=cprs, n=st.integers(7, 9))
def test_digits_never_find_by_the_last_four_alone(cpr, other, n):
    assert not parse(cpr[:n]).matches("x", cpr)
    assert parse(other).matches("x", cpr) == (other == cpr)
