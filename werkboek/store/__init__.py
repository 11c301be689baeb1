"""The vote store (SQLAlchemy; SQLite by default, PostgreSQL via ``WERKBOEK_DATABASE_URL``)."""

from .store import Code, Receipt, Store, StoredBallot

__all__ = ["Code", "Receipt", "Store", "StoredBallot"]
