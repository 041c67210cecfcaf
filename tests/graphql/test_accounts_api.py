"""Users and API tokens through HTTP: who may see and change them, tokens shown once."""

from __future__ import annotations

from typing import Any

from heritage.models.vocab import UserRole
from tests.support.api import Api
from tests.support.graphql import payload, problems, written

USER_CREATE = """
mutation($input: UserCreateInput!) {
  userCreate(input: $input) {
    user { id username role isActive version }
    errors { field code message }
  }
}
"""
USER_UPDATE = """
mutation($id: ID!, $version: Int!, $input: UserUpdateInput!) {
  userUpdate(id: $id, version: $version, input: $input) {
    user { id role isActive version }
    errors { field code message }
  }
}
"""
TOKEN_CREATE = """
mutation($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) {
    apiToken { id name prefix revokedAt user { username } }
    rawToken
    errors { field code message }
  }
}
"""
TOKEN_REVOKE = """
mutation($id: ID!) {
  apiTokenRevoke(id: $id) {
    apiToken { id revokedAt }
    errors { field code message }
  }
}
"""
ME = "{ me { id username role tokens { id name revokedAt } } }"
USERS = """
query($filter: UserFilter) {
  users(filter: $filter) { totalCount edges { node { username role } } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


async def me(api: Api, token: str) -> Any:
    response = await api.client.post(
        "/graphql", json={"query": ME}, headers={"authorization": f"Bearer {token}"}
    )
    return response


async def test_an_administrator_adds_users_and_issues_tokens_shown_once(api: Api) -> None:
    admin = UserRole.ADMINISTRATOR
    created = await written(
        api,
        USER_CREATE,
        {"input": {"username": "zhang.san", "displayName": "张三", "role": "SURVEYOR"}},
        admin,
    )
    user = created["user"]
    taken = await payload(
        api,
        USER_CREATE,
        {"input": {"username": "zhang.san", "displayName": "又一个", "role": "RESEARCHER"}},
        admin,
    )
    malformed = await payload(
        api,
        USER_CREATE,
        {"input": {"username": "张 三", "displayName": "张三", "role": "RESEARCHER"}},
        admin,
    )
    issued = await written(
        api, TOKEN_CREATE, {"input": {"userId": user["id"], "name": "平板"}}, admin
    )
    expired = await payload(
        api,
        TOKEN_CREATE,
        {"input": {"userId": user["id"], "name": "旧", "expiresAt": "2020-01-01T00:00:00+00:00"}},
        admin,
    )
    raw = issued["rawToken"]

    assert (user["username"], user["role"], user["isActive"]) == ("zhang.san", "SURVEYOR", True)
    assert problems(taken) == {("username", "USERNAME_TAKEN")}
    assert problems(malformed) == {("input.username", "INVALID")}
    assert problems(expired) == {("expiresAt", "INVALID")}
    assert raw.startswith(issued["apiToken"]["prefix"])
    assert issued["apiToken"]["user"] == {"username": "zhang.san"}
    signed_in = (await me(api, raw)).json()["data"]["me"]
    assert signed_in["username"] == "zhang.san"
    assert signed_in["tokens"] == [
        {"id": issued["apiToken"]["id"], "name": "平板", "revokedAt": None}
    ]

    promoted = await written(
        api,
        USER_UPDATE,
        {"id": user["id"], "version": 1, "input": {"role": "PROTECTION_OFFICER"}},
        admin,
    )
    stale = await payload(
        api, USER_UPDATE, {"id": user["id"], "version": 1, "input": {"isActive": False}}, admin
    )
    deactivated = await written(
        api, USER_UPDATE, {"id": user["id"], "version": 2, "input": {"isActive": False}}, admin
    )

    assert promoted["user"]["role"] == "PROTECTION_OFFICER"
    assert problems(stale) == {("version", "STALE_VERSION")}
    assert deactivated["user"]["isActive"] is False
    assert (await me(api, raw)).status_code == 401
    listed = (await api.data(USERS, {"filter": {"isActive": False}}, admin))["users"]
    assert [e["node"]["username"] for e in listed["edges"]] == ["zhang.san"]
    by_role = (await api.data(USERS, {"filter": {"roles": ["RESEARCHER"]}}, admin))["users"]
    assert [e["node"]["username"] for e in by_role["edges"]] == ["researcher"]


async def test_tokens_are_revoked_by_their_owner_or_by_an_administrator(api: Api) -> None:
    surveyor, officer = UserRole.SURVEYOR, UserRole.PROTECTION_OFFICER
    own = (await api.data(ME, role=surveyor))["me"]["tokens"][0]["id"]
    officers = (await api.data(ME, role=officer))["me"]["tokens"][0]["id"]

    refused = await payload(api, TOKEN_REVOKE, {"id": officers}, surveyor)
    still_valid = await api.post({"query": ME}, officer)
    revoked = await written(api, TOKEN_REVOKE, {"id": own}, surveyor)
    after = await api.post({"query": ME}, surveyor)
    by_admin = await written(api, TOKEN_REVOKE, {"id": officers}, UserRole.ADMINISTRATOR)
    unknown = await payload(api, TOKEN_REVOKE, {"id": "QXBpVG9rZW46OTk="}, UserRole.ADMINISTRATOR)

    assert problems(refused) == {("id", "PERMISSION_DENIED")}
    assert refused["apiToken"] is None
    assert still_valid.status_code == 200
    assert revoked["apiToken"]["revokedAt"] is not None
    assert after.status_code == 401
    assert by_admin["apiToken"]["revokedAt"] is not None
    assert (await api.post({"query": ME}, officer)).status_code == 401
    assert problems(unknown) == {("id", "NOT_FOUND")}


async def test_users_and_tokens_are_seen_by_administrators_and_by_themselves(api: Api) -> None:
    admin_view = (await api.data(ME, role=UserRole.ADMINISTRATOR))["me"]
    surveyor_view = (await api.data(ME, role=UserRole.SURVEYOR))["me"]
    surveyor_token = surveyor_view["tokens"][0]["id"]

    assert (await api.data(ME))["me"] is None
    assert surveyor_view["role"] == "SURVEYOR"
    everyone = (await api.data(USERS, role=UserRole.ADMINISTRATOR))["users"]
    assert everyone["totalCount"] == len(UserRole)
    for role in (None, UserRole.RESEARCHER, UserRole.PROTECTION_OFFICER):
        refused = await api.query(USERS, {}, role)
        assert refused["data"] == {"users": None}
        assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
        # Someone else's user and token read as null, like unknown IDs.
        assert (await api.data(NODE, {"id": admin_view["id"]}, role))["node"] is None
        assert (await api.data(NODE, {"id": surveyor_token}, role))["node"] is None

    own_user = await api.data(NODE, {"id": surveyor_view["id"]}, UserRole.SURVEYOR)
    own_token = await api.data(NODE, {"id": surveyor_token}, UserRole.SURVEYOR)
    admin_reads = await api.data(NODE, {"id": surveyor_token}, UserRole.ADMINISTRATOR)
    assert own_user["node"] == {"id": surveyor_view["id"]}
    assert own_token["node"] == {"id": surveyor_token}
    assert admin_reads["node"] == {"id": surveyor_token}


async def test_the_last_administrator_cannot_lock_everyone_out(api: Api) -> None:
    admin = UserRole.ADMINISTRATOR
    own = (await api.data(ME, role=admin))["me"]

    demoted = await payload(
        api, USER_UPDATE, {"id": own["id"], "version": 1, "input": {"role": "RESEARCHER"}}, admin
    )
    deactivated = await payload(
        api, USER_UPDATE, {"id": own["id"], "version": 1, "input": {"isActive": False}}, admin
    )

    assert demoted["user"] is None
    assert problems(demoted) == {("role", "LAST_ADMINISTRATOR")}
    assert problems(deactivated) == {("isActive", "LAST_ADMINISTRATOR")}
    assert (await api.data(ME, role=admin))["me"]["role"] == "ADMINISTRATOR"
