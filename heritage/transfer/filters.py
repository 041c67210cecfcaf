"""The export filter from command-line options or query parameters, with coded problems.

Vocabulary values may be given as codes (``ANCIENT_BUILDING``, any case) or Chinese labels
(``古建筑``); several values of one option mean "any of them".
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TypeVar

from heritage.models.vocab import (
    ConditionGrade,
    DesignationType,
    ObjectKind,
    ObjectStatus,
    ProtectionLevel,
    RelicCategory,
)
from heritage.services.errors import ErrorCode, Problem, ServiceError
from heritage.services.listing import ObjectFilter
from heritage.transfer.mapping import vocabulary_member

E = TypeVar("E", bound=Enum)


def _members(enum: type[E], values: Sequence[str], name: str, problems: list[Problem]) -> list[E]:
    found: list[E] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            member = vocabulary_member(enum, part)
            if member is None:
                codes = ", ".join(str(m.value) for m in enum)
                problems.append(
                    Problem(name, ErrorCode.INVALID, f"{part!r} is not a {enum.__name__} ({codes})")
                )
            else:
                assert isinstance(member, enum)
                found.append(member)
    return found


def build_filter(
    *,
    record_type: str | None = None,
    kinds: Sequence[str] = (),
    region: str | None = None,
    designations: Sequence[str] = (),
    levels: Sequence[str] = (),
    categories: Sequence[str] = (),
    conditions: Sequence[str] = (),
    statuses: Sequence[str] = (),
    era_from: int | None = None,
    era_to: int | None = None,
    has_plaque: bool | None = None,
    has_mapping: bool | None = None,
    has_archive: bool | None = None,
    national_code: str | None = None,
    name: str | None = None,
) -> ObjectFilter:
    """An :class:`ObjectFilter`; raises :class:`ServiceError` listing every bad value."""
    problems: list[Problem] = []
    if record_type is not None and record_type not in ("site", "place"):
        problems.append(Problem("recordType", ErrorCode.INVALID, "record type is site or place"))
    if region is not None and not (region.isascii() and region.isdigit()):
        problems.append(
            Problem("region", ErrorCode.REGION_CODE_FORMAT, "a region prefix is digits, e.g. 14")
        )
    if era_from is not None and era_to is not None and era_from > era_to:
        problems.append(Problem("eraFrom", ErrorCode.DATE_ORDER, f"{era_from} is after {era_to}"))
    flt = ObjectFilter(
        record_type=record_type,
        kinds=_members(ObjectKind, kinds, "kind", problems),
        region_prefix=region or None,
        designation_types=_members(DesignationType, designations, "designation", problems),
        protection_levels=_members(ProtectionLevel, levels, "level", problems),
        categories=_members(RelicCategory, categories, "category", problems),
        conditions=_members(ConditionGrade, conditions, "condition", problems),
        statuses=_members(ObjectStatus, statuses, "status", problems),
        era_from=era_from,
        era_to=era_to,
        has_plaque=has_plaque,
        has_mapping=has_mapping,
        has_archive=has_archive,
        national_code=national_code or None,
        name_contains=name or None,
    )
    if problems:
        raise ServiceError(problems)
    return flt
