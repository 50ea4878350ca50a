"""The project database's schema: numbered, one-way migrations (sqlite-utils' Migrations).

Each migration runs in one transaction together with the record that it ran. ``user_version``
holds the number of the newest migration applied, so a file written by a newer version of the
program is recognised (and refused) before anything is touched. ``application_id`` marks the
file as an FSM Desktop project.

Rules (conventions.md §3-4): every table has an explicit primary key; rows that can be created
on several machines (citizens, periods, assignments, moves, contacts, meetings, audit entries …)
use UUID text keys, so offline changes from several laptops can be merged later."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fsm_desktop.storage.sqlite import Migrations

if TYPE_CHECKING:
    # Migrations hands each migration sqlite-utils' Database (its type parameter says so);
    # a migration only runs SQL, nothing of fsm_desktop's subclass.
    from sqlite_utils import Database

#: 'FSMD' as a 32-bit integer.
APPLICATION_ID = 0x46534D44
MIGRATION_SET = "fsm_desktop"

migrations = Migrations(MIGRATION_SET)


def _run(db: Database, *statements: str) -> None:
    for sql in statements:
        db.execute(sql)


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    _initiative_tables(db)
    _people_tables(db)
    _period_tables(db)
    _board_tables(db)
    _contact_tables(db)
    _stepup_tables(db)
    _audit_tables(db)
    # Inside the migration's transaction, so it never lags behind the applied migrations.
    db.execute("PRAGMA user_version = 1")


def _initiative_tables(db: Database) -> None:
    """The initiative (exactly one row) and its status-sheet goals."""
    _run(
        db,
        """CREATE TABLE initiative (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            program TEXT NOT NULL,
            name TEXT NOT NULL,
            municipality TEXT NOT NULL DEFAULT '',
            start TEXT NOT NULL,
            end TEXT NOT NULL,
            baseline_date TEXT NOT NULL,
            grant_amount REAL,
            template_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            CHECK (end >= start)
        )""",
        # Status-sheet goals, editable per project; targets = {"YYYY-MM": value} as JSON.
        """CREATE TABLE goal (
            measure TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            label TEXT NOT NULL,
            unit TEXT NOT NULL CHECK (unit IN ('share', 'count')),
            targets TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(targets))
        )""",
    )


def _people_tables(db: Database) -> None:
    """Staff and citizens."""
    _run(
        db,
        """CREATE TABLE staff (
            id TEXT PRIMARY KEY,
            initials TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('jobformidler', 'sagsbehandler', 'leder', 'pseudo')),
            hours_per_week REAL NOT NULL DEFAULT 37 CHECK (hours_per_week >= 0),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        )""",
        """CREATE TABLE citizen (
            id TEXT PRIMARY KEY,
            cpr TEXT NOT NULL UNIQUE CHECK (length(cpr) = 10),
            name TEXT NOT NULL,
            birth_date TEXT NOT NULL,
            gender TEXT CHECK (gender IN ('K', 'M')),
            origin TEXT CHECK (origin IN ('dansk', 'vestlig', 'ikke_vestlig')),
            grp INTEGER CHECK (grp IN (1, 2)),
            entry_date TEXT,
            exit_date TEXT,
            exit_reason TEXT CHECK (exit_reason IN ('fraflyttet', 'folkepension', 'doed', 'andet')),
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            CHECK (exit_date IS NULL OR entry_date IS NULL OR exit_date >= entry_date),
            CHECK ((exit_date IS NULL) = (exit_reason IS NULL))
        )""",
        "CREATE INDEX citizen_name ON citizen(name)",
    )


def _period_tables(db: Database) -> None:
    """Typed periods, paid hours and assignments to staff."""
    _run(
        db,
        """CREATE TABLE period (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN (
                'kontanthjaelp_ap', 'integrationsydelse_ap', 'ressourceforloeb', 'revalidering',
                'virksomhedspraktik', 'loentilskud', 'mentor', 'andet_aktivt_tilbud',
                'ordinaer_beskaeftigelse', 'fleksjob', 'uddannelse_su',
                'fritagelse', 'fravaer')),
            start TEXT NOT NULL,
            end TEXT,
            note TEXT NOT NULL DEFAULT '',
            CHECK (end IS NULL OR end >= start)
        )""",
        "CREATE INDEX period_citizen ON period(citizen_id, kind, start)",
        """CREATE TABLE paid_hours (
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            month TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
            hours REAL NOT NULL CHECK (hours >= 0),
            PRIMARY KEY (citizen_id, month)
        )""",
        """CREATE TABLE assignment (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            staff_id TEXT NOT NULL REFERENCES staff(id),
            role TEXT NOT NULL CHECK (role IN ('jobformidler', 'sagsbehandler')),
            start TEXT NOT NULL,
            end TEXT,
            CHECK (end IS NULL OR end >= start)
        )""",
        "CREATE INDEX assignment_citizen ON assignment(citizen_id, role, start)",
        "CREATE INDEX assignment_staff ON assignment(staff_id)",
    )


def _board_tables(db: Database) -> None:
    """The four-way board: current placement and the move log."""
    _run(
        db,
        """CREATE TABLE placement (
            citizen_id TEXT PRIMARY KEY REFERENCES citizen(id) ON DELETE CASCADE,
            board_column TEXT NOT NULL CHECK (board_column IN
                ('i_gang', 'paa_spring', 'paa_vej', 'paa_laengere_sigt')),
            since TEXT NOT NULL
        )""",
        """CREATE TABLE board_move (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            by_user TEXT NOT NULL,
            from_column TEXT CHECK (from_column IN
                ('i_gang', 'paa_spring', 'paa_vej', 'paa_laengere_sigt')),
            to_column TEXT NOT NULL CHECK (to_column IN
                ('i_gang', 'paa_spring', 'paa_vej', 'paa_laengere_sigt')),
            reason TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX board_move_citizen ON board_move(citizen_id, at)",
    )


def _contact_tables(db: Database) -> None:
    """Contacts, status facts, network."""
    _run(
        db,
        """CREATE TABLE contact (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('personligt', 'telefon', 'virksomhedsbesoeg')),
            staff_id TEXT REFERENCES staff(id),
            note TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX contact_citizen ON contact(citizen_id, date)",
        """CREATE TABLE status_entry (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('cv_jobnet', 'jobmaal')),
            date TEXT NOT NULL,
            value TEXT NOT NULL
        )""",
        "CREATE INDEX status_entry_citizen ON status_entry(citizen_id, kind, date)",
        """CREATE TABLE network_person (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            relation TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT ''
        )""",
    )


def _stepup_tables(db: Database) -> None:
    """Step-up meetings, their participants and plans."""
    _run(
        db,
        """CREATE TABLE stepup_meeting (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            barriers TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX stepup_meeting_citizen ON stepup_meeting(citizen_id, date)",
        """CREATE TABLE stepup_participant (
            id TEXT PRIMARY KEY,
            meeting_id TEXT NOT NULL REFERENCES stepup_meeting(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('borger', 'sagsbehandler', 'jobformidler', 'leder',
                'sundhedsfaglig', 'socialforvaltning', 'familieafdeling', 'netvaerk')),
            name TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE stepup_plan_line (
            id TEXT PRIMARY KEY,
            meeting_id TEXT NOT NULL REFERENCES stepup_meeting(id) ON DELETE CASCADE,
            offer TEXT NOT NULL,
            planned_start TEXT NOT NULL,
            responsible TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        )""",
    )


def _audit_tables(db: Database) -> None:
    """The audit log: append only."""
    _run(
        db,
        """CREATE TABLE audit_log (
            id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            citizen_id TEXT,
            field TEXT NOT NULL DEFAULT '',
            old TEXT,
            new TEXT
        )""",
        "CREATE INDEX audit_log_citizen ON audit_log(citizen_id, at)",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    )


@migrations(name="0002_imports")
def m0002_imports(db: Database) -> None:
    _run(
        db,
        # Every import: the file, its hash, who and when, what it did (counts as JSON), and
        # whether it was undone. audit_rowid: the audit log's last row when it was written, so
        # an undo can see whether anyone has changed the same citizens since.
        """CREATE TABLE import_batch (
            id TEXT PRIMARY KEY,
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            counts TEXT NOT NULL CHECK (json_valid(counts)),
            audit_rowid INTEGER NOT NULL DEFAULT 0,
            undone_at TEXT,
            undone_by TEXT
        )""",
        # What an import changed, for undoing it: per table, the keys of the rows it inserted
        # and the complete earlier rows it updated (JSON).
        """CREATE TABLE import_journal (
            batch_id TEXT NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
            tbl TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update')),
            payload TEXT NOT NULL,
            PRIMARY KEY (batch_id, tbl, action)
        )""",
        # Saved mappings of other file layouts (column → field, date format …), by name and by
        # the layout's signature.
        """CREATE TABLE import_mapping (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            signature TEXT NOT NULL,
            mapping TEXT NOT NULL CHECK (json_valid(mapping)),
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX import_mapping_signature ON import_mapping(signature)",
        "PRAGMA user_version = 2",
    )


@migrations(name="0003_board_meetings")
def m0003_board_meetings(db: Database) -> None:
    _run(
        db,
        # "Afslut møde" on the board: the meeting (date, who was there) and every placement at
        # that moment, so the next meeting shows what moved and the board's history can be
        # charted (seeds/004: the monthly cross-team meeting).
        """CREATE TABLE board_meeting (
            id TEXT PRIMARY KEY,
            date TEXT NOT NULL,
            at TEXT NOT NULL,
            by_user TEXT NOT NULL,
            attendees TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attendees)),
            note TEXT NOT NULL DEFAULT '',
            -- the move log's last row at the meeting: a move in the meeting's own second
            -- with a later row came after it (the clock has only seconds)
            move_rowid INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX board_meeting_at ON board_meeting(at)",
        """CREATE TABLE board_snapshot (
            meeting_id TEXT NOT NULL REFERENCES board_meeting(id) ON DELETE CASCADE,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            board_column TEXT CHECK (board_column IN
                ('i_gang', 'paa_spring', 'paa_vej', 'paa_laengere_sigt')),
            PRIMARY KEY (meeting_id, citizen_id)
        )""",
        "PRAGMA user_version = 3",
    )


@migrations(name="0004_network_consent")
def m0004_network_consent(db: Database) -> None:
    _run(
        db,
        # The network circle is recorded only when the citizen wishes it (seeds/002 §20,
        # domain.md "Network involvement"): the wish, on the citizen.
        "ALTER TABLE citizen ADD COLUMN network_consent INTEGER NOT NULL DEFAULT 0 CHECK (network_consent IN (0, 1))",
        "PRAGMA user_version = 4",
    )


@migrations(name="0005_stepup")
def m0005_stepup(db: Database) -> None:
    _run(
        db,
        # Step-up markings with dates (seeds/000 §2-3, seeds/002 §18): a citizen marked for
        # step-up by the user, and the two exemptions, which always have an end date.
        """CREATE TABLE stepup_marking (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('markeret', 'rehab_indstilling', 'tilbud_aftalt')),
            start TEXT NOT NULL,
            end TEXT,
            note TEXT NOT NULL DEFAULT '',
            CHECK (end IS NULL OR end >= start),
            CHECK (kind = 'markeret' OR end IS NOT NULL)
        )""",
        "CREATE INDEX stepup_marking_citizen ON stepup_marking(citizen_id, start)",
        # For ressourceforløb only the clinical function's health coordinator or the GP may give
        # health advice (seeds/002 §20-21): which kind of health professional took part.
        "ALTER TABLE stepup_participant ADD COLUMN health_function TEXT NOT NULL DEFAULT '' "
        "CHECK (health_function IN ('', 'sundhedskoordinator', 'egen_laege', 'anden'))",
        "CREATE INDEX stepup_participant_meeting ON stepup_participant(meeting_id)",
        "CREATE INDEX stepup_plan_line_meeting ON stepup_plan_line(meeting_id)",
        "PRAGMA user_version = 5",
    )


@migrations(name="0006_status_sheet")
def m0006_status_sheet(db: Database) -> None:
    _run(
        db,
        # The status sheet's last row (seeds/004 Bilag 2): the cross-organisational coordination
        # group met in a month — a mark per month, set by hand.
        """CREATE TABLE coordination_meeting (
            month TEXT PRIMARY KEY CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
            note TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            by_user TEXT NOT NULL
        )""",
        # Small per-project settings the user edits (e.g. the status sheet's "ordinary hours
        # above x hours a month"): key → JSON value.
        """CREATE TABLE project_setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL CHECK (json_valid(value))
        )""",
        "PRAGMA user_version = 6",
    )


@migrations(name="0007_staff_history")
def m0007_staff_history(db: Database) -> None:
    _run(
        db,
        # The staff register with dates (issue 9): when a person joined and left the project.
        "ALTER TABLE staff ADD COLUMN active_from TEXT",
        "ALTER TABLE staff ADD COLUMN active_to TEXT",
        # A reassignment of citizens from one person to others in one step, so it can be undone
        # as a whole: which assignment rows it ended (with their earlier end) and started.
        """CREATE TABLE reassignment (
            id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            by_user TEXT NOT NULL,
            day TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('jobformidler', 'sagsbehandler')),
            note TEXT NOT NULL DEFAULT '',
            undone_at TEXT,
            undone_by TEXT
        )""",
        """CREATE TABLE reassignment_row (
            reassignment_id TEXT NOT NULL REFERENCES reassignment(id) ON DELETE CASCADE,
            assignment_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('ended', 'started')),
            previous_end TEXT,
            PRIMARY KEY (reassignment_id, assignment_id)
        )""",
        "PRAGMA user_version = 7",
    )


@migrations(name="0008_frontrunner_project_period")
def m0008_frontrunner_project_period(db: Database) -> None:
    """Frontrunner's job-broker requirement counts an assignment on any day of the project
    period, 1 December 2018 – 31 December 2019 (seed 000; issue 18), not only in 2019. A project
    made from the builtin template before keeps its own copy of the template: it gets the rule
    (``qualifying_from``, the project's start) here. A user's own copy that moved its start past
    the window is left alone."""
    row = db.execute("SELECT program, template_json FROM initiative WHERE id = 1").fetchone()
    if row is not None and row[0] == "frontrunner":
        data = json.loads(row[1])
        start = data.get("period", {}).get("start")
        changed = False
        for measure in data.get("measures", []):
            window = measure.get("window") or {}
            if (
                measure.get("id") == "frontrunner.job_broker"
                and measure.get("unit") == "period"
                and measure.get("qualifying_from") is None
                and start is not None
                and start <= window.get("start", start)
            ):
                measure["qualifying_from"] = start
                changed = True
        if changed:
            db.execute(
                "UPDATE initiative SET template_json = ? WHERE id = 1",
                [json.dumps(data, ensure_ascii=False, indent=2)],
            )
    db.execute("PRAGMA user_version = 8")


@migrations(name="0009_other_cases")
def m0009_other_cases(db: Database) -> None:
    _run(
        db,
        # HIR's 30–35 holds for a caseworker's whole caseload, also when it is mixed (seed 003,
        # pool §3): the cases outside the target group, as the user enters them per month.
        """CREATE TABLE other_cases (
            staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
            cases INTEGER NOT NULL CHECK (cases > 0),
            PRIMARY KEY (staff_id, month)
        )""",
        "PRAGMA user_version = 9",
    )


@migrations(name="0010_sync")
def m0010_sync(db: Database) -> None:
    _run(
        db,
        # Laptop copies (issue 20, docs/sync.md): every copy taken along from this team copy ...
        """CREATE TABLE sync_checkout (
            id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            by_user TEXT NOT NULL,
            label TEXT NOT NULL,
            job_broker TEXT,
            target TEXT NOT NULL
        )""",
        # ... and every change file merged into it: who, when, from which copy (its n-th
        # hand-back), what it did and what the project leader decided.
        """CREATE TABLE sync_merge (
            id TEXT PRIMARY KEY,
            file_id TEXT NOT NULL UNIQUE,
            laptop_id TEXT NOT NULL,
            label TEXT NOT NULL,
            seq INTEGER NOT NULL CHECK (seq >= 1),
            at TEXT NOT NULL,
            by_user TEXT NOT NULL,
            file TEXT NOT NULL,
            counts TEXT NOT NULL CHECK (json_valid(counts)),
            decisions TEXT NOT NULL CHECK (json_valid(decisions)),
            UNIQUE (laptop_id, seq)
        )""",
        # Where an audit entry came from: '' made in this copy, else the laptop copy's label
        # ("bærbar JF3") for an entry made there or written by merging its changes.
        "ALTER TABLE audit_log ADD COLUMN source TEXT NOT NULL DEFAULT ''",
        "PRAGMA user_version = 10",
    )


@migrations(name="0011_own_period_kinds")
def m0011_own_period_kinds(db: Database) -> None:
    """An initiative's template may add kinds of period (issue 25: a 2026 benefit, a new offer),
    so the period table no longer lists the kinds: a kind is a key of lower case letters,
    digits and _, which the template names (domain.program). SQLite cannot change a CHECK: the
    table is made again with the same columns, rows and index."""
    _run(
        db,
        """CREATE TABLE period_0011 (
            id TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL REFERENCES citizen(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (
                length(kind) BETWEEN 2 AND 40 AND kind GLOB '[a-z]*' AND NOT kind GLOB '*[^a-z0-9_]*'
            ),
            start TEXT NOT NULL,
            end TEXT,
            note TEXT NOT NULL DEFAULT '',
            CHECK (end IS NULL OR end >= start)
        )""",
        "INSERT INTO period_0011 (id, citizen_id, kind, start, end, note) "
        "SELECT id, citizen_id, kind, start, end, note FROM period",
        "DROP TABLE period",
        "ALTER TABLE period_0011 RENAME TO period",
        "CREATE INDEX period_citizen ON period(citizen_id, kind, start)",
        "PRAGMA user_version = 11",
    )


def known_migration_names() -> list[str]:
    return [m.name for m in migrations._migrations]


#: The schema version this program writes: the number of migrations it knows.
SCHEMA_VERSION = len(known_migration_names())
