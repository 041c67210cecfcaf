"""Import throughput and memory of ``heritage import`` against a raw bulk insert.

Run with ``.venv/bin/python benchmarks/import_throughput.py`` (``--sizes 1000,100000`` for a
shorter run, ``--database-url postgresql://…`` for PostgreSQL instead of SQLite files).

Synthetic files are built (once, cached under ``.cache/bench/import_throughput/``) from the
national key sites list shipped as demo data: its rows repeated with a unique key each, points
moved by up to ±0.01° so no two are alike, and a provincial designation numbered by the key
(the 国保 number rules would refuse more than the 5,058 real numbers). For each size:

* **raw**: read the same file, build the ``heritage_object`` and ``designation`` rows with no
  checks and no conversion, and insert them with Core in batches of 1,000 (multi-row
  ``INSERT … RETURNING``), in one transaction: the floor for writing these rows;
* **import**: :func:`heritage.transfer.importer.import_file` with the file's mapping, exactly
  what ``heritage import`` does: every row converted (region names → codes, GCJ-02 → WGS-84,
  dating parsed) and checked by the services' rules, duplicate keys looked up, matched, written
  in batches with its change records and search-outbox rows, all in one transaction.

The ratio import / raw (rows per second) should stay at or above 0.3. Each run happens in a
fresh child process on a fresh database, so its peak resident set (``ru_maxrss``) is the run's
own; memory must stay flat as the file grows (the file is streamed and written in batches).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO / ".cache" / "bench" / "import_throughput"
DEFAULT_SIZES = (1_000, 100_000, 1_000_000)
BATCH = 1_000
TARGET_RATIO = 0.3

MAPPING = """
format = "jsonl"
encoding = "utf-8"
record = "site"

[key]
column = "key"
match = "external_key"
source = "benchmark"

[options]
unparseable_era = "keep"

[object]
name = "name"
era = "era"
address_announced = "release_address"
address_current = "address"
region_province = "province"
region_city = "city"
region_district = "district"
lon = "lon_gcj02"
lat = "lat_gcj02"
crs = { value = "GCJ02" }
location_method = { value = "GEOCODE_OTHER" }
category = { column = "category_code", values = { "1" = "ANCIENT_SITE", "2" = "ANCIENT_TOMB", \
"3" = "ANCIENT_BUILDING", "4" = "CAVE_TEMPLE_STONE_CARVING", "5" = "MODERN_HISTORIC", \
"6" = "OTHER" } }
kind = { column = "category_code", values = { "1" = "SITE", "2" = "SITE", "3" = "BUILDING_GROUP", \
"4" = "SITE", "5" = "BUILDING_GROUP", "6" = "SITE" } }

[designation]
type = { value = "CPU_PROVINCIAL" }
authority = { value = "省人民政府" }
official_code = "key"
announced_on = "announced_on"
"""

CATEGORIES = {
    "1": "ANCIENT_SITE",
    "2": "ANCIENT_TOMB",
    "3": "ANCIENT_BUILDING",
    "4": "CAVE_TEMPLE_STONE_CARVING",
    "5": "MODERN_HISTORIC",
    "6": "OTHER",
}
KINDS = {"1": "SITE", "2": "SITE", "3": "BUILDING_GROUP", "4": "SITE", "5": "BUILDING_GROUP"}


def national_rows() -> list[dict[str, Any]]:
    """The demo data set's rows (5,109)."""
    data = resources.files("heritage.data") / "demo" / "national-key-sites.jsonl.gz"
    text = gzip.decompress(data.read_bytes()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def synthetic_file(size: int) -> Path:
    """``size`` rows built from the national list, cached."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"synthetic-{size}.jsonl"
    if path.exists():
        return path
    base = national_rows()
    rng = random.Random(size)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for i in range(size):
            row = dict(base[i % len(base)])
            row["key"] = f"S{i:07d}"
            year = row.get("batch_year") or 2000
            row["announced_on"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if row.get("lon_gcj02") is not None:
                row["lon_gcj02"] = round(row["lon_gcj02"] + rng.uniform(-0.01, 0.01), 6)
                row["lat_gcj02"] = round(row["lat_gcj02"] + rng.uniform(-0.01, 0.01), 6)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


async def run_raw(path: Path, url: str) -> int:
    """Core bulk insert of the same rows, no checks, no history: the floor."""
    from heritage.db.base import utcnow
    from heritage.models import Designation, HeritageObject

    objects = HeritageObject.__table__
    designations = Designation.__table__
    assert isinstance(objects, Table)
    assert isinstance(designations, Table)
    from heritage.db.engine import create_engine
    from heritage.settings import Settings

    engine = create_engine(Settings(database_url=url))  # the registry's SQLite settings too
    count = 0
    try:
        async with engine.begin() as conn:
            batch: list[dict[str, Any]] = []

            async def flush(rows: list[dict[str, Any]]) -> None:
                now = utcnow()
                values = [
                    {
                        "public_id": str(uuid.uuid4()),
                        "record_type": "site",
                        "kind": KINDS.get(r["category_code"], "SITE"),
                        "name": r["name"],
                        "alt_names": [],
                        "status": "EXTANT",
                        "address_announced": r.get("release_address"),
                        "address_current": r.get("address"),
                        "lon": r.get("lon_gcj02"),
                        "lat": r.get("lat_gcj02"),
                        "source_lon": r.get("lon_gcj02"),
                        "source_lat": r.get("lat_gcj02"),
                        "source_crs": "GCJ02" if r.get("lon_gcj02") is not None else None,
                        "coordinate_visibility": "PUBLIC",
                        "era_raw": r.get("era"),
                        "period_codes": [],
                        "category": CATEGORIES[r["category_code"]],
                        "external_source": "benchmark",
                        "external_key": r["key"],
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for r in rows
                ]
                result = await conn.execute(
                    insert(objects).returning(objects.c.id, objects.c.public_id), values
                )
                id_of = {public_id: object_id for object_id, public_id in result.all()}
                ids = [id_of[v["public_id"]] for v in values]
                await conn.execute(
                    insert(designations),
                    [
                        {
                            "object_id": object_id,
                            "designation_type": "CPU_PROVINCIAL",
                            "protection_level": "PROVINCIAL",
                            "scope": "PROVINCIAL",
                            "status": "ACTIVE",
                            "authority": "省人民政府",
                            "official_code": r["key"],
                            "version": 1,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for object_id, r in zip(ids, rows, strict=True)
                    ],
                )

            for row in _lines(path):
                batch.append(row)
                count += 1
                if len(batch) >= BATCH:
                    await flush(batch)
                    batch = []
            if batch:
                await flush(batch)
    finally:
        await engine.dispose()
    return count


async def run_import(path: Path, url: str) -> int:
    """What ``heritage import`` does, in one transaction."""
    import tomllib

    from heritage.context import Actor, acting_as
    from heritage.db.engine import create_engine
    from heritage.db.session import make_session_factory
    from heritage.settings import Settings
    from heritage.transfer.importer import import_file
    from heritage.transfer.mapping import parse_mapping

    mapping = parse_mapping(tomllib.loads(MAPPING))
    engine = create_engine(Settings(database_url=url))
    try:
        async with make_session_factory(engine, write=True)() as session:
            with acting_as(Actor.cli("benchmark")):
                summary = await import_file(session, path, mapping, batch_size=BATCH)
                if not summary.kept or summary.refused:
                    raise SystemExit(f"import refused rows: {summary}")
                await session.commit()
    finally:
        await engine.dispose()
    return summary.created


def child(mode: str, size: int, url: str) -> None:
    """Run one measurement and print it as JSON (called in a fresh process)."""
    path = synthetic_file(size)
    started = time.perf_counter()
    runner = run_raw if mode == "raw" else run_import
    rows = asyncio.run(runner(path, url))
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu_seconds": own.ru_utime + own.ru_stime + worker.ru_utime + worker.ru_stime,
                "peak_rss_mib": own.ru_maxrss / 1024,
                "worker_rss_mib": worker.ru_maxrss / 1024,
            }
        )
    )


def fresh_database(base_url: str | None, workdir: Path, name: str) -> str:
    """A migrated, empty database: a SQLite file, or a new PostgreSQL database."""
    from heritage.db import migrate
    from heritage.settings import Settings

    if base_url is None:
        url = Settings(database_url=f"sqlite:///{workdir / name}.sqlite3").database_url
    else:
        import asyncpg

        async def create() -> str:
            conn = await asyncpg.connect(base_url.replace("+asyncpg", ""))
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()
            return Settings(database_url=f"{base_url.rpartition('/')[0]}/{name}").database_url

        url = asyncio.run(create())
    asyncio.run(migrate.upgrade(url))
    return url


def drop_database(base_url: str | None, url: str) -> None:
    """Remove a database made by :func:`fresh_database`."""
    if base_url is None:
        path = Path(url.partition(":///")[2])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect(base_url.replace("+asyncpg", ""))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def measure(mode: str, size: int, base_url: str | None, workdir: Path) -> dict[str, Any]:
    """One run in a child process on a fresh database."""
    name = f"bench_{mode}_{size}_{uuid.uuid4().hex[:6]}"
    url = fresh_database(base_url, workdir, name)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--rows", str(size), "--url", url],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    finally:
        drop_database(base_url, url)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["rate"] = result["rows"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite files)")
    parser.add_argument("--child", choices=["raw", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.url)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"import throughput on {backend}, batches of {BATCH} rows")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'rows':>9} | {'raw rows/s':>10} {'s':>6} {'CPU s':>6} {'RSS':>6} | "
        f"{'import rows/s':>13} {'s':>6} {'CPU s':>6} {'RSS':>6} {'worker':>6} | "
        "ratio  CPU ratio"
    )
    failed = False
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        for size in sizes:
            synthetic_file(size)
            raw = measure("raw", size, args.database_url, Path(tmp))
            imported = measure("import", size, args.database_url, Path(tmp))
            ratio = imported["rate"] / raw["rate"]
            cpu_ratio = raw["cpu_seconds"] / imported["cpu_seconds"]
            failed |= ratio < TARGET_RATIO
            print(
                f"{size:>9,} | {raw['rate']:>10,.0f} {raw['seconds']:>6.1f} "
                f"{raw['cpu_seconds']:>6.1f} {raw['peak_rss_mib']:>4.0f}Mi | "
                f"{imported['rate']:>13,.0f} {imported['seconds']:>6.1f} "
                f"{imported['cpu_seconds']:>6.1f} {imported['peak_rss_mib']:>4.0f}Mi "
                f"{imported['worker_rss_mib']:>4.0f}Mi | {ratio:.2f}   {cpu_ratio:.2f}",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(
        f"target: import / raw >= {TARGET_RATIO} in rows per second (wall clock); CPU ratio = "
        "raw CPU seconds / import CPU seconds (worker included); memory flat across sizes"
    )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
