"""Latency of the 100-building list through ``/graphql`` against a hand-built JSON endpoint.

Run with ``.venv/bin/python benchmarks/api_latency.py``. It builds a registry of 120
buildings (and 10 sites that the list must leave out) through the services, each building with
a designation, two surveys, a plaque and media on the building and on the plaque, in a
temporary SQLite file, and also on PostgreSQL when ``HERITAGE_BENCH_POSTGRES_URL`` names a
server (a database is created there and dropped afterwards).

The app runs under uvicorn in a child process on 127.0.0.1, and the benchmark talks to it with
a real HTTP client (httpx, one keep-alive connection), so parsing, routing and JSON encoding
are measured as a client sees them. Two endpoints answer the same rows and fields:

* **GraphQL**: ``POST /graphql`` with the list query of ``tests/graphql/test_query_counts.py``;
* **hand-built**: ``GET /bench/buildings``, mounted only here: plain SQLAlchemy ``SELECT``\\ s of
  the needed columns in one session and a ``JSONResponse`` shaped like the GraphQL answer.

Both answers are checked to be equal before timing. Requests alternate between the two
endpoints; after a warm-up, p50/p95/mean over ``--runs`` requests each are printed with the
ratio GraphQL / hand-built (target: at most 2), the server's CPU time per request (steadier
than latency on a busy machine) and the SQL statements each request made.
The server is prepared as ``heritage serve`` prepares it (garbage collector tuned, see
``heritage.web.serving``); ``--default-gc`` keeps CPython's settings. ``--profile`` instead
profiles the GraphQL request in-process with cProfile.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import json
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from benchmarks.databases import benchmark_databases
from heritage.context import Actor
from heritage.db import migrate
from heritage.db.engine import create_engine
from heritage.db.session import make_session_factory
from heritage.domain import regions
from heritage.models import (
    Designation,
    HeritageObject,
    MediaAsset,
    MediaLink,
    Plaque,
    SurveyRecord,
)
from heritage.models.vocab import (
    ConditionSystem,
    CoordinateVisibility,
    DesignationType,
    MediaKind,
    ObjectKind,
    PlaqueType,
    ProtectionLevel,
    RelicCategory,
    UserRole,
)
from heritage.services.designations import DesignationCreate, add_designation
from heritage.services.objects import SiteCreate, create_site
from heritage.services.plaques import PlaqueCreate, install_plaque
from heritage.services.surveys import SurveyCreate, add_survey
from heritage.settings import Settings
from heritage.web.app import create_app
from heritage.web.serving import tune_garbage_collector

ROOT = Path(__file__).resolve().parent.parent
BUILDINGS = 120
OTHER_SITES = 10
PAGE = 100
TARGET_RATIO = 2.0
ACTOR = Actor(label="benchmark", role=UserRole.ADMINISTRATOR)
REGIONS = ["140622", "140728", "110101", "330106", "320508", "610113", "530702", "140105"]
BUILDING_KINDS = [ObjectKind.BUILDING, ObjectKind.BUILDING_GROUP, ObjectKind.STRUCTURE]

# The list query of tests/graphql/test_query_counts.py.
LIST = """
query($first: Int!) {
  buildings(first: $first) {
    totalCount
    edges { node {
      name nationalCode protectionLevel regionName location { lon lat }
      designations { designationType protectionLevel officialCode inForce }
      latestSurvey { surveyedOn condition }
      plaques { plaqueType condition media { sha256 } }
      media { sha256 mimeType }
    } }
  }
}
"""


# -- the registry -------------------------------------------------------------------------


async def build_registry(database_url: str) -> None:
    """Migrate and fill the registry through the services (history hooks included)."""
    await migrate.upgrade(database_url)
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with make_session_factory(engine)() as session:
            session.info["actor"] = ACTOR
            for index in range(BUILDINGS + OTHER_SITES):
                await _add_site(session, index)
            await session.commit()
    finally:
        await engine.dispose()


async def _add_site(session: Any, index: int) -> None:
    building = index < BUILDINGS
    site = await create_site(
        session,
        SiteCreate.model_validate(
            {
                "kind": BUILDING_KINDS[index % 3] if building else ObjectKind.SITE,
                "name": f"古建筑{index:03d}" if building else f"遗址{index:03d}",
                "region_code": REGIONS[index % len(REGIONS)],
                "category": RelicCategory.ANCIENT_BUILDING,
                "location": {"lon": 113.1 + index / 1000, "lat": 39.5 + index / 1000},
                "coordinate_visibility": (
                    CoordinateVisibility.SENSITIVE if index % 10 == 0 else None
                ),
            }
        ),
    )
    national = index % 4 == 0
    await add_designation(
        session,
        DesignationCreate.model_validate(
            {
                "object_id": site.id,
                "designation_type": (
                    DesignationType.CPU_NATIONAL if national else DesignationType.CPU_PROVINCIAL
                ),
                "announced_on": dt.date(2001, 6, 25),
                "official_code": f"5-{index + 1:04d}-3-{index + 1:03d}" if national else None,
            }
        ),
    )
    for year, grade in ((2012, "FAIR"), (2022, "GOOD")):
        await add_survey(
            session,
            SurveyCreate(
                object_id=site.id,
                surveyed_on=dt.date(year, 5, 1 + index % 28),
                surveyor="张三",
                condition_system=ConditionSystem.UI5,
                condition_grade=grade,
            ),
        )
    plaque = await install_plaque(
        session, PlaqueCreate(object_id=site.id, plaque_type=PlaqueType.CPU_SIGN)
    )
    for target in ({"object_id": site.id}, {"plaque_id": plaque.id}):
        asset = MediaAsset(
            sha256=uuid.uuid4().hex * 2,
            media_kind=MediaKind.IMAGE,
            mime_type="image/jpeg",
            byte_size=2_000_000,
            width=4000,
            height=3000,
        )
        session.add(asset)
        await session.flush()
        session.add(MediaLink(media_asset_id=asset.id, **target))
    await session.flush()


@asynccontextmanager
async def registries(directory: Path) -> AsyncIterator[dict[str, str]]:
    """Backend name → database URL of a built registry (see :mod:`benchmarks.databases`)."""
    async with benchmark_databases(directory) as urls:
        for url in urls.values():
            await build_registry(url)
        yield urls


# -- the hand-built endpoint ----------------------------------------------------------------


async def hand_built_buildings(request: Request) -> JSONResponse:
    """The GraphQL list's rows and fields with plain SELECTs in one session."""
    first = int(request.query_params.get("first", PAGE))
    obj = HeritageObject
    where = [obj.record_type == "site", obj.kind.in_(BUILDING_KINDS)]
    async with request.state.app_state.read_sessions() as session:
        rows = (
            await session.execute(
                select(
                    obj.id,
                    obj.name,
                    obj.region_code,
                    obj.lon,
                    obj.lat,
                    obj.coordinate_visibility,
                )
                .where(*where)
                .order_by(obj.id)
                .limit(first)
            )
        ).all()
        total = await session.scalar(select(func.count()).select_from(obj).where(*where))
        ids = [row.id for row in rows]
        designations = await _grouped(
            session,
            select(
                Designation.object_id,
                Designation.designation_type,
                Designation.protection_level,
                Designation.official_code,
                Designation.status,
            )
            .where(Designation.object_id.in_(ids))
            .order_by(Designation.id),
        )
        surveys = await _latest_surveys(session, ids)
        plaques = await _grouped(
            session,
            select(Plaque.object_id, Plaque.id, Plaque.plaque_type, Plaque.condition)
            .where(Plaque.object_id.in_(ids))
            .order_by(Plaque.id),
        )
        plaque_ids = [plaque.id for group in plaques.values() for plaque in group]
        plaque_media = await _media(session, MediaLink.plaque_id, plaque_ids)
        object_media = await _media(session, MediaLink.object_id, ids)
    edges = []
    for row in rows:
        held = designations.get(row.id, [])
        in_force = [d for d in held if d.status.is_in_force]
        levels = [d.protection_level for d in in_force if d.protection_level is not None]
        national = [
            d.official_code for d in in_force if d.designation_type == DesignationType.CPU_NATIONAL
        ]
        survey = surveys.get(row.id)
        node = {
            "name": row.name,
            "nationalCode": national[0] if national else None,
            "protectionLevel": _level(levels),
            "regionName": _region_name(row.region_code),
            "location": _location(row),
            "designations": [
                {
                    "designationType": d.designation_type.name,
                    "protectionLevel": d.protection_level.name if d.protection_level else None,
                    "officialCode": d.official_code,
                    "inForce": d.status.is_in_force,
                }
                for d in held
            ],
            "latestSurvey": (
                {"surveyedOn": survey.surveyed_on.isoformat(), "condition": survey.condition.name}
                if survey is not None
                else None
            ),
            "plaques": [
                {
                    "plaqueType": p.plaque_type.name,
                    "condition": p.condition.name,
                    "media": [{"sha256": m.sha256} for m in plaque_media.get(p.id, [])],
                }
                for p in plaques.get(row.id, [])
            ],
            "media": [
                {"sha256": m.sha256, "mimeType": m.mime_type} for m in object_media.get(row.id, [])
            ],
        }
        edges.append({"node": node})
    return JSONResponse({"data": {"buildings": {"totalCount": total, "edges": edges}}})


async def _grouped(session: Any, query: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in (await session.execute(query)).all():
        grouped[row[0]].append(row)
    return grouped


async def _latest_surveys(session: Any, ids: list[int]) -> dict[int, Any]:
    ranked = (
        select(
            SurveyRecord.object_id,
            SurveyRecord.surveyed_on,
            SurveyRecord.condition,
            func.row_number()
            .over(
                partition_by=SurveyRecord.object_id,
                order_by=(SurveyRecord.surveyed_on.desc(), SurveyRecord.id.desc()),
            )
            .label("rank"),
        )
        .where(SurveyRecord.object_id.in_(ids))
        .subquery()
    )
    rows = (await session.execute(select(ranked).where(ranked.c.rank == 1))).all()
    return {row.object_id: row for row in rows}


async def _media(session: Any, target: Any, keys: list[int]) -> dict[int, list[Any]]:
    return await _grouped(
        session,
        select(target, MediaAsset.sha256, MediaAsset.mime_type)
        .join(MediaAsset, MediaAsset.id == MediaLink.media_asset_id)
        .where(target.in_(keys))
        .order_by(MediaLink.position, MediaLink.id),
    )


def _level(levels: list[ProtectionLevel]) -> str | None:
    return min(levels, key=lambda level: level.rank).name if levels else None


def _region_name(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return regions.region_table().full_name(code)
    except ValueError:
        return None


def _location(row: Any) -> dict[str, float] | None:
    if row.lon is None or row.lat is None:
        return None
    if row.coordinate_visibility == CoordinateVisibility.SENSITIVE:  # the caller is anonymous
        return {"lon": round(row.lon, 1), "lat": round(row.lat, 1)}
    return {"lon": row.lon, "lat": row.lat}


# -- the server -----------------------------------------------------------------------------


class PerRequest:
    """Adds to each response the SQL statements run and the server's CPU time spent on it.

    ``x-sql-statements`` and ``x-cpu-ms``: the benchmark sends one request at a time, so
    process-wide counters are exact. CPU time (all threads, SQLite's included) varies less
    than latency when other work shares the machine.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.count = 0
        event.listen(Engine, "before_cursor_execute", self._count)

    def _count(self, *args: Any) -> None:
        self.count += 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.count = 0
        started = time.process_time()

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                cpu = (time.process_time() - started) * 1000
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-sql-statements", str(self.count).encode()),
                    (b"x-cpu-ms", f"{cpu:.3f}".encode()),
                ]
            await send(message)

        await self.app(scope, receive, counted)


def benchmark_app(database_url: str) -> tuple[Starlette, PerRequest]:
    """The registry app plus the hand-built route, wrapped in the per-request counters."""
    app = create_app(Settings(database_url=database_url))
    app.router.routes.append(Route("/bench/buildings", hand_built_buildings, methods=["GET"]))
    return app, PerRequest(app)


def serve(database_url: str, port: int, tuned: bool) -> None:
    """The child process: uvicorn on 127.0.0.1 without access logs, prepared as by
    ``heritage serve`` (garbage collector tuned) unless ``tuned`` is false."""
    import uvicorn

    _, app = benchmark_app(database_url)
    if tuned:
        tune_garbage_collector()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(database_url: str, tuned: bool) -> Iterator[str]:
    """Start the child process and wait for ``/health``; stop it afterwards."""
    port = _free_port()
    command = [sys.executable, __file__, "serve", database_url, str(port), str(tuned)]
    child = subprocess.Popen(command, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the benchmark server did not start")
            time.sleep(0.1)
        yield url
    finally:
        child.terminate()
        child.wait(timeout=30)


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Timing:
    """Latencies and server CPU times in milliseconds, and statements per request."""

    latencies: list[float]
    cpu: list[float]
    statements: set[int]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies, n=20)[18]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies)

    @property
    def cpu_p50(self) -> float:
        return statistics.median(self.cpu)


def _graphql(client: httpx.Client) -> httpx.Response:
    return client.post("/graphql", json={"query": LIST, "variables": {"first": PAGE}})


def _hand_built(client: httpx.Client) -> httpx.Response:
    return client.get("/bench/buildings", params={"first": PAGE})


def measure(url: str, runs: int, warmup: int) -> dict[str, Timing]:
    """Check both answers agree, warm up, then time alternating requests."""
    endpoints = {"graphql": _graphql, "hand-built": _hand_built}
    with httpx.Client(base_url=url, timeout=60) as client:
        answers = {name: call(client).json() for name, call in endpoints.items()}
        if answers["graphql"] != answers["hand-built"]:
            raise SystemExit("the endpoints disagree: " + json.dumps(answers)[:2000])
        if len(answers["graphql"]["data"]["buildings"]["edges"]) != PAGE:
            raise SystemExit("the list is not a full page")
        for _ in range(warmup):
            for call in endpoints.values():
                call(client)
        timings = {name: Timing([], [], set()) for name in endpoints}
        for _ in range(runs):
            for name, call in endpoints.items():
                start = time.perf_counter()
                response = call(client)
                elapsed = (time.perf_counter() - start) * 1000
                response.raise_for_status()
                timings[name].latencies.append(elapsed)
                timings[name].cpu.append(float(response.headers["x-cpu-ms"]))
                timings[name].statements.add(int(response.headers["x-sql-statements"]))
    return timings


def report(backend: str, timings: dict[str, Timing]) -> float:
    """Print one backend's figures; return the p50 ratio."""
    for name, timing in timings.items():
        statements = "/".join(str(count) for count in sorted(timing.statements))
        print(
            f"{backend:<11}{name:<12}{timing.p50:>9.1f}{timing.p95:>9.1f}{timing.mean:>9.1f}"
            f"{timing.cpu_p50:>9.1f}{statements:>12}"
        )
    graphql, hand = timings["graphql"], timings["hand-built"]
    ratio = graphql.p50 / hand.p50
    print(
        f"{backend:<11}{'ratio':<12}{ratio:>9.2f}{graphql.p95 / hand.p95:>9.2f}"
        f"{graphql.mean / hand.mean:>9.2f}{graphql.cpu_p50 / hand.cpu_p50:>9.2f}"
        f"   target <= {TARGET_RATIO}"
    )
    return ratio


async def profile(database_url: str, requests: int) -> None:
    """cProfile the GraphQL request in-process (ASGI transport, no sockets)."""
    from asgi_lifespan import LifespanManager

    app, _ = benchmark_app(database_url)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://bench"
        ) as client,
    ):
        body = {"query": LIST, "variables": {"first": PAGE}}
        for _ in range(5):
            await client.post("/graphql", json=body)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            await client.post("/graphql", json=body)
        profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


async def run(args: argparse.Namespace) -> None:
    """Build the registries, then profile or measure each backend."""
    with tempfile.TemporaryDirectory(prefix="heritage-bench-") as directory:
        print(f"building {BUILDINGS} buildings and {OTHER_SITES} other sites …", flush=True)
        async with registries(Path(directory)) as urls:
            if args.profile:
                await profile(urls["sqlite"], args.runs)
                return
            load = "/".join(f"{value:.1f}" for value in os.getloadavg())
            collector = "CPython's defaults" if args.default_gc else "tuned as by heritage serve"
            print(f"load average {load} on {os.cpu_count()} cores; {args.runs} runs each")
            print(f"server: uvicorn on 127.0.0.1, garbage collector {collector}")
            print(
                f"{'backend':<11}{'endpoint':<12}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}"
                f"{'cpu p50':>9}{'statements':>12}"
            )
            for backend, url in urls.items():
                with running_server(url, tuned=not args.default_gc) as server:
                    timings = await asyncio.to_thread(measure, server, args.runs, args.warmup)
                report(backend, timings)


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "True")
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per endpoint")
    parser.add_argument("--profile", action="store_true", help="cProfile the GraphQL path")
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="keep CPython's garbage-collector settings instead of those of heritage serve",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
