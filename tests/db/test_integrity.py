"""What the database itself guarantees: no hard deletes, an append-only history, versions."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from heritage.db.history import MissingActorError, RefusedDeleteError
from heritage.db.session import make_session_factory
from heritage.models import ChangeRecord, Designation, Site
from heritage.models.vocab import DesignationType, ObjectKind
from tests.support.databases import execute_raw
from tests.support.factories import designate, make_site


async def test_the_orm_refuses_to_delete_a_site(session: AsyncSession) -> None:
    site = await make_site(session)
    site_id = site.id

    async def delete_site() -> None:
        async with session.begin_nested():
            await session.delete(site)
            await session.flush()

    with pytest.raises(RefusedDeleteError, match="never deleted"):
        await delete_site()

    assert await session.get(Site, site_id) is not None


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM heritage_object",
        "DELETE FROM designation",
        "DELETE FROM change_record",
        "UPDATE change_record SET actor_label = 'someone else'",
    ],
)
async def test_the_database_refuses_deletes_and_history_rewrites(
    session: AsyncSession, statement: str
) -> None:
    site = await make_site(session)
    await designate(session, site.id, DesignationType.CPU_COUNTY)

    with pytest.raises(DBAPIError, match="refused"):
        await execute_raw(session, statement)

    assert await session.get(Site, site.id) is not None
    assert (await session.scalars(select(Designation))).all() != []
    labels = set(await session.scalars(select(ChangeRecord.actor_label)))
    assert labels == {"test-suite"}


async def test_a_concurrent_update_of_an_old_version_fails(session: AsyncSession) -> None:
    site = await make_site(session)
    site_id = site.id
    # Simulate another writer having bumped the version since this session loaded the row.
    await session.execute(text(f"UPDATE heritage_object SET version = 5 WHERE id = {site_id}"))

    async def edit_site() -> None:
        async with session.begin_nested():
            site.use_function = "博物馆"
            await session.flush()

    with pytest.raises(StaleDataError):
        await edit_site()

    # Undo the simulated writer, which bypassed the registry (and so its change history).
    await session.execute(text(f"UPDATE heritage_object SET version = 1 WHERE id = {site_id}"))


async def test_a_write_without_an_actor_is_refused(engine: AsyncEngine) -> None:
    async with make_session_factory(engine)() as session:
        session.add(Site(kind=ObjectKind.SITE, name="无名"))
        with pytest.raises(MissingActorError):
            await session.flush()
        await session.rollback()
