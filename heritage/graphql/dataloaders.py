"""DataLoaders: one query per relation per request, whatever the page size.

Loaders live on the request context (never shared across requests) and run their batches on
the request's reader one at a time (``RequestContext.read``), because graphql-core resolves
sibling fields concurrently and a connection must not be used by two coroutines at once.

They answer with read-only records (:mod:`heritage.graphql.rows`), not ORM instances: the
rows are selected with Core. Each loader's statement is built once per process, with the
batch's keys as one parameter (:func:`heritage.db.batches.among_keys`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from functools import cached_property
from typing import Any, Generic, TypeVar

from graphene.utils.dataloader import DataLoader
from sqlalchemy import ColumnElement, Executable, func, select
from sqlalchemy.orm import InstrumentedAttribute

from heritage.db.base import Base
from heritage.db.batches import KEYS, among_keys
from heritage.db.reads import Reader
from heritage.graphql.rows import records
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

# Where a batch gets its reader: the request's (``RequestContext.read``).
ReaderSource = Callable[[], AbstractAsyncContextManager[Reader]]


# Statements by what they load (a loader kind and what tells its queries apart), built on
# first use and then reused by every request: a named relation's name stands for one query.
_statements: dict[tuple[str, str], Any] = {}


def _statement(kind: str, name: str, build: Callable[[], Executable]) -> Any:
    statement = _statements.get((kind, name))
    if statement is None:
        statement = _statements[kind, name] = build()
    return statement


class _ReaderLoader(DataLoader):
    def __init__(self, readers: ReaderSource) -> None:
        super().__init__()
        self.readers = readers

    def load(self, key: Any = None) -> Any:
        # Resolvers ask again for what the page's prefetch already asked: answer from the
        # cache (keys are their own cache keys) without the general path's checks.
        cached = self._cache.get(key)
        return cached if cached is not None else super().load(key)

    async def load_batch(self, keys: Sequence[Any]) -> list[Any]:
        """The values of ``keys``, the uncached ones fetched in one batch now rather than when
        the loader's scheduled dispatch comes round; kept in the cache for later loads."""
        missing = [key for key in dict.fromkeys(keys) if key not in self._cache]
        if missing:
            for key, value in zip(missing, await self.batch_load_fn(missing), strict=True):
                self.prime(key, value)
        return [await self._cache[key] for key in keys]

    async def _fetch(
        self, statement: Any, keys: Sequence[Any], *, lookup: bool = False
    ) -> Sequence[Sequence[Any]]:
        """The rows of ``statement`` (one of :func:`_statement`'s) for ``keys``, on the
        request's reader (``lookup``: at most one row per key, see
        :meth:`~heritage.db.reads.Reader.rows`)."""
        async with self.readers() as reader:
            return await reader.rows(statement, {KEYS: list(keys)}, lookup=lookup, fixed=True)


class ByIdLoader(_ReaderLoader, Generic[ModelT]):
    """Rows by primary key; a missing id yields ``None``."""

    def __init__(self, readers: ReaderSource, model: type[ModelT]) -> None:
        super().__init__(readers)
        self.model = model

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Any]:
        found = records(self.model)
        column: Any = self.model.id  # type: ignore[attr-defined]
        statement = _statement(
            "by id", self.model.__name__, lambda: found.select().where(among_keys(column))
        )
        rows = await self._fetch(statement, keys, lookup=True)
        by_id = {row.id: row for row in found.wrap_all(rows)}
        return [by_id.get(key) for key in keys]


class RowsByKeyLoader(_ReaderLoader, Generic[ModelT]):
    """All rows whose ``key`` column equals each requested key, grouped, in ``order`` order."""

    def __init__(
        self,
        readers: ReaderSource,
        model: type[ModelT],
        key: InstrumentedAttribute[Any],
        order: Sequence[Any],
        where: Sequence[ColumnElement[bool]] = (),
        name: str = "",
    ) -> None:
        super().__init__(readers)
        self.model, self.key, self.order, self.where = model, key, order, where
        self.name = name or f"{model.__name__}By{key.key}"

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Any]]:
        found = records(self.model)
        statement = _statement(
            "rows",
            self.name,
            lambda: found.select().where(among_keys(self.key), *self.where).order_by(*self.order),
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        key = self.key.key
        for row in found.wrap_all(await self._fetch(statement, keys)):
            grouped[getattr(row, key)].append(row)
        return [grouped.get(key, []) for key in keys]


class LatestSurveyByObjectLoader(_ReaderLoader):
    """The most recent survey of each object (a window function: one row per object)."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Any]:
        found = records(SurveyRecord)
        statement = _statement("latest survey", "", lambda: self._statement(found.select()))
        by_object = {
            row.object_id: row for row in found.wrap_all(await self._fetch(statement, keys))
        }
        return [by_object.get(key) for key in keys]

    @staticmethod
    def _statement(surveys: Any) -> Any:
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
            .where(among_keys(SurveyRecord.object_id))
            .subquery()
        )
        return surveys.join(ranked, ranked.c.id == SurveyRecord.id).where(ranked.c.rank == 1)


class MediaByTargetLoader(_ReaderLoader):
    """Media assets attached to records through one of ``media_link``'s target columns."""

    def __init__(self, readers: ReaderSource, target: InstrumentedAttribute[Any]) -> None:
        super().__init__(readers)
        self.target = target

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Any]]:
        found = records(MediaAsset)
        statement = _statement(
            "media",
            self.target.key,
            lambda: (
                found.select(self.target)  # the target last, after the asset's columns
                .join(MediaLink, MediaAsset.id == MediaLink.media_asset_id)
                .where(among_keys(self.target))
                .order_by(MediaLink.position, MediaLink.id)
            ),
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in await self._fetch(statement, keys):
            grouped[row[-1]].append(found.wrap(row))
        return [grouped.get(key, []) for key in keys]


class ChangesByObjectLoader(_ReaderLoader):
    """The change history of rows of one table, newest first."""

    def __init__(self, readers: ReaderSource, object_type: str) -> None:
        super().__init__(readers)
        self.object_type = object_type

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Any]]:
        found = records(ChangeRecord)
        statement = _statement(
            "changes",
            self.object_type,
            lambda: (
                found.select()
                .where(
                    ChangeRecord.object_type == self.object_type,
                    among_keys(ChangeRecord.object_id),
                )
                .order_by(ChangeRecord.id.desc())
            ),
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in found.wrap_all(await self._fetch(statement, keys)):
            grouped[row.object_id].append(row)
        return [grouped.get(key, []) for key in keys]


class Loaders:
    """Every loader of one request, created on first use.

    The named relations are cached properties: resolvers ask for them once per node.
    """

    def __init__(self, readers: ReaderSource) -> None:
        self._readers = readers
        self._made: dict[str, DataLoader] = {}

    def _get(self, name: str, factory: Any) -> Any:
        if name not in self._made:
            self._made[name] = factory()
        return self._made[name]

    def by_id(self, model: type[ModelT]) -> ByIdLoader[ModelT]:
        """``<Model>ByIdLoader``."""
        name = f"{model.__name__}ByIdLoader"
        loader: ByIdLoader[ModelT] = self._get(name, lambda: ByIdLoader(self._readers, model))
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
            name, lambda: RowsByKeyLoader(self._readers, model, key, order, where, name)
        )
        return loader

    @cached_property
    def latest_survey(self) -> LatestSurveyByObjectLoader:
        """LatestSurveyByObjectLoader."""
        loader: LatestSurveyByObjectLoader = self._get(
            "LatestSurveyByObjectLoader", lambda: LatestSurveyByObjectLoader(self._readers)
        )
        return loader

    def media(self, target: InstrumentedAttribute[Any]) -> MediaByTargetLoader:
        """``MediaBy<Target>Loader``."""
        loader: MediaByTargetLoader = self._get(
            f"MediaBy{target.key}Loader", lambda: MediaByTargetLoader(self._readers, target)
        )
        return loader

    def changes(self, object_type: str) -> ChangesByObjectLoader:
        """``ChangesBy<Table>Loader``."""
        loader: ChangesByObjectLoader = self._get(
            f"ChangesBy{object_type}Loader",
            lambda: ChangesByObjectLoader(self._readers, object_type),
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
