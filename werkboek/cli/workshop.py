"""``werkboek workshop``: start a workshop evening on this laptop.

Starts two standalone Voilà servers and the store service, and watches them until Ctrl-C:

* the residents' ballot (``notebooks/stemmen.ipynb`` only), reachable from phones on the
  local network, with a preheated kernel pool and our template;
* the facilitators' console and projector dashboard, on localhost (or with a token when
  exposed);
* the store service (:mod:`werkboek.store_service`), through which the residents' kernels reach the
  database; restarted at once should it ever stop (kernels retry for a few seconds).

It prints both addresses and a QR code for the residents, and stops both servers (and
their kernels) cleanly on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

CULL_IDLE_SECONDS = 180  # = werkboek.serving.residents.CULL_IDLE_SECONDS (not imported: keeps `werkboek --help` fast)
CULL_CONNECTED_SECONDS = 1200
# What one more resident kernel costs: its USS with the map open (~68 MB, benchmarks/bench_ballot.py),
# rounded up. RSS (~90 MB) would count the shared library pages again for every kernel.
KERNEL_MB = 70
MAX_KERNELS_CAP = 400


def default_max_kernels(available_bytes: int | None = None) -> int:
    """How many resident kernels fit: 60 % of the memory free now, at ~70 MB each (10 … 400).

    The rest stays for the facilitators' console, the database and the operating system.
    """
    if available_bytes is None:
        import psutil

        available_bytes = psutil.virtual_memory().available
    return max(10, min(MAX_KERNELS_CAP, int(available_bytes * 0.6 / (KERNEL_MB * 2**20))))


def add_parser(sub) -> None:
    p = sub.add_parser("workshop", help="de workshop starten: stemmen voor bewoners en de console voor begeleiders")
    p.add_argument("--port", type=int, default=8866, help="poort voor bewoners (standaard 8866)")
    p.add_argument("--ip", default="0.0.0.0", help="adres voor bewoners (standaard: alle netwerken)")
    p.add_argument("--console-port", type=int, default=8867, help="poort van de console (standaard 8867)")
    p.add_argument("--console-ip", default="127.0.0.1",
                   help="adres van de console (standaard alleen deze laptop; anders met token)")
    p.add_argument("--token", help="token voor de console als die op het netwerk staat (standaard: willekeurig)")
    p.add_argument("--pool-size", type=int, default=4,
                   help="aantal voorverwarmde kernels voor bewoners (voor een grote zaal: zoveel als er tegelijk binnenkomen)")
    p.add_argument("--pool-fill-delay", type=float, default=5.0,
                   help="seconden voordat een gebruikte voorverwarmde kernel wordt vervangen (grote zaal: 600)")
    p.add_argument("--cull-idle", type=int, default=CULL_IDLE_SECONDS,
                   help=f"seconden waarna de kernel van een vertrokken bewoner stopt (standaard {CULL_IDLE_SECONDS})")
    p.add_argument("--cull-connected", type=int, default=CULL_CONNECTED_SECONDS,
                   help="seconden zonder klik waarna ook een open pagina haar kernel verliest; de tussenstand "
                        f"blijft bewaard (standaard {CULL_CONNECTED_SECONDS}; 0: nooit)")
    p.add_argument("--max-kernels", type=int, default=None,
                   help="hoogstens zoveel bewoners tegelijk; daarna ziet men 'Even geduld' "
                        "(standaard: wat in het vrije geheugen past, 0: geen grens)")
    p.add_argument("--kernels-per-address", type=int, default=12,
                   help="hoogstens zoveel stembiljetten tegelijk (en nieuw per minuut) vanaf één adres "
                        "(standaard 12; 0: geen grens, bijv. als de hele zaal via één NAT-adres binnenkomt)")
    p.add_argument("--kernels-per-browser", type=int, default=3,
                   help="hoogstens zoveel stembiljetten tegelijk in één browser (standaard 3)")
    p.add_argument("--kernel-memory-mb", type=int, default=400,
                   help="geheugengrens per stembiljet-kernel in MB (standaard 400; 0: geen)")
    p.add_argument("--database-url", help="SQLAlchemy-URL (standaard: WERKBOEK_DATABASE_URL of SQLite in var/)")
    p.add_argument("--demo", action="store_true", help="een demo-bijeenkomst met stemmen aanmaken")
    p.add_argument("--no-qr", action="store_true", help="geen QR-code in de terminal tekenen")
    p.set_defaults(run=run)


def run(args) -> int:
    from werkboek import settings as config
    from werkboek.demo.workshop import seed_demo
    from werkboek.outputs.codesheet import terminal_qr
    from werkboek.serving.console import console_server_command, wait_until_listening
    from werkboek.serving.network import lan_ip, resident_url
    from werkboek.serving.residents import ResidentServer, resident_server_command, stop, wait_until_ready
    from werkboek.store import Store
    from werkboek.store_service.process import start_store_service, stop_store_service

    url = args.database_url or config.database_url()
    home = config.private_directory(config.home_dir())
    logs = config.private_directory(home / "logs")
    for log in logs.glob("*.log"):
        config.private_file(log)
    started = time.monotonic()
    store = Store(url)  # creates or migrates the schema once, before any kernel starts
    if args.demo:
        seed_demo(store)
    store.close()

    public_host = lan_ip() if args.ip in ("0.0.0.0", "") else args.ip
    residents_url = resident_url(public_host, args.port)
    common = {"WERKBOEK_DATABASE_URL": url, "WERKBOEK_HOME": str(home), "WERKBOEK_RESIDENT_URL": residents_url}

    max_kernels = default_max_kernels() if args.max_kernels is None else args.max_kernels
    bus = start_store_service(url, log_path=logs / "store-service.log")
    argv, env = resident_server_command(args.port, args.ip, args.pool_size, jupyter_dir=home / "jupyter",
                                        database_url=url, home=home, cull_idle_seconds=args.cull_idle,
                                        cull_connected_seconds=args.cull_connected, max_kernels=max_kernels,
                                        pool_fill_delay=args.pool_fill_delay, store_service_socket=bus.socket_path,
                                        kernels_per_address=args.kernels_per_address,
                                        kernels_per_browser=args.kernels_per_browser,
                                        kernel_memory_mb=args.kernel_memory_mb)
    env.update(common)
    resident = _spawn(argv, env, logs / "bewoners.log")
    c_argv, c_env, console = console_server_command(args.console_port, args.console_ip, args.token,
                                                    directory=home / "console", env_extra=common)
    console_proc = _spawn(c_argv, c_env, logs / "console.log")
    servers = [ResidentServer(resident, args.port, args.ip, logs / "bewoners.log"),
               ResidentServer(console_proc, args.console_port, args.console_ip, logs / "console.log")]

    stopping = False

    def _stop(_signum=None, _frame=None):
        nonlocal stopping
        if not stopping:
            stopping = True
            print("\nWerkboek stopt…", flush=True)
            for server in servers:
                stop(server)
            stop_store_service(bus)  # last: what the kernels sent is answered first

    signal.signal(signal.SIGTERM, _stop)
    try:
        wait_until_ready(servers[0], timeout=90)
        wait_until_listening(console.console_url.replace("voila/render/facilitator.ipynb", "voila/tree"),
                             console_proc, timeout=90)
        elapsed = time.monotonic() - started
        _announce(residents_url, console, url, elapsed, None if args.no_qr else terminal_qr(residents_url))
        while not stopping:
            for server, name in zip(servers, ("bewoners", "console")):
                if server.process.poll() is not None:
                    print(f"De server voor {name} is gestopt (code {server.process.returncode}); "
                          f"zie {server.log_path}", file=sys.stderr, flush=True)
                    _stop()
                    return 1
            if bus.process.poll() is not None and not stopping:
                print(f"De opslagdienst voor de stemmen is gestopt (code {bus.process.returncode}); opnieuw gestart. "
                      f"Zie {bus.log_path}", file=sys.stderr, flush=True)
                bus = start_store_service(url, socket_path=bus.socket_path, log_path=bus.log_path)  # the path kernels know
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        _stop()
    return 0


def _spawn(argv: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    from werkboek.settings import PROJECT_ROOT

    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(PROJECT_ROOT),
                                start_new_session=True)


def _announce(residents_url: str, console, database_url: str, elapsed: float, qr: str | None) -> None:
    from sqlalchemy.engine import make_url

    db = make_url(database_url).render_as_string(hide_password=True)
    lines = [
        "",
        "Werkboek Heerlen-Noord: de workshop draait.",
        f"  Bewoners (telefoon):    {residents_url}",
        f"  Begeleider (console):   {console.console_url}",
        f"  Beamer (live uitslag):  {console.dashboard_url()}",
        f"  Database:               {db}",
        f"  Klaar na {elapsed:.1f} s. Stoppen: Ctrl-C.",
    ]
    print("\n".join(lines), flush=True)
    if qr:
        print("\nBewoners kunnen deze QR-code scannen:\n" + qr, flush=True)
    print("READY", flush=True)
