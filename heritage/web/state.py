"""What the app's lifespan owns and hands to every request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.reads import Readers
from heritage.db.session import SessionFactory
from heritage.search.service import SearchService
from heritage.settings import Settings
from heritage.web.media_store import MediaStore


async def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class AppState:
    """Engine and session factories for reads and writes, media storage, and their settings.

    ``readers`` serve the API's reads (:mod:`heritage.db.reads`); ``read_sessions`` the
    other routes' (media, plaques, exports).

    ``after_commit`` runs after each request that committed a write (e.g. to let the search
    index catch up); it must not raise.
    """

    settings: Settings
    engine: AsyncEngine
    read_sessions: SessionFactory
    readers: Readers
    write_sessions: SessionFactory
    media: MediaStore
    search: SearchService | None = None
    after_commit: Callable[[], Awaitable[None]] = field(default=_nothing)
