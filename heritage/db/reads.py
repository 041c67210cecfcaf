"""A request's reads: statements run on one connection and fetched whole, as cheaply as the
database allows.

The API reads a lot and writes little, and its reads are small (a page, a batch of
relations), so the fixed cost of each read matters more than the query itself:

* **SQLite**: the async driver (aiosqlite) sends every DBAPI call to its own thread and back,
  and a statement takes four such calls (BEGIN another three, ROLLBACK one). A
  :class:`ThreadReader` instead runs each statement on the standard ``sqlite3`` driver inside
  one call to a worker thread, fetching its rows there: one hand-over per statement. The
  request's reads still share one transaction, so they see one snapshot, as before.
* **PostgreSQL**: a :class:`SessionReader` on an ``AUTOCOMMIT`` connection, sparing the
  BEGIN and ROLLBACK round trips, from a pool that does not ping at checkout (a dead
  connection is retried instead); each statement reads the newest committed state, which is
  what PostgreSQL's default ``READ COMMITTED`` transactions saw anyway.

Both run Core statements on the connection itself, with no ORM session (one is bound to the
connection only for an ORM ``SELECT``): a session's set-up and tear-down cost a tenth of a
millisecond, as much as the rows of a 20-hit search. Both answer the same five calls;
:func:`open_readers` picks the one for the engine.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine, Executable, Row, Select
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    create_async_engine,
)
from sqlalchemy.orm import Session

from heritage.db.engine import JSON_OPTIONS, configure_sqlite
from heritage.db.fixed import FixedStatement, FixedStatements

T = TypeVar("T")

#: Threads running SQLite reads (each runs one statement at a time, then is free again).
READ_THREADS = 4
#: Connections the PostgreSQL readers keep open.
READ_CONNECTIONS = 10
#: Age after which a PostgreSQL read connection is replaced (before servers or proxies that
#: drop idle connections would).
RECYCLE_S = 1800

log = logging.getLogger(__name__)


class Reader(Protocol):
    """One request's reads, on one connection taken at the first read."""

    async def rows(
        self,
        statement: Executable,
        params: Mapping[str, Any] | None = None,
        *,
        lookup: bool = False,
        fixed: bool = False,
    ) -> Sequence[Sequence[Any]]:
        """Every row of a Core ``statement``, as a sequence of its columns' values.

        ``lookup`` says the statement finds a bounded number of rows by an index (a batch of
        ids): a reader may then run it without handing it to another thread. ``fixed`` says
        the statement object is built once and run again and again (a loader's): a reader
        may keep its compiled form and run it on the driver (:mod:`heritage.db.fixed`).
        """

    async def scalar(self, statement: Executable) -> Any:
        """The first column of the first row (``None`` without rows)."""

    async def entities(self, statement: Select[T]) -> list[T]:
        """The ORM objects an ORM ``SELECT`` of one entity loads."""

    async def open(self) -> None:
        """Take the connection now, for reads to come (e.g. while waiting for another
        server's answer): they then find it ready."""

    async def close(self) -> None:
        """End the reads and give the connection back."""


class Readers(Protocol):
    """Makes a :class:`Reader` per request; owns what they share."""

    def __call__(self) -> Reader: ...

    async def dispose(self) -> None:
        """Close the shared connections and threads."""


class SessionReader:
    """Reads on an ``AsyncConnection`` of ``engine``, taken at the first read.

    Core statements run on the connection itself; an ORM ``SELECT`` (:meth:`entities`) on a
    session bound to it, made when first needed. A session per request would cost its
    set-up on every search for the one statement most of them run.

    With ``retry``, a statement that finds its pooled connection dead (the server restarted,
    a proxy dropped it) runs once more on a fresh one: reads change nothing, and the pool
    then drops every connection older than the failure.
    """

    def __init__(self, engine: AsyncEngine, fixed: FixedStatements, *, retry: bool = False) -> None:
        self._engine = engine
        self._fixed = fixed
        self._retry = retry
        self._connection: AsyncConnection | None = None
        self._driver: Any = None
        self._session: AsyncSession | None = None

    async def _current(self) -> AsyncConnection:
        if self._connection is None:
            self._connection = await self._engine.connect().start()
        return self._connection

    async def _driver_of(self, connection: AsyncConnection) -> Any:
        # Asked of SQLAlchemy once per checkout: each time costs a greenlet switch.
        if self._driver is None:
            self._driver = (await connection.get_raw_connection()).driver_connection
        return self._driver

    async def _attempt(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        try:
            return await work(await self._current())
        except DBAPIError as exc:
            if not (self._retry and exc.connection_invalidated):
                raise
            log.warning("read connection lost (%s); reading again on a new one", exc.orig)
        except _DriverConnectionLostError as exc:
            if not self._retry:
                raise exc.error from None
            log.warning("read connection lost (%s); reading again on a new one", exc.error)
        await self.close()
        return await work(await self._current())

    async def rows(
        self,
        statement: Executable,
        params: Mapping[str, Any] | None = None,
        *,
        lookup: bool = False,
        fixed: bool = False,
    ) -> Sequence[Sequence[Any]]:
        values = dict(params or {})
        compiled = self._fixed.get(statement) if fixed else None
        if compiled is not None:

            async def fixed_work(connection: AsyncConnection) -> Sequence[Sequence[Any]]:
                driver = await self._driver_of(connection)
                return await _on_asyncpg(connection, driver, compiled, values)

            return await self._attempt(fixed_work)

        async def work(connection: AsyncConnection) -> Sequence[Row[Any]]:
            return (await connection.execute(statement, values)).all()

        return await self._attempt(work)

    async def scalar(self, statement: Executable) -> Any:
        return await self._attempt(lambda connection: connection.scalar(statement))

    async def entities(self, statement: Select[T]) -> list[T]:
        async def work(connection: AsyncConnection) -> list[T]:
            if self._session is None:
                self._session = AsyncSession(bind=connection)
            return list((await self._session.scalars(statement)).all())

        return await self._attempt(work)

    async def open(self) -> None:
        connection = await self._current()
        if self._fixed.enabled:
            await self._driver_of(connection)

    async def close(self) -> None:
        session, connection = self._session, self._connection
        self._session = self._connection = self._driver = None
        if session is not None:
            await session.close()
        if connection is not None:
            await connection.close()


class _DriverConnectionLostError(Exception):
    """The driver found its connection closed (the pool's copy is invalidated)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


async def _on_asyncpg(
    connection: AsyncConnection, driver: Any, compiled: FixedStatement, values: Mapping[str, Any]
) -> Sequence[Sequence[Any]]:
    """The rows of a fixed statement run by asyncpg (``driver``) on ``connection``."""
    try:
        if not compiled.converts_known:
            prepared = await driver.prepare(compiled.sql)
            compiled.set_column_types([a.type.oid for a in prepared.get_attributes()])
        fetched = await driver.fetch(compiled.sql, *compiled.arguments(values))
    except Exception as exc:
        if not driver.is_closed():
            raise
        await connection.invalidate(exc)
        raise _DriverConnectionLostError(exc) from exc
    return compiled.rows(fetched)


class SessionReaders:
    """:class:`SessionReader` per request.

    On PostgreSQL they have an engine of their own: ``AUTOCOMMIT``, and no ping at each
    checkout. The ping is a round trip (about half a millisecond of a search) spent on every
    request to guard against a rare dead connection; the readers retry instead when one
    turns up. An in-memory SQLite database is read through its own engine, as it is.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._owned: AsyncEngine | None = None
        if engine.dialect.name == "sqlite":
            self.engine = engine
        else:
            self._owned = self.engine = create_async_engine(
                engine.url,
                echo=engine.echo,
                isolation_level="AUTOCOMMIT",
                pool_size=READ_CONNECTIONS,
                pool_recycle=RECYCLE_S,
                **JSON_OPTIONS,
            )
        self.fixed = FixedStatements(self.engine.dialect, "asyncpg", echo=bool(engine.echo))

    def __call__(self) -> Reader:
        return SessionReader(self.engine, self.fixed, retry=self._owned is not None)

    async def dispose(self) -> None:
        if self._owned is not None:
            await self._owned.dispose()


class ThreadReader:
    """Reads on a synchronous SQLite connection, each call run whole in a worker thread.

    Calls come one at a time (the request context serialises them), so the connection is
    never used by two threads at once, though consecutive calls may run on different threads.

    Lookups run in the event loop's thread instead. Handing a statement over costs about
    0.4 ms, and what a thread gains is only the time SQLite itself works (the driver lets
    other threads run then): the rest, SQLAlchemy building the rows, holds the interpreter
    lock wherever it runs. For a batch of rows found by an index that rest is nearly all.
    """

    def __init__(
        self, engine: Engine, executor: ThreadPoolExecutor, fixed: FixedStatements
    ) -> None:
        self._engine = engine
        self._executor = executor
        self._fixed = fixed
        self._connection: Connection | None = None
        self._session: Session | None = None

    def _current(self) -> Connection:
        # Begun at once: every read of the request then runs in this one transaction, also
        # when an ORM session joins it later.
        if self._connection is None:
            self._connection = self._engine.connect()
            self._connection.begin()
        return self._connection

    def _orm(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self._current())
        return self._session

    async def _run(self, work: Callable[[], T]) -> T:
        # In the caller's context, as asyncio.to_thread runs its work (context variables of
        # the request, e.g. for logging, hold in the thread too).
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self._executor, context.run, work)

    async def rows(
        self,
        statement: Executable,
        params: Mapping[str, Any] | None = None,
        *,
        lookup: bool = False,
        fixed: bool = False,
    ) -> Sequence[Sequence[Any]]:
        values = dict(params or {})
        compiled = self._fixed.get(statement) if fixed else None

        def work() -> Sequence[Sequence[Any]]:
            if compiled is not None:
                return _on_sqlite3(self._current(), compiled, values)
            return self._current().execute(statement, values).all()

        return work() if lookup else await self._run(work)

    async def scalar(self, statement: Executable) -> Any:
        return await self._run(lambda: self._current().scalar(statement))

    async def entities(self, statement: Select[T]) -> list[T]:
        return await self._run(lambda: list(self._orm().scalars(statement).all()))

    async def open(self) -> None:
        # In the event loop's thread, as lookups: a checkout and BEGIN cost less than a
        # hand-over to a worker thread.
        self._current()

    async def close(self) -> None:
        # Here rather than in a worker thread: ending a read transaction touches no file (it
        # releases WAL read marks in shared memory), much less than a hand-over costs.
        session, connection = self._session, self._connection
        self._session = self._connection = None
        if session is not None:
            session.close()
        if connection is not None:
            connection.close()


def _on_sqlite3(
    connection: Connection, compiled: FixedStatement, values: Mapping[str, Any]
) -> Sequence[Sequence[Any]]:
    """The rows of a fixed statement run by ``sqlite3`` in ``connection``'s transaction."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.sql, compiled.arguments(values))
        if not compiled.converts_known:
            compiled.set_column_types([column[1] for column in cursor.description])
        return compiled.rows(cursor.fetchall())
    finally:
        cursor.close()


class ThreadReaders:
    """:class:`ThreadReader` per request, on a ``sqlite3`` engine for the same file."""

    def __init__(self, engine: AsyncEngine) -> None:
        url = engine.url.set(drivername="sqlite+pysqlite")
        self.engine = create_sync_engine(
            url,
            echo=engine.echo,
            connect_args={"timeout": 30, "check_same_thread": False},
            # Never wait for a connection: a worker thread blocked on the pool would keep
            # the thread that returns one from running. Connections above the kept ones
            # are closed when given back.
            pool_size=READ_THREADS * 2,
            max_overflow=-1,
            **JSON_OPTIONS,
        )
        configure_sqlite(self.engine)
        self._executor = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="heritage-read")
        self.fixed = FixedStatements(self.engine.dialect, "pysqlite", echo=bool(engine.echo))

    def __call__(self) -> Reader:
        return ThreadReader(self.engine, self._executor, self.fixed)

    async def dispose(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self.engine.dispose)
        self._executor.shutdown(wait=False)


def open_readers(engine: AsyncEngine) -> Readers:
    """The readers for ``engine``: worker-thread ``sqlite3`` for a SQLite file, else sessions.

    An in-memory SQLite database lives in its connection, where a second engine cannot see
    it: it is read through the async engine.
    """
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return ThreadReaders(engine)
    return SessionReaders(engine)
