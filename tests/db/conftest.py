"""Helpers of the database tests (their fixtures are the whole suite's, in tests/conftest.py)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import QueuePool, text
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.reads import Readers, SessionReaders, ThreadReaders

BACKEND_PID = text("SELECT pg_backend_pid()")


def checked_out(readers: Readers) -> int:
    """How many of the readers' pooled connections are in use."""
    assert isinstance(readers, ThreadReaders | SessionReaders)
    return cast(QueuePool, readers.engine.pool).checkedout()


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
