"""The command line. Shares every rule with the GUI; has no logic of its own.

    fsm-desktop [--db FILE]                       open the window
    fsm-desktop init --db FILE --program NAME     a new, empty project
    fsm-desktop demo --db FILE [--program NAME] [--citizens N] [--seed S]
    fsm-desktop --version

Qt is imported only when the window is opened, so the sub-commands start fast. A usage error
or a file that cannot be used gives one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence

from fsm_desktop import __version__
from fsm_desktop.arguments import PASSWORD_ENV, UsageError, given_password
from fsm_desktop.domain.danish import date_text, datetime_text
from fsm_desktop.domain.errors import KnownError, ValidationError

PROG = "fsm-desktop"
EXIT_USAGE = 2


class _DanishHelp(argparse.HelpFormatter):
    """argparse's help with its own words in Danish ("brug:" for "usage:")."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "brug: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse that speaks Danish in its help (headings, -h) and reports a usage error as one
    line (and exit code 2) instead of the usage block."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _DanishHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "tilvalg"
        self.add_argument(
            "-h",
            "--help",
            action="help",
            default=argparse.SUPPRESS,
            help="vis denne hjælp og afslut",
        )

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(_danish_usage(message))


_ARGPARSE_DANISH = (
    (
        re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)"),
        "{0}: »{1}« er ikke et af valgene {2}",
    ),
    (re.compile(r"the following arguments are required: (.*)"), "mangler: {0}"),
    (
        re.compile(r"one of the arguments (.*) is required"),
        "angiv en af {0}",
    ),
    (re.compile(r"unrecognized arguments: (.*)"), "ukendt argument: {0}"),
    (re.compile(r"argument (\S+): expected one argument"), "{0} skal have en værdi"),
    (re.compile(r"argument (\S+): invalid int value: '([^']*)'"), "{0}: »{1}« er ikke et helt tal"),
    (re.compile(r"argument (\S+): invalid float value: '([^']*)'"), "{0}: »{1}« er ikke et tal"),
    (
        re.compile(r"argument (\S+): not allowed with argument (\S+)"),
        "{0} kan ikke bruges sammen med {1}",
    ),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), "{0} er tvetydig: mener du {1}?"),
    (re.compile(r"argument (\S+): (.*)"), "{0}: {1}"),
)


def _danish_usage(message: str) -> str:
    """argparse's own messages (English) in Danish, like the rest of the program."""
    for pattern, template in _ARGPARSE_DANISH:
        match = pattern.fullmatch(message)
        if match:
            return template.format(*match.groups())
    return message


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"»{text}« er ikke et heltal") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"»{text}« skal være mindst 1")
    return value


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"»{text}« er ikke en størrelse som 1366x768") from None
    if width < 200 or height < 200:
        raise argparse.ArgumentTypeError(f"»{text}« er for lille")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="FSM Desktop: følg en beskæftigelsesindsats (Flere skal med, BIR, HIR) "
        "måned for måned – også uden netværk.",
        epilog="Uden underkommando åbnes vinduet. Underkommandoer: init, demo, measures, import, "
        "imports, template, initiative, stepup, caseload, export, checkout, handin, merge. "
        "Se '%(prog)s KOMMANDO --help'.",
    )
    _add_window_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)
    # The order here is the order of the choices in the help and in a usage error.
    for add in (
        _add_init,
        _add_demo,
        _add_measures,
        _add_import,
        _add_imports,
        _add_caseload,
        _add_stepup,
        _add_export,
        _add_checkout,
        _add_handin,
        _add_merge,
        _add_template,
        _add_initiative,
    ):
        add(sub)
    return parser


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    """The options without a sub-command: the window's."""
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__}",
        help="vis programmets version og afslut",
    )
    parser.add_argument("--db", metavar="FIL", help="projektfilen (.fsm), der skal åbnes")
    _add_password_file(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="åbn demoprojektet i brugerens datamappe (oprettes, hvis det mangler)",
    )
    parser.add_argument(
        "--screenshot", metavar="FIL.png", help="gem et billede af vinduet og afslut"
    )
    parser.add_argument(
        "--exit-after-show",
        action="store_true",
        help="afslut, så snart vinduet er vist (til målinger)",
    )
    parser.add_argument("--size", type=_size, metavar="BxH", help="vinduets størrelse, fx 1366x768")
    parser.add_argument("--page", metavar="SIDE", help="siden der vises først (tavle, borgere, …)")


# The options several sub-commands share.


def _add_db(parser: argparse.ArgumentParser, help: str = "projektfilen (.fsm)") -> None:
    parser.add_argument("--db", required=True, metavar="FIL", help=help)


def _add_password_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-file", metavar="FIL", help=PASSWORD_FILE_HELP)


def _add_format(
    parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json")
) -> None:
    parser.add_argument("--format", choices=choices, default="table", help="udskriftens form")


def _add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="overskriv en eksisterende fil")


def _add_init(sub) -> None:
    from fsm_desktop.domain.program import BUILTIN

    init = sub.add_parser("init", help="opret et nyt, tomt projekt for en indsats")
    _add_db(init, "den nye projektfil (.fsm)")
    _add_password_file(init)
    which = init.add_mutually_exclusive_group(required=True)
    which.add_argument("--program", choices=BUILTIN, help="en af programmets indsatser")
    which.add_argument(
        "--template",
        metavar="FIL.json",
        help="en skabelonfil (docs/templates.md), fx gemt fra Indsats → Gem skabelon som fil",
    )
    init.add_argument("--name", metavar="NAVN", help="projektets navn (standard: indsatsens navn)")
    init.add_argument("--municipality", default="", metavar="KOMMUNE", help="kommunens navn")
    init.add_argument("--grant", type=float, metavar="KR", help="tilsagnsbeløbet i kroner")
    _add_force(init)
    init.add_argument(
        "--unencrypted",
        action="store_true",
        help="opret projektet uden kryptering (kun til test uden rigtige borgere)",
    )


def _add_demo(sub) -> None:
    from fsm_desktop.domain.program import BUILTIN

    demo = sub.add_parser("demo", help="skriv en syntetisk demokommune (ingen rigtige personer)")
    _add_db(demo, "projektfilen der skrives (.fsm)")
    _add_password_file(demo)
    demo.add_argument("--program", default="fsm2", choices=BUILTIN, help="indsatsens skabelon")
    demo.add_argument(
        "--citizens", type=_positive_int, default=600, metavar="N", help="antal borgere"
    )
    demo.add_argument(
        "--seed", type=int, default=1, metavar="S", help="tilfældighedsfrø (samme frø, samme data)"
    )
    _add_force(demo)


def _add_measures(sub) -> None:
    measures = sub.add_parser("measures", help="beregn indsatsens resultatkrav som STAR opgør dem")
    _add_db(measures)
    _add_password_file(measures)
    measures.add_argument(
        "--from",
        dest="first",
        type=_month,
        metavar="ÅÅÅÅ-MM",
        help="første måned (standard: projektets start)",
    )
    measures.add_argument(
        "--to",
        dest="last",
        type=_month,
        metavar="ÅÅÅÅ-MM",
        help="sidste måned (standard: projektets slut)",
    )
    _add_format(measures, ("table", "json", "csv"))


def _add_import(sub) -> None:
    imp = sub.add_parser(
        "import",
        help="importér borgere, forløb, løntimer og medarbejdere fra et Excel- eller CSV-udtræk",
        description="Læser filen, kontrollerer hver række og skriver alt i én transaktion. "
        "Afslutningskode 0: importeret; 1: fejl i filen stoppede importen (intet er skrevet); "
        "2: forkert brug, eller filen er ikke et regneark.",
    )
    _add_db(imp)
    _add_password_file(imp)
    imp.add_argument(
        "path", metavar="STI", help="udtrækket (.xlsx, .xlsm, .xlsb, .xls, .ods eller .csv)"
    )
    imp.add_argument("--dry-run", action="store_true", help="vis kun, hvad importen ville gøre")
    imp.add_argument(
        "--valid-rows-only",
        action="store_true",
        help="importér de gyldige rækker; de afviste skrives i en fejlrapport ved siden af filen",
    )
    imp.add_argument(
        "--mapping", metavar="NAVN", help="en gemt tilknytning af kolonner (eller en .json-fil)"
    )
    imp.add_argument(
        "--as-of",
        dest="as_of",
        type=_day,
        metavar="ÅÅÅÅ-MM-DD",
        help="udtrækkets dato: jobformidler, sagsbehandler, CV og jobmål gælder fra den dag "
        "(standard: datoen i filnavnet, ellers filens ændringsdato)",
    )


def _add_imports(sub) -> None:
    imports = sub.add_parser("imports", help="vis tidligere importer, eller fortryd den seneste")
    _add_db(imports)
    _add_password_file(imports)
    imports.add_argument("--undo", action="store_true", help="fortryd den seneste import")


def _add_caseload(sub) -> None:
    caseload = sub.add_parser(
        "caseload",
        help="sagsstammer pr. medarbejder og pr. fuldtid mod indsatsens grænser",
        description="Borgere pr. medarbejder og pr. fuldtidsstilling (37 timer) på månedens sidste dag "
        "(i indeværende måned: i dag, dog højst indsatsens slutdato), med grænserne og advarslerne fra "
        "siden Medarbejdere. Pseudo-sagsbehandlere og deres borgere tæller ikke med (docs/caseload.md).",
    )
    _add_db(caseload)
    _add_password_file(caseload)
    caseload.add_argument(
        "--month", type=_month, metavar="ÅÅÅÅ-MM", help="måneden (standard: i dag)"
    )
    _add_format(caseload)


def _add_stepup(sub) -> None:
    stepup = sub.add_parser(
        "stepup",
        help="step-up: hvem skal have et møde, og møderne med opfølgning",
        description="Uden --due: møder pr. måned (og i alt) efter udfald, og hvert møde med planens "
        "opfølgning. Med --due: borgerne, der skal have et step-up-møde, mest forsinkede først. "
        "Opgørelsesdatoen er i dag, dog højst indsatsens slutdato.",
    )
    _add_db(stepup)
    _add_password_file(stepup)
    stepup.add_argument("--due", action="store_true", help="vis borgerne, der skal have et møde")
    stepup.add_argument("--exempt", action="store_true", help="med --due: vis også de fritagne")
    stepup.add_argument(
        "--date", dest="as_of", type=_day, metavar="ÅÅÅÅ-MM-DD", help="opgør pr. denne dato"
    )
    stepup.add_argument(
        "--job-broker", metavar="INITIALER", help="med --due: kun denne jobformidlers borgere"
    )
    stepup.add_argument(
        "--caseworker", metavar="INITIALER", help="med --due: kun denne sagsbehandlers borgere"
    )
    _add_format(stepup)


def _add_export(sub) -> None:
    export = sub.add_parser(
        "export",
        help="statusskemaet til Excel: skemaet klar til udskrift, resultatkravene med grafer og data",
        description="Skriver statusskemaet fra indsatsens første måned til --month (0-punkt, én kolonne "
        "pr. måned og målene), resultatkravene som STAR opgør dem med grafer, og tallene på et dataark.",
    )
    _add_db(export)
    _add_password_file(export)
    export.add_argument(
        "--month",
        type=_month,
        metavar="ÅÅÅÅ-MM",
        help="skemaets sidste måned (standard: denne måned, højst indsatsens sidste)",
    )
    export.add_argument("--out", required=True, metavar="FIL.xlsx", help="Excel-filen der skrives")


def _add_checkout(sub) -> None:
    checkout = sub.add_parser(
        "checkout",
        help="tag en bærbar kopi med af teamkopien (arbejd uden netværk, aflever bagefter)",
        description="Skriver en krypteret bærbar kopi af teamkopien. Den husker, hvordan projektet så ud, så "
        "ændringerne senere kan afleveres og indlæses i teamkopien (handin, merge).",
    )
    _add_db(checkout, "teamkopien (.fsm)")
    checkout.add_argument(
        "--out", required=True, metavar="FIL.fsm", help="den bærbare kopi, der skrives (ny fil)"
    )
    checkout.add_argument(
        "--job-broker", metavar="INITIALER", help="jobformidleren, der tager kopien med"
    )
    _add_password_file(checkout)


def _add_handin(sub) -> None:
    handin = sub.add_parser(
        "handin",
        help="aflever den bærbare kopis ændringer i en ændringsfil",
        description="Skriver ændringerne siden kopien blev taget med (eller siden sidste aflevering) til en "
        "krypteret ændringsfil. Kopien bliver derefter skrivebeskyttet, medmindre --keep-working er givet.",
    )
    _add_db(handin, "den bærbare kopi (.fsm)")
    handin.add_argument(
        "--out", required=True, metavar="FIL.fsmchanges", help="ændringsfilen, der skrives (ny fil)"
    )
    handin.add_argument(
        "--keep-working",
        action="store_true",
        help="arbejd videre i kopien; næste aflevering har kun det, der ændres herefter",
    )
    _add_password_file(handin)


def _add_merge(sub) -> None:
    merge = sub.add_parser(
        "merge",
        help="indlæs en ændringsfil fra en bærbar kopi i teamkopien",
        description="Viser, hvad ændringsfilen gør, og indlæser den i én transaktion. Afslutningskode 0: "
        "indlæst (eller intet at gøre); 1: konflikter, der skal afgøres (intet skrevet; brug --prefer); "
        "2: filen kan ikke bruges.",
    )
    _add_db(merge, "teamkopien (.fsm)")
    merge.add_argument("changes", metavar="ÆNDRINGSFIL", help="filen fra »handin«")
    merge.add_argument(
        "--dry-run", action="store_true", help="vis kun, hvad der ville ske; skriv intet"
    )
    merge.add_argument(
        "--prefer",
        choices=("team", "laptop"),
        help="afgør alle konflikter: behold teamkopiens (team) eller tag bærbarens (laptop)",
    )
    _add_format(merge)
    _add_password_file(merge)


def _add_initiative(sub) -> None:
    initiative = sub.add_parser(
        "initiative",
        help="gem projektets indsats som skabelonfil (JSON), til et nyt projekt eller en anden kommune",
    )
    _add_db(initiative, "projektfilen (.fsm)")
    initiative.add_argument("--out", required=True, metavar="FIL.json", help="filen der skrives")
    _add_password_file(initiative)


def _add_template(sub) -> None:
    template = sub.add_parser(
        "template", help="gem importskabelonen (Excel), tom eller med projektets data"
    )
    template.add_argument("--out", required=True, metavar="FIL.xlsx", help="filen der skrives")
    template.add_argument(
        "--db",
        metavar="FIL",
        help="udfyld skabelonen med projektets data (eksport; personoplysninger, skrives i projektets log)",
    )
    _add_password_file(template)


def _month(text: str):
    import re

    from fsm_desktop.domain.measures import Month

    try:
        if not re.fullmatch(r"\d{4}-\d{2}", text, re.ASCII):  # only the form the help names
            raise ValueError(text)
        return Month.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"»{text}« er ikke en måned (ÅÅÅÅ-MM)") from None


def _day(text: str):
    import datetime as dt
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):  # not 20201110 or 2020-W46-2
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"»{text}« er ikke en dato (ÅÅÅÅ-MM-DD)") from None


PASSWORD_FILE_HELP = "læs projektets adgangskode fra filen (ellers FSM_PASSWORD eller terminalen)"
#: The environment variable a script gives the password in (never a plain argument: it would
#: show in the process list).


def _terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def ask_password(prompt: str) -> str:
    """Hidden input on the terminal (getpass)."""
    import getpass

    return getpass.getpass(prompt)


def _password_for(args: argparse.Namespace, path) -> str | None:
    """An encrypted project's password: FSM_PASSWORD, --password-file, or asked on the terminal
    (hidden); None for a plain file or when there is no way to get it (opening then says so)."""
    from pathlib import Path

    from fsm_desktop.storage.keys import is_encrypted

    found = given_password(args)
    if found is not None:
        return found
    try:
        encrypted = Path(path).is_file() and is_encrypted(Path(path))
    except Exception:  # unreadable: opening says why
        return None
    if encrypted and _terminal():
        return ask_password(f"Adgangskode til {Path(path).name}: ")
    return None


def _new_password(args: argparse.Namespace) -> str | None:
    """A new project's password: given, or asked twice on the terminal; None without either."""
    from fsm_desktop.storage.keys import password_problem

    found = given_password(args)
    if found is None and _terminal():
        found = ask_password("Ny adgangskode til projektet: ")
        again = ask_password("Gentag adgangskoden: ")
        problem = password_problem(found, again)
    elif found is not None:
        problem = password_problem(found)
    else:
        return None
    if problem is not None:
        raise UsageError(problem)
    return found


def _open_project(path, write: bool = False, args: argparse.Namespace | None = None):
    """A reading command opens the project read-only, so it works while a window writes it; a
    writing command takes the writer lock (refused, naming who has it, exit 2). Neither works on
    a file that fails SQLite's quick_check: figures from a damaged file cannot be trusted."""
    from fsm_desktop.domain.errors import ProjectFileError
    from fsm_desktop.storage.keys import PasswordRequired
    from fsm_desktop.storage.project import Project

    password = _password_for(args, path) if args is not None else None
    try:
        project = Project.open(path, read_only=not write, password=password)
    except PasswordRequired as exc:
        raise UsageError(
            f"{exc.message} Sæt {PASSWORD_ENV}, brug --password-file FIL, eller kør kommandoen i en terminal."
        ) from None
    if project.damage:
        project.close()
        raise ProjectFileError(
            "Projektfilen {path} er beskadiget, så intet læses eller skrives i den. Gendan en "
            "sikkerhedskopi, eller åbn projektet i programmets vindue for at få det repareret.",
            path=str(project.path),
        )
    return project


def _cmd_caseload(args: argparse.Namespace) -> int:

    from fsm_desktop.domain.caseload import count_day
    from fsm_desktop.domain.measures import Month, check_in_period
    from fsm_desktop.exchange.caseload_output import render
    from fsm_desktop.operations.staff import caseloads

    with _open_project(args.db, args=args) as project:
        today = project.as_of()
        if args.month is not None:
            # The initiative's months, or any month up to this one (staff keep working after it).
            start, end = Month.of(project.initiative.start), Month.of(project.initiative.end)
            if args.month > max(end, Month.of(project.today())):
                raise ValidationError(
                    "Måneden {month} ligger efter både indsatsens slut ({last}) og denne måned.",
                    month=str(args.month),
                    last=str(end),
                )
            if args.month < start:
                check_in_period(args.month, start, end)
        day = count_day(args.month.first, today) if args.month else today
        label = str(args.month) if args.month else day.isoformat()
        report = caseloads(project, [(label, day)]).report
        sys.stdout.write(render(report, 0, args.format, project.initiative.name))
    return 0


def _cmd_stepup(args: argparse.Namespace) -> int:
    from fsm_desktop.exchange.stepup_output import render_due, render_overview
    from fsm_desktop.operations.stepup import stepup_report
    from fsm_desktop.storage.stepup import StepUpRepository

    if args.exempt and not args.due:
        raise UsageError("--exempt kan kun bruges sammen med --due")
    if (args.job_broker is not None or args.caseworker is not None) and not args.due:
        raise UsageError("--job-broker og --caseworker kan kun bruges sammen med --due")
    with _open_project(args.db, args=args) as project:
        initiative = project.initiative
        if args.as_of is not None:
            _check_stepup_date(args.as_of, initiative, project.today())
        today = args.as_of or project.as_of()
        cases = StepUpRepository(project).cases(today)
        if args.job_broker is not None or args.caseworker is not None:
            cases = _cases_of_staff(project, cases, args.job_broker, args.caseworker)
        report = stepup_report(project, today, cases)
        if args.due:
            due = report.due if args.exempt else [a for a in report.due if a.is_due]
            sys.stdout.write(render_due(due, today, args.format))
        else:
            sys.stdout.write(render_overview(cases, report.counts, today, args.format))
    return 0


def _check_stepup_date(day, initiative, today) -> None:
    """From the initiative's start to its end, or to today (cases go on after it)."""
    if day < initiative.start:
        raise ValidationError(
            "Datoen {day} ligger før indsatsens start ({first}).",
            day=day.isoformat(),
            first=initiative.start.isoformat(),
        )
    if day > max(initiative.end, today):
        raise ValidationError(
            "Datoen {day} ligger efter både indsatsens slut ({last}) og i dag.",
            day=day.isoformat(),
            last=initiative.end.isoformat(),
        )


def _cases_of_staff(project, cases, job_broker: str | None, caseworker: str | None):
    """The cases of the given job broker and caseworker (initials, in any case)."""
    from fsm_desktop.storage.repositories import StaffRepository

    known = {s.initials.upper() for s in StaffRepository(project).list()}
    for option, initials in (("--job-broker", job_broker), ("--caseworker", caseworker)):
        if initials is not None and initials.upper() not in known:
            raise UsageError(f"{option}: ingen medarbejder har initialerne »{initials}«")
    return [
        c
        for c in cases
        if (job_broker is None or c.job_broker.upper() == job_broker.upper())
        and (caseworker is None or c.caseworker.upper() == caseworker.upper())
    ]


def _cmd_measures(args: argparse.Namespace) -> int:

    from fsm_desktop.domain.measures import Month
    from fsm_desktop.exchange.measures_output import render
    from fsm_desktop.operations.measures import read_for_counting

    with _open_project(args.db, args=args) as project:
        start, end = Month.of(project.initiative.start), Month.of(project.initiative.end)
        counting = read_for_counting(project, args.first, args.last)
        first, last = args.first or start, args.last or end
        if last < first:
            raise UsageError(f"--to {last} ligger før --from {first}")
        report = counting.count()
        finished = project.today() > project.initiative.end
        sys.stdout.write(render(report, args.format, project.initiative.name, finished))
    return 0


def _load_mapping(project, name: str | None):
    from pathlib import Path

    from fsm_desktop.exchange.import_format import Mapping
    from fsm_desktop.exchange.importer import saved_mapping
    from fsm_desktop.storage.imports import ImportRepository

    if name is None:
        return None
    found = saved_mapping(project, name)
    if found is not None:
        return found
    path = Path(name)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            return Mapping.from_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"tilknytningen {path} kunne ikke læses: {exc}") from None
    known = ImportRepository(project).mapping_names()
    hint = (
        f" (gemte: {', '.join(known)})" if known else " (projektet har ingen gemte tilknytninger)"
    )
    raise UsageError(f"ukendt tilknytning »{name}«{hint}")


def _cmd_import(args: argparse.Namespace) -> int:
    if args.as_of is not None:
        import datetime as dt

        if args.as_of > dt.date.today():
            raise UsageError(
                f"--as-of {date_text(args.as_of)} ligger efter i dag; et udtræk kan ikke være fra fremtiden"
            )
    progress = _ImportProgress()
    try:
        with _open_project(args.db, write=not args.dry_run, args=args) as project:
            return _import_into(project, args, progress)
    except (KnownError, UsageError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a program error: one line here, the traceback in the log
        return _import_program_error(exc, progress.committed)


class _ImportProgress:
    """How far an import came: whether it is written (for the line on a program error)."""

    committed = False


def _import_into(project, args: argparse.Namespace, progress: _ImportProgress) -> int:
    """The import (or its dry run) in the open project; its exit code."""
    from fsm_desktop.exchange import importer
    from fsm_desktop.operations.imports import import_file

    prepared = importer.prepare(
        project, args.path, _load_mapping(project, args.mapping), as_of=args.as_of
    )
    plan = prepared.plan
    as_of = _extract_date(prepared)
    for error in plan.errors:
        print(f"{PROG}: {error}", file=sys.stderr)
    if plan.ignored_sheets:
        print(f"{PROG}: ignorerede ark: {', '.join(plan.ignored_sheets)}", file=sys.stderr)
    if args.dry_run:
        print(f"Prøvekørsel af {prepared.path.name} (intet er skrevet): {plan.summary()}; {as_of}.")
        _tell_older(plan.older)
        _tell_missing(plan.missing)
        return 1 if plan.errors else 0
    try:
        result = import_file(project, prepared, valid_rows_only=args.valid_rows_only).value
    except importer.ImportRefused as refused:  # nothing to import: a problem of the file
        _tell_refused(refused, prepared)
        return 1
    progress.committed = True
    line = f"Importerede {prepared.path.name}: {plan.summary()}; {as_of}."
    if result.error_report is not None:
        line += f" Afviste rækker: {result.error_report}."
    print(line)
    if result.report_error is not None:  # the import stands; only its report is missing
        print(f"{PROG}: {result.report_error.message}", file=sys.stderr)
    _tell_older(plan.older)
    _tell_missing(plan.missing)
    return 0


def _extract_date(prepared) -> str:
    """The extract's date and where it came from, the last part of the import's line."""
    from fsm_desktop.exchange import importer

    assert prepared.as_of is not None  # prepare() always dates the extract
    dated = importer.ExtractDate(prepared.as_of, prepared.as_of_source)
    # One line, the extract's date last: "…; udtræk pr. 15-03-2024 (datoen i filnavnet)."
    return f"udtræk pr. {date_text(prepared.as_of)} ({dated.explanation})"


def _tell_refused(refused, prepared) -> None:
    """An import refused for the file's problems: nothing is written."""
    if refused.for_errors:  # the command line's own words: what the user can do
        print(
            f"{PROG}: importen er stoppet: {len(prepared.plan.errors)} fejl i {prepared.path.name}. "
            "Intet er skrevet. Ret fejlene, eller brug --valid-rows-only.",
            file=sys.stderr,
        )
    else:
        print(f"{PROG}: {refused.message}", file=sys.stderr)


def _tell_older(older) -> None:
    """Facts of an older extract that the project's newer state contradicts: not written."""
    from fsm_desktop.domain.cpr import mask
    from fsm_desktop.domain.danish import number

    if not older:
        return
    print(
        f"{PROG}: {number(len(older))} oplysninger i udtrækket er ældre end det, projektet har (ikke ændret):",
        file=sys.stderr,
    )
    for fact in older[:20]:
        print(f"{PROG}:   {mask(fact.citizen.cpr)} {fact}", file=sys.stderr)
    if len(older) > 20:
        print(f"{PROG}:   og {number(len(older) - 20)} flere", file=sys.stderr)


def _tell_missing(missing) -> None:
    """Citizens in the project but not in the extract: never changed here (the window can end them)."""
    from fsm_desktop.domain.cpr import mask
    from fsm_desktop.domain.danish import number

    if not missing:
        return
    who = "1 borger står" if len(missing) == 1 else f"{number(len(missing))} borgere står"
    print(
        f"{PROG}: {who} i projektet, men ikke i udtrækket (de er ikke ændret; afslut dem i vinduet, "
        "Import → Importér fil):",
        file=sys.stderr,
    )
    for citizen in missing[:20]:
        print(f"{PROG}:   {mask(citizen.cpr)} {citizen.name}", file=sys.stderr)
    if len(missing) > 20:
        print(f"{PROG}:   og {number(len(missing) - 20)} flere", file=sys.stderr)


def _import_program_error(exc: Exception, committed: bool) -> int:
    """A program error in an import: one line on stderr, the traceback in the log."""
    import logging

    from fsm_desktop import logs

    # Neither the line nor the log may quote a citizen's data (fsm_desktop.logs).
    where = f" ({type(exc).__name__}: {logs.scrub_message(str(exc))})"
    try:
        log = logs.setup(_log_folder())
        if log is not None:  # else the traceback would go to stderr: the one line instead
            logging.getLogger("fsm_desktop").error(
                "Program error in '%s import'", PROG, exc_info=exc
            )
            where = f" Detaljerne står i {log}."
    except Exception:  # no log to write: the error's name on the line instead
        pass
    state = "Importen er skrevet." if committed else "Intet er skrevet."
    print(
        f"{PROG}: importen mislykkedes på grund af en fejl i programmet. {state}{where} "
        "Send detaljerne til den, der supporterer programmet.",
        file=sys.stderr,
    )
    return EXIT_USAGE


def _cmd_imports(args: argparse.Namespace) -> int:
    from fsm_desktop.domain.danish import number
    from fsm_desktop.storage.imports import ImportRepository

    with _open_project(args.db, write=args.undo, args=args) as project:
        repository = ImportRepository(project)
        if args.undo:
            latest = repository.latest_undoable()
            if latest is None:
                raise UsageError("projektet har ingen import at fortryde")
            record = repository.undo(latest.id)
            print(f"Fortrød importen af {record.file} fra {datetime_text(record.at)}.")
            return 0
        for record in repository.batches():
            c = record.counts
            state = (
                f"fortrudt {datetime_text(record.undone_at)}"
                if record.undone_at is not None
                else "aktiv"
            )
            print(
                f"{datetime_text(record.at)}  {record.file}  {record.user}  "
                f"{number(c.get('citizens_new', 0))} nye borgere, {number(c.get('periods_new', 0))} forløb, "
                f"{number(c.get('hours_new', 0))} løntimer  ({state})"
            )
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fsm_desktop.domain.measures import Month
    from fsm_desktop.exchange.status_export import summary
    from fsm_desktop.operations.status import export_status

    if Path(args.out).suffix.lower() != ".xlsx":
        raise UsageError(f"--out skal være en Excel-fil (.xlsx), ikke »{args.out}«")
    if not Path(args.out).absolute().parent.is_dir():
        raise UsageError(f"--out: mappen {Path(args.out).absolute().parent} findes ikke")
    with _open_project(args.db, args=args) as project:
        initiative = project.initiative
        last = args.month or max(Month.of(project.as_of()), Month.of(initiative.start))
        path, sheet = export_status(project, last, args.out)
        print(summary(path, sheet, initiative))
    return 0


def _cmd_initiative(args: argparse.Namespace) -> int:
    from fsm_desktop.exchange.template_file import write_template_file
    from fsm_desktop.operations.initiative import current_template_data

    with _open_project(args.db, write=False, args=args) as project:
        # With the status sheet's goals as the project has them (Indsats → Gem … does the same).
        data = current_template_data(project)
    path = write_template_file(data, args.out)
    print(f"Skrev indsatsen »{data['name']}« som skabelon i {path}.")
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from fsm_desktop.exchange.template import export_template, write_template

    if args.db:
        # Personal data: the export is written to the audit log (who, when, how many, where),
        # so the project is opened for writing.
        with _open_project(args.db, write=True, args=args) as project:
            path = export_template(project, args.out)
    else:
        path = write_template(args.out)
    print(f"Skrev {path}.")
    return 0


def _cmd_checkout(args: argparse.Namespace) -> int:
    from fsm_desktop.operations.sync import take_along

    with _open_project(args.db, write=True, args=args) as project:
        result = take_along(project, args.out, job_broker=args.job_broker).value
    own = (
        f"; {result.own_citizens} er {result.copy.job_broker}s"
        if result.own_citizens is not None
        else ""
    )
    print(
        f"Skrev den bærbare kopi {result.path} ({result.citizens} borgere{own}; "
        f"taget {date_text(result.copy.taken)} kl. {result.copy.taken:%H.%M} af {result.copy.taken_by})."
    )
    return 0


def _cmd_handin(args: argparse.Namespace) -> int:
    from fsm_desktop.domain.sync import summary_line
    from fsm_desktop.operations.sync import hand_back

    with _open_project(args.db, write=True, args=args) as project:
        result = hand_back(project, args.out, keep_working=args.keep_working).value
    state = (
        "Du kan arbejde videre i kopien."
        if result.keep_working
        else "Kopien er nu skrivebeskyttet; tag en ny med for at arbejde videre."
    )
    print(
        f"Skrev {result.path} (aflevering nr. {result.seq}): {summary_line(result.counts)}. {state}"
    )
    return 0


def _cmd_merge(args: argparse.Namespace) -> int:
    from fsm_desktop.operations.sync import merge
    from fsm_desktop.storage.sync import plan_merge

    with _open_project(args.db, write=not args.dry_run, args=args) as project:
        changes = _read_changes(args, project)
        plan = plan_merge(project, changes)
        undecided = bool(plan.conflicts) and args.prefer is None
        result = None
        if not args.dry_run and not undecided and plan.already_merged is None:
            result = merge(project, plan, prefer=args.prefer).value
        message = _merge_message(project, changes, plan, result, undecided)
        if args.format == "json":
            _print_merge_json(args, changes, plan, result, message)
        elif plan.already_merged is not None:
            print(message)
            return 0
        else:
            _print_merge_table(args, changes, plan, message)
        return 1 if undecided else 0


def _read_changes(args: argparse.Namespace, project):
    """The change file: with the project's key, or else with its own password."""
    from fsm_desktop.storage.sync import ChangeFilePassword, read_change_file

    try:
        return read_change_file(args.changes, project.key)
    except ChangeFilePassword:
        password = given_password(args)
        if password is None and _terminal():
            password = ask_password(f"Adgangskode til {args.changes}: ")
        return read_change_file(args.changes, project.key, password)


def _merge_message(project, changes, plan, result, undecided: bool) -> str:
    """The merge's last line: what was done, or why nothing was."""
    from fsm_desktop.domain.danish import count

    done = plan.already_merged
    if done is not None:
        return (
            f"{changes.path.name} er allerede indlæst {date_text(done.at)} kl. {done.at:%H.%M} af "
            f"{done.by_user}. Intet er ændret."
        )
    if result is not None:
        return (
            f"Indlæst i {project.path.name}: {result.applied} ændringer og {result.audit_entries} poster i "
            "ændringsloggen."
        )
    if undecided:
        return (
            f"{count(len(plan.conflicts), 'konflikt', 'konflikter')} skal afgøres: kør igen med --prefer team eller --prefer "
            "laptop, eller indlæs filen i programmets vindue. Intet er ændret."
        )
    return "Prøvekørsel: intet er ændret."


def _conflict_citizen(plan, conflict) -> str:
    return plan.names.get(conflict.citizen_id or "", "(ukendt borger)")


def _print_merge_json(args: argparse.Namespace, changes, plan, result, message: str) -> None:
    import json

    from fsm_desktop.domain.sync import summary_line

    report = {
        "message": message,
        "file": str(changes.path),
        "laptop": changes.label,
        "handin": changes.seq,
        "already_merged": plan.already_merged is not None,
        "merged": result is not None,
        "dry_run": args.dry_run,
        "counts": plan.counts,
        "summary": summary_line(plan.counts),
        "changes": plan.to_apply,
        "audit_entries": len(plan.new_audit),
        "conflicts": [_conflict_json(plan, c, args.prefer) for c in plan.conflicts],
        "skipped": [
            {"table": ch.table, "key": list(ch.key), "reason": reason}
            for ch, reason in plan.skipped
        ],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _conflict_json(plan, c, prefer: str | None) -> dict:
    return {
        "citizen": _conflict_citizen(plan, c),
        "citizen_id": c.citizen_id,
        "table": c.table,
        "key": list(c.key),
        "field": c.field,
        "kind": c.kind,
        "base": c.base,
        "team": c.team,
        "laptop": c.laptop,
        "decision": prefer,
    }


def _print_merge_table(args: argparse.Namespace, changes, plan, message: str) -> None:
    from fsm_desktop.domain.sync import CHOICE_WORDS, TABLE_WORDS, conflict_line, summary_line

    label = changes.label
    print(f"Fra {label} (aflevering nr. {changes.seq}): {summary_line(plan.counts)}.")
    for conflict in plan.conflicts:
        line = conflict_line(conflict, _conflict_citizen(plan, conflict), label, plan.staff)
        choice = f" → {CHOICE_WORDS[args.prefer]}" if args.prefer else ""
        print(f"  Konflikt: {line}{choice}")
    for change, reason in plan.skipped:
        print(
            f"  Kan ikke indlæses: {TABLE_WORDS.get(change.table, change.table)} ({plan.names.get(str(change.row.get('citizen_id')), '')}) – {reason}"
        )
    print(message)


def _cmd_init(args: argparse.Namespace) -> int:
    from fsm_desktop.domain.program import builtin_template
    from fsm_desktop.exchange.template_file import read_template_file
    from fsm_desktop.storage.project import Project

    # The template first: a bad file is said before a password is asked for.
    template = (
        read_template_file(args.template) if args.template else builtin_template(args.program)
    )

    if args.grant is not None and args.grant < 0:
        raise UsageError("--grant skal være et positivt beløb")
    password = None if args.unencrypted else _new_password(args)
    if password is None and not args.unencrypted:
        raise UsageError(
            f"et nyt projekt krypteres: angiv en adgangskode ({PASSWORD_ENV}, --password-file FIL eller i en "
            "terminal), eller brug --unencrypted til et testprojekt uden rigtige borgere"
        )
    project = Project.create(
        args.db,
        template,
        name=args.name,
        municipality=args.municipality,
        grant_amount=args.grant,
        overwrite=args.force,
        password=password,
    )
    with project:
        state = "krypteret" if project.encrypted else "ikke krypteret"
        print(f"Oprettede {project.path} ({project.initiative.name}; {state}).")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    import time

    from fsm_desktop.storage.demo import write_demo

    started = time.perf_counter()
    summary = write_demo(
        args.db,
        program=args.program,
        citizens=args.citizens,
        seed=args.seed,
        overwrite=args.force,
        password=given_password(args),
    )
    print(
        f"Skrev {summary.path}: {summary.citizens} borgere, {summary.staff} medarbejdere, "
        f"{summary.periods} forløb, {summary.paid_hour_months} måneder med løntimer, "
        f"{summary.contacts} kontakter, {summary.moves} flytninger, {summary.meetings} step-up-møder "
        f"({time.perf_counter() - started:.1f} s)."
    )
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": _cmd_init,
    "demo": _cmd_demo,
    "measures": _cmd_measures,
    "import": _cmd_import,
    "imports": _cmd_imports,
    "caseload": _cmd_caseload,
    "stepup": _cmd_stepup,
    "export": _cmd_export,
    "template": _cmd_template,
    "initiative": _cmd_initiative,
    "checkout": _cmd_checkout,
    "handin": _cmd_handin,
    "merge": _cmd_merge,
}
"""Each sub-command's function: its exit code."""


def _log_folder():
    """The user's data folder, where the window keeps its log (Qt is imported only now)."""
    from fsm_desktop.app import log_folder

    return log_folder()


def main(argv: Sequence[str] | None = None, standalone: bool = False) -> int:
    """The command line; ``standalone`` when this is the whole process (see :func:`entry`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if standalone and args.command:
            from fsm_desktop import logs

            # A warning (SQLite's text on a damaged file) goes to the cleaned log, never
            # uncleaned to stderr; the folder is found only if something is logged.
            logs.setup_later(_log_folder)
        if args.command:
            return _COMMANDS[args.command](args)
        if args.db and args.demo:
            raise UsageError("brug enten --db eller --demo, ikke begge")
    except UsageError as exc:
        print(f"{PROG}: fejl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KnownError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130

    from fsm_desktop.app import run

    return run(args, standalone)


def entry() -> None:
    """The ``fsm-desktop`` program and ``python -m fsm_desktop``."""
    raise SystemExit(main(standalone=True))


if __name__ == "__main__":
    raise SystemExit(main())
