"""Search documents of places and sites, built from the database in batches.

One document per record, the same for every backend: Elasticsearch indexes it as it is, the
embedded backend keeps its text keys and point (:mod:`heritage.models.search`). Flags and
designations follow :mod:`heritage.services.listing` exactly (designations in force; a plaque
that is not missing), so filters and facets count the same records everywhere.

A batch costs five queries whatever its size: the records, their designations in force, and
one query per flag.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Designation, HeritageObject, Site
from heritage.models.vocab import CoordinateVisibility
from heritage.search.keys import name_keys
from heritage.search.request import SENSITIVE_DECIMALS, UNDATED_SORT_YEAR
from heritage.services.listing import IN_FORCE, ObjectFilter, conditions

#: Lengths of region codes at each level: province, city, county, township, village.
REGION_LEVEL_LENGTHS = (2, 4, 6, 9, 12)


@dataclass(frozen=True, slots=True)
class Document:
    """The search document of one record and the hash of its content."""

    object_id: int
    body: dict[str, Any]

    @property
    def hash(self) -> str:
        """Hash of the content (also stored in the document, for ``search check``)."""
        return str(self.body["hash"])


async def build_documents(session: AsyncSession, ids: Sequence[int]) -> dict[int, Document]:
    """Documents of the records with these ids (ids of no record are left out)."""
    if not ids:
        return {}
    objects = (
        await session.scalars(select(HeritageObject).where(HeritageObject.id.in_(list(ids))))
    ).all()
    return await _documents(session, objects)


async def documents_after(session: AsyncSession, after: int, limit: int) -> list[Document]:
    """Documents of the first ``limit`` records with ids above ``after``, in id order."""
    objects = (
        await session.scalars(
            select(HeritageObject)
            .where(HeritageObject.id > after)
            .order_by(HeritageObject.id)
            .limit(limit)
        )
    ).all()
    documents = await _documents(session, objects)
    return [documents[obj.id] for obj in objects]


async def _documents(
    session: AsyncSession, objects: Sequence[HeritageObject]
) -> dict[int, Document]:
    ids = [obj.id for obj in objects]
    designations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = await session.execute(
        select(
            Designation.object_id,
            Designation.designation_type,
            Designation.protection_level,
            Designation.official_code,
        )
        .where(Designation.object_id.in_(ids), Designation.status.in_(IN_FORCE))
        .order_by(Designation.id)
    )
    for object_id, dtype, level, code in rows:
        designations[object_id].append(
            {"type": dtype.value, "level": level.value if level else None, "code": code}
        )
    flags = {
        name: set(await session.scalars(select(HeritageObject.id).where(*conditions(flt))))
        for name, flt in (
            ("has_plaque", ObjectFilter(ids=ids, has_plaque=True)),
            ("has_mapping", ObjectFilter(ids=ids, has_mapping=True)),
            ("has_archive", ObjectFilter(ids=ids, has_archive=True)),
        )
    }
    return {
        obj.id: document(
            obj,
            designations.get(obj.id, []),
            {name: obj.id in members for name, members in flags.items()},
        )
        for obj in objects
    }


def document(
    obj: HeritageObject, designations: list[dict[str, Any]], flags: dict[str, bool]
) -> Document:
    """The document of ``obj`` given its designations in force and its flags."""
    keys = name_keys(obj.name, obj.alt_names or [])
    site = obj if isinstance(obj, Site) else None
    body: dict[str, Any] = {
        "id": obj.id,
        "record_type": obj.record_type,
        "kind": obj.kind.value,
        "names": list(keys.names),
        "pinyin": list(keys.pinyin),
        "pinyin_full": list(keys.pinyin_full),
        "initials": list(keys.initials),
        "initials_full": list(keys.initials),
        "name_sort": keys.sort,
        "designations": designations,
        "designation_types": sorted({d["type"] for d in designations}),
        "protection_levels": sorted({d["level"] for d in designations if d["level"]}),
        "region_code": obj.region_code,
        "region_path": region_path(obj.region_code),
        "category": site.category.value if site and site.category else None,
        "condition": site.condition.value if site and site.condition else None,
        "status": obj.status.value,
        "era_start_year": obj.era_start_year,
        "era_end_year": obj.era_end_year,
        "era_sort": UNDATED_SORT_YEAR if obj.era_start_year is None else obj.era_start_year,
        **flags,
        "location": searched_point(obj),
        "parent_id": obj.parent_id,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body["hash"] = hashlib.sha1(canonical.encode(), usedforsecurity=False).hexdigest()
    return Document(obj.id, body)


def region_path(code: str | None) -> list[str]:
    """The code's prefixes at each level down to itself: ``140728`` → 14, 1407, 140728."""
    if not code:
        return []
    return [code[:n] for n in REGION_LEVEL_LENGTHS if n <= len(code)]


def searched_point(obj: HeritageObject) -> dict[str, float] | None:
    """The point searched by distance: sensitive locations only as precisely as shown."""
    if obj.lat is None or obj.lon is None:
        return None
    if obj.coordinate_visibility == CoordinateVisibility.SENSITIVE:
        return {
            "lat": round(obj.lat, SENSITIVE_DECIMALS),
            "lon": round(obj.lon, SENSITIVE_DECIMALS),
        }
    return {"lat": obj.lat, "lon": obj.lon}
