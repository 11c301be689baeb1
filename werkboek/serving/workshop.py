"""A workshop evening on this laptop: the store service, the residents' server and the console, watched.

    with running_workshop(WorkshopOptions(pool_size=4)) as evening:
        print(evening.residents_url, evening.console.address.console_url)
        while True:
            for event in evening.check():   # restarts what stopped, makes copies, says what happened
                print(event)
            time.sleep(0.5)

:func:`running_workshop` first makes sure the evening can start: one evening per
``WERKBOEK_HOME`` (a lock), what an earlier run left running is stopped, the catalogue loads
(a broken ``data/`` stops the start with the file, row and field — it never starts anyway),
the ports are free, the schema is up to date. Then it starts the store service
(:mod:`werkboek.store_service`), the residents' server (:mod:`.residents`) and the console
(:mod:`.console`), waits until they answer, and stops all of them — kernels included — when
the block ends, with a last copy of the votes.

:meth:`RunningWorkshop.check` is one round of the supervisor:

* a store service, residents' server or console that stopped is started again on the same
  socket or port (a residents' server that keeps stopping — 5 times in 5 minutes — ends the
  evening with :class:`ServerStopped`); every process dies with the supervisor
  (:func:`werkboek.serving.process.spawn`);
* every :data:`HEALTH_SECONDS` it writes ``<home>/run/health.json`` for the console's
  "Stand van zaken" tab (servers up, restarts, kernels, memory, disk, last copy) and warns in
  the terminal when the disk gets full or the store service could not store something;
* every ``backup_minutes`` a checked copy of the votes goes to ``<home>/backups``
  (:mod:`werkboek.store.backup`), when something came in since the last one.

``werkboek workshop`` is this plus its command line (:mod:`werkboek.cli.workshop`);
``running_cluster`` (:mod:`.cluster`) is its sibling for several residents' servers behind nginx.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from werkboek import settings
from werkboek.errors import WerkboekError
from werkboek.serving.console import ConsoleServer, start_console, stop_console
from werkboek.serving.process import HomeLock, ProcessRecord, descendants, port_in_use, stop_leftovers
from werkboek.serving.residents import ResidentServer, start_resident_server, stop, wait_until_ready
from werkboek.settings import SERVING

HEALTH_SECONDS = 5.0
RESTART_WINDOW_SECONDS = 300.0
MAX_RESTARTS = 5  # in the window: a server that keeps stopping has a reason the supervisor cannot fix
DISK_LOW_MB = 500  # warn when less is free on the disk of WERKBOEK_HOME
DISK_CRITICAL_MB = 100


class ServerStopped(WerkboekError):
    """A server keeps stopping by itself; the evening cannot go on unattended."""


@dataclass(frozen=True)
class WorkshopOptions:
    port: int = SERVING.resident_port
    ip: str = SERVING.resident_ip
    console_port: int = SERVING.console_port
    console_ip: str = SERVING.console_ip
    token: str | None = None  # the console's token (a new random one when None)
    pool_size: int = SERVING.pool_size
    pool_fill_delay: float = SERVING.pool_fill_delay
    cull_idle: int = SERVING.cull_idle
    cull_connected: int = SERVING.cull_connected
    max_kernels: int | None = None  # None: what fits in the free memory (settings.default_max_kernels)
    kernels_per_address: int = SERVING.kernels_per_address
    kernels_per_browser: int = SERVING.kernels_per_browser
    kernel_memory_mb: int = SERVING.kernel_memory_mb
    backup_minutes: float = SERVING.backup_minutes  # 0: no copies during the evening
    database_url: str | None = None  # None: settings.database_url()
    home: Path | None = None  # None: settings.home_dir()
    demo: bool = False  # add the demo workshop with invented votes
    demo_method: str = "punten"  # its voting method (werkboek.model.methods)
    mdns_name: str | None = "stemmen"  # announced as stemmen.local on the network (None: not announced)
    timeout: float = SERVING.ready_timeout


@dataclass
class Restarts:
    times: list[float] = field(default_factory=list)

    def note(self) -> int:
        now = time.monotonic()
        self.times = [t for t in self.times if now - t < RESTART_WINDOW_SECONDS] + [now]
        return len(self.times)

    @property
    def total(self) -> int:
        return len(self.times)


class RunningWorkshop:
    """The evening's processes and their supervisor (see the module docstring)."""

    def __init__(self, options: WorkshopOptions, *, url: str, home: Path, residents_url: str, env: dict,
                 max_kernels: int, record: ProcessRecord):
        self.options = options
        self.database_url = url
        self.home = home
        self.logs = home / "logs"
        self.residents_url = residents_url
        self.env = env
        self.max_kernels = max_kernels
        self.record = record
        self.store_service = None
        self.residents: ResidentServer | None = None
        self.console: ConsoleServer | None = None
        self.restarts = {"store_service": Restarts(), "bewoners": Restarts(), "console": Restarts()}
        self.events: list[str] = []
        self.announcement = None  # stemmen.local (werkboek.serving.mdns), when announced
        self._next_health = 0.0
        self._next_backup = time.monotonic() + options.backup_minutes * 60
        self._backed_up: tuple | None = None
        self._store_failures = 0
        self._disk_warned = 0.0
        self.last_backup = None
        self.final_events: list[str] = []

    # -- starting ---------------------------------------------------------------------------

    def start_store_service(self, socket_path: str | None = None) -> None:
        from werkboek.store_service.process import start_store_service

        self.store_service = start_store_service(self.database_url, socket_path=socket_path,
                                                 log_path=self.logs / "store-service.log")
        self.record.add(self.store_service.process, "opslagdienst")

    def start_residents(self) -> None:
        o = self.options
        self.residents = start_resident_server(
            o.port, o.ip, o.pool_size, log_path=self.logs / "bewoners.log", jupyter_dir=self.home / "jupyter",
            store_service=self.store_service, env_extra=self.env, database_url=self.database_url, home=self.home,
            cull_idle_seconds=o.cull_idle, cull_connected_seconds=o.cull_connected, max_kernels=self.max_kernels,
            pool_fill_delay=o.pool_fill_delay, kernels_per_address=o.kernels_per_address,
            kernels_per_browser=o.kernels_per_browser, kernel_memory_mb=o.kernel_memory_mb)
        self.record.add(self.residents.process, "bewoners")

    def start_console(self) -> None:
        o = self.options
        token = self.console.address.token if self.console is not None else o.token  # a restart keeps its address
        self.console = start_console(o.console_port, o.console_ip, token, directory=self.home / "console",
                                     log_path=self.logs / "console.log", env_extra=self.env, timeout=o.timeout)
        self.record.add(self.console.process, "console")

    # -- watching ---------------------------------------------------------------------------

    def check(self) -> list[str]:
        """One round of supervision; what happened (in Dutch, for the terminal)."""
        events, self.events = self.events, []
        if self.store_service.process.poll() is not None:
            code = self.store_service.process.returncode
            self._restart("store_service", lambda: self.start_store_service(self.store_service.socket_path))
            events.append(f"De opslagdienst voor de stemmen was gestopt (code {code}); opnieuw gestart. "
                          f"Zie {self.store_service.log_path}")
        if self.residents.process.poll() is not None:
            code, started = self.residents.process.returncode, time.monotonic()
            self._restart("bewoners", self._restart_residents)
            events.append(f"De server voor bewoners was gestopt (code {code}); na {time.monotonic() - started:.1f} s "
                          f"weer bereikbaar. Bewoners die aan het stemmen waren, gaan verder waar ze waren.")
        if self.console.process.poll() is not None:
            code = self.console.process.returncode
            self._restart("console", self.start_console)
            events.append(f"De console was gestopt (code {code}); opnieuw gestart op hetzelfde adres.")
        now = time.monotonic()
        if now >= self._next_health:
            self._next_health = now + HEALTH_SECONDS
            events += self._disk_events()
            events += self._store_events()
            if self.options.backup_minutes and now >= self._next_backup:
                self._next_backup = now + self.options.backup_minutes * 60
                events += self.backup(label="auto", only_when_changed=True)
            self.write_health()
        return events

    def _restart(self, name: str, start) -> None:
        if self.restarts[name].note() > MAX_RESTARTS:
            raise ServerStopped(f"De {'server voor ' + name if name == 'bewoners' else name} blijft stoppen "
                                f"({MAX_RESTARTS} keer in {RESTART_WINDOW_SECONDS / 60:.0f} minuten). "
                                f"Kijk in {self.logs} wat er aan de hand is.")
        start()

    def _restart_residents(self) -> None:
        for child in descendants(self.residents.process):  # kernels of the old server (they die with it anyway)
            with contextlib.suppress(Exception):
                child.kill()
        self.start_residents()
        wait_until_ready(self.residents, timeout=self.options.timeout)

    def _disk_events(self) -> list[str]:
        free_mb = shutil.disk_usage(self.home).free / 2**20
        now = time.monotonic()
        if free_mb < DISK_CRITICAL_MB and now - self._disk_warned > 60:
            self._disk_warned = now
            return [f"LET OP: de schijf is bijna vol ({free_mb:.0f} MB vrij in {self.home}). Stemmen kunnen zo "
                    "niet meer worden opgeslagen: maak nu ruimte vrij."]
        if free_mb < DISK_LOW_MB and now - self._disk_warned > 600:
            self._disk_warned = now
            return [f"Let op: nog {free_mb:.0f} MB vrij op de schijf van {self.home}."]
        return []

    def _store_events(self) -> list[str]:
        from werkboek.store_service.client import StoreServiceUnavailable

        try:
            health = self.store_service.client().health()
        except StoreServiceUnavailable:
            return []
        failures = int(health.get("failures", 0))
        new, self._store_failures = failures - self._store_failures, failures
        if new > 0:
            return [f"LET OP: {new} keer kon de opslagdienst iets niet opslaan ({health.get('last_failure', '?')}). "
                    "Kijk of de schijf vol is of de database bereikbaar."]
        return []

    def backup(self, *, label: str = "handmatig", only_when_changed: bool = False) -> list[str]:
        """A checked copy of the votes now; the line to print."""
        from werkboek.store.backup import BackupError, make_backup

        fingerprint = self._ballots_fingerprint()
        if only_when_changed and fingerprint == self._backed_up:
            return []
        try:
            info = make_backup(self.database_url, settings.backups_dir(self.home), label=label)
        except (BackupError, OSError) as exc:
            return [f"LET OP: de kopie van de stemmen is mislukt: {exc}"]
        self._backed_up = fingerprint
        self.last_backup = info
        return [f"Kopie gemaakt: {info.ballots} stemmen veilig in {info.path}"]

    def _ballots_fingerprint(self):
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.connect() as conn:
                return tuple(conn.execute(text("SELECT count(*), coalesce(max(id), 0) FROM ballots")).one())
        except Exception:  # noqa: BLE001 - a database we cannot read now: make the copy anyway
            return None
        finally:
            engine.dispose()

    def health(self) -> dict:
        """What the console's "Stand van zaken" shows (and ``health.json`` holds)."""
        import psutil

        kernels = [p for p in descendants(self.residents.process) if _is_kernel(p)]
        rss = 0
        for kernel in kernels:
            with contextlib.suppress(psutil.Error):
                rss += kernel.memory_info().rss
        disk = shutil.disk_usage(self.home)
        store = {"up": self.store_service.process.poll() is None,
                 "restarts": self.restarts["store_service"].total}
        with contextlib.suppress(Exception):
            answer = self.store_service.client().health(timeout=1.0)
            store.update(requests=answer.get("requests", 0), failures=answer.get("failures", 0),
                         last_failure=answer.get("last_failure", ""))
        from werkboek.store.backup import latest_backup

        backup = latest_backup(settings.backups_dir(self.home))
        return {
            "at": time.time(),
            "residents": {"up": self.residents.process.poll() is None, "url": self.residents_url,
                          "restarts": self.restarts["bewoners"].total, "kernels": len(kernels),
                          "kernels_mb": round(rss / 2**20), "max_kernels": self.max_kernels},
            "console": {"up": self.console.process.poll() is None, "restarts": self.restarts["console"].total},
            "store_service": store,
            "disk": {"path": str(self.home), "free_mb": round(disk.free / 2**20), "total_mb": round(disk.total / 2**20)},
            "memory": {"available_mb": round(psutil.virtual_memory().available / 2**20)},
            "backup": None if backup is None else {"path": backup.path, "made_at": backup.made_at,
                                                   "ballots": backup.ballots, "checked": backup.checked},
        }

    def write_health(self) -> None:
        from werkboek.formats.atomic import write_text_atomic

        with contextlib.suppress(OSError):  # a full disk: the terminal lines still say what is wrong
            write_text_atomic(settings.health_path(self.home), json.dumps(self.health()))

    # -- stopping ---------------------------------------------------------------------------

    def stop(self) -> list[str]:
        events = []
        if self.store_service is not None and self.options.backup_minutes:
            events += self.backup(label="einde", only_when_changed=True)
        if self.residents is not None:
            stop(self.residents)
        if self.console is not None:
            stop_console(self.console)
        if self.store_service is not None:
            from werkboek.store_service.process import stop_store_service

            stop_store_service(self.store_service)  # last: what the kernels sent is answered first
        self.record.clear()
        return events


def _is_kernel(process) -> bool:
    try:
        return any("ipykernel" in part for part in process.cmdline())
    except Exception:  # noqa: BLE001 - gone meanwhile
        return False


def prepare(options: WorkshopOptions, home: Path, lock: HomeLock) -> list[str]:
    """Everything that must hold before anything starts; what was done, for the terminal."""
    from werkboek.model.catalogue import load_catalogue

    if not lock.acquire():
        holder = lock.holder()
        raise WerkboekError(
            f"Er draait al een workshop met de gegevens in {home}" + (f" (proces {holder})" if holder else "") +
            ". Stop die eerst met Ctrl-C in het venster waar hij draait, of kies een andere map met WERKBOEK_HOME.")
    done = []
    stopped = stop_leftovers(ProcessRecord(settings.run_dir(home) / "processes.json"))
    if stopped:
        done.append("Een eerdere start had nog draaien: " + ", ".join(stopped) + ". Dat is nu gestopt.")
    load_catalogue()  # DataError with file, row and field: the evening never starts on a broken catalogue
    for port, what, ip in ((options.port, "bewoners", options.ip), (options.console_port, "de console",
                                                                    options.console_ip)):
        if port_in_use(ip, port):
            raise WerkboekError(f"Poort {port} (voor {what}) is al in gebruik door een ander programma. "
                                f"Stop dat programma, of kies een andere poort met --{'port' if what == 'bewoners' else 'console-port'}.")
    free_mb = shutil.disk_usage(home).free / 2**20
    if free_mb < DISK_LOW_MB:
        done.append(f"Let op: nog maar {free_mb:.0f} MB vrij op de schijf van {home}.")
    return done


@contextlib.contextmanager
def running_workshop(options: WorkshopOptions = WorkshopOptions()):
    """Start the evening's servers, wait until they answer, yield a :class:`RunningWorkshop`, stop them all."""
    from werkboek.network import lan_ip, resident_url
    from werkboek.store import Store

    url = options.database_url or settings.database_url()
    home = settings.private_directory(options.home or settings.home_dir())
    logs = settings.private_directory(home / "logs")
    for log in logs.glob("*.log"):
        settings.private_file(log)
    lock = HomeLock(home)
    try:
        notes = prepare(options, home, lock)
        store = Store(url)  # creates or migrates the schema once, before any kernel starts
        try:
            if options.demo:
                from werkboek.demo.workshop import seed_demo

                seed_demo(store, method=options.demo_method)
        finally:
            store.close()
        public_host = lan_ip() if options.ip in ("0.0.0.0", "") else options.ip
        residents_url = resident_url(public_host, options.port)
        env = {"WERKBOEK_DATABASE_URL": url, "WERKBOEK_HOME": str(home), settings.RESIDENT_URL_ENV: residents_url}
        announcement, mdns_note = _announce_name(options, public_host)
        if announcement is not None:
            env[settings.RESIDENT_NAME_URL_ENV] = announcement.url
        max_kernels = settings.default_max_kernels() if options.max_kernels is None else options.max_kernels
        evening = RunningWorkshop(options, url=url, home=home, residents_url=residents_url, env=env,
                                  max_kernels=max_kernels,
                                  record=ProcessRecord(settings.run_dir(home) / "processes.json"))
        evening.events += notes + mdns_note
        evening.announcement = announcement
        try:
            evening.start_store_service()
            evening.start_residents()
            evening.start_console()
            wait_until_ready(evening.residents, timeout=options.timeout)
            evening.write_health()
            yield evening
        finally:
            evening.final_events = evening.stop()  # the CLI prints them once the block has ended
            if announcement is not None:
                announcement.close()
    finally:
        lock.release()


def _announce_name(options: WorkshopOptions, public_host: str):
    """(announcement or None, notes): stemmen.local for a real network address; never on loopback (tests)."""
    import ipaddress

    if not options.mdns_name:
        return None, []
    try:
        if ipaddress.ip_address(public_host).is_loopback or ipaddress.ip_address(public_host).version != 4:
            return None, []
    except ValueError:
        return None, []
    try:
        from werkboek.serving.mdns import announce

        found = announce(public_host, options.port, host=options.mdns_name)
    except Exception as exc:  # noqa: BLE001 - the IP address still works; say so and go on
        return None, [f"De korte naam {options.mdns_name}.local werkt niet op dit netwerk ({exc}). "
                      "Bewoners gebruiken het IP-adres."]
    return found, [f"Deze laptop heet op het netwerk {found.host}."]
