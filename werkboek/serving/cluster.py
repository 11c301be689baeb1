"""Several residents' servers behind nginx, sharing one database ("beyond one laptop").

Every page load starts (or takes from the preheated pool) a kernel *inside one Voilà
process*; everything the page asks afterwards (the websocket to
``/api/kernels/<id>/channels``, static files, ``/api/kernels/<id>``) must reach that same
process. nginx therefore keeps each phone on one server with a cookie:

* a request without a (known) cookie goes round robin to any server;
* every response sets ``werkboek_srv=<name>`` (``s1``, ``s2``, …) naming the server that
  answered, and the header ``X-Werkboek-Server: <name>``;
* a request with the cookie goes to that server. The cookie only ever *selects* from a
  fixed list (an nginx ``map`` with the known names); an unknown value falls back to round
  robin, so no address is ever taken from a cookie.

Not ``ip_hash``: on a workshop evening hundreds of phones share the venue's one wifi
address (NAT), so hashing the client address would send the whole room to one server.

If a server is down, its phones are sent to another one (``backup`` in the per-server
upstream) and their cookie changes with it: a reload gives them a fresh ballot page there.

    with running_cluster(n_servers=2, pool_size=4, database_url=url) as cluster:
        print(cluster.url)          # http://127.0.0.1:<port>/  (nginx)
        cluster.servers             # the ResidentServer of each backend, s1 first

nginx runs in the foreground from a generated configuration in a work directory of its
own (pid file, logs, temporary files all inside it); the Voilà servers listen on loopback
only, so the room can reach them only through nginx.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from werkboek.errors import WerkboekError
from werkboek.formats.atomic import write_text_atomic
from werkboek.serving.process import LOOPBACK, free_port, local_host, spawn, stop_process, wait_for_http
from werkboek.serving.residents import TEMPLATE_NAME, ResidentServer, start_resident_server, stop, wait_until_ready
from werkboek.settings import SERVING

COOKIE = "werkboek_srv"
SERVER_HEADER = "X-Werkboek-Server"
NGINX = "/usr/sbin/nginx"

# IP literals only: nginx names the server that answered by its IP ($upstream_addr), and
# the cookie is set from that; a host name would never match.
_ADDRESS = re.compile(r"(?P<host>[0-9.]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})")


def server_name(index: int) -> str:
    """The name of backend ``index`` (0-based) in cookies and headers: ``s1``, ``s2``, …"""
    return f"s{index + 1}"


def find_nginx() -> str | None:
    return shutil.which("nginx") or (NGINX if Path(NGINX).exists() else None)


def nginx_config(backends: Sequence[str], listen_port: int, workdir: Path | str, *,
                 listen_ip: str = LOOPBACK, worker_processes: int | str = "auto") -> str:
    """The nginx configuration for ``backends`` (``"127.0.0.1:8871"``, …, named s1, s2, … in order).

    Backends are IP addresses with a port (not host names); ``listen_ip`` is where the phones
    connect (``0.0.0.0`` for every network of this machine).

    All paths nginx writes to (pid, logs, temporary files) are inside ``workdir``.
    """
    if not backends:
        raise WerkboekError("Er is minstens één server voor bewoners nodig.")
    for address in backends:
        if not _ADDRESS.fullmatch(address):  # it is pasted into the configuration: no surprises
            raise WerkboekError(f"'{address}' is geen adres met poort (zoals 127.0.0.1:8871).")
    if not _ADDRESS.fullmatch(f"{listen_ip}:{int(listen_port)}"):
        raise WerkboekError(f"'{listen_ip}' is geen IP-adres om op te luisteren.")
    workdir = Path(workdir).resolve()
    names = [server_name(i) for i in range(len(backends))]

    from werkboek.outputs.templating import render

    servers = [{"name": name, "address": address, "pattern": re.escape(address),
                "others": [other for other in backends if other != address]}
               for name, address in zip(names, backends)]
    return render("nginx.conf", servers=servers, workdir=str(workdir), cache_dir=str(static_cache_dir(workdir)),
                  user=_worker_user_line(),
                  worker_processes=worker_processes, listen=f"{listen_ip}:{int(listen_port)}", cookie=COOKIE,
                  server_header=SERVER_HEADER)


def static_cache_dir(workdir: Path) -> Path:
    """Where nginx keeps its copies of script and style.

    Inside ``workdir`` — except as root, when the workers run as ``nobody`` and may not get
    through a private home (``/tmp/pytest-of-root`` or ``var/`` are 0700): then a directory
    of its own in ``/tmp``, named after ``workdir`` and owned by ``nobody``.
    """
    if os.geteuid() != 0:
        return Path(workdir) / "tmp" / "cache"
    import hashlib

    return Path(tempfile.gettempdir()) / f"werkboek-nginx-cache-{hashlib.sha256(str(workdir).encode()).hexdigest()[:16]}"


def _worker_user_line() -> str:
    """As root, nginx's workers drop to ``nobody`` (with its own group, whatever it is called here)."""
    if os.geteuid() != 0:
        return ""
    try:
        nobody = pwd.getpwnam("nobody")
        group = grp.getgrgid(nobody.pw_gid).gr_name
    except KeyError:
        return "user root;\n"  # no unprivileged user on this system
    return f"user nobody {group};\n"


@dataclass
class Cluster:
    """Running residents' servers (``servers[i]`` is named ``server_name(i)``) behind nginx."""

    url: str
    servers: list[ResidentServer]
    nginx: subprocess.Popen
    workdir: Path
    port: int
    ip: str = LOOPBACK
    names: list[str] = field(default_factory=list)

    def ballot_url(self, code: str | None = None) -> str:
        return self.url + (f"?code={code}" if code else "")

    def server(self, name: str) -> ResidentServer:
        return self.servers[self.names.index(name)]

    def access_log(self) -> str:
        path = self.workdir / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_nginx(config: str, workdir: Path | str) -> subprocess.Popen:
    """Write ``config`` to ``<workdir>/nginx.conf`` and run nginx in the foreground (not as a daemon)."""
    nginx = find_nginx()
    if nginx is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx-light)")
    workdir = Path(workdir).resolve()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    cache = static_cache_dir(workdir)
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # the workers (nobody) must get through to their temporary directories; nginx
        # itself gives those to the worker user when it starts, but not the static cache
        os.chmod(workdir, 0o711)
        os.chmod(workdir / "tmp", 0o711)
        try:
            nobody = pwd.getpwnam("nobody")
            os.chown(cache, nobody.pw_uid, nobody.pw_gid)
        except KeyError:
            pass  # workers run as root (see _worker_user_line)
    conf = write_text_atomic(workdir / "nginx.conf", config)
    argv = [nginx, "-e", str(workdir / "error.log"), "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"]
    check = subprocess.run([*argv, "-t", "-q"], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration {conf}:\n{check.stderr}")
    return spawn(argv, log_path=workdir / "nginx.out", cwd=workdir)


def wait_for_nginx(process: subprocess.Popen, url: str, workdir: Path, timeout: float = 30.0) -> None:
    """Poll a static file of our template through nginx until it answers 200."""
    error_log = workdir / "error.log"
    wait_for_http(url + f"voila/templates/{TEMPLATE_NAME}/static/werkboek.css", process, timeout=timeout,
                  what=f"nginx on {url}",
                  log=lambda: error_log.read_text(errors="replace") if error_log.exists() else "")


def stop_nginx(process: subprocess.Popen, grace: float = 5.0) -> None:
    """Fast shutdown (SIGTERM): open websockets are closed; the phones reconnect after a restart."""
    stop_process(process, grace=grace)


def spawn_resident_servers(n_servers: int, pool_size: int, *, database_url: str | None, home: Path | str | None,
                           workdir: Path, cull_idle_seconds: int = SERVING.cull_idle,
                           env_extra: dict | None = None, store_service=None) -> list[ResidentServer]:
    """Start ``n_servers`` residents' servers on free loopback ports (without waiting for them).

    ``store_service``: the :class:`werkboek.store_service.process.StoreService` their kernels share (one per machine).
    """
    jupyter_dir = workdir / "jupyter"  # the template link: the same for all servers
    return [start_resident_server(free_port(LOOPBACK), LOOPBACK, pool_size, log_path=workdir / f"voila-{server_name(i)}.log",
                                  jupyter_dir=jupyter_dir, store_service=store_service, env_extra=env_extra,
                                  database_url=database_url, home=home, cull_idle_seconds=cull_idle_seconds,
                                  behind_proxy=True)
            for i in range(n_servers)]


def stop_all(servers: Sequence[ResidentServer]) -> None:
    """Stop the servers side by side (each may take a few seconds to shut its kernels down)."""
    if servers:
        with ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(stop, servers))


@contextlib.contextmanager
def running_cluster(n_servers: int = 2, pool_size: int = 2, *, database_url: str | None = None,
                    home: Path | str | None = None, port: int | None = None, ip: str = LOOPBACK,
                    cull_idle_seconds: int = SERVING.cull_idle, timeout: float = SERVING.ready_timeout,
                    workdir: Path | str | None = None, env_extra: dict | None = None):
    """Start ``n_servers`` residents' servers and nginx in front of them; yield a :class:`Cluster`; stop all.

    The database schema is created or upgraded once, before any server starts. The servers
    share one store service (:mod:`werkboek.store_service`): on one machine one is enough; with servers on
    several machines, each machine runs its own against the shared PostgreSQL.
    ``workdir``: where the configuration, logs and pid file go (a new temporary directory when None;
    it is removed afterwards unless given).
    """
    from werkboek.store import Store
    from werkboek.store_service.process import start_store_service, stop_store_service

    if n_servers < 1:
        raise WerkboekError("Er is minstens één server voor bewoners nodig.")
    Store(database_url).close()  # creates/upgrades the schema
    own_workdir = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="werkboek-cluster-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port(ip)
    servers: list[ResidentServer] = []
    nginx = service = None
    try:
        service = start_store_service(database_url, log_path=workdir / "store-service.log",
                                      env={**os.environ, **(env_extra or {})})
        servers = spawn_resident_servers(n_servers, pool_size, database_url=database_url, home=home,
                                         workdir=workdir, cull_idle_seconds=cull_idle_seconds, env_extra=env_extra,
                                         store_service=service)
        for server in servers:  # they start side by side; waiting in turn costs nothing extra
            wait_until_ready(server, timeout)
        config = nginx_config([f"{s.ip}:{s.port}" for s in servers], port, workdir, listen_ip=ip)
        nginx = start_nginx(config, workdir)
        url = f"http://{local_host(ip)}:{port}/"
        wait_for_nginx(nginx, url, workdir, timeout=30)
        yield Cluster(url, servers, nginx, workdir, port, ip, [server_name(i) for i in range(n_servers)])
    finally:
        if nginx is not None:
            stop_nginx(nginx)
        stop_all(servers)
        if service is not None:
            stop_store_service(service)
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
