"""Places and sites through HTTP: mutations per role, typed errors, lists, filters, nodes."""

from __future__ import annotations

from typing import Any

from heritage.models.vocab import UserRole
from tests.support.api import Api

BUILDING_CREATE = """
mutation Create($input: BuildingCreateInput!) {
  buildingCreate(input: $input) {
    building { id databaseId name kind version regionName eraStartYear periodCodes
               location { lon lat generalised sourceCrs } }
    errors { field code message }
    warnings { code }
  }
}
"""

SITE_UPDATE = """
mutation Update($id: ID!, $version: Int!, $input: SiteUpdateInput!) {
  siteUpdate(id: $id, version: $version, input: $input) {
    site { id version useFunction }
    errors { field code message }
  }
}
"""

SITES = """
query Sites($filter: SiteFilter, $first: Int, $after: String, $last: Int, $before: String) {
  sites(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
    edges { cursor node { name } }
  }
}
"""

TEMPLE = {
    "name": "镇国寺",
    "regionCode": "140728",
    "category": "ANCIENT_BUILDING",
    "eraRaw": "五代",
    "location": {"lon": 112.275, "lat": 37.1, "crs": "GCJ02"},
}


async def create(api: Api, **fields: Any) -> dict[str, Any]:
    data = await api.data(BUILDING_CREATE, {"input": {**TEMPLE, **fields}}, UserRole.SURVEYOR)
    result: dict[str, Any] = data["buildingCreate"]
    assert result["errors"] == [], result["errors"]
    building: dict[str, Any] = result["building"]
    return building


async def test_a_surveyor_registers_a_building(api: Api) -> None:
    building = await create(api)

    assert building["kind"] == "BUILDING"
    assert building["version"] == 1
    assert building["regionName"] == "山西省晋中市平遥县"
    assert building["eraStartYear"] == 907
    assert building["periodCodes"] == ["FIVE_DYN"]
    assert building["location"]["sourceCrs"] == "GCJ02"
    assert building["location"]["lon"] != 112.275


async def test_anonymous_callers_and_researchers_cannot_write(api: Api) -> None:
    for role in (None, UserRole.RESEARCHER):
        answer = await api.data(BUILDING_CREATE, {"input": TEMPLE}, role)
        result = answer["buildingCreate"]
        assert result["building"] is None
        assert [e["code"] for e in result["errors"]] == ["PERMISSION_DENIED"]

    listed = await api.data(SITES)
    assert listed["sites"]["totalCount"] == 0


async def test_bad_input_is_a_typed_error_naming_field_and_rule(api: Api) -> None:
    answer = await api.data(
        BUILDING_CREATE,
        {"input": {**TEMPLE, "regionCode": "140699", "location": {"lon": 2.35, "lat": 48.8}}},
        UserRole.SURVEYOR,
    )

    errors = answer["buildingCreate"]["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("regionCode", "REGION_CODE_UNKNOWN"),
        ("location", "COORDINATE_OUTSIDE_CHINA"),
    }
    assert answer["buildingCreate"]["building"] is None
    assert (await api.data(SITES))["sites"]["totalCount"] == 0


async def test_a_wrong_enum_value_is_a_graphql_error(api: Api) -> None:
    answer = await api.query(
        BUILDING_CREATE, {"input": {**TEMPLE, "category": "PALACE"}}, UserRole.SURVEYOR
    )

    assert answer["data"] is None
    assert "PALACE" in answer["errors"][0]["message"]


async def test_a_stale_version_is_refused(api: Api) -> None:
    building = await create(api)
    first = await api.data(
        SITE_UPDATE,
        {"id": building["id"], "version": 1, "input": {"useFunction": "寺院"}},
        UserRole.SURVEYOR,
    )
    stale = await api.data(
        SITE_UPDATE,
        {"id": building["id"], "version": 1, "input": {"useFunction": "博物馆"}},
        UserRole.SURVEYOR,
    )

    assert first["siteUpdate"]["site"]["version"] == 2
    assert [e["code"] for e in stale["siteUpdate"]["errors"]] == ["STALE_VERSION"]
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Site { useFunction version } } }",
        {"id": building["id"]},
    )
    assert node["node"] == {"useFunction": "寺院", "version": 2}


async def test_lists_page_with_keyset_cursors_both_ways(api: Api) -> None:
    for index in range(5):
        await create(api, name=f"建筑{index}")

    first = (await api.data(SITES, {"first": 2}))["sites"]
    second = (await api.data(SITES, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["sites"]
    last = (await api.data(SITES, {"last": 2}))["sites"]

    assert first["totalCount"] == 5
    assert [e["node"]["name"] for e in first["edges"]] == ["建筑0", "建筑1"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["name"] for e in second["edges"]] == ["建筑2", "建筑3"]
    assert [e["node"]["name"] for e in last["edges"]] == ["建筑3", "建筑4"]
    assert last["pageInfo"]["hasPreviousPage"] is True


async def test_page_size_is_capped_and_forged_cursors_are_refused(api: Api) -> None:
    too_big = await api.query(SITES, {"first": 101})
    forged = await api.query(SITES, {"after": "bm90IGEgY3Vyc29y"})

    assert too_big["errors"][0]["extensions"]["code"] == "INVALID"
    assert (
        "at most" in too_big["errors"][0]["message"] or "between" in too_big["errors"][0]["message"]
    )
    assert forged["errors"][0]["extensions"] == {"code": "INVALID", "field": "after"}


async def test_sensitive_locations_are_generalised_for_the_public(api: Api) -> None:
    building = await create(api, coordinateVisibility="SENSITIVE")
    query = "query($id: ID!) { node(id: $id) { ... on Site { location { lon lat generalised } } } }"

    public = (await api.data(query, {"id": building["id"]}))["node"]["location"]
    staff = (await api.data(query, {"id": building["id"]}, UserRole.SURVEYOR))["node"]["location"]

    assert public["generalised"] is True
    assert public["lon"] == round(staff["lon"], 1)
    assert staff["generalised"] is False
    assert staff["lon"] != public["lon"]


async def test_unknown_ids_answer_null_or_a_typed_error(api: Api) -> None:
    missing = await api.data('{ node(id: "U2l0ZTo5OTk5") { id } }')
    update = await api.data(
        SITE_UPDATE, {"id": "U2l0ZTo5OTk5", "version": 1, "input": {}}, UserRole.SURVEYOR
    )
    wrong_type = await api.data(
        SITE_UPDATE, {"id": "UGxhY2U6MQ==", "version": 1, "input": {}}, UserRole.SURVEYOR
    )

    assert missing["node"] is None
    assert [e["code"] for e in update["siteUpdate"]["errors"]] == ["NOT_FOUND"]
    assert [e["code"] for e in wrong_type["siteUpdate"]["errors"]] == ["INVALID"]


async def test_malformed_ids_and_ids_of_non_node_types_read_as_null(api: Api) -> None:
    for bad in ("not-base64!", "Q2FzdGxlOjE=", "TG9jYXRpb246MQ=="):  # -, Castle:1, Location:1
        answer = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": bad})
        assert answer["node"] is None


async def test_validation_problems_name_fields_as_the_client_wrote_them(api: Api) -> None:
    answer = await api.data(
        BUILDING_CREATE, {"input": {**TEMPLE, "altNames": [""]}}, UserRole.SURVEYOR
    )

    errors = answer["buildingCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("input.altNames.0", "INVALID")]
