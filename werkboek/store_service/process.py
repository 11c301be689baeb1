"""Start a store service next to a resident server, wait until it answers, stop it.

    with running_store_service(database_url) as service:
        env[STORE_SERVICE_ENV] = service.socket_path   # the resident kernels find it here

The socket lives in a new private directory under the system's temporary directory: a
Unix socket path may be at most ~107 bytes, which a project path or pytest's directory
can exceed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from werkboek.serving.process import read_log, spawn, stop_process
from werkboek.store_service.client import StoreServiceClient, StoreServiceUnavailable


@dataclass
class StoreService:
    process: subprocess.Popen
    socket_path: str
    log_path: Path

    def client(self) -> StoreServiceClient:
        return StoreServiceClient(self.socket_path)

    def log(self) -> str:
        return read_log(self.log_path)


def start_store_service(database_url: str | None = None, *, socket_path: str | None = None,
                        log_path: Path | str | None = None, env: dict | None = None, timeout: float = 30.0) -> StoreService:
    """Start ``python -m werkboek.store_service`` and return once it answers ``/health``.

    ``socket_path``: where to listen (a new private directory when None; given when a stopped
    store service is replaced on the path its kernels know). The schema must be up to date already
    (the store service does not migrate).
    """
    if socket_path is None:
        socket_path = os.path.join(tempfile.mkdtemp(prefix="wb-store-"), "store.sock")  # dir mode 0700
    directory = os.path.dirname(socket_path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    log_path = Path(log_path or os.path.join(directory, "store-service.log"))
    child_env = dict(env or os.environ)
    if database_url:
        child_env["WERKBOEK_DATABASE_URL"] = database_url
    child_env["PYTHONUNBUFFERED"] = "1"
    process = spawn([sys.executable, "-m", "werkboek.store_service", "--socket", socket_path], env=child_env,
                    log_path=log_path)
    service = StoreService(process, socket_path, log_path)
    wait_until_ready(service, timeout)
    return service


def wait_until_ready(service: StoreService, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    client = service.client()
    while True:
        if service.process.poll() is not None:
            raise RuntimeError(f"the store service stopped (code {service.process.returncode}):\n{service.log()[-2000:]}")
        if os.path.exists(service.socket_path):
            with contextlib.suppress(StoreServiceUnavailable):
                client.health()
                return
        if time.monotonic() > deadline:
            stop_store_service(service)
            raise TimeoutError(f"the store service did not answer within {timeout:.0f} s:\n{service.log()[-2000:]}")
        time.sleep(0.05)


def stop_store_service(service: StoreService, grace: float = 10.0) -> None:
    """SIGTERM (requests in flight are finished and answered), then kill if it hangs."""
    stop_process(service.process, grace=grace)
    directory = os.path.dirname(service.socket_path)
    if os.path.basename(directory).startswith("wb-store-"):
        keep_log = Path(directory) in service.log_path.parents
        if not keep_log:
            shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def running_store_service(database_url: str | None = None, **options):
    service = start_store_service(database_url, **options)
    try:
        yield service
    finally:
        stop_store_service(service)
