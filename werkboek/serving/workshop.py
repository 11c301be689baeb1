"""A workshop evening on this laptop: the store service, the residents' server and the console, watched.

    with running_workshop(WorkshopOptions(pool_size=4)) as evening:
        print(evening.residents_url, evening.console.address.console_url)
        while True:
            for event in evening.check():   # restarts what may be restarted, says what happened
                print(event)
            time.sleep(0.5)

:func:`running_workshop` brings the database schema up to date once, starts the store
service (:mod:`werkboek.store_service`), the residents' server (:mod:`.residents`) and the
console (:mod:`.console`), waits until they answer, and stops all of them — kernels included
— when the block ends. :meth:`RunningWorkshop.check` is one round of the supervisor: a store
service that stopped is started again on the socket its kernels know; a residents' server
or console that stopped raises :class:`ServerStopped`. ``werkboek workshop`` is this plus
its command line (:mod:`werkboek.cli.workshop`); ``running_cluster`` (:mod:`.cluster`) is its
sibling for several residents' servers behind nginx.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from werkboek import settings
from werkboek.errors import WerkboekError
from werkboek.serving.console import ConsoleServer, start_console, stop_console
from werkboek.serving.residents import ResidentServer, start_resident_server, stop, wait_until_ready
from werkboek.settings import SERVING


class ServerStopped(WerkboekError):
    """The residents' server or the console stopped by itself."""


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
    database_url: str | None = None  # None: settings.database_url()
    home: Path | None = None  # None: settings.home_dir()
    demo: bool = False  # add the demo workshop with invented votes
    timeout: float = SERVING.ready_timeout


@dataclass
class RunningWorkshop:
    residents: ResidentServer
    console: ConsoleServer
    store_service: object  # werkboek.store_service.process.StoreService
    residents_url: str
    database_url: str
    home: Path
    logs: Path
    restarts: dict = field(default_factory=lambda: {"store_service": 0})

    def check(self) -> list[str]:
        """One round of supervision: what happened (in Dutch, for the terminal)."""
        from werkboek.store_service.process import start_store_service

        events = []
        for name, process, log in (("bewoners", self.residents.process, self.residents.log_path),
                                   ("console", self.console.process, self.console.log_path)):
            if process.poll() is not None:
                raise ServerStopped(f"De server voor {name} is gestopt (code {process.returncode}); zie {log}")
        service = self.store_service
        if service.process.poll() is not None:
            events.append(f"De opslagdienst voor de stemmen is gestopt (code {service.process.returncode}); "
                          f"opnieuw gestart. Zie {service.log_path}")
            # on the same socket: the kernels know that path (they retry connecting for a few seconds)
            self.store_service = start_store_service(self.database_url, socket_path=service.socket_path,
                                                     log_path=service.log_path)
            self.restarts["store_service"] += 1
        return events


@contextlib.contextmanager
def running_workshop(options: WorkshopOptions = WorkshopOptions()):
    """Start the evening's servers, wait until they answer, yield a :class:`RunningWorkshop`, stop them all."""
    from werkboek.network import lan_ip, resident_url
    from werkboek.store import Store
    from werkboek.store_service.process import start_store_service, stop_store_service

    url = options.database_url or settings.database_url()
    home = settings.private_directory(options.home or settings.home_dir())
    logs = settings.private_directory(home / "logs")
    for log in logs.glob("*.log"):
        settings.private_file(log)
    store = Store(url)  # creates or migrates the schema once, before any kernel starts
    try:
        if options.demo:
            from werkboek.demo.workshop import seed_demo

            seed_demo(store)
    finally:
        store.close()

    public_host = lan_ip() if options.ip in ("0.0.0.0", "") else options.ip
    residents_url = resident_url(public_host, options.port)
    common = {"WERKBOEK_DATABASE_URL": url, "WERKBOEK_HOME": str(home), settings.RESIDENT_URL_ENV: residents_url}
    max_kernels = settings.default_max_kernels() if options.max_kernels is None else options.max_kernels

    service = residents = console = evening = None
    try:
        service = start_store_service(url, log_path=logs / "store-service.log")
        residents = start_resident_server(
            options.port, options.ip, options.pool_size, log_path=logs / "bewoners.log", jupyter_dir=home / "jupyter",
            store_service=service, env_extra=common, database_url=url, home=home,
            cull_idle_seconds=options.cull_idle, cull_connected_seconds=options.cull_connected,
            max_kernels=max_kernels, pool_fill_delay=options.pool_fill_delay,
            kernels_per_address=options.kernels_per_address, kernels_per_browser=options.kernels_per_browser,
            kernel_memory_mb=options.kernel_memory_mb)
        console = start_console(options.console_port, options.console_ip, options.token,
                                directory=home / "console", log_path=logs / "console.log", env_extra=common,
                                timeout=options.timeout)
        wait_until_ready(residents, timeout=options.timeout)
        evening = RunningWorkshop(residents, console, service, residents_url, url, home, logs)
        yield evening
    finally:
        if evening is not None:
            service = evening.store_service  # it may have been restarted meanwhile
        if residents is not None:
            stop(residents)
        if console is not None:
            stop_console(console)
        if service is not None:
            stop_store_service(service)  # last: what the kernels sent is answered first
