"""The API's readers: the same answers on both databases, one snapshot per request on SQLite,
every connection given back."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.engine import create_engine
from heritage.db.reads import Readers, SessionReaders, ThreadReaders, open_readers
from heritage.models import HeritageObject, Site
from heritage.settings import Settings
from tests.db.conftest import BACKEND_PID, checked_out, end_a_pooled_connection
from tests.support.api import Api
from tests.support.factories import make_site


async def _add_site(api: Api, name: str) -> int:
    async with api.session() as session:
        site = await make_site(session, name)
        await session.commit()
        return site.id


async def test_a_sqlite_file_is_read_in_worker_threads_and_postgresql_by_sessions(
    backend: str, readers: Readers
) -> None:
    expected = ThreadReaders if backend == "sqlite" else SessionReaders
    assert isinstance(readers, expected)


async def test_readers_answer_rows_scalars_and_entities(api: Api, readers: Readers) -> None:
    site_id = await _add_site(api, "佛光寺东大殿")
    reader = readers()
    try:
        rows = await reader.rows(
            select(HeritageObject.id, HeritageObject.name).where(HeritageObject.id == site_id)
        )
        count = await reader.scalar(select(text("count(*)")).select_from(HeritageObject))
        sites = await reader.entities(select(Site).where(Site.id == site_id))
    finally:
        await reader.close()

    assert [tuple(row) for row in rows] == [(site_id, "佛光寺东大殿")]
    assert count >= 1
    assert [site.name for site in sites] == ["佛光寺东大殿"]


async def test_on_sqlite_a_requests_reads_share_one_snapshot(
    backend: str, api: Api, readers: Readers
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL reads each see the newest committed state (READ COMMITTED)")
    names = select(HeritageObject.name).order_by(HeritageObject.id)
    reader = readers()
    try:
        before = await reader.rows(names)
        await _add_site(api, "南禅寺大殿")  # committed by another connection meanwhile
        again = await reader.rows(names, lookup=True)  # run in place, same transaction
        on_driver = await reader.rows(names, lookup=True, fixed=True)  # by sqlite3 itself
    finally:
        await reader.close()
    fresh = readers()
    try:
        after = await fresh.rows(names)
    finally:
        await fresh.close()

    assert again == before
    assert [tuple(row) for row in on_driver] == [tuple(row) for row in before]
    assert [row[0] for row in after][-1] == "南禅寺大殿"


async def test_on_postgresql_reads_open_no_transaction(backend: str, readers: Readers) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite reads keep one transaction for their snapshot")
    reader = readers()
    try:
        # In a transaction now() stays at its start; in autocommit each statement is its own.
        first = await reader.scalar(text("SELECT now()"))
        await asyncio.sleep(0.01)
        second = await reader.scalar(text("SELECT now()"))
    finally:
        await reader.close()

    assert second > first


async def test_closed_readers_give_every_connection_back(
    backend: str, api: Api, readers: Readers, engine_of_api: AsyncEngine
) -> None:
    async def read_once() -> None:
        reader = readers()
        try:
            await reader.rows(select(HeritageObject.id).limit(1))
        finally:
            await reader.close()

    # More at once than the readers keep connections or threads for.
    await asyncio.gather(*(read_once() for _ in range(40)))

    assert checked_out(readers) == 0


async def test_a_reader_opened_early_reads_on_the_connection_it_took(
    api: Api, readers: Readers
) -> None:
    site_id = await _add_site(api, "南禅寺大殿")
    reader = readers()
    try:
        await reader.open()
        assert checked_out(readers) == 1
        await reader.open()  # again: the same connection
        rows = await reader.rows(select(HeritageObject.name).where(HeritageObject.id == site_id))
        assert checked_out(readers) == 1
    finally:
        await reader.close()

    assert [tuple(row) for row in rows] == [("南禅寺大殿",)]
    assert checked_out(readers) == 0


async def test_worker_threads_see_the_callers_context_variables(readers: Readers) -> None:
    if not isinstance(readers, ThreadReaders):
        pytest.skip("reads run in worker threads on SQLite only")
    seen: list[str] = []
    marker: ContextVar[str] = ContextVar("marker", default="unset")

    def record(*_: object) -> None:
        seen.append(marker.get())

    event.listen(readers.engine, "before_cursor_execute", record)
    marker.set("request-7")
    reader = readers()
    try:
        await reader.rows(select(HeritageObject.id).limit(1))
    finally:
        await reader.close()
        event.remove(readers.engine, "before_cursor_execute", record)

    assert seen
    assert set(seen) == {"request-7"}


def test_an_in_memory_sqlite_database_is_read_through_its_own_engine() -> None:
    engine = create_engine(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    assert isinstance(open_readers(engine), SessionReaders)


async def test_on_postgresql_a_dead_pooled_connection_is_replaced_without_an_error(
    backend: str, readers: Readers, engine_of_api: AsyncEngine
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no server to lose")
    first_pid = await end_a_pooled_connection(readers, engine_of_api)

    reader = readers()
    try:
        second_pid = await reader.scalar(BACKEND_PID)
        rows = await reader.rows(select(HeritageObject.id).limit(1))
    finally:
        await reader.close()

    assert second_pid != first_pid
    assert rows is not None
