"""Async engines for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from heritage.settings import Settings

# Execution option asking SQLite to take the write lock at BEGIN: a deferred transaction that
# reads and then writes can fail with SQLITE_BUSY when another writer committed meanwhile.
WRITE_OPTION = "heritage_write"


#: JSON columns are read with orjson (the same values, a fraction of the time: a page of
#: records reads three JSON columns per row). They are still written by the standard library,
#: which accepts what orjson refuses (e.g. integer keys).
JSON_OPTIONS: dict[str, Any] = {"json_deserializer": orjson.loads}


def create_engine(settings: Settings) -> AsyncEngine:
    """Build the engine for ``settings.database_url``."""
    if settings.is_sqlite:
        engine = create_async_engine(
            settings.database_url,
            echo=settings.database_echo,
            connect_args={"timeout": 30},
            **JSON_OPTIONS,
        )
        configure_sqlite(engine.sync_engine)
        return engine
    return create_async_engine(
        settings.database_url,
        echo=settings.database_echo,
        pool_pre_ping=True,
        pool_size=10,
        **JSON_OPTIONS,
    )


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, and transactions begun by SQLAlchemy rather than the driver.

    The driver's own implicit BEGIN breaks SAVEPOINT handling (SQLAlchemy's documented
    pysqlite/aiosqlite recipe), which tests and nested service calls rely on.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        # On the driver's cursor: run as a SQLAlchemy statement it costs some 40 µs more, on
        # every request that reads.
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        finally:
            cursor.close()
