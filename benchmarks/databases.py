"""Fresh databases for the benchmarks: a SQLite file always, and a PostgreSQL database when
``HERITAGE_BENCH_POSTGRES_URL`` names a server (created for the run, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from heritage.settings import Settings

POSTGRES_ENV = "HERITAGE_BENCH_POSTGRES_URL"


async def _on_server(admin_url: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_url.replace("+asyncpg", ""))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def benchmark_databases(directory: Path) -> AsyncIterator[dict[str, str]]:
    """Backend name → URL of an empty database: ``sqlite`` in ``directory``, and
    ``postgresql`` when the variable is set."""
    urls = {"sqlite": Settings(database_url=f"sqlite:///{directory / 'registry.sqlite3'}")}
    admin = os.environ.get(POSTGRES_ENV)
    name = f"heritage_bench_{uuid.uuid4().hex[:10]}"
    if admin:
        await _on_server(admin, f'CREATE DATABASE "{name}"')
        base = Settings(database_url=admin).database_url.rpartition("/")[0]
        urls["postgresql"] = Settings(database_url=f"{base}/{name}")
    try:
        yield {backend: settings.database_url for backend, settings in urls.items()}
    finally:
        if admin:
            await _on_server(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
