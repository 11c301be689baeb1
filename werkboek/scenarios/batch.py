"""Run many scenarios with papermill, in parallel, each into its own results folder.

papermill runs one notebook at a time, so the batch spreads scenarios over a process pool
('spawn' start method: each worker is a fresh interpreter, safe with ZeroMQ and kernels).
Per scenario, in ``<results>/<scenario>/``:

``scenario.yaml``   a copy of the scenario file as it was run
``scenario.ipynb``  the executed notebook
``outcome.json``    the machine-readable outcome (see :mod:`.outcome`)
``report.html``     the HTML report (the notebook without code)
``status.json``     how it went: status, message, timings, the file's hash

Scheduling: the scenarios go to the workers one at a time, each to whichever worker is free
(the pool's one shared queue), longest expected first (:func:`dispatch_order`: Equal Shares
and bootstraps before the greedy rules, larger budgets first), so that a long scenario does
not start last and keep one worker busy while the other idles. The results and their order
do not depend on it: each scenario writes its own folder, the list comes back in input order.

A scenario that fails is reported with its message; the others go on. A scenario whose
file has not changed since its last successful run is skipped unless ``force`` (the check
looks at the file only: after new votes or a new catalogue, run with ``force``).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from werkboek import settings as config
from werkboek.errors import DataError, ScenarioError
from werkboek.scenarios.params import slugify

NOTEBOOK = config.PROJECT_ROOT / "notebooks" / "scenario.ipynb"
DONE, SKIPPED, FAILED = "klaar", "overgeslagen", "mislukt"


@dataclass
class JobResult:
    name: str
    source: str
    out_dir: str
    status: str
    message: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds: kernel, setup, compute, report, total
    sha256: str = ""


def results_dir() -> Path:
    return config.home_dir() / "results"


def discover(paths) -> list[Path]:
    """The scenario files named, or found in the folders named (``*.yaml``, ``*.yml``), in order."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file())
        elif p.is_file():
            found.append(p)
        else:
            raise ScenarioError(f"{p}: bestand of map niet gevonden")
    unique = list(dict.fromkeys(q.resolve() for q in found))
    if not unique:
        raise ScenarioError("geen scenario-bestanden (.yaml) gevonden")
    return unique


def plan(files: list[Path], results: Path) -> list[tuple[Path, Path]]:
    """Pair each file with its own output folder (named after the file; doubles get -2, -3)."""
    taken: dict[str, int] = {}
    pairs = []
    for f in files:
        slug = slugify(f.stem)
        taken[slug] = taken.get(slug, 0) + 1
        name = slug if taken[slug] == 1 else f"{slug}-{taken[slug]}"
        pairs.append((f, results / name))
    return pairs


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_done(source: Path, out_dir: Path) -> bool:
    status = out_dir / "status.json"
    if not status.is_file() or not (out_dir / "outcome.json").is_file():
        return False
    try:
        doc = json.loads(status.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return doc.get("status") == DONE and doc.get("sha256") == _sha256(source)


# How much longer than a greedy rule a rule is expected to take (only the order matters).
_RULE_WEIGHT = {"equal_shares": 8.0, "phragmen": 2.0, "max_welfare": 2.0}


def expected_cost(source: str | Path) -> tuple[float, float]:
    """A scenario's expected run time, as a sort key: (rule weight × draws, budget). (0, 0) when unreadable."""
    from werkboek.scenarios.params import load_scenario

    try:
        scenario = load_scenario(source)
        budget = scenario.budget if (scenario.budget_total, scenario.budget_per_year) != (None, None) else 0.0
    except Exception:  # noqa: BLE001 - a broken file fails fast in its worker, with its message
        return 0.0, 0.0
    weight = _RULE_WEIGHT.get(scenario.rule, 1.0)
    if scenario.rule == "equal_shares" and scenario.rule_params.get("completion") == "greedy":
        weight = 2.0  # one run of the method, no add1
    return weight * (1 + max(0, scenario.bootstrap)), float(budget)


def dispatch_order(pairs: list[tuple[Path, Path]], todo: list[int]) -> list[int]:
    """The order in which the scenarios ``todo`` (indices into ``pairs``) are handed out: longest expected
    first; equal ones in input order."""
    cost = {i: expected_cost(pairs[i][0]) for i in todo}
    return sorted(todo, key=lambda i: cost[i], reverse=True)  # sorted is stable, also with reverse


def run_one(source: str | Path, out_dir: str | Path, notebook: str | Path = NOTEBOOK, force: bool = False,
            warm: bool = True) -> JobResult:
    """Run one scenario file through the notebook (in this process); never raises for a bad scenario.

    ``warm``: in this process's warm kernel (:mod:`.engine`: started once, cleared between
    scenarios); else in a kernel of its own, papermill's default.
    """
    import papermill

    from werkboek.model.catalogue import catalogue
    from werkboek.scenarios.engine import ENGINE
    from werkboek.scenarios.params import load_scenario
    from werkboek.scenarios.report import notebook_to_html

    source, out_dir = Path(source), Path(out_dir)
    result = JobResult(source.stem, str(source), str(out_dir), FAILED, sha256=_sha256(source))
    if not force and is_done(source, out_dir):
        result.status = SKIPPED
        result.name = json.loads((out_dir / "status.json").read_text(encoding="utf-8")).get("name", source.stem)
        return result
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "outcome.json").unlink(missing_ok=True)
    shutil.copyfile(source, out_dir / "scenario.yaml")
    try:
        scenario = load_scenario(source, catalogue())  # fail fast, before starting a kernel
        result.name = scenario.name
        if scenario.pb_file:  # a broken .pb file: every problem now, not a traceback in the notebook
            from werkboek.formats.pabulib import read_election

            read_election(scenario.pb_file)
        executed = out_dir / "scenario.ipynb"
        nb = papermill.execute_notebook(
            str(notebook), str(executed), kernel_name="python3", progress_bar=False, log_output=False,
            parameters={"scenario_file": str(source), "output_dir": str(out_dir)}, cwd=str(config.PROJECT_ROOT),
            engine_name=ENGINE if warm else None,
            request_save_on_cell_execute=False,  # the notebook is written once, at the end (not after every cell)
        )
        executed_at = time.perf_counter()
        # from the notebook papermill returns (it is what it wrote): not read back from disk
        notebook_to_html(nb, out_dir / "report.html", title=f"Scenario {scenario.name}")
        result.timings = _timings(nb, time.perf_counter() - executed_at)
        result.status = DONE
    except (ScenarioError, DataError) as exc:
        result.message = str(exc)
    except papermill.PapermillExecutionError as exc:
        result.message = exc.evalue if exc.ename == "ScenarioError" else f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # one scenario's failure must not stop the batch
        result.message = f"{type(exc).__name__}: {exc}"
    result.timings["total"] = round(time.perf_counter() - started, 3)
    (out_dir / "status.json").write_text(json.dumps(asdict(result), ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def _timings(nb, export_seconds: float) -> dict[str, float]:
    """Where a scenario's time went, from papermill's per-cell durations in the executed notebook."""
    total = nb["metadata"].get("papermill", {}).get("duration") or 0.0
    cells = {"setup": 0.0, "compute": 0.0, "report": 0.0, "other": 0.0}
    for cell in nb["cells"]:
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0
        tags = cell.get("metadata", {}).get("tags", [])
        key = next((t for t in ("setup", "compute", "report") if t in tags), "other")
        cells[key] += duration
    return {
        "kernel": round(max(0.0, total - sum(cells.values())), 3),  # start-up and shut-down of the kernel
        "setup": round(cells["setup"], 3),  # imports and the catalogue, in the kernel
        "compute": round(cells["compute"], 3),
        "report": round(cells["report"] + export_seconds, 3),  # the report cells and the HTML export
        "other": round(cells["other"], 3),
    }


def warm_worker() -> None:
    """Pool initializer: a worker's fixed start overlapped instead of one step after the other —
    its kernel starts first and imports the scenario code (:mod:`.warm_kernel`) while this process
    imports papermill, nbconvert and the catalogue. ~3.7 s a worker that 20–40 scenarios on 2
    workers did not amortise (``./run bench scenarios``)."""
    from werkboek.scenarios.warm_kernel import start_preloaded

    try:
        km, preloading = start_preloaded("python3", cwd=str(config.PROJECT_ROOT))
    except Exception:  # noqa: BLE001 - only a head start: the first scenario starts its kernel itself
        return
    import papermill  # noqa: F401

    from werkboek.model.catalogue import catalogue
    from werkboek.scenarios.engine import WarmKernelEngine
    from werkboek.scenarios.report import _exporter

    catalogue()
    _exporter()
    preloading.join()
    WarmKernelEngine.adopt(km, "python3")


def run_batch(paths, results: str | Path | None = None, *, workers: int = 1, force: bool = False,
              notebook: str | Path = NOTEBOOK, progress: bool = True, warm: bool = True,
              on_done=None) -> list[JobResult]:
    """Run every scenario named by ``paths`` (files or folders); results in input order.

    ``warm`` (default): each worker keeps one kernel for all its scenarios (:mod:`.engine`).
    ``on_done(result)``: called as each scenario finishes, in the order they finish.
    """
    from tqdm import tqdm

    results = Path(results) if results is not None else results_dir()
    pairs = plan(discover(paths), results)
    results.mkdir(parents=True, exist_ok=True)
    outcome: dict[int, JobResult] = {}
    todo = []
    for i, (src, out) in enumerate(pairs):
        if not force and is_done(src, out):  # decided here: no worker is started for it
            name = json.loads((out / "status.json").read_text(encoding="utf-8")).get("name", src.stem)
            outcome[i] = JobResult(name, str(src), str(out), SKIPPED, sha256=_sha256(src))
        else:
            todo.append(i)
    if not todo:
        return [outcome[i] for i in range(len(pairs))]
    bar = tqdm(total=len(todo), desc="Scenario's", unit="scenario", disable=not progress)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=context,
                             initializer=warm_worker if warm else None) as pool:
        # submitted longest first; a worker takes the next one from the shared queue when it is free
        futures = {pool.submit(run_one, str(pairs[i][0]), str(pairs[i][1]), str(notebook), True, warm): i
                   for i in dispatch_order(pairs, todo)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                res = future.result()
            except Exception as exc:  # a worker that died: report it as this scenario's failure
                src, out = pairs[i]
                res = JobResult(src.stem, str(src), str(out), FAILED, f"{type(exc).__name__}: {exc}")
            outcome[i] = res
            if on_done is not None:
                on_done(res)
            if res.status == FAILED:
                bar.write(f"Mislukt: {Path(res.source).name} (zie het overzicht aan het eind)")
            bar.update(1)
    bar.close()
    return [outcome[i] for i in range(len(pairs))]
