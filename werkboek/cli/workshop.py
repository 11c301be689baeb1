"""``werkboek workshop``: start the workshop (for now: JupyterLab on the notebooks)."""

from __future__ import annotations

import os
import subprocess
import sys

from .. import config


def add_parser(sub) -> None:
    parser = sub.add_parser("workshop", help="de workshop starten")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--demo", action="store_true", help="(nog niet gebruikt)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..store import Store

    Store()  # create or migrate the database before anything else
    env = dict(os.environ)
    return subprocess.call([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={args.port}",
                            f"--notebook-dir={config.PROJECT_ROOT / 'notebooks'}"], env=env)
