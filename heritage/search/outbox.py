"""Draining the search outbox: the records changed by committed writes, indexed in bulk.

Every write inserts ``search_outbox`` rows in its own transaction (:mod:`heritage.db.history`);
nothing here runs inside a write. :func:`drain` repeatedly

1. **claims** a batch of due rows (leasing them for :data:`LEASE`, so a concurrent drain skips
   them and a crashed one releases them) and takes the next document **version** from
   ``search_counter``, in one short transaction;
2. **reads** the records and builds their documents, after that transaction committed;
3. **writes** them to every backend with that version (a backend keeps a newer version);
4. **deletes** the rows of the records every backend took, and puts the others back with an
   exponential delay (:func:`retry_delay`) and the error. A row is never dropped unindexed.

Why a version taken after the claim and before the read is enough: a row is claimed only once
its write has committed, so any version taken later belongs to a read that sees the write. When
a backend keeps a newer document instead of ours, that document was read later and includes
everything ours did.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.db.base import utcnow
from heritage.models import SearchCounter, SearchOutbox
from heritage.search.backend import SearchBackend
from heritage.search.documents import build_documents
from heritage.search.sessions import Sessions

log = logging.getLogger(__name__)

#: How long a claimed batch is reserved for the drain that claimed it.
LEASE = dt.timedelta(minutes=2)
#: Rows per batch.
BATCH_SIZE = 500
_FIRST_DELAY_S = 2.0
_MAX_DELAY_S = 300.0
_COUNTER = "documents"


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: 2 s, 4 s, 8 s … at most 5 minutes."""
    return dt.timedelta(seconds=min(_MAX_DELAY_S, _FIRST_DELAY_S * 2 ** max(0, attempts - 1)))


async def next_version(session: AsyncSession) -> int:
    """The next document version (the caller commits)."""
    value = await session.scalar(
        update(SearchCounter)
        .where(SearchCounter.name == _COUNTER)
        .values(value=SearchCounter.value + 1)
        .returning(SearchCounter.value)
    )
    if value is None:
        raise RuntimeError("search_counter has no 'documents' row: run heritage db upgrade")
    return int(value)


async def take_version(sessions: Sessions) -> int:
    """A version in a transaction of its own, committed before anything is read."""
    async with sessions.write() as session:
        version = await next_version(session)
        await session.commit()
    return version


async def raise_versions_above(sessions: Sessions, version: int) -> None:
    """Make every version taken from now on higher than ``version``: an index can hold newer
    versions than the counter after the database was restored from a backup, and would then
    refuse every write as older."""
    async with sessions.write() as session:
        await session.execute(
            update(SearchCounter)
            .where(SearchCounter.name == _COUNTER, SearchCounter.value < version)
            .values(value=version)
        )
        await session.commit()


@dataclass
class DrainReport:
    """What a drain did."""

    indexed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    next_retry_at: dt.datetime | None = None

    def add_error(self, error: str) -> None:
        """Keep the first few distinct errors for the report."""
        if error not in self.errors and len(self.errors) < 5:
            self.errors.append(error)


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    object_id: int
    attempts: int


async def drain(
    sessions: Sessions,
    backends: Sequence[SearchBackend],
    *,
    batch_size: int = BATCH_SIZE,
    retry_now: bool = False,
) -> DrainReport:
    """Index every due outbox row into every backend; ``retry_now`` also takes rows that are
    waiting out a retry delay or leased by another drain (``heritage search sync``)."""
    report = DrainReport()
    if retry_now:
        async with sessions.write() as session:
            await session.execute(update(SearchOutbox).values(next_attempt_at=utcnow()))
            await session.commit()
    while (claimed := await _claim(sessions, batch_size)) is not None:
        rows, version = claimed
        failed = await _index(sessions, backends, sorted({r.object_id for r in rows}), version)
        await _finish(sessions, rows, failed)
        report.indexed += len({r.object_id for r in rows} - set(failed))
        report.failed += len(failed)
        for error in failed.values():
            report.add_error(error)
    async with sessions.read() as session:
        report.next_retry_at = await session.scalar(select(func.min(SearchOutbox.next_attempt_at)))
    return report


async def pending_count(sessions: Sessions) -> int:
    """Outbox rows not indexed yet."""
    async with sessions.read() as session:
        return int(await session.scalar(select(func.count()).select_from(SearchOutbox)) or 0)


async def _claim(sessions: Sessions, batch_size: int) -> tuple[list[_Row], int] | None:
    now = utcnow()
    async with sessions.write() as session:
        query = (
            select(SearchOutbox.id, SearchOutbox.object_id, SearchOutbox.attempts)
            .where(SearchOutbox.next_attempt_at <= now)
            .order_by(SearchOutbox.id)
            .limit(batch_size)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = [_Row(*row) for row in (await session.execute(query)).all()]
        if not rows:
            return None
        await session.execute(
            update(SearchOutbox)
            .where(SearchOutbox.id.in_([r.id for r in rows]))
            .values(next_attempt_at=now + LEASE)
        )
        version = await next_version(session)
        await session.commit()
    return rows, version


async def _index(
    sessions: Sessions, backends: Sequence[SearchBackend], ids: list[int], version: int
) -> dict[int, str]:
    """Write the documents of ``ids`` everywhere; the ids that failed anywhere, with why."""
    async with sessions.read() as session:
        documents = await build_documents(session, ids)
    gone = [object_id for object_id in ids if object_id not in documents]
    failed: dict[int, str] = {}
    for backend in backends:
        try:
            refused = await backend.write(list(documents.values()), version)
            refused.update(await backend.remove(gone, version))
        except Exception as exc:  # any failure leaves the rows for a retry, never drops them
            log.warning("search %s: batch not indexed: %s", backend.label, exc)
            refused = dict.fromkeys(ids, str(exc) or type(exc).__name__)
        for object_id, error in refused.items():
            failed.setdefault(object_id, f"{backend.label}: {error}")
    return failed


async def _finish(sessions: Sessions, rows: list[_Row], failed: dict[int, str]) -> None:
    now = utcnow()
    done = [r.id for r in rows if r.object_id not in failed]
    retries: list[dict[str, Any]] = [
        {
            "id": r.id,
            "attempts": r.attempts + 1,
            "next_attempt_at": now + retry_delay(r.attempts + 1),
            "last_error": failed[r.object_id][:2000],
        }
        for r in rows
        if r.object_id in failed
    ]
    async with sessions.write() as session:
        if done:
            await session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(done)))
        if retries:
            # ORM bulk UPDATE by primary key: one statement for every row.
            await session.execute(update(SearchOutbox), retries)
        await session.commit()
