"""Keeping an index in step with the database: the outbox drain, versions, check, reindex."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, text

from heritage.db.base import utcnow
from heritage.models import SearchEntry, SearchOutbox
from heritage.models.vocab import ObjectKind
from heritage.search import SearchResult, search_request
from heritage.search.backend import VersionedBatches
from heritage.search.documents import Document, build_documents
from heritage.search.elastic import ElasticsearchBackend
from heritage.search.maintenance import check, database_batches, reindex
from heritage.search.outbox import take_version
from heritage.services.objects import SiteCreate, SiteFields, create_site, get_object, update_object
from tests.search.support import LOADER, Registry, open_registry, require_engine, search_settings
from tests.support.databases import clone_database, drop_postgres_database

pytestmark = pytest.mark.elasticsearch


async def add_sites(registry: Registry, *names: str) -> list[int]:
    async with registry.sessions.write() as session:
        session.info["actor"] = LOADER
        ids = []
        for name in names:
            data = {"kind": ObjectKind.BUILDING, "name": name, "regionCode": "140728"}
            site = await create_site(session, SiteCreate.model_validate(data))
            ids.append(site.id)
        await session.commit()
    return ids


async def rename(registry: Registry, object_id: int, name: str) -> None:
    async with registry.sessions.write() as session:
        session.info["actor"] = LOADER
        obj = await get_object(session, object_id)
        await update_object(session, object_id, obj.version, SiteFields(name=name))
        await session.commit()


async def found(registry: Registry, text: str) -> list[int]:
    result = await registry.service.primary.search(search_request(text=text))
    return [hit.object_id for hit in result.hits]


async def test_committed_writes_are_searchable_after_the_outbox_is_drained(
    fresh_registry: Registry,
) -> None:
    registry = fresh_registry
    (temple,) = await add_sites(registry, "镇国寺")
    assert await found(registry, "镇国寺") == []  # not indexed before the drain

    await registry.sync()
    assert await found(registry, "zhenguosi") == [temple]

    await rename(registry, temple, "镇国寺万佛殿")
    await registry.sync()
    assert await found(registry, "万佛殿") == [temple]
    async with registry.sessions.read() as session:
        assert await session.scalar(select(SearchOutbox.id)) is None


async def test_an_older_document_never_replaces_a_newer_one(fresh_registry: Registry) -> None:
    registry = fresh_registry
    (temple,) = await add_sites(registry, "双林寺")
    await registry.sync()
    async with registry.sessions.read() as session:
        (old,) = (await build_documents(session, [temple])).values()
    await rename(registry, temple, "双林寺彩塑")
    async with registry.sessions.read() as session:
        (new,) = (await build_documents(session, [temple])).values()
    backend = registry.service.primary

    assert await backend.write([new], 1_000_000) == {}
    assert await backend.write([old], 999_999) == {}  # arrives late, with an older version
    assert await backend.remove([temple], 999_998) == {}
    await registry.refresh()
    assert await found(registry, "彩塑") == [temple]


async def test_a_drain_that_cannot_reach_the_engine_keeps_every_row_for_a_retry(
    backend: str, template_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    await require_engine()
    tmp = tmp_path_factory.mktemp("retry")
    url = await clone_database(template_url, backend, tmp)
    dead = search_settings(
        url, "elasticsearch", tmp, elasticsearch_url=f"http://127.0.0.1:{_free_port()}"
    )
    try:
        async with open_registry(dead) as registry:
            ids = await add_sites(registry, "南禅寺", "广仁王庙", "天台庵")
            before = utcnow()

            report = await registry.service.sync()

            assert (report.indexed, report.failed) == (0, 3)
            assert "elasticsearch" in report.errors[0]
            async with registry.sessions.read() as session:
                rows = (await session.scalars(select(SearchOutbox))).all()
                entries = set(await session.scalars(select(SearchEntry.object_id)))
            assert sorted(r.object_id for r in rows) == sorted(ids)
            assert all(r.attempts == 1 and r.last_error for r in rows)
            assert all(r.next_attempt_at >= before + dt.timedelta(seconds=2) for r in rows)
            assert entries == set(ids)  # the fallback index took them meanwhile
            assert (await registry.service.sync()).failed == 0  # not due yet: nothing tried

            alive = search_settings(
                url,
                "elasticsearch",
                tmp,
                elasticsearch_index_prefix=dead.elasticsearch_index_prefix,
            )
            async with open_registry(alive) as back:
                report = await back.service.sync(retry_now=True)
                assert (report.indexed, report.failed) == (3, 0)
                await back.refresh()
                assert await found(back, "南禅寺") == [ids[0]]
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)


def _free_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_check_finds_missing_extra_and_stale_documents_and_repairs_them(
    fresh_registry: Registry,
) -> None:
    registry = fresh_registry
    backend = registry.service.primary
    ids = await add_sites(registry, "佛光寺", "南禅寺", "永乐宫", "广胜寺")
    await registry.sync()
    assert (await check(registry.sessions, backend)).differences == 0

    # A document lost, one changed behind the registry's back, one the database never had.
    await backend.remove([ids[0]], await take_version(registry.sessions))
    async with registry.sessions.write() as session:
        await session.execute(
            text("UPDATE heritage_object SET name = '永乐宫三清殿' WHERE id = :id"), {"id": ids[2]}
        )
        await session.commit()
    extra: list[int] = []
    if isinstance(backend, ElasticsearchBackend):
        async with registry.sessions.read() as session:
            (stray,) = (await build_documents(session, [ids[3]])).values()
        stray_version = await take_version(registry.sessions)
        await backend.write([Document(99_999, {**stray.body, "id": 99_999})], stray_version)
        extra = [99_999]

    report = await check(registry.sessions, backend)
    assert (report.missing, report.stale, report.extra) == ([ids[0]], [ids[2]], extra)

    repaired = await check(registry.sessions, backend, repair=True)
    assert repaired.repaired == 2 + len(extra)
    await registry.refresh()
    assert (await check(registry.sessions, backend)).differences == 0
    assert await found(registry, "三清殿") == [ids[2]]


async def test_repair_wins_over_versions_ahead_of_a_restored_database(
    fresh_registry: Registry,
) -> None:
    # The database was restored from a backup: the index holds versions its counter never gave.
    registry = fresh_registry
    backend = registry.service.primary
    (temple,) = await add_sites(registry, "崇福寺")
    await registry.sync()
    async with registry.sessions.read() as session:
        (doc,) = (await build_documents(session, [temple])).values()
    changed = {**doc.body, "names": ["别的名字"], "hash": "0" * 40}
    await backend.write([Document(temple, changed)], 10**12)
    await rename(registry, temple, "崇福寺弥陀殿")
    await registry.sync()  # refused as older than the index's version
    await registry.refresh()
    assert (await check(registry.sessions, backend)).stale == [temple]

    await check(registry.sessions, backend, repair=True)

    await registry.refresh()
    assert (await check(registry.sessions, backend)).differences == 0
    assert await found(registry, "弥陀殿") == [temple]
    await rename(registry, temple, "崇福寺观音殿")  # and later writes are taken again
    await registry.sync()
    assert await found(registry, "观音殿") == [temple]


async def test_reindex_answers_every_search_during_the_swap_and_keeps_concurrent_writes(
    fresh_registry: Registry,
) -> None:
    registry = fresh_registry
    backend = registry.service.primary
    ids = await add_sites(registry, *(f"寺{n:02d}号殿" for n in range(40)))
    await registry.sync()
    results: list[SearchResult] = []
    failures: list[BaseException] = []
    done = asyncio.Event()

    async def keep_searching() -> None:
        while not done.is_set():
            try:
                results.append(await backend.search(search_request(text="寺", first=5)))
            except Exception as exc:  # every failure is a defect here
                failures.append(exc)
            await asyncio.sleep(0)

    async def with_a_write_after_the_first_batch(batches: VersionedBatches) -> AsyncIterator[Any]:
        first = True
        async for batch in batches:
            yield batch
            if first:  # rename a record already read: only a write to the new index keeps it
                first = False
                await rename(registry, ids[0], "寺00号殿改名")
                assert (await registry.service.sync()).failed == 0

    searching = asyncio.create_task(keep_searching())
    count = await backend.reindex(
        with_a_write_after_the_first_batch(database_batches(registry.sessions, batch_size=10))
    )
    done.set()
    await searching

    assert count == 40
    assert failures == []
    assert len(results) > 3
    assert all(r.total == 40 for r in results)
    await registry.refresh()
    assert await found(registry, "改名") == [ids[0]]
    assert (await check(registry.sessions, backend)).differences == 0
    if isinstance(backend, ElasticsearchBackend):
        indices = await backend.client.indices.get_alias(name=backend.alias)
        assert len(dict(indices)) == 1
        assert await reindex(registry.sessions, backend) == 40  # and again, over the first
