"""Fixtures of the database tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.engine import create_engine
from heritage.db.reads import Readers, open_readers
from heritage.settings import Settings
from tests.support.api import Api

BACKEND_PID = text("SELECT pg_backend_pid()")


@pytest.fixture
async def engine_of_api(api: Api) -> AsyncIterator[AsyncEngine]:
    """An engine on the app's database (its own, so the test can commit)."""
    engine = create_engine(Settings(database_url=api.database_url))
    yield engine
    await engine.dispose()


@pytest.fixture
async def readers(engine_of_api: AsyncEngine) -> AsyncIterator[Readers]:
    """The API's readers on the app's database."""
    made = open_readers(engine_of_api)
    yield made
    await made.dispose()


async def end_a_pooled_connection(readers: Readers, engine_of_api: AsyncEngine) -> int:
    """Have PostgreSQL end the connection a reader just gave back to the pool; its process id."""
    reader = readers()
    try:
        pid = int(await reader.scalar(BACKEND_PID))
    finally:
        await reader.close()  # back to the pool, where the server now ends it
    async with engine_of_api.connect() as admin:
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    return pid
