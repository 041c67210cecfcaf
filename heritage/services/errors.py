"""Coded errors of the use-cases. Validation failures are data (a list of problems), so the API
can return them next to the mutation's result; only faults outside the rules are exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from pydantic import ValidationError

from heritage.domain.errors import DomainValueError


class ErrorCode(StrEnum):
    """Every code a service can return. The API splits them into per-domain enums."""

    # generic
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    STALE_VERSION = "STALE_VERSION"
    DATE_IN_FUTURE = "DATE_IN_FUTURE"
    DATE_ORDER = "DATE_ORDER"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    DUPLICATE = "DUPLICATE"
    # location and dating
    REGION_CODE_FORMAT = "REGION_CODE_FORMAT"
    REGION_CODE_UNKNOWN = "REGION_CODE_UNKNOWN"
    COORDINATE_OUT_OF_RANGE = "COORDINATE_OUT_OF_RANGE"
    COORDINATE_OUTSIDE_CHINA = "COORDINATE_OUTSIDE_CHINA"
    CRS_NOT_CONVERTIBLE = "CRS_NOT_CONVERTIBLE"
    CRS_UNKNOWN = "CRS_UNKNOWN"
    DATING_UNPARSEABLE = "DATING_UNPARSEABLE"
    DATING_INDETERMINATE = "DATING_INDETERMINATE"
    ERA_RANGE_REVERSED = "ERA_RANGE_REVERSED"
    ERA_IN_FUTURE = "ERA_IN_FUTURE"
    ERA_YEAR_ZERO = "ERA_YEAR_ZERO"
    PERIOD_UNKNOWN = "PERIOD_UNKNOWN"
    REGION_NAME_UNKNOWN = "REGION_NAME_UNKNOWN"
    # objects
    KIND_MISMATCH = "KIND_MISMATCH"
    CONTAINMENT_NOT_ALLOWED = "CONTAINMENT_NOT_ALLOWED"
    CONTAINMENT_CYCLE = "CONTAINMENT_CYCLE"
    STATUS_TRANSITION = "STATUS_TRANSITION"
    APPROVAL_REQUIRED = "APPROVAL_REQUIRED"
    APPROVAL_LEVEL_TOO_LOW = "APPROVAL_LEVEL_TOO_LOW"
    NATIONAL_SITE_NOT_DEMOLISHABLE = "NATIONAL_SITE_NOT_DEMOLISHABLE"
    # designations
    DESIGNATION_TARGET_KIND = "DESIGNATION_TARGET_KIND"
    PROTECTION_LEVEL_MISMATCH = "PROTECTION_LEVEL_MISMATCH"
    HISTORIC_BUILDING_CONFLICT = "HISTORIC_BUILDING_CONFLICT"
    DUPLICATE_ACTIVE_LEVEL = "DUPLICATE_ACTIVE_LEVEL"
    NATIONAL_CODE_FORMAT = "NATIONAL_CODE_FORMAT"
    NATIONAL_CODE_CATEGORY_MISMATCH = "NATIONAL_CODE_CATEGORY_MISMATCH"
    NATIONAL_CODE_TAKEN = "NATIONAL_CODE_TAKEN"
    NATIONAL_CODE_MERGED_ITEM = "NATIONAL_CODE_MERGED_ITEM"
    NATIONAL_CODE_NOT_IN_BATCH = "NATIONAL_CODE_NOT_IN_BATCH"
    DOC_NUMBER_FORMAT = "DOC_NUMBER_FORMAT"
    FAMOUS_CITY_NEEDS_BLOCKS = "FAMOUS_CITY_NEEDS_BLOCKS"
    UPGRADE_NOT_HIGHER = "UPGRADE_NOT_HIGHER"
    # records and works
    CONDITION_GRADE_UNKNOWN = "CONDITION_GRADE_UNKNOWN"
    PLAQUE_TYPE_NOT_APPLICABLE = "PLAQUE_TYPE_NOT_APPLICABLE"
    ALTERATION_NEEDS_JOINT_APPROVAL = "ALTERATION_NEEDS_JOINT_APPROVAL"
    WORKFLOW_TRANSITION = "WORKFLOW_TRANSITION"
    FIRM_QUALIFICATION_REQUIRED = "FIRM_QUALIFICATION_REQUIRED"
    # users
    USERNAME_TAKEN = "USERNAME_TAKEN"
    TOKEN_INVALID = "TOKEN_INVALID"
    LAST_ADMINISTRATOR = "LAST_ADMINISTRATOR"

    @property
    def description(self) -> str:
        """What the code means to the person who sent the change (for API documentation)."""
        return CODE_DESCRIPTIONS[self]


#: One sentence per code: what was wrong and, where it helps, what to do instead.
CODE_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.INVALID: "A value is not acceptable (see the message).",
    ErrorCode.REQUIRED: "A value that this change needs is missing.",
    ErrorCode.NOT_FOUND: "No record has this id (or it is not visible to you).",
    ErrorCode.STALE_VERSION: "The record changed since you read it: read it again and retry.",
    ErrorCode.DATE_IN_FUTURE: "A date of something that already happened lies in the future.",
    ErrorCode.DATE_ORDER: "An end date lies before its start date.",
    ErrorCode.PERMISSION_DENIED: "Your role may not make this change.",
    ErrorCode.DUPLICATE: "The same record or link already exists.",
    ErrorCode.REGION_CODE_FORMAT: "A region code is not 6, 9 or 12 digits (GB/T 2260 and below).",
    ErrorCode.REGION_CODE_UNKNOWN: "A region code is not in the division tables.",
    ErrorCode.COORDINATE_OUT_OF_RANGE: "A latitude or longitude is outside its valid range.",
    ErrorCode.COORDINATE_OUTSIDE_CHINA: "A point lies outside China's bounding box.",
    ErrorCode.CRS_NOT_CONVERTIBLE: "Coordinates in this system cannot be converted to WGS-84.",
    ErrorCode.CRS_UNKNOWN: "The coordinate system is not one the registry knows.",
    ErrorCode.DATING_UNPARSEABLE: "The dating text names no period or year the registry reads.",
    ErrorCode.DATING_INDETERMINATE: "The dating text is too vague to give start and end years.",
    ErrorCode.ERA_RANGE_REVERSED: "The era's start year lies after its end year.",
    ErrorCode.ERA_IN_FUTURE: "An era year lies in the future.",
    ErrorCode.ERA_YEAR_ZERO: "Year 0 does not exist (1 BCE is -1, then 1 CE).",
    ErrorCode.PERIOD_UNKNOWN: "A period code is not in the period vocabulary.",
    ErrorCode.REGION_NAME_UNKNOWN: "A region name matches no division, old or current.",
    ErrorCode.KIND_MISMATCH: "The record is of another kind than this change expects.",
    ErrorCode.CONTAINMENT_NOT_ALLOWED: "This kind of record cannot lie within that one.",
    ErrorCode.CONTAINMENT_CYCLE: "The record would end up inside itself.",
    ErrorCode.STATUS_TRANSITION: "The status cannot change from its current value to this one.",
    ErrorCode.APPROVAL_REQUIRED: "This change needs its approval record (document, authority).",
    ErrorCode.APPROVAL_LEVEL_TOO_LOW: "The approving authority ranks below what the law asks.",
    ErrorCode.NATIONAL_SITE_NOT_DEMOLISHABLE: "A national key site may never be demolished.",
    ErrorCode.DESIGNATION_TARGET_KIND: "This designation type does not apply to this kind.",
    ErrorCode.PROTECTION_LEVEL_MISMATCH: "The protection level does not go with the type.",
    ErrorCode.HISTORIC_BUILDING_CONFLICT: (
        "A 历史建筑 cannot also hold a relic designation (条例 Art. 47)."
    ),
    ErrorCode.DUPLICATE_ACTIVE_LEVEL: (
        "The record already holds an active relic level: upgrade it instead."
    ),
    ErrorCode.NATIONAL_CODE_FORMAT: "A national code must read batch-number-category-item.",
    ErrorCode.NATIONAL_CODE_CATEGORY_MISMATCH: "The code's category digit is not the site's.",
    ErrorCode.NATIONAL_CODE_TAKEN: "Another site already holds this national code.",
    ErrorCode.NATIONAL_CODE_MERGED_ITEM: "The code names an item merged into another site.",
    ErrorCode.NATIONAL_CODE_NOT_IN_BATCH: "The number is beyond the numbers its batch gave out.",
    ErrorCode.DOC_NUMBER_FORMAT: "The announcement document number is not well formed.",
    ErrorCode.FAMOUS_CITY_NEEDS_BLOCKS: (
        "A national famous city needs at least two designated blocks."
    ),
    ErrorCode.UPGRADE_NOT_HIGHER: "An upgrade must move to a higher protection level.",
    ErrorCode.CONDITION_GRADE_UNKNOWN: "The grade is not one of its grading system's grades.",
    ErrorCode.PLAQUE_TYPE_NOT_APPLICABLE: "This plaque type does not go with this kind of record.",
    ErrorCode.ALTERATION_NEEDS_JOINT_APPROVAL: (
        "Altering a 历史建筑 needs planning and 文物 joint approval."
    ),
    ErrorCode.WORKFLOW_TRANSITION: "The project cannot move from its current step to this one.",
    ErrorCode.FIRM_QUALIFICATION_REQUIRED: "The firm lacks the qualification this work needs.",
    ErrorCode.USERNAME_TAKEN: "Another user already has this username.",
    ErrorCode.TOKEN_INVALID: "The token is unknown, revoked or expired.",
    ErrorCode.LAST_ADMINISTRATOR: "The registry must keep at least one active administrator.",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: the field at fault (dotted path), a code, a message."""

    field: str | None
    code: ErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class RuleWarning:
    """A rule the write breaks without being refused (e.g. a missing firm qualification)."""

    field: str | None
    code: ErrorCode
    message: str


class ServiceError(Exception):
    """The input breaks the rules; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field or '-'}: {p.message}" for p in self.problems))

    @classmethod
    def single(cls, field: str | None, code: ErrorCode, message: str) -> ServiceError:
        """An error with one problem."""
        return cls([Problem(field, code, message)])


class NotFoundError(ServiceError):
    """The record named by the input does not exist."""


def from_domain(exc: DomainValueError, field: str | None = None) -> Problem:
    """Turn a domain module's coded error into a problem on ``field``."""
    try:
        code = ErrorCode(exc.code)
    except ValueError:
        code = ErrorCode.INVALID
    return Problem(field or exc.field, code, exc.message)


def from_validation(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """Turn pydantic's errors into problems named by dotted field paths."""
    problems = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in error["loc"])
        field = f"{prefix}.{path}" if prefix and path else (path or prefix or None)
        code = ErrorCode.REQUIRED if error["type"] == "missing" else ErrorCode.INVALID
        problems.append(Problem(field, code, error["msg"]))
    return problems


class Problems:
    """Collects problems while checking many rules, so one answer lists everything wrong."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, field: str | None, code: ErrorCode, message: str) -> None:
        """Record a problem."""
        self.items.append(Problem(field, code, message))

    @contextmanager
    def checking(self, field: str | None = None) -> Iterator[None]:
        """Record a domain module's coded error raised inside the block instead of raising."""
        try:
            yield
        except DomainValueError as exc:
            self.items.append(from_domain(exc, field))

    def raise_if_any(self) -> None:
        """Raise :class:`ServiceError` with everything collected, if anything was."""
        if self.items:
            raise ServiceError(self.items)
