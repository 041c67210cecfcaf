"""Sessions: one per request or command, owned by the edge; services never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from heritage.db.engine import WRITE_OPTION
from heritage.db.history import install_history_hooks


class RegistrySession(Session):
    """The synchronous session behind every ``AsyncSession``; it carries the write hooks."""


install_history_hooks(RegistrySession)

SessionFactory = async_sessionmaker[AsyncSession]


def make_session_factory(engine: AsyncEngine, *, write: bool = False) -> SessionFactory:
    """Sessions bound to ``engine``; ``write=True`` takes SQLite's write lock at BEGIN."""
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    return async_sessionmaker(bind, expire_on_commit=False, sync_session_class=RegistrySession)
