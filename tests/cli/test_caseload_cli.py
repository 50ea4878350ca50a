"""`fsm-desktop caseload`, run as a user runs it: in a subprocess, on a small HIR project whose
caseloads are counted by hand below."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cli_run import isolated_env, run
from hir_helpers import in_ressourceforloeb_all_along

from fsm_desktop.domain.caseload import CaseloadSettings, Limit, StaffRecord
from fsm_desktop.domain.model import Citizen, ExitReason, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.staff import StaffRegister

D = dt.date


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return isolated_env(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def hir_path(tmp_path_factory):
    """HIR (period March 2018 – March 2019). AA 37 h has 36 citizens from March 2018; BB 30 h has
    28; BF (Barsel/fængsel) has 2 parked; JF, a job broker, has 3 of AA's citizens, one of whom
    is parked from May. Two of AA's citizens move away on 15 May 2018."""
    path = tmp_path_factory.mktemp("hir") / "hir.fsm"
    with Project.create(path, builtin_template("hir")) as project:
        register = StaffRegister(project)
        people = {}
        for initials, name, role, hours in (
            ("AA", "Anna Ager", StaffRole.CASEWORKER, 37.0),
            ("BB", "Bent Bo", StaffRole.CASEWORKER, 30.0),
            ("BF", "Barsel/fængsel", StaffRole.PSEUDO, 0.0),
            ("JF", "Jens Fog", StaffRole.JOB_BROKER, 37.0),
            ("LL", "Lis Leder", StaffRole.LEADER, 37.0),
        ):
            people[initials] = register.save(
                StaffRecord(Staff(initials, name, role, hours)), today=D(2018, 3, 1)
            )
        repo = CitizenRepository(project)
        rows = []
        n = 0

        def citizen(staff: str, start: str = "2018-03-01", end: str | None = None, **extra) -> str:
            nonlocal n
            n += 1
            c = Citizen(
                cpr=f"0101{n:06d}", name=f"Borger {n:02d}", entry_date=D(2018, 3, 1), **extra
            )
            repo.add(c)
            rows.append((c.id, people[staff].id, "sagsbehandler", start, end))
            return c.id

        aa = [citizen("AA") for _ in range(34)]
        aa += [
            citizen(
                "AA", exit_date=D(2018, 5, 15), exit_reason=ExitReason.MOVED_AWAY, end="2018-05-15"
            )
            for _ in range(2)
        ]
        for _ in range(28):
            citizen("BB")
        parked = [citizen("BF") for _ in range(2)]
        # aa[0] goes on maternity leave from 1 May: parked with BF.
        rows.append((aa[0], people["AA"].id, "sagsbehandler", "2018-03-01", "2018-04-30"))
        rows = [r for r in rows if not (r[0] == aa[0] and r[4] is None)]
        rows.append((aa[0], people["BF"].id, "sagsbehandler", "2018-05-01", None))
        for cid in (aa[0], aa[1], parked[0]):
            rows.append((cid, people["JF"].id, "jobformidler", "2018-03-01", None))
        with project.db.atomic():
            for i, (cid, sid, role, start, end) in enumerate(rows):
                project.db["assignment"].insert(
                    {
                        "id": f"x{i:03d}",
                        "citizen_id": cid,
                        "staff_id": sid,
                        "role": role,
                        "start": start,
                        "end": end,
                    }
                )
        in_ressourceforloeb_all_along(project)
    return path


def caseload(env, *args):
    return run(env, "caseload", *args)


def test_json_by_hand_for_april(env, hir_path):
    result = caseload(env, "--db", hir_path, "--month", "2018-04", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["initials"]: r for r in json.loads(result.stdout)}
    # Leaders without citizens are not listed.
    assert list(rows) == ["JF", "AA", "BB", "BF"]
    assert rows["AA"] == {
        "initials": "AA",
        "name": "Anna Ager",
        "role": "sagsbehandler",
        "hours_per_week": 37.0,
        "fte": 1.0,
        "citizens": 36,
        "per_fte": 36.0,
        "limit": 35.0,
        "over_limit": True,
        "band": "31–40",
    }
    # 28 × 37 / 30 = 34.53: under 35, inside HIR's 30–35.
    assert rows["BB"] == {
        "initials": "BB",
        "name": "Bent Bo",
        "role": "sagsbehandler",
        "hours_per_week": 30.0,
        "fte": 0.8108,
        "citizens": 28,
        "per_fte": 34.53,
        "limit": 35.0,
        "over_limit": False,
        "band": "31–40",
    }
    # The pseudo-caseworker: their citizens are listed, counted in nobody's caseload.
    assert (
        rows["BF"]["citizens"] == 2
        and rows["BF"]["per_fte"] is None
        and rows["BF"]["limit"] is None
    )
    assert rows["BF"]["fte"] == 0 and rows["BF"]["band"] is None
    # The job broker: three citizens, one of them parked (with BF all along).
    assert (rows["JF"]["citizens"], rows["JF"]["limit"]) == (2, 40.0)


def test_may_after_a_move_and_a_maternity_leave(env, hir_path):
    result = caseload(env, "--db", hir_path, "--month", "2018-05", "--format", "json")
    rows = {r["initials"]: r for r in json.loads(result.stdout)}
    # AA: 36 − 2 moved away (15 May) − 1 parked (1 May) = 33.
    assert (rows["AA"]["citizens"], rows["AA"]["over_limit"]) == (33, False)
    assert rows["BF"]["citizens"] == 3
    assert rows["JF"]["citizens"] == 1


def test_table_in_danish_with_totals_and_warnings(env, hir_path):
    result = caseload(env, "--db", hir_path, "--month", "2018-04")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Sagsstammer pr. 30-04-2018 – Håndholdt indsats i ressourceforløb\n")
    assert "Initialer  Navn" in out and "Pr. fuldtid" in out
    aa = next(line for line in out.splitlines() if line.startswith("AA "))
    assert aa.split()[-3:] == ["OVER", "GRÆNSEN", "(30–35)"]
    # Caseworkers as a whole: 64 citizens on (37 + 30) / 37 = 1.81 FTE = 35.3 (the HIR measure).
    assert (
        "Sagsbehandlere i alt: 64 borgere på 1,81 fuldtid = 35,3 pr. fuldtid (grænse 30–35)" in out
    )
    assert (
        "Advarsler:\n  Sagsbehandlere har i alt 35,3 borgere pr. fuldtid – over grænsen på 35."
        in out
    )
    assert "  AA (Anna Ager) har 36 borgere pr. fuldtid – over grænsen på 35." in out


def test_the_team_figure_is_the_hir_measure(env, hir_path):
    measures = json.loads(
        run(
            env,
            "measures",
            "--db",
            hir_path,
            "--from",
            "2018-04",
            "--to",
            "2018-04",
            "--format",
            "json",
        ).stdout
    )
    measure = next(m for m in measures if m["measure"] == "hir.caseload")
    assert (measure["numerator"], round(measure["share"], 1)) == (64, 35.3)


def test_stored_limits_and_ips_column(env, hir_path, tmp_path):
    import shutil

    copy = tmp_path / "kopi.fsm"
    shutil.copy(hir_path, copy)
    with Project.open(copy) as project:
        StaffRegister(project).save_settings(
            CaseloadSettings(
                {StaffRole.CASEWORKER: Limit(37), StaffRole.JOB_BROKER: None}, ips=True
            )
        )
    table = caseload(env, "--db", copy, "--month", "2018-04").stdout
    assert "IPS" in table.splitlines()[2]
    rows = {
        r["initials"]: r
        for r in json.loads(
            caseload(env, "--db", copy, "--month", "2018-04", "--format", "json").stdout
        )
    }
    assert (rows["AA"]["limit"], rows["AA"]["over_limit"], rows["JF"]["limit"]) == (
        37.0,
        False,
        None,
    )


def test_without_month_it_is_today_or_the_initiatives_end(env, hir_path):
    # HIR ended 31 March 2019: "today" is its last day.
    out = caseload(env, "--db", hir_path).stdout
    assert out.startswith("Sagsstammer pr. 31-03-2019")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2018-13"), "--month: »2018-13« er ikke en måned (ÅÅÅÅ-MM)"),
        (("--format", "csv"), "--format: »csv« er ikke et af valgene"),
        (("--month", "0000-01"), "Måneden 0000-01 ligger uden for indsatsens periode (2018-03 – "),
        (("--month", "9999-12"), "Måneden 9999-12 ligger efter både indsatsens slut (2019-"),
        (("--month", "2019-3"), "--month: »2019-3« er ikke en måned (ÅÅÅÅ-MM)"),
        ((), None),
    ],
)
def test_usage_errors_are_one_danish_line(env, hir_path, args, message):
    if message is None:  # no --db at all
        result = caseload(env, *args)
        message = "mangler: --db"
    else:
        result = caseload(env, "--db", hir_path, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_a_missing_file_is_one_line(env, tmp_path):
    result = caseload(env, "--db", tmp_path / "findes-ikke.fsm")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("findes ikke.") and len(result.stderr.splitlines()) == 1


def test_an_empty_project(env, tmp_path):
    path = tmp_path / "tom.fsm"
    Project.create(path, builtin_template("fsm2")).close()
    result = caseload(env, "--db", path)
    assert result.returncode == 0
    assert "Projektet har ingen medarbejdere med sagsstamme." in result.stdout
    assert json.loads(caseload(env, "--db", path, "--format", "json").stdout) == []


def test_other_cases_make_the_whole_caseload_that_the_limit_judges(env, tmp_path, hir_path):
    """Seed 003 (pool §3): 30–35 holds for the caseworker's whole caseload, also when it is
    mixed. BB: 28 citizens on 30 hours = 34.53; with 4 other cases in April (32 × 37 / 30 =
    39.47) over 35. Only April: May is as before. Without other cases the JSON is as it was."""
    import shutil

    from fsm_desktop.storage.staff import StaffRegister

    path = tmp_path / "hir-andre.fsm"
    shutil.copyfile(hir_path, path)
    with Project.open(path) as project:
        register = StaffRegister(project)
        bb = next(r for r in register.records() if r.initials == "BB")
        register.set_other_cases(bb.id, "2018-04", 4)
    april = {
        r["initials"]: r
        for r in json.loads(
            caseload(env, "--db", path, "--month", "2018-04", "--format", "json").stdout
        )
    }
    assert (
        april["BB"]["citizens"],
        april["BB"]["per_fte"],
        april["BB"]["other_cases"],
        april["BB"]["whole_per_fte"],
    ) == (28, 34.53, 4, 39.47)
    assert april["BB"]["over_limit"] is True
    assert "other_cases" not in april["AA"]
    may = {
        r["initials"]: r
        for r in json.loads(
            caseload(env, "--db", path, "--month", "2018-05", "--format", "json").stdout
        )
    }
    assert "other_cases" not in may["BB"] and may["BB"]["over_limit"] is False
    table = caseload(env, "--db", path, "--month", "2018-04").stdout
    assert (
        "BB (Bent Bo) har 39,5 sager pr. fuldtid med 4 andre sager – over grænsen på 35." in table
    )
