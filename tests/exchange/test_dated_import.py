"""Dated extracts end to end on a fresh project: the default "Udtræk pr." (the name's date,
else the file's modification date), an older extract after a newer one, a broker moved back
to an older extract's date and the undo of it."""

from __future__ import annotations

import datetime as dt
import os

from import_helpers import fill_template

from fsm_desktop.exchange.importer import commit, extract_date, prepare
from fsm_desktop.storage.imports import ImportRepository

D = dt.date
STAFF = [("AB", "Anne", "jobformidler", 37), ("CD", "Carl", "jobformidler", 37)]


def citizen(jf: str, cv: str, indgang=None) -> tuple:
    return ("010180-1234", "Anna", 1, None, None, indgang, None, None, jf, None, cv, None)


def _touch(path, day: dt.date):
    stamp = dt.datetime.combine(day, dt.time(12)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def brokers(project) -> list[tuple]:
    return project.db.execute(
        "SELECT s.initials, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id ORDER BY a.start"
    ).fetchall()


def cv(project) -> list[tuple]:
    return project.db.execute(
        "SELECT date, value FROM status_entry WHERE kind = 'cv_jobnet' ORDER BY date"
    ).fetchall()


def test_the_default_date_is_the_names_else_the_files_modification_day(tmp_path):
    named = _touch(fill_template(tmp_path / "momentum 2024-03-15.xlsx"), D(2024, 4, 2))
    assert (extract_date(named).day, extract_date(named).source) == (D(2024, 3, 15), "name")
    plain = _touch(fill_template(tmp_path / "momentum.xlsx"), D(2024, 4, 2))
    assert (extract_date(plain).day, extract_date(plain).source) == (D(2024, 4, 2), "modified")
    assert extract_date(plain).explanation == "filens ændringsdato"
    assert extract_date(plain, today=D(2024, 4, 1)).day == D(2024, 4, 1)  # never after today


def test_an_older_extract_after_a_newer_one_keeps_the_newer_state(project, tmp_path):
    may = fill_template(
        tmp_path / "udtraek-2024-05-02.xlsx", citizens=[citizen("CD", "ja")], staff=STAFF
    )
    commit(project, prepare(project, may))
    assert brokers(project) == [("CD", "2024-05-02", None)] and cv(project) == [
        ("2024-05-02", "ja")
    ]
    march = fill_template(
        tmp_path / "udtraek-2024-03-15.xlsx", citizens=[citizen("AB", "nej")], staff=STAFF
    )
    prepared = prepare(project, march)
    assert (prepared.as_of, prepared.as_of_source) == (D(2024, 3, 15), "name")
    assert [str(f) for f in prepared.plan.older] == [
        "jobformidler AB pr. 15-03-2024 er ældre end den gemte (CD fra 02-05-2024): ikke ændret"
    ]
    commit(project, prepared)
    assert brokers(project) == [("CD", "2024-05-02", None)]  # not overwritten
    assert cv(project) == [("2024-03-15", "nej"), ("2024-05-02", "ja")]  # history; the newer holds


def test_an_older_extract_moves_the_same_broker_back_and_undo_restores_it(project, tmp_path):
    # Imported before extracts were dated: the broker from the import day.
    first = fill_template(tmp_path / "a.xlsx", citizens=[citizen("AB", "ja")], staff=STAFF)
    commit(project, prepare(project, first, as_of=D(2024, 11, 25)))
    assert brokers(project) == [("AB", "2024-11-25", None)]
    older = fill_template(tmp_path / "b.xlsx", citizens=[citizen("AB", "ja")], staff=STAFF)
    done = commit(project, prepare(project, older, as_of=D(2024, 3, 15)))
    assert brokers(project) == [("AB", "2024-03-15", None)]
    assert cv(project) == [("2024-03-15", "ja"), ("2024-11-25", "ja")]
    assert done.record.counts["assignments_restarted"] == 1
    ImportRepository(project).undo(done.record.id)
    assert brokers(project) == [("AB", "2024-11-25", None)] and cv(project) == [
        ("2024-11-25", "ja")
    ]


def test_a_later_extract_hands_over_on_its_date(project, tmp_path):
    march = fill_template(
        tmp_path / "m.xlsx", citizens=[citizen("AB", "nej", indgang=D(2024, 1, 10))], staff=STAFF
    )
    commit(project, prepare(project, march, as_of=D(2024, 3, 15)))
    assert brokers(project) == [("AB", "2024-01-10", None)]  # the first from the entry date
    june = fill_template(tmp_path / "j.xlsx", citizens=[citizen("CD", "ja")], staff=STAFF)
    commit(project, prepare(project, june, as_of=D(2024, 6, 1)))
    assert brokers(project) == [("AB", "2024-01-10", "2024-05-31"), ("CD", "2024-06-01", None)]
    assert cv(project) == [("2024-03-15", "nej"), ("2024-06-01", "ja")]
