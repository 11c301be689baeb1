"""papermill end to end: the scenario notebook, the batch CLI with two workers, the comparison."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import pytest

from werkboek.cli import main
from werkboek.demo.scenarios import seed_demo_workshop
from werkboek.store import Store

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setting(tmp_path_factory, catalogue):
    home = tmp_path_factory.mktemp("home")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    wid = seed_demo_workshop(store, catalogue, ballots=60)
    store.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("WERKBOEK_HOME", str(home))  # inherited by the workers and their kernels
    mp.delenv("WERKBOEK_DATABASE_URL", raising=False)
    yield home, url, wid
    mp.undo()


def write_scenarios(folder: Path, url: str, wid: int) -> None:
    folder.mkdir()
    common = f"budget_per_year: 3000000\nstart_year: 2026\nend_year: 2033\nworkshops: [{wid}]\ndatabase_url: '{url}'\n"
    (folder / "mes.yaml").write_text("name: Gelijke delen <b>vet</b>\nrule: equal_shares\n" + common)
    (folder / "versnelling.yaml").write_text("name: Versnelling eerst\nrule: support\nversnelling_first: true\n"
                                             "min_share_per_leefgebied: 0.1\n" + common)
    (folder / "buurt.yaml").write_text("name: Buurt-gewogen\nweighting: buurt\nexample_indicators: true\n"
                                       "rule: support_per_euro\n" + common)
    (folder / "kapot.yaml").write_text("name: Kapot\nrule: loting\n" + common)


def test_papermill_executes_the_scenario_notebook(setting, tmp_path):
    import papermill

    home, url, wid = setting
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "scenario.ipynb"), str(tmp_path / "run.ipynb"), kernel_name="python3",
        progress_bar=False, cwd=str(ROOT),
        parameters={"name": "Notebook <script>alert(1)</script>", "budget_total": 20_000_000, "workshops": [wid],
                    "database_url": url, "rule": "equal_shares", "output_dir": str(out)},
    )
    outcome = json.loads((out / "outcome.json").read_text(encoding="utf-8"))
    assert outcome["scenario"]["rule"] == "equal_shares" and outcome["support"]["ballots"] == 60
    assert 0 < outcome["spent"] <= 20_000_000
    nb = json.loads((tmp_path / "run.ipynb").read_text(encoding="utf-8"))
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "Geld per leefgebied" in html and "<svg" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "Voorbeeldgegevens" in html or "voorbeeldgegevens" in html


def test_batch_runs_in_parallel_one_fails_and_compare(setting, tmp_path, capsys):
    home, url, wid = setting
    folder, results = tmp_path / "scenarios", tmp_path / "results"
    write_scenarios(folder, url, wid)
    assert main(["scenarios", "run", str(folder), "--workers", "2", "--results", str(results), "--quiet"]) == 1
    printed = capsys.readouterr().out
    assert "Klaar: 3, overgeslagen: 0, mislukt: 1." in printed
    assert "kapot.yaml, parameter 'rule': 'loting' is onbekend" in printed
    for name in ("mes", "versnelling", "buurt"):
        status = json.loads((results / name / "status.json").read_text(encoding="utf-8"))
        assert status["status"] == "klaar"
        assert set(status["timings"]) >= {"kernel", "setup", "compute", "report", "total"}
        for part in ("outcome.json", "report.html", "scenario.ipynb", "scenario.yaml"):
            assert (results / name / part).is_file()
    assert not (results / "kapot" / "outcome.json").exists()
    report = (results / "mes" / "report.html").read_text(encoding="utf-8")
    assert "Gelijke delen &lt;b&gt;vet&lt;/b&gt;" in report and "<b>vet</b>" not in report
    assert "scenario_for_notebook" not in report  # the report leaves the code out

    # A second run skips what is done; --force runs one again.
    assert main(["scenarios", "run", str(folder), "--results", str(results), "--quiet"]) == 1
    assert "Klaar: 0, overgeslagen: 3, mislukt: 1." in capsys.readouterr().out
    before = (results / "mes" / "outcome.json").stat().st_mtime_ns
    assert main(["scenarios", "run", str(folder / "mes.yaml"), "--results", str(results), "--quiet", "--force"]) == 0
    assert "Klaar: 1" in capsys.readouterr().out
    assert (results / "mes" / "outcome.json").stat().st_mtime_ns > before

    assert main(["scenarios", "compare", str(results)]) == 0
    html = (results / "vergelijking.html").read_text(encoding="utf-8")
    for name in ("Gelijke delen &lt;b&gt;vet&lt;/b&gt;", "Versnelling eerst", "Buurt-gewogen"):
        assert name in html
    assert "Geld per leefgebied" in html and "Wie betaalt, wie incasseert" in html and "<svg" in html
    assert "voorbeeldgegevens" in html


def test_compare_without_results_says_so(tmp_path, capsys):
    assert main(["scenarios", "compare", str(tmp_path)]) == 2
    assert "geen uitgerekende scenario's" in capsys.readouterr().err


def test_a_warm_kernel_serves_many_scenarios_with_the_outcomes_of_fresh_kernels(setting, tmp_path):
    """The warm engine (werkboek.scenarios.engine): one kernel for both scenarios, cleared in between,
    and the same outcomes as papermill's default of a kernel per notebook."""
    from werkboek.scenarios.batch import DONE, run_one
    from werkboek.scenarios.engine import WarmKernelEngine
    from werkboek.scenarios.report import _exporter, notebook_to_html

    home, url, wid = setting
    write_scenarios(tmp_path / "s", url, wid)
    names = ("versnelling", "buurt")
    before = WarmKernelEngine.kernels_started
    try:
        warm = {n: run_one(tmp_path / "s" / f"{n}.yaml", tmp_path / "warm" / n, warm=True) for n in names}
        assert WarmKernelEngine.kernels_started == before + 1  # started once, for both
        cold = {n: run_one(tmp_path / "s" / f"{n}.yaml", tmp_path / "cold" / n, warm=False) for n in names}
    finally:
        WarmKernelEngine.shutdown()
    for n in names:
        assert warm[n].status == cold[n].status == DONE, (warm[n].message, cold[n].message)
        a, b = (json.loads((tmp_path / kind / n / "outcome.json").read_text(encoding="utf-8")) for kind in ("warm", "cold"))
        for key in ("scenario", "spent", "chosen", "not_chosen", "per_leefgebied", "per_year", "support"):
            assert a[key] == b[key], (n, key)
        # the report (exported by one exporter per process on the warm path) and the notebook's outputs
        # (papermill gives the injected parameters cell a new random id on every run, cold or warm)
        html = {kind: re.sub(r'cell-id=[0-9a-f-]+', "cell-id=?", (tmp_path / kind / n / "report.html").read_text(
            encoding="utf-8")) for kind in ("warm", "cold")}
        assert f"Scenario {warm[n].name}" in html["warm"]
        assert html["warm"] == html["cold"], n
        outputs = {kind: [c.get("outputs", []) for c in json.loads(
            (tmp_path / kind / n / "scenario.ipynb").read_text(encoding="utf-8"))["cells"]] for kind in ("warm", "cold")}
        assert outputs["warm"] == outputs["cold"], n
        # a fresh exporter on the notebook as saved gives the same report as the reused one
        _exporter.cache_clear()
        fresh = notebook_to_html(tmp_path / "warm" / n / "scenario.ipynb", tmp_path / f"fresh-{n}.html",
                                 title=f"Scenario {warm[n].name}")
        assert fresh.read_text(encoding="utf-8") == (tmp_path / "warm" / n / "report.html").read_text(encoding="utf-8")
    # the second scenario did not see the first one's variables: its notebook ran from a clean namespace
    first = json.loads((tmp_path / "warm" / names[1] / "scenario.ipynb").read_text(encoding="utf-8"))
    assert not [o for c in first["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_a_warm_kernel_that_died_is_started_again_with_a_new_client(setting, tmp_path):
    """The kept client belongs to its kernel: after the kernel died, the next scenario gets a new
    kernel and a new client (not the old one's closed channels), and runs."""
    from werkboek.scenarios.batch import DONE, run_one
    from werkboek.scenarios.engine import WarmKernelEngine

    home, url, wid = setting
    write_scenarios(tmp_path / "s", url, wid)
    before = WarmKernelEngine.kernels_started
    try:
        first = run_one(tmp_path / "s" / "versnelling.yaml", tmp_path / "a", warm=True)
        km = WarmKernelEngine._km
        old_client = km.client()
        km.signal_kernel(signal.SIGKILL)
        for _ in range(100):  # until the process is gone (at most 10 s)
            if not km.is_alive():
                break
            time.sleep(0.1)
        assert not km.is_alive()
        second = run_one(tmp_path / "s" / "buurt.yaml", tmp_path / "b", warm=True)
        assert WarmKernelEngine._km is not km
        assert WarmKernelEngine._km.client() is not old_client
    finally:
        WarmKernelEngine.shutdown()
    assert first.status == second.status == DONE, (first.message, second.message)
    assert WarmKernelEngine.kernels_started == before + 2
    assert json.loads((tmp_path / "b" / "outcome.json").read_text(encoding="utf-8"))["chosen"]


def test_two_workers_give_the_files_and_the_order_of_one_worker(setting, tmp_path):
    """The batch hands scenarios out longest first (Equal Shares before the greedy rules): the
    results list, each scenario's folder and what is in it are the same as with one worker."""
    from werkboek.scenarios.batch import dispatch_order, plan, run_batch

    home, url, wid = setting
    folder = tmp_path / "s"
    write_scenarios(folder, url, wid)
    (folder / "zz-mes-greedy.yaml").write_text((folder / "mes.yaml").read_text() + "completion: greedy\n")
    files = sorted(folder.iterdir())
    order = dispatch_order(plan(files, tmp_path), list(range(len(files))))
    assert [files[i].stem for i in order][:2] == ["mes", "zz-mes-greedy"]  # not the input order
    runs = {w: run_batch([folder], tmp_path / f"r{w}", workers=w, progress=False) for w in (1, 2)}
    listed = {w: [(r.name, r.status, r.message, Path(r.source).name, Path(r.out_dir).name) for r in runs[w]]
              for w in runs}
    assert listed[1] == listed[2]
    assert [x[3] for x in listed[1]] == [f.name for f in files]  # input order
    assert [x[1] for x in listed[1]].count("klaar") == 4
    for r in runs[1]:
        one, two = Path(r.out_dir), tmp_path / "r2" / Path(r.out_dir).name
        assert sorted(p.name for p in one.iterdir()) == sorted(p.name for p in two.iterdir())
        if r.status != "klaar":
            continue
        a, b = (json.loads((d / "outcome.json").read_text(encoding="utf-8")) for d in (one, two))
        for key in ("scenario", "spent", "chosen", "not_chosen", "per_leefgebied", "per_year", "support", "ties"):
            assert a.get(key) == b.get(key), (r.name, key)
        html = [re.sub(r"cell-id=[0-9a-f-]+", "cell-id=?", (d / "report.html").read_text(encoding="utf-8"))
                for d in (one, two)]
        assert html[0] == html[1], r.name


def test_a_worker_warms_its_kernel_before_the_first_scenario_and_the_scenario_still_starts_clean(setting, tmp_path):
    """The pool initializer (batch.warm_worker): the kernel is started and has imported the scenario
    code (numba's compiled Equal Shares loaded) before the first scenario; that scenario uses the
    same kernel and meets an empty namespace (the preload's names are gone)."""
    from werkboek.scenarios.batch import DONE, run_one, warm_worker
    from werkboek.scenarios.engine import WarmKernelEngine

    home, url, wid = setting
    write_scenarios(tmp_path / "s", url, wid)
    before = WarmKernelEngine.kernels_started
    try:
        warm_worker()
        assert WarmKernelEngine.kernels_started == before + 1
        km = WarmKernelEngine._km
        result = run_one(tmp_path / "s" / "mes.yaml", tmp_path / "out" / "mes", warm=True)
        assert result.status == DONE, result.message
        assert WarmKernelEngine._km is km and WarmKernelEngine.kernels_started == before + 1
        client = km.client()
        # and the batch's own IPython profile (warm_kernel.BATCH_IPYTHON_CONFIG): no input history, no
        # debugger (ipykernel builds none when debugpy cannot be imported), no user profile
        msg_id = client.execute("import sys; print(sorted(m for m in ('numba', 'werkboek.scenarios.mes_compiled')"
                                " if m in sys.modules), [n for n in ('_c', '_e', 'gc') if n in dir()],"
                                " get_ipython().history_manager.enabled, get_ipython().kernel.debugger is None"
                                " if hasattr(get_ipython().kernel, 'debugger') else True,"
                                " sys.modules.get('debugpy', 'absent'), get_ipython().profile_dir.location)")
        text = ""
        while True:
            msg = client.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        from werkboek.scenarios.warm_kernel import batch_ipython_dir

        profile = str(batch_ipython_dir() / "profile_default")
        assert text.strip() == f"['numba', 'werkboek.scenarios.mes_compiled'] [] False True None {profile}"
    finally:
        WarmKernelEngine.shutdown()
