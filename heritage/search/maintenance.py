"""Rebuilding an index from the database, and comparing an index with the database.

``heritage search reindex`` and ``heritage search check [--repair]`` run these; both read the
database in id order, a batch at a time, each batch with a fresh version taken before it is
read (see :mod:`heritage.search.outbox` for why that keeps newer writes safe).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from heritage.search.backend import SearchBackend, VersionedBatches
from heritage.search.documents import Document, build_documents, documents_after
from heritage.search.outbox import pending_count, raise_versions_above, take_version
from heritage.search.sessions import Sessions

#: Records per batch when reading the whole database.
SCAN_BATCH = 1000


async def database_batches(sessions: Sessions, *, batch_size: int = SCAN_BATCH) -> VersionedBatches:
    """Every record's document, in id order, each batch with the version it was read at."""
    after = 0
    while True:
        version = await take_version(sessions)
        async with sessions.read() as session:
            documents = await documents_after(session, after, batch_size)
        if not documents:
            return
        after = documents[-1].object_id
        yield version, documents


async def reindex(sessions: Sessions, backend: SearchBackend) -> int:
    """Rebuild ``backend``'s index from the database; return the number of documents."""
    with _heap_frozen():
        return await backend.reindex(database_batches(sessions))


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep the objects alive now out of the garbage collector's way while inside.

    Building documents allocates tens of thousands of objects per batch, which sets off full
    collections; each one would walk everything the process holds, pypinyin's phrase
    dictionary alone being hundreds of thousands of lists (about a fifth of a second a time).
    Frozen objects are skipped, and unfrozen on the way out. A process that froze its heap
    already (``heritage serve``) is left as it is.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class CheckReport:
    """Differences between the database and an index, by record id."""

    backend: str
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    pending: int = 0
    repaired: int = 0
    newest_version: int = 0

    @property
    def differences(self) -> int:
        """How many records differ."""
        return len(self.missing) + len(self.extra) + len(self.stale)


async def check(sessions: Sessions, backend: SearchBackend, *, repair: bool = False) -> CheckReport:
    """Compare every document the database gives with the index: records missing from it,
    records it holds that the database does not, and documents that differ (stale).

    With ``repair``, index the missing and stale records and remove the extra ones, each batch
    at a fresh version (a write indexed meanwhile at a newer one stays), after making sure new
    versions exceed every version in the index.
    """
    report = CheckReport(backend=backend.label, pending=await pending_count(sessions))
    indexed: dict[int, str] = {}
    async for chunk in backend.indexed():
        for entry in chunk:
            indexed[entry.object_id] = entry.hash
            report.newest_version = max(report.newest_version, entry.version)
    async for documents in _documents(sessions):
        for doc in documents:
            found = indexed.pop(doc.object_id, None)
            if found is None:
                report.missing.append(doc.object_id)
            elif found != doc.hash:
                report.stale.append(doc.object_id)
    report.extra = sorted(indexed)
    if repair:
        report.repaired = await _repair(sessions, backend, report)
    return report


async def _documents(sessions: Sessions) -> AsyncIterator[list[Document]]:
    after = 0
    while True:
        async with sessions.read() as session:
            documents = await documents_after(session, after, SCAN_BATCH)
        if not documents:
            return
        after = documents[-1].object_id
        yield documents


async def _repair(sessions: Sessions, backend: SearchBackend, report: CheckReport) -> int:
    await raise_versions_above(sessions, report.newest_version)
    repaired = 0
    wrong = sorted(report.missing + report.stale)
    for start in range(0, len(wrong), SCAN_BATCH):
        version = await take_version(sessions)
        async with sessions.read() as session:
            documents = await build_documents(session, wrong[start : start + SCAN_BATCH])
        failed = await backend.write(list(documents.values()), version)
        repaired += len(documents) - len(failed)
    if report.extra:
        failed = await backend.remove(report.extra, await take_version(sessions))
        repaired += len(report.extra) - len(failed)
    return repaired
