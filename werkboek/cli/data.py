"""``werkboek data check``: load and validate the whole catalogue, listing every problem."""

from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("data", help="catalogus controleren")
    parser.add_argument("action", choices=["check"])
    parser.add_argument("--data-dir", type=Path, help="map met de catalogus (standaard: data/)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from werkboek.model.catalogue import load_catalogue

    cat = load_catalogue(args.data_dir)
    per = ", ".join(f"{lg.naam.lower()} {len(cat.acties_in(lg.id))}" for lg in cat.leefgebieden.values())
    print(f"In orde: {len(cat.acties)} acties ({per}), {len(cat.partners)} partners, "
          f"{len(cat.buurten)} buurten waarvan {len(cat.heerlen_noord)} in Heerlen-Noord.")
    print(cat.attribution)
    return 0
