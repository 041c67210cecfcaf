"""Plaques and protection signs (挂牌): installing, inspecting, replacing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import HeritageObject, Plaque
from heritage.models.vocab import (
    CoordinateSystem,
    DesignationType,
    ObjectKind,
    PlaqueCondition,
    PlaqueMaterial,
    PlaqueType,
)
from heritage.services.checks import (
    check_not_future,
    check_order,
    check_point,
    check_version,
    not_found,
)
from heritage.services.errors import ErrorCode, Problems
from heritage.services.inputs import Input, apply_given
from heritage.services.objects import get_object, in_force_designations

Text200 = Annotated[str, Field(max_length=200)]

# A plaque type states a designation: the object must hold one of these (or be of the kind).
PLAQUE_REQUIRES: dict[PlaqueType, frozenset[DesignationType]] = {
    PlaqueType.CPU_SIGN: frozenset(
        {
            DesignationType.CPU_NATIONAL,
            DesignationType.CPU_PROVINCIAL,
            DesignationType.CPU_MUNICIPAL,
            DesignationType.CPU_COUNTY,
        }
    ),
    PlaqueType.CPU_BOUNDARY_MARKER: frozenset(
        {
            DesignationType.CPU_NATIONAL,
            DesignationType.CPU_PROVINCIAL,
            DesignationType.CPU_MUNICIPAL,
            DesignationType.CPU_COUNTY,
        }
    ),
    PlaqueType.UNGRADED_SIGN: frozenset({DesignationType.IMMOVABLE_UNGRADED}),
    PlaqueType.HISTORIC_BUILDING_SIGN: frozenset({DesignationType.HISTORIC_BUILDING}),
    PlaqueType.TRADITIONAL_VILLAGE_PLAQUE: frozenset({DesignationType.TRADITIONAL_VILLAGE_CHINA}),
    PlaqueType.WORLD_HERITAGE_EMBLEM: frozenset(
        {DesignationType.WORLD_HERITAGE_CULTURAL, DesignationType.WORLD_HERITAGE_MIXED}
    ),
}
# Entrance signs of blocks, towns and villages (条例 Art. 30) go by kind, not designation.
ENTRANCE_SIGN_KINDS = frozenset({ObjectKind.BLOCK, ObjectKind.TOWN, ObjectKind.VILLAGE})


class PlaqueFields(Input):
    """Fields of a plaque; on update every one is optional."""

    text_front: str | None = None
    text_back: str | None = None
    qr_url: Annotated[str, Field(max_length=500)] | None = None
    material: PlaqueMaterial | None = None
    erecting_authority: Text200 | None = None
    erected_on: dt.date | None = None
    lon: float | None = None
    lat: float | None = None
    crs: CoordinateSystem | None = None
    condition: PlaqueCondition | None = None
    last_inspected_on: dt.date | None = None


class PlaqueCreate(PlaqueFields):
    """A plaque put up on a place or site."""

    object_id: int
    plaque_type: PlaqueType


class PlaqueInspection(Input):
    """What an inspector found."""

    inspected_on: dt.date
    condition: PlaqueCondition


async def install_plaque(session: AsyncSession, data: PlaqueCreate) -> Plaque:
    """Record a plaque; its type must fit the object's designations."""
    obj = await get_object(session, data.object_id)
    problems = Problems()
    await _check_type(session, obj, data.plaque_type, problems)
    plaque = Plaque(object_id=obj.id, plaque_type=data.plaque_type)
    _apply(plaque, data, problems)
    problems.raise_if_any()
    session.add(plaque)
    await session.flush()
    return plaque


async def update_plaque(
    session: AsyncSession, plaque_id: int, version: int, data: PlaqueFields
) -> Plaque:
    """Correct a plaque record."""
    plaque = await get_plaque(session, plaque_id)
    problems = Problems()
    check_version(problems, plaque.version, version)
    _apply(plaque, data, problems)
    problems.raise_if_any()
    await session.flush()
    return plaque


async def inspect_plaque(
    session: AsyncSession, plaque_id: int, version: int, data: PlaqueInspection
) -> Plaque:
    """Record an inspection: the plaque's condition on that day."""
    plaque = await get_plaque(session, plaque_id)
    problems = Problems()
    check_version(problems, plaque.version, version)
    check_not_future(problems, "inspectedOn", data.inspected_on)
    check_order(problems, "inspectedOn", plaque.erected_on, data.inspected_on, "erected/inspected")
    problems.raise_if_any()
    plaque.condition = data.condition
    plaque.last_inspected_on = data.inspected_on
    await session.flush()
    return plaque


async def get_plaque(session: AsyncSession, plaque_id: int) -> Plaque:
    """The plaque with ``plaque_id``, or NOT_FOUND."""
    plaque = await session.get(Plaque, plaque_id)
    if plaque is None:
        raise not_found("plaque", plaque_id)
    return plaque


async def _check_type(
    session: AsyncSession, obj: HeritageObject, plaque_type: PlaqueType, problems: Problems
) -> None:
    if plaque_type == PlaqueType.BLOCK_ENTRANCE_SIGN:
        if obj.kind not in ENTRANCE_SIGN_KINDS:
            problems.add(
                "plaqueType",
                ErrorCode.PLAQUE_TYPE_NOT_APPLICABLE,
                "entrance signs mark blocks, towns and villages (条例 Art. 30)",
            )
        return
    needed = PLAQUE_REQUIRES[plaque_type]
    held = {d.designation_type for d in await in_force_designations(session, obj.id)}
    if not held & needed:
        problems.add(
            "plaqueType",
            ErrorCode.PLAQUE_TYPE_NOT_APPLICABLE,
            f"a {plaque_type.label} states a designation the object does not hold "
            f"(needs one of: {', '.join(sorted(t.label for t in needed))})",
        )


def _apply(plaque: Plaque, data: PlaqueFields, problems: Problems) -> None:
    given = data.given()
    apply_given(plaque, data, given - {"lon", "lat", "crs"})
    if given & {"lon", "lat"}:
        point = check_point(problems, "lon", data.lon, data.lat, data.crs)
        plaque.lon, plaque.lat = (point.lon, point.lat) if point else (None, None)
    check_not_future(problems, "erectedOn", plaque.erected_on)
    check_not_future(problems, "lastInspectedOn", plaque.last_inspected_on)
    check_order(
        problems, "lastInspectedOn", plaque.erected_on, plaque.last_inspected_on, "inspection"
    )
