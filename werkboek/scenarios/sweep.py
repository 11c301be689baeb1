"""Sweeps: one scenario's selection over a grid of rules × budgets × weightings, with bootstrap draws.

A batch (:mod:`.batch`) runs whole scenarios through papermill, a report each. A *sweep* is
the computation alone, over a grid: for every cell (rule with its parameters, budget,
weighting) the selection on all ballots and on ``bootstrap`` resampled draws of them, and
the result is one tidy table (pandas) with a row per cell and actie: ``funded`` (on all
ballots) and ``share`` (the fraction of draws in which it is funded, as in "Hoe zeker?").

The work is split in tasks (per cell: the run on all ballots, and the draws in chunks of
``chunk``) handed to an executor with the ``concurrent.futures`` interface: a local process
pool by default, or a Dask cluster when a scheduler address is given
(``distributed.Client(address).get_executor()``: the same ``submit`` and futures). One code
path; the table does not depend on where it ran: chunk ``c`` of every cell draws with
``numpy.random.default_rng([bootstrap_seed, c])`` (the same draws for every cell, so cells
differ by their parameters, not by chance).

A sweep file (YAML)::

    name: Verkenning Noord          # optional
    scenario: equal-shares.yaml     # optional: a scenario file for everything not swept
    workshops: [1]                  # ... and/or scenario parameters here (they win)
    rules: [support, {rule: equal_shares, completion: greedy}, equal_shares]
    budgets: [2000000, 3000000]     # budget_per_year, or budget_total when the scenario sets that
                                    # (the table: ``budget`` as swept, ``budget_total`` for the horizon)
    weightings: [person, ballot]
    bootstrap: 200                  # draws per cell (0: only the run on all ballots)
    bootstrap_seed: 1
    chunk: 25                       # draws per task
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from werkboek.errors import DataError, ScenarioError

SWEEP_KEYS = ("name", "scenario", "rules", "budgets", "weightings", "bootstrap", "bootstrap_seed", "chunk")
COLUMNS = ["rule", "budget", "budget_total", "weighting", "actie", "titel", "leefgebied", "kosten", "funded", "share", "resamples"]


@dataclass(frozen=True)
class Cell:
    rule: str  # the rule with its parameters, as in the table: "equal_shares (completion=greedy)"
    budget: float
    weighting: str
    scenario: object  # the validated Scenario of this cell


@dataclass(frozen=True)
class Sweep:
    name: str
    cells: list[Cell]
    bootstrap: int
    bootstrap_seed: int
    chunk: int


def _rule_label(rule: str, params: dict) -> str:
    return rule + (" (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else "")


def load_sweep(path: str | Path, catalogue=None) -> Sweep:
    """Read a sweep file; every cell is a scenario validated as a scenario file is (ScenarioError)."""
    from werkboek.scenarios.params import PARAMETERS, load_scenario, scenario_from_dict

    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: bestand niet gevonden") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: geen geldige YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise ScenarioError(f"{path}: verwacht parameters als 'naam: waarde'")
    unknown = [k for k in doc if k not in SWEEP_KEYS and k not in PARAMETERS]
    if unknown:
        raise ScenarioError(f"{path}: onbekende parameter(s) {', '.join(map(str, unknown))}")
    base: dict = {}
    if doc.get("scenario"):
        base_path = Path(str(doc["scenario"]))
        base_path = base_path if base_path.is_absolute() else path.parent / base_path
        load_scenario(base_path, catalogue)  # its own problems, named by its own file
        base = yaml.safe_load(base_path.read_text(encoding="utf-8"))
        if base.get("pb_file") and not Path(str(base["pb_file"])).is_absolute():
            base["pb_file"] = str(base_path.parent / str(base["pb_file"]))
    own = {k: v for k, v in doc.items() if k in PARAMETERS}
    if own.get("pb_file") and not Path(str(own["pb_file"])).is_absolute():
        own["pb_file"] = str(path.parent / str(own["pb_file"]))
    base.update(own)
    base.setdefault("name", doc.get("name") or path.stem)
    base["bootstrap"] = 0  # the sweep draws itself
    budget_key = "budget_total" if base.get("budget_total") is not None else "budget_per_year"

    def listed(key, default):
        value = doc.get(key, default)
        if not isinstance(value, list) or not value:
            raise ScenarioError(f"{path}, parameter '{key}': verwacht een lijst met minstens één waarde")
        return value

    rules = listed("rules", [base.get("rule", "support")])
    budgets = listed("budgets", [base.get(budget_key)])
    weightings = listed("weightings", [base.get("weighting", "person")])
    cells = []
    for rule in rules:
        params = dict(rule) if isinstance(rule, dict) else {"rule": rule}
        key = params.pop("rule", None)
        if not isinstance(key, str):
            raise ScenarioError(f"{path}, parameter 'rules': elke regel is een naam of heeft 'rule: naam'")
        for budget in budgets:
            for weighting in weightings:
                values = {k: v for k, v in base.items() if k not in ("rule", "completion", "mes_step")}
                values.update(rule=key, weighting=weighting, **params)
                values[budget_key] = budget
                values.pop("budget_per_year" if budget_key == "budget_total" else "budget_total", None)
                scenario = scenario_from_dict(values, source=str(path), catalogue=catalogue)
                cells.append(Cell(_rule_label(key, params), float(budget) if budget is not None else math.nan,
                                  weighting, scenario))
    bootstrap = doc.get("bootstrap", 0)
    chunk = doc.get("chunk", 25)
    seed = doc.get("bootstrap_seed", 0)
    for key, value, least in (("bootstrap", bootstrap, 0), ("chunk", chunk, 1), ("bootstrap_seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ScenarioError(f"{path}, parameter '{key}': verwacht een geheel getal van minstens {least}")
    return Sweep(str(doc.get("name") or path.stem), cells, bootstrap, seed, chunk)


def cell_inputs(scenario, data, catalogue):
    """The selection's arguments for one cell: candidates, weighted ballots, select() keywords.

    As :func:`werkboek.scenarios.outcome.run_scenario` computes them (budget from the file when
    none is given, weighting with the inhabitants, forced acties that exist)."""
    from werkboek.scenarios.weighting import apply_weighting, population_table

    if scenario.budget_total is None and scenario.budget_per_year is None:
        if data.budget_hint is None:
            raise ScenarioError(f"{scenario.source or 'parameters'}, parameter 'budget_total': geef een budget")
        scenario = replace(scenario, budget_total=data.budget_hint)
    population: dict[str, float] = {}
    if scenario.weighting == "buurt":
        table, _ = population_table(scenario, catalogue)
        population = {code: float(v) for code, v in table.data["inwoners"].items() if v == v}
    ballots, _ = apply_weighting(data.ballots, scenario.weighting, population)
    candidates = data.candidates
    kwargs = dict(
        rule=scenario.rule, budget=scenario.budget, years=len(scenario.years),
        min_share=scenario.min_share_per_leefgebied, versnelling_first=scenario.versnelling_first,
        forced_in=[a for a in scenario.forced_in if a in candidates],
        forced_out=[a for a in scenario.forced_out if a in candidates], rule_params=scenario.rule_params,
        tie_break=scenario.tie_break, seed=scenario.seed)
    return candidates, ballots, kwargs, scenario.budget


def run_task(candidates, ballots, kwargs, draws: int, seed_words) -> dict[str, int]:
    """One task: with ``draws`` 0 the selection on all ballots (1 per funded actie), else that many
    bootstrap draws (how often each actie is funded). Runs in a worker: module-level, picklable."""
    import numpy as np

    from werkboek.scenarios.robustness import _Merger
    from werkboek.scenarios.selection import select

    if draws == 0:
        return {a: 1 for a in select(candidates, ballots, ties=False, **kwargs).chosen}
    rng = np.random.default_rng(list(seed_words))
    n = len(ballots)
    merger = _Merger(ballots)
    funded: dict[str, int] = {}
    for _ in range(draws):
        counts = rng.multinomial(n, [1 / n] * n)
        for a in select(candidates, merger.merge(counts), ties=False, **kwargs).chosen:
            funded[a] = funded.get(a, 0) + 1
    return funded


@contextlib.contextmanager
def executor(scheduler: str | None = None, workers: int | None = None, client=None):
    """Where the tasks run: a Dask cluster (``scheduler`` address, or a ``distributed.Client``), else
    a local process pool ('spawn', ``workers`` processes). Either way a ``concurrent.futures`` executor."""
    if client is not None:
        yield client.get_executor()
    elif scheduler:
        from distributed import Client

        try:
            dask_client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise ScenarioError(f"geen Dask-scheduler bereikbaar op {scheduler}: {exc}") from None
        with dask_client:
            yield dask_client.get_executor()
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield pool


def run_sweep(sweep: Sweep, catalogue=None, *, scheduler: str | None = None, workers: int | None = None,
              client=None, progress: bool = True):
    """Run every cell of a sweep; the tidy table (pandas DataFrame, :data:`COLUMNS`)."""
    import pandas as pd
    from tqdm import tqdm

    from werkboek.scenarios.inputs import load_input

    if catalogue is None:
        from werkboek.model.catalogue import catalogue as default_catalogue

        catalogue = default_catalogue()
    loaded: dict = {}
    prepared = []
    for cell in sweep.cells:
        s = cell.scenario
        key = (s.pb_file, tuple(s.workshops), s.database_url)
        if key not in loaded:
            try:
                loaded[key] = load_input(s, catalogue)
            except DataError as exc:
                raise ScenarioError(str(exc)) from None
        prepared.append(cell_inputs(s, loaded[key], catalogue))
    chunks = [min(sweep.chunk, sweep.bootstrap - start) for start in range(0, sweep.bootstrap, sweep.chunk)]
    funded: dict[int, dict[str, int]] = {i: {} for i in range(len(sweep.cells))}
    drawn: dict[int, dict[str, int]] = {i: {} for i in range(len(sweep.cells))}
    with executor(scheduler, workers, client) as pool:
        futures = {}
        for i, (candidates, ballots, kwargs, _) in enumerate(prepared):
            futures[pool.submit(run_task, candidates, ballots, kwargs, 0, ())] = (i, None)
            if ballots:
                for c, n in enumerate(chunks):
                    futures[pool.submit(run_task, candidates, ballots, kwargs, n, (sweep.bootstrap_seed, c))] = (i, c)
        with tqdm(total=len(futures), desc="Sweep", unit="taak", disable=not progress) as bar:
            for future in as_completed(futures):
                i, c = futures[future]
                target = funded[i] if c is None else drawn[i]
                for a, k in future.result().items():
                    target[a] = target.get(a, 0) + k
                bar.update(1)
    rows = []
    for i, (cell, (candidates, ballots, kwargs, budget)) in enumerate(zip(sweep.cells, prepared)):
        resamples = sweep.bootstrap if ballots else 0
        for a, cand in candidates.items():
            rows.append({
                "rule": cell.rule, "budget": cell.budget, "budget_total": budget, "weighting": cell.weighting, "actie": a, "titel": cand.titel,
                "leefgebied": cand.leefgebied, "kosten": float(cand.cost_within(kwargs["years"])),
                "funded": bool(funded[i].get(a)),
                "share": drawn[i].get(a, 0) / resamples if resamples else math.nan, "resamples": resamples})
    return pd.DataFrame(rows, columns=COLUMNS)
