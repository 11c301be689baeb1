"""``werkboek indicators``: import CBS Kerncijfers wijken en buurten, list what is imported."""

from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("indicators", help="kerncijfers (CBS) importeren of tonen")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTIE")
    imp = actions.add_parser("import", help="een kwb-JJJJ- of StatLine-bestand (CSV of XLSX) importeren")
    imp.add_argument("file", type=Path)
    imp.add_argument("--year", type=int, help="jaar van de cijfers (standaard: uit de bestandsnaam)")
    imp.add_argument("--source", help="bronvermelding (standaard: CBS Kerncijfers wijken en buurten)")
    imp.set_defaults(run=run_import)
    lst = actions.add_parser("list", help="geïmporteerde jaren tonen")
    lst.set_defaults(run=run_list)


def run_import(args) -> int:
    from werkboek.formats.kerncijfers import import_kerncijfers
    from werkboek.store.indicator_files import save

    table = import_kerncijfers(args.file, year=args.year, source=args.source)
    path = save(table)
    national = " en Nederland (ter vergelijking)" if table.nederland is not None else " (zonder landelijke rij)"
    print(f"{table.label()}: {len(table.data)} gebieden{national} geïmporteerd naar {path}")
    return 0


def run_list(args) -> int:
    from werkboek.store.indicator_files import available, load

    years = available()
    if not years:
        print("Nog geen kerncijfers geïmporteerd. Gebruik: werkboek indicators import kwb-2024.csv")
    for year in years:
        print(load(year=year).label())
    return 0
