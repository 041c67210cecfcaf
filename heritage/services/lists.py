"""Lists of records other than places and sites (craftsmen, works, incidents, changes, users):
their filters, and keyset pages by id like :mod:`heritage.services.listing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from heritage.models import ChangeRecord, Craftsman, HeritageObject, Incident, Intervention, User
from heritage.models.vocab import (
    CraftTrade,
    IncidentSeverity,
    IncidentStatus,
    IncidentType,
    InterventionStatus,
    InterventionType,
    UserRole,
)

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class CraftsmanFilter:
    """Craftsmen practising any of ``trades``, from a region, by part of the name."""

    trades: Sequence[CraftTrade] = ()
    region_prefix: str | None = None
    name_contains: str | None = None


def craftsmen(flt: CraftsmanFilter) -> Select[Craftsman]:
    """``SELECT`` of the craftsmen matching ``flt`` (unordered)."""
    where: list[ColumnElement[bool]] = []
    if flt.trades:
        # Trades are a JSON list of codes; its text holds each code in quotes on every backend.
        text = cast(Craftsman.trades, String)
        where.append(
            or_(*(text.contains(f'"{trade.value}"', autoescape=True) for trade in flt.trades))
        )
    if flt.region_prefix:
        where.append(Craftsman.region_code.startswith(flt.region_prefix, autoescape=True))
    if flt.name_contains:
        where.append(Craftsman.name.contains(flt.name_contains, autoescape=True))
    return select(Craftsman).where(*where)


@dataclass(frozen=True)
class InterventionFilter:
    """Works projects by status, type and object."""

    statuses: Sequence[InterventionStatus] = ()
    types: Sequence[InterventionType] = ()
    object_id: int | None = None


def interventions(flt: InterventionFilter) -> Select[Intervention]:
    """``SELECT`` of the works projects matching ``flt`` (unordered)."""
    where: list[ColumnElement[bool]] = []
    if flt.statuses:
        where.append(Intervention.status.in_(list(flt.statuses)))
    if flt.types:
        where.append(Intervention.intervention_type.in_(list(flt.types)))
    if flt.object_id is not None:
        where.append(Intervention.object_id == flt.object_id)
    return select(Intervention).where(*where)


@dataclass(frozen=True)
class IncidentFilter:
    """Incidents by type, severity, status, object, region of the object and date."""

    types: Sequence[IncidentType] = ()
    severities: Sequence[IncidentSeverity] = ()
    statuses: Sequence[IncidentStatus] = ()
    object_id: int | None = None
    region_prefix: str | None = None
    occurred_from: dt.date | None = None  # inclusive
    occurred_to: dt.date | None = None  # inclusive


def incidents(flt: IncidentFilter) -> Select[Incident]:
    """``SELECT`` of the incidents matching ``flt`` (unordered)."""
    where: list[ColumnElement[bool]] = []
    if flt.types:
        where.append(Incident.incident_type.in_(list(flt.types)))
    if flt.severities:
        where.append(Incident.severity.in_(list(flt.severities)))
    if flt.statuses:
        where.append(Incident.status.in_(list(flt.statuses)))
    if flt.object_id is not None:
        where.append(Incident.object_id == flt.object_id)
    if flt.region_prefix:
        in_region = select(HeritageObject.id).where(
            HeritageObject.region_code.startswith(flt.region_prefix, autoescape=True)
        )
        where.append(Incident.object_id.in_(in_region))
    if flt.occurred_from is not None:
        where.append(Incident.occurred_on >= flt.occurred_from)
    if flt.occurred_to is not None:
        where.append(Incident.occurred_on <= flt.occurred_to)
    return select(Incident).where(*where)


@dataclass(frozen=True)
class ChangeFilter:
    """Change records by table and row, author and time; ``hidden_tables`` never match."""

    object_type: str | None = None
    object_id: int | None = None
    actor_label: str | None = None
    occurred_from: dt.datetime | None = None  # inclusive
    occurred_to: dt.datetime | None = None  # inclusive
    hidden_tables: frozenset[str] = frozenset()


def changes(flt: ChangeFilter) -> Select[ChangeRecord]:
    """``SELECT`` of the change records matching ``flt`` (unordered)."""
    where: list[ColumnElement[bool]] = []
    if flt.object_type is not None:
        where.append(ChangeRecord.object_type == flt.object_type)
    if flt.object_id is not None:
        where.append(ChangeRecord.object_id == flt.object_id)
    if flt.actor_label is not None:
        where.append(ChangeRecord.actor_label == flt.actor_label)
    if flt.occurred_from is not None:
        where.append(ChangeRecord.occurred_at >= flt.occurred_from)
    if flt.occurred_to is not None:
        where.append(ChangeRecord.occurred_at <= flt.occurred_to)
    if flt.hidden_tables:
        where.append(ChangeRecord.object_type.not_in(sorted(flt.hidden_tables)))
    return select(ChangeRecord).where(*where)


@dataclass(frozen=True)
class UserFilter:
    """Users by role and whether they may sign in."""

    roles: Sequence[UserRole] = ()
    is_active: bool | None = None


def users(flt: UserFilter) -> Select[User]:
    """``SELECT`` of the users matching ``flt`` (unordered)."""
    where: list[ColumnElement[bool]] = []
    if flt.roles:
        where.append(User.role.in_(list(flt.roles)))
    if flt.is_active is not None:
        where.append(User.is_active.is_(flt.is_active))
    return select(User).where(*where)


async def page(
    session: AsyncSession,
    query: Select[RowT],
    key: InstrumentedAttribute[int],
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int,
    backwards: bool = False,
) -> list[RowT]:
    """Up to ``limit`` rows between the keyset bounds on ``key``, in key order (or from the end)."""
    ordered = page_query(
        query, key, after_id=after_id, before_id=before_id, limit=limit, backwards=backwards
    )
    return list((await session.scalars(ordered)).all())


def page_query(
    query: Select[RowT],
    key: InstrumentedAttribute[int],
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int,
    backwards: bool = False,
) -> Select[RowT]:
    """The ``SELECT`` of :func:`page`."""
    if after_id is not None:
        query = query.where(key > after_id)
    if before_id is not None:
        query = query.where(key < before_id)
    return query.order_by(key.desc() if backwards else key).limit(limit)


async def count(session: AsyncSession, query: Select[Any]) -> int:
    """How many rows ``query`` selects."""
    return int(await session.scalar(count_query(query)) or 0)


def count_query(query: Select[Any]) -> Select[int]:
    """The ``SELECT`` of :func:`count`."""
    return select(func.count()).select_from(query.subquery())
