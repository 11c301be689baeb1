"""Sweeps (werkboek.scenarios.sweep): the grid, the table, the same on a local pool and on Dask.

One small sweep on ``tests/scenarios/data/mes_completion.pb`` (5 acties, 10 voters): run on a
local process pool and on a ``distributed.LocalCluster`` (in this process, no network), and
checked cell by cell against ``select`` and the same draws computed here.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from werkboek.errors import ScenarioError
from werkboek.scenarios.inputs import input_from_pb
from werkboek.scenarios.selection import select
from werkboek.scenarios.sweep import cell_inputs, load_sweep, run_sweep, run_task

DATA = Path(__file__).parent / "data"
SPEC = f"""\
name: Proef
pb_file: {DATA / 'mes_completion.pb'}
rules: [support, {{rule: equal_shares, completion: greedy}}]
budgets: [60, 100]
weightings: [ballot]
bootstrap: 5
bootstrap_seed: 3
chunk: 2
"""


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def expected_table(sweep, catalogue):
    """Each cell computed here, one by one: select() on all ballots, and the draws chunk by chunk."""
    data = input_from_pb(sweep.cells[0].scenario.pb_file, catalogue)
    rows = {}
    for cell in sweep.cells:
        candidates, ballots, kwargs, _ = cell_inputs(cell.scenario, data, catalogue)
        funded = set(select(candidates, ballots, ties=False, **kwargs).chosen)
        counts: dict[str, int] = {}
        for c, start in enumerate(range(0, sweep.bootstrap, sweep.chunk)):
            n = min(sweep.chunk, sweep.bootstrap - start)
            for a, k in run_task(candidates, ballots, kwargs, n, (sweep.bootstrap_seed, c)).items():
                counts[a] = counts.get(a, 0) + k
        for a in candidates:
            rows[(cell.rule, cell.budget, a)] = (a in funded, counts.get(a, 0) / sweep.bootstrap)
    return rows


def test_a_sweep_is_the_same_on_a_local_pool_on_dask_and_cell_by_cell(spec, catalogue, dask_client):
    sweep = load_sweep(spec, catalogue)
    assert [(c.rule, c.budget, c.weighting) for c in sweep.cells] == [
        ("support", 60.0, "ballot"), ("support", 100.0, "ballot"),
        ("equal_shares (completion=greedy)", 60.0, "ballot"), ("equal_shares (completion=greedy)", 100.0, "ballot")]
    local = run_sweep(sweep, catalogue, workers=1, progress=False)
    on_dask = run_sweep(sweep, catalogue, client=dask_client, progress=False)
    assert local.equals(on_dask)
    assert len(local) == 4 * 5 and set(local["resamples"]) == {5}
    got = {(r.rule, r.budget, r.actie): (r.funded, r.share) for r in local.itertuples()}
    assert got == expected_table(sweep, catalogue)
    # the grid matters: more money funds more, and the draws are not all alike
    support = local[local.rule == "support"]
    spent = (support["kosten"] * support["funded"]).groupby(support["budget"]).sum()
    assert spent[100.0] > spent[60.0]
    assert 0 < local["share"].sum() and (local["share"] % 1 != 0).any()


def test_the_cli_sweeps_on_a_scheduler_address(spec, tmp_path, dask_client, capsys):
    import pandas as pd

    from werkboek.cli import main

    out = tmp_path / "uit" / "sweep.csv"
    code = main(["scenarios", "sweep", str(spec), "--scheduler", dask_client.scheduler.address, "--out", str(out),
                 "--quiet"])
    assert code == 0
    table = pd.read_csv(out)
    assert list(table.columns[:4]) == ["rule", "budget", "budget_total", "weighting"]
    assert len(table) == 20 and not table["share"].isna().any()
    assert "4 cellen × 5 trekkingen op Dask" in capsys.readouterr().out


def test_without_bootstrap_only_the_run_on_all_ballots(spec, catalogue, dask_client):
    spec.write_text(SPEC.replace("bootstrap: 5", "bootstrap: 0"), encoding="utf-8")
    table = run_sweep(load_sweep(spec, catalogue), catalogue, client=dask_client, progress=False)
    assert table["share"].map(math.isnan).all() and set(table["resamples"]) == {0}
    assert table["funded"].any()


@pytest.mark.parametrize("change, words", [
    (("weightings: [ballot]", "weightings: [ballot]\nkleur: rood"), "onbekende parameter(s) kleur"),
    (("rules: [support, {rule: equal_shares, completion: greedy}]", "rules: [{rule: support, completion: greedy}]"),
     "completion"),
    (("budgets: [60, 100]", "budgets: []"), "parameter 'budgets'"),
    (("chunk: 2", "chunk: 0"), "parameter 'chunk'"),
])
def test_a_bad_sweep_file_is_refused_with_words(spec, catalogue, change, words):
    spec.write_text(SPEC.replace(*change), encoding="utf-8")
    with pytest.raises(ScenarioError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_sweep(spec, catalogue)
