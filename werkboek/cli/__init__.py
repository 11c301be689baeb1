"""The ``werkboek`` command: one sub-command module per task, registered below.

Errors meant for people (:class:`werkboek.errors.WerkboekError`), files that cannot be read
or written and a database that fails are printed as one message with exit code 2, never as
a traceback (``tests/test_cli.py`` tries every command with bad input).
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
    "publish": "publish",
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
    except OSError as exc:  # a file that is not there, not readable, a full disk
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"werkboek: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the database, mostly: a message, not a traceback
        if type(exc).__module__.startswith("sqlalchemy"):
            print(f"werkboek: de database geeft een fout: {getattr(exc, 'orig', None) or exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
