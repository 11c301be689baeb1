"""The programme's memory: what the Alliantie decided per actie, and how far each chosen actie is.

Two kinds of record, both **append-only** (nothing is ever overwritten):

* a :class:`Decision` per actie and version: ``gekozen``, ``niet_nu`` or ``afgewezen``, a
  short reason in B1 Dutch, the budget, the start year, the partners, and the workshops and
  scenario it came from. Changing a decision adds version n+1 (who, when); the current
  decision is the latest version, the history is every version.
* a :class:`ProgressUpdate` per chosen actie and date: status (``gepland``, ``bezig``,
  ``klaar``, ``gestopt``), a percentage, the money spent *so far* (a running total, as a
  spreadsheet of the programme office holds it), a short text and optionally a photo
  path. A correction is a new update; the timeline of an actie is all of them in order.

The programme's own risk list names *wantrouwen overheid*: a history that cannot be edited
afterwards is what lets the office show residents what was decided, and when it changed.

This module knows nothing of the database (``werkboek.store.programme``) or of spreadsheets
(``werkboek.formats.tabular`` reads them; :func:`progress_from_rows` checks them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from werkboek.errors import Problem

GEKOZEN, NIET_NU, AFGEWEZEN = "gekozen", "niet_nu", "afgewezen"
DECISIONS = (GEKOZEN, NIET_NU, AFGEWEZEN)
DECISION_LABELS = {GEKOZEN: "gekozen", NIET_NU: "niet nu", AFGEWEZEN: "afgewezen"}

PROGRESS_STATUSES = ("gepland", "bezig", "klaar", "gestopt")
STATUS_LABELS = {"gepland": "gepland", "bezig": "bezig", "klaar": "klaar", "gestopt": "gestopt"}

FIRST_YEAR, LAST_YEAR = 2022, 2047  # the programme's 25 years
MAX_REASON = 300  # a short reason: two B1 sentences are ~150 characters
MAX_TEXT = 500
MAX_BUDGET = 500_000_000  # euros; the whole 25-year programme is of this order
MAX_BY = 60
MAX_PHOTO = 200
MAX_SCENARIO = 120

PROGRESS_COLUMNS = ["actie", "datum", "status", "percentage", "uitgegeven"]
PROGRESS_OPTIONAL = ("tekst", "foto", "titel")  # "titel": ignored, a reader's help in the sheet


@dataclass(frozen=True)
class Decision:
    """One version of the decision on one actie."""

    actie_id: str
    besluit: str  # one of DECISIONS
    reden: str
    budget: int | None = None  # euros over the whole duration
    jaar: int | None = None  # the year it starts
    partners: tuple[str, ...] = ()
    workshops: tuple[int, ...] = ()  # the workshops whose votes it came from
    scenario: str = ""  # the scenario it came from ("" when entered by hand)
    version: int = 0  # 1, 2, …; 0 before it is stored
    changed_by: str = ""
    changed_at: dt.datetime | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        return DECISION_LABELS[self.besluit]

    def same_content(self, other: "Decision") -> bool:
        """The same decision (whoever wrote it, whenever): adopting a scenario twice adds no version."""
        keys = ("actie_id", "besluit", "reden", "budget", "jaar", "partners", "workshops", "scenario")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


@dataclass(frozen=True)
class ProgressUpdate:
    """How far one chosen actie was on one date."""

    actie_id: str
    datum: dt.date
    status: str  # one of PROGRESS_STATUSES
    percentage: int  # 0..100
    uitgegeven: int  # euros spent so far (a running total)
    tekst: str = ""
    foto: str = ""  # a path or file name of a photo, relative to where the office keeps them
    entered_by: str = ""
    entered_at: dt.datetime | None = None
    source: str = ""  # "" by hand, or the file it was imported from
    id: int | None = None


@dataclass(frozen=True)
class ActieState:
    """The current state of one actie: its latest decision and its latest progress."""

    actie_id: str
    decision: Decision | None
    progress: ProgressUpdate | None
    timeline: tuple[ProgressUpdate, ...] = field(default=(), repr=False)


# -- checks -----------------------------------------------------------------------------------


def _clean(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


def check_decision(catalogue, decision: Decision, *, file: str = "besluit", row: int | None = None
                   ) -> list[Problem]:
    """Every problem with a decision, in Dutch, naming the field."""
    problems: list[Problem] = []

    def bad(name: str, message: str) -> None:
        problems.append(Problem(file, row, name, message))

    if decision.actie_id not in catalogue.acties:
        bad("actie", f"de actie '{decision.actie_id}' staat niet in de catalogus")
    if decision.besluit not in DECISIONS:
        bad("besluit", f"'{decision.besluit}' is geen besluit; kies gekozen, niet_nu of afgewezen")
    if not decision.reden:
        bad("reden", "schrijf in een paar woorden waarom (bewoners lezen dit)")
    elif len(decision.reden) > MAX_REASON:
        bad("reden", f"de reden is {len(decision.reden)} tekens; houd het kort (hoogstens {MAX_REASON})")
    if decision.budget is not None and not (0 <= decision.budget <= MAX_BUDGET):
        bad("budget", f"het budget moet tussen 0 en {MAX_BUDGET:,} euro liggen".replace(",", "."))
    if decision.besluit == GEKOZEN and decision.budget is None:
        bad("budget", "een gekozen actie heeft een budget (0 mag)")
    if decision.jaar is not None and not (FIRST_YEAR <= decision.jaar <= LAST_YEAR):
        bad("jaar", f"het jaar moet tussen {FIRST_YEAR} en {LAST_YEAR} liggen")
    for p in decision.partners:
        if p not in catalogue.partners:
            bad("partners", f"de partner '{p}' staat niet in de catalogus")
    if any(not isinstance(w, int) or isinstance(w, bool) or w < 1 for w in decision.workshops):
        bad("workshops", "workshops zijn nummers vanaf 1")
    if len(decision.scenario) > MAX_SCENARIO:
        bad("scenario", f"de naam van het scenario is langer dan {MAX_SCENARIO} tekens")
    if not decision.changed_by or len(decision.changed_by) > MAX_BY:
        bad("door", f"zeg wie dit besluit invoert (1 tot {MAX_BY} tekens)")
    return problems


def new_decision(actie_id: str, besluit: str, reden: str, *, budget=None, jaar=None, partners=(),
                 workshops=(), scenario: str = "", by: str = "") -> Decision:
    """A decision from a form or a caller: texts cleaned, lists as tuples (not yet checked)."""
    return Decision(actie_id=_clean(actie_id), besluit=_clean(besluit), reden=_clean(reden),
                    budget=None if budget is None else int(budget), jaar=None if jaar is None else int(jaar),
                    partners=tuple(dict.fromkeys(_clean(p) for p in partners if _clean(p))),
                    workshops=tuple(sorted(set(workshops))), scenario=_clean(scenario), changed_by=_clean(by))


def check_progress(catalogue, update: ProgressUpdate, *, file: str = "voortgang", row: int | None = None,
                   today: dt.date | None = None) -> list[Problem]:
    """Every problem with a progress update (that the actie is chosen is the store's check)."""
    problems: list[Problem] = []

    def bad(name: str, message: str) -> None:
        problems.append(Problem(file, row, name, message))

    today = today or dt.date.today()
    if update.actie_id not in catalogue.acties:
        bad("actie", f"de actie '{update.actie_id}' staat niet in de catalogus")
    if not (dt.date(FIRST_YEAR, 1, 1) <= update.datum <= today + dt.timedelta(days=1)):
        bad("datum", f"de datum moet tussen 1 januari {FIRST_YEAR} en vandaag liggen")
    if update.status not in PROGRESS_STATUSES:
        bad("status", f"'{update.status}' is geen status; kies uit {', '.join(PROGRESS_STATUSES)}")
    if not (0 <= update.percentage <= 100):
        bad("percentage", "het percentage ligt tussen 0 en 100")
    elif update.status == "klaar" and update.percentage != 100:
        bad("percentage", "een actie die klaar is staat op 100 procent")
    if not (0 <= update.uitgegeven <= MAX_BUDGET):
        bad("uitgegeven", "het uitgegeven bedrag kan niet negatief zijn")
    if len(update.tekst) > MAX_TEXT:
        bad("tekst", f"de tekst is {len(update.tekst)} tekens; hoogstens {MAX_TEXT}")
    if update.foto and (len(update.foto) > MAX_PHOTO or ".." in update.foto.replace("\\", "/").split("/")
                        or update.foto.startswith(("/", "\\")) or "://" in update.foto):
        bad("foto", "geef de foto als bestandsnaam in de fotomap (geen '..', geen adres)")
    if not update.entered_by or len(update.entered_by) > MAX_BY:
        bad("door", f"zeg wie dit invoert (1 tot {MAX_BY} tekens)")
    return problems


# -- reading cells (a spreadsheet of the programme office) -------------------------------------

_DATE_NL = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_EUROS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$|^\d+(,\d{1,2})?$|^\d+(\.\d{1,2})?$")


def parse_date(value) -> dt.date:
    """``2026-03-03``, ``3-3-2026`` or ``3/3/2026`` (or a date from a spreadsheet cell)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _clean(value)
    m = _DATE_ISO.match(text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DATE_NL.match(text)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise ValueError(f"'{text}' is geen datum; schrijf bijvoorbeeld 3-3-2026 of 2026-03-03")


def parse_euros(value) -> int:
    """``12.500``, ``€ 12.500,00``, ``12500`` → 12500 (whole euros)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("een bedrag kan niet negatief zijn")
        return int(round(value))
    text = _clean(value).replace("€", "").replace(" ", "")
    if text.startswith("-"):
        raise ValueError("een bedrag kan niet negatief zijn")
    if not _EUROS.match(text):
        raise ValueError(f"'{_clean(value)}' is geen bedrag; schrijf bijvoorbeeld 12500 of 12.500")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.match(r"^\d{1,3}(\.\d{3})+$", text):
        text = text.replace(".", "")
    return int(round(float(text)))


def parse_percentage(value) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # a cell formatted as % holds 0.4 for 40%
        return int(round(value * 100)) if 0 < value < 1 else int(round(value))
    text = _clean(value).rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{_clean(value)}' is geen percentage; schrijf een getal van 0 tot 100") from None
    if number != int(number):
        raise ValueError("schrijf het percentage als heel getal")
    return int(number)


def progress_from_rows(catalogue, rows: Iterable, *, by: str, source: str, today: dt.date | None = None
                       ) -> tuple[list[tuple[int, ProgressUpdate]], list[Problem]]:
    """Progress updates from the rows of a spreadsheet (``werkboek.formats.tabular.Row``), and every problem.

    Returns ``(line, update)`` for each good row. All rows are checked, every field of each
    (a date that cannot be read does not hide a wrong percentage next to it); the caller
    writes nothing when there is any problem.
    """
    good: list[tuple[int, ProgressUpdate]] = []
    problems: list[Problem] = []
    placeholder = {"datum": today or dt.date.today(), "percentage": 0, "uitgegeven": 0}
    for r in rows:
        cells = r.cells
        found: list[Problem] = []
        values = {}
        for name, parse in (("datum", parse_date), ("percentage", parse_percentage), ("uitgegeven", parse_euros)):
            raw = cells.get(name)
            if raw is None or _clean(raw) == "":
                found.append(r.problem(name, "dit veld is leeg"))
            else:
                try:
                    values[name] = parse(raw)
                    continue
                except ValueError as exc:
                    found.append(r.problem(name, str(exc)))
            values[name] = placeholder[name]
        actie = _clean(cells.get("actie"))
        status = _clean(cells.get("status")).lower()
        for name, value in (("actie", actie), ("status", status)):
            if not value:
                found.append(r.problem(name, "dit veld is leeg"))
        update = ProgressUpdate(actie_id=actie, datum=values["datum"], status=status,
                                percentage=values["percentage"], uitgegeven=values["uitgegeven"],
                                tekst=_clean(cells.get("tekst")), foto=_clean(cells.get("foto")),
                                entered_by=_clean(by), source=source)
        reported = {p.field for p in found}
        found += [p for p in check_progress(catalogue, update, file=r.file, row=r.line, today=today)
                  if p.field not in reported]
        if found:
            problems.extend(found)
        else:
            good.append((r.line, update))
    return good, problems


def new_progress(actie_id: str, datum, status: str, percentage, uitgegeven, *, tekst: str = "",
                 foto: str = "", by: str = "") -> ProgressUpdate:
    """A progress update from a form (cells parsed as in a spreadsheet; raises ValueError)."""
    return ProgressUpdate(actie_id=_clean(actie_id), datum=parse_date(datum), status=_clean(status).lower(),
                          percentage=parse_percentage(percentage), uitgegeven=parse_euros(uitgegeven),
                          tekst=_clean(tekst), foto=_clean(foto), entered_by=_clean(by))


# -- "neem dit scenario over" -----------------------------------------------------------------


def decisions_from_outcome(outcome, catalogue, *, by: str) -> list[Decision]:
    """Decisions for every actie a scenario considered: funded ones ``gekozen``, the rest ``niet_nu``.

    ``outcome`` is a :class:`werkboek.scenarios.outcome.Outcome` (or anything with its
    ``scenario``, ``chosen`` and ``not_chosen``). Budget and year come from the scenario's
    phasing, partners are the actie's investeerders. The reasons are a first draft in B1
    Dutch for the programme office to edit.
    """
    scenario = outcome.scenario if isinstance(outcome.scenario, dict) else dict(outcome.scenario)
    name = str(scenario.get("name", ""))[:MAX_SCENARIO]
    workshops = tuple(sorted({int(w) for w in scenario.get("workshops") or ()}))
    out: list[Decision] = []
    for row in outcome.chosen:
        actie = catalogue.acties.get(row["id"])
        partners = tuple(p for p, _share in actie.investeerders) if actie else ()
        jaar = row.get("start")
        out.append(new_decision(row["id"], GEKOZEN, "Veel steun van bewoners en het past in het budget.",
                                budget=int(round(float(row.get("kosten") or 0))),
                                jaar=int(jaar) if jaar is not None else None, partners=partners,
                                workshops=workshops, scenario=name, by=by))
    for row in outcome.not_chosen:
        reden = ("Bewust niet meegenomen in dit scenario." if row.get("uitgesloten")
                 else "Minder steun dan andere acties, of het past nu niet in het budget.")
        out.append(new_decision(row["id"], NIET_NU, reden, workshops=workshops, scenario=name, by=by))
    return out
