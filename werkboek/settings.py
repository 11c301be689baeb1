"""Where the workbook finds its data and keeps its state.

Environment variables (all optional):

``WERKBOEK_DATA_DIR``      the catalogue (leefgebieden, acties, partners, buurten); default ``data/`` of the project
``WERKBOEK_HOME``          runtime state (the SQLite database, scenario results); default ``var/`` of the project
``WERKBOEK_DATABASE_URL``  a SQLAlchemy URL, e.g. ``postgresql+psycopg://user:pw@host/werkboek``;
                           default SQLite in ``WERKBOEK_HOME``
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Set in a resident kernel's environment by the residents' server (from its page request):
# the client's address, for the stemcode throttle (werkboek.serving.voila_patches.clients).
CLIENT_ENV = "HTTP_X_WERKBOEK_CLIENT"


def data_dir() -> Path:
    return Path(os.environ.get("WERKBOEK_DATA_DIR") or PROJECT_ROOT / "data")


def home_dir() -> Path:
    return Path(os.environ.get("WERKBOEK_HOME") or PROJECT_ROOT / "var")


def database_url() -> str:
    url = os.environ.get("WERKBOEK_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home_dir() / 'werkboek.sqlite'}"


# The database, its -wal/-shm files, logs, backups and exports hold votes, remarks and
# stemcodes: readable by this user only (files 0600 in folders 0700). The ``werkboek``
# command sets this umask for itself and every process it starts.
PRIVATE_UMASK = 0o077


def private_directory(path: Path | str) -> Path:
    """Make ``path`` (and missing parents) and restrict it to this user (0700); returns it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
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
