"""A resident kernel's memory once the ballot has rendered: RSS, PSS and USS, before and after issue 17.

Run:  ./run bench kernel_memory     (or: .venv/bin/python benchmarks/bench_kernel_memory.py [--kernels 3] [--rounds 2])

Starts real kernels as the residents' server starts them (the residents' IPython profile,
Unix-socket transport, the store service, the same environment), runs the cells of
``notebooks/stemmen.ipynb`` in each (the ballot rendered, the link's code applied) and reads

* ``VmRSS`` from ``/proc/<pid>/status``,
* ``Pss`` and USS (``Private_Clean + Private_Dirty``) from ``/proc/<pid>/smaps_rollup``.

Several kernels run side by side, so PSS shows what sharing the library pages between
kernels is worth; USS is what each more resident really costs the laptop.

Two variants in the same run, alternating (``--rounds``):

* ``before``: the kernel as it was before issue 17: ipykernel loads its debugger (debugpy/pydevd)
  and PyYAML is imported (the catalogue parsed ``leefgebieden.yaml`` in every kernel);
* ``after``: as it is now: no debugger, the catalogue's YAML read from its JSON cache
  (prepared by the residents' server, here by the benchmark).

Target (issue 17): ≤ 50 MB RSS per kernel after the ballot renders.
``--modules``: also print which modules the ballot's cells add to a bare kernel, by top-level package.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MB = 50

# Prepended to the residents' profile for the "before" variant: harden() then lets ipykernel load
# debugpy, and PyYAML is imported as the catalogue did in every kernel (it now reads its JSON cache).
BEFORE_CONFIG = ("import werkboek.serving.resident_kernel as _rk\n_rk.keep_the_debugger_out = lambda: False\n"
                 "import yaml\n")

MODULES = "import json as _j, sys as _s; print(_j.dumps(sorted(_s.modules)))"


def smaps_mb(pid: int) -> dict[str, float]:
    """RSS (``/proc/<pid>/status``), PSS and USS (``/proc/<pid>/smaps_rollup``) in MB."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) / 1024
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
    return {"rss": rss, "pss": fields["Pss"], "uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def run_cell(client, code: str) -> str:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = client.execute_interactive(code, timeout=120, output_hook=hook)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    return "".join(out)


class ResidentKernels:
    """``count`` kernels started the way the residents' Voilà starts them; the ballot rendered in each."""

    def __init__(self, variant: str, count: int, database_url: str, socket_path: str, workdir: Path):
        self.variant, self.count, self.url, self.socket_path, self.workdir = variant, count, database_url, socket_path, workdir
        self.kernels: list = []

    def environment(self) -> dict[str, str]:
        from werkboek.serving.residents import make_ipython_dir
        from werkboek.settings import KERNEL_MEMORY_ENV, SERVING, STORE_SERVICE_ENV

        ipython = make_ipython_dir(self.workdir / f"ipython-{self.variant}")
        if self.variant == "before":
            config = ipython / "profile_default" / "ipython_kernel_config.py"
            config.write_text(BEFORE_CONFIG + config.read_text())
        return {**os.environ, "IPYTHONDIR": str(ipython), "WERKBOEK_DATABASE_URL": self.url,
                STORE_SERVICE_ENV: self.socket_path, KERNEL_MEMORY_ENV: str(SERVING.kernel_memory_mb),
                "PYTHONUNBUFFERED": "1"}

    def __enter__(self) -> "ResidentKernels":
        from jupyter_client.manager import KernelManager

        env = self.environment()
        for i in range(self.count):
            km = KernelManager(kernel_name="python3", transport="ipc", ip=str(self.workdir / f"{self.variant}-{i}"))
            km.start_kernel(cwd=str(ROOT / "notebooks"), env=env)
            client = km.client()
            client.start_channels()
            client.wait_for_ready(timeout=120)
            self.kernels.append((km, client))
        return self

    def __exit__(self, *exc) -> None:
        for km, client in self.kernels:
            client.stop_channels()
            km.shutdown_kernel(now=True)

    def render_ballots(self) -> None:
        import nbformat

        from werkboek.serving.residents import NOTEBOOK

        cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
        for _km, client in self.kernels:
            for source in cells:
                run_cell(client, source)

    def modules(self) -> list[str]:
        return json.loads(run_cell(self.kernels[0][1], MODULES))

    def memory(self) -> list[dict[str, float]]:
        time.sleep(1.0)  # let the kernels settle (iopub flushed, no message in flight)
        return [smaps_mb(km.provisioner.process.pid) for km, _client in self.kernels]


def measure(variant: str, count: int, url: str, socket_path: str, workdir: Path, show_modules: bool) -> list[dict]:
    with ResidentKernels(variant, count, url, socket_path, workdir) as kernels:
        bare_modules = kernels.modules() if show_modules else []
        kernels.render_ballots()
        figures = kernels.memory()
        if show_modules:
            added = sorted(set(kernels.modules()) - set(bare_modules))
            by_package = Counter(name.split(".")[0] for name in added)
            print(f"  [{variant}] the ballot's cells add {len(added)} modules: "
                  + ", ".join(f"{k} {v}" for k, v in by_package.most_common()))
            loaded = kernels.modules()
            print(f"  [{variant}] {len(loaded)} modules after the ballot rendered; debugpy/pydevd loaded: "
                  f"{sum(1 for m in loaded if m.split('.')[0] in ('_pydevd_bundle', 'pydevd', '_pydev_bundle'))}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=int, default=3, help="kernels side by side per variant")
    parser.add_argument("--rounds", type=int, default=2, help="before/after measured this many times, alternating")
    parser.add_argument("--modules", action="store_true", help="also list the modules the ballot adds")
    args = parser.parse_args()

    from werkboek.store import Store
    from werkboek.store_service.process import start_store_service, stop_store_service

    workdir = Path(tempfile.mkdtemp(prefix="bench-kernel-memory-"))
    url = f"sqlite:///{workdir / 'werkboek.sqlite'}"
    Store(url).close()
    from werkboek.serving.residents import prepare_kernel_caches

    prepare_kernel_caches(dict(os.environ))  # as the residents' server does before it starts
    service = start_store_service(url, log_path=workdir / "store-service.log")
    results: dict[str, list[dict]] = {"before": [], "after": []}
    try:
        for _ in range(args.rounds):
            for variant in ("before", "after"):
                results[variant] += measure(variant, args.kernels, url, service.socket_path, workdir, args.modules)
    finally:
        stop_store_service(service)

    print(f"resident kernel after the ballot rendered, median of {args.rounds} x {args.kernels} kernels "
          f"({args.kernels} side by side); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    medians = {}
    for variant, figures in results.items():
        medians[variant] = {key: statistics.median(f[key] for f in figures) for key in ("rss", "pss", "uss")}
        m = medians[variant]
        print(f"  {variant:<7} RSS {m['rss']:5.1f} MB  PSS {m['pss']:5.1f} MB  USS {m['uss']:5.1f} MB "
              f"(RSS min {min(f['rss'] for f in figures):.1f}, max {max(f['rss'] for f in figures):.1f})")
    before, after = medians["before"], medians["after"]
    print("  after/before: " + ", ".join(f"{key.upper()} {after[key] / before[key]:.2f}" for key in ("rss", "pss", "uss"))
          + f"; saved per kernel: RSS {before['rss'] - after['rss']:.1f} MB, USS {before['uss'] - after['uss']:.1f} MB"
          + f" (x 250 kernels: {(before['uss'] - after['uss']) * 250 / 1024:.1f} GB)")
    met = after["rss"] <= TARGET_MB
    print(f"  target <= {TARGET_MB} MB RSS: {'met' if met else 'NOT met'} (ratio {after['rss'] / TARGET_MB:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
