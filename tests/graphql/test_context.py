"""The request context's reads: one connection per request, taken early when asked."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.engine import create_engine
from heritage.db.reads import Readers, open_readers
from heritage.db.session import make_session_factory
from heritage.graphql.context import RequestContext
from heritage.models import HeritageObject
from heritage.settings import Settings
from tests.db.conftest import checked_out


def _context(readers: Readers, engine: AsyncEngine) -> RequestContext:
    return RequestContext(
        settings=Settings(database_url=engine.url.render_as_string(hide_password=False)),
        readers=readers,
        write_sessions=make_session_factory(engine, write=True),
        request_id="test",
    )


async def test_reads_opened_early_use_the_connection_taken_and_give_it_back(
    readers: Readers, engine_of_api: AsyncEngine
) -> None:
    context = _context(readers, engine_of_api)
    context.open_reads()
    context.open_reads()  # asked twice: still one connection
    await asyncio.sleep(0)  # the opening runs, as while a search waits for the engine
    assert checked_out(readers) == 1

    async with context.read() as reader:
        rows = await reader.rows(select(HeritageObject.id).limit(1))
        assert checked_out(readers) == 1
    await context.close()

    assert isinstance(rows, list | tuple)
    assert checked_out(readers) == 0


async def test_a_request_closed_before_its_early_opening_ran_keeps_no_connection(
    readers: Readers, engine_of_api: AsyncEngine
) -> None:
    context = _context(readers, engine_of_api)
    context.open_reads()
    await context.close()  # before the opening task had a turn
    await asyncio.sleep(0)

    assert checked_out(readers) == 0
    async with context.read():  # and the context still reads afterwards
        pass
    await context.close()
    assert checked_out(readers) == 0


async def test_a_failed_early_opening_is_reported_by_the_read_that_follows(
    tmp_path: Path,
) -> None:
    engine = create_engine(
        Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/missing/registry.db")
    )
    readers = open_readers(engine)
    context = _context(readers, engine)
    try:
        context.open_reads()
        await asyncio.sleep(0)
        with pytest.raises(OperationalError):
            async with context.read() as reader:
                await reader.rows(select(HeritageObject.id))
    finally:
        await context.close()
        await readers.dispose()
        await engine.dispose()


async def test_a_closed_context_is_freed_without_the_cycle_collector(
    readers: Readers, engine_of_api: AsyncEngine
) -> None:
    # A server runs the cycle collector rarely (heritage serve): a request held in a cycle
    # would keep its records until then, and freeing many at once pauses a later request.
    gc.disable()  # from the start: a collection meanwhile would free a cycle too
    try:
        context = _context(readers, engine_of_api)
        await context.loaders.objects.load_batch([1])
        await context.close()
        context_ref = weakref.ref(context)
        del context
        assert context_ref() is None
    finally:
        gc.enable()
