"""``column`` is one of a batch's keys: one SQL text whatever the batch's size.

``column IN (:keys)`` with an expanding parameter is rendered again at every execution,
one placeholder per key: on PostgreSQL that was a fifth of a 20-key lookup's time, and
asyncpg prepares a statement per batch size. So :func:`among_keys` compiles to one
parameter holding all the keys: ``column = ANY(:keys)`` with an array on PostgreSQL;
``column IN (SELECT value FROM json_each(:keys))`` with a JSON array on SQLite, which has
no arrays (a 20-key lookup 15% faster than the expanding ``IN``, and still a search by
index). Other databases keep the expanding ``IN``. Either way the statement is executed
with ``{"keys": [...]}``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, JSON, Boolean, Select, any_, bindparam, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

#: The name of the parameter that carries the keys.
KEYS = "keys"


class AmongKeys(ColumnElement[bool]):
    """True where ``column`` equals one of the ``keys`` parameter's values."""

    inherit_cache = True
    # A comparison, not a boolean value: never rendered ``= 1`` where booleans are integers
    # (SQLite), which would keep the index from being used.
    _is_implicitly_boolean = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]
    type = Boolean()

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column


def among_keys(column: Any) -> AmongKeys:
    """The condition that ``column`` is one of the batch's keys (see the module docstring)."""
    return AmongKeys(column.expression if hasattr(column, "expression") else column)


@compiles(AmongKeys)
def _expanding_in(element: AmongKeys, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(KEYS, expanding=True)), **kw)


@compiles(AmongKeys, "postgresql")
def _any_of_array(element: AmongKeys, compiler: SQLCompiler, **kw: Any) -> str:
    keys = bindparam(KEYS, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(keys), **kw)


@compiles(AmongKeys, "sqlite")
def _in_json_array(element: AmongKeys, compiler: SQLCompiler, **kw: Any) -> str:
    keys: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam(KEYS, type_=JSON()))
    )
    return compiler.process(element.column.in_(keys.scalar_subquery()), **kw)
