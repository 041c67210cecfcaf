"""A registry of real national key sites for the search tests, on either search backend.

The records come from ``data/national-key-sites.sample.jsonl`` (418 real rows) and are written
through the services, so every rule, hook and outbox row is the production one. A few records
get what the list lacks: other names, plaques, mapping records, archive items, conditions, a
sensitive location and a place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from elastic_transport import HttpxAsyncHttpNode, TransportError
from elasticsearch import AsyncElasticsearch
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from heritage.context import Actor
from heritage.db.engine import create_engine
from heritage.domain.errors import DomainValueError
from heritage.domain.regions import resolve_name
from heritage.models.vocab import (
    ArchiveSection,
    ConditionGrade,
    CoordinateVisibility,
    DesignationType,
    ObjectKind,
    PlaqueType,
    RelicCategory,
    SurveyDepth,
    SurveyMethod,
    UserRole,
)
from heritage.search.elastic import ElasticsearchBackend
from heritage.search.service import SearchService
from heritage.search.sessions import Sessions
from heritage.services.archives import ArchiveItemCreate, add_archive_item
from heritage.services.designations import DesignationCreate, add_designation
from heritage.services.errors import ServiceError
from heritage.services.mapping import MappingCreate, add_mapping_record
from heritage.services.objects import PlaceCreate, SiteCreate, create_place, create_site
from heritage.services.plaques import PlaqueCreate, install_plaque
from heritage.services.users import TokenCreate, UserCreate, create_token, create_user
from heritage.settings import Settings
from heritage.web.app import create_app
from tests.support.api import Api

SAMPLE = Path(__file__).parent / "data" / "national-key-sites.sample.jsonl"
ELASTICSEARCH_URL = os.environ.get("HERITAGE_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200")
SEARCH_BACKENDS = ["embedded", "elasticsearch"]
LOADER = Actor(label="search-tests", role=UserRole.ADMINISTRATOR)

_KINDS = {
    RelicCategory.ANCIENT_SITE: ObjectKind.SITE,
    RelicCategory.ANCIENT_TOMB: ObjectKind.SITE,
    RelicCategory.ANCIENT_BUILDING: ObjectKind.BUILDING_GROUP,
    RelicCategory.CAVE_TEMPLE_STONE_CARVING: ObjectKind.SITE,
    RelicCategory.MODERN_HISTORIC: ObjectKind.BUILDING,
    RelicCategory.OTHER: ObjectKind.STRUCTURE,
}
_CONDITIONS = list(ConditionGrade)
#: Other names the list does not give.
OTHER_NAMES = {"故宫": ["紫禁城"], "佛宫寺释迦塔": ["应县木塔"]}


def sample_rows() -> list[dict[str, Any]]:
    """The sample rows, as in the published list."""
    with SAMPLE.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


async def require_engine(url: str = ELASTICSEARCH_URL) -> None:
    """Fail (never skip) when no Elasticsearch node answers."""
    client = AsyncElasticsearch(url, node_class=HttpxAsyncHttpNode, request_timeout=30)
    try:
        await client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # any transport error means the node is not there
        pytest.fail(
            f"no Elasticsearch node answers at {url} ({exc!r}); start it with "
            "scripts/engine-start or set HERITAGE_TEST_ELASTICSEARCH_URL"
        )
    finally:
        await client.close()


def search_settings(database_url: str, search_backend: str, tmp: Path, **extra: Any) -> Settings:
    """Settings for a test: its own index prefix, Elasticsearch only when asked for."""
    options: dict[str, Any] = {
        "database_url": database_url,
        "elasticsearch_index_prefix": f"test-{uuid.uuid4().hex[:12]}",
        "media_root": tmp / "media",
    }
    if search_backend == "elasticsearch":
        options["elasticsearch_url"] = ELASTICSEARCH_URL
    return Settings(**{**options, **extra})


@dataclass
class Registry:
    """A database with the sample loaded and indexed, and its search service."""

    settings: Settings
    engine: AsyncEngine
    service: SearchService
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def sessions(self) -> Sessions:
        """The database's session factories."""
        return self.service.sessions

    async def refresh(self) -> None:
        """Make Elasticsearch's latest writes searchable (no-op on the embedded backend)."""
        if self.service.engine is not None:
            await self.service.engine.client.indices.refresh(index=self.service.engine.alias)

    async def sync(self) -> None:
        """Index every pending change and make it searchable."""
        report = await self.service.sync()
        assert report.failed == 0, report.errors
        await self.refresh()


@asynccontextmanager
async def open_registry(settings: Settings) -> AsyncIterator[Registry]:
    """A search service on ``settings``; its Elasticsearch indices are deleted afterwards."""
    engine = create_engine(settings)
    service = SearchService.open(settings, engine)
    await service.prepare()
    try:
        yield Registry(settings, engine, service)
    finally:
        if service.engine is not None:
            await drop_indices(service.engine)
        await service.close()
        await engine.dispose()


async def drop_indices(backend: ElasticsearchBackend) -> None:
    """Delete every index of a test prefix (nothing to do when that engine is not there)."""
    with suppress(TransportError):
        await backend.client.indices.delete(
            index=f"{backend.prefix}-*", ignore_unavailable=True, allow_no_indices=True
        )


async def load_sample(session: AsyncSession) -> dict[str, int]:
    """Write the sample rows (and the extras) through the services; ids by name."""
    session.info["actor"] = LOADER
    ids: dict[str, int] = {}
    for index, row in enumerate(sample_rows()):
        site_id = await _load_row(session, index, row)
        if site_id is not None:
            ids.setdefault(row["name"], site_id)
    await _add_extras(session, ids)
    return ids


async def _load_row(session: AsyncSession, index: int, row: dict[str, Any]) -> int | None:
    category = RelicCategory.from_digit(int(row["category_code"]))
    data: dict[str, Any] = {"kind": _KINDS[category], "name": row["name"], "category": category}
    with suppress(DomainValueError):
        data["region_code"] = resolve_name(row["province"], row["city"], row["district"])
    if row["lon_gcj02"] is not None:
        data["location"] = {"lon": row["lon_gcj02"], "lat": row["lat_gcj02"], "crs": "GCJ02"}
    if row["name"] in OTHER_NAMES:
        data["alt_names"] = OTHER_NAMES[row["name"]]
    if index % 3 == 0:
        data["condition"] = _CONDITIONS[index % len(_CONDITIONS)]
    site = None
    for optional in ((), ("era_raw",)):
        attempt = {**data, **({} if optional else {"era_raw": row["era"]})}
        try:
            site = await create_site(session, SiteCreate.model_validate(attempt))
            break
        except ServiceError:
            continue
    if site is None:
        return None
    with suppress(ServiceError):  # merged items (8-0000-…) carry no number of their own
        await add_designation(
            session,
            DesignationCreate.model_validate(
                {
                    "object_id": site.id,
                    "designation_type": DesignationType.CPU_NATIONAL,
                    "official_code": row["number"],
                    "batch_no": row["batch"],
                }
            ),
        )
    return site.id


async def _add_extras(session: AsyncSession, ids: dict[str, int]) -> None:
    for name in ("故宫", "晋祠", "云冈石窟"):
        await install_plaque(
            session,
            PlaqueCreate.model_validate({"objectId": ids[name], "plaqueType": PlaqueType.CPU_SIGN}),
        )
    for name in ("故宫", "佛宫寺释迦塔"):
        await add_mapping_record(
            session,
            MappingCreate.model_validate(
                {
                    "objectId": ids[name],
                    "mappedOn": dt.date(2020, 5, 1),
                    "methods": [SurveyMethod.TLS],
                    "depth": SurveyDepth.FULL,
                    "organisation": "测绘院",
                }
            ),
        )
    await add_archive_item(
        session,
        ArchiveItemCreate.model_validate(
            {
                "objectId": ids["晋祠"],
                "section": ArchiveSection.TECHNICAL_DATA,
                "title": "晋祠测绘图",
            }
        ),
    )
    place = await create_place(
        session,
        PlaceCreate.model_validate(
            {
                "kind": ObjectKind.CITY,
                "name": "平遥",
                "altNames": ["古陶"],
                "regionCode": "140728",
                "location": {"lon": 112.18, "lat": 37.20},
            }
        ),
    )
    ids["平遥(place)"] = place.id
    tomb = await create_site(
        session,
        SiteCreate.model_validate(
            {
                "kind": ObjectKind.SITE,
                "name": "未发掘古墓",
                "category": RelicCategory.ANCIENT_TOMB,
                "regionCode": "110101",
                "location": {"lon": 116.39741, "lat": 39.91683},
                "coordinateVisibility": CoordinateVisibility.SENSITIVE,
            }
        ),
    )
    ids["未发掘古墓"] = tomb.id
    await session.flush()


async def analyse(session: AsyncSession) -> None:
    """Gather PostgreSQL's planner statistics after a bulk load (a fresh database has none, and
    the plans it then picks for a few hundred rows take seconds)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ANALYZE"))


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Api]:
    """The app on ``settings`` (anonymous calls: search is public)."""
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://registry"
        ) as client,
    ):
        yield Api(client=client, database_url=settings.database_url, tokens={})


CREATE_BUILDING = """
mutation Create($input: BuildingCreateInput!) {
  buildingCreate(input: $input) { building { id version } errors { code message } }
}
"""


async def add_surveyor(settings: Settings) -> str:
    """A surveyor (who may register buildings) in the database of ``settings``; their token."""
    engine = create_engine(settings)
    try:
        async with Sessions.of(engine).write() as session:
            session.info["actor"] = LOADER
            user = await create_user(
                session,
                UserCreate(username="surveyor", display_name="测绘员", role=UserRole.SURVEYOR),
            )
            _, token = await create_token(session, TokenCreate(user_id=user.id, name="t"))
            await session.commit()
    finally:
        await engine.dispose()
    return token


@asynccontextmanager
async def app_with_surveyor(settings: Settings) -> AsyncIterator[tuple[Api, str]]:
    """The app on ``settings`` and a surveyor's token; the test's indices are dropped after."""
    token = await add_surveyor(settings)
    try:
        async with running_app(settings) as api:
            yield api, token
    finally:
        if settings.elasticsearch_url is not None:
            backend = ElasticsearchBackend(settings)
            await drop_indices(backend)
            await backend.close()
