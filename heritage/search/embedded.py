"""The embedded backend: search on the registry's own database, nothing else installed.

Filters are the listing service's SQL conditions on the live tables
(:func:`heritage.services.listing.conditions`), so totals and facet counts are exactly what
the SQL lists count. Text and distance use ``search_entry``, maintained from the outbox like an
Elasticsearch index (:mod:`heritage.models.search`): on SQLite its FTS5 trigram index narrows
terms of three or more characters before the exact ``LIKE`` tests; on PostgreSQL the ``LIKE``
tests run on the table itself.

Relevance is a plain ranking, not BM25: whole name, start of the name, whole pinyin or
initials, part of the name, start of pinyin or initials; ties in registration order.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    column,
    delete,
    distinct,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Designation, HeritageObject, SearchEntry, Site
from heritage.search.backend import Indexed, VersionedBatches
from heritage.search.documents import Document
from heritage.search.keys import MAX_KEY, is_ascii_key
from heritage.search.request import (
    UNDATED_SORT_YEAR,
    Facet,
    FacetCount,
    Hit,
    SearchRequest,
    SearchResult,
    SearchSource,
    SortOrder,
    check_cursor_source,
)
from heritage.search.sessions import Sessions
from heritage.services.listing import IN_FORCE, conditions

#: Mean Earth radius Elasticsearch measures arc distances with, in kilometres.
EARTH_RADIUS_KM = 6371.0087714
#: Kilometres per degree of latitude, rounded down (the box around a circle stays wider).
KM_PER_DEGREE = 110.0
#: Shortest term the trigram index can look up.
_TRIGRAM = 3
_SCAN_PAGE = 5000

_obj = HeritageObject
_entry = SearchEntry


def _frame(values: Sequence[str]) -> str:
    """``|a|b|``: keys framed so that ``LIKE`` can anchor on a key's start and end."""
    return f"|{'|'.join(values)}|" if values else ""


def entry_values(doc: Document, version: int) -> dict[str, Any]:
    """The ``search_entry`` row of a document."""
    body = doc.body
    location = body["location"] or {}
    return {
        "object_id": doc.object_id,
        "version": version,
        "doc_hash": doc.hash,
        "names": _frame(body["names"]),
        "pinyin": _frame(body["pinyin"]),
        "initials": _frame(body["initials"]),
        "name_sort": body["name_sort"],
        "lat": location.get("lat"),
        "lon": location.get("lon"),
    }


class EmbeddedBackend:
    """Search on the registry's database (SQLite FTS5, or PostgreSQL ``LIKE``)."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    @property
    def source(self) -> SearchSource:
        return SearchSource.DATABASE

    @property
    def label(self) -> str:
        return "embedded"

    async def close(self) -> None:
        return None

    # --- writing ---------------------------------------------------------------------------

    async def write(self, documents: Sequence[Document], version: int) -> dict[int, str]:
        if not documents:
            return {}
        async with self.sessions.write() as session:
            await upsert_entries(session, [entry_values(doc, version) for doc in documents])
            await session.commit()
        return {}

    async def remove(self, ids: Sequence[int], version: int) -> dict[int, str]:
        if ids:
            async with self.sessions.write() as session:
                await session.execute(
                    delete(SearchEntry).where(
                        SearchEntry.object_id.in_(list(ids)), SearchEntry.version <= version
                    )
                )
                await session.commit()
        return {}

    async def indexed(self) -> AsyncIterator[list[Indexed]]:
        after = 0
        while True:
            async with self.sessions.read() as session:
                rows = (
                    await session.execute(
                        select(SearchEntry.object_id, SearchEntry.doc_hash, SearchEntry.version)
                        .where(SearchEntry.object_id > after)
                        .order_by(SearchEntry.object_id)
                        .limit(_SCAN_PAGE)
                    )
                ).all()
            if not rows:
                return
            yield [Indexed(*row) for row in rows]
            after = rows[-1][0]

    async def reindex(self, batches: VersionedBatches) -> int:
        """Rewrite every entry in place; searches keep reading the table meanwhile."""
        written = 0
        async for version, documents in batches:
            await self.write(documents, version)
            written += len(documents)
        return written

    # --- searching -------------------------------------------------------------------------

    async def search(self, request: SearchRequest) -> SearchResult:
        check_cursor_source(request, self.source)
        async with self.sessions.read() as session:
            dialect = session.get_bind().dialect.name
            where = self._where(request, dialect)
            keys = self._sort_keys(request, dialect)
            joined = bool(request.terms or request.near or request.bbox)
            base = select(_obj.id).select_from(_obj)
            base = (
                base.join(_entry, _entry.object_id == _obj.id)
                if joined
                else base.outerjoin(_entry, _entry.object_id == _obj.id)
            )
            page_query = base.add_columns(*keys, self._distance(request)).where(*where)
            if request.after is not None:
                page_query = page_query.where(self._after(request, keys))
            order = [
                key.desc() if desc else key
                for key, desc in zip(keys, self._desc(request), strict=True)
            ]
            rows = (
                await session.execute(page_query.order_by(*order).limit(request.size + 1))
            ).all()
            matches = base.where(*where)
            total = int(
                await session.scalar(select(func.count()).select_from(matches.subquery())) or 0
            )
            facets = await self._facets(session, request, matches) if request.facets else {}
        hits = [
            Hit(
                object_id=row[0],
                sort=tuple(row[1 : 1 + len(keys)]),
                score=float(row[1]) if request.sort is SortOrder.RELEVANCE else None,
                distance_km=row[-1],
            )
            for row in rows[: request.size]
        ]
        return SearchResult(
            hits=hits,
            total=total,
            facets=facets,
            source=SearchSource.DATABASE,
            has_more=len(rows) > request.size,
        )

    def _where(self, request: SearchRequest, dialect: str) -> list[ColumnElement[bool]]:
        where = conditions(request.filter)
        where += [_term_condition(term, dialect) for term in request.terms]
        if request.near is not None:
            near = request.near
            # A box around the circle first: cheap comparisons before the trigonometry.
            dlat = near.radius_km / KM_PER_DEGREE
            dlon = min(180.0, dlat / max(0.01, math.cos(math.radians(near.lat))))
            where += [
                _entry.lat.between(near.lat - dlat, near.lat + dlat),
                _entry.lon.between(near.lon - dlon, near.lon + dlon),
                _distance_km(near.lat, near.lon) <= near.radius_km,
            ]
        if request.bbox is not None:
            box = request.bbox
            where += [
                _entry.lat.between(box.south, box.north),
                _entry.lon.between(box.west, box.east),
            ]
        return where

    @staticmethod
    def _distance(request: SearchRequest) -> ColumnElement[Any]:
        if request.near is None:
            return literal(None).label("distance")
        return _distance_km(request.near.lat, request.near.lon).label("distance")

    @staticmethod
    def _desc(request: SearchRequest) -> list[bool]:
        if request.sort is SortOrder.REGISTERED:
            return [False]
        return [request.sort is SortOrder.RELEVANCE, False]

    @staticmethod
    def _sort_keys(request: SearchRequest, dialect: str) -> list[ColumnElement[Any]]:
        by_id: Any = _obj.id
        if request.sort is SortOrder.RELEVANCE:
            return [_score(request.terms), by_id]
        if request.sort is SortOrder.NAME:
            name: ColumnElement[Any] = func.coalesce(_entry.name_sort, "")
            if dialect == "postgresql":
                name = name.collate("C")  # code point order, as Elasticsearch sorts keywords
            return [name, by_id]
        if request.sort is SortOrder.ERA:
            return [func.coalesce(_obj.era_start_year, UNDATED_SORT_YEAR), by_id]
        if request.sort is SortOrder.DISTANCE:
            assert request.near is not None  # checked when the request was built
            return [_distance_km(request.near.lat, request.near.lon), by_id]
        return [by_id]

    def _after(self, request: SearchRequest, keys: list[ColumnElement[Any]]) -> Any:
        """Keyset condition: rows after the cursor's sort values."""
        assert request.after is not None
        values = list(request.after)
        if len(values) != len(keys):
            return literal(False)
        if len(keys) == 1:
            return keys[0] > values[0]
        first, by_id = keys
        beyond = first < values[0] if self._desc(request)[0] else first > values[0]
        return or_(beyond, and_(first == values[0], by_id > values[1]))

    async def _facets(
        self, session: AsyncSession, request: SearchRequest, matches: Select[Any]
    ) -> dict[Facet, list[FacetCount]]:
        ids = matches.with_only_columns(_obj.id)
        designation = [Designation.object_id.in_(ids), Designation.status.in_(IN_FORCE)]
        length = request.facet_region_length
        region = func.substr(_obj.region_code, 1, length)
        queries: dict[Facet, Any] = {
            Facet.PROTECTION_LEVEL: select(
                Designation.protection_level, func.count(distinct(Designation.object_id))
            )
            .where(*designation, Designation.protection_level.is_not(None))
            .group_by(Designation.protection_level),
            Facet.DESIGNATION_TYPE: select(
                Designation.designation_type, func.count(distinct(Designation.object_id))
            )
            .where(*designation)
            .group_by(Designation.designation_type),
            Facet.CATEGORY: select(Site.category, func.count())
            .where(_obj.id.in_(ids), Site.category.is_not(None))
            .group_by(Site.category),
            Facet.CONDITION: select(Site.condition, func.count())
            .where(_obj.id.in_(ids), Site.condition.is_not(None))
            .group_by(Site.condition),
            Facet.REGION: select(region, func.count())
            .where(_obj.id.in_(ids), func.length(_obj.region_code) >= length)
            .group_by(region),
        }
        facets: dict[Facet, list[FacetCount]] = {}
        for facet, query in queries.items():
            rows = (await session.execute(query)).all()
            counts = [FacetCount(getattr(v, "value", str(v)), int(n)) for v, n in rows]
            facets[facet] = sorted(counts, key=lambda c: (-c.count, c.value))
        return facets


def _term_condition(term: str, dialect: str) -> ColumnElement[bool]:
    """A term is part of a name, or (ASCII) starts the pinyin from a syllable, or the initials."""
    options: list[ColumnElement[bool]] = [_entry.names.contains(term)]
    if is_ascii_key(term) and len(term) <= MAX_KEY:
        options += [_entry.pinyin.contains(f"|{term}"), _entry.initials.contains(f"|{term}")]
    condition = or_(*options)
    if dialect == "sqlite" and len(term) >= _TRIGRAM:
        # Terms are letters and digits only (keys.name_key): safe inside an FTS5 string.
        fts = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :phrase")
        matched = fts.bindparams(phrase=f'"{term}"').columns(column("rowid", Integer))
        condition = and_(_entry.object_id.in_(matched), condition)
    return condition


def _score(terms: Sequence[str]) -> ColumnElement[Any]:
    """Ranking of a match (higher first); constant without text."""
    if not terms:
        return literal(0).label("score")
    whole = "".join(terms)
    ranks: list[tuple[ColumnElement[bool], int]] = [
        (_entry.names.contains(f"|{whole}|"), 100),
        (_entry.names.contains(f"|{whole}"), 60),
    ]
    if is_ascii_key(whole):
        ranks += [
            (_entry.pinyin.like(f"|{whole}|%"), 50),
            (_entry.initials.contains(f"|{whole}|"), 45),
        ]
    ranks.append((_entry.names.contains(whole), 20))
    return case(*ranks, else_=10).label("score")


def _distance_km(lat: float, lon: float) -> ColumnElement[float]:
    """Great-circle (haversine) distance from the entry's point, as Elasticsearch's ``arc``."""
    lat1, lon1 = func.radians(lat), func.radians(lon)
    lat2, lon2 = func.radians(cast(_entry.lat, Float)), func.radians(cast(_entry.lon, Float))
    half = func.power(func.sin((lat2 - lat1) / 2), 2) + func.cos(lat1) * func.cos(
        lat2
    ) * func.power(func.sin((lon2 - lon1) / 2), 2)
    bounded = case((half > 1.0, 1.0), else_=half)
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(bounded))


async def upsert_entries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert or replace entries, keeping any entry of a newer version."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SearchEntry).values(rows)
    columns = {key: statement.excluded[key] for key in rows[0] if key != "object_id"}
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[SearchEntry.object_id],
            set_=columns,
            where=SearchEntry.version <= statement.excluded.version,
        )
    )
