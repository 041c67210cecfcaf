"""Works projects and craftsmen through HTTP: the workflow, its rules, warnings and lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from heritage.models.vocab import DesignationType, UserRole
from tests.support.api import Api
from tests.support.graphql import change_count, designated_site, payload, problems, written

PROPOSE = """
mutation($input: InterventionProposeInput!) {
  interventionPropose(input: $input) {
    intervention { id version status funding { source amountYuan } }
    errors { field code message }
    warnings { field code message }
  }
}
"""
UPDATE = """
mutation($id: ID!, $version: Int!, $input: InterventionUpdateInput!) {
  interventionUpdate(id: $id, version: $version, input: $input) {
    intervention { id version firm firmQualification budgetYuan }
    errors { field code message }
  }
}
"""
STEP = """
mutation {
  %s(id: "%s", version: %d, input: %s) {
    intervention { version status approvalLevel approvedOn startedOn completedOn report }
    errors { field code message }
    warnings { code }
  }
}
"""
ASSIGN = """
mutation($work: ID!, $input: CraftsmanAssignInput!) {
  interventionCraftsmanAssign(interventionId: $work, input: $input) {
    assignment { trade role craftsman { name } }
    intervention { craftsmen { trade craftsman { name } } }
    errors { field code message }
  }
}
"""
REGISTER = """
mutation($input: CraftsmanRegisterInput!) {
  craftsmanRegister(input: $input) {
    craftsman { id version name trades inheritorLevel phone }
    errors { field code message }
  }
}
"""
CRAFTSMAN_UPDATE = """
mutation($id: ID!, $version: Int!, $input: CraftsmanUpdateInput!) {
  craftsmanUpdate(id: $id, version: $version, input: $input) {
    craftsman { id version certification trades }
    errors { field code message }
  }
}
"""
CRAFTSMEN = """
query($filter: CraftsmanFilter) {
  craftsmen(filter: $filter) {
    totalCount
    edges { node { name phone works { trade intervention { id } } } }
  }
}
"""
INTERVENTIONS = """
query($filter: InterventionFilter, $first: Int, $after: String) {
  interventions(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id title status } }
  }
}
"""


async def propose(api: Api, site: str, **fields: Any) -> dict[str, Any]:
    values = {"objectId": site, "interventionType": "RESTORATION", "title": "修缮工程", **fields}
    return await payload(api, PROPOSE, {"input": values}, UserRole.SURVEYOR)


async def step(
    api: Api, name: str, work: str, version: int, values: str, role: UserRole
) -> dict[str, Any]:
    return await payload(api, STEP % (name, work, version, values), {}, role)


APPROVAL = (
    '{on: "2024-02-01", approvalDocNo: "文物保函〔2024〕12号", '
    'approvalAuthority: "%s", approvalLevel: %s}'
)


async def test_a_project_runs_through_every_step_and_skipped_steps_are_refused(
    api: Api,
) -> None:
    site = await designated_site(api, DesignationType.CPU_NATIONAL, official_code="1-0071-3-024")
    officer = UserRole.PROTECTION_OFFICER
    proposed = await propose(
        api,
        site,
        firmQualification="NONE",
        funding=[{"source": "CENTRAL", "amountYuan": "1000000.50"}],
    )
    work = proposed["intervention"]["id"]
    before = await change_count(api)

    started_early = await step(api, "interventionStart", work, 1, '{on: "2024-01-01"}', officer)
    too_low = await step(
        api, "interventionApprove", work, 1, APPROVAL % ("山西省文物局", "PROVINCIAL"), officer
    )
    undocumented = await step(api, "interventionApprove", work, 1, '{on: "2024-02-01"}', officer)
    stale = await step(
        api,
        "interventionApprove",
        work,
        7,
        APPROVAL % ("国家文物局", "NATIONAL_AUTHORITY"),
        officer,
    )
    assert await change_count(api) == before

    approved = await step(
        api,
        "interventionApprove",
        work,
        1,
        APPROVAL % ("国家文物局", "NATIONAL_AUTHORITY"),
        officer,
    )
    started = await step(api, "interventionStart", work, 2, '{on: "2024-03-01"}', officer)
    completed_early = await step(
        api, "interventionComplete", work, 3, '{on: "2024-02-15"}', officer
    )
    completed = await step(
        api, "interventionComplete", work, 3, '{on: "2024-09-30", report: "完工"}', officer
    )
    accepted = await step(
        api, "interventionAccept", work, 4, '{on: "2024-10-20", report: "验收合格"}', officer
    )
    cancelled_late = await step(api, "interventionCancel", work, 5, '{on: "2024-11-01"}', officer)

    assert proposed["intervention"]["status"] == "PROPOSED"
    assert proposed["intervention"]["funding"] == [
        {"source": "CENTRAL", "amountYuan": "1000000.50"}
    ]
    assert {w["code"] for w in proposed["warnings"]} == {"FIRM_QUALIFICATION_REQUIRED"}
    assert problems(started_early) == {(None, "WORKFLOW_TRANSITION")}
    assert problems(too_low) == {("approvalLevel", "APPROVAL_LEVEL_TOO_LOW")}
    assert problems(undocumented) == {("approvalDocNo", "APPROVAL_REQUIRED")}
    assert problems(stale) == {("version", "STALE_VERSION")}
    assert approved["intervention"]["status"] == "APPROVED"
    assert approved["intervention"]["approvalLevel"] == "NATIONAL_AUTHORITY"
    assert approved["intervention"]["approvedOn"] == "2024-02-01"
    assert [w["code"] for w in approved["warnings"]] == ["FIRM_QUALIFICATION_REQUIRED"]
    assert started["intervention"]["startedOn"] == "2024-03-01"
    assert problems(completed_early) == {("on", "DATE_ORDER")}
    assert completed["intervention"]["completedOn"] == "2024-09-30"
    assert accepted["intervention"]["status"] == "ACCEPTED"
    assert accepted["intervention"]["version"] == 5
    assert accepted["intervention"]["report"] == "验收合格"
    assert problems(cancelled_late) == {(None, "WORKFLOW_TRANSITION")}


async def test_proposals_can_be_rejected_or_cancelled_and_edited_with_a_version(api: Api) -> None:
    site = await designated_site(api, DesignationType.HISTORIC_BUILDING, name="老宅")
    officer = UserRole.PROTECTION_OFFICER
    reused = await propose(api, site, interventionType="ADAPTIVE_REUSE", title="活化利用")
    second = await propose(api, site, title="屋面修缮")

    edited = await payload(
        api,
        UPDATE,
        {
            "id": second["intervention"]["id"],
            "version": 1,
            "input": {"firm": "古建公司", "firmQualification": "GRADE_2", "budgetYuan": "300000"},
        },
        UserRole.SURVEYOR,
    )
    stale = await payload(
        api,
        UPDATE,
        {"id": second["intervention"]["id"], "version": 1, "input": {"firm": "别家"}},
        UserRole.SURVEYOR,
    )
    rejected = await step(
        api,
        "interventionReject",
        reused["intervention"]["id"],
        1,
        '{on: "2024-05-01", report: "方案改变建筑外观"}',
        officer,
    )
    cancelled = await step(
        api, "interventionCancel", second["intervention"]["id"], 2, '{on: "2024-05-02"}', officer
    )

    assert {(w["field"], w["code"]) for w in reused["warnings"]} == {
        ("interventionType", "ALTERATION_NEEDS_JOINT_APPROVAL")
    }
    assert second["warnings"] == []
    assert edited["intervention"]["firm"] == "古建公司"
    assert Decimal(edited["intervention"]["budgetYuan"]) == Decimal(300000)
    assert problems(stale) == {("version", "STALE_VERSION")}
    assert rejected["intervention"]["status"] == "REJECTED"
    assert rejected["intervention"]["report"] == "方案改变建筑外观"
    assert cancelled["intervention"]["status"] == "CANCELLED"

    listed = (await api.data(INTERVENTIONS, {"filter": {"statuses": ["REJECTED"]}}))[
        "interventions"
    ]
    assert [e["node"]["title"] for e in listed["edges"]] == ["活化利用"]


async def test_craftsmen_are_registered_assigned_and_listed(api: Api) -> None:
    site = await designated_site(api)
    work = (await propose(api, site, firmQualification="GRADE_1"))["intervention"]["id"]
    surveyor = UserRole.SURVEYOR
    wang = (
        await written(
            api,
            REGISTER,
            {
                "input": {
                    "name": "王师傅",
                    "trades": ["DAMUZUO", "XIAOMUZUO"],
                    "regionCode": "140728",
                    "phone": "13800000000",
                }
            },
            surveyor,
        )
    )["craftsman"]
    li = (
        await written(
            api,
            REGISTER,
            {"input": {"name": "李师傅", "trades": ["WAZUO"], "regionCode": "330106"}},
            surveyor,
        )
    )["craftsman"]
    certified = await written(
        api,
        CRAFTSMAN_UPDATE,
        {"id": wang["id"], "version": 1, "input": {"certification": "省级传承人"}},
        surveyor,
    )
    assigned = await written(
        api,
        ASSIGN,
        {"work": work, "input": {"craftsmanId": wang["id"], "trade": "DAMUZUO", "role": "掌作"}},
        surveyor,
    )
    twice = await payload(
        api,
        ASSIGN,
        {"work": work, "input": {"craftsmanId": wang["id"], "trade": "DAMUZUO"}},
        surveyor,
    )
    nobody = await payload(
        api,
        ASSIGN,
        {"work": work, "input": {"craftsmanId": "Q3JhZnRzbWFuOjk5", "trade": "WAZUO"}},
        surveyor,
    )
    no_work = await payload(
        api,
        ASSIGN,
        {"work": "SW50ZXJ2ZW50aW9uOjk5", "input": {"craftsmanId": li["id"], "trade": "WAZUO"}},
        surveyor,
    )
    bad_region = await payload(
        api,
        REGISTER,
        {"input": {"name": "赵", "trades": ["SHIZUO"], "regionCode": "140699"}},
        surveyor,
    )

    assert wang["inheritorLevel"] == "NONE"
    assert certified["craftsman"]["version"] == 2
    assert assigned["assignment"] == {
        "trade": "DAMUZUO",
        "role": "掌作",
        "craftsman": {"name": "王师傅"},
    }
    assert assigned["intervention"]["craftsmen"] == [
        {"trade": "DAMUZUO", "craftsman": {"name": "王师傅"}}
    ]
    assert problems(twice) == {("craftsmanId", "DUPLICATE")}
    assert problems(nobody) == {("craftsmanId", "NOT_FOUND")}
    assert problems(no_work) == {("interventionId", "NOT_FOUND")}
    assert problems(bad_region) == {("regionCode", "REGION_CODE_UNKNOWN")}

    public = (await api.data(CRAFTSMEN, {"filter": {"trades": ["XIAOMUZUO"]}}))["craftsmen"]
    staff = (await api.data(CRAFTSMEN, {"filter": {"regionCodePrefix": "14"}}, surveyor))[
        "craftsmen"
    ]
    by_name = (await api.data(CRAFTSMEN, {"filter": {"nameContains": "李"}}))["craftsmen"]
    everyone = (await api.data(CRAFTSMEN, {}, UserRole.RESEARCHER))["craftsmen"]

    assert public["totalCount"] == 1
    assert public["edges"][0]["node"]["phone"] is None
    assert public["edges"][0]["node"]["works"] == [
        {"trade": "DAMUZUO", "intervention": {"id": work}}
    ]
    assert staff["edges"][0]["node"]["phone"] == "13800000000"
    assert [e["node"]["name"] for e in by_name["edges"]] == ["李师傅"]
    assert everyone["totalCount"] == 2
    assert all(e["node"]["phone"] is None for e in everyone["edges"])


async def test_works_are_listed_by_object_type_and_status_page_by_page(api: Api) -> None:
    shanxi = await designated_site(api)
    other = await designated_site(api, name="六和塔", region_code="330106")
    for index in range(3):
        await propose(api, shanxi, title=f"应县{index}")
    await propose(api, other, title="杭州", interventionType="MAINTENANCE")

    first = (await api.data(INTERVENTIONS, {"filter": {"object": shanxi}, "first": 2}))[
        "interventions"
    ]
    rest = (
        await api.data(
            INTERVENTIONS,
            {"filter": {"object": shanxi}, "first": 2, "after": first["pageInfo"]["endCursor"]},
        )
    )["interventions"]
    maintenance = (await api.data(INTERVENTIONS, {"filter": {"types": ["MAINTENANCE"]}}))[
        "interventions"
    ]
    wrong_id = await api.query(INTERVENTIONS, {"filter": {"object": "UGxhcXVlOjE="}})

    assert first["totalCount"] == 3
    assert [e["node"]["title"] for e in first["edges"]] == ["应县0", "应县1"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["title"] for e in rest["edges"]] == ["应县2"]
    assert [e["node"]["title"] for e in maintenance["edges"]] == ["杭州"]
    assert wrong_id["errors"][0]["extensions"] == {"code": "INVALID", "field": "filter.object"}
