"""``werkboek publish``: the public results site as static HTML, for any web server.

    werkboek publish --out site/            every closed workshop, every decision and its progress
    werkboek publish --out site/ --demo     first fill an empty database with an example programme
"""

from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("publish", help="de openbare uitslagpagina's maken (statische HTML)")
    parser.add_argument("--out", type=Path, required=True, help="de map voor de pagina's")
    parser.add_argument("--database-url", help="SQLAlchemy URL (standaard: WERKBOEK_DATABASE_URL of SQLite)")
    parser.add_argument("--demo", action="store_true",
                        help="eerst een verzonnen programma in een lege database zetten (voorbeeld)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from werkboek import settings
    from werkboek.demo.programme import is_example, seed_demo_programme
    from werkboek.errors import WerkboekError
    from werkboek.outputs.public import SiteInput, build_site, published_workshops
    from werkboek.store import Store
    from werkboek.store.programme import Programme

    store = Store(args.database_url or settings.database_url())
    try:
        programme = Programme(store)
        if args.demo:
            if store.workshops() or programme.history():
                raise WerkboekError("--demo alleen in een lege database: hier staan al bijeenkomsten of besluiten")
            seed_demo_programme(store, programme)
        workshops = store.workshops()
        shown = published_workshops(workshops)
        monitor, money = _monitor(store, programme)
        data = SiteInput(catalogue=store.catalogue, workshops=tuple(workshops),
                         ballots={w.id: store.ballots([w.id]) for w in shown}, states=programme.states(),
                         public_url=settings.public_url() or "",
                         example_data=is_example(workshops, programme.history()), monitor=monitor, money=money)
        pages = build_site(data, args.out)
    finally:
        store.close()
    print(f"{len(pages)} pagina's geschreven in {args.out} (open {args.out / 'index.html'})")
    if not settings.public_url():
        print("Tip: zet WERKBOEK_PUBLIC_URL op het adres van deze pagina's; dan staat het op de stembriefjes.")
    return 0


def _monitor(store, programme):
    """The monitor of every imported kwb year, and the money per year against the adopted scenario's phasing."""
    from werkboek.model.monitor import adopted_scenario, build_monitor, money_per_year
    from werkboek.scenarios.adopted import adopted_phasing
    from werkboek.store import indicator_files
    from werkboek.store.monitor import Monitoring

    tables = [indicator_files.load(year=y) for y in indicator_files.available()]
    monitor = build_monitor(tables, store.catalogue, Monitoring(store).targets()) if tables else None
    decisions = programme.decisions()
    planned = adopted_phasing(decisions)
    money = money_per_year(decisions, programme.timeline(), store.catalogue, planned=planned,
                           scenario=adopted_scenario(decisions) if planned is not None else "")
    return monitor, money
