"""The 25-year monitor: indicators per area over the imported KWB years, against 2022 and a target for 2047.

Everything here is arithmetic on what was imported (:class:`~werkboek.model.indicators.IndicatorTable`
per year) and on what the programme office set (:class:`Target`); nothing is guessed:

* a year that was not imported, or a figure CBS does not give, is a :class:`Point` with
  ``value=None`` and a label ("geen cijfer voor 2023"); no line is drawn through it and no
  value is interpolated;
* the baseline is the 2022 figure (:data:`BASELINE_YEAR`), or a labelled missing point;
* the areas: Heerlen-Noord as a whole (:data:`HEERLEN_NOORD`), each of its buurten, and
  Nederland (the table's national row, :attr:`IndicatorTable.nederland`);
* counts of people (uitkeringen) are shown per 1.000 inwoners, so a buurt, Heerlen-Noord
  and Nederland can be compared; Heerlen-Noord's figure is the sum of its buurten's counts
  over the sum of their inwoners, an average or percentage is weighted by inwoners (and
  says so) — computed only over buurten that have a figure, and the point says how many;
* example tables (invented figures) make the whole monitor say so (:attr:`Monitor.example`).

"Waar staan we" (:func:`where_we_stand`) puts per leefgebied each measure's baseline,
latest figure, target and the Nederland figure into B1 sentences.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from werkboek.errors import Problem
from werkboek.model.indicators import EXAMPLE_LABEL, INDICATORS, IndicatorTable

BASELINE_YEAR = 2022
TARGET_YEAR = 2047
HEERLEN_NOORD = "heerlen_noord"  # the area code of the programme area as a whole
NEDERLAND = "nederland"  # the area code of the national reference
HOGER, LAGER = "hoger", "lager"  # which way is better
MAX_BY = 60
MAX_NOTE = 300


@dataclass(frozen=True)
class Measure:
    """What the monitor shows of one indicator: its leefgebied, which way is better, its unit."""

    id: str  # the indicator id (werkboek.model.indicators.INDICATORS)
    leefgebied: str
    better: str  # HOGER or LAGER
    per_inwoners: bool = False  # a count, shown per 1.000 inwoners

    @property
    def indicator(self):
        return INDICATORS[self.id]

    @property
    def label(self) -> str:
        return self.indicator.label + (" (per 1.000 inwoners)" if self.per_inwoners else "")

    @property
    def unit(self) -> str:
        return "per 1.000 inwoners" if self.per_inwoners else self.indicator.unit

    @property
    def is_percentage(self) -> bool:
        return self.indicator.unit == "%"


# Which leefgebied each KWB indicator tells something about. Leren and veiligheid have no
# figure in the kerncijfers table: "waar staan we" says so instead of borrowing one.
MEASURES: dict[str, Measure] = {m.id: m for m in (
    Measure("gemiddeld_inkomen_per_inwoner", "werken", HOGER),
    Measure("huishoudens_laag_inkomen_pct", "werken", LAGER),
    Measure("bijstand", "werken", LAGER, per_inwoners=True),
    Measure("uitkeringen_ww", "werken", LAGER, per_inwoners=True),
    Measure("uitkeringen_ao", "gezondheid", LAGER, per_inwoners=True),
    Measure("woz_gemiddeld", "wonen", HOGER),
)}


@dataclass(frozen=True)
class Point:
    """One year of one series: a value, or None with the reason in ``note``."""

    year: int
    value: float | None
    note: str = ""  # "geen cijfer voor 2023", or how the value was made ("18 van 20 buurten")


@dataclass(frozen=True)
class Target:
    """The programme office's target for one measure in :data:`TARGET_YEAR` (for Heerlen-Noord or one buurt)."""

    indicator: str
    doel: float | None  # in the measure's unit (per 1.000 inwoners for counts); None = target removed
    area: str = HEERLEN_NOORD  # HEERLEN_NOORD or a buurt code
    jaar: int = TARGET_YEAR
    note: str = ""
    changed_by: str = ""
    changed_at: dt.datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class Series:
    """One measure in one area over the years."""

    measure: Measure
    area: str  # HEERLEN_NOORD, NEDERLAND or a buurt code
    naam: str
    points: tuple[Point, ...]

    def at(self, year: int) -> Point:
        for p in self.points:
            if p.year == year:
                return p
        return Point(year, None, f"geen cijfer voor {year}")

    @property
    def baseline(self) -> Point:
        return self.at(BASELINE_YEAR)

    @property
    def latest(self) -> Point | None:
        """The newest point with a value (None when there is none)."""
        known = [p for p in self.points if p.value is not None]
        return known[-1] if known else None


@dataclass
class Monitor:
    """Every series of the imported years: ``series[(measure id, area)]``."""

    years: list[int]  # every year from the first (or 2022) to the last imported one
    imported: list[int]
    series: dict[tuple[str, str], Series]
    targets: dict[tuple[str, str], Target]
    sources: list[str]  # the label of each imported table
    example: bool = False
    buurten: dict[str, str] = field(default_factory=dict)  # code -> name, Heerlen-Noord's buurten

    def get(self, measure: str, area: str = HEERLEN_NOORD) -> Series:
        return self.series[(measure, area)]

    def target(self, measure: str, area: str = HEERLEN_NOORD) -> Target | None:
        return self.targets.get((measure, area))

    @property
    def label(self) -> str:
        return EXAMPLE_LABEL if self.example else "; ".join(self.sources)


def _value(table: IndicatorTable, measure: Measure, row) -> float | None:
    value = row[measure.id]
    if value is None or math.isnan(value):
        return None
    if measure.per_inwoners:
        inwoners = row["inwoners"]
        if inwoners is None or math.isnan(inwoners) or inwoners <= 0:
            return None
        return float(value) / float(inwoners) * 1000
    return float(value)


def _aggregate(table: IndicatorTable, measure: Measure, codes: list[str]) -> Point:
    """Heerlen-Noord's figure from its buurten (see the module docstring), with how many it covers."""
    year = table.year
    have = [c for c in codes if c in table.data.index]
    used = []
    for code in have:
        row = table.data.loc[code]
        v, inw = row[measure.id], row["inwoners"]
        if not (math.isnan(v) or math.isnan(inw) or inw <= 0):
            used.append((float(v), float(inw)))
    if not used:
        return Point(year, None, f"geen cijfer voor {year}")
    total_inw = sum(inw for _, inw in used)
    if measure.per_inwoners:
        value = sum(v for v, _ in used) / total_inw * 1000
    else:
        value = sum(v * inw for v, inw in used) / total_inw
    note = "" if len(used) == len(codes) else f"berekend over {len(used)} van de {len(codes)} buurten"
    return Point(year, value, note)


def build_monitor(tables: Iterable[IndicatorTable], catalogue, targets: Iterable[Target] = ()) -> Monitor:
    """The monitor of the imported ``tables`` (one per year) for the buurten of Heerlen-Noord.

    ``catalogue``: a Catalogue (its ``heerlen_noord`` buurten). ``targets``: the current
    targets (:meth:`werkboek.store.monitor.Monitoring.targets`).
    """
    by_year: dict[int, IndicatorTable] = {}
    for table in tables:
        if table.year in by_year:
            raise ValueError(f"twee tabellen voor {table.year}")
        by_year[table.year] = table
    imported = sorted(by_year)
    noord = catalogue.heerlen_noord
    codes = sorted(noord)
    names = {code: noord[code].naam for code in codes}
    years = list(range(min([*imported, BASELINE_YEAR]), max([*imported, BASELINE_YEAR]) + 1))
    series: dict[tuple[str, str], Series] = {}
    for m in MEASURES.values():
        hn, nl = [], []
        per_buurt: dict[str, list[Point]] = {c: [] for c in codes}
        for year in years:
            table = by_year.get(year)
            if table is None:
                missing = f"geen cijfer voor {year} (niet ingelezen)"
                hn.append(Point(year, None, missing))
                nl.append(Point(year, None, missing))
                for c in codes:
                    per_buurt[c].append(Point(year, None, missing))
                continue
            hn.append(_aggregate(table, m, codes))
            if table.nederland is None:
                nl.append(Point(year, None, f"geen landelijk cijfer in de tabel van {year}"))
            else:
                v = _value(table, m, table.nederland)
                nl.append(Point(year, v, "" if v is not None else f"geen cijfer voor {year}"))
            for c in codes:
                v = _value(table, m, table.data.loc[c]) if c in table.data.index else None
                per_buurt[c].append(Point(year, v, "" if v is not None else f"geen cijfer voor {year}"))
        series[(m.id, HEERLEN_NOORD)] = Series(m, HEERLEN_NOORD, "Heerlen-Noord", tuple(hn))
        series[(m.id, NEDERLAND)] = Series(m, NEDERLAND, "Nederland", tuple(nl))
        for c in codes:
            series[(m.id, c)] = Series(m, c, names[c], tuple(per_buurt[c]))
    current = {(t.indicator, t.area): t for t in targets if t.doel is not None}
    return Monitor(years=years, imported=imported, series=series, targets=current,
                   sources=[by_year[y].label() for y in imported],
                   example=any(t.example for t in by_year.values()), buurten=names)


# -- targets ---------------------------------------------------------------------------------

def check_target(catalogue, target: Target, row: int | None = None) -> list[Problem]:
    """Every problem of a target, each with its field, in Dutch."""
    problems = []

    def bad(fieldname: str, message: str) -> None:
        problems.append(Problem("doel", row, fieldname, message))

    measure = MEASURES.get(target.indicator)
    if measure is None:
        bad("indicator", f"'{target.indicator}' is geen cijfer van de monitor; kies uit: {', '.join(MEASURES)}")
    if target.area != HEERLEN_NOORD and target.area not in catalogue.heerlen_noord:
        bad("gebied", f"'{target.area}' is geen buurt van Heerlen-Noord")
    if target.doel is not None:
        if isinstance(target.doel, bool) or not isinstance(target.doel, (int, float)) or not math.isfinite(target.doel):
            bad("doel", f"'{target.doel}' is geen getal")
        elif target.doel < 0:
            bad("doel", "een doel kan niet negatief zijn")
        elif measure is not None and measure.is_percentage and target.doel > 100:
            bad("doel", "een percentage kan niet meer dan 100 zijn")
    if isinstance(target.jaar, bool) or not isinstance(target.jaar, int) or not BASELINE_YEAR < target.jaar <= TARGET_YEAR:
        bad("jaar", f"het jaar van een doel ligt tussen {BASELINE_YEAR + 1} en {TARGET_YEAR}")
    if len(target.note) > MAX_NOTE:
        bad("toelichting", f"de toelichting is langer dan {MAX_NOTE} tekens")
    if not target.changed_by.strip() or len(target.changed_by) > MAX_BY:
        bad("wie", f"zeg wie het doel zet (hoogstens {MAX_BY} tekens)")
    return problems


# -- where do we stand -----------------------------------------------------------------------

def _same(a: float, b: float) -> bool:
    """Within 1% of each other (or 0.1 for small figures): 'ongeveer gelijk'."""
    return abs(a - b) <= max(0.01 * max(abs(a), abs(b)), 0.1 if max(abs(a), abs(b)) < 10 else 0.0)


def _better(measure: Measure, new: float, old: float) -> bool:
    return new > old if measure.better == HOGER else new < old


def compare_years(measure: Measure, baseline: Point, latest: Point | None) -> str:
    if baseline.value is None:
        return f"nog niet te zeggen: {baseline.note or f'geen cijfer voor {BASELINE_YEAR}'}"
    if latest is None or latest.year == baseline.year:
        return "nog geen nieuwer cijfer dan 2022"
    if _same(latest.value, baseline.value):
        return f"ongeveer gelijk aan {BASELINE_YEAR}"
    return f"beter dan in {BASELINE_YEAR}" if _better(measure, latest.value, baseline.value) \
        else f"slechter dan in {BASELINE_YEAR}"


def compare_target(measure: Measure, baseline: Point, latest: Point | None, target: Target | None) -> str:
    if target is None or target.doel is None:
        return "nog geen doel gezet"
    if latest is None:
        return "nog niet te zeggen: geen cijfer"
    if not _better(measure, target.doel, latest.value) or _same(latest.value, target.doel):
        return "het doel is gehaald"
    if baseline.value is None or latest.year <= baseline.year:
        return "nog ver van het doel"
    road = target.doel - baseline.value
    done = (latest.value - baseline.value) / road if road else 1.0
    expected = (latest.year - BASELINE_YEAR) / (target.jaar - BASELINE_YEAR)
    if done >= expected:
        return "op schema naar het doel"
    if done > 0:
        return "op weg, maar nog ver van het doel"
    return "nog ver van het doel"


def compare_nederland(measure: Measure, latest: Point | None, nederland: Series) -> str:
    if latest is None:
        return "nog niet te zeggen: geen cijfer"
    nl = nederland.at(latest.year)
    if nl.value is None:
        return f"geen landelijk cijfer voor {latest.year}"
    if _same(latest.value, nl.value):
        return "ongeveer gelijk aan Nederland"
    return "beter dan in Nederland" if _better(measure, latest.value, nl.value) else "slechter dan in Nederland"


@dataclass(frozen=True)
class Standing:
    """One measure in "waar staan we": the figures and the B1 sentences."""

    measure: Measure
    baseline: Point
    latest: Point | None
    nederland: Point | None  # Nederland in the latest year
    target: Target | None
    vs_2022: str
    vs_doel: str
    vs_nederland: str


def where_we_stand(monitor: Monitor, leefgebieden: Mapping[str, object],
                   area: str = HEERLEN_NOORD) -> list[dict]:
    """Per leefgebied (catalogue order): its measures as :class:`Standing`, or an empty list and a B1 note."""
    out = []
    for lg_id, lg in leefgebieden.items():
        rows = []
        for m in MEASURES.values():
            if m.leefgebied != lg_id:
                continue
            s = monitor.get(m.id, area)
            latest = s.latest
            target = monitor.target(m.id, area)
            nl = monitor.get(m.id, NEDERLAND)
            rows.append(Standing(m, s.baseline, latest, nl.at(latest.year) if latest else None, target,
                                 compare_years(m, s.baseline, latest), compare_target(m, s.baseline, latest, target),
                                 compare_nederland(m, latest, nl)))
        note = "" if rows else "De kerncijfers van CBS hebben nog geen cijfer voor dit leefgebied."
        out.append({"id": lg_id, "naam": getattr(lg, "naam", lg_id), "kleur": getattr(lg, "kleur", "#005A8C"),
                    "rows": rows, "note": note})
    return out


# -- money per year --------------------------------------------------------------------------

@dataclass(frozen=True)
class MoneyYear:
    year: int
    besloten: float  # the chosen acties' budgets, spread evenly over their years from their start year
    uitgegeven: float | None  # spent that year (from the running totals of the progress updates); None: future
    gepland: float | None  # the adopted scenario's phasing; None when there is none


@dataclass
class Money:
    years: list[MoneyYear]
    scenario: str  # the name of the scenario whose phasing is shown ("" for none)
    zonder_jaar: float  # budget of chosen acties without a start year (in no year)
    na_2047: float  # budget that falls after TARGET_YEAR

    @property
    def totals(self) -> dict[str, float]:
        return {"besloten": sum(y.besloten for y in self.years) + self.zonder_jaar + self.na_2047,
                "uitgegeven": sum(y.uitgegeven or 0 for y in self.years),
                "gepland": sum(y.gepland or 0 for y in self.years)}


def money_per_year(decisions: Mapping[str, object], timeline: Iterable[object], catalogue, *,
                   planned: Mapping[int, float] | None = None, scenario: str = "",
                   today: dt.date | None = None) -> Money:
    """Money decided and spent per year of the programme (2022–2047) against a scenario's phasing.

    ``decisions``: the current decision per actie (:meth:`Programme.decisions`); only
    ``gekozen`` ones count, their budget spread evenly over the catalogue's ``looptijd``
    from their start year. ``timeline``: every progress update; "uitgegeven" is a running
    total per actie, so the money of a year is its last total in that year minus the last
    one before it. ``planned``: year -> euros of the adopted scenario's phasing.
    """
    today = today or dt.date.today()
    years = list(range(BASELINE_YEAR, TARGET_YEAR + 1))
    besloten = {y: 0.0 for y in years}
    zonder_jaar = na = 0.0
    for actie_id, d in decisions.items():
        if d.besluit != "gekozen" or not d.budget:
            continue
        actie = catalogue.acties.get(actie_id)
        looptijd = max(1, actie.looptijd if actie else 1)
        if d.jaar is None:
            zonder_jaar += d.budget
            continue
        for y in range(d.jaar, d.jaar + looptijd):
            if y in besloten:
                besloten[y] += d.budget / looptijd
            else:
                na += d.budget / looptijd
    spent = {y: 0.0 for y in years}
    last: dict[str, int] = {}
    for u in sorted(timeline, key=lambda u: (u.actie_id, u.datum, u.id or 0)):
        before = last.get(u.actie_id, 0)
        last[u.actie_id] = u.uitgegeven
        if u.datum.year in spent:
            spent[u.datum.year] += u.uitgegeven - before
    rows = [MoneyYear(y, round(besloten[y], 2), spent[y] if y <= today.year else None,
                      None if planned is None else float(planned.get(y, 0.0))) for y in years]
    return Money(rows, scenario, zonder_jaar, round(na, 2))


def adopted_scenario(decisions: Mapping[str, object]) -> str:
    """The scenario most current ``gekozen`` decisions came from ("neem dit scenario over"), or ""."""
    names: dict[str, int] = {}
    for d in decisions.values():
        if d.besluit == "gekozen" and d.scenario:
            names[d.scenario] = names.get(d.scenario, 0) + 1
    return max(sorted(names), key=lambda n: names[n]) if names else ""


def planned_per_year(outcome: Mapping) -> dict[int, float]:
    """Year -> euros of a scenario outcome's phasing (``outcome.json``'s ``per_year``, summed over leefgebieden)."""
    return {int(y): float(sum(by_lg.values())) for y, by_lg in (outcome.get("per_year") or {}).items()}
