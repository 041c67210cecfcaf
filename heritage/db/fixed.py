"""Fixed statements run on the database driver: compiled by SQLAlchemy once per database.

The API's loaders run a handful of fixed statements (records by a batch of keys) on almost
every request, a search's hits among them. For one such statement SQLAlchemy's execution
costs more than the driver's: each time it computes a cache key from the statement's whole
structure (some 45 µs for a record's 55 columns), builds an execution context, and on
PostgreSQL passes through its greenlet adapter; in a search request that was about half a
millisecond of PostgreSQL's 1.5 and a quarter of SQLite's.

So a :class:`FixedStatement` keeps what SQLAlchemy compiled for a database: the SQL text, the
order of its parameters, and the conversions of its columns' types (SQLAlchemy's own bind
and result processors, the ones its execution applies). A reader then sends the text with
the parameters to the driver itself (``sqlite3``, asyncpg) and converts the rows. The
values are the same as through SQLAlchemy; a test compares both for every loader statement.

Only a ``SELECT`` whose parameters are plain positional ones qualifies (no expanding or
literal-rendered parameter: those change the text at each execution); anything else, and
every statement while the engine echoes SQL, runs through SQLAlchemy as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]


class FixedStatement:
    """A ``SELECT`` compiled for one database, ready to run on its driver."""

    def __init__(self, statement: Select[Any], dialect: Dialect, compiled: SQLCompiler) -> None:
        self.dialect = dialect
        self.sql = compiled.string
        self._compiled = compiled
        self._names = tuple(compiled.positiontup or ())
        self._binds: list[Processor | None] = [
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self._names
        ]
        self._types = [column.type.dialect_impl(dialect) for column in statement.selected_columns]
        self._results: list[tuple[int, Processor]] | None = None

    @property
    def converts_known(self) -> bool:
        """Whether the column conversions are set (see :meth:`set_column_types`)."""
        return self._results is not None

    def set_column_types(self, codes: Sequence[Any]) -> None:
        """Set the column conversions from the driver's type code of each column.

        SQLAlchemy picks some conversions by the code the driver reports (asyncpg: the type's
        OID, e.g. for floating-point columns); ``sqlite3`` reports none (``None`` each).
        """
        results: list[tuple[int, Processor]] = []
        for index, (column_type, code) in enumerate(zip(self._types, codes, strict=True)):
            processor = column_type.result_processor(self.dialect, code)
            if processor is not None:
                results.append((index, processor))
        self._results = results

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        """The driver's positional arguments for ``params`` (constants of the statement too)."""
        values = self._compiled.construct_params(dict(params))
        return [
            value if convert is None else convert(value)
            for value, convert in zip(
                (values[name] for name in self._names), self._binds, strict=True
            )
        ]

    def rows(self, fetched: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
        """The driver's rows with SQLAlchemy's conversions applied, as positional sequences."""
        results = self._results
        if results is None:
            raise RuntimeError("set_column_types() first")
        if not results:
            return list(fetched)
        converted: list[Sequence[Any]] = []
        for row in fetched:
            values = list(row)
            for index, convert in results:
                values[index] = convert(values[index])
            converted.append(values)
        return converted


class FixedStatements:
    """The :class:`FixedStatement` of each fixed statement met so far, for one engine.

    ``driver`` names the one driver the reader runs texts on (``pysqlite``, ``asyncpg``):
    for an engine of another, or one that echoes its SQL, every statement goes through
    SQLAlchemy.
    """

    def __init__(self, dialect: Dialect, driver: str, *, echo: bool = False) -> None:
        self._dialect = dialect
        self._enabled = dialect.driver == driver and not echo
        self._known: dict[int, tuple[Any, FixedStatement | None]] = {}

    @property
    def enabled(self) -> bool:
        """Whether statements may run on the driver (else :meth:`get` always says no)."""
        return self._enabled

    def get(self, statement: Any) -> FixedStatement | None:
        """The compiled form of ``statement``, or ``None`` when SQLAlchemy should run it.

        ``statement`` must be built once and reused (it is remembered by identity).
        """
        if not self._enabled:
            return None
        known = self._known.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        fixed = self._compile(statement)
        self._known[id(statement)] = (statement, fixed)  # keeps the statement alive
        return fixed

    def _compile(self, statement: Any) -> FixedStatement | None:
        if not isinstance(statement, Select):
            return None
        compiled = statement.compile(dialect=self._dialect)
        if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
            return None
        if compiled.post_compile_params or compiled.literal_execute_params:
            return None
        if any(bind.expanding for bind in compiled.binds.values()):
            return None
        return FixedStatement(statement, self._dialect, compiled)
