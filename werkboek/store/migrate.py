"""Bring a database to the schema this code expects (Alembic), safely from many processes.

Alembic is only imported when a migration is actually due, so resident kernels that open
an up-to-date database pay nothing for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from werkboek.store.schema import SCHEMA_REVISION

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _run(engine: Engine, step, revision: str) -> None:
    """One Alembic command in one transaction, holding the database's write lock."""
    cfg = _config()
    with engine.execution_options(write=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(917)"))  # 917: Heerlen's CBS number
        cfg.attributes["connection"] = conn
        step(cfg, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run pending migrations in one transaction, holding the database's write lock.

    Concurrent callers wait for the first one and then find nothing left to do.
    """
    from alembic import command

    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (a release rolled back; the migrations' tests).

    What the later migrations added is dropped with its data: back up first
    (``werkboek db backup``).
    """
    from alembic import command

    _run(engine, command.downgrade, revision)


def ensure_current(engine: Engine) -> None:
    if current_revision(engine) != SCHEMA_REVISION:
        upgrade(engine)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()
