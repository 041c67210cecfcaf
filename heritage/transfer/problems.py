"""What can be wrong with an imported row, and the row-level issue the report lists.

Rule violations carry the services' own codes (:class:`~heritage.services.errors.ErrorCode`:
``REGION_CODE_UNKNOWN``, ``NATIONAL_CODE_CATEGORY_MISMATCH`` …); problems that only a file can
have (encodings, columns, duplicate keys, vocabulary values) carry an :class:`ImportCode`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

Severity = Literal["error", "warning"]


class ImportCode(StrEnum):
    """Codes of problems that belong to files rather than to the registry's rules."""

    FORMAT_UNKNOWN = "FORMAT_UNKNOWN"
    EMPTY_FILE = "EMPTY_FILE"
    ENCODING = "ENCODING"
    ENCODING_UNSUPPORTED = "ENCODING_UNSUPPORTED"
    CSV_SYNTAX = "CSV_SYNTAX"
    JSON_SYNTAX = "JSON_SYNTAX"
    MISSING_COLUMN = "MISSING_COLUMN"
    COLUMN_COUNT = "COLUMN_COUNT"
    KEY_MISSING = "KEY_MISSING"
    DUPLICATE_KEY = "DUPLICATE_KEY"
    VALUE_UNKNOWN = "VALUE_UNKNOWN"
    NUMBER_INVALID = "NUMBER_INVALID"
    DATE_INVALID = "DATE_INVALID"
    RECORD_TYPE_MISMATCH = "RECORD_TYPE_MISMATCH"
    REGION_PROVINCE_MISMATCH = "REGION_PROVINCE_MISMATCH"
    REGION_PARTLY_RESOLVED = "REGION_PARTLY_RESOLVED"
    MERGED_ITEM = "MERGED_ITEM"
    MERGED_PARENT_NOT_FOUND = "MERGED_PARENT_NOT_FOUND"
    MERGED_PARENT_LINKED = "MERGED_PARENT_LINKED"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of one row.

    Attributes:
        line: physical line the record starts on (1 = the CSV header / first JSON line).
        code: an :class:`ImportCode` or a service ``ErrorCode`` value.
        message: what is wrong, in words.
        field: the source column(s) at fault, as named in the file (comma-separated).
        target: the registry field it was meant for (``designation.official_code`` …).
        value: the raw value read from the file.
        severity: ``error`` refuses the row; ``warning`` keeps it and says what was assumed.
        key: the row's key value, to find it again.
    """

    line: int | None
    code: str
    message: str
    field: str | None = None
    target: str | None = None
    value: Any = None
    severity: Severity = "error"
    key: str | None = None

    @property
    def is_error(self) -> bool:
        """True when the issue refuses the row."""
        return self.severity == "error"
