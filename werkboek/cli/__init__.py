"""The ``werkboek`` command: one sub-command module per task, registered below.

Errors meant for people (:class:`werkboek.errors.WerkboekError`) are printed as a message
and exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from werkboek.errors import WerkboekError

# name -> module in this package that provides add_parser(subparsers)
COMMANDS = {
    "workshop": "workshop",
    "db": "db",
    "data": "data",
    "indicators": "indicators",
    "scenarios": "scenarios",
    "cluster": "cluster",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="werkboek", description="Werkboek Heerlen-Noord: workshops, stemmen en scenario's."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise
            continue  # a command still being built
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    import os

    from werkboek.settings import PRIVATE_UMASK

    os.umask(PRIVATE_UMASK)  # every file we (and the servers we start) write is this user's only
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except WerkboekError as exc:
        print(f"werkboek: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
