"""Elasticsearch queries for a :class:`~heritage.search.request.SearchRequest`, and their answers.

Every filter means what :func:`heritage.services.listing.conditions` means in SQL:
designation types, levels and the 国保 number are conditions on *one* designation in force
(a ``nested`` query), the region is a code prefix, the era range is an overlap, and a record
with an unknown start year matches no era range. Text terms all have to match (see
:mod:`heritage.search.keys`); no query syntax is ever parsed, so the user's text cannot break
the query.
"""

from __future__ import annotations

from typing import Any

from heritage.domain.crs import haversine_m
from heritage.domain.errors import DomainValueError
from heritage.domain.official_codes import parse_national_code
from heritage.search.keys import MAX_KEY, is_ascii_key
from heritage.search.request import (
    Facet,
    FacetCount,
    Hit,
    SearchRequest,
    SearchResult,
    SearchSource,
    SortOrder,
)
from heritage.services.listing import ObjectFilter

_FACET_FIELDS = {
    Facet.PROTECTION_LEVEL: "protection_levels",
    Facet.DESIGNATION_TYPE: "designation_types",
    Facet.CATEGORY: "category",
    Facet.CONDITION: "condition",
}


def search_body(request: SearchRequest) -> dict[str, Any]:
    """The ``_search`` body: query, order, page (``size + 1`` hits to tell if more exist)."""
    body: dict[str, Any] = {
        "query": _query(request),
        "sort": _sort(request),
        "size": request.size + 1,
        "track_total_hits": True,
        "_source": ["location"] if request.near else False,
    }
    if request.after is not None:
        body["search_after"] = list(request.after)
    if request.facets:
        body["aggs"] = _aggregations(request)
    return body


def _query(request: SearchRequest) -> dict[str, Any]:
    must = [_term_clause(term) for term in request.terms]
    filters = filter_clauses(request.filter)
    if request.near:
        filters.append(
            {
                "geo_distance": {
                    "distance": f"{request.near.radius_km}km",
                    "location": {"lat": request.near.lat, "lon": request.near.lon},
                }
            }
        )
    if request.bbox:
        box = request.bbox
        filters.append(
            {
                "geo_bounding_box": {
                    "location": {
                        "top_left": {"lat": box.north, "lon": box.west},
                        "bottom_right": {"lat": box.south, "lon": box.east},
                    }
                }
            }
        )
    query: dict[str, Any] = {"bool": {"filter": filters}}
    if must:
        query["bool"]["must"] = must
        query["bool"]["should"] = _boosts("".join(request.terms), " ".join(request.terms))
    return query


def _term_clause(term: str) -> dict[str, Any]:
    """One term: part of a name, or (ASCII only) the start of pinyin from a syllable on, or
    the start of the initials."""
    name = {"match_phrase": {"names": {"query": term}}}
    if not is_ascii_key(term) or len(term) > MAX_KEY:
        return name
    return {
        "bool": {
            "should": [
                name,
                {"match": {"pinyin": {"query": term}}},
                {"match": {"initials": {"query": term}}},
            ],
            "minimum_should_match": 1,
        }
    }


def _boosts(whole: str, text: str) -> list[dict[str, Any]]:
    """Relevance: the whole name first, then its start, whole pinyin or initials, bigrams."""
    boosts: list[dict[str, Any]] = [
        {"term": {"names.exact": {"value": whole, "boost": 20}}},
        {"prefix": {"names.exact": {"value": whole, "boost": 8}}},
        {"match": {"names.bigrams": {"query": text, "boost": 1}}},
    ]
    if is_ascii_key(whole):
        boosts += [
            {"term": {"pinyin_full": {"value": whole, "boost": 12}}},
            {"term": {"initials_full": {"value": whole, "boost": 10}}},
            {"prefix": {"pinyin_full": {"value": whole, "boost": 4}}},
        ]
    return boosts


def filter_clauses(flt: ObjectFilter) -> list[dict[str, Any]]:
    """Filter clauses for ``flt`` (the same conditions as the SQL of the listing service)."""
    clauses: list[dict[str, Any]] = []

    def terms(field: str, values: Any) -> None:
        if values:
            clauses.append({"terms": {field: [getattr(v, "value", v) for v in values]}})

    if flt.record_type is not None:
        clauses.append({"term": {"record_type": flt.record_type}})
    if flt.ids is not None:
        clauses.append({"terms": {"id": list(flt.ids)}})
    terms("kind", flt.kinds)
    if flt.region_prefix:
        clauses.append({"prefix": {"region_code": flt.region_prefix}})
    terms("status", flt.statuses)
    if flt.parent_id is not None:
        clauses.append({"term": {"parent_id": flt.parent_id}})
    terms("category", flt.categories)
    terms("condition", flt.conditions)
    if flt.era_from is not None:
        clauses.append({"exists": {"field": "era_start_year"}})
        clauses.append(
            {
                "bool": {
                    "should": [
                        {"bool": {"must_not": {"exists": {"field": "era_end_year"}}}},
                        {"range": {"era_end_year": {"gte": flt.era_from}}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    if flt.era_to is not None:
        clauses.append({"range": {"era_start_year": {"lte": flt.era_to}}})
    if flt.name_contains:
        raise ValueError("name_contains is a listing filter; search with text instead")
    if flt.designation_types or flt.protection_levels or flt.national_code:
        clauses.append(_designation_clause(flt))
    for flag in ("has_plaque", "has_mapping", "has_archive"):
        wanted = getattr(flt, flag)
        if wanted is not None:
            clauses.append({"term": {flag: wanted}})
    return clauses


def _designation_clause(flt: ObjectFilter) -> dict[str, Any]:
    inner: list[dict[str, Any]] = []
    if flt.designation_types:
        inner.append({"terms": {"designations.type": [t.value for t in flt.designation_types]}})
    if flt.protection_levels:
        inner.append({"terms": {"designations.level": [v.value for v in flt.protection_levels]}})
    if flt.national_code:
        inner.append(_national_code_clause(flt.national_code))
    return {"nested": {"path": "designations", "query": {"bool": {"filter": inner}}}}


def _national_code_clause(text: str) -> dict[str, Any]:
    """Full form: that number; short form: any number of that batch and running number."""
    try:
        code = parse_national_code(text)
    except DomainValueError:
        return {"bool": {"must_not": {"match_all": {}}}}
    national = {"term": {"designations.type": "CPU_NATIONAL"}}
    if code.full:
        number: dict[str, Any] = {"term": {"designations.code": code.full}}
    else:
        number = {"prefix": {"designations.code": f"{code.batch}-{code.running:04d}-"}}
    return {"bool": {"filter": [national, number]}}


def _sort(request: SearchRequest) -> list[Any]:
    by_id = {"id": "asc"}
    if request.sort is SortOrder.RELEVANCE:
        return [{"_score": "desc"}, by_id]
    if request.sort is SortOrder.NAME:
        return [{"name_sort": "asc"}, by_id]
    if request.sort is SortOrder.ERA:
        return [{"era_sort": "asc"}, by_id]
    if request.sort is SortOrder.DISTANCE:
        assert request.near is not None  # checked when the request was built
        point = {"lat": request.near.lat, "lon": request.near.lon}
        distance = {"location": point, "order": "asc", "unit": "km", "distance_type": "arc"}
        return [{"_geo_distance": distance}, by_id]
    return [by_id]


def _aggregations(request: SearchRequest) -> dict[str, Any]:
    aggs: dict[str, Any] = {
        facet.value: {"terms": {"field": field, "size": 100}}
        for facet, field in _FACET_FIELDS.items()
    }
    prefix = request.filter.region_prefix or ""
    digits = request.facet_region_length - len(prefix)
    aggs[Facet.REGION.value] = {
        "terms": {"field": "region_path", "size": 2000, "include": f"{prefix}[0-9]{{{digits}}}"}
    }
    return aggs


def search_result(request: SearchRequest, answer: dict[str, Any]) -> SearchResult:
    """The :class:`SearchResult` of an Elasticsearch answer to :func:`search_body`."""
    raw_hits = answer["hits"]["hits"]
    hits = [_hit(request, raw) for raw in raw_hits[: request.size]]
    facets: dict[Facet, list[FacetCount]] = {}
    for facet in Facet if request.facets else ():
        buckets = answer["aggregations"][facet.value]["buckets"]
        counts = [FacetCount(str(b["key"]), int(b["doc_count"])) for b in buckets]
        facets[facet] = sorted(counts, key=lambda c: (-c.count, c.value))
    return SearchResult(
        hits=hits,
        total=int(answer["hits"]["total"]["value"]),
        facets=facets,
        source=SearchSource.ELASTICSEARCH,
        has_more=len(raw_hits) > request.size,
    )


def _hit(request: SearchRequest, raw: dict[str, Any]) -> Hit:
    distance = None
    location = (raw.get("_source") or {}).get("location")
    if request.near and location:
        distance = (
            haversine_m(request.near.lon, request.near.lat, location["lon"], location["lat"]) / 1000
        )
    score = raw.get("_score")
    return Hit(
        object_id=int(raw["_id"]),
        sort=tuple(raw["sort"]),
        score=float(score) if score is not None else None,
        distance_km=distance,
    )
