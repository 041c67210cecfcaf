"""The change history through HTTP: officers and above, filters, account rows for admins."""

from __future__ import annotations

import json

from heritage.models.vocab import UserRole
from tests.support.api import Api
from tests.support.graphql import written

SITE_CREATE = """
mutation($input: SiteCreateInput!) {
  siteCreate(input: $input) { site { id } errors { field code message } }
}
"""
SITE_UPDATE = """
mutation($id: ID!, $version: Int!, $input: SiteUpdateInput!) {
  siteUpdate(id: $id, version: $version, input: $input) { site { id } errors { code } }
}
"""
CHANGES = """
query($filter: ChangeFilter, $last: Int) {
  changes(filter: $filter, last: $last) {
    totalCount
    edges { node { id action objectType objectDatabaseId objectVersion actorLabel after } }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on ChangeRecord { id action } } }"


async def test_officers_read_the_history_of_a_record_by_author_time_and_table(api: Api) -> None:
    created = await written(
        api,
        SITE_CREATE,
        {"input": {"kind": "SITE", "name": "古城遗址", "regionCode": "140728"}},
        UserRole.SURVEYOR,
    )
    site = created["site"]["id"]
    await written(
        api,
        SITE_UPDATE,
        {"id": site, "version": 1, "input": {"useFunction": "遗址公园"}},
        UserRole.PROTECTION_OFFICER,
    )
    officer = UserRole.PROTECTION_OFFICER

    of_site = (await api.data(CHANGES, {"filter": {"object": site}}, officer))["changes"]
    by_officer = (
        await api.data(
            CHANGES,
            {"filter": {"actorLabel": "protection_officer", "objectType": "heritage_object"}},
            officer,
        )
    )["changes"]
    newest = (await api.data(CHANGES, {"filter": {"object": site}, "last": 1}, officer))["changes"]
    later = (
        await api.data(CHANGES, {"filter": {"occurredFrom": "2999-01-01T00:00:00+00:00"}}, officer)
    )["changes"]
    no_table = await api.query(CHANGES, {"filter": {"objectType": "nothing"}}, officer)

    assert [(e["node"]["action"], e["node"]["objectVersion"]) for e in of_site["edges"]] == [
        ("CREATE", 1),
        ("UPDATE", 2),
    ]
    assert {e["node"]["actorLabel"] for e in of_site["edges"]} == {
        "surveyor",
        "protection_officer",
    }
    assert [json.loads(e["node"]["after"])["use_function"] for e in by_officer["edges"]] == [
        "遗址公园"
    ]
    assert [e["node"]["action"] for e in newest["edges"]] == ["UPDATE"]
    assert later["totalCount"] == 0
    assert no_table["errors"][0]["extensions"] == {"code": "INVALID", "field": "filter.objectType"}

    change = of_site["edges"][0]["node"]["id"]
    assert (await api.data(NODE, {"id": change}, officer))["node"] == {
        "id": change,
        "action": "CREATE",
    }
    for role in (None, UserRole.RESEARCHER, UserRole.SURVEYOR):
        refused = await api.query(CHANGES, {}, role)
        assert refused["data"] == {"changes": None}
        assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
        assert (await api.data(NODE, {"id": change}, role))["node"] is None


async def test_changes_of_users_and_tokens_are_shown_to_administrators_only(api: Api) -> None:
    accounts = {"filter": {"objectType": "user_account"}}

    officer = (await api.data(CHANGES, accounts, UserRole.PROTECTION_OFFICER))["changes"]
    everything = (await api.data(CHANGES, {}, UserRole.PROTECTION_OFFICER))["changes"]
    admin = (await api.data(CHANGES, accounts, UserRole.ADMINISTRATOR))["changes"]
    token_change = (
        await api.data(CHANGES, {"filter": {"objectType": "api_token"}}, UserRole.ADMINISTRATOR)
    )["changes"]["edges"][0]["node"]

    assert officer["totalCount"] == 0
    assert everything["totalCount"] == 0
    assert admin["totalCount"] == len(UserRole)
    assert json.loads(token_change["after"])["token_hash"] == "<redacted>"
    officer_reads = await api.data(NODE, {"id": token_change["id"]}, UserRole.PROTECTION_OFFICER)
    assert officer_reads["node"] is None
