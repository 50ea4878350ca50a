"""Issue 25.4: templates travel as files. `init --template FILE.json` creates a project from
one; `initiative --out FILE.json` writes a project's; a bad file exits 2 with a Danish message
naming the file and the field, and creates nothing."""

from __future__ import annotations

import json

import pytest
from cli_run import run

from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project


def _afklaring() -> dict:
    """An "afklaringspulje"-like template: BIR's with another key, name and period."""
    data = json.loads(builtin_template("bir").to_json())
    data.update(key="afklaring_2026", name="Afklaringspulje 2026")
    data["period"] = {"start": "2026-02-01", "end": "2027-01-31"}
    data["baseline_date"] = "2026-02-01"
    for measure in data["measures"]:
        measure["payout_window"] = None
    return data


def test_a_template_file_makes_a_project_and_travels_back_unchanged(env, tmp_path):
    source = tmp_path / "afklaring.json"
    source.write_text(json.dumps(_afklaring(), ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "afklaring.fsm"
    made = run(env, "init", "--db", path, "--template", source, "--unencrypted")
    assert made.returncode == 0, made.stderr
    assert "Afklaringspulje 2026" in made.stdout
    with Project.open(path, read_only=True) as project:
        assert project.template.key == "afklaring_2026"
        assert project.initiative.start.isoformat() == "2026-02-01"
    measured = run(env, "measures", "--db", path, "--format", "json")
    assert measured.returncode == 0, measured.stderr
    counted = json.loads(measured.stdout)
    assert {r["measure"] for r in counted} == {"bir.measure1", "bir.measure2"}
    assert counted[0]["period_start"] == "2026-02"
    back = tmp_path / "tilbage.json"
    written = run(env, "initiative", "--db", path, "--out", back)
    assert written.returncode == 0, written.stderr
    assert json.loads(back.read_text("utf-8")) == _afklaring()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "afklaring.json: Skabelonen er ikke gyldig JSON (linje 1, kolonne 2)"),
        (b"\xff\xfe\x00garbage", "afklaring.json er ikke en skabelon: den er ikke tekst i UTF-8"),
        (None, "Skabelonfilen"),
    ],
)
def test_a_file_that_is_no_template_exits_2_and_creates_nothing(env, tmp_path, content, said):
    source = tmp_path / "afklaring.json"
    if isinstance(content, bytes):
        source.write_bytes(content)
    elif content is not None:
        source.write_text(content, encoding="utf-8")
    path = tmp_path / "ny.fsm"
    result = run(env, "init", "--db", path, "--template", source, "--unencrypted")
    assert result.returncode == 2
    assert said in result.stderr and "Traceback" not in result.stderr
    assert not path.exists()


def test_a_wrong_field_is_named_with_the_file(env, tmp_path):
    data = _afklaring()
    data["measures"][1]["thresholds"][0]["payout_share"] = 12.5
    source = tmp_path / "afklaring.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    path = tmp_path / "ny.fsm"
    result = run(env, "init", "--db", path, "--template", source, "--unencrypted")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "fsm-desktop: afklaring.json: Skabelonen er ugyldig ved "
        "»measures[1].thresholds[0].payout_share«: må højst være 1"
    )
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((), "angiv en af --program --template"),
        (
            ("--program", "fsm2", "--template", "x.json"),
            "--template kan ikke bruges sammen med --program",
        ),
    ],
)
def test_init_wants_a_program_or_a_template(env, tmp_path, args, said):
    result = run(env, "init", "--db", tmp_path / "x.fsm", "--unencrypted", *args)
    assert result.returncode == 2
    assert said in result.stderr


def test_the_written_template_has_the_goals_as_the_project_has_them(env, tmp_path):
    """A goal changed on the Statusskema page travels with the template (as Indsats → Gem
    indsatsen som skabelonfil writes it), not the goal the project was made with."""
    from fsm_desktop.storage.status_sheet import StatusSheetRepository

    path = tmp_path / "fsm2.fsm"
    assert run(env, "init", "--db", path, "--program", "fsm2", "--unencrypted").returncode == 0
    with Project.open(path) as project:
        StatusSheetRepository(project).set_goal("praktik", "2021-10", 0.3)
    out = tmp_path / "fsm2.json"
    assert run(env, "initiative", "--db", path, "--out", out).returncode == 0
    goals = {g["measure"]: g["targets"] for g in json.loads(out.read_text("utf-8"))["goals"]}
    assert goals["praktik"] == {"2020-10": 0.2, "2021-10": 0.3}
