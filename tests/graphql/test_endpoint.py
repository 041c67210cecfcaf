"""The endpoint itself: tokens, malformed requests, batches, body size and query limits."""

from __future__ import annotations

from heritage.models.vocab import UserRole
from tests.support.api import Api

ME_LIST = "{ sites(first: 1) { totalCount } }"


async def test_a_wrong_or_malformed_token_is_refused_with_401(api: Api) -> None:
    wrong = await api.client.post(
        "/graphql", json={"query": ME_LIST}, headers={"authorization": "Bearer hr_nope"}
    )
    malformed = await api.client.post(
        "/graphql", json={"query": ME_LIST}, headers={"authorization": "Basic abc"}
    )

    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert malformed.status_code == 401


async def test_malformed_documents_and_bodies_are_graphql_errors(api: Api) -> None:
    syntax = await api.query("{ sites { totalCount ")
    unknown = await api.query("{ castles { totalCount } }")
    not_json = await api.client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    no_query = await api.post({"variables": {}})

    assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert not_json.status_code == 400
    assert no_query.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_batches_run_in_order_up_to_the_limit(api: Api) -> None:
    batch = await api.post([{"query": ME_LIST}, {"query": "{ sites { totalCount } }"}])
    too_many = await api.post([{"query": ME_LIST}] * 11)

    assert batch.status_code == 200
    assert [r["data"]["sites"]["totalCount"] for r in batch.json()] == [0, 0]
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["extensions"]["code"] == "BATCH_LIMIT"


async def test_an_oversized_body_is_refused(api: Api) -> None:
    response = await api.post({"query": ME_LIST, "padding": "x" * 1_100_000})

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"


async def test_depth_alias_and_cost_limits_refuse_before_execution(api: Api) -> None:
    deep = "{ sites { edges { node { " + "parent { " * 10 + "name" + " }" * 10 + " } } } }"
    aliases = "{ " + " ".join(f"a{i}: sites {{ totalCount }}" for i in range(31)) + " }"
    costly = (
        "{ sites(first: 100) { edges { node { children { children { children "
        "{ designations { heritageObject { name designations { authority } } } } } } } } } }"
    )

    codes = [
        (await api.query(document))["errors"][0]["extensions"]["code"]
        for document in (deep, aliases, costly)
    ]

    assert codes == ["QUERY_DEPTH_LIMIT", "QUERY_ALIASES_LIMIT", "QUERY_COST_LIMIT"]


async def test_page_size_variables_count_towards_the_cost(api: Api) -> None:
    document = (
        "query($n: Int) { sites(first: $n) { edges { node { children(first: 0) { name } } } } }"
    )
    answer = await api.query(document, {"n": 100}, UserRole.RESEARCHER)

    # children takes no page arguments: the document is refused by the spec rules instead.
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_document_within_limits_once_is_measured_again_with_new_page_sizes(
    api: Api,
) -> None:
    document = (
        "query($n: Int) { sites(first: $n) { edges { node { children { children "
        "{ designations { heritageObject { name designations { authority } } } } } } } } }"
    )
    small = await api.query(document, {"n": 1}, UserRole.RESEARCHER)
    large = await api.query(document, {"n": 100}, UserRole.RESEARCHER)

    assert "errors" not in small
    assert large["errors"][0]["extensions"]["code"] == "QUERY_COST_LIMIT"


async def test_a_document_without_page_size_variables_is_measured_once(api: Api) -> None:
    costly = (
        "{ sites(first: 100) { edges { node { children { children { children "
        "{ designations { heritageObject { name designations { authority } } } } } } } } } }"
    )
    cheap = (
        "query($kinds: [ObjectKind!]) { sites(first: 5, filter: {kinds: $kinds}) { totalCount } }"
    )
    for _ in range(2):
        assert (await api.query(costly))["errors"][0]["extensions"]["code"] == "QUERY_COST_LIMIT"
        assert "errors" not in await api.query(cheap, {"kinds": ["BUILDING"]})
