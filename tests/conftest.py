"""Shared fixtures: the catalogue, stores on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from werkboek.model.catalogue import catalogue as _catalogue  # noqa: E402
from werkboek.store import Store  # noqa: E402

REQUIRE_ALL = os.environ.get("WERKBOEK_REQUIRE_ALL") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a tool is missing locally; in CI (WERKBOEK_REQUIRE_ALL=1) fail instead."""
    if not condition:
        if REQUIRE_ALL:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def catalogue():
    return _catalogue()


@pytest.fixture(scope="session")
def postgres_server():
    from support.pg import TempPostgres, find_bindir

    need(find_bindir() is not None, "PostgreSQL server binaries not installed")
    server = TempPostgres()
    server.start()
    yield server
    server.stop()


_db_counter = itertools.count()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'werkboek.sqlite'}"


@pytest.fixture
def postgres_url(postgres_server):
    return postgres_server.new_database(f"t{next(_db_counter)}_{os.getpid()}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'werkboek.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(db_url, catalogue):
    s = Store(db_url, catalogue=catalogue)
    yield s
    s.close()


@pytest.fixture
def open_workshop(store, catalogue):
    """An open workshop with two acties per leefgebied on the ballot, 5 stippen each."""
    acties = [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:2]]
    ws = store.create_workshop("Buurtavond Vrieheide", method="punten", method_params={"points": 5},
                               acties=acties, location="Buurthuis")
    return store.open_voting(ws.id)
