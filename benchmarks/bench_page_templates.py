"""Benchmark: a page render with and without the shared template cache
(werkboek.serving.voila_patches.templates), on the residents' own notebook.

    .venv/bin/python benchmarks/bench_page_templates.py [--renders 20]

Voilà builds a new exporter, so a new Jinja environment, for every page it renders (each
preheated kernel's page, each page beyond the pool): without the cache each render parses and
compiles the templates again, on the server's event loop. Prints the first and the following
renders' times, in one process, and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def renders(n: int, notebook) -> list[float]:
    from nbconvert import HTMLExporter

    times = []
    for _ in range(n):
        start = time.perf_counter()
        HTMLExporter(template_name="lab", exclude_input=True).from_notebook_node(notebook)
        times.append(time.perf_counter() - start)
    return times


def main(argv=None) -> None:
    import nbformat

    from werkboek.serving.voila_patches import templates
    from werkboek.settings import PROJECT_ROOT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args(argv)
    notebook = nbformat.read(PROJECT_ROOT / "notebooks" / "stemmen.ipynb", as_version=4)
    renders(2, notebook)  # imports and nbconvert's own first-use costs, for both alike
    plain = renders(args.renders, notebook)
    templates.install()
    cached = renders(args.renders + 1, notebook)
    first, rest = cached[0], cached[1:]
    p50_plain, p50_cached = statistics.median(plain), statistics.median(rest)
    print(f"page render, {args.renders} renders each, one process (the residents' notebook, nbconvert's lab template)")
    print(f"  without the cache: p50 {1000 * p50_plain:.1f} ms, max {1000 * max(plain):.1f} ms")
    print(f"  with the cache:    first {1000 * first:.1f} ms (compiles), then p50 {1000 * p50_cached:.1f} ms, "
          f"max {1000 * max(rest):.1f} ms; {templates.CACHE.compiled} templates compiled once")
    print(f"  ratio: {p50_plain / p50_cached:.1f}x less time a render")


if __name__ == "__main__":
    main()
