"""A scenario's computed outcome, and reading and writing it as JSON (``outcome.json``).

:func:`run_scenario` is the whole computation; the notebook only presents and saves it.

Measures (all our own arithmetic on the selection and phasing):

* spending per leefgebied (by primary leefgebied) and per year;
* per buurt: the money reaching it, an actie's cost spread evenly over the buurten it reaches;
* per partner: what it pays as investeerder (cost x its share) and what it reaps as
  incasseerder (an actie's cost spread evenly over its incasseerders — a rough measure of
  effects, not a calculation of returns);
* support: the weighted share of ballots with at least one of their top choices (the acties
  they scored highest) funded, the mean share of a ballot's own support that went to funded
  acties (overall and per buurt), and the share of all support that went to funded acties.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from werkboek.errors import DataError, ScenarioError
from werkboek.scenarios.inputs import ScenarioInput, load_input
from werkboek.scenarios.params import WEIGHTINGS, Scenario
from werkboek.scenarios.phasing import phase
from werkboek.scenarios.rules import DEFAULT_TIE_BREAK, RULES, tie_break_label
from werkboek.scenarios.selection import select
from werkboek.scenarios.weighting import apply_weighting, population_table

FORMAT = 1


@dataclass
class Outcome:
    scenario: dict
    budget: float
    yearly_budget: float
    years: list[int]
    spent: float
    chosen: list[dict]  # funded acties in priority order
    not_chosen: list[dict]  # candidates not funded, most support first
    per_leefgebied: dict[str, float]
    per_year: dict[str, dict[str, float]]  # year -> leefgebied -> euros
    per_buurt: dict[str, dict]  # statcode -> {naam, wijknaam, euros, acties, inwoners?}
    partners: dict[str, dict]  # partner id -> {naam, betaalt, incasseert, saldo, acties}
    support: dict  # ballots, people, served_share, served_by_buurt, funded_support_share
    source_label: str
    data_labels: list[str]  # every source a figure or map depends on (example data says so)
    example_data: bool
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)  # ties the tie-break decided: acties, gekozen, tekst, ...
    rule_label: str = ""  # the rule as it ran, in Dutch: completion, add1 step, tie-break
    robustness: dict = field(default_factory=dict)  # bootstrap: resamples, seed, share {actie: funded share}
    computed_at: str = ""
    format: int = FORMAT

    @property
    def name(self) -> str:
        return self.scenario["name"]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=False)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)  # atomic: a half-written outcome never looks finished
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Outcome":
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in doc.items() if k in known})


def run_scenario(scenario: Scenario, catalogue=None, store=None, data: ScenarioInput | None = None) -> Outcome:
    """Compute a scenario's outcome from its parameters (catalogue: default the cached one)."""
    if catalogue is None:
        from werkboek.model.catalogue import catalogue as default_catalogue

        catalogue = default_catalogue()
    data = data if data is not None else load_input(scenario, catalogue, store)
    if scenario.budget_total is None and scenario.budget_per_year is None:
        if data.budget_hint is None:
            raise ScenarioError(f"{scenario.source or 'parameters'}, parameter 'budget_total': geef een budget")
        scenario = replace(scenario, budget_total=data.budget_hint)
    labels = [catalogue.attribution]  # the buurt map's geometry
    example = not scenario.pb_file and "VOORBEELD" in _acties_first_line().upper()
    if scenario.pb_file:
        labels.append(f"Stemmen en projecten: {data.source_label}")
    elif example:
        labels.append("Acties: voorbeeldgegevens uit data/acties.csv, geen echte plannen of bedragen")
    population: dict[str, float] = {}
    try:  # inhabitants: for buurt weighting, and for money per inhabitant when available
        table, label = population_table(scenario, catalogue)
    except (ScenarioError, DataError):
        if scenario.weighting == "buurt":
            raise
        table = None
    if table is not None:
        population = {code: float(v) for code, v in table.data["inwoners"].items() if v == v}
        labels.append(f"Inwoners: {label}")
        example = example or table.example
    ballots, notes = apply_weighting(data.ballots, scenario.weighting, population)
    years = scenario.years
    budget = scenario.budget
    candidates = data.candidates
    selection_kwargs = dict(
        rule=scenario.rule, budget=budget, years=len(years), min_share=scenario.min_share_per_leefgebied,
        versnelling_first=scenario.versnelling_first,
        forced_in=list(dict.fromkeys([*(a for a in data.forced_in if a not in scenario.forced_out),
                                    *(a for a in scenario.forced_in if a in candidates)])),
        forced_out=[a for a in scenario.forced_out if a in candidates], rule_params=scenario.rule_params,
        tie_break=scenario.tie_break, seed=scenario.seed)
    sel = select(candidates, ballots, **selection_kwargs)
    robustness = {}
    if scenario.bootstrap and ballots:
        from werkboek.scenarios.robustness import bootstrap

        robustness = bootstrap(candidates, ballots, resamples=scenario.bootstrap, draw_seed=scenario.bootstrap_seed,
                               **selection_kwargs)
    phasing = phase(sel.chosen, candidates, years, scenario.yearly_budget, scenario.versnelling_first)
    warnings = list(sel.warnings)
    if phasing.overspent_years:
        warnings.append("Het jaarbudget is overschreden in " + ", ".join(map(str, phasing.overspent_years)) + ".")
    if phasing.cut_off:
        warnings.append(f"{len(phasing.cut_off)} acties passen pas later in het jaarbudget en lopen door na "
                        f"{years[-1]}: " + ", ".join(phasing.cut_off) + ".")

    def row(a: str) -> dict:
        c = candidates[a]
        return {"id": a, "titel": c.titel, "leefgebied": c.leefgebied, "horizon": c.horizon,
                "kosten": _plain(sel.cost[a]), "kosten_totaal": _plain(c.kosten), "looptijd": c.looptijd,
                "steun": round(sel.support.get(a, 0.0), 3), "stemmers": round(sel.voters.get(a, 0.0), 3),
                "zeker": robustness.get("share", {}).get(a)}

    chosen = [dict(row(a), start=phasing.start[a], eind=phasing.end[a], reden=sel.stage[a]) for a in sel.chosen]
    rest = sorted((a for a in candidates if a not in sel.stage), key=lambda a: (-sel.support.get(a, 0.0), a))
    not_chosen = [dict(row(a), uitgesloten=a in scenario.forced_out) for a in rest]

    lgs = list(catalogue.leefgebieden) + sorted({c.leefgebied for c in candidates.values()} - set(catalogue.leefgebieden))
    per_lg = {lg: 0.0 for lg in lgs}
    per_year = {str(y): {lg: 0.0 for lg in lgs} for y in years}
    for a, by_year in phasing.spending.items():
        lg = candidates[a].leefgebied
        for y, amount in by_year.items():
            per_year[str(y)][lg] += amount
            per_lg[lg] += amount
    spent = sum(per_lg.values())

    per_buurt = _per_buurt(sel.chosen, candidates, phasing, catalogue, population)
    partners = _partners(sel.chosen, candidates, phasing, catalogue)
    support = _support(ballots, set(sel.chosen), sel.support)
    return Outcome(
        scenario=scenario.to_dict(), budget=budget, yearly_budget=scenario.yearly_budget, years=years,
        spent=round(spent, 2), chosen=chosen, not_chosen=not_chosen, per_leefgebied=per_lg, per_year=per_year,
        per_buurt=per_buurt, partners=partners, support=support, source_label=data.source_label,
        data_labels=labels, example_data=example, warnings=warnings, notes=notes + data.notes,
        ties=sel.ties, rule_label=rule_label(scenario.to_dict(), sel.rule_used), robustness=robustness,
        computed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    )


def _plain(amount):
    """An amount for JSON: a whole number stays one, an exact fraction (a .pb cost of 12.50) becomes a float."""
    if isinstance(amount, (int, float)):
        return amount
    return int(amount) if amount == int(amount) else float(amount)


def _acties_first_line() -> str:
    """The first line of acties.csv, which says whether the acties are example data."""
    from werkboek import settings as config

    path = config.data_dir() / "acties.csv"
    try:
        with path.open(encoding="utf-8") as f:
            return f.readline()
    except OSError:
        return ""


def _per_buurt(chosen, candidates, phasing, catalogue, population) -> dict[str, dict]:
    result = {
        code: {"naam": b.naam, "wijknaam": b.wijknaam, "euros": 0.0, "acties": 0,
               "inwoners": population.get(code)}
        for code, b in sorted(catalogue.heerlen_noord.items())
    }
    for a in chosen:
        reach = [code for code in candidates[a].buurten if code in result]
        if not reach:
            continue
        spent = sum(phasing.spending[a].values())
        for code in reach:
            result[code]["euros"] += spent / len(reach)
            result[code]["acties"] += 1
    for entry in result.values():
        entry["euros"] = round(entry["euros"], 2)
        inw = entry["inwoners"]
        entry["euros_per_inwoner"] = round(entry["euros"] / inw, 2) if inw else None
    return result


def _partners(chosen, candidates, phasing, catalogue) -> dict[str, dict]:
    result: dict[str, dict] = {}

    def entry(pid: str) -> dict:
        if pid not in result:
            partner = catalogue.partners.get(pid)
            result[pid] = {"naam": partner.naam if partner else pid, "betaalt": 0.0, "incasseert": 0.0,
                           "acties_betaalt": 0, "acties_incasseert": 0}
        return result[pid]

    for a in chosen:
        c = candidates[a]
        spent = sum(phasing.spending[a].values())
        for pid, pct in c.investeerders:
            e = entry(pid)
            e["betaalt"] += spent * pct / 100
            e["acties_betaalt"] += 1
        for pid in c.incasseerders:
            e = entry(pid)
            e["incasseert"] += spent / len(c.incasseerders)
            e["acties_incasseert"] += 1
    for e in result.values():
        e["betaalt"] = round(e["betaalt"], 2)
        e["incasseert"] = round(e["incasseert"], 2)
        e["saldo"] = round(e["incasseert"] - e["betaalt"], 2)
    return dict(sorted(result.items(), key=lambda kv: kv[1]["saldo"]))


def _support(ballots, funded: set[str], support: dict[str, float]) -> dict:
    people = sum(b.weight for b in ballots)
    by_buurt: dict[str, list[float]] = {}
    totals = [0.0, 0.0, 0.0]  # served, satisfaction, people with a non-empty ballot
    for b in ballots:
        hit = float(bool(b.top_choices() & funded))
        part = b.funded_share(funded)
        cell = by_buurt.setdefault(b.buurt or "", [0.0, 0.0, 0.0, 0.0])
        for target in (totals, cell):
            target[0] += b.weight * hit
            if part is not None:
                target[1] += b.weight * part
                target[2] += b.weight
        cell[3] += b.weight
    total_support = sum(support.values())

    def ratio(a: float, n: float):
        return round(a / n, 4) if n else None

    return {
        "ballots": len(ballots),
        "people": round(people, 3),
        "served_share": ratio(totals[0], people),
        "satisfaction": ratio(totals[1], totals[2]),
        "served_by_buurt": {k: {"share": ratio(h, n), "satisfaction": ratio(s, m), "people": round(n, 3)}
                            for k, (h, s, m, n) in sorted(by_buurt.items())},
        "funded_support_share": ratio(sum(support.get(a, 0.0) for a in funded), total_support),
    }


def rule_label(scenario: dict, used: dict | None = None) -> str:
    """The rule with its parameters in Dutch: "Method of Equal Shares; aanvulling: add1 …; stap per persoon …"."""
    rule = RULES.get(scenario.get("rule"))
    if rule is None:
        return str(scenario.get("rule", ""))
    params = dict(scenario.get("rule_params") or {})
    if used and used.get("mes_step") is not None and params.get("mes_step") is None:
        params["mes_step"] = f"{float(used['mes_step']):,.0f}".replace(",", ".")
    if params.get("completion") == "greedy":
        params.pop("mes_step", None)  # no steps without add1
    return rule.describe(params)


def describe(scenario: dict, rule_text: str = "") -> list[tuple[str, str]]:
    """The scenario's choices as (label, value) rows in Dutch, for reports."""
    shares = scenario.get("min_share_per_leefgebied") or {}
    return [
        ("Naam", scenario["name"]),
        ("Budget", f"€ {scenario['budget_total']:,.0f} totaal".replace(",", ".") if scenario.get("budget_total") else "—"),
        ("Budget per jaar", f"€ {scenario['budget_per_year']:,.0f}".replace(",", ".") if scenario.get("budget_per_year") else "—"),
        ("Periode", f"eenmalig budget ({scenario['start_year']})" if scenario.get("pb_file")
         and scenario["start_year"] == scenario["end_year"] else f"{scenario['start_year']} tot en met {scenario['end_year']}"),
        ("Stemmen", ", ".join(f"workshop {w}" for w in scenario.get("workshops") or []) or (
            f"pabulib-bestand {Path(scenario['pb_file']).name}" if scenario.get("pb_file") else "geen (alleen catalogus)")),
        ("Weging", WEIGHTINGS.get(scenario.get("weighting"), "")),
        ("Regel", rule_text or rule_label(scenario)),
        ("Bij gelijke stand", tie_break_label(scenario.get("tie_break") or DEFAULT_TIE_BREAK, scenario.get("seed") or 0)),
        ("Minimum per leefgebied", ", ".join(f"{lg} {s:.0%}" for lg, s in shares.items()) or "geen"),
        ("Versnellingsacties eerst", "ja" if scenario.get("versnelling_first") else "nee"),
        ("Altijd mee", ", ".join(scenario.get("forced_in") or []) or "—"),
        ("Nooit mee", ", ".join(scenario.get("forced_out") or []) or "—"),
    ]
