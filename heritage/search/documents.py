"""Search documents of places and sites, built from the database in batches.

One document per record, the same for every backend: Elasticsearch indexes it as it is, the
embedded backend keeps its text keys and point (:mod:`heritage.models.search`). Flags and
designations follow :mod:`heritage.services.listing` exactly (designations in force; a plaque
that is not missing), so filters and facets count the same records everywhere.

A batch costs two queries whatever its size: the records' columns with their flags, and their
designations in force.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
from sqlalchemy import ColumnElement, Table, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Designation, HeritageObject
from heritage.models.vocab import CoordinateVisibility, ObjectKind, ObjectStatus
from heritage.search.keys import name_keys
from heritage.search.request import SENSITIVE_DECIMALS, UNDATED_SORT_YEAR
from heritage.services.listing import IN_FORCE, ObjectFilter, conditions

#: Lengths of region codes at each level: province, city, county, township, village.
REGION_LEVEL_LENGTHS = (2, 4, 6, 9, 12)


@dataclass(frozen=True, slots=True)
class Document:
    """The search document of one record and the hash of its content.

    ``source`` is ``body`` as JSON when it was serialised already (to hash it): sending that
    text spares serialising every document a second time in a bulk write.
    """

    object_id: int
    body: dict[str, Any]
    source: str | None = None

    @property
    def hash(self) -> str:
        """Hash of the content (also stored in the document, for ``search check``)."""
        return str(self.body["hash"])

    def source_json(self) -> str:
        """``body`` as compact JSON text."""
        if self.source is not None:
            return self.source
        return orjson.dumps(self.body).decode()


_TABLE: Table = HeritageObject.__table__  # type: ignore[assignment]

#: The columns a document is built from (a Core select: no ORM objects to build).
_COLUMNS = [
    HeritageObject.id,
    HeritageObject.record_type,
    HeritageObject.kind,
    HeritageObject.name,
    HeritageObject.alt_names,
    HeritageObject.status,
    HeritageObject.region_code,
    HeritageObject.era_start_year,
    HeritageObject.era_end_year,
    HeritageObject.lat,
    HeritageObject.lon,
    HeritageObject.coordinate_visibility,
    HeritageObject.parent_id,
    # The table's columns, not Site's attributes: those would add "record_type = 'site'".
    _TABLE.c.category,
    _TABLE.c.condition,
]


class Record(Protocol):
    """What a document is built from: a row of :data:`_COLUMNS` (or a place or site)."""

    @property
    def id(self) -> int: ...

    @property
    def record_type(self) -> str: ...

    @property
    def kind(self) -> ObjectKind: ...

    @property
    def name(self) -> str: ...

    @property
    def alt_names(self) -> list[Any] | None: ...

    @property
    def status(self) -> ObjectStatus: ...

    @property
    def region_code(self) -> str | None: ...

    @property
    def era_start_year(self) -> int | None: ...

    @property
    def era_end_year(self) -> int | None: ...

    @property
    def lat(self) -> float | None: ...

    @property
    def lon(self) -> float | None: ...

    @property
    def coordinate_visibility(self) -> CoordinateVisibility: ...

    @property
    def parent_id(self) -> int | None: ...


#: The flags of a document, each the listing's own condition for it (a plaque that is not
#: missing …), read as a column of the records' query.
_FLAGS = {
    "has_plaque": ObjectFilter(has_plaque=True),
    "has_mapping": ObjectFilter(has_mapping=True),
    "has_archive": ObjectFilter(has_archive=True),
}
_FLAG_COLUMNS = [and_(*conditions(flt)).label(name) for name, flt in _FLAGS.items()]


async def build_documents(session: AsyncSession, ids: Sequence[int]) -> dict[int, Document]:
    """Documents of the records with these ids (ids of no record are left out)."""
    if not ids:
        return {}
    id_list = list(ids)
    records = await _records(session, HeritageObject.id.in_(id_list))
    return await _documents(session, records, Designation.object_id.in_(id_list))


async def documents_after(session: AsyncSession, after: int, limit: int) -> list[Document]:
    """Documents of the first ``limit`` records with ids above ``after``, in id order."""
    records = await _records(session, HeritageObject.id > after, limit)
    if not records:
        return []
    # Every record with an id in this range is in the batch: a range finds their
    # designations without a parameter per id.
    in_batch = Designation.object_id.between(records[0].id, records[-1].id)
    documents = await _documents(session, records, in_batch)
    return [documents[record.id] for record in records]


async def _records(
    session: AsyncSession, where: ColumnElement[bool], limit: int | None = None
) -> Sequence[Any]:
    query = select(*_COLUMNS, *_FLAG_COLUMNS).select_from(HeritageObject).where(where)
    if limit is not None:
        query = query.order_by(HeritageObject.id).limit(limit)
    return (await session.execute(query)).all()


async def _documents(
    session: AsyncSession, records: Sequence[Record], designations_of: ColumnElement[bool]
) -> dict[int, Document]:
    """The records' documents; ``designations_of`` selects the designations of them all."""
    designations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = await session.execute(
        select(
            Designation.object_id,
            Designation.designation_type,
            Designation.protection_level,
            Designation.official_code,
        )
        .where(designations_of, Designation.status.in_(IN_FORCE))
        .order_by(Designation.id)
    )
    for object_id, dtype, level, code in rows:
        designations[object_id].append(
            {"type": dtype.value, "level": level.value if level else None, "code": code}
        )
    return {
        record.id: document(
            record,
            designations.get(record.id, []),
            {name: bool(getattr(record, name)) for name in _FLAGS},
        )
        for record in records
    }


def document(
    record: Record, designations: list[dict[str, Any]], flags: dict[str, bool]
) -> Document:
    """The document of ``record`` given its designations in force and its flags."""
    keys = name_keys(record.name, record.alt_names or [])
    category = getattr(record, "category", None)  # sites only
    condition = getattr(record, "condition", None)
    body: dict[str, Any] = {
        "id": record.id,
        "record_type": record.record_type,
        "kind": record.kind.value,
        "names": list(keys.names),
        "pinyin": list(keys.pinyin),
        "pinyin_full": list(keys.pinyin_full),
        "initials": list(keys.initials),
        "initials_full": list(keys.initials),
        "name_sort": keys.sort,
        "designations": designations,
        "designation_types": sorted({d["type"] for d in designations}),
        "protection_levels": sorted({d["level"] for d in designations if d["level"]}),
        "region_code": record.region_code,
        "region_path": region_path(record.region_code),
        "category": category.value if category else None,
        "condition": condition.value if condition else None,
        "status": record.status.value,
        "era_start_year": record.era_start_year,
        "era_end_year": record.era_end_year,
        "era_sort": UNDATED_SORT_YEAR if record.era_start_year is None else record.era_start_year,
        **flags,
        "location": searched_point(record),
        "parent_id": record.parent_id,
    }
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    digest = hashlib.sha1(canonical, usedforsecurity=False).hexdigest()
    body["hash"] = digest
    # The same JSON with the hash as its last member: the body as sent to the index.
    return Document(record.id, body, f'{canonical[:-1].decode()},"hash":"{digest}"}}')


def region_path(code: str | None) -> list[str]:
    """The code's prefixes at each level down to itself: ``140728`` → 14, 1407, 140728."""
    if not code:
        return []
    return [code[:n] for n in REGION_LEVEL_LENGTHS if n <= len(code)]


def searched_point(record: Record) -> dict[str, float] | None:
    """The point searched by distance: sensitive locations only as precisely as shown."""
    if record.lat is None or record.lon is None:
        return None
    if record.coordinate_visibility == CoordinateVisibility.SENSITIVE:
        return {
            "lat": round(record.lat, SENSITIVE_DECIMALS),
            "lon": round(record.lon, SENSITIVE_DECIMALS),
        }
    return {"lat": record.lat, "lon": record.lon}
