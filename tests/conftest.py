"""Fixtures shared by the whole suite: real databases built by the real migrations.

Every database test runs twice, on SQLite (the embedded default) and on the PostgreSQL server
that ``scripts/check`` starts (``HERITAGE_TEST_POSTGRES_URL``). Each test runs inside a
transaction that is rolled back, after checking that every row it wrote has its change record.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from heritage.context import Actor
from heritage.db import migrate
from heritage.db.base import Base
from heritage.db.engine import create_engine
from heritage.db.reads import Readers, open_readers
from heritage.db.session import RegistrySession
from heritage.models import ChangeRecord
from heritage.models.vocab import ChangeAction, UserRole
from heritage.settings import Settings
from tests.support.api import Api, running_api
from tests.support.databases import clone_database, drop_postgres_database, new_database_url

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of the running test."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
async def migrated_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database of ``backend`` built by running every migration."""
    url = await new_database_url(backend, tmp_path_factory.mktemp("db"))
    await migrate.upgrade(url)
    yield url
    if backend == "postgresql":
        await drop_postgres_database(url)


@pytest.fixture(scope="session")
async def template_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated database that is never connected to, cloned for tests that commit."""
    url = await new_database_url(backend, tmp_path_factory.mktemp("template"))
    await migrate.upgrade(url)
    yield url
    if backend == "postgresql":
        await drop_postgres_database(url)


@pytest.fixture
async def api(backend: str, template_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """The app on a fresh clone of the migrated database, with a token per role.

    After the test, every row written through the API must have its change records.
    """
    url = await clone_database(template_url, backend, tmp_path)
    try:
        async with running_api(url, media_root=tmp_path / "media") as running:
            yield running
            async with running.session() as session:
                await assert_every_write_recorded(session)
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)


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


@pytest.fixture(scope="session")
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated test database."""
    engine = create_engine(Settings(database_url=migrated_url))
    yield engine
    await engine.dispose()


TEST_ACTOR = Actor(label="test-suite", role=UserRole.ADMINISTRATOR)


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test.

    Before rolling back, every row the test wrote must have its change record: the history
    hook is checked on every write of the suite, not only by the tests that look at it.
    """
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection,
            expire_on_commit=False,
            sync_session_class=RegistrySession,
            join_transaction_mode="create_savepoint",
        )
        session.info["actor"] = TEST_ACTOR
        try:
            yield session
            await assert_every_write_recorded(session)
        finally:
            await session.close()
            await transaction.rollback()


async def assert_every_write_recorded(session: AsyncSession) -> None:
    """Each row in a tracked table has a CREATE record, and as many records as its version."""
    await session.flush()
    for table in Base.metadata.sorted_tables:
        model = _model_of(table.name)
        if model is None or not model.__tracked__:
            continue
        rows = (await session.execute(select(table.c.id, *_version(table)))).all()
        if not rows:
            continue
        counts = dict(
            (
                await session.execute(
                    select(ChangeRecord.object_id, func.count())
                    .where(ChangeRecord.object_type == table.name)
                    .group_by(ChangeRecord.object_id)
                )
            ).all()
        )
        created = set(
            await session.scalars(
                select(ChangeRecord.object_id).where(
                    ChangeRecord.object_type == table.name,
                    ChangeRecord.action == ChangeAction.CREATE,
                )
            )
        )
        for row in rows:
            assert row.id in created, f"{table.name} {row.id} has no CREATE change record"
            version = row.version if "version" in table.c else 1
            assert counts.get(row.id, 0) >= version, (
                f"{table.name} {row.id} is at version {version} "
                f"but has {counts.get(row.id, 0)} change records"
            )


def _version(table: Table) -> list[Column[Any]]:
    return [table.c.version] if "version" in table.c else []


def _model_of(table_name: str) -> type[Base] | None:
    for mapper in Base.registry.mappers:
        model: type[Base] = mapper.class_
        if getattr(model, "__tablename__", None) == table_name:
            return model
    return None


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every HERITAGE_* variable, so settings tests start from the defaults."""
    for key in list(os.environ):
        if key.startswith("HERITAGE_"):
            monkeypatch.delenv(key)
