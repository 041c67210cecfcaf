"""Search latency through the API against the same raw Elasticsearch query, and reindex
throughput against a raw ``_bulk`` of prebuilt documents, at 5,000 and 100,000 documents.

Run with the local node up (``scripts/engine-start``)::

    .venv/bin/python benchmarks/search_latency.py [--sizes 5000,100000] [--rounds 5]

For each size a fresh SQLite registry (and a PostgreSQL one when ``HERITAGE_BENCH_POSTGRES_URL``
names a server: a database is created there and dropped afterwards) is filled with copies of
the national key sites list shipped as demo data: the real rows first, then copies named
``<name><n>``, points moved by up to ±0.01°, national designations for the real rows and
provincial ones for the copies. Then:

* **reindex**: ``heritage search reindex`` as the command runs it (read the database, build the
  documents, bulk them into a new index, swap the alias), against **raw**: the same documents,
  built beforehand and serialised, sent with ``_bulk`` in the same batches into a fresh index of
  the same definition (refresh off while loading, one refresh at the end, as reindex does).
  Every reindex starts with no name or word remembered, as the command does in its own
  process. The first reindex is shown on its own ("engine cold": the engine indexes this
  definition for the first time, which no raw load is made to pay); then raw and reindex
  take turns, ``--reindex-rounds`` times each, and the medians are compared, so that neither
  side gains from going second; the worst round is shown too. Target: reindex / raw ≥ 0.5
  (documents per second, medians).
* **latency**: 40 searches (parts of names, pinyin, initials, 国保 numbers, region and level
  filters, a radius) asked through ``POST /graphql`` of the running app (in process, with
  results, total and facets) and, alternately, as the raw ``_search`` body the backend sends,
  on a client of the same kind. The process is prepared as ``heritage serve`` prepares it
  (garbage collector tuned, :mod:`heritage.web.serving`); ``--default-gc`` keeps CPython's
  settings. Target: API / raw ≤ 1.5 at the median and the 95th percentile.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from elastic_transport import HttpxAsyncHttpNode
from elasticsearch import AsyncElasticsearch
from sqlalchemy import Table, insert

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.databases import POSTGRES_ENV, benchmark_databases  # noqa: E402
from heritage.db import migrate  # noqa: E402
from heritage.db.base import utcnow  # noqa: E402
from heritage.db.engine import create_engine  # noqa: E402
from heritage.domain import crs  # noqa: E402
from heritage.domain.dating import parse_dating  # noqa: E402
from heritage.domain.errors import DomainValueError  # noqa: E402
from heritage.domain.names import forget_remembered_names, pinyin_keys  # noqa: E402
from heritage.domain.regions import resolve_name  # noqa: E402
from heritage.models import Designation, HeritageObject  # noqa: E402
from heritage.models.vocab import ConditionGrade, ProtectionLevel  # noqa: E402
from heritage.search import search_request  # noqa: E402
from heritage.search.elastic import ElasticsearchBackend  # noqa: E402
from heritage.search.es_query import search_body  # noqa: E402
from heritage.search.maintenance import SCAN_BATCH, database_batches, reindex  # noqa: E402
from heritage.search.sessions import Sessions  # noqa: E402
from heritage.services.listing import ObjectFilter  # noqa: E402
from heritage.settings import Settings  # noqa: E402
from heritage.web.app import create_app  # noqa: E402
from heritage.web.serving import tune_garbage_collector  # noqa: E402

DEFAULT_SIZES = (5_000, 100_000)
LATENCY_TARGET = 1.5
REINDEX_TARGET = 0.5
CATEGORIES = {
    "1": "ANCIENT_SITE",
    "2": "ANCIENT_TOMB",
    "3": "ANCIENT_BUILDING",
    "4": "CAVE_TEMPLE_STONE_CARVING",
    "5": "MODERN_HISTORIC",
    "6": "OTHER",
}
KINDS = {"1": "SITE", "2": "SITE", "3": "BUILDING_GROUP", "4": "SITE", "5": "BUILDING"}

QUERY = """
query Search($text: String, $filter: SearchFilter, $near: NearInput) {
  search(text: $text, filter: $filter, near: $near, first: 20) {
    source totalCount
    facets {
      protectionLevels { value count }
      regions { code count }
      categories { value count }
    }
    edges { cursor node { databaseId name regionCode } }
  }
}
"""


def base_rows() -> list[dict[str, Any]]:
    """The national key sites list shipped as demo data (5,109 rows)."""
    demo = resources.files("heritage.data") / "demo" / "national-key-sites.jsonl.gz"
    text = gzip.decompress(demo.read_bytes()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class Base:
    """What every copy of one real row shares (converted once)."""

    row: dict[str, Any]
    region: str | None
    point: tuple[float, float] | None  # WGS-84 lon, lat
    era: tuple[int, int | None] | None


def prepare(rows: list[dict[str, Any]]) -> list[Base]:
    bases = []
    regions: dict[tuple[Any, ...], str | None] = {}
    for row in rows:
        key = (row["province"], row["city"], row["district"])
        if key not in regions:
            try:
                regions[key] = resolve_name(*key)
            except DomainValueError:
                regions[key] = None
        point = None
        if row.get("lon_gcj02") is not None:
            point = crs.to_wgs84(row["lon_gcj02"], row["lat_gcj02"], "GCJ02")
        try:
            dating = parse_dating(row["era"] or "")
            era: tuple[int, int | None] | None = (dating.start_year, dating.end_year)
        except DomainValueError:
            era = None
        bases.append(Base(row, regions[key], point, era))
    return bases


async def seed(url: str, bases: list[Base], size: int) -> None:
    """``size`` records with their designations, inserted with Core in batches."""
    objects, designations = HeritageObject.__table__, Designation.__table__
    assert isinstance(objects, Table)
    assert isinstance(designations, Table)
    rng = random.Random(size)
    conditions = list(ConditionGrade)
    engine = create_engine(Settings(database_url=url))
    try:
        async with engine.begin() as conn:
            for start in range(0, size, 2000):
                now = utcnow()
                rows, codes = [], []
                for i in range(start, min(size, start + 2000)):
                    base = bases[i % len(bases)]
                    copy = i // len(bases)
                    row = base.row
                    point = base.point
                    if point is not None and copy:
                        point = (
                            point[0] + rng.uniform(-0.01, 0.01),
                            point[1] + rng.uniform(-0.01, 0.01),
                        )
                    rows.append(
                        {
                            "public_id": str(uuid.uuid4()),
                            "record_type": "site",
                            "kind": KINDS.get(row["category_code"], "STRUCTURE"),
                            "name": row["name"] + (str(copy) if copy else ""),
                            "alt_names": [],
                            "status": "EXTANT",
                            "region_code": base.region,
                            "lon": point[0] if point else None,
                            "lat": point[1] if point else None,
                            "coordinate_visibility": "PUBLIC",
                            "era_raw": row["era"],
                            "era_start_year": base.era[0] if base.era else None,
                            "era_end_year": base.era[1] if base.era else None,
                            "period_codes": [],
                            "category": CATEGORIES[row["category_code"]],
                            "condition": conditions[i % len(conditions)].value,
                            "version": 1,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    codes.append(
                        ("CPU_NATIONAL", "NATIONAL", "NATIONAL", row["number"])
                        if copy == 0 and not row["number"].startswith(f"{row['batch']}-0000")
                        else ("CPU_PROVINCIAL", "PROVINCIAL", "PROVINCIAL", f"P{i}")
                    )
                result = await conn.execute(insert(objects).returning(objects.c.id), rows)
                ids = [r[0] for r in result.all()]
                await conn.execute(
                    insert(designations),
                    [
                        {
                            "object_id": object_id,
                            "designation_type": dtype,
                            "protection_level": level,
                            "scope": scope,
                            "status": "ACTIVE",
                            "official_code": code,
                            "version": 1,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for object_id, (dtype, level, scope, code) in zip(ids, codes, strict=True)
                    ],
                )
    finally:
        await engine.dispose()


def queries(bases: list[Base]) -> list[dict[str, Any]]:
    """40 searches people make: parts of names, pinyin, initials, numbers, filters, a radius."""
    rng = random.Random(7)
    picked = rng.sample([b for b in bases if len(b.row["name"]) >= 4 and b.point], 10)
    out: list[dict[str, Any]] = []
    for base in picked:
        name = base.row["name"]
        keys = pinyin_keys(name)
        out.append({"text": name[1:3]})
        out.append({"text": keys.full[: max(4, len(keys.full) // 2)]})
        out.append({"text": keys.initials, "filter": {"regionCode": (base.region or "11")[:2]}})
        lon, lat = base.point or (116.4, 39.9)
        out.append(
            {
                "near": {"lat": lat, "lon": lon, "radiusKm": 20},
                "filter": {"protectionLevels": ["NATIONAL"]},
            }
        )
    out[5] = {"text": bases[70].row["number"]}
    batch, running = bases[300].row["number"].split("-")[:2]
    out[9] = {"text": f"{batch}-{int(running)}"}  # the short form
    return out


def raw_request(variables: dict[str, Any]) -> Any:
    """The backend's request for the same variables (what the resolver builds)."""
    flt = variables.get("filter", {})
    near = variables.get("near")
    levels = [ProtectionLevel(v) for v in flt.get("protectionLevels", [])]
    return search_request(
        text=variables.get("text"),
        filter=ObjectFilter(protection_levels=levels),
        region_code=flt.get("regionCode"),
        near=(near["lat"], near["lon"], near["radiusKm"], "WGS84") if near else None,
        first=20,
    )


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@contextmanager
def served_garbage_collection(tuned: bool) -> Iterator[None]:
    """The collector as ``heritage serve`` sets it up while inside (if ``tuned``), then back."""
    if not tuned:
        yield
        return
    threshold = gc.get_threshold()
    tune_garbage_collector()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


async def measure_latency(
    settings: Settings, searches: list[dict[str, Any]], rounds: int
) -> tuple[list[float], list[float]]:
    app = create_app(settings)
    raw = AsyncElasticsearch(
        str(settings.elasticsearch_url), node_class=HttpxAsyncHttpNode, request_timeout=30
    )
    alias = ElasticsearchBackend(settings).alias
    bodies = [search_body(raw_request(v)) for v in searches]
    api_times: list[float] = []
    raw_times: list[float] = []
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://registry"
        ) as client,
    ):

        async def via_api(variables: dict[str, Any]) -> float:
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": QUERY, "variables": variables})
            elapsed = time.perf_counter() - started
            answer = response.json()
            assert "errors" not in answer, answer
            assert answer["data"]["search"]["source"] == "ELASTICSEARCH", answer
            return elapsed

        async def via_raw(body: dict[str, Any]) -> float:
            started = time.perf_counter()
            await raw.search(index=alias, body=body)
            return time.perf_counter() - started

        for variables, body in zip(searches, bodies, strict=True):  # warm both paths
            await via_api(variables)
            await via_raw(body)
        for round_no in range(rounds):
            for variables, body in zip(searches, bodies, strict=True):
                if round_no % 2:
                    raw_times.append(await via_raw(body))
                    api_times.append(await via_api(variables))
                else:
                    api_times.append(await via_api(variables))
                    raw_times.append(await via_raw(body))
    await raw.close()
    return api_times, raw_times


async def measure_raw_bulk(settings: Settings, sessions: Sessions) -> tuple[int, float]:
    """Documents built and serialised beforehand, then only ``_bulk`` is timed."""
    backend = ElasticsearchBackend(settings)
    bodies: list[bytes] = []
    count = 0
    async for version, documents in database_batches(sessions, batch_size=SCAN_BATCH):
        lines = []
        for doc in documents:
            action = {
                "index": {
                    "_id": str(doc.object_id),
                    "version": version,
                    "version_type": "external_gte",
                }
            }
            lines.append(json.dumps(action))
            lines.append(json.dumps(doc.body, ensure_ascii=False))
        bodies.append(("\n".join(lines) + "\n").encode())
        count += len(documents)
    index = f"{settings.elasticsearch_index_prefix}-raw"
    spec = backend.spec
    client = backend.client
    started = time.perf_counter()
    await client.indices.create(
        index=index,
        settings={**spec.settings, "index": {**spec.settings["index"], "refresh_interval": "-1"}},
        mappings=spec.mappings,
    )
    for body in bodies:
        answer = await client.bulk(index=index, operations=body)  # type: ignore[arg-type]
        assert not answer["errors"], answer["items"][0]
    await client.indices.put_settings(index=index, settings={"index": {"refresh_interval": "1s"}})
    await client.indices.refresh(index=index)
    elapsed = time.perf_counter() - started
    await client.indices.delete(index=index)
    await backend.close()
    return count, elapsed


@dataclass
class Row:
    database: str
    size: int
    api: list[float]
    raw: list[float]
    cold_rate: float
    reindex_rates: list[float]
    raw_rates: list[float]

    @property
    def reindex_ratio(self) -> float:
        """Median reindex rate over median raw rate."""
        return statistics.median(self.reindex_rates) / statistics.median(self.raw_rates)

    @property
    def worst_round(self) -> float:
        """The lowest reindex / raw ratio of one turn."""
        return min(r / w for r, w in zip(self.reindex_rates, self.raw_rates, strict=True))


@dataclass(frozen=True)
class Options:
    """How much to measure, and how."""

    rounds: int
    reindex_rounds: int
    tuned_gc: bool


async def run_size(
    size: int, bases: list[Base], es_url: str, options: Options, backend_name: str
) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        async with benchmark_databases(Path(tmp)) as urls:
            return await run_on(
                backend_name, urls[backend_name], Path(tmp), size, bases, es_url, options
            )


async def run_on(
    backend_name: str,
    url: str,
    tmp: Path,
    size: int,
    bases: list[Base],
    es_url: str,
    options: Options,
) -> Row:
    """Seed a registry of ``size`` records at ``url``, then measure reindex and latency."""
    await migrate.upgrade(url)
    started = time.perf_counter()
    await seed(url, bases, size)
    print(f"  {size:,}: seeded in {time.perf_counter() - started:.1f} s", flush=True)
    settings = Settings(
        database_url=url,
        elasticsearch_url=es_url,
        elasticsearch_index_prefix=f"bench-{uuid.uuid4().hex[:8]}",
        media_root=Path(tmp) / "media",
    )
    engine = create_engine(settings)
    sessions = Sessions.of(engine)
    backend = ElasticsearchBackend(settings)
    try:

        async def timed_reindex() -> float:
            forget_remembered_names()
            started = time.perf_counter()
            indexed = await reindex(sessions, backend)
            elapsed = time.perf_counter() - started
            print(f"  {size:,}: reindex {indexed:,} in {elapsed:.1f} s", flush=True)
            return indexed / elapsed

        cold_rate = await timed_reindex()
        reindex_rates, raw_rates = [], []
        for _ in range(options.reindex_rounds):
            raw_count, raw_s = await measure_raw_bulk(settings, sessions)
            print(f"  {size:,}: raw _bulk {raw_count:,} in {raw_s:.1f} s", flush=True)
            raw_rates.append(raw_count / raw_s)
            reindex_rates.append(await timed_reindex())
        with served_garbage_collection(options.tuned_gc):
            api, raw = await measure_latency(settings, queries(bases), options.rounds)
    finally:
        await backend.drop()
        await backend.close()
        await engine.dispose()
    return Row(
        backend_name,
        size,
        api,
        raw,
        cold_rate,
        reindex_rates,
        raw_rates,
    )


def report(rows: list[Row]) -> bool:
    ok = True
    print()
    print("search latency (ms)                API p50   raw p50  ratio    API p95   raw p95  ratio")
    for row in rows:
        a50, r50 = statistics.median(row.api) * 1e3, statistics.median(row.raw) * 1e3
        a95, r95 = percentile(row.api, 95) * 1e3, percentile(row.raw, 95) * 1e3
        ok &= a50 / r50 <= LATENCY_TARGET and a95 / r95 <= LATENCY_TARGET
        print(
            f"  {row.database:<10} {row.size:>9,} docs  {a50:8.1f}  {r50:8.1f}  {a50 / r50:5.2f}   "
            f"{a95:8.1f}  {r95:8.1f}  {a95 / r95:5.2f}"
        )
    print(f"  target: ratio ≤ {LATENCY_TARGET}")
    print()
    print("reindex (docs/s, medians)          reindex  raw _bulk  ratio   worst turn   engine cold")
    for row in rows:
        ratio = row.reindex_ratio
        ok &= ratio >= REINDEX_TARGET
        rate, raw_rate = statistics.median(row.reindex_rates), statistics.median(row.raw_rates)
        print(
            f"  {row.database:<10} {row.size:>9,} docs  {rate:8,.0f}   "
            f"{raw_rate:8,.0f}  {ratio:5.2f}   {row.worst_round:10.2f}   "
            f"{row.cold_rate:6,.0f} ({row.cold_rate / raw_rate:4.2f} of raw)"
        )
    print(f"  target: ratio ≥ {REINDEX_TARGET}")
    print("\n" + ("all targets met" if ok else "TARGET MISSED"))
    return ok


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--rounds", type=int, default=5, help="Times each search is asked.")
    parser.add_argument(
        "--reindex-rounds", type=int, default=3, help="Turns of raw _bulk and reindex."
    )
    parser.add_argument(
        "--default-gc", action="store_true", help="Keep CPython's garbage collector settings."
    )
    parser.add_argument("--elasticsearch-url", default="http://127.0.0.1:9200")
    args = parser.parse_args()
    bases = prepare(base_rows())
    options = Options(args.rounds, args.reindex_rounds, not args.default_gc)
    rows = []
    databases = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]
    for database in databases:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"{database}:", flush=True)
            rows.append(await run_size(size, bases, args.elasticsearch_url, options, database))
    return 0 if report(rows) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
