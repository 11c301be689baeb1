"""The facilitators' server: standalone Voilà serving the console and the projector dashboard.

It serves a directory holding only ``facilitator.ipynb`` and ``dashboard.ipynb`` (links to
the project's notebooks), bound to localhost by default, through
``python -m werkboek.serving.console_voila`` (:class:`werkboek.serving.voila_patches.apps.ConsoleVoila`).
A token is always required (Voilà's own token check: ``?token=…`` in the printed address
logs the browser in with a cookie), also on loopback: any web page open in the
facilitator's browser can send requests to ``127.0.0.1``, and the console can read every
stemcode and remark. It also answers only to this laptop's own host names and origin.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from werkboek.serving.process import descendants, local_host, read_log, spawn, stop_process, wait_for_http
from werkboek.settings import DASHBOARD_URL_ENV, PROJECT_ROOT, SERVING

NOTEBOOKS = ("facilitator.ipynb", "dashboard.ipynb")
TEMPLATE_NAME = "werkboek-console"  # voila_templates/werkboek-console: a Dutch loading message
TEMPLATE = PROJECT_ROOT / "voila_templates" / TEMPLATE_NAME


@dataclass(frozen=True)
class ConsoleAddress:
    ip: str
    port: int
    token: str | None

    def _url(self, path: str, query: str = "") -> str:
        host = local_host(self.ip)
        params = [p for p in (query, f"token={self.token}" if self.token else "") if p]
        return f"http://{host}:{self.port}/{path}" + ("?" + "&".join(params) if params else "")

    @property
    def console_url(self) -> str:
        return self._url("voila/render/facilitator.ipynb")

    def dashboard_url(self, workshop_id: int | None = None) -> str:
        return self._url("voila/render/dashboard.ipynb", f"workshop={workshop_id}" if workshop_id else "")


def console_directory(directory: Path | str) -> Path:
    """A directory with links to the two facilitator notebooks (and nothing else to serve)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in NOTEBOOKS:
        link = directory / name
        if not link.exists():
            link.symlink_to(PROJECT_ROOT / "notebooks" / name)
    return directory


def template_path(directory: Path | str) -> Path:
    """``<directory>/voila/templates/werkboek-console`` linking to our template (for ``JUPYTER_PATH``)."""
    from werkboek.serving.residents import link_voila_template

    return link_voila_template(directory, TEMPLATE_NAME, TEMPLATE)


def console_server_command(port: int, ip: str = SERVING.console_ip, token: str | None = None, *,
                           directory: Path | str | None = None, env_extra: dict | None = None
                           ) -> tuple[list[str], dict[str, str], ConsoleAddress]:
    """Command line, environment and addresses of the console server.

    A token is made when none is given: the console can open and close voting and read every
    remark and stemcode, so it is never open without one (not even on loopback).
    """
    token = token or secrets.token_urlsafe(24)
    directory = console_directory(directory or tempfile.mkdtemp(prefix="werkboek-console-"))
    address = ConsoleAddress(ip, port, token)
    argv = [
        sys.executable, "-m", "werkboek.serving.console_voila", str(directory), "--no-browser", f"--port={int(port)}", f"--Voila.ip={ip}",
        "--theme=light", "--strip_sources=True", "--show_tracebacks=False", f"--template={TEMPLATE_NAME}",
        # the console's kernels are few and long-lived; stop the ones of closed tabs after an hour
        f"--MappingKernelManager.cull_idle_timeout={SERVING.console_cull_idle}",
        f"--MappingKernelManager.cull_interval={SERVING.console_cull_interval}",
        f"--Voila.token={token}",
        "--Voila.port_retries=0",  # a busy port is an error, not a silent move to another port
    ]
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    jupyter_dir = template_path(directory.parent / (directory.name + "-jupyter"))
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(jupyter_dir), env.get("JUPYTER_PATH", "")]))
    env[DASHBOARD_URL_ENV] = address.dashboard_url().split("?")[0]
    env.update(env_extra or {})
    return argv, env, address


def wait_until_listening(url: str, process, timeout: float = 60.0) -> None:
    """Poll ``url`` (a page that starts no kernel) until the server answers."""
    wait_for_http(url, process, timeout=timeout, what="the console server", ok_below=500)


@dataclass
class ConsoleServer:
    process: subprocess.Popen
    address: ConsoleAddress
    log_path: Path

    def log(self) -> str:
        return read_log(self.log_path)


def start_console(port: int, ip: str = SERVING.console_ip, token: str | None = None, *, directory: Path | str,
                  log_path: Path | str, env_extra: dict | None = None,
                  timeout: float = SERVING.ready_timeout) -> ConsoleServer:
    """Start the console server and wait until it answers."""
    argv, env, address = console_server_command(port, ip, token, directory=directory, env_extra=env_extra)
    server = ConsoleServer(spawn(argv, env=env, log_path=log_path), address, Path(log_path))
    wait_until_listening(address.console_url.replace("voila/render/facilitator.ipynb", "voila/tree"),
                         server.process, timeout=timeout)
    return server


def stop_console(server: ConsoleServer, grace: float = 10.0) -> None:
    stop_process(server.process, grace=grace, also=descendants(server.process))
