"""``werkboek scenarios``: run scenarios in a batch, sweep a grid, compare them, export ballots for pabulib."""

from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("scenarios", help="scenario's doorrekenen en vergelijken")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTIE")

    run_p = actions.add_parser("run", help="scenario's uitrekenen met papermill")
    run_p.add_argument("paths", nargs="+", type=Path, help="scenario-bestanden (.yaml) of mappen")
    run_p.add_argument("--workers", type=int, default=1, help="aantal scenario's tegelijk (standaard 1)")
    run_p.add_argument("--force", action="store_true", help="ook scenario's die al klaar zijn opnieuw doen")
    run_p.add_argument("--results", type=Path, help="map voor de resultaten (standaard $WERKBOEK_HOME/results)")
    run_p.add_argument("--quiet", action="store_true", help="geen voortgangsbalk")
    run_p.add_argument("--cold", action="store_true",
                       help="elk scenario in een eigen, nieuwe kernel (trager; standaard houdt elke worker één kernel warm)")
    run_p.set_defaults(run=run_batch)

    sweep_p = actions.add_parser("sweep", help="één selectie over regels × budgetten × wegingen (met trekkingen), "
                                               "lokaal of op een Dask-cluster")
    sweep_p.add_argument("spec", type=Path, help="het sweep-bestand (.yaml; zie docs/sweeps.md)")
    sweep_p.add_argument("--scheduler", help="adres van een Dask-scheduler (bv. tcp://host:8786); zonder: lokale processen")
    sweep_p.add_argument("--workers", type=int, help="aantal lokale processen (standaard: het aantal kernen)")
    sweep_p.add_argument("--out", type=Path, default=Path("sweep.csv"), help="de tabel (.csv; standaard sweep.csv)")
    sweep_p.add_argument("--quiet", action="store_true", help="geen voortgangsbalk")
    sweep_p.set_defaults(run=run_sweep)

    cmp_p = actions.add_parser("compare", help="scenario's naast elkaar zetten (HTML-rapport)")
    cmp_p.add_argument("results", nargs="?", type=Path, help="map met resultaten (standaard $WERKBOEK_HOME/results)")
    cmp_p.add_argument("--output", type=Path, help="HTML-bestand (standaard vergelijking.html in de map)")
    cmp_p.set_defaults(run=run_compare)

    pb_p = actions.add_parser("export-pb", help="de stemmen van een workshop als pabulib-bestand (.pb)")
    pb_p.add_argument("workshop", type=int, help="nummer van de workshop")
    pb_p.add_argument("output", type=Path, help="het .pb-bestand")
    pb_p.add_argument("--budget", type=int, help="budget in euro (standaard: de kosten van alle acties)")
    pb_p.add_argument("--exact", action="store_true",
                      help="echte stembiljetnummers en elke buurt, ook kleine (alleen voor analyse; niet publiceren)")
    pb_p.set_defaults(run=run_export)

    demo_p = actions.add_parser("demo", help="een voorbeeld-workshop met verzonnen stemmen maken")
    demo_p.add_argument("--ballots", type=int, default=120, help="aantal stembiljetten (standaard 120)")
    demo_p.set_defaults(run=run_demo)


def run_batch(args) -> int:
    from werkboek.errors import ScenarioError
    from werkboek.scenarios.batch import DONE, FAILED, SKIPPED
    from werkboek.scenarios.batch import run_batch as batch

    if args.workers < 1:
        raise ScenarioError("--workers moet 1 of meer zijn")
    results = batch(args.paths, args.results, workers=args.workers, force=args.force, progress=not args.quiet,
                    warm=not args.cold)
    for r in results:
        line = f"{r.status:12} {r.name}  →  {r.out_dir}"
        if r.status == DONE:
            t = r.timings
            line += (f"  ({t['total']:.1f} s: kernel {t['kernel']:.1f}, laden {t['setup']:.1f}, "
                     f"rekenen {t['compute']:.1f}, rapport {t['report']:.1f})")
        print(line)
        if r.status == FAILED:
            print("             " + r.message.replace("\n", "\n             "))
    counts = {s: sum(r.status == s for r in results) for s in (DONE, SKIPPED, FAILED)}
    print(f"Klaar: {counts[DONE]}, overgeslagen: {counts[SKIPPED]}, mislukt: {counts[FAILED]}.")
    return 1 if counts[FAILED] else 0


def run_sweep(args) -> int:
    from werkboek.errors import ScenarioError
    from werkboek.scenarios.sweep import load_sweep
    from werkboek.scenarios.sweep import run_sweep as sweep

    if args.workers is not None and args.workers < 1:
        raise ScenarioError("--workers moet 1 of meer zijn")
    spec = load_sweep(args.spec)
    table = sweep(spec, scheduler=args.scheduler, workers=args.workers, progress=not args.quiet)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)
    where = f"Dask ({args.scheduler})" if args.scheduler else "lokale processen"
    print(f"Sweep '{spec.name}': {len(spec.cells)} cellen × {spec.bootstrap} trekkingen op {where}; "
          f"{len(table)} rijen in {args.out}")
    return 0


def run_compare(args) -> int:
    from werkboek.scenarios.compare import run_compare as compare

    path = compare(args.results, args.output)
    print(f"Vergelijking: {path}")
    return 0


def run_export(args) -> int:
    from werkboek.formats.pabulib import export_workshop
    from werkboek.model.catalogue import catalogue
    from werkboek.store import Store

    store = Store()
    try:
        path = export_workshop(store, args.workshop, args.output, catalogue(), args.budget, exact=args.exact)
    finally:
        store.close()
    print(f"Pabulib-bestand: {path}")
    return 0


def run_demo(args) -> int:
    from werkboek.demo.scenarios import seed_demo_workshop
    from werkboek.model.catalogue import catalogue
    from werkboek.store import Store

    store = Store()
    try:
        wid = seed_demo_workshop(store, catalogue(), ballots=args.ballots)
    finally:
        store.close()
    print(f"Voorbeeld-workshop {wid} gemaakt met {args.ballots} verzonnen stembiljetten. "
          f"Gebruik 'workshops: [{wid}]' in een scenario.")
    return 0
