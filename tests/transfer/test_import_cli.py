"""``heritage import``, ``export`` and ``demo load`` run as a user runs them, on SQLite files;
and an import killed with SIGKILL half-way leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.transfer.helpers import GOOD_ROWS, LIST_MAPPING, NATIONAL_FILE, row, write_csv


def heritage(args: list[str], cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERITAGE_")} | settings
    return subprocess.run(
        [sys.executable, "-m", "heritage.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def counts(
    database: Path, tables: tuple[str, ...] = ("heritage_object", "change_record", "search_outbox")
) -> tuple[int, ...]:
    db = sqlite3.connect(database)
    try:
        return tuple(
            int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in tables
        )
    finally:
        db.close()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """A migrated default SQLite registry in ``tmp_path``, with the test list's mapping."""
    assert heritage(["db", "upgrade"], tmp_path).returncode == 0
    (tmp_path / "list.toml").write_text(LIST_MAPPING, encoding="utf-8")
    return tmp_path


def test_import_exit_codes_report_and_all_or_nothing(registry: Path) -> None:
    bad = row(**{"编号": "B1", "年代": "唐王清"})
    write_csv(registry / "list.csv", [GOOD_ROWS[0], bad, GOOD_ROWS[2]], encoding="gb18030")
    database = registry / "heritage.sqlite3"

    refused = heritage(["import", "list.csv", "-m", "list.toml", "--report", "r.json"], registry)
    after_refusal = counts(database)
    partial = heritage(["import", "list.csv", "-m", "list.toml", "--skip-invalid"], registry)
    usage = heritage(["import", "list.csv", "-m", "nothing.toml"], registry)

    assert refused.returncode == 1
    assert "line 3 [年代]: DATING_UNPARSEABLE" in refused.stderr
    assert "nothing imported" in refused.stderr
    report = json.loads((registry / "r.json").read_text(encoding="utf-8"))
    assert [(i["line"], i["field"], i["code"]) for i in report["issues"]] == [
        (3, "年代", "DATING_UNPARSEABLE")
    ]
    assert report["summary"]["encoding"] == "gb18030"
    assert after_refusal == (0, 0, 0)
    assert partial.returncode == 3, partial.stderr
    assert "2 new" in partial.stderr
    # Both rows are searchable when the command ends: the outbox is drained into the index.
    assert "search index: 2 records indexed" in partial.stderr
    assert counts(database) == (2, 4, 0)
    assert counts(database, ("search_entry",)) == (2,)
    assert usage.returncode == 2
    assert "nothing.toml" in usage.stderr


def test_an_import_stands_when_the_search_engine_is_down(registry: Path) -> None:
    write_csv(registry / "list.csv", GOOD_ROWS[:2], encoding="utf-8")
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    down = heritage(
        ["import", "list.csv", "-m", "list.toml"], registry, HERITAGE_ELASTICSEARCH_URL=closed
    )
    skipped = heritage(["import", "list.csv", "-m", "list.toml", "--no-index"], registry)

    assert down.returncode == 0, down.stderr
    assert "2 new" in down.stderr
    assert "records waiting" in down.stderr
    database = registry / "heritage.sqlite3"
    # The outbox keeps the rows that Elasticsearch did not take, for the next sync.
    assert counts(database, ("heritage_object", "search_outbox")) == (2, 2)
    assert skipped.returncode == 0, skipped.stderr
    assert "search index" not in skipped.stderr


def test_demo_load_if_empty_then_export(registry: Path) -> None:
    loaded = heritage(["demo", "load", "--if-empty", "--report", "demo.csv"], registry)
    again = heritage(["demo", "load", "--if-empty"], registry)
    exported = heritage(
        [
            "export",
            "--level",
            "国保",
            "--region",
            "1407",
            "--category",
            "古建筑",
            "-o",
            "jz.geojson",
        ],
        registry,
    )

    assert loaded.returncode == 0, loaded.stderr
    assert "5,108 new" in loaded.stderr
    assert "1 refused" in loaded.stderr
    assert "NATIONAL_CODE_NOT_IN_BATCH" in (registry / "demo.csv").read_text(encoding="utf-8-sig")
    assert again.returncode == 0
    assert "not loaded" in again.stderr
    assert counts(registry / "heritage.sqlite3")[0] == 5108
    assert exported.returncode == 0, exported.stderr
    features = json.loads((registry / "jz.geojson").read_text(encoding="utf-8"))["features"]
    assert len(features) > 20  # 晋中's 国保 ancient buildings (平遥, 介休, 祁县 …)
    assert all(f["properties"]["region_code"].startswith("1407") for f in features)
    assert {f["properties"]["category"] for f in features} == {"ANCIENT_BUILDING"}


def test_an_import_killed_half_way_leaves_nothing(registry: Path) -> None:
    # 30,000 rows: the national list six times over, each copy with its own keys.
    source = registry / "big.jsonl"
    base = [
        json.loads(line)
        for line in __import__("gzip").decompress(NATIONAL_FILE.read_bytes()).splitlines()
    ]
    with source.open("w", encoding="utf-8") as out:
        for copy in range(6):
            for item in base:
                out.write(json.dumps({**item, "key": f"{copy}-{item['number']}"}) + "\n")
    (registry / "big.toml").write_text(
        (registry / "list.toml").read_text(encoding="utf-8").split("[key]")[0]
        + '[key]\ncolumn = "key"\nmatch = "external_key"\nsource = "big"\n'
        + '[options]\nunparseable_era = "keep"\n'
        + '[object]\nname = "name"\nera = "era"\nregion_province = "province"\n'
        + 'region_city = "city"\nregion_district = "district"\n'
        + 'lon = "lon_gcj02"\nlat = "lat_gcj02"\ncrs = { value = "GCJ02" }\n'
        + 'kind = { value = "SITE" }\n',
        encoding="utf-8",
    )
    (registry / "big.toml").write_text(
        (registry / "big.toml").read_text(encoding="utf-8").replace('format = "csv"', ""),
        encoding="utf-8",
    )
    database = registry / "heritage.sqlite3"
    wal = registry / "heritage.sqlite3-wal"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERITAGE_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "heritage.cli", "import", "big.jsonl", "-m", "big.toml"],
        cwd=registry,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # Wait until the import has written pages of its transaction to the write-ahead log.
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            if wal.exists() and wal.stat().st_size > 4 * 1024 * 1024:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the import ended before it could be killed"
        assert wal.stat().st_size > 4 * 1024 * 1024
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    assert process.returncode == -signal.SIGKILL
    assert counts(database) == (0, 0, 0)
