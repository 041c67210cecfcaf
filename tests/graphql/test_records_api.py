"""Surveys, mapping, plaques, archive items and incidents through HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

from heritage.models.vocab import DesignationType, UserRole
from tests.support.api import Api
from tests.support.graphql import change_count, designated_site, payload, problems, written

SURVEY_ADD = """
mutation($input: SurveyRecordAddInput!) {
  surveyRecordAdd(input: $input) {
    surveyRecord {
      id version conditionGrade condition threats heritageObject { ... on Site { id } }
    }
    errors { field code message }
    warnings { code }
  }
}
"""
SURVEY_UPDATE = """
mutation($id: ID!, $version: Int!, $input: SurveyRecordUpdateInput!) {
  surveyRecordUpdate(id: $id, version: $version, input: $input) {
    surveyRecord { id version conditionGrade condition notes }
    errors { field code message }
  }
}
"""
MAPPING_ADD = """
mutation($input: MappingRecordAddInput!) {
  mappingRecordAdd(input: $input) {
    mappingRecord { id version qaStatus methods deliverables { deliverableType title } }
    errors { field code message }
  }
}
"""
MAPPING_UPDATE = """
mutation($id: ID!, $version: Int!, $input: MappingRecordUpdateInput!) {
  mappingRecordUpdate(id: $id, version: $version, input: $input) {
    mappingRecord { id version qaStatus notes }
    errors { field code message }
  }
}
"""
DELIVERABLE_ADD = """
mutation($record: ID!, $input: MappingDeliverableInput!) {
  mappingDeliverableAdd(mappingRecordId: $record, input: $input) {
    deliverable { id title fileFormat }
    mappingRecord { deliverables { title } }
    errors { field code message }
  }
}
"""
PLAQUE_INSTALL = """
mutation($input: PlaqueInstallInput!) {
  plaqueInstall(input: $input) {
    plaque { id version plaqueType condition lon lat }
    errors { field code message }
  }
}
"""
PLAQUE_UPDATE = """
mutation($id: ID!, $version: Int!, $input: PlaqueUpdateInput!) {
  plaqueUpdate(id: $id, version: $version, input: $input) {
    plaque { id version material textFront }
    errors { field code message }
  }
}
"""
PLAQUE_INSPECT = """
mutation($id: ID!, $version: Int!, $input: PlaqueInspectInput!) {
  plaqueInspect(id: $id, version: $version, input: $input) {
    plaque { id version condition lastInspectedOn }
    errors { field code message }
  }
}
"""
ARCHIVE_ADD = """
mutation($input: ArchiveItemAddInput!) {
  archiveItemAdd(input: $input) {
    archiveItem { id version section title }
    errors { field code message }
  }
}
"""
ARCHIVE_UPDATE = """
mutation($id: ID!, $version: Int!, $input: ArchiveItemUpdateInput!) {
  archiveItemUpdate(id: $id, version: $version, input: $input) {
    archiveItem { id version section title }
    errors { field code message }
  }
}
"""
INCIDENT_REPORT = """
mutation($input: IncidentReportInput!) {
  incidentReport(input: $input) {
    incident { id version incidentType severity status }
    errors { field code message }
  }
}
"""
INCIDENT_UPDATE = """
mutation($id: ID!, $version: Int!, $input: IncidentUpdateInput!) {
  incidentUpdate(id: $id, version: $version, input: $input) {
    incident { id version status penaltyAmount legalBasisArticle }
    errors { field code message }
  }
}
"""
SITE_RECORDS = """
query($id: ID!) {
  node(id: $id) {
    ... on Site {
      condition
      latestSurvey { conditionGrade }
      surveys { id }
      mappingRecords { id }
      plaques { id }
      archiveItems { id }
      archiveMissingSections
      incidents { id }
    }
  }
}
"""
INCIDENTS = """
query($filter: IncidentFilter, $first: Int) {
  incidents(filter: $filter, first: $first) {
    totalCount
    edges { node { occurredOn severity heritageObject { ... on Site { id } } } }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


def survey(site: str, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "objectId": site,
            "surveyedOn": "2024-05-01",
            "surveyor": "张三",
            "conditionSystem": "CENSUS5",
            "conditionGrade": "poor",
            **fields,
        }
    }


def mapping(site: str, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "objectId": site,
            "mappedOn": "2023-10-12",
            "methods": ["TLS", "TOTAL_STATION"],
            "depth": "FULL",
            "organisation": "山西省古建筑测绘院",
            "deliverables": [{"deliverableType": "SECTION", "title": "平立剖面图"}],
            **fields,
        }
    }


def incident(site: str, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "objectId": site,
            "incidentType": "DEFACEMENT",
            "severity": "MINOR",
            "occurredOn": "2024-03-02",
            **fields,
        }
    }


async def test_surveyors_record_surveys_mapping_and_archive_items(api: Api) -> None:
    site = await designated_site(api)

    added = await written(api, SURVEY_ADD, survey(site, threats=["WEATHERING"]), UserRole.SURVEYOR)
    record = added["surveyRecord"]
    corrected = await written(
        api,
        SURVEY_UPDATE,
        {"id": record["id"], "version": 1, "input": {"conditionGrade": "FAIR"}},
        UserRole.SURVEYOR,
    )
    mapped = await written(api, MAPPING_ADD, mapping(site), UserRole.SURVEYOR)
    checked = await written(
        api,
        MAPPING_UPDATE,
        {"id": mapped["mappingRecord"]["id"], "version": 1, "input": {"qaStatus": "PASSED"}},
        UserRole.SURVEYOR,
    )
    delivered = await written(
        api,
        DELIVERABLE_ADD,
        {
            "record": mapped["mappingRecord"]["id"],
            "input": {"deliverableType": "POINT_CLOUD", "title": "点云", "fileFormat": "E57"},
        },
        UserRole.SURVEYOR,
    )
    filed = await written(
        api,
        ARCHIVE_ADD,
        {"input": {"objectId": site, "section": "SURVEY_MAPPING", "title": "测绘图纸"}},
        UserRole.ADMINISTRATOR,  # roles include the ones below
    )
    refiled = await written(
        api,
        ARCHIVE_UPDATE,
        {
            "id": filed["archiveItem"]["id"],
            "version": 1,
            "input": {"section": "TECHNICAL_DATA", "title": "结构检测报告"},
        },
        UserRole.SURVEYOR,
    )

    assert record["heritageObject"]["id"] == site
    assert record["threats"] == ["WEATHERING"]
    assert (record["conditionGrade"], record["condition"], record["version"]) == ("POOR", "POOR", 1)
    assert corrected["surveyRecord"]["conditionGrade"] == "FAIR"
    assert corrected["surveyRecord"]["version"] == 2
    assert mapped["mappingRecord"]["qaStatus"] == "PENDING"
    assert mapped["mappingRecord"]["deliverables"] == [
        {"deliverableType": "SECTION", "title": "平立剖面图"}
    ]
    assert checked["mappingRecord"]["qaStatus"] == "PASSED"
    assert delivered["deliverable"]["fileFormat"] == "E57"
    assert [d["title"] for d in delivered["mappingRecord"]["deliverables"]] == [
        "平立剖面图",
        "点云",
    ]
    assert refiled["archiveItem"] == {
        "id": filed["archiveItem"]["id"],
        "version": 2,
        "section": "TECHNICAL_DATA",
        "title": "结构检测报告",
    }
    records = (await api.data(SITE_RECORDS, {"id": site}))["node"]
    assert records["latestSurvey"] == {"conditionGrade": "FAIR"}
    assert records["condition"] == corrected["surveyRecord"]["condition"]
    assert len(records["mappingRecords"]) == 1
    assert "TECHNICAL_DATA" not in records["archiveMissingSections"]
    assert "SURVEY_MAPPING" in records["archiveMissingSections"]


async def test_officers_install_update_and_inspect_plaques(api: Api) -> None:
    site = await designated_site(api)

    installed = await written(
        api,
        PLAQUE_INSTALL,
        {
            "input": {
                "objectId": site,
                "plaqueType": "CPU_SIGN",
                "erectedOn": "2019-06-01",
                "lon": 113.18,
                "lat": 39.56,
            }
        },
        UserRole.PROTECTION_OFFICER,
    )
    plaque = installed["plaque"]
    updated = await written(
        api,
        PLAQUE_UPDATE,
        {"id": plaque["id"], "version": 1, "input": {"material": "STONE", "textFront": "释迦塔"}},
        UserRole.PROTECTION_OFFICER,
    )
    inspected = await written(
        api,
        PLAQUE_INSPECT,
        {
            "id": plaque["id"],
            "version": 2,
            "input": {"inspectedOn": "2024-04-01", "condition": "DAMAGED"},
        },
        UserRole.PROTECTION_OFFICER,
    )

    assert (plaque["plaqueType"], plaque["condition"], plaque["lon"]) == (
        "CPU_SIGN",
        "INTACT",
        113.18,
    )
    assert updated["plaque"]["material"] == "STONE"
    assert inspected["plaque"] == {
        "id": plaque["id"],
        "version": 3,
        "condition": "DAMAGED",
        "lastInspectedOn": "2024-04-01",
    }


async def test_bad_input_is_a_typed_error_naming_the_field_and_nothing_is_written(
    api: Api,
) -> None:
    site = await designated_site(api)
    place = await designated_site(api, DesignationType.HISTORIC_BUILDING, name="老宅")
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    unknown_site = "U2l0ZTo5OTk5"  # Site:9999
    plaque_id = "UGxhcXVlOjE="  # Plaque:1, not a place or site
    before = await change_count(api)
    cases: list[tuple[str, dict[str, Any], UserRole, set[tuple[str | None, str]]]] = [
        (SURVEY_ADD, survey(unknown_site), UserRole.SURVEYOR, {("objectId", "NOT_FOUND")}),
        (
            SURVEY_ADD,
            survey(site, conditionSystem="UI5", conditionGrade="Z"),
            UserRole.SURVEYOR,
            {("conditionGrade", "CONDITION_GRADE_UNKNOWN")},
        ),
        (
            SURVEY_ADD,
            survey(site, surveyedOn=future),
            UserRole.SURVEYOR,
            {("surveyedOn", "DATE_IN_FUTURE")},
        ),
        (SURVEY_ADD, survey(site, surveyor=""), UserRole.SURVEYOR, {("input.surveyor", "INVALID")}),
        (MAPPING_ADD, mapping(site, methods=[]), UserRole.SURVEYOR, {("input.methods", "INVALID")}),
        (
            MAPPING_ADD,
            mapping(
                site,
                deliverables=[
                    {"deliverableType": "HBIM_MODEL", "title": "模型", "mediaAssetId": "77"}
                ],
            ),
            UserRole.SURVEYOR,
            {("deliverables.0.mediaAssetId", "NOT_FOUND")},
        ),
        (
            DELIVERABLE_ADD,
            {
                "record": "TWFwcGluZ1JlY29yZDo5",
                "input": {"deliverableType": "HBIM_MODEL", "title": "m"},
            },
            UserRole.SURVEYOR,
            {("mappingRecordId", "NOT_FOUND")},
        ),
        (
            PLAQUE_INSTALL,
            {"input": {"objectId": site, "plaqueType": "HISTORIC_BUILDING_SIGN"}},
            UserRole.PROTECTION_OFFICER,
            {("plaqueType", "PLAQUE_TYPE_NOT_APPLICABLE")},
        ),
        (
            PLAQUE_INSTALL,
            {"input": {"objectId": place, "plaqueType": "CPU_SIGN"}},
            UserRole.PROTECTION_OFFICER,
            {("plaqueType", "PLAQUE_TYPE_NOT_APPLICABLE")},
        ),
        (
            PLAQUE_INSTALL,
            {"input": {"objectId": site, "plaqueType": "BLOCK_ENTRANCE_SIGN"}},
            UserRole.PROTECTION_OFFICER,
            {("plaqueType", "PLAQUE_TYPE_NOT_APPLICABLE")},
        ),
        (
            PLAQUE_INSTALL,
            {"input": {"objectId": site, "plaqueType": "CPU_SIGN", "lon": 2.35, "lat": 48.85}},
            UserRole.PROTECTION_OFFICER,
            {("lon", "COORDINATE_OUTSIDE_CHINA")},
        ),
        (
            ARCHIVE_ADD,
            {"input": {"objectId": plaque_id, "section": "TECHNICAL_DATA", "title": "t"}},
            UserRole.SURVEYOR,
            {("objectId", "INVALID")},
        ),
        (
            INCIDENT_REPORT,
            incident(site, reportedOn="2024-03-01"),
            UserRole.SURVEYOR,
            {("reportedOn", "DATE_ORDER")},
        ),
    ]

    for document, variables, role, expected in cases:
        result = await payload(api, document, variables, role)
        assert problems(result) == expected, (document, result["errors"])
        record = next(value for key, value in result.items() if key not in ("errors", "warnings"))
        assert record is None

    assert await change_count(api) == before
    records = (await api.data(SITE_RECORDS, {"id": site}, UserRole.SURVEYOR))["node"]
    assert [records[k] for k in ("surveys", "mappingRecords", "plaques", "incidents")] == [[]] * 4


async def test_a_wrong_enum_value_is_refused_before_anything_runs(api: Api) -> None:
    site = await designated_site(api)

    answer = await api.query(
        PLAQUE_INSTALL,
        {"input": {"objectId": site, "plaqueType": "GOLDEN_SIGN"}},
        UserRole.PROTECTION_OFFICER,
    )

    assert answer["data"] is None
    assert "GOLDEN_SIGN" in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_updates_made_on_an_old_version_are_refused_and_change_nothing(api: Api) -> None:
    site = await designated_site(api)
    officer = UserRole.PROTECTION_OFFICER
    survey_id = (await written(api, SURVEY_ADD, survey(site), UserRole.SURVEYOR))["surveyRecord"]
    mapping_id = (await written(api, MAPPING_ADD, mapping(site), UserRole.SURVEYOR))[
        "mappingRecord"
    ]
    plaque = (
        await written(
            api, PLAQUE_INSTALL, {"input": {"objectId": site, "plaqueType": "CPU_SIGN"}}, officer
        )
    )["plaque"]
    archive = (
        await written(
            api,
            ARCHIVE_ADD,
            {"input": {"objectId": site, "section": "VALUE_AND_DATING", "title": "价值评估"}},
            UserRole.SURVEYOR,
        )
    )["archiveItem"]
    reported = (await written(api, INCIDENT_REPORT, incident(site), UserRole.SURVEYOR))["incident"]
    cases: list[tuple[str, str, dict[str, Any], dict[str, Any], UserRole]] = [
        (SURVEY_UPDATE, survey_id["id"], {"notes": "一"}, {"notes": "二"}, UserRole.SURVEYOR),
        (MAPPING_UPDATE, mapping_id["id"], {"notes": "一"}, {"notes": "二"}, UserRole.SURVEYOR),
        (PLAQUE_UPDATE, plaque["id"], {"textFront": "一"}, {"textFront": "二"}, officer),
        (
            PLAQUE_INSPECT,
            plaque["id"],
            {"inspectedOn": "2024-01-01", "condition": "DAMAGED"},
            {"inspectedOn": "2024-02-01", "condition": "MISSING"},
            officer,
        ),
        (ARCHIVE_UPDATE, archive["id"], {"title": "一"}, {"title": "二"}, UserRole.SURVEYOR),
        (
            INCIDENT_UPDATE,
            reported["id"],
            {"status": "INVESTIGATING", "legalBasisArticle": "条例第四十三条"},
            {"status": "RESOLVED", "penaltyAmount": "50"},
            officer,
        ),
    ]

    for document, record_id, first, second, role in cases:
        version = 2 if document is PLAQUE_INSPECT else 1  # the update before it made 2
        done = await written(
            api, document, {"id": record_id, "version": version, "input": first}, role
        )
        stale = await payload(
            api, document, {"id": record_id, "version": version, "input": second}, role
        )
        (after,) = (value for key, value in done.items() if key not in ("errors", "warnings"))
        assert after["version"] == version + 1, document
        assert problems(stale) == {("version", "STALE_VERSION")}, document

    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Incident { status penaltyAmount version } } }",
        {"id": reported["id"]},
        officer,
    )
    assert node["node"] == {"status": "INVESTIGATING", "penaltyAmount": None, "version": 2}
    unknown = await payload(
        api, SURVEY_UPDATE, {"id": "U3VydmV5UmVjb3JkOjk5", "version": 1, "input": {}}, None
    )
    assert problems(unknown) == {(None, "PERMISSION_DENIED")}


async def test_incidents_are_read_by_surveyors_and_above_only(api: Api) -> None:
    yingxian = await designated_site(api)
    hangzhou = await designated_site(api, name="六和塔", region_code="330106")
    reported = []
    for site, day, severity in (
        (yingxian, "2023-03-01", "MINOR"),
        (yingxian, "2024-07-09", "SERIOUS"),
        (hangzhou, "2024-01-05", "SERIOUS"),
    ):
        result = await written(
            api,
            INCIDENT_REPORT,
            incident(site, occurredOn=day, severity=severity),
            UserRole.SURVEYOR,
        )
        reported.append(result["incident"]["id"])

    for role in (None, UserRole.RESEARCHER):
        listed = await api.query(INCIDENTS, {}, role)
        assert listed["data"] == {"incidents": None}
        assert listed["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
        assert (await api.data(NODE, {"id": reported[0]}, role))["node"] is None
        site = (await api.data(SITE_RECORDS, {"id": yingxian}, role))["node"]
        assert site["incidents"] == []

    surveyor = UserRole.SURVEYOR
    everything = (await api.data(INCIDENTS, {}, surveyor))["incidents"]
    serious_in_shanxi = (
        await api.data(
            INCIDENTS, {"filter": {"severities": ["SERIOUS"], "regionCodePrefix": "14"}}, surveyor
        )
    )["incidents"]
    in_2024 = (
        await api.data(
            INCIDENTS,
            {"filter": {"occurredFrom": "2024-01-01", "occurredTo": "2024-12-31"}, "first": 1},
            surveyor,
        )
    )["incidents"]
    of_hangzhou = (await api.data(INCIDENTS, {"filter": {"object": hangzhou}}, surveyor))[
        "incidents"
    ]

    assert everything["totalCount"] == 3
    assert [e["node"]["occurredOn"] for e in serious_in_shanxi["edges"]] == ["2024-07-09"]
    assert in_2024["totalCount"] == 2
    assert len(in_2024["edges"]) == 1
    assert [e["node"]["heritageObject"]["id"] for e in of_hangzhou["edges"]] == [hangzhou]
    assert (await api.data(NODE, {"id": reported[0]}, surveyor))["node"] == {"id": reported[0]}
