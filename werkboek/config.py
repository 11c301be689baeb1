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


def data_dir() -> Path:
    return Path(os.environ.get("WERKBOEK_DATA_DIR") or PROJECT_ROOT / "data")


def home_dir() -> Path:
    return Path(os.environ.get("WERKBOEK_HOME") or PROJECT_ROOT / "var")


def database_url() -> str:
    url = os.environ.get("WERKBOEK_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home_dir() / 'werkboek.sqlite'}"
