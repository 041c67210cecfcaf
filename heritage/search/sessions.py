"""The database sessions search work needs: short reads, and writes that commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.session import SessionFactory, make_session_factory


@dataclass(frozen=True, slots=True)
class Sessions:
    """Read and write session factories of one database."""

    read: SessionFactory
    write: SessionFactory

    @classmethod
    def of(cls, engine: AsyncEngine) -> Sessions:
        """Factories on ``engine`` (writes take SQLite's write lock when they begin)."""
        return cls(make_session_factory(engine), make_session_factory(engine, write=True))
