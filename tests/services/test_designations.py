"""Designations: the rules V1, V8, V9 and V10, levels, targets, and a history never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Designation
from heritage.models.vocab import (
    DesignationScope,
    DesignationStatus,
    DesignationType,
    ObjectKind,
    ProtectionLevel,
    RelicCategory,
)
from heritage.services.designations import (
    DesignationCreate,
    DesignationStatusChange,
    DesignationUpgrade,
    add_designation,
    change_designation_status,
    upgrade_designation,
)
from heritage.services.errors import ErrorCode, RuleWarning, ServiceError
from tests.support.factories import designate, make_place, make_site


def codes(exc: pytest.ExceptionInfo[ServiceError]) -> set[ErrorCode]:
    return {p.code for p in exc.value.problems}


async def test_a_national_designation_gets_its_level_scope_and_normalised_numbers(
    session: AsyncSession,
) -> None:
    site = await make_site(session)

    designation = await designate(
        session,
        site.id,
        DesignationType.CPU_NATIONAL,
        official_code="1－0071－3－024",
        doc_no="国文习字[1961]40号",
        announced_on=dt.date(1961, 3, 4),
        authority="国务院",
    )

    assert designation.protection_level == ProtectionLevel.NATIONAL
    assert designation.scope == DesignationScope.NATIONAL
    assert designation.official_code == "1-0071-3-024"
    assert designation.batch_no == 1
    assert designation.doc_no == "国文习字〔1961〕40号"
    assert designation.status == DesignationStatus.ACTIVE


async def test_a_wrong_protection_level_is_refused(session: AsyncSession) -> None:
    site = await make_site(session)

    with pytest.raises(ServiceError) as caught:
        await designate(
            session,
            site.id,
            DesignationType.CPU_PROVINCIAL,
            protection_level=ProtectionLevel.NATIONAL,
        )

    assert codes(caught) == {ErrorCode.PROTECTION_LEVEL_MISMATCH}
    assert "CPU_PROVINCIAL carries PROVINCIAL" in caught.value.problems[0].message


async def test_an_unknown_level_name_is_a_validation_error() -> None:
    with pytest.raises(ValueError, match="protectionLevel"):
        DesignationCreate.model_validate(
            {"objectId": 1, "designationType": "CPU_NATIONAL", "protectionLevel": "国保级"}
        )


async def test_v9_the_category_digit_must_match_the_site(session: AsyncSession) -> None:
    site = await make_site(session, category=RelicCategory.ANCIENT_TOMB)

    with pytest.raises(ServiceError) as caught:
        await designate(
            session, site.id, DesignationType.CPU_NATIONAL, official_code="1-0071-3-024"
        )

    assert codes(caught) == {ErrorCode.NATIONAL_CODE_CATEGORY_MISMATCH}


@pytest.mark.parametrize("code", ["1-71-3-24", "0-0071-3-024", "1-0071-7-024", "国保71号"])
async def test_v9_a_malformed_national_code_is_refused(session: AsyncSession, code: str) -> None:
    site = await make_site(session)

    with pytest.raises(ServiceError) as caught:
        await designate(session, site.id, DesignationType.CPU_NATIONAL, official_code=code)

    assert codes(caught) == {ErrorCode.NATIONAL_CODE_FORMAT}
    assert caught.value.problems[0].field == "officialCode"


@pytest.mark.parametrize(("code", "batch"), [("7-1991-5-330", 7), ("1-0181-3-100", 1)])
async def test_a_national_number_beyond_its_batch_is_refused(
    session: AsyncSession, code: str, batch: int
) -> None:
    site = await make_site(session, category=RelicCategory.from_digit(int(code[7])))

    with pytest.raises(ServiceError) as caught:
        await designate(session, site.id, DesignationType.CPU_NATIONAL, official_code=code)

    assert codes(caught) == {ErrorCode.NATIONAL_CODE_NOT_IN_BATCH}
    assert f"batch {batch}" in caught.value.problems[0].message


async def test_a_national_code_belongs_to_one_site(session: AsyncSession) -> None:
    first = await make_site(session, "甲")
    second = await make_site(session, "乙")
    await designate(session, first.id, DesignationType.CPU_NATIONAL, official_code="1-0071-3-024")

    with pytest.raises(ServiceError) as caught:
        await designate(
            session, second.id, DesignationType.CPU_NATIONAL, official_code="1-0071-3-024"
        )

    assert codes(caught) == {ErrorCode.NATIONAL_CODE_TAKEN}


async def test_v1_a_historic_building_cannot_also_hold_a_relic_level(
    session: AsyncSession,
) -> None:
    relic = await make_site(session, "某文保单位")
    await designate(session, relic.id, DesignationType.CPU_COUNTY)
    building = await make_site(session, "某历史建筑")
    await designate(session, building.id, DesignationType.HISTORIC_BUILDING)

    with pytest.raises(ServiceError) as as_building:
        await designate(session, relic.id, DesignationType.HISTORIC_BUILDING)
    with pytest.raises(ServiceError) as as_relic:
        await designate(session, building.id, DesignationType.CPU_PROVINCIAL)

    assert codes(as_building) == {ErrorCode.HISTORIC_BUILDING_CONFLICT}
    assert codes(as_relic) == {ErrorCode.HISTORIC_BUILDING_CONFLICT}


async def test_only_one_relic_level_is_in_force_at_a_time(session: AsyncSession) -> None:
    site = await make_site(session)
    await designate(session, site.id, DesignationType.CPU_PROVINCIAL)

    with pytest.raises(ServiceError) as caught:
        await designate(session, site.id, DesignationType.CPU_NATIONAL)

    assert codes(caught) == {ErrorCode.DUPLICATE_ACTIVE_LEVEL}


async def test_an_upgrade_keeps_the_old_designation_as_history(session: AsyncSession) -> None:
    site = await make_site(session)
    provincial = await designate(session, site.id, DesignationType.CPU_PROVINCIAL)

    national = await upgrade_designation(
        session,
        provincial.id,
        provincial.version,
        DesignationUpgrade(
            designation_type=DesignationType.CPU_NATIONAL,
            announced_on=dt.date(2006, 5, 25),
            valid_from=dt.date(2006, 5, 25),
            batch_no=6,
        ),
    )

    assert provincial.status == DesignationStatus.SUPERSEDED
    assert provincial.valid_to == dt.date(2006, 5, 25)
    assert provincial.superseded_by_id == national.id
    assert national.status == DesignationStatus.ACTIVE
    rows = (
        await session.scalars(select(Designation).where(Designation.object_id == site.id))
    ).all()
    assert {d.designation_type for d in rows} == {
        DesignationType.CPU_PROVINCIAL,
        DesignationType.CPU_NATIONAL,
    }


async def test_a_historic_building_upgraded_to_a_relic_is_closed(session: AsyncSession) -> None:
    site = await make_site(session, "某历史建筑")
    historic = await designate(session, site.id, DesignationType.HISTORIC_BUILDING)

    await upgrade_designation(
        session,
        historic.id,
        historic.version,
        DesignationUpgrade(designation_type=DesignationType.CPU_COUNTY),
    )

    assert historic.status == DesignationStatus.SUPERSEDED


async def test_an_upgrade_must_go_up(session: AsyncSession) -> None:
    site = await make_site(session)
    national = await designate(session, site.id, DesignationType.CPU_NATIONAL)

    with pytest.raises(ServiceError) as caught:
        await upgrade_designation(
            session,
            national.id,
            national.version,
            DesignationUpgrade(designation_type=DesignationType.CPU_PROVINCIAL),
        )

    assert ErrorCode.UPGRADE_NOT_HIGHER in codes(caught)


async def test_designation_types_fit_their_objects(session: AsyncSession) -> None:
    site = await make_site(session)
    village = await make_place(session, "梁村", ObjectKind.VILLAGE)

    with pytest.raises(ServiceError) as on_site:
        await designate(session, site.id, DesignationType.TRADITIONAL_VILLAGE_CHINA)
    with pytest.raises(ServiceError) as on_village:
        await designate(session, village.id, DesignationType.CPU_NATIONAL)

    assert codes(on_site) == {ErrorCode.DESIGNATION_TARGET_KIND}
    assert codes(on_village) == {ErrorCode.DESIGNATION_TARGET_KIND}
    assert (await designate(session, village.id, DesignationType.TRADITIONAL_VILLAGE_CHINA)).id


async def test_v8_a_national_famous_city_application_needs_two_blocks(
    session: AsyncSession,
) -> None:
    city = await make_place(session)
    block = await make_place(session, "南大街", ObjectKind.BLOCK, parent_id=city.id)
    await designate(session, block.id, DesignationType.HISTORIC_BLOCK)

    with pytest.raises(ServiceError) as caught:
        await designate(
            session,
            city.id,
            DesignationType.FAMOUS_CITY_NATIONAL,
            status=DesignationStatus.PROPOSED,
        )
    assert codes(caught) == {ErrorCode.FAMOUS_CITY_NEEDS_BLOCKS}
    assert "1 are registered" in caught.value.problems[0].message

    town = await make_place(session, "古陶镇", ObjectKind.TOWN, parent_id=city.id)
    second = await make_place(session, "城隍庙街", ObjectKind.BLOCK, parent_id=town.id)
    await designate(session, second.id, DesignationType.HISTORIC_BLOCK)
    application = await designate(
        session, city.id, DesignationType.FAMOUS_CITY_NATIONAL, status=DesignationStatus.PROPOSED
    )
    assert application.status == DesignationStatus.PROPOSED


async def test_v10_an_announcement_outside_the_batch_window_warns(session: AsyncSession) -> None:
    site = await make_site(session)
    warnings: list[RuleWarning] = []

    await add_designation(
        session,
        DesignationCreate(
            object_id=site.id,
            designation_type=DesignationType.CPU_NATIONAL,
            official_code="1-0071-3-024",
            announced_on=dt.date(1970, 1, 1),
        ),
        warnings,
    )

    assert [w.field for w in warnings] == ["announcedOn"]


async def test_revocation_and_endangered_listing_are_status_changes(session: AsyncSession) -> None:
    village = await make_place(session, "梁村", ObjectKind.VILLAGE)
    title = await designate(session, village.id, DesignationType.FAMOUS_VILLAGE_CHINA)

    with pytest.raises(ServiceError) as no_deadline:
        await change_designation_status(
            session,
            title.id,
            title.version,
            DesignationStatusChange(
                status=DesignationStatus.ENDANGERED, effective_on=dt.date(2020, 1, 1)
            ),
        )
    assert codes(no_deadline) == {ErrorCode.REQUIRED}

    await change_designation_status(
        session,
        title.id,
        title.version,
        DesignationStatusChange(
            status=DesignationStatus.ENDANGERED,
            effective_on=dt.date(2020, 1, 1),
            remedy_deadline=dt.date(2022, 1, 1),
        ),
    )
    await change_designation_status(
        session,
        title.id,
        title.version,
        DesignationStatusChange(status=DesignationStatus.REVOKED, effective_on=dt.date(2023, 1, 1)),
    )

    assert title.status == DesignationStatus.REVOKED
    assert title.valid_to == dt.date(2023, 1, 1)
    with pytest.raises(ServiceError) as again:
        await change_designation_status(
            session,
            title.id,
            title.version,
            DesignationStatusChange(
                status=DesignationStatus.ACTIVE, effective_on=dt.date(2024, 1, 1)
            ),
        )
    assert codes(again) == {ErrorCode.STATUS_TRANSITION}


async def test_announcement_dates_cannot_lie_in_the_future(session: AsyncSession) -> None:
    site = await make_site(session)

    with pytest.raises(ServiceError) as caught:
        await designate(
            session, site.id, DesignationType.CPU_COUNTY, announced_on=dt.date(2999, 1, 1)
        )

    assert codes(caught) == {ErrorCode.DATE_IN_FUTURE}
