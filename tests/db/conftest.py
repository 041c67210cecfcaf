"""Fixtures of the database tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.engine import create_engine
from heritage.settings import Settings
from tests.support.api import Api


@pytest.fixture
async def engine_of_api(api: Api) -> AsyncIterator[AsyncEngine]:
    """An engine on the app's database (its own, so the test can commit)."""
    engine = create_engine(Settings(database_url=api.database_url))
    yield engine
    await engine.dispose()
