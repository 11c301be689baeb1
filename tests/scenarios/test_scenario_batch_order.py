"""The batch hands scenarios out longest expected first, one at a time to whichever worker is
free, and gives the results back in input order (werkboek.scenarios.batch)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from werkboek.scenarios import batch

COMMON = "budget_per_year: {budget}\nstart_year: 2026\nend_year: 2030\nworkshops: [1]\n"
FILES = {  # name: (rule lines, budget per year)
    "a-support": ("rule: support\n", 1_000_000),
    "b-mes-klein": ("rule: equal_shares\n", 1_000_000),
    "c-kapot": ("rule: loting\n", 1_000_000),
    "d-support-groot": ("rule: support\n", 3_000_000),
    "e-mes-greedy": ("rule: equal_shares\ncompletion: greedy\n", 3_000_000),
    "f-mes-groot": ("rule: equal_shares\n", 3_000_000),
    "g-support-bootstrap": ("rule: support\nbootstrap: 50\n", 1_000_000),
    "h-phragmen": ("rule: phragmen\n", 1_000_000),
}


def write(folder: Path) -> list[Path]:
    folder.mkdir()
    for name, (rule, budget) in FILES.items():
        (folder / f"{name}.yaml").write_text(f"name: {name}\n{rule}" + COMMON.format(budget=budget), encoding="utf-8")
    return sorted(folder.iterdir())


def test_dispatch_order_is_longest_expected_first(tmp_path):
    files = write(tmp_path / "s")
    pairs = batch.plan(files, tmp_path / "r")
    order = [files[i].stem for i in batch.dispatch_order(pairs, list(range(len(files))))]
    # bootstrap 50 draws × greedy (51), Equal Shares add1 (8; larger budget first), Equal Shares with greedy
    # completion and Phragmén (2), greedy (1; larger budget first), the broken file last
    assert order == ["g-support-bootstrap", "f-mes-groot", "b-mes-klein", "e-mes-greedy", "h-phragmen",
                     "d-support-groot", "a-support", "c-kapot"]
    # only the order changes: a subset keeps its own relative order
    assert batch.dispatch_order(pairs, [0, 3]) == [3, 0]
    assert batch.dispatch_order(pairs, [0]) == [0]


def test_the_batch_dispatches_longest_first_to_free_workers_and_returns_input_order(tmp_path, monkeypatch):
    """run_batch with a stand-in for the scenario run (the real one is tested in test_scenario_batch):
    two workers, each takes the next scenario when it is free; the long ones (Equal Shares) go first,
    so they run side by side; the results come back in input order, each with its own folder."""
    files = write(tmp_path / "s")
    started: list[str] = []
    lock = threading.Lock()

    def fake_run_one(source, out_dir, notebook, force, warm):
        with lock:
            started.append(Path(source).stem)
        time.sleep(0.2 if "mes" in Path(source).stem and "greedy" not in source else 0.02)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        return batch.JobResult(Path(source).stem, str(source), str(out_dir), batch.DONE, message=threading.current_thread().name)

    monkeypatch.setattr(batch, "run_one", fake_run_one)
    monkeypatch.setattr(batch, "ProcessPoolExecutor", lambda max_workers, mp_context, initializer=None: ThreadPoolExecutor(max_workers))
    results = batch.run_batch([tmp_path / "s"], tmp_path / "r", workers=2, force=True, progress=False)
    assert [r.name for r in results] == [f.stem for f in files]  # input order
    assert [Path(r.out_dir).name for r in results] == [batch.slugify(f.stem) for f in files]
    assert started[:3] == ["g-support-bootstrap", "f-mes-groot", "b-mes-klein"]
    # both workers were used, and the short scenarios went to whichever was free
    assert len({r.message for r in results}) == 2
