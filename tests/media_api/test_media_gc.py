"""Originals no row refers to (a commit that failed after the file was stored) are collected."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from heritage import cli
from heritage.media import LocalMediaStorage
from heritage.media import testing as samples
from heritage.services.media_gc import collect_garbage
from tests.support.media import MediaApi, answer, refusing_trigger

DAY = dt.timedelta(days=1)


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


async def test_unreferenced_old_originals_and_stale_temporaries_are_removed(
    media_api: MediaApi,
) -> None:
    kept = answer(await media_api.upload(samples.jpeg((640, 480))))
    storage = LocalMediaStorage(media_api.root, fsync=False)
    old_orphan = await storage.put(samples.webp(), max_bytes=10**6)
    young_orphan = await storage.put(samples.minimal_pdf(), max_bytes=10**6)
    await storage.put_bytes(
        f"renditions/{old_orphan.key.removeprefix('originals/')}/thumb-256-v1.webp", b"derived"
    )
    stale = storage.temporary_dir / "upload-crashed.part"
    stale.write_bytes(b"half an upload")
    for path in (*media_api.originals(), stale):
        if path.name != young_orphan.sha256:
            _age(path, 2)

    async with media_api.api.session() as session:
        report = await collect_garbage(session, storage, grace=DAY)

    assert report.originals == [old_orphan.sha256]
    assert (report.renditions, report.temporaries, report.kept_young) == (1, 1, 1)
    assert {p.name for p in media_api.originals()} == {kept["sha256"], young_orphan.sha256}
    assert media_api.temporaries() == []
    assert all(old_orphan.sha256 not in str(p) for p in media_api.renditions())
    assert (await media_api.get(f"/media/{kept['sha256']}/thumb.webp")).status_code == 200


async def test_a_failed_commit_leaves_an_original_that_gc_removes(
    media_api: MediaApi, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite cannot defer a check to COMMIT; the insert-time refusal is tested")
    async with media_api.api.session() as session:
        for statement in refusing_trigger(backend, deferred=True):
            await session.execute(text(statement))

    response = await media_api.upload(samples.jpeg((640, 480)))

    assert response.status_code == 500
    assert await media_api.asset_count() == 0
    [orphan] = media_api.originals()  # stored before the commit failed: harmless, unserved
    assert (await media_api.get(f"/media/{orphan.name}/original")).status_code == 404
    async with media_api.api.session() as session:
        report = await collect_garbage(
            session, LocalMediaStorage(media_api.root), grace=dt.timedelta(0)
        )
    assert report.originals == [orphan.name]
    assert media_api.originals() == []


def test_the_gc_command_lists_then_removes(
    migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERITAGE_DATABASE_URL", migrated_url)
    monkeypatch.setenv("HERITAGE_MEDIA_ROOT", str(tmp_path / "media"))
    orphan = tmp_path / "media" / "originals" / "ab" / "cd" / ("abcd" + "0" * 60)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left behind")
    _age(orphan, 3)
    runner = CliRunner()

    listed = runner.invoke(cli.app, ["media", "gc", "--dry-run"])
    still_there = orphan.exists()
    removed = runner.invoke(cli.app, ["media", "gc"])

    assert listed.exit_code == 0, listed.output
    assert f"would remove original {orphan.name}" in listed.output
    assert still_there
    assert removed.exit_code == 0, removed.output
    assert "removed 1 originals" in removed.output
    assert not orphan.exists()
