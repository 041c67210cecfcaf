"""Fixed statements run on the driver read exactly what SQLAlchemy reads, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db import fixed
from heritage.db.fixed import FixedStatement, FixedStatements
from heritage.db.reads import Reader, Readers
from heritage.graphql.dataloaders import Loaders
from heritage.models import Designation, HeritageObject, MediaLink, User
from heritage.models.vocab import ConditionGrade, DesignationType, ObjectStatus
from tests.db.conftest import BACKEND_PID, end_a_pooled_connection
from tests.support.api import Api
from tests.support.factories import designate, make_place, make_site


@pytest.fixture
async def object_ids(api: Api) -> list[int]:
    """Records whose columns hold every kind of value: enums, JSON, timestamps, dates, floats."""
    async with api.session() as session:
        place = await make_place(session, "平遥", alt_names=["古陶", "平陶"])
        temple = await make_site(
            session,
            "镇国寺",
            parent_id=place.id,
            alt_names=["京城寺"],
            location={"lon": 112.1184, "lat": 37.2736, "crs": "GCJ02"},
            era_raw="五代",
            condition=ConditionGrade.FAIR,
            boundary={"type": "Polygon", "coordinates": [[[112.1, 37.2], [112.2, 37.2]]]},
        )
        tower = await make_site(session, "应县木塔")
        await designate(session, temple.id, DesignationType.CPU_NATIONAL, batch_no=4)
        await designate(session, tower.id, DesignationType.CPU_PROVINCIAL)
        await session.commit()
        return [place.id, temple.id, tower.id, -1]


def _loaders(reader: Reader) -> Loaders:
    @asynccontextmanager
    async def read() -> AsyncIterator[Reader]:
        yield reader

    return Loaders(read)


LOADERS: dict[str, Callable[[Loaders], Any]] = {
    "objects": lambda loaders: loaders.objects,
    "children": lambda loaders: loaders.children,
    "designations": lambda loaders: loaders.designations,
    "status changes": lambda loaders: loaders.status_changes,
    "latest survey": lambda loaders: loaders.latest_survey,
    "surveys": lambda loaders: loaders.surveys,
    "plaques": lambda loaders: loaders.plaques,
    "media": lambda loaders: loaders.media(MediaLink.object_id),
    "changes": lambda loaders: loaders.changes(HeritageObject.__tablename__),
    "designation changes": lambda loaders: loaders.changes(Designation.__tablename__),
    "users": lambda loaders: loaders.by_id(User),
}


@pytest.mark.parametrize("name", LOADERS)
async def test_a_loader_reads_the_same_records_on_the_driver_as_through_sqlalchemy(
    name: str, readers: Readers, object_ids: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    on_driver, through_sqlalchemy = readers(), readers()
    through_sqlalchemy._fixed = FixedStatements(  # type: ignore[attr-defined]
        readers.engine.dialect,  # type: ignore[attr-defined]
        "no driver",
    )
    converted: list[FixedStatement] = []
    rows = FixedStatement.rows

    def spied(self: FixedStatement, fetched: Any) -> Any:
        converted.append(self)
        return rows(self, fetched)

    monkeypatch.setattr(FixedStatement, "rows", spied)
    try:
        driven = await LOADERS[name](_loaders(on_driver)).batch_load_fn(object_ids)
        assert len(converted) == 1  # ran on the driver
        expected = await LOADERS[name](_loaders(through_sqlalchemy)).batch_load_fn(object_ids)
        assert len(converted) == 1  # did not
    finally:
        await on_driver.close()
        await through_sqlalchemy.close()

    assert _typed(driven) == _typed(expected)


def _typed(value: Any) -> Any:
    """``value`` with the type of every column value beside it (a code string equals its
    enum member, but is not one)."""
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, tuple):
        return tuple((type(item), item) for item in value)
    return value


async def test_the_records_read_on_the_driver_hold_converted_values(
    readers: Readers, object_ids: list[int]
) -> None:
    reader = readers()
    try:
        place, temple, tower, missing = await _loaders(reader).objects.batch_load_fn(object_ids)
        changes = (
            await _loaders(reader).changes(HeritageObject.__tablename__).batch_load_fn([temple.id])
        )
    finally:
        await reader.close()

    assert missing is None
    assert (place.name, temple.parent_id, tower.name) == ("平遥", place.id, "应县木塔")
    assert temple.status is ObjectStatus.EXTANT
    assert temple.condition is ConditionGrade.FAIR
    assert temple.alt_names == ["京城寺"]
    assert temple.boundary["type"] == "Polygon"
    assert temple.created_at.tzinfo is dt.UTC
    assert isinstance(temple.lon, float)
    assert changes[0]
    assert isinstance(changes[0][0].after, dict)


def test_statements_whose_text_changes_per_execution_go_through_sqlalchemy(
    readers: Readers,
) -> None:
    expanding = select(HeritageObject.id).where(HeritageObject.id.in_([1, 2]))
    not_a_select = text("SELECT 1")
    compiled = readers.fixed  # type: ignore[attr-defined]
    assert compiled.get(expanding) is None
    assert compiled.get(not_a_select) is None
    assert compiled.get(select(HeritageObject.id).where(HeritageObject.id == 1)) is not None


def test_an_engine_echoing_its_sql_runs_everything_through_sqlalchemy(
    readers: Readers,
) -> None:
    dialect = readers.engine.dialect  # type: ignore[attr-defined]
    echoing = fixed.FixedStatements(dialect, dialect.driver, echo=True)
    assert echoing.get(select(HeritageObject.id)) is None


async def test_on_postgresql_a_lookup_on_a_dead_connection_reads_again_on_a_new_one(
    backend: str, readers: Readers, engine_of_api: AsyncEngine, object_ids: list[int]
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no server to lose")
    first_pid = await end_a_pooled_connection(readers, engine_of_api)

    reader = readers()
    try:
        found = await _loaders(reader).objects.batch_load_fn(object_ids[:1])
        second_pid = await reader.scalar(BACKEND_PID)
    finally:
        await reader.close()

    assert [record.name for record in found] == ["平遥"]
    assert second_pid != first_pid
