"""What the app's lifespan owns and hands to every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.session import SessionFactory
from heritage.settings import Settings


@dataclass(frozen=True, slots=True)
class AppState:
    """Engine and session factories for reads and writes, and the settings they came from."""

    settings: Settings
    engine: AsyncEngine
    read_sessions: SessionFactory
    write_sessions: SessionFactory
