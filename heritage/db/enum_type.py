"""Enum columns stored as their code strings, with a CHECK constraint on every database."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def enum_column_type(enum_class: type[StrEnum], name: str | None = None) -> Enum:
    """A VARCHAR column restricted to ``enum_class``'s codes (no native enum: easy migrations).

    ``name`` names the CHECK constraint; give one when a table has two columns of one enum.
    """
    return Enum(
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
