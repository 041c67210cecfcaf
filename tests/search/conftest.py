"""Fixtures of the search tests: the sample registry, once per database, on each search backend.

Elasticsearch tests use the node the test command starts (``HERITAGE_TEST_ELASTICSEARCH_URL``,
default ``http://127.0.0.1:9200``) with an index prefix of their own, and fail when it does not
answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from heritage.db.engine import create_engine
from heritage.db.session import make_session_factory
from heritage.settings import Settings
from tests.search.support import (
    SEARCH_BACKENDS,
    Registry,
    analyse,
    load_sample,
    open_registry,
    require_engine,
    search_settings,
)
from tests.support.databases import clone_database, drop_postgres_database


@dataclass(frozen=True)
class Sample:
    """A migrated database holding the sample, never connected to: cloned by each user."""

    url: str
    ids: dict[str, int]


@pytest.fixture(scope="session")
async def sample(
    backend: str, template_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Sample]:
    """The sample registry, loaded through the services once per database backend."""
    url = await clone_database(template_url, backend, tmp_path_factory.mktemp("sample"))
    engine = create_engine(Settings(database_url=url))
    try:
        async with make_session_factory(engine)() as session:
            ids = await load_sample(session)
            await session.commit()
            await analyse(session)
    finally:
        await engine.dispose()
    yield Sample(url, ids)
    if backend == "postgresql":
        await drop_postgres_database(url)


@pytest.fixture(scope="module", params=SEARCH_BACKENDS)
async def registry(
    request: pytest.FixtureRequest,
    backend: str,
    sample: Sample,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Registry]:
    """The sample on a search backend, every record indexed (read-only for the tests)."""
    search_backend: str = request.param
    if search_backend == "elasticsearch":
        await require_engine()
    tmp = tmp_path_factory.mktemp("registry")
    url = await clone_database(sample.url, backend, tmp)
    try:
        async with open_registry(search_settings(url, search_backend, tmp)) as registry:
            registry.ids = dict(sample.ids)
            await registry.sync()
            async with registry.sessions.write() as session:
                await analyse(session)
            yield registry
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)


@pytest.fixture(params=SEARCH_BACKENDS)
async def fresh_registry(
    request: pytest.FixtureRequest,
    backend: str,
    template_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Registry]:
    """An empty registry of its own on a search backend, for tests that write."""
    search_backend: str = request.param
    if search_backend == "elasticsearch":
        await require_engine()
    tmp = tmp_path_factory.mktemp("fresh")
    url = await clone_database(template_url, backend, tmp)
    try:
        async with open_registry(search_settings(url, search_backend, tmp)) as registry:
            yield registry
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)
