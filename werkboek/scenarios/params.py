"""A scenario's parameters: the :class:`Scenario` dataclass and loading it from YAML.

Every problem is reported with the file and the parameter, in Dutch, so an analyst can fix
a scenario file without reading code. All problems of one file are reported together.

A scenario file (keys in English, like the notebook's parameters)::

    name: Versnelling eerst
    budget_per_year: 4000000       # and/or budget_total
    start_year: 2025               # the programme runs 2022-2047
    end_year: 2034
    workshops: [1, 2]              # ballots of these workshops; [] = catalogue only
    pb_file: elders.pb             # or: a pabulib file instead of workshops and catalogue (without
                                   # end_year: a one-off budget, one year from start_year)
    weighting: person              # ballot | person | buurt
    example_indicators: false      # buurt weighting may use invented example figures
    rule: equal_shares             # see werkboek.scenarios.rules.RULES
    completion: add1               # equal_shares only: add1 (default) | add1+greedy | greedy
    mes_step: 1                    # equal_shares only: add1 step in euros per person (default: see rules)
    tie_break: kosten              # kosten (cheaper first, default) | id | loting
    seed: 0                        # the lottery's seed (tie_break: loting)
    bootstrap: 200                 # "hoe zeker?": draws of the ballots (0 = none, the default)
    bootstrap_seed: 0              # the draws' seed
    min_share_per_leefgebied: 0.1  # a fraction of the budget, or {leren: 0.2, ...}
    versnelling_first: true
    forced_in: [wonen-01]
    forced_out: [veiligheid-03]
    from_decisions: true           # start from what the programme decided: its gekozen acties are forced
                                   # in, at their decided budget minus what is already spent
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml

from werkboek.errors import ScenarioError, _display
from werkboek.model.catalogue import LEEFGEBIEDEN
from werkboek.scenarios.rules import DEFAULT_TIE_BREAK, TIE_BREAKS, rule_params
from werkboek.scenarios.rules import RULES as _RULES

PROGRAMME_START, PROGRAMME_END = 2022, 2047

RULES = {key: rule.label for key, rule in _RULES.items()}  # key -> Dutch label (the registry: .rules)
WEIGHTINGS = {
    "ballot": "Elk stembiljet telt even zwaar",
    "person": "Elke persoon telt even zwaar (een tafel telt voor het aantal mensen)",
    "buurt": "Gewogen naar het aantal inwoners per buurt",
}

@dataclass(frozen=True)
class Scenario:
    name: str
    budget_total: float | None = None
    budget_per_year: float | None = None
    start_year: int = 2025
    end_year: int = 2034
    workshops: tuple[int, ...] = ()
    pb_file: str | None = None  # without a budget, the file's own budget is used
    weighting: str = "person"
    example_indicators: bool = False
    rule: str = "support"
    min_share_per_leefgebied: dict[str, float] = field(default_factory=dict)
    versnelling_first: bool = False
    forced_in: tuple[str, ...] = ()
    forced_out: tuple[str, ...] = ()
    rule_params: dict = field(default_factory=dict)  # the rule's own parameters (completion, ...), defaults filled in
    tie_break: str = DEFAULT_TIE_BREAK  # kosten | id | loting (see rules.TIE_BREAKS)
    seed: int = 0  # for tie_break: loting
    bootstrap: int = 0  # resamples of the ballots for "hoe zeker?" (0: none)
    bootstrap_seed: int = 0
    from_decisions: bool = False  # the programme's gekozen acties forced in, their committed budget counted
    database_url: str | None = None  # None: the default store (WERKBOEK_DATABASE_URL or var/)
    source: str = ""  # the file it was read from, for messages

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def budget(self) -> float:
        """The money for the whole horizon."""
        if self.budget_total is not None and self.budget_per_year is not None:
            return min(self.budget_total, self.budget_per_year * len(self.years))
        if self.budget_total is not None:
            return float(self.budget_total)
        return float(self.budget_per_year) * len(self.years)

    @property
    def yearly_budget(self) -> float:
        """The money per year (the total spread evenly when no yearly budget is given)."""
        if self.budget_per_year is not None:
            return float(self.budget_per_year)
        return self.budget / len(self.years)

    @property
    def slug(self) -> str:
        return slugify(Path(self.source).stem if self.source else self.name)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["workshops"] = list(self.workshops)
        d["forced_in"] = list(self.forced_in)
        d["forced_out"] = list(self.forced_out)
        d.pop("database_url")
        return d


# Every parameter a scenario file or the notebook's parameter cell may set: the fields of
# Scenario (one place: a new parameter is a new field), less the two filled in by the loader,
# plus each rule's own parameters. The notebook's cell is kept in step with it by
# tests/scenarios/test_scenario_notebook_parameters.py.
PARAMETERS = (*(f.name for f in fields(Scenario) if f.name not in ("rule_params", "source")), *rule_params())


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "scenario"


def load_scenario(path: str | Path, catalogue=None) -> Scenario:
    """Read and validate one scenario file; ScenarioError naming file and parameter."""
    path = Path(path)
    shown = _display(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{shown}: bestand niet gevonden") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", regel {mark.line + 1}" if mark else ""
        raise ScenarioError(f"{shown}{where}: geen geldige YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(doc, dict):
        raise ScenarioError(f"{shown}: verwacht parameters als 'naam: waarde'")
    doc.setdefault("name", path.stem)
    if doc.get("pb_file") and not Path(str(doc["pb_file"])).is_absolute():
        doc["pb_file"] = str(path.parent / str(doc["pb_file"]))
    return scenario_from_dict(doc, source=str(path), catalogue=catalogue)


def scenario_from_dict(values: dict, source: str = "parameters", catalogue=None) -> Scenario:
    """Validate parameters (from YAML or the notebook); ScenarioError listing every problem."""
    shown = _display(source) if source not in ("parameters", "") else "parameters"
    problems: list[str] = []

    def bad(key: str, message: str) -> None:
        problems.append(f"{shown}, parameter '{key}': {message}")

    for key in values:
        if key not in PARAMETERS:
            bad(key, f"onbekende parameter (kies uit {', '.join(PARAMETERS)})")
    v = {k: values[k] for k in PARAMETERS if k in values and values[k] is not None}

    name = str(v.get("name", "")).strip()
    if not name:
        bad("name", "een naam is nodig")
    elif len(name) > 80:
        bad("name", "hoogstens 80 tekens")

    budgets = {}
    for key in ("budget_total", "budget_per_year"):
        if key in v:
            value = v[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                bad(key, f"'{value}' is geen bedrag in euro groter dan 0")
            else:
                budgets[key] = float(value)
    if not budgets and not any(k in v for k in ("budget_total", "budget_per_year")) and not v.get("pb_file"):
        bad("budget_total", "geef budget_total en/of budget_per_year")

    years = {}
    # A pabulib file's budget is for one round: without an end_year its horizon is one year
    # (no phasing over ten years, no "yearly budget exceeded"), unless the scenario sets one.
    one_off = v.get("pb_file") is not None and "end_year" not in v
    for key, default in (("start_year", 2025), ("end_year", 2034)):
        if key == "end_year" and one_off and isinstance(years.get("start_year"), int):
            default = years["start_year"]
        value = v.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not PROGRAMME_START <= value <= PROGRAMME_END:
            bad(key, f"'{value}' is geen jaar van het programma ({PROGRAMME_START} tot en met {PROGRAMME_END})")
        else:
            years[key] = value
    if len(years) == 2 and years["end_year"] < years["start_year"]:
        bad("end_year", f"{years['end_year']} ligt voor start_year {years['start_year']}")

    workshops: list[int] = []
    raw = v.get("workshops", [])
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list) or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in raw):
        bad("workshops", "verwacht een lijst met workshopnummers, bijvoorbeeld [1, 2], of [] voor alleen de catalogus")
    else:
        workshops = list(dict.fromkeys(raw))
    pb_file = v.get("pb_file")
    if pb_file is not None:
        if workshops:
            bad("pb_file", "kies workshops óf een pabulib-bestand, niet allebei")
        if not Path(str(pb_file)).is_file():
            bad("pb_file", f"bestand '{pb_file}' niet gevonden")

    weighting = v.get("weighting", "person")
    if weighting not in WEIGHTINGS:
        bad("weighting", f"'{weighting}' is onbekend (kies uit {', '.join(WEIGHTINGS)})")
    rule = v.get("rule", "support")
    if rule not in _RULES:
        bad("rule", f"'{rule}' is onbekend (kies uit {', '.join(_RULES)})")
    own: dict = dict(_RULES[rule].defaults()) if rule in _RULES else {}
    for key, (owner, param) in rule_params().items():
        if key not in v:
            continue
        value = v[key]
        if owner.key != rule:
            bad(key, f"hoort bij regel '{owner.key}', niet bij '{rule}'")
        elif param.choices is not None and value not in param.choices:
            bad(key, f"'{value}' is onbekend (kies uit {', '.join(param.choices)})")
        elif param.choices is None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            bad(key, f"'{value}' is geen getal groter dan 0")
        else:
            own[key] = value
    tie_break = v.get("tie_break", DEFAULT_TIE_BREAK)
    if tie_break not in TIE_BREAKS:
        bad("tie_break", f"'{tie_break}' is onbekend (kies uit {', '.join(TIE_BREAKS)})")
    seed = v.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        bad("seed", f"'{seed}' is geen geheel getal")
    elif "seed" in v and tie_break != "loting":
        bad("seed", "een startgetal hoort bij tie_break: loting")
    flags = {}
    for key in ("example_indicators", "versnelling_first", "from_decisions"):
        value = v.get(key, False)
        if not isinstance(value, bool):
            bad(key, f"'{value}' moet true of false zijn")
        flags[key] = bool(value)

    shares: dict[str, float] = {}
    raw = v.get("min_share_per_leefgebied", {})
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = {lg: raw for lg in LEEFGEBIEDEN}
    if not isinstance(raw, dict):
        bad("min_share_per_leefgebied", "verwacht een deel van het budget (0.1 = 10%) of per leefgebied een deel")
    else:
        for lg, share in raw.items():
            if lg not in LEEFGEBIEDEN:
                bad("min_share_per_leefgebied", f"onbekend leefgebied '{lg}' (kies uit {', '.join(LEEFGEBIEDEN)})")
            elif isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
                bad("min_share_per_leefgebied", f"bij {lg}: '{share}' moet een deel tussen 0 en 1 zijn (0.1 = 10%)")
            else:
                shares[lg] = float(share)
        if sum(shares.values()) > 1 + 1e-9:
            bad("min_share_per_leefgebied", f"de delen tellen op tot {sum(shares.values()):.0%}, meer dan 100%")

    if flags["from_decisions"] and pb_file is not None:
        bad("from_decisions", "hoort bij de acties van de catalogus, niet bij een pabulib-bestand")

    lists = {}
    for key in ("forced_in", "forced_out"):
        raw = v.get(key, [])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw):
            bad(key, "verwacht een lijst met actie-ids")
            raw = []
        if catalogue is not None and pb_file is None:
            for actie in raw:
                if actie not in catalogue.acties:
                    bad(key, f"actie '{actie}' staat niet in de catalogus")
        lists[key] = tuple(dict.fromkeys(raw))
    both = set(lists["forced_in"]) & set(lists["forced_out"])
    if both:
        bad("forced_out", f"{', '.join(sorted(both))} staat ook bij forced_in")
    draws = {}
    for key, high in (("bootstrap", 10_000), ("bootstrap_seed", 2**32 - 1)):
        value = v.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            bad(key, f"'{value}' moet een geheel getal van 0 tot en met {high} zijn")
        else:
            draws[key] = value
    url = v.get("database_url")
    if url is not None and not isinstance(url, str):
        bad("database_url", "verwacht een SQLAlchemy-adres als tekst")

    if problems:
        head = problems[0] if len(problems) == 1 else f"{len(problems)} fouten in het scenario:\n  " + "\n  ".join(problems)
        raise ScenarioError(head)
    return Scenario(
        name=name, budget_total=budgets.get("budget_total"), budget_per_year=budgets.get("budget_per_year"),
        start_year=years["start_year"], end_year=years["end_year"], workshops=tuple(workshops),
        pb_file=str(pb_file) if pb_file is not None else None, weighting=weighting,
        example_indicators=flags["example_indicators"], rule=rule, min_share_per_leefgebied=shares,
        versnelling_first=flags["versnelling_first"], forced_in=lists["forced_in"], forced_out=lists["forced_out"],
        rule_params=own, tie_break=tie_break, seed=seed, bootstrap=draws.get("bootstrap", 0),
        bootstrap_seed=draws.get("bootstrap_seed", 0), from_decisions=flags["from_decisions"], database_url=url, source=source if source != "parameters" else "",
    )
