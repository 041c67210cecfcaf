"""Designating places and sites, and keeping the history of designations (upgrades, revocations,
endangered listings): rows are added and closed, never overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.domain.official_codes import normalise_doc_number, validate_national_code
from heritage.models import Designation, HeritageObject, Place, Site
from heritage.models.vocab import (
    DESIGNATION_TARGETS,
    AnnouncementKind,
    DesignationStatus,
    DesignationType,
    ObjectKind,
    ProtectionLevel,
    RelicCategory,
)
from heritage.services.checks import check_not_future, check_order, check_version, not_found
from heritage.services.errors import ErrorCode, Problems, RuleWarning
from heritage.services.inputs import Input
from heritage.services.objects import get_object, in_force_designations

Text200 = Annotated[str, Field(max_length=200)]

# Announcement windows of the 国保 batches (domain guide §1.2), for the V10 warning.
NATIONAL_BATCH_WINDOWS: dict[int, tuple[dt.date, dt.date]] = {
    1: (dt.date(1961, 3, 4), dt.date(1961, 3, 4)),
    2: (dt.date(1982, 2, 23), dt.date(1982, 2, 23)),
    3: (dt.date(1988, 1, 13), dt.date(1988, 1, 13)),
    4: (dt.date(1996, 11, 20), dt.date(1996, 11, 20)),
    5: (dt.date(2001, 6, 25), dt.date(2003, 4, 3)),
    6: (dt.date(2006, 5, 25), dt.date(2009, 8, 20)),
    7: (dt.date(2013, 3, 5), dt.date(2014, 4, 25)),
    8: (dt.date(2019, 10, 7), dt.date(2019, 10, 16)),
}

# How many numbers each 国保 batch gave out: new sites plus later additions (domain guide §1.2:
# 518+3, 1080+1, 1943+1). A running number beyond them cannot be an official number.
NATIONAL_BATCH_SIZES: dict[int, int] = {
    1: 180,
    2: 62,
    3: 258,
    4: 250,
    5: 521,
    6: 1081,
    7: 1944,
    8: 762,
}

# Statuses a designation can be created in; revocation and supersession come later.
_OPENING_STATUSES = frozenset(
    {DesignationStatus.PROPOSED, DesignationStatus.ACTIVE, DesignationStatus.ENDANGERED}
)


class DesignationFields(Input):
    """Descriptive fields of a designation, correctable later."""

    authority: Text200 | None = None
    announcement_kind: AnnouncementKind | None = None
    batch_no: int | None = Field(default=None, gt=0)
    announced_on: dt.date | None = None
    doc_no: Text200 | None = None
    official_code: Text200 | None = None
    original_category: Text200 | None = None
    valid_from: dt.date | None = None
    source_url: Annotated[str, Field(max_length=500)] | None = None
    notes: str | None = None


class DesignationCreate(DesignationFields):
    """A new designation of a place or site."""

    object_id: int
    designation_type: DesignationType
    protection_level: ProtectionLevel | None = None
    status: DesignationStatus = DesignationStatus.ACTIVE
    remedy_deadline: dt.date | None = None
    parent_designation_id: int | None = None


class DesignationUpgrade(DesignationFields):
    """The designation that replaces an older one (e.g. provincial → national)."""

    designation_type: DesignationType
    protection_level: ProtectionLevel | None = None


class DesignationStatusChange(Input):
    """Revoke a designation, list it as endangered, or restore it."""

    status: DesignationStatus
    effective_on: dt.date
    remedy_deadline: dt.date | None = None
    doc_no: Text200 | None = None
    notes: str | None = None


async def get_designation(session: AsyncSession, designation_id: int) -> Designation:
    """The designation with ``designation_id``, or NOT_FOUND."""
    designation = await session.get(Designation, designation_id)
    if designation is None:
        raise not_found("designation", designation_id)
    return designation


async def add_designation(
    session: AsyncSession, data: DesignationCreate, warnings: list[RuleWarning] | None = None
) -> Designation:
    """Designate a place or site, checking every rule that can be checked at write time."""
    obj = await get_object(session, data.object_id)
    problems = Problems()
    check_opening_status(problems, data.status)
    existing = await in_force_designations(session, obj.id)
    await _check_new(session, obj, data.designation_type, data.protection_level, existing, problems)
    if data.designation_type == DesignationType.FAMOUS_CITY_NATIONAL and (
        data.status == DesignationStatus.PROPOSED
    ):
        await _check_famous_city(session, obj, problems)
    designation = Designation(
        object_id=obj.id,
        designation_type=data.designation_type,
        protection_level=data.designation_type.protection_level,
        scope=data.designation_type.scope,
        status=data.status,
        remedy_deadline=data.remedy_deadline,
        parent_designation_id=data.parent_designation_id,
    )
    await _apply_fields(session, designation, obj, data, data.given(), problems, warnings)
    problems.raise_if_any()
    session.add(designation)
    await session.flush()
    return designation


def check_opening_status(problems: Problems, status: DesignationStatus) -> None:
    """A designation is created proposed or in force; revocation and supersession come later."""
    if status not in _OPENING_STATUSES:
        problems.add("status", ErrorCode.INVALID, "a new designation is proposed or in force")


async def upgrade_designation(
    session: AsyncSession,
    designation_id: int,
    version: int,
    data: DesignationUpgrade,
    warnings: list[RuleWarning] | None = None,
) -> Designation:
    """Replace a designation by a higher one; the old row is kept, closed as SUPERSEDED."""
    old = await get_designation(session, designation_id)
    obj = await get_object(session, old.object_id)
    problems = Problems()
    check_version(problems, old.version, version)
    if not old.status.is_in_force:
        problems.add("id", ErrorCode.STATUS_TRANSITION, f"designation is {old.status.value}")
    new_level = data.designation_type.protection_level
    old_is_building = old.designation_type == DesignationType.HISTORIC_BUILDING
    if new_level is None or not (old_is_building or _higher(new_level, old.protection_level)):
        problems.add(
            "designationType",
            ErrorCode.UPGRADE_NOT_HIGHER,
            f"{data.designation_type.label} is not higher than {old.designation_type.label}",
        )
    others = [d for d in await in_force_designations(session, obj.id) if d.id != old.id]
    await _check_new(session, obj, data.designation_type, data.protection_level, others, problems)
    new = Designation(
        object_id=obj.id,
        designation_type=data.designation_type,
        protection_level=new_level,
        scope=data.designation_type.scope,
        status=DesignationStatus.ACTIVE,
    )
    await _apply_fields(session, new, obj, data, data.given(), problems, warnings)
    problems.raise_if_any()
    session.add(new)
    await session.flush()
    old.status = DesignationStatus.SUPERSEDED
    old.valid_to = new.valid_from or new.announced_on or dt.date.today()
    old.superseded_by_id = new.id
    await session.flush()
    return new


async def change_designation_status(
    session: AsyncSession, designation_id: int, version: int, data: DesignationStatusChange
) -> Designation:
    """Revoke (文物保护法 2024 Art. 86), list as endangered (条例 Art. 12), or restore."""
    designation = await get_designation(session, designation_id)
    problems = Problems()
    check_version(problems, designation.version, version)
    check_not_future(problems, "effectiveOn", data.effective_on)
    allowed = {
        DesignationStatus.PROPOSED: {DesignationStatus.ACTIVE, DesignationStatus.REVOKED},
        DesignationStatus.ACTIVE: {DesignationStatus.ENDANGERED, DesignationStatus.REVOKED},
        DesignationStatus.ENDANGERED: {DesignationStatus.ACTIVE, DesignationStatus.REVOKED},
    }.get(designation.status, set())
    if data.status not in allowed:
        problems.add(
            "status",
            ErrorCode.STATUS_TRANSITION,
            f"a {designation.status.value} designation cannot become {data.status.value}",
        )
    if data.status == DesignationStatus.ENDANGERED and data.remedy_deadline is None:
        problems.add("remedyDeadline", ErrorCode.REQUIRED, "the endangered list sets a deadline")
    if (
        designation.status == DesignationStatus.PROPOSED
        and data.status == DesignationStatus.ACTIVE
        and designation.designation_type == DesignationType.FAMOUS_CITY_NATIONAL
    ):
        await _check_famous_city(
            session, await get_object(session, designation.object_id), problems
        )
    if data.doc_no is not None:
        with problems.checking("docNo"):
            normalise_doc_number(data.doc_no)
    problems.raise_if_any()
    if data.status == DesignationStatus.REVOKED:
        designation.valid_to = data.effective_on
    elif data.status == DesignationStatus.ACTIVE and designation.valid_from is None:
        designation.valid_from = data.effective_on
    designation.status = data.status
    designation.remedy_deadline = data.remedy_deadline
    if data.notes:
        designation.notes = "\n".join(filter(None, [designation.notes, data.notes]))
    await session.flush()
    return designation


async def correct_designation(
    session: AsyncSession, designation_id: int, version: int, data: DesignationFields
) -> Designation:
    """Correct descriptive fields (a typo in the authority, a missing document number).

    Type and level never change in place: that is an upgrade, which keeps the old row.
    """
    designation = await get_designation(session, designation_id)
    obj = await get_object(session, designation.object_id)
    problems = Problems()
    check_version(problems, designation.version, version)
    await _apply_fields(session, designation, obj, data, data.given(), problems, None)
    problems.raise_if_any()
    await session.flush()
    return designation


def _higher(new: ProtectionLevel, old: ProtectionLevel | None) -> bool:
    return old is None or new.rank < old.rank


async def _check_new(
    session: AsyncSession,
    obj: HeritageObject,
    dtype: DesignationType,
    level: ProtectionLevel | None,
    in_force: list[Designation],
    problems: Problems,
) -> None:
    """Rules for a designation entering force next to ``in_force`` (V1, rule 2, targets)."""
    check_designation_entry(
        problems, obj.kind, dtype, level, {d.designation_type for d in in_force}
    )


def check_designation_entry(
    problems: Problems,
    kind: ObjectKind,
    dtype: DesignationType,
    level: ProtectionLevel | None,
    types: set[DesignationType],
) -> None:
    """V1, rule 2 and targets for a ``dtype`` designation of a ``kind`` object whose
    designations in force have ``types`` (no database access: imports check rows with it)."""
    if kind not in DESIGNATION_TARGETS[dtype]:
        problems.add(
            "designationType",
            ErrorCode.DESIGNATION_TARGET_KIND,
            f"a {dtype.label} cannot be given to a {kind.label}({kind.value})",
        )
    if level is not None and level != dtype.protection_level:
        expected = dtype.protection_level.value if dtype.protection_level else "no level"
        problems.add(
            "protectionLevel",
            ErrorCode.PROTECTION_LEVEL_MISMATCH,
            f"{dtype.value} carries {expected}, not {level.value}",
        )
    if dtype == DesignationType.HISTORIC_BUILDING and any(t.is_relic_level for t in types):
        problems.add(
            "designationType",
            ErrorCode.HISTORIC_BUILDING_CONFLICT,
            "a 历史建筑 is by definition not a protected or registered relic (条例 Art. 47); "
            "this object already holds a relic designation",
        )
    if dtype.is_relic_level and DesignationType.HISTORIC_BUILDING in types:
        problems.add(
            "designationType",
            ErrorCode.HISTORIC_BUILDING_CONFLICT,
            "this object is a 历史建筑: upgrade that designation so it is closed, "
            "instead of holding both",
        )
    if dtype.is_relic_level and any(t.is_relic_level for t in types):
        problems.add(
            "designationType",
            ErrorCode.DUPLICATE_ACTIVE_LEVEL,
            "the object already holds a relic protection level; upgrade it instead",
        )


async def _check_famous_city(
    session: AsyncSession, city: HeritageObject, problems: Problems
) -> None:
    """V8: a national famous city needs at least two designated historic blocks (条例 Art. 7)."""
    towns = select(Place.id).where(Place.parent_id == city.id, Place.kind == ObjectKind.TOWN)
    blocks = await session.scalar(
        select(func.count(func.distinct(Place.id)))
        .join(Designation, Designation.object_id == Place.id)
        .where(
            or_(Place.parent_id == city.id, Place.parent_id.in_(towns)),
            Place.kind == ObjectKind.BLOCK,
            Designation.designation_type.in_(
                [DesignationType.HISTORIC_BLOCK, DesignationType.HISTORIC_BLOCK_CHINA]
            ),
            Designation.status.in_([DesignationStatus.ACTIVE, DesignationStatus.ENDANGERED]),
        )
    )
    if (blocks or 0) < 2:
        problems.add(
            "designationType",
            ErrorCode.FAMOUS_CITY_NEEDS_BLOCKS,
            f"a 国家历史文化名城 needs at least 2 designated 历史文化街区 within it; "
            f"{blocks or 0} are registered (条例 Art. 7)",
        )


async def _apply_fields(
    session: AsyncSession,
    designation: Designation,
    obj: HeritageObject,
    data: DesignationFields,
    given: set[str],
    problems: Problems,
    warnings: list[RuleWarning] | None,
) -> None:
    assign_designation_fields(
        designation,
        obj.category if isinstance(obj, Site) else None,
        data,
        given,
        problems,
        warnings,
    )
    if designation.designation_type == DesignationType.CPU_NATIONAL and designation.official_code:
        await _check_code_taken(session, designation, obj, problems)


def assign_designation_fields(
    designation: Designation,
    category: RelicCategory | None,
    data: DesignationFields,
    given: set[str],
    problems: Problems,
    warnings: list[RuleWarning] | None,
) -> None:
    """Set the given fields and check the rules that need no database (dates, 文号, V9, V10).

    ``category`` is the designated site's category, for the 国保 number's category digit.
    """
    for name in DesignationFields.model_fields:
        if name in given:
            setattr(designation, name, getattr(data, name))
    check_not_future(problems, "announcedOn", designation.announced_on)
    check_order(problems, "validFrom", designation.valid_from, designation.valid_to, "validity")
    if designation.doc_no:
        with problems.checking("docNo"):
            designation.doc_no = normalise_doc_number(designation.doc_no)
    if designation.designation_type == DesignationType.CPU_NATIONAL and designation.official_code:
        _check_national_code(designation, category, problems)
    if warnings is not None:
        _warn_batch_window(designation, warnings)


def _check_national_code(
    designation: Designation, category: RelicCategory | None, problems: Problems
) -> None:
    """V9: the 国保 number's format, its category digit against the site's category, and its
    running number against the size of its batch."""
    code_text = designation.official_code or ""
    with problems.checking("officialCode"):
        code = validate_national_code(code_text, category.digit if category else None)
        designation.official_code = code.full or code.short
        if designation.batch_no is None:
            designation.batch_no = code.batch
        elif code.batch != designation.batch_no:
            problems.add(
                "officialCode",
                ErrorCode.NATIONAL_CODE_FORMAT,
                f"number {code_text} belongs to batch {code.batch}, not {designation.batch_no}",
            )
        size = NATIONAL_BATCH_SIZES.get(code.batch)
        if size is not None and code.running > size:
            problems.add(
                "officialCode",
                ErrorCode.NATIONAL_CODE_NOT_IN_BATCH,
                f"number {code_text} is beyond the {size} numbers batch {code.batch} gave out",
            )


async def _check_code_taken(
    session: AsyncSession, designation: Designation, obj: HeritageObject, problems: Problems
) -> None:
    """A 国保 number names one site."""
    taken = await session.scalar(
        select(Designation.id).where(
            Designation.official_code == designation.official_code,
            Designation.designation_type == DesignationType.CPU_NATIONAL,
            Designation.status.in_([DesignationStatus.ACTIVE, DesignationStatus.ENDANGERED]),
            Designation.object_id != obj.id,
        )
    )
    if taken is not None:
        problems.add(
            "officialCode",
            ErrorCode.NATIONAL_CODE_TAKEN,
            f"{designation.official_code} is already the number of another site",
        )


def _warn_batch_window(designation: Designation, warnings: list[RuleWarning]) -> None:
    """V10: a 国保 announcement date outside its batch's known window is suspicious."""
    window = NATIONAL_BATCH_WINDOWS.get(designation.batch_no or 0)
    if (
        designation.designation_type != DesignationType.CPU_NATIONAL
        or window is None
        or designation.announced_on is None
    ):
        return
    start, end = window
    if not start <= designation.announced_on <= end:
        warnings.append(
            RuleWarning(
                "announcedOn",
                ErrorCode.DATE_ORDER,
                f"batch {designation.batch_no} was announced between {start} and {end}",
            )
        )
