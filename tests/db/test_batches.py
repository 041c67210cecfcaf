"""``among_keys``: the rows of a batch's keys, on both databases, by one statement."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.batches import among_keys
from heritage.models import HeritageObject
from tests.support.api import Api
from tests.support.factories import make_site

NAMES = ["佛光寺东大殿", "南禅寺大殿", "晋祠", "独乐寺", "应县木塔"]


@pytest.fixture
async def site_ids(api: Api) -> list[int]:
    async with api.session() as session:
        sites = [await make_site(session, name) for name in NAMES]
        await session.commit()
        return [site.id for site in sites]


async def test_finds_the_rows_of_the_keys_given_whatever_their_number(
    engine_of_api: AsyncEngine, site_ids: list[int]
) -> None:
    by_id = select(HeritageObject.name).where(among_keys(HeritageObject.id))
    by_name = select(HeritageObject.id).where(among_keys(HeritageObject.name))
    async with engine_of_api.connect() as conn:

        async def names(keys: list[int]) -> set[str]:
            return set((await conn.execute(by_id, {"keys": keys})).scalars())

        one = await names(site_ids[:1])
        three = await names([site_ids[4], site_ids[1], site_ids[4], -1])
        none = await names([])
        ids = set((await conn.execute(by_name, {"keys": ["晋祠", "独乐寺", "无此名"]})).scalars())

    assert one == {"佛光寺东大殿"}
    assert three == {"南禅寺大殿", "应县木塔"}
    assert none == set()
    assert ids == {site_ids[2], site_ids[3]}


async def test_one_statement_text_serves_every_batch_size(
    engine_of_api: AsyncEngine, site_ids: list[int]
) -> None:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    query = select(HeritageObject.id).where(among_keys(HeritageObject.id))
    event.listen(engine_of_api.sync_engine, "before_cursor_execute", record)
    try:
        async with engine_of_api.connect() as conn:
            for size in (1, 2, 5):
                await conn.execute(query, {"keys": site_ids[:size]})
    finally:
        event.remove(engine_of_api.sync_engine, "before_cursor_execute", record)

    assert len(statements) == 3
    assert len(set(statements)) == 1


async def test_sqlite_looks_the_keys_up_by_the_primary_key(
    backend: str, engine_of_api: AsyncEngine, site_ids: list[int]
) -> None:
    if backend != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    # Rendered as a truth value (``… = 1``) the condition would scan the whole table.
    query = select(HeritageObject.name).where(among_keys(HeritageObject.id))
    sql = str(query.compile(dialect=sqlite.dialect()))
    keys = json.dumps(site_ids[:2])
    async with engine_of_api.connect() as conn:
        plan = (await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", (keys,))).all()

    details = " ".join(str(row[-1]) for row in plan)
    assert "SEARCH heritage_object USING INTEGER PRIMARY KEY" in details
    assert "SCAN heritage_object" not in details  # (the keys' own JSON array is scanned)
