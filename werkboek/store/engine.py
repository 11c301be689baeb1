"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with ``synchronous=FULL`` (an acknowledged ballot survives a power
cut) and a generous busy timeout. Write transactions start with ``BEGIN IMMEDIATE`` so that
many resident kernels (each its own process) queue for the write lock instead of failing
with "database is locked" when a read transaction tries to upgrade to a write.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from werkboek.errors import WerkboekError
from werkboek.settings import no_db_pool

BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        if no_db_pool():
            # many kernels (one process each) behind PgBouncer: hold no idle connections, and no
            # server-side prepared statements (PgBouncer before 1.21 cannot route them)
            return create_engine(url, poolclass=NullPool, connect_args={"prepare_threshold": None})
        # a resident kernel is one process with one thread: one connection, a little slack
        return create_engine(url, pool_pre_ping=True, pool_size=1, max_overflow=2)
    raise WerkboekError(f"database '{parsed.get_backend_name()}' wordt niet ondersteund: gebruik sqlite of postgresql")


def _sqlite_engine(url: str) -> Engine:
    from werkboek.settings import private_directory, private_file

    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        # votes and remarks: this user only. SQLite gives the -wal and -shm files the mode of
        # the database file, so creating that one 0600 covers all three.
        private_directory(Path(database).parent)
        private_file(database)
        for suffix in ("-wal", "-shm", "-journal"):
            if Path(database + suffix).exists():
                private_file(database + suffix)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is off).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
