"""GraphQL ``search`` through HTTP: registry types, facets, highlights, cursors, background
indexing after commits, bad input, and an engine that is down or slow."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.search.conftest import Sample
from tests.search.support import (
    CREATE_BUILDING,
    Registry,
    app_with_surveyor,
    open_registry,
    require_engine,
    running_app,
    search_settings,
)
from tests.support.api import Api
from tests.support.databases import clone_database, drop_postgres_database

pytestmark = pytest.mark.elasticsearch

SEARCH = """
query Search($text: String, $filter: SearchFilter, $near: NearInput, $sort: SearchSort,
             $first: Int, $after: String) {
  search(text: $text, filter: $filter, near: $near, sort: $sort, first: $first, after: $after) {
    source degraded notice totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor score distanceKm
      highlights { field fragment }
      node { __typename databaseId name ... on Site { nationalCode category protectionLevel } }
    }
  }
}
"""

FACETS = """
query Facets($filter: SearchFilter) {
  search(filter: $filter, first: 0) {
    totalCount
    facets {
      protectionLevels { value count }
      designationTypes { value count }
      regions { code name count }
      categories { value count }
      conditions { value count }
    }
  }
}
"""


@pytest.fixture(scope="module")
async def app(registry: Registry) -> AsyncIterator[Api]:
    """The app on the sample registry and its index."""
    async with running_app(registry.settings) as api:
        yield api


async def search(api: Api, **variables: Any) -> dict[str, Any]:
    data = await api.data(SEARCH, variables)
    result: dict[str, Any] = data["search"]
    return result


async def test_search_answers_with_registry_records_and_highlights(
    app: Api, registry: Registry
) -> None:
    result = await search(app, text="yungang", first=3)

    expected = "ELASTICSEARCH" if registry.service.engine else "DATABASE"
    assert (result["source"], result["degraded"], result["notice"]) == (expected, False, None)
    first = result["edges"][0]
    assert first["node"]["__typename"] == "Site"
    assert first["node"]["name"] == "云冈石窟"
    assert first["node"]["nationalCode"] == "1-0034-4-001"
    assert first["node"]["protectionLevel"] == "NATIONAL"
    assert first["highlights"] == [{"field": "name", "fragment": "<em>云冈</em>石窟"}]
    assert first["score"] > 0

    traditional = await search(app, text="紫禁城")
    assert traditional["edges"][0]["node"]["name"] == "故宫"
    assert traditional["edges"][0]["highlights"] == [
        {"field": "altNames", "fragment": "<em>紫禁城</em>"}
    ]


async def test_facets_count_every_result_by_level_type_region_category_and_condition(
    app: Api,
) -> None:
    data = await app.data(FACETS, {"filter": {"regionCode": "14"}})
    facets = data["search"]["facets"]

    total = data["search"]["totalCount"]
    assert sum(c["count"] for c in facets["categories"]) == total - 1  # the place has none
    assert facets["protectionLevels"][0]["value"] == "NATIONAL"
    shanxi_cities = {c["code"]: c["name"] for c in facets["regions"]}
    assert shanxi_cities["1407"] == "晋中市"
    assert all(code.startswith("14") and len(code) == 4 for code in shanxi_cities)


async def test_cursor_pages_reach_every_result_once(app: Api) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        result = await search(app, text="寺", first=9, after=after)
        seen += [edge["node"]["databaseId"] for edge in result["edges"]]
        pages += 1
        if not result["pageInfo"]["hasNextPage"]:
            break
        after = result["pageInfo"]["endCursor"]
    assert pages > 2
    assert len(seen) == len(set(seen)) == result["totalCount"]


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def test_results_are_loaded_in_one_batch_whatever_the_page_size(app: Api) -> None:
    counts = []
    for first in (5, 60):
        with counting_statements() as statements:
            result = await search(app, text="寺", first=first)
        assert len(result["edges"]) == first
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_distance_order_from_a_point(app: Api) -> None:
    near = {"lat": 39.9163, "lon": 116.3972, "radiusKm": 5}
    result = await search(app, near=near, sort="DISTANCE", first=5)
    distances = [edge["distanceKm"] for edge in result["edges"]]
    assert "故宫" in [edge["node"]["name"] for edge in result["edges"][:3]]
    assert distances == sorted(distances)
    assert distances[-1] <= 5


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        (
            "{ search(filter: {protectionLevels: [IMPERIAL]}) { totalCount } }",
            {},
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "query($f: SearchFilter) { search(filter: $f) { totalCount } }",
            {"f": {"protectionLevels": ["IMPERIAL"]}},
            "BAD_USER_INPUT",
        ),
        (
            "{ search(near: {lat: 39.9, lon: 116.4, radiusKm: 40000}) { totalCount } }",
            {},
            "INVALID",
        ),
        ('{ search(text: "*** ???") { totalCount } }', {}, "INVALID"),
        ('{ search(after: "forged") { totalCount } }', {}, "INVALID"),
    ],
)
async def test_bad_input_is_a_clear_error_never_a_500(
    app: Api, query: str, variables: dict[str, Any], code: str
) -> None:
    response = await app.post({"query": query, "variables": variables})

    assert response.status_code == 200
    answer = response.json()
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == code


async def test_query_syntax_in_the_text_is_searched_as_text(app: Api) -> None:
    plain = await search(app, text="故宫")
    tricky = await search(app, text='故宫" OR (name:*) [')
    assert tricky["totalCount"] == 0  # "or" and "name" are words that must match too
    quoted = await search(app, text='"故宫"*')
    assert [e["node"]["databaseId"] for e in quoted["edges"]] == [
        e["node"]["databaseId"] for e in plain["edges"]
    ]


# --- background indexing, and degraded answers -------------------------------------------------


@pytest.mark.parametrize("search_backend", ["embedded", "elasticsearch"])
async def test_the_app_indexes_committed_writes_in_the_background(
    search_backend: str, backend: str, template_url: str, tmp_path: Path
) -> None:
    if search_backend == "elasticsearch":
        await require_engine()
    url = await clone_database(template_url, backend, tmp_path)
    try:
        async with app_with_surveyor(search_settings(url, search_backend, tmp_path)) as (
            api,
            token,
        ):
            response = await api.client.post(
                "/graphql",
                json={"query": CREATE_BUILDING, "variables": {"input": {"name": "镇国寺万佛殿"}}},
                headers={"authorization": f"Bearer {token}"},
            )
            assert response.json()["data"]["buildingCreate"]["errors"] == []
            deadline = time.monotonic() + 15
            while (total := (await search(api, text="wanfodian"))["totalCount"]) == 0:
                assert time.monotonic() < deadline, "not indexed after 15 s"
                await asyncio.sleep(0.2)
            assert total == 1
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)


@pytest.mark.parametrize("trouble", ["down", "slow"])
async def test_an_engine_that_is_down_or_slow_gives_an_honest_degraded_answer(
    trouble: str, backend: str, sample: Sample, tmp_path: Path
) -> None:
    url = await clone_database(sample.url, backend, tmp_path)
    try:
        async with unresponsive_port(trouble) as port:
            # The database fallback is kept up to date whatever happens to the engine.
            async with open_registry(search_settings(url, "embedded", tmp_path)) as registry:
                await registry.sync()
            settings = search_settings(
                url,
                "elasticsearch",
                tmp_path,
                elasticsearch_url=f"http://127.0.0.1:{port}",
                elasticsearch_timeout_s=0.5,
            )
            async with running_app(settings) as api:
                started = time.monotonic()
                result = await search(api, text="云冈", first=3)
                elapsed = time.monotonic() - started
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)

    assert (result["source"], result["degraded"]) == ("DATABASE", True)
    reason = {"down": "cannot be reached", "slow": "did not answer in time"}[trouble]
    assert reason in result["notice"]
    assert "database fallback" in result["notice"]
    assert result["edges"][0]["node"]["name"] == "云冈石窟"
    assert elapsed < 5


@asynccontextmanager
async def unresponsive_port(trouble: str) -> AsyncIterator[int]:
    """A port where nothing listens ("down"), or where a server accepts and never answers."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up and closes
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    if trouble == "down":
        server.close()
        await server.wait_closed()
        yield port
        return
    try:
        yield port
    finally:
        server.close()
        await server.wait_closed()
