"""``werkboek workshop``: start a workshop evening on this laptop (:mod:`werkboek.serving.workshop`).

Only the command line, the announcement and the watch loop live here: the servers are
started, watched and stopped by :func:`werkboek.serving.workshop.running_workshop`.
"""

from __future__ import annotations

import signal
import sys
import time

from werkboek.settings import SERVING


def add_parser(sub) -> None:
    s = SERVING
    p = sub.add_parser("workshop", help="de workshop starten: stemmen voor bewoners en de console voor begeleiders")
    p.add_argument("--port", type=int, default=s.resident_port, help=f"poort voor bewoners (standaard {s.resident_port})")
    p.add_argument("--ip", default=s.resident_ip, help="adres voor bewoners (standaard: alle netwerken)")
    p.add_argument("--console-port", type=int, default=s.console_port,
                   help=f"poort van de console (standaard {s.console_port})")
    p.add_argument("--console-ip", default=s.console_ip,
                   help="adres van de console (standaard alleen deze laptop; altijd met token)")
    p.add_argument("--token", help="token voor de console (standaard: willekeurig)")
    p.add_argument("--pool-size", type=int, default=s.pool_size,
                   help="aantal voorverwarmde kernels voor bewoners (voor een grote zaal: zoveel als er tegelijk binnenkomen)")
    p.add_argument("--pool-fill-delay", type=float, default=s.pool_fill_delay,
                   help="seconden voordat een gebruikte voorverwarmde kernel wordt vervangen (grote zaal: 600)")
    p.add_argument("--cull-idle", type=int, default=s.cull_idle,
                   help=f"seconden waarna de kernel van een vertrokken bewoner stopt (standaard {s.cull_idle})")
    p.add_argument("--cull-connected", type=int, default=s.cull_connected,
                   help="seconden zonder klik waarna ook een open pagina haar kernel verliest; de tussenstand "
                        f"blijft bewaard (standaard {s.cull_connected}; 0: nooit)")
    p.add_argument("--max-kernels", type=int, default=None,
                   help="hoogstens zoveel bewoners tegelijk; daarna ziet men 'Even geduld' "
                        "(standaard: wat in het vrije geheugen past, 0: geen grens)")
    p.add_argument("--kernels-per-address", type=int, default=s.kernels_per_address,
                   help="hoogstens zoveel stembiljetten tegelijk (en nieuw per minuut) vanaf één adres "
                        f"(standaard {s.kernels_per_address}; 0: geen grens, bijv. als de hele zaal via één "
                        "NAT-adres binnenkomt)")
    p.add_argument("--kernels-per-browser", type=int, default=s.kernels_per_browser,
                   help=f"hoogstens zoveel stembiljetten tegelijk in één browser (standaard {s.kernels_per_browser})")
    p.add_argument("--kernel-memory-mb", type=int, default=s.kernel_memory_mb,
                   help=f"geheugengrens per stembiljet-kernel in MB (standaard {s.kernel_memory_mb}; 0: geen)")
    p.add_argument("--backup-minutes", type=float, default=s.backup_minutes,
                   help=f"elke zoveel minuten een gecontroleerde kopie van de stemmen in var/backups "
                        f"(standaard {s.backup_minutes:g}; 0: geen)")
    p.add_argument("--database-url", help="SQLAlchemy-URL (standaard: WERKBOEK_DATABASE_URL of SQLite in var/)")
    p.add_argument("--demo", action="store_true", help="een demo-bijeenkomst met stemmen aanmaken")
    from werkboek.model.methods import METHODS

    p.add_argument("--demo-methode", dest="demo_method", default="punten", choices=list(METHODS),
                   help="de manier van stemmen van de demo (standaard punten; begroten: met een budget)")
    p.add_argument("--no-qr", action="store_true", help="geen QR-code in de terminal tekenen")
    p.set_defaults(run=run)


def options_from(args):
    from werkboek.serving.workshop import WorkshopOptions

    return WorkshopOptions(
        port=args.port, ip=args.ip, console_port=args.console_port, console_ip=args.console_ip, token=args.token,
        pool_size=args.pool_size, pool_fill_delay=args.pool_fill_delay, cull_idle=args.cull_idle,
        cull_connected=args.cull_connected, max_kernels=args.max_kernels,
        kernels_per_address=args.kernels_per_address, kernels_per_browser=args.kernels_per_browser,
        kernel_memory_mb=args.kernel_memory_mb, backup_minutes=args.backup_minutes, database_url=args.database_url,
        demo=args.demo, demo_method=getattr(args, "demo_method", "punten"))


def run(args) -> int:
    from werkboek.outputs.codesheet import terminal_qr
    from werkboek.serving.workshop import ServerStopped, running_workshop

    def _sigterm(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _sigterm)
    started = time.monotonic()
    evening = None
    try:
        with running_workshop(options_from(args)) as evening:
            _announce(evening, time.monotonic() - started, None if args.no_qr else terminal_qr(evening.residents_url))
            while True:
                for event in evening.check():
                    print(event, file=sys.stderr, flush=True)
                time.sleep(0.5)
    except ServerStopped as exc:
        print(exc, file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nWerkboek stopt…", flush=True)
        return 0
    finally:
        for line in getattr(evening, "final_events", []):
            print(line, flush=True)


def _announce(evening, elapsed: float, qr: str | None) -> None:
    from werkboek.cli.announce import announce, shown_database

    console = evening.console.address
    named = getattr(evening, "announcement", None)  # stemmen.local (werkboek.serving.mdns)
    announce([
        "Werkboek Heerlen-Noord: de workshop draait.",
        f"  Bewoners (telefoon):    {evening.residents_url}",
        *([f"  Korte naam (briefjes): {named.url}"] if named is not None else []),
        f"  Begeleider (console):   {console.console_url}",
        f"  Beamer (live uitslag):  {console.dashboard_url()}",
        f"  Database:               {shown_database(evening.database_url)}",
        f"  Klaar na {elapsed:.1f} s. Stoppen: Ctrl-C.",
    ], qr)
