"""Issue 23: damaged files of every kind never crash the import and a refused one writes
nothing. Hypothesis damages a valid template (cut short, bytes changed, bytes inserted) and a
valid CSV extract (quotes, separators and line breaks thrown in), saves it under each name a
user may give it, and imports it: the import reads it and either refuses it with a Danish
message (the data tables as they were) or imports what it validly holds."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import fill_template

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.exchange.importer import ImportRefused, commit, prepare

DATA_TABLES = ("staff", "citizen", "assignment", "status_entry", "period", "paid_hours")
SUFFIXES = (".xlsx", ".xls", ".xlsb", ".ods", ".csv", ".txt")

CSV = (
    "cpr;navn;gruppe;køn;herkomst;indgang\n"
    "010180-1234;Anna Hansen;1;K;dansk;01-11-2019\n"
    '020280-2345;"Bo Berg";2;M;vestlig;01-11-2019\n'
    "030380-3456;Cai Dahl;1;M;dansk;15-01-2020\n"
)


def _dump(project) -> dict[str, list[tuple]]:
    return {
        table: sorted(map(tuple, project.db.execute(f'SELECT * FROM "{table}"').fetchall()))
        for table in DATA_TABLES
    }


@functools.cache
def template_bytes() -> bytes:
    """A valid filled template (made once; not a fixture, so a failing example's report does
    not print all its bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "udtraek.xlsx"
        fill_template(
            path,
            citizens=[
                ("010180-1234", "Anna Hansen", 1, "K", "dansk", dt.datetime(2019, 11, 1)),
                ("020280-2345", "Bo Berg", 2, "M", "vestlig", dt.datetime(2019, 11, 1)),
            ],
            hours=[("010180-1234", "2020-05", 12.5)],
        )
        return path.read_bytes()


#: How a file is damaged: (how, where as a share of its length, what bytes go in).
MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(("cut", "flip", "insert")),
        st.integers(0, 10_000),
        st.binary(min_size=1, max_size=16),
    ),
    min_size=1,
    max_size=4,
)


def damaged(base: bytes, mutations) -> bytes:
    data = bytearray(base)
    for how, where, inserted in mutations:
        at = where * len(data) // 10_001
        if how == "cut":
            del data[at:]
        elif how == "flip" and data:
            data[at] = inserted[0]
        else:
            data[at:at] = inserted
    return bytes(data)


def _import(project, path) -> None:
    """The import as the command line runs it: a refusal is a Danish message and no write."""
    before = _dump(project)
    try:
        prepared = prepare(project, path)
    except KnownError as refused:
        assert refused.message  # a message, not a traceback
        assert _dump(project) == before
        return
    if prepared.plan.errors:
        with pytest.raises(ImportRefused):
            commit(project, prepared)
        assert _dump(project) == before
    elif prepared.plan.changes:
        commit(project, prepared)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations=MUTATIONS, suffix=st.sampled_from(SUFFIXES))
def test_a_damaged_workbook_is_refused_or_read(project, tmp_path, mutations, suffix):
    path = tmp_path / f"udtraek{suffix}"
    path.write_bytes(damaged(template_bytes(), mutations))
    _import(project, path)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    noise=st.lists(st.sampled_from(['"', ";", "\n", "\r", ",", "\t", "\x00", "ø", "\u202e"])),
    suffix=st.sampled_from(SUFFIXES),
)
def test_a_damaged_csv_is_refused_or_read(project, tmp_path, data, noise, suffix):
    text = list(CSV)
    for character in noise:
        at = data.draw(st.integers(0, len(text)))
        text.insert(at, character)
    path = tmp_path / f"udtraek{suffix}"
    path.write_bytes(
        "".join(text).encode(
            data.draw(
                st.sampled_from(("utf-8", "cp1252", "utf-16")),
            ),
            errors="replace",
        )
    )
    _import(project, path)
