"""Migrations: base → head → base → head on both databases, and no drift from the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from heritage.db import migrate
from heritage.db.base import Base
from heritage.models.search import is_unmapped_table
from tests.support.databases import drop_postgres_database, new_database_url


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    return {n for n in names if not is_unmapped_table(n)} - {"alembic_version"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_upgrade_downgrade_upgrade_leaves_no_drift(backend: str, tmp_path: Path) -> None:
    url = await new_database_url(backend, tmp_path)
    try:
        await migrate.upgrade(url)
        assert await _tables(url) == set(Base.metadata.tables)
        await migrate.check(url)

        await migrate.downgrade(url, "base")
        assert await _tables(url) == set()

        await migrate.upgrade(url)
        await migrate.check(url)
        assert await _tables(url) == set(Base.metadata.tables)
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)
