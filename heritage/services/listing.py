"""Reading lists of places and sites by the filters users need, in a stable keyset order.

One filter vocabulary serves the GraphQL connections, the exports and the embedded search,
so "all 省保 古建筑 in 晋中 in poor condition" means the same rows everywhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from heritage.domain.errors import DomainValueError
from heritage.domain.official_codes import parse_national_code
from heritage.models import (
    ArchiveItem,
    Designation,
    HeritageObject,
    MappingRecord,
    Place,
    Plaque,
    Site,
)
from heritage.models.vocab import (
    ConditionGrade,
    DesignationStatus,
    DesignationType,
    ObjectKind,
    ObjectStatus,
    PlaqueCondition,
    ProtectionLevel,
    RelicCategory,
)
from heritage.services import lists

IN_FORCE = (DesignationStatus.ACTIVE, DesignationStatus.ENDANGERED)


@dataclass(frozen=True)
class ObjectFilter:
    """Conditions on places and sites; every given condition must hold (AND)."""

    record_type: str | None = None  # "place" or "site"
    kinds: Sequence[ObjectKind] = ()
    region_prefix: str | None = None
    designation_types: Sequence[DesignationType] = ()
    protection_levels: Sequence[ProtectionLevel] = ()
    categories: Sequence[RelicCategory] = ()
    conditions: Sequence[ConditionGrade] = ()
    statuses: Sequence[ObjectStatus] = ()
    era_from: int | None = None  # overlaps [era_from, era_to]
    era_to: int | None = None
    has_plaque: bool | None = None
    has_mapping: bool | None = None
    has_archive: bool | None = None
    parent_id: int | None = None
    national_code: str | None = None
    name_contains: str | None = None
    ids: Sequence[int] | None = field(default=None)


def filtered(flt: ObjectFilter) -> Select[HeritageObject]:
    """``SELECT`` of the objects matching ``flt`` (unordered)."""
    model: type[HeritageObject] = HeritageObject
    if flt.record_type == "place":
        model = Place
    elif flt.record_type == "site":
        model = Site
    return select(model).where(*conditions(flt))


def conditions(flt: ObjectFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions for ``flt`` on ``heritage_object``."""
    obj = HeritageObject
    where: list[ColumnElement[bool]] = []
    if flt.record_type is not None:
        # Explicit, so counts that select only the id column keep the place/site split.
        where.append(obj.record_type == flt.record_type)
    if flt.ids is not None:
        where.append(obj.id.in_(list(flt.ids)))
    if flt.kinds:
        where.append(obj.kind.in_(list(flt.kinds)))
    if flt.region_prefix:
        where.append(obj.region_code.startswith(flt.region_prefix, autoescape=True))
    if flt.statuses:
        where.append(obj.status.in_(list(flt.statuses)))
    if flt.parent_id is not None:
        where.append(obj.parent_id == flt.parent_id)
    if flt.categories:
        where.append(Site.category.in_(list(flt.categories)))
    if flt.conditions:
        where.append(Site.condition.in_(list(flt.conditions)))
    if flt.era_from is not None:
        where.append(or_(obj.era_end_year.is_(None), obj.era_end_year >= flt.era_from))
        where.append(obj.era_start_year.is_not(None))
    if flt.era_to is not None:
        where.append(obj.era_start_year <= flt.era_to)
    if flt.name_contains:
        where.append(obj.name.contains(flt.name_contains, autoescape=True))
    if flt.designation_types or flt.protection_levels or flt.national_code:
        where.append(exists().where(*_designation_conditions(flt)))
    for wanted, model in (
        (flt.has_plaque, Plaque),
        (flt.has_mapping, MappingRecord),
        (flt.has_archive, ArchiveItem),
    ):
        if wanted is not None:
            clause = exists().where(*_presence(model))
            where.append(clause if wanted else ~clause)
    return where


def _designation_conditions(flt: ObjectFilter) -> list[ColumnElement[bool]]:
    where = [Designation.object_id == HeritageObject.id, Designation.status.in_(IN_FORCE)]
    if flt.designation_types:
        where.append(Designation.designation_type.in_(list(flt.designation_types)))
    if flt.protection_levels:
        where.append(Designation.protection_level.in_(list(flt.protection_levels)))
    if flt.national_code:
        where.append(_national_code_condition(flt.national_code))
    return where


def _national_code_condition(text: str) -> ColumnElement[bool]:
    """Full (7-0708-3-006) or short (7-708) form; an unparseable code matches nothing."""
    try:
        code = parse_national_code(text)
    except DomainValueError:
        return Designation.id.is_(None)
    condition = Designation.designation_type == DesignationType.CPU_NATIONAL
    if code.full:
        return and_(condition, Designation.official_code == code.full)
    prefix = f"{code.batch}-{code.running:04d}-"
    return and_(condition, Designation.official_code.startswith(prefix, autoescape=True))


def _presence(
    model: type[Plaque] | type[MappingRecord] | type[ArchiveItem],
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [model.object_id == HeritageObject.id]
    if model is Plaque:
        where.append(Plaque.condition != PlaqueCondition.MISSING)
    return where


async def count(session: AsyncSession, flt: ObjectFilter) -> int:
    """How many objects match ``flt``."""
    return int(await session.scalar(count_query(flt)) or 0)


def count_query(flt: ObjectFilter) -> Select[int]:
    """The ``SELECT`` of :func:`count`."""
    return lists.count_query(filtered(flt).with_only_columns(HeritageObject.id))


async def page(
    session: AsyncSession,
    flt: ObjectFilter,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int,
    backwards: bool = False,
) -> list[HeritageObject]:
    """Up to ``limit`` objects between the keyset bounds, in id order (or from the end)."""
    query = page_query(
        flt, after_id=after_id, before_id=before_id, limit=limit, backwards=backwards
    )
    return list((await session.scalars(query)).all())


def page_query(
    flt: ObjectFilter,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int,
    backwards: bool = False,
) -> Select[HeritageObject]:
    """The ``SELECT`` of :func:`page` (readers wanting columns narrow it with
    ``with_only_columns``)."""
    return lists.page_query(
        filtered(flt),
        HeritageObject.id,
        after_id=after_id,
        before_id=before_id,
        limit=limit,
        backwards=backwards,
    )


async def stream(
    session: AsyncSession, flt: ObjectFilter, *, batch_size: int = 500
) -> AsyncIterator[list[HeritageObject]]:
    """Every matching object in id order, in batches (exports: memory stays flat)."""
    after: int | None = None
    while True:
        batch = await page(session, flt, after_id=after, limit=batch_size)
        if not batch:
            return
        yield batch
        after = batch[-1].id
        session.expunge_all()
