"""Storage backends behind one interface (:class:`Store`). SQLite is the embedded default."""

from __future__ import annotations

from pathlib import Path

from .base import PutStatus, Store
from .sqlite import SQLiteStore

__all__ = ["PutStatus", "SQLiteStore", "Store", "open_store"]


def open_store(location: str | Path, busy_timeout: float = 60.0) -> Store:
    """Open the store at ``location``: a file path (SQLite)."""
    loc = str(location)
    if loc.startswith(("postgres://", "postgresql://")):
        from ..errors import StoreError

        raise StoreError("the PostgreSQL store is not available yet in this version; use a file path")
    return SQLiteStore(loc, busy_timeout=busy_timeout)
