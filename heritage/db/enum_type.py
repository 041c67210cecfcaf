"""Enum columns stored as their code strings, with a CHECK constraint on every database."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Enum
from sqlalchemy.engine import Dialect


class CodeEnum(Enum):
    """SQLAlchemy's ``Enum`` whose rows are read by one dictionary look-up per value.

    A page of records reads some ten enum columns per row; the stock processor spends two
    Python calls on each value to do what the look-up table's own ``__getitem__`` does
    (``None`` maps to ``None``; a code outside the enum raises ``KeyError``, a
    ``LookupError`` as before). Where the driver's string type needs converting first, the
    stock processor is kept.
    """

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if self._str_result_processor(dialect, coltype) is not None:
            return super().result_processor(dialect, coltype)  # type: ignore[no-untyped-call]
        return self._object_lookup.__getitem__

    def _str_result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        # What ``Enum.result_processor`` runs before its look-up (the ``String`` one).
        return super(Enum, self).result_processor(dialect, coltype)


def enum_column_type(enum_class: type[StrEnum], name: str | None = None) -> Enum:
    """A VARCHAR column restricted to ``enum_class``'s codes (no native enum: easy migrations).

    ``name`` names the CHECK constraint; give one when a table has two columns of one enum.
    """
    return CodeEnum(
        enum_class,
        name=name or _snake(enum_class.__name__),
        native_enum=False,
        create_constraint=True,
        length=max(40, *(len(m.value) for m in enum_class)),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
