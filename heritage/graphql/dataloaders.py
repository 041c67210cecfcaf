"""DataLoaders: one query per relation per request, whatever the page size.

Loaders live on the request context (never shared across requests) and run their batches on
the request's read session one at a time (``RequestContext.read``), because graphql-core
resolves sibling fields concurrently and an ``AsyncSession`` must not be used by two coroutines
at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from functools import cached_property
from typing import Any, Generic, TypeVar

from graphene.utils.dataloader import DataLoader
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from heritage.db.base import Base
from heritage.models import (
    ArchiveItem,
    ChangeRecord,
    Craftsman,
    Designation,
    HeritageObject,
    Incident,
    Intervention,
    InterventionCraftsman,
    MappingDeliverable,
    MappingRecord,
    MediaAsset,
    MediaLink,
    Plaque,
    StatusChange,
    SurveyRecord,
    User,
)

ModelT = TypeVar("ModelT", bound=Base)

# Where a batch gets its session: the request's read session (``RequestContext.read``).
SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


class _SessionLoader(DataLoader):
    def __init__(self, sessions: SessionFactory) -> None:
        super().__init__()
        self.sessions = sessions


class ByIdLoader(_SessionLoader, Generic[ModelT]):
    """Rows by primary key; a missing id yields ``None``."""

    def __init__(self, sessions: SessionFactory, model: type[ModelT]) -> None:
        super().__init__(sessions)
        self.model = model

    async def batch_load_fn(self, keys: Sequence[int]) -> list[ModelT | None]:
        async with self.sessions() as session:
            column: Any = self.model.id  # type: ignore[attr-defined]
            rows = (await session.scalars(select(self.model).where(column.in_(keys)))).all()
        by_id = {row.id: row for row in rows}  # type: ignore[attr-defined]
        return [by_id.get(key) for key in keys]


class RowsByKeyLoader(_SessionLoader, Generic[ModelT]):
    """All rows whose ``key`` column equals each requested key, grouped, in ``order`` order."""

    def __init__(
        self,
        sessions: SessionFactory,
        model: type[ModelT],
        key: InstrumentedAttribute[Any],
        order: Sequence[Any],
        where: Sequence[ColumnElement[bool]] = (),
    ) -> None:
        super().__init__(sessions)
        self.model, self.key, self.order, self.where = model, key, order, where

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[ModelT]]:
        query = select(self.model).where(self.key.in_(keys), *self.where).order_by(*self.order)
        async with self.sessions() as session:
            rows = (await session.scalars(query)).all()
        grouped: dict[int, list[ModelT]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, self.key.key)].append(row)
        return [grouped.get(key, []) for key in keys]


class LatestSurveyByObjectLoader(_SessionLoader):
    """The most recent survey of each object (a window function: one row per object)."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[SurveyRecord | None]:
        ranked = (
            select(
                SurveyRecord.id,
                func.row_number()
                .over(
                    partition_by=SurveyRecord.object_id,
                    order_by=(SurveyRecord.surveyed_on.desc(), SurveyRecord.id.desc()),
                )
                .label("rank"),
            )
            .where(SurveyRecord.object_id.in_(keys))
            .subquery()
        )
        query = (
            select(SurveyRecord)
            .join(ranked, ranked.c.id == SurveyRecord.id)
            .where(ranked.c.rank == 1)
        )
        async with self.sessions() as session:
            rows = (await session.scalars(query)).all()
        by_object = {row.object_id: row for row in rows}
        return [by_object.get(key) for key in keys]


class MediaByTargetLoader(_SessionLoader):
    """Media assets attached to records through one of ``media_link``'s target columns."""

    def __init__(self, sessions: SessionFactory, target: InstrumentedAttribute[Any]) -> None:
        super().__init__(sessions)
        self.target = target

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[MediaAsset]]:
        query = (
            select(self.target, MediaAsset)
            .join(MediaAsset, MediaAsset.id == MediaLink.media_asset_id)
            .where(self.target.in_(keys))
            .order_by(MediaLink.position, MediaLink.id)
        )
        async with self.sessions() as session:
            rows = (await session.execute(query)).all()
        grouped: dict[int, list[MediaAsset]] = defaultdict(list)
        for key, asset in rows:
            grouped[key].append(asset)
        return [grouped.get(key, []) for key in keys]


class ChangesByObjectLoader(_SessionLoader):
    """The change history of rows of one table, newest first."""

    def __init__(self, sessions: SessionFactory, object_type: str) -> None:
        super().__init__(sessions)
        self.object_type = object_type

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[ChangeRecord]]:
        query = (
            select(ChangeRecord)
            .where(ChangeRecord.object_type == self.object_type, ChangeRecord.object_id.in_(keys))
            .order_by(ChangeRecord.id.desc())
        )
        async with self.sessions() as session:
            rows = (await session.scalars(query)).all()
        grouped: dict[int, list[ChangeRecord]] = defaultdict(list)
        for row in rows:
            grouped[row.object_id].append(row)
        return [grouped.get(key, []) for key in keys]


class Loaders:
    """Every loader of one request, created on first use.

    The named relations are cached properties: resolvers ask for them once per node.
    """

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._made: dict[str, DataLoader] = {}

    def _get(self, name: str, factory: Any) -> Any:
        if name not in self._made:
            self._made[name] = factory()
        return self._made[name]

    def by_id(self, model: type[ModelT]) -> ByIdLoader[ModelT]:
        """``<Model>ByIdLoader``."""
        name = f"{model.__name__}ByIdLoader"
        loader: ByIdLoader[ModelT] = self._get(name, lambda: ByIdLoader(self._sessions, model))
        return loader

    def rows(
        self,
        model: type[ModelT],
        key: InstrumentedAttribute[Any],
        order: Sequence[Any] | None = None,
        where: Sequence[ColumnElement[bool]] = (),
        name: str | None = None,
    ) -> RowsByKeyLoader[ModelT]:
        """``<Model>By<Key>Loader``: the rows of ``model`` grouped by ``key``."""
        name = name or f"{model.__name__}By{key.key}Loader"
        order = order if order is not None else [model.id]  # type: ignore[attr-defined]
        loader: RowsByKeyLoader[ModelT] = self._get(
            name, lambda: RowsByKeyLoader(self._sessions, model, key, order, where)
        )
        return loader

    @cached_property
    def latest_survey(self) -> LatestSurveyByObjectLoader:
        """LatestSurveyByObjectLoader."""
        loader: LatestSurveyByObjectLoader = self._get(
            "LatestSurveyByObjectLoader", lambda: LatestSurveyByObjectLoader(self._sessions)
        )
        return loader

    def media(self, target: InstrumentedAttribute[Any]) -> MediaByTargetLoader:
        """``MediaBy<Target>Loader``."""
        loader: MediaByTargetLoader = self._get(
            f"MediaBy{target.key}Loader", lambda: MediaByTargetLoader(self._sessions, target)
        )
        return loader

    def changes(self, object_type: str) -> ChangesByObjectLoader:
        """``ChangesBy<Table>Loader``."""
        loader: ChangesByObjectLoader = self._get(
            f"ChangesBy{object_type}Loader",
            lambda: ChangesByObjectLoader(self._sessions, object_type),
        )
        return loader

    # Named relations used by the object types.
    @cached_property
    def designations(self) -> RowsByKeyLoader[Designation]:
        """DesignationsByObjectLoader."""
        return self.rows(Designation, Designation.object_id, name="DesignationsByObjectLoader")

    @cached_property
    def surveys(self) -> RowsByKeyLoader[SurveyRecord]:
        """SurveysByObjectLoader, newest first."""
        return self.rows(
            SurveyRecord,
            SurveyRecord.object_id,
            [SurveyRecord.surveyed_on.desc(), SurveyRecord.id.desc()],
            name="SurveysByObjectLoader",
        )

    @cached_property
    def mapping_records(self) -> RowsByKeyLoader[MappingRecord]:
        """MappingRecordsByObjectLoader."""
        return self.rows(
            MappingRecord, MappingRecord.object_id, name="MappingRecordsByObjectLoader"
        )

    @cached_property
    def deliverables(self) -> RowsByKeyLoader[MappingDeliverable]:
        """DeliverablesByMappingRecordLoader."""
        return self.rows(
            MappingDeliverable,
            MappingDeliverable.mapping_record_id,
            name="DeliverablesByMappingRecordLoader",
        )

    @cached_property
    def plaques(self) -> RowsByKeyLoader[Plaque]:
        """PlaquesByObjectLoader."""
        return self.rows(Plaque, Plaque.object_id, name="PlaquesByObjectLoader")

    @cached_property
    def archive_items(self) -> RowsByKeyLoader[ArchiveItem]:
        """ArchiveItemsByObjectLoader."""
        return self.rows(ArchiveItem, ArchiveItem.object_id, name="ArchiveItemsByObjectLoader")

    @cached_property
    def interventions(self) -> RowsByKeyLoader[Intervention]:
        """InterventionsByObjectLoader."""
        return self.rows(Intervention, Intervention.object_id, name="InterventionsByObjectLoader")

    @cached_property
    def intervention_craftsmen(self) -> RowsByKeyLoader[InterventionCraftsman]:
        """CraftsmenByInterventionLoader (the assignment rows)."""
        return self.rows(
            InterventionCraftsman,
            InterventionCraftsman.intervention_id,
            name="CraftsmenByInterventionLoader",
        )

    @cached_property
    def works_of_craftsman(self) -> RowsByKeyLoader[InterventionCraftsman]:
        """WorksByCraftsmanLoader (the assignment rows)."""
        return self.rows(
            InterventionCraftsman,
            InterventionCraftsman.craftsman_id,
            name="WorksByCraftsmanLoader",
        )

    @cached_property
    def incidents(self) -> RowsByKeyLoader[Incident]:
        """IncidentsByObjectLoader, newest first."""
        return self.rows(
            Incident,
            Incident.object_id,
            [Incident.occurred_on.desc(), Incident.id.desc()],
            name="IncidentsByObjectLoader",
        )

    @cached_property
    def status_changes(self) -> RowsByKeyLoader[StatusChange]:
        """StatusChangesByObjectLoader."""
        return self.rows(StatusChange, StatusChange.object_id, name="StatusChangesByObjectLoader")

    @cached_property
    def children(self) -> RowsByKeyLoader[HeritageObject]:
        """ChildrenByObjectLoader: the places and sites contained in each object."""
        return self.rows(HeritageObject, HeritageObject.parent_id, name="ChildrenByObjectLoader")

    @cached_property
    def objects(self) -> ByIdLoader[HeritageObject]:
        """HeritageObjectByIdLoader."""
        return self.by_id(HeritageObject)

    @cached_property
    def craftsmen(self) -> ByIdLoader[Craftsman]:
        """CraftsmanByIdLoader."""
        return self.by_id(Craftsman)

    @cached_property
    def users(self) -> ByIdLoader[User]:
        """UserByIdLoader."""
        return self.by_id(User)
