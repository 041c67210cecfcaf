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
