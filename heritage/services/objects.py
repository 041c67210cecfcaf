"""Registering places and sites, editing them, and changing their physical status."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from heritage.models import Designation, HeritageObject, Place, Site, StatusChange
from heritage.models.vocab import (
    PLACE_KINDS,
    SITE_KINDS,
    ApprovalLevel,
    ConditionGrade,
    CoordinateSystem,
    CoordinateVisibility,
    DesignationType,
    LocationMethod,
    ObjectKind,
    ObjectStatus,
    OwnershipType,
    Period,
    RelicCategory,
    StructureType,
    UseStatus,
)
from heritage.services.checks import (
    check_era,
    check_not_future,
    check_point,
    check_region_code,
    check_version,
    not_found,
)
from heritage.services.errors import ErrorCode, Problems
from heritage.services.inputs import Input

Name = Annotated[str, Field(min_length=1, max_length=200)]
Text200 = Annotated[str, Field(max_length=200)]
Text500 = Annotated[str, Field(max_length=500)]

# Which kinds may contain which: a village within a town within a city; a building within a
# village, block, site or building group (长城 → its segments).
CONTAINERS: dict[ObjectKind, frozenset[ObjectKind]] = {
    ObjectKind.CITY: frozenset(),
    ObjectKind.TOWN: frozenset({ObjectKind.CITY}),
    ObjectKind.VILLAGE: frozenset({ObjectKind.CITY, ObjectKind.TOWN}),
    ObjectKind.BLOCK: frozenset({ObjectKind.CITY, ObjectKind.TOWN}),
    ObjectKind.SITE: PLACE_KINDS | {ObjectKind.SITE, ObjectKind.BUILDING_GROUP},
    ObjectKind.BUILDING_GROUP: PLACE_KINDS | {ObjectKind.SITE, ObjectKind.BUILDING_GROUP},
    ObjectKind.BUILDING: PLACE_KINDS | {ObjectKind.SITE, ObjectKind.BUILDING_GROUP},
    ObjectKind.STRUCTURE: PLACE_KINDS | {ObjectKind.SITE, ObjectKind.BUILDING_GROUP},
}

# Status changes that need an approval record (条例 Art. 34, 文物保护法 2024 Art. 31).
APPROVED_STATUSES = frozenset({ObjectStatus.DEMOLISHED, ObjectStatus.RELOCATED})


class LocationInput(Input):
    """A point as captured, in the system it was captured in."""

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    crs: CoordinateSystem = CoordinateSystem.WGS84
    method: LocationMethod | None = None
    accuracy_m: float | None = Field(default=None, ge=0)


class ObjectFields(Input):
    """Fields shared by places and sites; on update every field is optional."""

    name: Name | None = None
    alt_names: list[Name] | None = None
    description: str | None = None
    region_code: str | None = None
    region_code_as_of: dt.date | None = None
    parent_id: int | None = None
    address_announced: Text500 | None = None
    address_current: Text500 | None = None
    location: LocationInput | None = None
    coordinate_visibility: CoordinateVisibility | None = None
    boundary: dict[str, Any] | None = None
    era_raw: Text200 | None = None
    era_start_year: int | None = None
    era_end_year: int | None = None
    periods: list[Period] | None = None

    @field_validator("boundary")
    @classmethod
    def _geojson_area(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and value.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValueError("boundary must be a GeoJSON Polygon or MultiPolygon")
        if value is not None and not isinstance(value.get("coordinates"), list):
            raise ValueError("boundary needs a coordinates array")
        return value


class PlaceFields(ObjectFields):
    """Place-only fields."""

    natural_village_name: Name | None = None


class SiteFields(ObjectFields):
    """Site-only fields."""

    category: RelicCategory | None = None
    original_category: Text200 | None = None
    subtype: Text200 | None = None
    structure_type: StructureType | None = None
    ownership: OwnershipType | None = None
    use_status: UseStatus | None = None
    use_function: Text200 | None = None
    condition: ConditionGrade | None = None
    dating_basis: Text500 | None = None


class PlaceCreate(PlaceFields):
    """A new historic city, town, village or block."""

    kind: ObjectKind
    name: Name


class SiteCreate(SiteFields):
    """A new site, building group, building or structure."""

    kind: ObjectKind
    name: Name
    status: ObjectStatus = ObjectStatus.EXTANT


class StatusChangeInput(Input):
    """A change of physical status, with the approval that allowed it."""

    to_status: ObjectStatus
    changed_on: dt.date
    reason: str | None = None
    approval_doc_no: Text200 | None = None
    approval_authority: Text200 | None = None
    approval_level: ApprovalLevel | None = None
    approved_on: dt.date | None = None
    new_location: LocationInput | None = None


_SCALAR_FIELDS = (
    "name",
    "alt_names",
    "description",
    "region_code",
    "region_code_as_of",
    "address_announced",
    "address_current",
    "coordinate_visibility",
    "boundary",
    "natural_village_name",
    "category",
    "original_category",
    "subtype",
    "structure_type",
    "ownership",
    "use_status",
    "use_function",
    "condition",
    "dating_basis",
)


async def get_object(session: AsyncSession, object_id: int) -> HeritageObject:
    """The place or site with ``object_id``, or a NOT_FOUND error."""
    obj = await session.get(HeritageObject, object_id)
    if obj is None:
        raise not_found("place or site", object_id)
    return obj


async def create_place(session: AsyncSession, data: PlaceCreate) -> Place:
    """Register a historic city, town, village or block."""
    problems = Problems()
    check_new_place(problems, data)
    place = Place(kind=data.kind, name=data.name)
    await _apply(session, place, data, data.given() | {"name"}, problems)
    problems.raise_if_any()
    session.add(place)
    await session.flush()
    return place


async def create_site(session: AsyncSession, data: SiteCreate) -> Site:
    """Register a site, building group, building or structure."""
    problems = Problems()
    check_new_site(problems, data)
    site = Site(kind=data.kind, name=data.name, status=data.status)
    await _apply(session, site, data, data.given() | {"name"}, problems)
    problems.raise_if_any()
    session.add(site)
    await session.flush()
    return site


def check_new_place(problems: Problems, data: PlaceCreate) -> None:
    """A new place is a city, town, village or block."""
    if data.kind not in PLACE_KINDS:
        problems.add("kind", ErrorCode.KIND_MISMATCH, f"{data.kind.value} is not a place kind")


def check_new_site(problems: Problems, data: SiteCreate) -> None:
    """A new site is of a site kind, and registered as it stands (not demolished or moved)."""
    if data.kind not in SITE_KINDS:
        problems.add("kind", ErrorCode.KIND_MISMATCH, f"{data.kind.value} is not a site kind")
    if data.status in APPROVED_STATUSES:
        problems.add(
            "status",
            ErrorCode.STATUS_TRANSITION,
            "a site is registered as extant, damaged or a ruin; demolition and relocation "
            "are recorded afterwards as status changes with their approval",
        )


async def update_object(
    session: AsyncSession, object_id: int, version: int, data: PlaceFields | SiteFields
) -> HeritageObject:
    """Edit a place or site; only the fields given change."""
    obj = await get_object(session, object_id)
    problems = Problems()
    check_version(problems, obj.version, version)
    expected = PlaceFields if isinstance(obj, Place) else SiteFields
    if not isinstance(data, expected):
        problems.add(None, ErrorCode.KIND_MISMATCH, f"record {object_id} is a {obj.record_type}")
        problems.raise_if_any()
    await _apply(session, obj, data, data.given(), problems)
    problems.raise_if_any()
    await session.flush()
    return obj


async def _apply(
    session: AsyncSession,
    obj: HeritageObject,
    data: ObjectFields,
    given: set[str],
    problems: Problems,
) -> None:
    assign_object_fields(obj, data, given, problems)
    if "parent_id" in given:
        await _check_parent(session, obj, data.parent_id, problems)
        obj.parent_id = data.parent_id


def assign_object_fields(
    obj: HeritageObject, data: ObjectFields, given: set[str], problems: Problems
) -> None:
    """Set the given fields except the parent, checking the rules that need no database:
    region code, dates, location (converted to WGS-84, inside China) and dating."""
    if "region_code" in given:
        check_region_code(problems, "regionCode", data.region_code)
    check_not_future(problems, "regionCodeAsOf", data.region_code_as_of)
    for name in _SCALAR_FIELDS:
        if name in given:
            value = getattr(data, name)
            if name == "alt_names" and value is None:
                value = []
            if name == "name" and value is None:
                problems.add("name", ErrorCode.REQUIRED, "a record needs a name")
                continue
            setattr(obj, name, value)
    if "location" in given:
        _set_location(obj, data.location, problems)
    if given & {"era_raw", "era_start_year", "era_end_year", "periods"}:
        era = check_era(
            problems,
            data.era_raw if "era_raw" in given else obj.era_raw,
            data.era_start_year,
            data.era_end_year,
            [p.value for p in data.periods] if data.periods is not None else None,
        )
        obj.era_raw, obj.era_start_year, obj.era_end_year = era.raw, era.start_year, era.end_year
        obj.period_codes = era.periods


def _set_location(obj: HeritageObject, loc: LocationInput | None, problems: Problems) -> None:
    if loc is None:
        obj.lon = obj.lat = obj.source_lon = obj.source_lat = None
        obj.source_crs = obj.location_method = None
        obj.accuracy_m = None
        return
    point = check_point(problems, "location", loc.lon, loc.lat, loc.crs)
    if point is not None:
        obj.lon, obj.lat = point.lon, point.lat
        obj.source_lon, obj.source_lat, obj.source_crs = point.source_lon, point.source_lat, loc.crs
        obj.location_method, obj.accuracy_m = loc.method, loc.accuracy_m


async def _check_parent(
    session: AsyncSession, obj: HeritageObject, parent_id: int | None, problems: Problems
) -> None:
    if parent_id is None:
        return
    parent = await session.get(HeritageObject, parent_id)
    if parent is None:
        problems.add("parentId", ErrorCode.NOT_FOUND, f"no place or site with id {parent_id}")
        return
    if parent.kind not in CONTAINERS[obj.kind]:
        problems.add(
            "parentId",
            ErrorCode.CONTAINMENT_NOT_ALLOWED,
            f"a {obj.kind.label}({obj.kind.value}) cannot lie within a "
            f"{parent.kind.label}({parent.kind.value})",
        )
        return
    # Walk up from the new parent: meeting the object itself would close a loop.
    seen: set[int] = set()
    current: HeritageObject | None = parent
    while current is not None and obj.id is not None:
        if current.id == obj.id or current.id in seen:
            problems.add("parentId", ErrorCode.CONTAINMENT_CYCLE, "containment would form a loop")
            return
        seen.add(current.id)
        current = (
            await session.get(HeritageObject, current.parent_id) if current.parent_id else None
        )


async def in_force_designations(session: AsyncSession, object_id: int) -> list[Designation]:
    """The designations of an object that still protect it (active or endangered)."""
    rows = await session.scalars(
        select(Designation).where(Designation.object_id == object_id).order_by(Designation.id)
    )
    return [d for d in rows if d.status.is_in_force]


async def change_status(
    session: AsyncSession, object_id: int, version: int, data: StatusChangeInput
) -> HeritageObject:
    """Record demolition, relocation, damage … with its approval; the object stays registered."""
    obj = await get_object(session, object_id)
    problems = Problems()
    check_version(problems, obj.version, version)
    check_not_future(problems, "changedOn", data.changed_on)
    check_not_future(problems, "approvedOn", data.approved_on)
    if obj.status == data.to_status:
        problems.add("toStatus", ErrorCode.STATUS_TRANSITION, f"already {obj.status.value}")
    if obj.status == ObjectStatus.DEMOLISHED:
        problems.add("toStatus", ErrorCode.STATUS_TRANSITION, "a demolished object stays so")
    if data.to_status in APPROVED_STATUSES:
        _check_approval(data, await in_force_designations(session, object_id), problems)
    point = None
    if data.to_status == ObjectStatus.RELOCATED:
        if data.new_location is None:
            problems.add("newLocation", ErrorCode.REQUIRED, "a relocation needs the new location")
        else:
            loc = data.new_location
            point = check_point(problems, "newLocation", loc.lon, loc.lat, loc.crs)
    problems.raise_if_any()
    session.add(
        StatusChange(
            object_id=obj.id,
            from_status=obj.status,
            to_status=data.to_status,
            changed_on=data.changed_on,
            reason=data.reason,
            approval_doc_no=data.approval_doc_no,
            approval_authority=data.approval_authority,
            approval_level=data.approval_level,
            approved_on=data.approved_on,
            new_lon=point.lon if point else None,
            new_lat=point.lat if point else None,
        )
    )
    obj.status = data.to_status
    if data.new_location is not None and data.to_status == ObjectStatus.RELOCATED:
        _set_location(obj, data.new_location, problems)
    if isinstance(obj, Site) and data.to_status in APPROVED_STATUSES:
        obj.use_status = UseStatus(data.to_status.value)
    await session.flush()
    return obj


def _check_approval(
    data: StatusChangeInput, designations: list[Designation], problems: Problems
) -> None:
    """V2/V3: who must approve a demolition or relocation, by the object's designations."""
    what = "demolition" if data.to_status == ObjectStatus.DEMOLISHED else "relocation"
    if not (data.approval_doc_no and data.approval_authority and data.approval_level):
        problems.add(
            "approvalDocNo",
            ErrorCode.APPROVAL_REQUIRED,
            f"a {what} needs its approval: document number, authority and level",
        )
        return
    types = {d.designation_type for d in designations}
    if DesignationType.CPU_NATIONAL in types:
        if data.to_status == ObjectStatus.DEMOLISHED:
            problems.add(
                "toStatus",
                ErrorCode.NATIONAL_SITE_NOT_DEMOLISHABLE,
                "a 全国重点文物保护单位 must never be demolished (文物保护法 2024 Art. 31)",
            )
        elif data.approval_level != ApprovalLevel.STATE_COUNCIL:
            problems.add(
                "approvalLevel",
                ErrorCode.APPROVAL_LEVEL_TOO_LOW,
                "relocating a 全国重点文物保护单位 needs the State Council's approval (国务院)",
            )
        return
    protected = any(t.is_relic_level for t in types) or DesignationType.HISTORIC_BUILDING in types
    if protected and data.approval_level.rank > ApprovalLevel.PROVINCIAL.rank:
        problems.add(
            "approvalLevel",
            ErrorCode.APPROVAL_LEVEL_TOO_LOW,
            f"the {what} of a protected site or historic building needs provincial approval "
            "(条例 Art. 34; 文物保护法 2024 Art. 31)",
        )


async def load_with_designations(session: AsyncSession, object_id: int) -> HeritageObject:
    """An object with its designations loaded."""
    obj = await session.scalar(
        select(HeritageObject)
        .where(HeritageObject.id == object_id)
        .options(selectinload(HeritageObject.designations))
    )
    if obj is None:
        raise not_found("place or site", object_id)
    return obj
