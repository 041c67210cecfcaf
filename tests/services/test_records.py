"""Surveys, mapping records, plaques, archive items and incidents."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Site
from heritage.models.vocab import (
    ArchiveSection,
    ConditionGrade,
    ConditionSystem,
    DeliverableType,
    DesignationType,
    IncidentSeverity,
    IncidentType,
    ObjectKind,
    PlaqueCondition,
    PlaqueType,
    SurveyDepth,
    SurveyMethod,
    Threat,
    UseStatus,
)
from heritage.services.archives import ArchiveItemCreate, add_archive_item, missing_sections
from heritage.services.errors import ErrorCode, ServiceError
from heritage.services.incidents import IncidentCreate, report_incident
from heritage.services.mapping import DeliverableInput, MappingCreate, add_mapping_record
from heritage.services.plaques import (
    PlaqueCreate,
    PlaqueInspection,
    inspect_plaque,
    install_plaque,
)
from heritage.services.surveys import SurveyCreate, SurveyFields, add_survey, update_survey
from tests.support.factories import designate, make_place, make_site


def condition_of(site: Site) -> ConditionGrade | None:
    return site.condition


def codes(exc: pytest.ExceptionInfo[ServiceError]) -> set[ErrorCode]:
    return {p.code for p in exc.value.problems}


async def test_the_latest_survey_sets_the_site_condition_on_the_common_scale(
    session: AsyncSession,
) -> None:
    site = await make_site(session)
    older = await add_survey(
        session,
        SurveyCreate(
            object_id=site.id,
            surveyed_on=dt.date(2010, 5, 1),
            surveyor="张三",
            campaign="第三次全国文物普查",
            condition_system=ConditionSystem.HOUSE_INTEGRITY,
            condition_grade="d",
            threats=[Threat.WATER, Threat.BIOLOGICAL],
            observed_use=UseStatus.VACANT,
        ),
    )
    assert (older.condition_grade, older.condition) == ("D", ConditionGrade.POOR)
    assert site.condition == ConditionGrade.POOR
    assert site.use_status == UseStatus.VACANT

    await add_survey(
        session,
        SurveyCreate(
            object_id=site.id,
            surveyed_on=dt.date(2024, 5, 1),
            surveyor="李四",
            condition_system=ConditionSystem.TIMBER_GBT50165,
            condition_grade="II",
        ),
    )
    assert condition_of(site) == ConditionGrade.FAIR

    # Correcting the older survey does not override the newer one.
    await update_survey(session, older.id, older.version, SurveyFields(condition_grade="E"))
    assert condition_of(site) == ConditionGrade.FAIR


async def test_a_grade_outside_its_system_is_refused(session: AsyncSession) -> None:
    site = await make_site(session)

    with pytest.raises(ServiceError) as caught:
        await add_survey(
            session,
            SurveyCreate(
                object_id=site.id,
                surveyed_on=dt.date(2024, 5, 1),
                surveyor="李四",
                condition_system=ConditionSystem.DANGER_JGJ125,
                condition_grade="E",
            ),
        )

    assert codes(caught) == {ErrorCode.CONDITION_GRADE_UNKNOWN}
    assert "A, B, C, D" in caught.value.problems[0].message


async def test_surveys_cannot_be_dated_in_the_future(session: AsyncSession) -> None:
    site = await make_site(session)

    with pytest.raises(ServiceError) as caught:
        await add_survey(
            session,
            SurveyCreate(
                object_id=site.id,
                surveyed_on=dt.date(2999, 1, 1),
                surveyor="李四",
                condition_system=ConditionSystem.UI5,
                condition_grade="GOOD",
            ),
        )

    assert codes(caught) == {ErrorCode.DATE_IN_FUTURE}


async def test_a_mapping_record_keeps_methods_and_deliverables(session: AsyncSession) -> None:
    site = await make_site(session)

    record = await add_mapping_record(
        session,
        MappingCreate(
            object_id=site.id,
            mapped_on=dt.date(2023, 9, 1),
            methods=[SurveyMethod.TLS, SurveyMethod.UAV_OBLIQUE],
            depth=SurveyDepth.FULL,
            crs_epsg=4490,
            vertical_datum="1985国家高程基准",
            accuracy_mm=5,
            organisation="山西省古建筑测绘院",
            organisation_qualification="甲测资字14100001",
            deliverables=[
                DeliverableInput(
                    deliverable_type=DeliverableType.POINT_CLOUD, title="点云", file_format="E57"
                ),
                DeliverableInput(deliverable_type=DeliverableType.ELEVATION, title="南立面图"),
            ],
        ),
    )

    assert record.methods == ["TLS", "UAV_OBLIQUE"]


async def test_a_deliverable_must_point_at_an_existing_asset(session: AsyncSession) -> None:
    site = await make_site(session)

    with pytest.raises(ServiceError) as caught:
        await add_mapping_record(
            session,
            MappingCreate(
                object_id=site.id,
                mapped_on=dt.date(2023, 9, 1),
                methods=[SurveyMethod.TOTAL_STATION],
                depth=SurveyDepth.BASIC,
                organisation="某测绘院",
                deliverables=[
                    DeliverableInput(
                        deliverable_type=DeliverableType.SITE_PLAN,
                        title="总平面图",
                        media_asset_id=999,
                    )
                ],
            ),
        )

    assert [(p.field, p.code) for p in caught.value.problems] == [
        ("deliverables.0.mediaAssetId", ErrorCode.NOT_FOUND)
    ]


async def test_a_plaque_states_a_designation_the_object_holds(session: AsyncSession) -> None:
    site = await make_site(session)

    with pytest.raises(ServiceError) as caught:
        await install_plaque(
            session, PlaqueCreate(object_id=site.id, plaque_type=PlaqueType.CPU_SIGN)
        )
    assert codes(caught) == {ErrorCode.PLAQUE_TYPE_NOT_APPLICABLE}

    await designate(session, site.id, DesignationType.CPU_NATIONAL)
    plaque = await install_plaque(
        session,
        PlaqueCreate(
            object_id=site.id,
            plaque_type=PlaqueType.CPU_SIGN,
            text_front="全国重点文物保护单位 佛宫寺释迦塔",
            erected_on=dt.date(1962, 1, 1),
        ),
    )
    await inspect_plaque(
        session,
        plaque.id,
        plaque.version,
        PlaqueInspection(inspected_on=dt.date(2024, 4, 1), condition=PlaqueCondition.DAMAGED),
    )
    assert (plaque.condition, plaque.last_inspected_on) == (
        PlaqueCondition.DAMAGED,
        dt.date(2024, 4, 1),
    )


async def test_entrance_signs_mark_blocks_towns_and_villages(session: AsyncSession) -> None:
    block = await make_place(session, "南大街", ObjectKind.BLOCK)
    site = await make_site(session)

    assert await install_plaque(
        session, PlaqueCreate(object_id=block.id, plaque_type=PlaqueType.BLOCK_ENTRANCE_SIGN)
    )
    with pytest.raises(ServiceError) as caught:
        await install_plaque(
            session, PlaqueCreate(object_id=site.id, plaque_type=PlaqueType.BLOCK_ENTRANCE_SIGN)
        )
    assert codes(caught) == {ErrorCode.PLAQUE_TYPE_NOT_APPLICABLE}


async def test_an_inspection_cannot_precede_the_erection(session: AsyncSession) -> None:
    block = await make_place(session, "南大街", ObjectKind.BLOCK)
    plaque = await install_plaque(
        session,
        PlaqueCreate(
            object_id=block.id,
            plaque_type=PlaqueType.BLOCK_ENTRANCE_SIGN,
            erected_on=dt.date(2020, 1, 1),
        ),
    )

    with pytest.raises(ServiceError) as caught:
        await inspect_plaque(
            session,
            plaque.id,
            plaque.version,
            PlaqueInspection(inspected_on=dt.date(2019, 1, 1), condition=PlaqueCondition.INTACT),
        )

    assert codes(caught) == {ErrorCode.DATE_ORDER}


async def test_the_archive_is_complete_when_every_article_32_section_is_filed(
    session: AsyncSession,
) -> None:
    site = await make_site(session)
    assert len(await missing_sections(session, site.id)) == 5

    for section in ArchiveSection:
        await add_archive_item(
            session,
            ArchiveItemCreate(object_id=site.id, section=section, title=f"{section.label}资料"),
        )

    assert await missing_sections(session, site.id) == []


async def test_an_incident_is_recorded_with_its_dates_in_order(session: AsyncSession) -> None:
    site = await make_site(session)

    incident = await report_incident(
        session,
        IncidentCreate(
            object_id=site.id,
            incident_type=IncidentType.COMPONENT_THEFT,
            severity=IncidentSeverity.SERIOUS,
            occurred_on=dt.date(2023, 3, 1),
            reported_on=dt.date(2023, 3, 2),
        ),
    )
    assert incident.id

    with pytest.raises(ServiceError) as caught:
        await report_incident(
            session,
            IncidentCreate(
                object_id=site.id,
                incident_type=IncidentType.FIRE,
                severity=IncidentSeverity.MINOR,
                occurred_on=dt.date(2023, 3, 5),
                reported_on=dt.date(2023, 3, 1),
            ),
        )
    assert codes(caught) == {ErrorCode.DATE_ORDER}


async def test_records_of_a_missing_object_are_refused(session: AsyncSession) -> None:
    with pytest.raises(ServiceError) as caught:
        await report_incident(
            session,
            IncidentCreate(
                object_id=424242,
                incident_type=IncidentType.FIRE,
                severity=IncidentSeverity.MINOR,
                occurred_on=dt.date(2023, 3, 5),
            ),
        )

    assert codes(caught) == {ErrorCode.NOT_FOUND}
