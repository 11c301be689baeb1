"""The vote store (SQLAlchemy; SQLite by default, PostgreSQL via ``WERKBOEK_DATABASE_URL``).

The names are loaded lazily (PEP 562): ``werkboek.model.records`` can be imported by a
resident kernel without pulling in SQLAlchemy.
"""

from __future__ import annotations

__all__ = ["Code", "Receipt", "Store", "StoredBallot"]


def __getattr__(name: str):
    if name == "Store":
        from werkboek.store.store import Store

        return Store
    if name in ("Code", "Receipt", "StoredBallot"):
        from werkboek.store import records

        return getattr(records, name)
    raise AttributeError(f"module 'werkboek.store' has no attribute {name!r}")
