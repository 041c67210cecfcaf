"""Exporting places and sites: CSV for spreadsheets, GeoJSON for GIS, streamed.

The export takes an async iterator of objects (:func:`objects_matching` turns an
:class:`~heritage.services.listing.ObjectFilter` into one; a search can supply another), loads
their designations in force a chunk at a time, and yields one flat record per object. The
writers turn records into bytes as they come, so memory stays flat whatever the size.

* **CSV**: UTF-8 with a byte-order mark and CRLF line ends, so Excel opens Chinese text
  correctly; one row per object with its main designation in force (the highest protection
  level, else the oldest) in its own columns and any others summarised in
  ``other_designations``. :data:`REGISTRY_EXPORT_MAPPING` imports it back.
* **GeoJSON**: an RFC 7946 ``FeatureCollection``: WGS-84 longitude/latitude, no ``crs``
  member; objects without a point have a ``null`` geometry. Opens in QGIS.

Sensitive locations (``coordinate_visibility = SENSITIVE``, e.g. unexcavated tombs): a public
export rounds the point to 0.1° (about 10 km) and leaves out the source coordinates, the
accuracy and the current street address; ``coordinate_precision`` says which points were
rounded. Only a non-public export (the ``--precise`` command-line option, for staff with
database access) gives them exactly.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import AsyncIterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.domain import regions
from heritage.domain.errors import DomainValueError
from heritage.models import Designation, HeritageObject, Place, Site
from heritage.models.vocab import CoordinateVisibility, DesignationStatus
from heritage.services.listing import ObjectFilter, stream

EXPORT_FIELDS: tuple[str, ...] = (
    "public_id",
    "record_type",
    "kind",
    "kind_label",
    "name",
    "alt_names",
    "status",
    "category",
    "category_label",
    "original_category",
    "subtype",
    "region_code",
    "province",
    "city",
    "county",
    "address_announced",
    "address_current",
    "lon",
    "lat",
    "coordinate_precision",
    "source_crs",
    "source_lon",
    "source_lat",
    "location_method",
    "accuracy_m",
    "coordinate_visibility",
    "era_raw",
    "era_start_year",
    "era_end_year",
    "periods",
    "structure_type",
    "ownership",
    "use_status",
    "use_function",
    "condition",
    "condition_label",
    "dating_basis",
    "natural_village_name",
    "designation_type",
    "designation_label",
    "protection_level",
    "official_code",
    "batch_no",
    "announced_on",
    "authority",
    "announcement_kind",
    "doc_no",
    "designation_status",
    "designation_original_category",
    "designation_valid_from",
    "merged_into",
    "other_designations",
    "parent_public_id",
    "external_source",
    "external_key",
)

#: Precision, in decimal places of a degree, of sensitive points in a public export.
SENSITIVE_DECIMALS = 1
#: Decimal places of GeoJSON coordinates (RFC 7946 §11.2: ~1 cm is plenty).
GEOJSON_DECIMALS = 7
LIST_SEPARATOR = ";"

_SITE_FIELDS = (
    "original_category",
    "subtype",
    "use_function",
    "dating_basis",
)
_SITE_CODES = ("category", "structure_type", "ownership", "use_status", "condition")
_IN_FORCE = (DesignationStatus.ACTIVE, DesignationStatus.ENDANGERED)


def registry_export_mapping_path() -> Path:
    """The mapping file that imports a CSV export back (``heritage import --mapping``)."""
    return Path(str(resources.files("heritage.transfer") / "registry-export.toml"))


async def objects_matching(
    session: AsyncSession, flt: ObjectFilter, *, batch_size: int = 500
) -> AsyncIterator[HeritageObject]:
    """Every object matching ``flt``, in id order, fetched in keyset pages."""
    async for batch in stream(session, flt, batch_size=batch_size):
        for obj in batch:
            yield obj


async def export_records(
    session: AsyncSession,
    objects: AsyncIterator[HeritageObject],
    *,
    public: bool = True,
    chunk_size: int = 500,
) -> AsyncIterator[dict[str, Any]]:
    """One flat record per object (keys: :data:`EXPORT_FIELDS`), chunk by chunk."""
    chunk: list[HeritageObject] = []
    async for obj in objects:
        chunk.append(obj)
        if len(chunk) >= chunk_size:
            for record in await _records(session, chunk, public):
                yield record
            chunk = []
    if chunk:
        for record in await _records(session, chunk, public):
            yield record


async def _records(
    session: AsyncSession, objects: Sequence[HeritageObject], public: bool
) -> list[dict[str, Any]]:
    ids = [obj.id for obj in objects]
    designations: dict[int, list[Designation]] = {}
    rows = await session.scalars(
        select(Designation)
        .where(Designation.object_id.in_(ids), Designation.status.in_(_IN_FORCE))
        .order_by(Designation.id)
    )
    for designation in rows:
        designations.setdefault(designation.object_id, []).append(designation)
    parent_ids = {obj.parent_id for obj in objects if obj.parent_id is not None}
    parents: dict[int, str] = {}
    if parent_ids:
        result = await session.execute(
            select(HeritageObject.id, HeritageObject.public_id).where(
                HeritageObject.id.in_(parent_ids)
            )
        )
        parents = {object_id: public_id for object_id, public_id in result.all()}
    merged_ids = {
        d.parent_designation_id
        for group in designations.values()
        for d in group
        if d.parent_designation_id is not None
    }
    merged: dict[int, str | None] = {}
    if merged_ids:
        result = await session.execute(
            select(Designation.id, Designation.official_code).where(Designation.id.in_(merged_ids))
        )
        merged = {designation_id: code for designation_id, code in result.all()}
    return [_record(obj, designations.get(obj.id, []), parents, merged, public) for obj in objects]


def _record(
    obj: HeritageObject,
    designations: list[Designation],
    parents: dict[int, str],
    merged: dict[int, str | None],
    public: bool,
) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(EXPORT_FIELDS)
    record.update(
        public_id=obj.public_id,
        record_type=obj.record_type,
        kind=obj.kind.value,
        kind_label=obj.kind.label,
        name=obj.name,
        alt_names=LIST_SEPARATOR.join(obj.alt_names or []) or None,
        status=obj.status.value,
        region_code=obj.region_code,
        address_announced=obj.address_announced,
        address_current=obj.address_current,
        coordinate_visibility=obj.coordinate_visibility.value,
        era_raw=obj.era_raw,
        era_start_year=obj.era_start_year,
        era_end_year=obj.era_end_year,
        periods=LIST_SEPARATOR.join(obj.period_codes or []) or None,
        parent_public_id=parents.get(obj.parent_id) if obj.parent_id else None,
        external_source=obj.external_source,
        external_key=obj.external_key,
    )
    if obj.region_code:
        record["province"], record["city"], record["county"] = _region_names(obj.region_code)
    _location(record, obj, public)
    if isinstance(obj, Site):
        for name in _SITE_FIELDS:
            record[name] = getattr(obj, name)
        for name in _SITE_CODES:
            value = getattr(obj, name)
            record[name] = value.value if value is not None else None
        if obj.category is not None:
            record["category_label"] = obj.category.label
        if obj.condition is not None:
            record["condition_label"] = obj.condition.label
    elif isinstance(obj, Place):
        record["natural_village_name"] = obj.natural_village_name
    ordered = sorted(designations, key=_designation_rank)
    if ordered:
        main = ordered[0]
        record.update(
            designation_type=main.designation_type.value,
            designation_label=main.designation_type.label,
            protection_level=main.protection_level.value if main.protection_level else None,
            official_code=main.official_code,
            batch_no=main.batch_no,
            announced_on=main.announced_on.isoformat() if main.announced_on else None,
            authority=main.authority,
            announcement_kind=main.announcement_kind.value if main.announcement_kind else None,
            doc_no=main.doc_no,
            designation_status=main.status.value,
            designation_original_category=main.original_category,
            designation_valid_from=main.valid_from.isoformat() if main.valid_from else None,
            merged_into=(
                merged.get(main.parent_designation_id) if main.parent_designation_id else None
            ),
        )
        others = [
            " ".join(filter(None, [d.designation_type.value, d.official_code])) for d in ordered[1:]
        ]
        record["other_designations"] = LIST_SEPARATOR.join(others) or None
    return record


def _designation_rank(designation: Designation) -> tuple[int, int]:
    level = designation.protection_level
    return (level.rank if level is not None else 9, designation.id)


def _location(record: dict[str, Any], obj: HeritageObject, public: bool) -> None:
    if obj.lon is None or obj.lat is None:
        return
    hidden = public and obj.coordinate_visibility == CoordinateVisibility.SENSITIVE
    if hidden:
        record["lon"] = round(obj.lon, SENSITIVE_DECIMALS)
        record["lat"] = round(obj.lat, SENSITIVE_DECIMALS)
        record["coordinate_precision"] = f"{10**-SENSITIVE_DECIMALS:g}°"
        record["address_current"] = None
        return
    record.update(
        lon=obj.lon,
        lat=obj.lat,
        coordinate_precision="exact",
        source_crs=obj.source_crs.value if obj.source_crs else None,
        source_lon=obj.source_lon,
        source_lat=obj.source_lat,
        location_method=obj.location_method.value if obj.location_method else None,
        accuracy_m=obj.accuracy_m,
    )


@functools.lru_cache(maxsize=8192)
def _region_names(code: str) -> tuple[str | None, str | None, str | None]:
    """Province, prefecture and county names of a region code (pseudo-units left out)."""
    table = regions.region_table()
    try:
        path = table.path(code)
    except DomainValueError:
        return None, None, None
    names: list[str | None] = []
    for part in path[:3]:
        region = table.get(part)
        names.append(region.name if region is not None and not region.is_pseudo else None)
    while len(names) < 3:
        names.append(None)
    return names[0], names[1], names[2]


# -- writers ---------------------------------------------------------------------------------


async def csv_chunks(
    records: AsyncIterator[dict[str, Any]], *, rows_per_chunk: int = 200
) -> AsyncIterator[bytes]:
    """The records as CSV bytes: BOM and header first, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    count = 0
    async for record in records:
        writer.writerow(["" if record[f] is None else record[f] for f in EXPORT_FIELDS])
        count += 1
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


async def geojson_chunks(
    records: AsyncIterator[dict[str, Any]], *, features_per_chunk: int = 200
) -> AsyncIterator[bytes]:
    """The records as an RFC 7946 FeatureCollection, one feature per line."""
    yield b'{"type":"FeatureCollection","features":[\n'
    parts: list[str] = []
    first = True
    async for record in records:
        parts.append(("" if first else ",\n") + json.dumps(_feature(record), ensure_ascii=False))
        first = False
        if len(parts) >= features_per_chunk:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")


def _feature(record: dict[str, Any]) -> dict[str, Any]:
    geometry = None
    if record["lon"] is not None and record["lat"] is not None:
        geometry = {
            "type": "Point",
            "coordinates": [
                round(record["lon"], GEOJSON_DECIMALS),
                round(record["lat"], GEOJSON_DECIMALS),
            ],
        }
    properties = {k: v for k, v in record.items() if k not in ("lon", "lat")}
    return {
        "type": "Feature",
        "id": record["public_id"],
        "geometry": geometry,
        "properties": properties,
    }
