"""Exports: CSV for Excel, GeoJSON for GIS, over the command line and HTTP; sensitive points
rounded in public exports; and the round trip export → import into an empty registry."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.context import Actor, acting_as
from heritage.db import migrate
from heritage.db.engine import create_engine
from heritage.db.session import make_session_factory
from heritage.models import Designation, HeritageObject
from heritage.models.vocab import (
    ConditionGrade,
    CoordinateSystem,
    CoordinateVisibility,
    DesignationType,
    ObjectKind,
    RelicCategory,
)
from heritage.services.listing import ObjectFilter
from heritage.services.objects import LocationInput
from heritage.settings import Settings
from heritage.transfer.export import (
    EXPORT_FIELDS,
    csv_chunks,
    export_records,
    geojson_chunks,
    objects_matching,
    registry_export_mapping_path,
)
from heritage.transfer.importer import import_file
from heritage.transfer.mapping import load_mapping
from heritage.web.app import create_app
from tests.support.databases import drop_postgres_database, new_database_url
from tests.support.factories import designate, make_place, make_site


async def _registry(session: AsyncSession) -> dict[str, int]:
    """A small registry: a 国保 tower, a sensitive tomb, a traditional village, a bare site."""
    tower = await make_site(
        session,
        alt_names=["应县木塔"],
        era_raw="辽清宁二年至金明昌六年",
        era_start_year=1056,
        era_end_year=1195,
        periods=["LIAO", "JIN"],
        condition=ConditionGrade.GOOD,
        location=LocationInput(lon=113.18, lat=39.565, crs=CoordinateSystem.GCJ02),
        address_current="山西省朔州市应县佛宫寺",
    )
    await designate(
        session,
        tower.id,
        DesignationType.CPU_NATIONAL,
        official_code="1-0071-3-024",
        announced_on=dt.date(1961, 3, 4),
        authority="国务院",
    )
    tomb = await make_site(
        session,
        "某未发掘墓葬",
        kind=ObjectKind.SITE,
        category=RelicCategory.ANCIENT_TOMB,
        region_code="610118",
        era_raw="西汉",
        coordinate_visibility=CoordinateVisibility.SENSITIVE,
        location=LocationInput(lon=108.95123, lat=34.26789, crs=CoordinateSystem.BD09),
        address_current="陕西省西安市鄠邑区某村东",
    )
    await designate(session, tomb.id, DesignationType.CPU_COUNTY, authority="鄠邑区人民政府")
    village = await make_place(
        session, "张壁村", kind=ObjectKind.VILLAGE, region_code="140781", era_raw="明清"
    )
    await designate(
        session,
        village.id,
        DesignationType.TRADITIONAL_VILLAGE_CHINA,
        announced_on=dt.date(2012, 12, 17),
        batch_no=1,
    )
    bare = await make_site(session, "无名石桥", kind=ObjectKind.STRUCTURE, region_code="140622")
    return {"tower": tower.id, "tomb": tomb.id, "village": village.id, "bare": bare.id}


async def _collect(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def _csv(session: AsyncSession, *, public: bool, flt: ObjectFilter | None = None) -> bytes:
    records = export_records(
        session, objects_matching(session, flt or ObjectFilter()), public=public
    )
    return await _collect(csv_chunks(records))


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_csv_export_opens_in_excel_and_hides_sensitive_points(
    session: AsyncSession,
) -> None:
    await _registry(session)

    data = await _csv(session, public=True)

    lines = data.split(b"\r\n")
    assert lines[0].decode("utf-8-sig").split(",") == list(EXPORT_FIELDS)
    assert lines[-1] == b""
    rows = {r["name"]: r for r in _rows(data)}
    assert set(rows) == {"佛宫寺释迦塔", "某未发掘墓葬", "张壁村", "无名石桥"}
    tower = rows["佛宫寺释迦塔"]
    assert tower["designation_type"] == "CPU_NATIONAL"
    assert tower["designation_label"] == "全国重点文物保护单位"
    assert (tower["official_code"], tower["protection_level"]) == ("1-0071-3-024", "NATIONAL")
    assert (tower["province"], tower["city"], tower["county"]) == ("山西省", "朔州市", "应县")
    assert tower["source_crs"] == "GCJ02"
    assert tower["coordinate_precision"] == "exact"
    assert 113.17 < float(tower["lon"]) < 113.18
    assert tower["alt_names"] == "应县木塔"
    tomb = rows["某未发掘墓葬"]
    assert (tomb["lon"], tomb["lat"], tomb["coordinate_precision"]) == ("108.9", "34.3", "0.1°")
    assert tomb["source_lon"] == tomb["source_lat"] == tomb["address_current"] == ""
    assert rows["张壁村"]["record_type"] == "place"
    assert rows["无名石桥"]["designation_type"] == ""

    precise = {r["name"]: r for r in _rows(await _csv(session, public=False))}
    assert precise["某未发掘墓葬"]["source_lon"] == "108.95123"


async def test_export_follows_the_filter(session: AsyncSession) -> None:
    await _registry(session)

    national = _rows(
        await _csv(
            session, public=True, flt=ObjectFilter(designation_types=[DesignationType.CPU_NATIONAL])
        )
    )
    places = _rows(await _csv(session, public=True, flt=ObjectFilter(record_type="place")))

    assert [r["name"] for r in national] == ["佛宫寺释迦塔"]
    assert [r["name"] for r in places] == ["张壁村"]


async def test_geojson_export_is_an_rfc7946_feature_collection(session: AsyncSession) -> None:
    await _registry(session)
    records = export_records(session, objects_matching(session, ObjectFilter()), public=True)

    document = json.loads(await _collect(geojson_chunks(records)))

    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    features = {f["properties"]["name"]: f for f in document["features"]}
    lon, lat = features["佛宫寺释迦塔"]["geometry"]["coordinates"]
    assert 113.17 < lon < 113.18
    assert 39.5 < lat < 39.6
    assert features["佛宫寺释迦塔"]["type"] == "Feature"
    assert features["佛宫寺释迦塔"]["id"] == features["佛宫寺释迦塔"]["properties"]["public_id"]
    assert features["某未发掘墓葬"]["geometry"]["coordinates"] == [108.9, 34.3]
    assert features["无名石桥"]["geometry"] is None


async def test_an_export_imports_back_into_an_empty_registry_as_the_same_records(
    session: AsyncSession, backend: str, tmp_path: Path
) -> None:
    await _registry(session)
    path = tmp_path / "export.csv"
    path.write_bytes(await _csv(session, public=False))
    original = await _snapshot(session)

    url = await new_database_url(backend, tmp_path)
    engine = create_engine(Settings(database_url=url))
    try:
        await migrate.upgrade(url)
        mapping = load_mapping(registry_export_mapping_path())
        async with make_session_factory(engine, write=True)() as target:
            with acting_as(Actor.cli("round-trip")):
                summary = await import_file(target, path, mapping)
                assert (summary.created, summary.refused, summary.kept) == (4, 0, True)
                await target.commit()
                again = await import_file(target, path, mapping)
                assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
            copied = await _snapshot(target)
    finally:
        await engine.dispose()
        if backend == "postgresql":
            await drop_postgres_database(url)

    assert set(copied) == set(original)
    differences = [
        (name, field, value, copied[name][0].get(field))
        for name, (columns, _) in original.items()
        for field, value in columns.items()
        if copied[name][0].get(field) != value
    ] + [
        (name, "designations", designations, copied[name][1])
        for name, (_, designations) in original.items()
        if copied[name][1] != designations
    ]
    assert differences == []


_BOOKKEEPING = {"id", "object_id", "version", "created_at", "updated_at", "parent_id"}


async def _snapshot(session: AsyncSession) -> dict[str, Any]:
    """Every object and its designations as plain values, by public id, without row ids."""
    result: dict[str, Any] = {}
    for obj in await session.scalars(select(HeritageObject)):
        columns = {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}
        designations = [
            {
                c.key: getattr(d, c.key)
                for c in d.__mapper__.column_attrs
                if c.key not in _BOOKKEEPING
            }
            for d in await session.scalars(
                select(Designation).where(Designation.object_id == obj.id)
            )
        ]
        result[obj.public_id] = (
            {k: v for k, v in columns.items() if k not in _BOOKKEEPING},
            designations,
        )
    return result


async def test_http_exports_stream_csv_and_geojson_with_filters(tmp_path: Path) -> None:
    url = Settings(database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}").database_url
    await migrate.upgrade(url)
    engine = create_engine(Settings(database_url=url))
    try:
        async with make_session_factory(engine)() as session:
            session.info["actor"] = Actor.cli("test")
            await _registry(session)
            await session.commit()
    finally:
        await engine.dispose()
    app = create_app(Settings(database_url=url))

    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://registry"
        ) as client,
    ):
        csv_response = await client.get("/export/objects.csv", params={"level": "国保"})
        geo_response = await client.get(
            "/export/objects.geojson", params=[("kind", "SITE"), ("kind", "structure")]
        )
        bad = await client.get("/export/objects.csv", params={"category": "城堡", "eraFrom": "x"})

    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8"
    assert [r["name"] for r in _rows(csv_response.content)] == ["佛宫寺释迦塔"]
    assert geo_response.headers["content-type"] == "application/geo+json"
    features = geo_response.json()["features"]
    assert {f["properties"]["name"] for f in features} == {"某未发掘墓葬", "无名石桥"}
    tomb = next(f for f in features if f["properties"]["name"] == "某未发掘墓葬")
    assert tomb["geometry"]["coordinates"] == [108.9, 34.3]
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"category", "eraFrom"}
