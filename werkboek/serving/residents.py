"""The residents' server: standalone Voilà serving only ``notebooks/stemmen.ipynb`` with our template.

Residents are served by the standalone ``voila`` application (it refuses to run code sent
from the browser), never by Voilà as a Jupyter-server extension. Voilà finds our template
(``voila_templates/werkboek``) through ``JUPYTER_PATH``: we make a small directory with
``voila/templates/werkboek`` linking to it.

``pool_size > 0`` preheats that many kernels: each has already run the notebook when a
resident opens the page (the code from the link is handed over on request, see
:mod:`werkboek_widgets.ballot.request_info`).

    argv, env = resident_server_command(port=8866, ip="0.0.0.0", pool_size=4)
    with running_resident_server(pool_size=4, database_url=url) as server:
        print(server.url)   # http://127.0.0.1:<port>/
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from werkboek.serving.process import descendants, free_port, local_host, read_log, spawn, stop_process, wait_for_http
from werkboek.settings import KERNEL_MEMORY_ENV, KERNEL_NICE_ENV, PROJECT_ROOT, SERVING, STORE_SERVICE_ENV

if TYPE_CHECKING:
    from werkboek.store_service.process import StoreService

NOTEBOOK = PROJECT_ROOT / "notebooks" / "stemmen.ipynb"
TEMPLATE = PROJECT_ROOT / "voila_templates" / "werkboek"
TEMPLATE_NAME = "werkboek"
KERNEL_MANAGER = "werkboek.serving.voila_patches.kernel_cap.CappedKernelManager"
KERNEL_CLIENT = "werkboek.serving.voila_patches.kernel_cap.NoHeartbeatKernelClient"
FRONTEND_EXTENSIONS = ("@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager", "jupyter-leaflet")


def link_voila_template(directory: Path | str, name: str, source: Path) -> Path:
    """Create ``<directory>/voila/templates/<name>`` (a link to ``source``); returns ``directory``
    (for ``JUPYTER_PATH``: Voilà finds templates there)."""
    directory = Path(directory)
    target = directory / "voila" / "templates" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        try:
            target.symlink_to(source, target_is_directory=True)
        except OSError:  # no symlinks (some file systems): a copy does as well
            shutil.copytree(source, target)
    return directory


def make_jupyter_path(directory: Path | str) -> Path:
    """Create ``<directory>/voila/templates/werkboek`` (a link to our template); returns ``directory``."""
    return link_voila_template(directory, TEMPLATE_NAME, TEMPLATE)


KERNEL_IPYTHON_CONFIG = """\
# Written by werkboek.serving.residents: the residents' kernels use this IPython directory.
# No input history: 160 kernels starting at once raced for the one history.sqlite
# ("database is locked", seen in the crowd run), and a ballot has no history to keep.
c.HistoryManager.enabled = False
# A memory limit, no debugger (debugpy), kernel logs to the server's log instead of the page
# (werkboek.serving.resident_kernel).
c.IPKernelApp.capture_fd_output = False
import werkboek.serving.resident_kernel
werkboek.serving.resident_kernel.harden()
"""



def make_ipython_dir(directory: Path | str) -> Path:
    """An IPython directory of the residents' own: history off, no user startup files or extensions."""
    directory = Path(directory)
    config = directory / "profile_default" / "ipython_kernel_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    if not config.exists() or config.read_text() != KERNEL_IPYTHON_CONFIG:
        config.write_text(KERNEL_IPYTHON_CONFIG)
    return directory


IOPUB_TIMEOUT_SECONDS = 30  # see resident_server_command


def resident_server_command(port: int = SERVING.resident_port, ip: str = "127.0.0.1", pool_size: int = 0, *,
                            jupyter_dir: Path | str | None = None, database_url: str | None = None,
                            home: Path | str | None = None, base_url: str = "/",
                            cull_idle_seconds: int = SERVING.cull_idle, notebook: Path | str = NOTEBOOK,
                            cull_interval_seconds: int = SERVING.cull_interval,
                            cull_connected_seconds: int = SERVING.cull_connected,
                            max_kernels: int = 0, pool_fill_delay: float = SERVING.pool_fill_delay,
                            store_service_socket: str | None = None,
                            kernels_per_browser: int = SERVING.kernels_per_browser,
                            kernels_per_address: int = SERVING.kernels_per_address,
                            kernel_memory_mb: int = SERVING.kernel_memory_mb, behind_proxy: bool = False,
                            kernel_nice: int = SERVING.kernel_nice,
                            ) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start the residents' Voilà server.

    ``jupyter_dir``: where the template link goes (a new temporary directory when None).
    ``database_url`` / ``home``: passed on as ``WERKBOEK_DATABASE_URL`` / ``WERKBOEK_HOME``.
    ``cull_idle_seconds``: a kernel whose page is gone (no websocket) is stopped after this long idle.
    ``cull_interval_seconds``: how often the culler looks.
    ``cull_connected_seconds``: a kernel whose page is still open is stopped after this long idle
    (0: never).
    ``max_kernels``: at most this many resident kernels (preheated ones included); one more
    visitor gets the "Even geduld" page, which retries by itself (0: no cap).
    ``notebook``: the resident ballot; another notebook only for benchmarks (a baseline).
    ``store_service_socket``: the kernels send codes, drafts and ballots to this store service
    (:mod:`werkboek.store_service`) instead of importing SQLAlchemy themselves.
    ``kernels_per_browser`` / ``kernels_per_address``: a client's budget of kernels
    (:mod:`werkboek.serving.voila_patches.kernel_cap`; 0: no limit). ``kernel_memory_mb``: each resident kernel's
    memory limit (0: none). ``kernel_nice``: how far each resident kernel lowers its own CPU
    priority below the server's (0: not at all; :func:`werkboek.serving.resident_kernel.yield_to_the_server`).
    ``behind_proxy``: the client address comes from nginx's
    ``X-Real-IP`` (the cluster).

    Why these culling defaults (jupyter_server 2 / Voilà 0.5):

    * A closed tab, a phone that went to sleep or lost the wifi: the kernel's websocket
      closes (at once, or at the latest when jupyter_server's websocket pings — every 30 s,
      3 missed pongs — time out). Without a websocket the kernel is culled after
      ``cull_idle_seconds`` (3 min) idle, checked every ``cull_interval_seconds`` (30 s):
      freed within 2–4 minutes. A phone that wakes later reloads, gets a new kernel, and
      its draft (saved in the store) brings the resident back to the same screen.
    * A resident who reads slowly keeps the page open, so the websocket stays:
      jupyter_server never culls connected kernels (``cull_connected=False``), and
      :class:`werkboek.serving.voila_patches.kernel_cap.CappedKernelManager` stops them only after
      ``cull_connected_seconds`` (20 min) without any click — a tab left open should not
      hold a place all evening. Even then the draft makes the reload seamless.
    * ``cull_busy=False``: a kernel that is working (e.g. submitting) is never culled.
    * Kept at their defaults: jupyter_server's websocket ping (``ws_ping_interval`` 30 s,
      settable only through ``--Voila.tornado_settings``) and Voilà's
      ``http_keep_alive_timeout`` (10 s; a heartbeat while a page renders, not about culling).
    * The page itself reloads when a phone wakes after more than 2 minutes asleep
      (``static/werkboek.js``), so a culled kernel is replaced before the resident notices.
    """
    if jupyter_dir is None:
        jupyter_dir = tempfile.mkdtemp(prefix="werkboek-voila-")
    jupyter_dir = make_jupyter_path(jupyter_dir)
    argv = [
        # standalone Voilà, with a kernel pool that never hands out a postponed refill
        sys.executable, "-m", "werkboek.serving.resident_voila", str(notebook),
        "--no-browser",
        f"--port={int(port)}",
        f"--Voila.ip={ip}",
        f"--Voila.base_url={base_url}",
        f"--template={TEMPLATE_NAME}",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaExporter.language_code=nl",
        f"--VoilaConfiguration.multi_kernel_manager_class={KERNEL_MANAGER}",
        # the notebook runner's kernel clients without a heartbeat thread each (kernel_cap's docstring)
        f"--ServerKernelManager.client_class={KERNEL_CLIENT}",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_seconds)}",
        f"--MappingKernelManager.cull_interval={max(1, int(cull_interval_seconds))}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        f"--CappedKernelManager.cull_connected_idle_timeout={max(0, int(cull_connected_seconds))}",
        f"--CappedKernelManager.max_kernels={max(0, int(max_kernels))}",
        # A busy port is an error, not a silent move to another port the QR code does not show.
        "--Voila.port_retries=0",
        # XSRF protection stays on: the page handler sets the _xsrf cookie that Voilà's "close this
        # kernel" beacon sends (werkboek.serving.voila_patches.resident_page).
        f"--CappedKernelManager.kernels_per_browser={max(0, int(kernels_per_browser))}",
        f"--CappedKernelManager.kernels_per_address={max(0, int(kernels_per_address))}",
        f"--ResidentVoila.behind_proxy={bool(behind_proxy)}",
        # Kernels talk to the server over Unix sockets instead of TCP ports: many kernels
        # starting at once (or two servers side by side) raced for the same port
        # ("ZMQError: Address already in use"), and local sockets need no open ports.
        "--KernelManager.transport=ipc",
        # After a preheated kernel is taken, start its replacement only this much later, so a
        # burst of arrivals is not slowed down by refills competing for the CPU.
        f"--VoilaKernelManager.fill_delay={max(0.0, float(pool_fill_delay))}",
        # nbclient waits only 4 s after a cell's reply for the rest of its output; on a loaded
        # machine (a burst of kernel starts) the ballot cell's widget output came later, was
        # dropped ("Timeout waiting for IOPub output") and the page never showed its widgets.
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_SECONDS}",
    ]
    # Only the frontend extensions the ballot needs: every other installed labextension
    # (plots, …) would be downloaded and started by each resident's phone.
    argv += [f"--VoilaConfiguration.extension_allowlist={name}" for name in FRONTEND_EXTENSIONS]
    if pool_size > 0:
        argv += ["--preheat_kernel=True", f"--pool_size={int(pool_size)}"]
    import os

    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(jupyter_dir), env.get("JUPYTER_PATH", "")]))
    env["PYTHONUNBUFFERED"] = "1"
    env["IPYTHONDIR"] = str(make_ipython_dir(jupyter_dir / "ipython"))
    env[KERNEL_MEMORY_ENV] = str(max(0, int(kernel_memory_mb)))
    env[KERNEL_NICE_ENV] = str(max(0, min(19, int(kernel_nice))))
    if database_url:
        env["WERKBOEK_DATABASE_URL"] = database_url
    if home:
        env["WERKBOEK_HOME"] = str(home)
    if store_service_socket:
        env[STORE_SERVICE_ENV] = store_service_socket
    return argv, env


def prepare_kernel_caches(env: dict[str, str]) -> None:
    """What every resident kernel would otherwise work out for itself, done once here, for the
    home and data folder the kernels will see: the catalogue's YAML parsed into its JSON cache,
    so the kernels never import PyYAML (~0.9 MB each; issue 17)."""
    from werkboek.model.catalogue import prepare_yaml_cache

    prepare_yaml_cache(env.get("WERKBOEK_DATA_DIR") or None, env.get("WERKBOEK_HOME") or None)


@dataclass
class ResidentServer:
    process: subprocess.Popen
    port: int
    ip: str
    log_path: Path
    store_service: "StoreService | None" = None  # the kernels' store, when this server has one

    @property
    def url(self) -> str:
        return f"http://{local_host(self.ip)}:{self.port}/"

    def ballot_url(self, code: str | None = None) -> str:
        return self.url + (f"?code={code}" if code else "")

    def log(self) -> str:
        return read_log(self.log_path)


def wait_until_ready(server: ResidentServer, timeout: float = 60.0) -> None:
    """Poll a static file of our template until the server answers (does not start a kernel)."""
    wait_for_http(server.url + f"voila/templates/{TEMPLATE_NAME}/static/werkboek.css", server.process,
                  timeout=timeout, what="the resident server", log=server.log)


def start_resident_server(port: int, ip: str, pool_size: int, *, log_path: Path | str, jupyter_dir: Path | str,
                          store_service=None, env_extra: dict | None = None, **command_options) -> ResidentServer:
    """Start a residents' server (without waiting for it); ``command_options``: see :func:`resident_server_command`."""
    argv, env = resident_server_command(port, ip, pool_size, jupyter_dir=jupyter_dir,
                                        store_service_socket=store_service.socket_path if store_service else None,
                                        **command_options)
    env.update(env_extra or {})
    prepare_kernel_caches(env)
    return ResidentServer(spawn(argv, env=env, log_path=log_path), port, ip, Path(log_path), store_service)


@contextlib.contextmanager
def running_resident_server(port: int | None = None, ip: str = "127.0.0.1", pool_size: int = 0, *,
                            database_url: str | None = None, home: Path | str | None = None,
                            timeout: float = 60.0, log_dir: Path | str | None = None,
                            notebook: Path | str = NOTEBOOK, store_service: bool = True, **command_options):
    """Start the residents' server, wait until it answers, yield a :class:`ResidentServer`, stop it.

    ``store_service``: start a store service beside it for the kernels (as ``werkboek workshop`` does);
    ``False`` lets each kernel open the database itself.
    ``command_options``: more keyword arguments of :func:`resident_server_command`
    (``cull_idle_seconds``, ``max_kernels``, …).

    The database schema is brought up to date first, so resident kernels never run Alembic.
    """
    from werkboek.store import Store
    from werkboek.store_service.process import start_store_service, stop_store_service

    Store(database_url).close()  # creates/upgrades the schema
    port = port or free_port(ip)
    workdir = Path(tempfile.mkdtemp(prefix="werkboek-residents-"))
    log_path = Path(log_dir or workdir) / f"voila-{port}.log"
    service = start_store_service(database_url, log_path=log_path.with_name(f"store-service-{port}.log")) \
        if store_service else None
    server = None
    try:
        server = start_resident_server(port, ip, pool_size, log_path=log_path, jupyter_dir=workdir / "jupyter",
                                       store_service=service, database_url=database_url, home=home,
                                       notebook=notebook, **command_options)
        wait_until_ready(server, timeout)
        yield server
    finally:
        if server is not None:
            stop(server)
        if service is not None:
            stop_store_service(service)  # after the kernels: requests in flight are answered first
        shutil.rmtree(workdir / "jupyter", ignore_errors=True)


def stop(server: ResidentServer, grace: float = 10.0) -> None:
    """Stop Voilà (it shuts its kernels down); kill what is left if it does not go in time.

    Kernels run in sessions of their own, so they are collected before Voilà is asked to
    stop: a Voilà that hangs under load must not leave hundreds of kernels behind.
    """
    stop_process(server.process, grace=grace, also=descendants(server.process))
