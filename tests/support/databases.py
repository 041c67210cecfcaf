"""Fresh test databases: SQLite files and PostgreSQL databases on the server the check started."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.settings import Settings

POSTGRES_ENV = "HERITAGE_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    """The PostgreSQL server the test command started; its absence is an error, not a skip."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: run the suite with scripts/check, which starts "
            "PostgreSQL (or start scripts/postgres-start and export its URL)"
        )
    return url


async def create_postgres_database(prefix: str = "heritage_t") -> str:
    """A new, empty database on the test server; returns its SQLAlchemy URL."""
    admin = postgres_admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin.replace("+asyncpg", ""))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base, _, _ = admin.rpartition("/")
    return Settings(database_url=f"{base}/{name}").database_url


async def drop_postgres_database(url: str) -> None:
    """Drop a database made by :func:`create_postgres_database`."""
    admin = postgres_admin_url()
    name = url.rpartition("/")[2]
    conn = await asyncpg.connect(admin.replace("+asyncpg", ""))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def new_database_url(backend: str, tmp_dir: Path) -> str:
    """A fresh empty database of ``backend``."""
    if backend == "sqlite":
        return Settings(database_url=f"sqlite:///{tmp_dir / uuid.uuid4().hex}.sqlite3").database_url
    return await create_postgres_database()


async def execute_raw(session: AsyncSession, sql: str) -> None:
    """Run raw SQL in a savepoint (a refused statement must not abort the test's transaction)."""
    async with session.begin_nested():
        await session.execute(text(sql))


async def clone_database(template_url: str, backend: str, tmp_dir: Path) -> str:
    """A copy of a migrated template database (file copy on SQLite, TEMPLATE on PostgreSQL)."""
    if backend == "sqlite":
        source = Path(template_url.split(":///", 1)[1])
        target = tmp_dir / f"{uuid.uuid4().hex}.sqlite3"
        shutil.copyfile(source, target)  # a few hundred KB: blocking is fine in a fixture
        return Settings(database_url=f"sqlite:///{target}").database_url
    admin = postgres_admin_url()
    template = template_url.rpartition("/")[2]
    name = f"heritage_c_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin.replace("+asyncpg", ""))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    base, _, _ = admin.rpartition("/")
    return Settings(database_url=f"{base}/{name}").database_url
