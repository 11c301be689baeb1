"""Every setting of the workbook in one place: the ``WERKBOEK_*`` environment variables and the serving defaults.

Environment variables (all optional; :data:`VARIABLES` is the table the code reads):

=============================  ================================================================
``WERKBOEK_DATA_DIR``          the catalogue (leefgebieden, acties, partners, buurten); default ``data/``
``WERKBOEK_HOME``              runtime state (SQLite database, logs, results, indicators); default ``var/``
``WERKBOEK_DATABASE_URL``      a SQLAlchemy URL, e.g. ``postgresql+psycopg://user:pw@host/werkboek``;
                               default SQLite in ``WERKBOEK_HOME``
``WERKBOEK_DB_POOL``           ``none``: hold no idle database connections (behind PgBouncer)
``WERKBOEK_STORE_SERVICE``     set by the residents' server: the store service's socket (kernels)
``WERKBOEK_RESIDENT_URL``      set by ``werkboek workshop``: the address on the slips (console)
``WERKBOEK_PUBLIC_URL``        where the public results site is (``werkboek publish``): on the slips
                               and the ballot's last screen; unset: they say nothing about it
``WERKBOEK_DASHBOARD_URL``     set by the console server: the beamer's address (console)
``WERKBOEK_KERNEL_MEMORY_MB``  set by the residents' server: each resident kernel's memory limit
``HTTP_X_WERKBOEK_CLIENT``     set by the residents' page handler: the resident's address (kernel)
=============================  ================================================================

:data:`SERVING` holds the defaults of the servers (ports, kernel pool, culling, budgets); the
command line options of ``werkboek workshop`` and ``werkboek cluster`` start from them.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Variable:
    name: str
    help: str


VARIABLES = {v.name: v for v in (
    Variable("WERKBOEK_DATA_DIR", "the catalogue's folder (default data/ of the project)"),
    Variable("WERKBOEK_HOME", "runtime state: database, logs, results (default var/ of the project)"),
    Variable("WERKBOEK_DATABASE_URL", "SQLAlchemy URL of the store (default SQLite in WERKBOEK_HOME)"),
    Variable("WERKBOEK_DB_POOL", "'none': no idle database connections (PgBouncer)"),
    Variable("WERKBOEK_STORE_SERVICE", "the store service's Unix socket, for resident kernels"),
    Variable("WERKBOEK_RESIDENT_URL", "the residents' address printed on the code slips"),
    Variable("WERKBOEK_RESIDENT_NAME_URL", "the residents' address by name (mDNS, e.g. http://stemmen.local:8866/)"),
    Variable("WERKBOEK_DASHBOARD_URL", "the beamer's address, for the console's link"),
    Variable("WERKBOEK_PUBLIC_URL", "the public results site's address (http or https), for slips and the ballot"),
    Variable("WERKBOEK_KERNEL_MEMORY_MB", "memory limit of each resident kernel (0: none)"),
    Variable("HTTP_X_WERKBOEK_CLIENT", "the resident's address, handed to a kernel with its page request"),
)}

STORE_SERVICE_ENV = "WERKBOEK_STORE_SERVICE"
KERNEL_MEMORY_ENV = "WERKBOEK_KERNEL_MEMORY_MB"
KERNEL_NICE_ENV = "WERKBOEK_KERNEL_NICE"
RESIDENT_URL_ENV = "WERKBOEK_RESIDENT_URL"
RESIDENT_NAME_URL_ENV = "WERKBOEK_RESIDENT_NAME_URL"  # set when the laptop is announced as stemmen.local
DASHBOARD_URL_ENV = "WERKBOEK_DASHBOARD_URL"
# Set in a resident kernel's environment by the residents' server (from its page request):
# the client's address, for the stemcode throttle (werkboek.serving.voila_patches.clients).
CLIENT_ENV = "HTTP_X_WERKBOEK_CLIENT"


def get(name: str, default: str | None = None) -> str | None:
    """An environment setting by its name in :data:`VARIABLES` (empty counts as unset)."""
    if name not in VARIABLES:
        raise KeyError(f"{name} is not a werkboek setting (werkboek/settings.py)")
    return os.environ.get(name) or default


def data_dir() -> Path:
    return Path(get("WERKBOEK_DATA_DIR") or PROJECT_ROOT / "data")


def home_dir() -> Path:
    return Path(get("WERKBOEK_HOME") or PROJECT_ROOT / "var")


def database_url() -> str:
    return get("WERKBOEK_DATABASE_URL") or f"sqlite:///{home_dir() / 'werkboek.sqlite'}"


def public_url() -> str | None:
    """The public results site's address, or None when unset or not a plain http(s) address.

    It is printed on slips and shown on a resident's phone, so only a plain address passes
    (no spaces, quotes or angle brackets); anything else counts as unset rather than
    stopping an evening.
    """
    value = (get("WERKBOEK_PUBLIC_URL") or "").strip()
    if not value.startswith(("https://", "http://")) or len(value) > 200:
        return None
    if any(c.isspace() or c in "\"'<>`" for c in value):
        return None
    return value


def no_db_pool() -> bool:
    return get("WERKBOEK_DB_POOL") == "none"


def run_dir(home: Path | None = None) -> Path:
    """Where a running evening keeps its lock, its list of processes and its health file."""
    return (home or home_dir()) / "run"


def health_path(home: Path | None = None) -> Path:
    return run_dir(home) / "health.json"


def backups_dir(home: Path | None = None) -> Path:
    """Where the copies of the votes go (werkboek.store.backup)."""
    return (home or home_dir()) / "backups"


@dataclass(frozen=True)
class ServingDefaults:
    """The servers' defaults; each has its reason next to it."""

    resident_port: int = 8866
    console_port: int = 8867
    resident_ip: str = "0.0.0.0"  # every network of this laptop: the phones are on the venue's wifi
    console_ip: str = "127.0.0.1"  # the console is for this laptop only
    pool_size: int = 4  # preheated kernels: the first residents get a ballot at once
    pool_fill_delay: float = 5.0  # s before a taken place is refilled (a big room: 600, after the burst)
    cull_idle: int = 180  # s: a kernel whose page is gone (no websocket) is stopped 3–3.5 min after the last tap
    cull_interval: int = 30  # s between the culler's rounds
    cull_connected: int = 1200  # s: an open page without a tap for 20 minutes loses its kernel (the draft stays)
    kernels_per_address: int = 12  # kernels at once, and new ones a minute, for one client address
    kernels_per_browser: int = 3  # kernels at once for one browser
    kernel_memory_mb: int = 400  # RLIMIT_DATA of a resident kernel (it renders in ~47 MB RSS)
    # how far resident kernels lower their CPU priority below the server's (resident_kernel.yield_to_the_server);
    # 0: not lowered — +5 was not better in the crowd runs of 2026-12-04 (benchmarks/crowd/RESULTS.md, round 9)
    kernel_nice: int = 0
    kernel_mb_estimate: int = 70  # what one more resident kernel costs (USS with the map open, rounded up)
    max_kernels_cap: int = 400  # the most kernels the automatic cap ever allows
    max_kernels_share: float = 0.6  # of the free memory, for resident kernels
    console_cull_idle: int = 3600  # s: the console's kernels are few and long-lived
    console_cull_interval: int = 300
    ready_timeout: float = 90.0  # s to wait for a server to answer at start
    backup_minutes: float = 5.0  # a checked copy of the votes this often (when something came in)


SERVING = ServingDefaults()


def default_max_kernels(available_bytes: int | None = None) -> int:
    """How many resident kernels fit: 60 % of the memory free now, at ~70 MB each (10 … 400).

    The rest stays for the facilitators' console, the database and the operating system.
    """
    if available_bytes is None:
        import psutil

        available_bytes = psutil.virtual_memory().available
    fit = int(available_bytes * SERVING.max_kernels_share / (SERVING.kernel_mb_estimate * 2**20))
    return max(10, min(SERVING.max_kernels_cap, fit))


# The database, its -wal/-shm files, logs, backups and exports hold votes, remarks and
# stemcodes: readable by this user only (files 0600 in folders 0700). The ``werkboek``
# command sets this umask for itself and every process it starts.
PRIVATE_UMASK = 0o077


def private_directory(path: Path | str) -> Path:
    """Make ``path`` (and missing parents) and restrict it to this user (0700); returns it.

    A shared folder (sticky bit, like ``/tmp``) is left as it is: a database given as
    ``sqlite:////tmp/x.sqlite`` once made ``/tmp`` 0700 and broke every other user's programs
    on the machine. There the files themselves are private (:func:`private_file`, umask).
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = path.stat().st_mode
    if mode & 0o077 and not mode & stat.S_ISVTX:
        path.chmod(0o700)
    return path


def private_file(path: Path | str) -> Path:
    """Create ``path`` empty if missing, and restrict it to this user (0600); returns it."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path
