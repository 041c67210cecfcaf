"""Removing what the media store holds but the registry no longer refers to.

An original is stored before its row is committed (see :mod:`heritage.web.uploads`), so a
commit that fails, or a process killed at that moment, leaves an original no row refers to.
It is never served (serving starts from the row) and does no harm, but takes space: this
collection removes such originals with their renditions, and the temporary files of uploads
cut off by a crash. Originals younger than the grace period are kept, so an upload that is
between its storage commit and its database commit is never touched.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from heritage.media import LocalMediaStorage, original_key
from heritage.services.media import referenced_hashes

DEFAULT_GRACE = dt.timedelta(days=1)
_BATCH = 500


@dataclass
class CollectionReport:
    """What a collection removed (or, in a dry run, would remove)."""

    originals: list[str] = field(default_factory=list)
    renditions: int = 0
    temporaries: int = 0
    kept_young: int = 0


def _stored_originals(root: Path) -> list[tuple[str, float]]:
    """(sha256, modification time) of every original in the store."""
    found = []
    for path in (root / "originals").glob("*/*/*"):
        if path.is_file() and len(path.name) == 64:
            found.append((path.name, path.stat().st_mtime))
    return sorted(found)


def _remove(storage: LocalMediaStorage, sha256: str) -> int:
    """Delete an original and its renditions; return how many renditions went."""
    storage.local_path(original_key(sha256)).unlink(missing_ok=True)
    renditions = storage.root / "renditions" / sha256[:2] / sha256[2:4] / sha256
    if not renditions.is_dir():
        return 0
    count = sum(1 for entry in renditions.iterdir() if entry.is_file())
    shutil.rmtree(renditions, ignore_errors=True)
    return count


async def collect_garbage(
    session: AsyncSession,
    storage: LocalMediaStorage,
    *,
    grace: dt.timedelta = DEFAULT_GRACE,
    dry_run: bool = False,
) -> CollectionReport:
    """Remove originals no ``media_asset`` row refers to, and stale upload temporaries."""
    report = CollectionReport()
    cutoff = dt.datetime.now(dt.UTC).timestamp() - grace.total_seconds()
    stored = await asyncio.to_thread(_stored_originals, storage.root)
    for start in range(0, len(stored), _BATCH):
        batch = stored[start : start + _BATCH]
        referenced = await referenced_hashes(session, [sha for sha, _ in batch])
        for sha256, modified in batch:
            if sha256 in referenced:
                continue
            if modified >= cutoff:
                report.kept_young += 1
                continue
            report.originals.append(sha256)
            if not dry_run:
                report.renditions += await asyncio.to_thread(_remove, storage, sha256)
    if not dry_run:
        report.temporaries = await storage.delete_stale_temporaries(
            older_than_seconds=max(grace.total_seconds(), 0.0)
        )
    return report


def touch(storage: LocalMediaStorage, sha256: str) -> None:
    """Mark an original as just stored, so a collection running now keeps it."""
    os.utime(storage.local_path(original_key(sha256)))
