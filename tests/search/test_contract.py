"""One contract for both search backends, on real national key sites.

Each test runs on Elasticsearch and on the embedded backend, each on SQLite and PostgreSQL:
relevance on names as people type them (parts, pinyin, initials, traditional and variant
characters, 国保 numbers in both forms), filters and facet counts equal to the SQL lists' counts,
geography, orders, cursor paging, and refusals of bad input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select

from heritage.domain.crs import haversine_m
from heritage.models import Designation, HeritageObject, SearchEntry
from heritage.models.vocab import (
    ConditionGrade,
    DesignationType,
    ProtectionLevel,
    RelicCategory,
)
from heritage.search import Facet, SearchResult, SortOrder, search_request
from heritage.search.keys import name_keys
from heritage.search.request import SearchSource, encode_cursor
from heritage.services import listing
from heritage.services.errors import ErrorCode, ServiceError
from heritage.services.listing import ObjectFilter
from tests.search.support import Registry

pytestmark = pytest.mark.elasticsearch


async def search(registry: Registry, **arguments: Any) -> SearchResult:
    return await registry.service.primary.search(search_request(**arguments))


async def top(registry: Registry, text: str, n: int = 3) -> list[int]:
    result = await search(registry, text=text, first=n)
    return [hit.object_id for hit in result.hits]


async def names(registry: Registry, ids: Sequence[int]) -> list[str]:
    async with registry.sessions.read() as session:
        rows = dict((await session.execute(select(HeritageObject.id, HeritageObject.name))).all())
    return [rows[i] for i in ids]


# --- relevance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("故宫", "故宫"),  # a whole short name
        ("云冈", "云冈石窟"),  # the start of a name
        ("释迦塔", "佛宫寺释迦塔"),  # the end of a name
        ("红楼", "北京大学红楼"),
        ("平遥 城墙", "平遥城墙"),  # two words, both must match
        ("紫禁城", "故宫"),  # another name of the record
        ("应县木塔", "佛宫寺释迦塔"),
    ],
)
async def test_parts_of_names_find_the_site(registry: Registry, text: str, expected: str) -> None:
    assert registry.ids[expected] in await top(registry, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gugong", "故宫"),
        ("yungangshiku", "云冈石窟"),
        ("yungang", "云冈石窟"),  # the start of the pinyin
        ("pingyao chengqiang", "平遥城墙"),
        ("shijiata", "佛宫寺释迦塔"),  # pinyin of the name's end, from a syllable on
        ("GuGong", "故宫"),  # case does not matter
        ("zijincheng", "故宫"),
    ],
)
async def test_pinyin_finds_the_site(registry: Registry, text: str, expected: str) -> None:
    assert registry.ids[expected] in await top(registry, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ygsk", "云冈石窟"),
        ("pycq", "平遥城墙"),
        ("bjdxhl", "北京大学红楼"),
        ("fgssjt", "佛宫寺释迦塔"),
    ],
)
async def test_initials_find_the_site(registry: Registry, text: str, expected: str) -> None:
    assert registry.ids[expected] in await top(registry, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("雲岡石窟", "云冈石窟"),  # traditional query, simplified record
        ("故宮", "故宫"),
        ("平遙城牆", "平遥城墙"),
        ("毗山遗址", "毘山遗址"),  # standard query, variant character in the record (毘)
        ("回龙塔", "廻龙塔"),  # variant 廻 in the record
        ("廻龙塔", "廻龙塔"),  # and as recorded
    ],
)
async def test_traditional_and_variant_characters_match(
    registry: Registry, text: str, expected: str
) -> None:
    assert registry.ids[expected] in await top(registry, text)


async def test_the_whole_name_ranks_first(registry: Registry) -> None:
    for name in ("故宫", "晋祠", "天安门", "乾陵"):
        assert (await top(registry, name, 1)) == [registry.ids[name]], name


async def test_ascii_terms_match_syllable_starts_only(registry: Registry) -> None:
    # "ngang" is inside "yungang" but starts no syllable: no match on 云冈石窟.
    assert registry.ids["云冈石窟"] not in await top(registry, "ngang", 50)


async def test_national_code_in_full_and_short_form_finds_the_site(registry: Registry) -> None:
    async with registry.sessions.read() as session:
        code = await session.scalar(
            select(Designation.official_code).where(
                Designation.object_id == registry.ids["佛宫寺释迦塔"]
            )
        )
    assert code == "1-0071-3-024"
    for text in ("1-0071-3-024", "1-71", "１－７１"):
        result = await search(registry, text=text)
        assert [h.object_id for h in result.hits] == [registry.ids["佛宫寺释迦塔"]], text
    assert (await search(registry, text="1-0071-4-024")).total == 0  # wrong category digit


async def test_query_syntax_characters_are_only_text(registry: Registry) -> None:
    plain = await search(registry, text="故宫")
    for text in ('故宫" *', "(故宫)", "故宫~", "故宫\\", "故宫 [", "%故宫_", "故宫:"):
        result = await search(registry, text=text)
        assert [h.object_id for h in result.hits] == [h.object_id for h in plain.hits], text


# --- filters and facets ---------------------------------------------------------------------


FILTERS = [
    ObjectFilter(),
    ObjectFilter(region_prefix="14"),
    ObjectFilter(region_prefix="1407"),
    ObjectFilter(protection_levels=[ProtectionLevel.NATIONAL], region_prefix="14"),
    ObjectFilter(categories=[RelicCategory.ANCIENT_BUILDING], era_from=1300, era_to=1700),
    ObjectFilter(conditions=[ConditionGrade.POOR, ConditionGrade.DANGEROUS]),
    ObjectFilter(has_plaque=True),
    ObjectFilter(has_mapping=False, has_archive=False, era_to=0),
    ObjectFilter(designation_types=[DesignationType.CPU_NATIONAL], record_type="site"),
]


@pytest.mark.parametrize("flt", FILTERS)
async def test_totals_and_facets_equal_the_sql_counts(
    registry: Registry, flt: ObjectFilter
) -> None:
    result = await search(registry, filter=flt, first=5)
    async with registry.sessions.read() as session:

        async def count(**extra: Any) -> int:
            return await listing.count(session, dataclasses.replace(flt, **extra))

        assert result.total == await count() > 0
        facets = {f: {c.value: c.count for c in counts} for f, counts in result.facets.items()}
        levels = {v.value: await count(protection_levels=[v]) for v in ProtectionLevel}
        types = {v.value: await count(designation_types=[v]) for v in DesignationType}
        categories = {v.value: await count(categories=[v]) for v in RelicCategory}
        conditions = {v.value: await count(conditions=[v]) for v in ConditionGrade}
        length = {None: 2, "14": 4, "1407": 6}[flt.region_prefix]
        codes = (await session.scalars(select(HeritageObject.region_code))).all()
        prefixes = {
            code[:length]
            for code in codes
            if code and len(code) >= length and code.startswith(flt.region_prefix or "")
        }
        regions = {prefix: await count(region_prefix=prefix) for prefix in prefixes}
    if not flt.protection_levels:
        assert facets[Facet.PROTECTION_LEVEL] == _nonzero(levels)
    if not flt.designation_types:
        assert facets[Facet.DESIGNATION_TYPE] == _nonzero(types)
    if not flt.categories:
        assert facets[Facet.CATEGORY] == _nonzero(categories)
    if not flt.conditions:
        assert facets[Facet.CONDITION] == _nonzero(conditions)
    assert facets[Facet.REGION] == _nonzero(regions)


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {value: n for value, n in counts.items() if n}


async def test_level_and_region_filters_with_text(registry: Registry) -> None:
    result = await search(
        registry,
        text="寺",
        filter=ObjectFilter(protection_levels=[ProtectionLevel.NATIONAL]),
        region_code="140000",  # the padded form of Shanxi's code
        first=100,
    )
    found = await names(registry, [h.object_id for h in result.hits])
    assert result.total == len(found) > 3
    assert all("寺" in name for name in found)
    assert registry.ids["佛宫寺释迦塔"] in [h.object_id for h in result.hits]
    async with registry.sessions.read() as session:
        in_shanxi = set(
            await session.scalars(
                select(HeritageObject.id).where(HeritageObject.region_code.startswith("14"))
            )
        )
    assert {h.object_id for h in result.hits} <= in_shanxi


# --- geography ------------------------------------------------------------------------------


async def _points(registry: Registry) -> dict[int, tuple[float, float]]:
    async with registry.sessions.read() as session:
        rows = (
            await session.execute(select(SearchEntry.object_id, SearchEntry.lat, SearchEntry.lon))
        ).all()
    return {
        object_id: (lat, lon) for object_id, lat, lon in rows if lat is not None and lon is not None
    }


async def test_near_finds_what_lies_within_the_radius_nearest_first(registry: Registry) -> None:
    palace = (39.9163, 116.3972)  # WGS-84, the middle of 故宫
    result = await search(registry, near=(*palace, 3.0, "WGS84"), sort=SortOrder.DISTANCE, first=50)
    distances = {
        object_id: haversine_m(palace[1], palace[0], lon, lat) / 1000
        for object_id, (lat, lon) in (await _points(registry)).items()
    }
    inside = {i for i, d in distances.items() if d <= 3.0}
    # Points close to the circle may fall either way by rounding: leave a 50 m margin.
    assert {i for i in inside if distances[i] < 2.95} <= {h.object_id for h in result.hits}
    assert {h.object_id for h in result.hits} <= inside | {
        i for i, d in distances.items() if d < 3.05
    }
    assert registry.ids["故宫"] in [h.object_id for h in result.hits][:2]
    assert registry.ids["天安门"] in {h.object_id for h in result.hits}
    assert [h.sort for h in result.hits] == sorted(h.sort for h in result.hits)
    for hit in result.hits:
        assert hit.distance_km == pytest.approx(distances[hit.object_id], rel=1e-3, abs=1e-3)


async def test_sensitive_points_are_searched_only_as_precisely_as_shown(registry: Registry) -> None:
    tomb = registry.ids["未发掘古墓"]
    exact = await search(registry, near=(39.91683, 116.39741, 0.5, "WGS84"), first=100)
    rounded = await search(registry, near=(39.9, 116.4, 0.5, "WGS84"), first=100)
    assert tomb not in {h.object_id for h in exact.hits}
    assert tomb in {h.object_id for h in rounded.hits}


async def test_near_accepts_gcj02_and_a_bounding_box_limits_results(registry: Registry) -> None:
    # 故宫 as Chinese web maps give it (GCJ-02), and a box around Beijing's centre.
    near = await search(registry, near=(39.91799, 116.403694, 1.0, "GCJ02"), first=10)
    assert registry.ids["故宫"] in {h.object_id for h in near.hits}
    box = await search(registry, bbox=(40.0, 39.85, 116.45, 116.3, "WGS84"), first=100)
    points = await _points(registry)
    expected = {
        i for i, (lat, lon) in points.items() if 39.85 <= lat <= 40.0 and 116.3 <= lon <= 116.45
    }
    assert {h.object_id for h in box.hits} == expected
    assert box.total == len(expected)


# --- orders and paging ------------------------------------------------------------------------


async def test_cursor_pages_cover_every_result_once_in_order(registry: Registry) -> None:
    for sort in (SortOrder.REGISTERED, SortOrder.NAME, SortOrder.ERA, SortOrder.RELEVANCE):
        seen: list[Any] = []
        after = None
        first = await search(registry, text="寺", sort=sort, first=7)
        while True:
            page = await search(registry, text="寺", sort=sort, first=7, after=after)
            seen += page.hits
            if not page.has_more:
                break
            after = encode_cursor(page.source, sort, page.hits[-1].sort)
        ids = [h.object_id for h in seen]
        assert len(ids) == len(set(ids)) == first.total, sort
        keys = [h.sort for h in seen]
        if sort is SortOrder.RELEVANCE:
            assert keys == sorted(keys, key=lambda k: (-k[0], k[1]))
        else:
            assert keys == sorted(keys), sort


async def test_without_text_relevance_is_registration_order(registry: Registry) -> None:
    relevance = await search(registry, sort=SortOrder.RELEVANCE, first=8)
    registered = await search(registry, first=8)
    ids = [h.object_id for h in registered.hits]
    assert [h.object_id for h in relevance.hits] == ids == sorted(ids)
    after = encode_cursor(relevance.source, SortOrder.RELEVANCE, relevance.hits[-1].sort)
    following = await search(registry, sort=SortOrder.RELEVANCE, first=2, after=after)
    assert [h.object_id for h in following.hits] == [ids[-1] + 1, ids[-1] + 2]


async def test_name_order_is_the_pinyin_order(registry: Registry) -> None:
    result = await search(registry, filter=ObjectFilter(region_prefix="1101"), sort=SortOrder.NAME)
    found = await names(registry, [h.object_id for h in result.hits])
    keys = [name_keys(name).sort for name in found]
    assert keys == sorted(keys)
    assert len(found) > 3


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        ({"text": "故" * 101}, "text", ErrorCode.INVALID),
        ({"text": "!!! ??? ***"}, "text", ErrorCode.INVALID),
        ({"near": (39.9, 116.4, 0.0, "WGS84")}, "near.radiusKm", ErrorCode.INVALID),
        ({"near": (39.9, 116.4, 5000.0, "WGS84")}, "near.radiusKm", ErrorCode.INVALID),
        ({"near": (99.0, 116.4, 5.0, "WGS84")}, "near", ErrorCode.COORDINATE_OUT_OF_RANGE),
        ({"near": (39.9, 116.4, 5.0, "XIAN80")}, "near", ErrorCode.CRS_NOT_CONVERTIBLE),
        (
            {"filter": ObjectFilter(era_from=1500, era_to=1400)},
            "filter.eraTo",
            ErrorCode.ERA_RANGE_REVERSED,
        ),
        ({"region_code": "99"}, "filter.regionCode", ErrorCode.REGION_CODE_FORMAT),
        ({"region_code": "149999"}, "filter.regionCode", ErrorCode.REGION_CODE_UNKNOWN),
        ({"sort": SortOrder.DISTANCE}, "sort", ErrorCode.REQUIRED),
        ({"first": 101}, "first", ErrorCode.INVALID),
        ({"after": "bm90IGEgY3Vyc29y"}, "after", ErrorCode.INVALID),
        ({"bbox": (39.0, 40.0, 116.0, 117.0, "WGS84")}, "boundingBox", ErrorCode.INVALID),
    ],
)
async def test_bad_input_is_a_coded_error_on_its_field(
    arguments: dict[str, Any], field: str, code: ErrorCode
) -> None:
    with pytest.raises(ServiceError) as raised:
        search_request(**arguments)
    assert (raised.value.problems[0].field, raised.value.problems[0].code) == (field, code)


async def test_a_cursor_of_the_other_backend_is_refused(registry: Registry) -> None:
    other = {
        SearchSource.DATABASE: SearchSource.ELASTICSEARCH,
        SearchSource.ELASTICSEARCH: SearchSource.DATABASE,
    }[registry.service.primary.source]
    cursor = encode_cursor(other, SortOrder.REGISTERED, [1])
    with pytest.raises(ServiceError) as raised:
        await search(registry, after=cursor)
    assert raised.value.problems[0].field == "after"
