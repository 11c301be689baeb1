"""``werkboek cluster``: several residents' servers behind nginx, for a big evening.

Starts ``--servers`` standalone Voilà servers on loopback, nginx in front of them on
``--ip:--port`` (each phone stays on one server by a cookie), and the facilitators'
console on localhost, all sharing one database. Stops everything on Ctrl-C or SIGTERM.

    werkboek cluster --servers 2 --port 8866 --database-url postgresql+psycopg://werkboek@db/werkboek

See docs/scaling.md.
"""

from __future__ import annotations

import signal
import sys
import time


def add_parser(sub) -> None:
    p = sub.add_parser("cluster", help="meerdere servers voor bewoners achter nginx (grote bijeenkomst)")
    p.add_argument("--servers", type=int, default=2, help="aantal servers voor bewoners (standaard 2)")
    p.add_argument("--port", type=int, default=8866, help="poort van nginx voor bewoners (standaard 8866)")
    p.add_argument("--ip", default="0.0.0.0", help="adres van nginx (standaard: alle netwerken)")
    p.add_argument("--pool-size", type=int, default=4, help="voorverwarmde kernels per server (standaard 4)")
    p.add_argument("--cull-idle", type=int, default=900,
                   help="seconden waarna de kernel van een vertrokken bewoner stopt (standaard 900)")
    p.add_argument("--database-url", help="SQLAlchemy-URL; PostgreSQL aangeraden "
                                          "(standaard: WERKBOEK_DATABASE_URL of SQLite in var/)")
    p.add_argument("--console-port", type=int, default=8867, help="poort van de console (standaard 8867)")
    p.add_argument("--no-console", action="store_true", help="geen console voor begeleiders starten")
    p.add_argument("--no-qr", action="store_true", help="geen QR-code in de terminal tekenen")
    p.set_defaults(run=run)


def run(args) -> int:
    from sqlalchemy.engine import make_url

    from werkboek import settings as config
    from werkboek.errors import WerkboekError
    from werkboek.network import lan_ip, resident_url
    from werkboek.outputs.codesheet import terminal_qr
    from werkboek.serving.cluster import find_nginx, running_cluster
    from werkboek.serving.console import start_console, stop_console

    if args.servers < 1:
        raise WerkboekError("--servers moet 1 of meer zijn.")
    if find_nginx() is None:
        raise WerkboekError("nginx is niet geïnstalleerd (apt-get install nginx-light). "
                            "Zonder nginx: gebruik 'werkboek workshop'.")
    url = args.database_url or config.database_url()
    home = config.private_directory(config.home_dir())
    logs = config.private_directory(home / "logs")
    if make_url(url).get_backend_name() == "sqlite":
        print("Let op: de servers delen nu een SQLite-bestand. Dat werkt op deze ene computer, "
              "maar voor meerdere servers raden we PostgreSQL aan (--database-url postgresql+psycopg://…).\n"
              "Note: SQLite works for servers on one machine; PostgreSQL is recommended.", file=sys.stderr)

    public_host = lan_ip() if args.ip in ("0.0.0.0", "") else args.ip
    residents_url = resident_url(public_host, args.port)
    common = {"WERKBOEK_DATABASE_URL": url, "WERKBOEK_HOME": str(home), config.RESIDENT_URL_ENV: residents_url}

    def _sigterm(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _sigterm)
    started = time.monotonic()
    console = None
    try:
        with running_cluster(args.servers, args.pool_size, database_url=url, home=home, port=args.port,
                             ip=args.ip, cull_idle_seconds=args.cull_idle, workdir=home / "cluster",
                             env_extra=common) as cluster:
            if not args.no_console:
                console = start_console(args.console_port, directory=home / "console",
                                        log_path=logs / "console.log", env_extra=common)
            _announce(residents_url, cluster, console.address if console else None, url, time.monotonic() - started,
                      None if args.no_qr else terminal_qr(residents_url))
            return _watch(cluster, console)
    except KeyboardInterrupt:
        print("\nWerkboek stopt…", flush=True)
        return 0
    except (RuntimeError, TimeoutError, OSError) as exc:  # a busy port, a server that would not start
        raise WerkboekError(f"het cluster start niet: {exc}") from exc
    finally:
        if console is not None:
            stop_console(console)


def _watch(cluster, console) -> int:
    """Until Ctrl-C: stop everything (exit 1) when any server or nginx stops by itself."""
    while True:
        for name, server in zip(cluster.names, cluster.servers):
            if server.process.poll() is not None:
                print(f"Server {name} voor bewoners is gestopt (code {server.process.returncode}); "
                      f"zie {server.log_path}", file=sys.stderr, flush=True)
                return 1
        if cluster.nginx.poll() is not None:
            print(f"nginx is gestopt; zie {cluster.workdir / 'error.log'}", file=sys.stderr, flush=True)
            return 1
        if console is not None and console.process.poll() is not None:
            print(f"De console is gestopt; zie {console.log_path}", file=sys.stderr, flush=True)
            return 1
        time.sleep(0.5)


def _announce(residents_url: str, cluster, console, database_url: str, elapsed: float, qr: str | None) -> None:
    from werkboek.cli.announce import announce, shown_database

    lines = [
        f"Werkboek Heerlen-Noord: {len(cluster.servers)} server{'s' if len(cluster.servers) != 1 else ''} "
        "voor bewoners achter nginx.",
        f"  Bewoners (telefoon):    {residents_url}",
    ]
    lines += [f"    server {name}:           {server.url} (alleen op deze computer)"
              for name, server in zip(cluster.names, cluster.servers)]
    if console is not None:
        lines += [f"  Begeleider (console):   {console.console_url}",
                  f"  Beamer (live uitslag):  {console.dashboard_url()}"]
    lines += [
        f"  Database:               {shown_database(database_url)}",
        f"  nginx-instellingen:     {cluster.workdir / 'nginx.conf'}",
        f"  Klaar na {elapsed:.1f} s. Stoppen: Ctrl-C.",
    ]
    announce(lines, qr)
