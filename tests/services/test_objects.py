"""Registering places and sites, editing them, containment, and status changes with approvals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import ChangeRecord, SearchOutbox, StatusChange
from heritage.models.vocab import (
    ApprovalLevel,
    CoordinateSystem,
    DesignationType,
    ObjectKind,
    ObjectStatus,
    UseStatus,
)
from heritage.services.atomic import atomically
from heritage.services.errors import ErrorCode, ServiceError
from heritage.services.objects import (
    LocationInput,
    SiteCreate,
    SiteFields,
    StatusChangeInput,
    change_status,
    create_site,
    update_object,
)
from tests.support.factories import designate, make_place, make_site


def codes(exc: pytest.ExceptionInfo[ServiceError]) -> set[ErrorCode]:
    return {p.code for p in exc.value.problems}


async def test_a_site_is_registered_with_dating_parsed_and_gcj02_converted(
    session: AsyncSession,
) -> None:
    site = await make_site(
        session,
        era_raw="明至清",
        location=LocationInput(lon=113.18, lat=39.565, crs=CoordinateSystem.GCJ02),
    )

    assert site.era_start_year == 1368
    assert site.era_end_year is not None
    assert site.era_end_year >= 1911
    assert "MING" in site.period_codes
    assert "QING" in site.period_codes
    assert site.source_crs == CoordinateSystem.GCJ02
    assert (site.source_lon, site.source_lat) == (113.18, 39.565)
    assert site.lon is not None
    assert site.lat is not None
    # GCJ-02 is offset by hundreds of metres from WGS-84 in Shanxi.
    assert 0.001 < abs(site.lon - 113.18) < 0.02
    assert site.version == 1


async def test_every_write_leaves_a_change_record_and_an_outbox_row(session: AsyncSession) -> None:
    site = await make_site(session)
    await update_object(session, site.id, 1, SiteFields(use_function="寺院"))

    records = (
        await session.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.object_type == "heritage_object", ChangeRecord.object_id == site.id)
            .order_by(ChangeRecord.id)
        )
    ).all()
    assert [r.action.value for r in records] == ["CREATE", "UPDATE"]
    assert records[0].actor_label == "test-suite"
    assert records[1].before == {"use_function": None}
    assert records[1].after == {"use_function": "寺院"}
    outbox = await session.scalars(select(SearchOutbox.object_id))
    assert list(outbox).count(site.id) == 2


async def test_a_stale_version_is_refused_and_nothing_changes(session: AsyncSession) -> None:
    site = await make_site(session)
    await update_object(session, site.id, 1, SiteFields(use_function="寺院"))

    with pytest.raises(ServiceError) as caught:
        await atomically(
            session, lambda: update_object(session, site.id, 1, SiteFields(use_function="博物馆"))
        )

    assert codes(caught) == {ErrorCode.STALE_VERSION}
    await session.refresh(site)
    assert site.use_function == "寺院"
    assert site.version == 2


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"region_code": "140699"}, "regionCode", ErrorCode.REGION_CODE_UNKNOWN),
        ({"region_code": "14a622"}, "regionCode", ErrorCode.REGION_CODE_FORMAT),
        ({"location": {"lon": 2.35, "lat": 48.85}}, "location", ErrorCode.COORDINATE_OUTSIDE_CHINA),
        ({"era_raw": "某朝某代"}, "eraRaw", ErrorCode.DATING_UNPARSEABLE),
        (
            {"era_start_year": 1900, "era_end_year": 1800},
            "eraStartYear",
            ErrorCode.ERA_RANGE_REVERSED,
        ),
        ({"era_start_year": 2990}, "eraStartYear", ErrorCode.ERA_IN_FUTURE),
        ({"region_code_as_of": dt.date(2999, 1, 1)}, "regionCodeAsOf", ErrorCode.DATE_IN_FUTURE),
        ({"kind": ObjectKind.CITY}, "kind", ErrorCode.KIND_MISMATCH),
        ({"status": ObjectStatus.DEMOLISHED}, "status", ErrorCode.STATUS_TRANSITION),
    ],
)
async def test_bad_input_names_the_field_and_rule_and_writes_nothing(
    session: AsyncSession, fields: dict[str, object], field: str, code: ErrorCode
) -> None:
    data = {"kind": ObjectKind.BUILDING, "name": "测试建筑", "region_code": "140622", **fields}

    with pytest.raises(ServiceError) as caught:
        await create_site(session, SiteCreate.model_validate(data))

    assert (field, code) in {(p.field, p.code) for p in caught.value.problems}
    assert (await session.scalars(select(ChangeRecord))).all() == []


async def test_containment_follows_the_kinds_and_refuses_loops(session: AsyncSession) -> None:
    city = await make_place(session)
    town = await make_place(session, "古陶镇", ObjectKind.TOWN, parent_id=city.id)
    village = await make_place(session, "梁村", ObjectKind.VILLAGE, parent_id=town.id)
    building = await make_site(session, "梁村民居", parent_id=village.id)
    assert building.parent_id == village.id

    with pytest.raises(ServiceError) as wrong_kind:
        await make_place(session, "另一城", ObjectKind.CITY, parent_id=village.id)
    assert codes(wrong_kind) == {ErrorCode.CONTAINMENT_NOT_ALLOWED}

    group = await make_site(session, "建筑群", ObjectKind.BUILDING_GROUP)
    inner = await make_site(session, "子建筑群", ObjectKind.BUILDING_GROUP, parent_id=group.id)
    with pytest.raises(ServiceError) as loop:
        await update_object(session, group.id, group.version, SiteFields(parent_id=inner.id))
    assert codes(loop) == {ErrorCode.CONTAINMENT_CYCLE}


def _demolition(**fields: object) -> StatusChangeInput:
    data = {
        "to_status": ObjectStatus.DEMOLISHED,
        "changed_on": dt.date(2024, 5, 1),
        "approval_doc_no": "晋政函〔2024〕12号",
        "approval_authority": "山西省人民政府",
        "approval_level": ApprovalLevel.PROVINCIAL,
        **fields,
    }
    return StatusChangeInput.model_validate(data)


async def test_demolition_is_a_status_change_with_its_approval(session: AsyncSession) -> None:
    site = await make_site(session, "某民居")

    await change_status(session, site.id, site.version, _demolition())

    assert site.status == ObjectStatus.DEMOLISHED
    assert site.use_status == UseStatus.DEMOLISHED
    change = await session.scalar(select(StatusChange).where(StatusChange.object_id == site.id))
    assert change is not None
    assert change.from_status == ObjectStatus.EXTANT
    assert change.approval_doc_no == "晋政函〔2024〕12号"


async def test_demolition_without_approval_is_refused(session: AsyncSession) -> None:
    site = await make_site(session, "某民居")

    with pytest.raises(ServiceError) as caught:
        await change_status(
            session,
            site.id,
            site.version,
            _demolition(approval_doc_no=None, approval_authority=None, approval_level=None),
        )

    assert codes(caught) == {ErrorCode.APPROVAL_REQUIRED}
    assert site.status == ObjectStatus.EXTANT


async def test_v2_a_national_site_is_never_demolished(session: AsyncSession) -> None:
    site = await make_site(session)
    await designate(session, site.id, DesignationType.CPU_NATIONAL)

    with pytest.raises(ServiceError) as caught:
        await change_status(
            session, site.id, site.version, _demolition(approval_level=ApprovalLevel.STATE_COUNCIL)
        )

    assert codes(caught) == {ErrorCode.NATIONAL_SITE_NOT_DEMOLISHABLE}


async def test_v2_relocating_a_national_site_needs_the_state_council(
    session: AsyncSession,
) -> None:
    site = await make_site(session)
    await designate(session, site.id, DesignationType.CPU_NATIONAL)
    relocation = _demolition(
        to_status=ObjectStatus.RELOCATED,
        new_location=LocationInput(lon=113.2, lat=39.57),
    )

    with pytest.raises(ServiceError) as caught:
        await change_status(session, site.id, site.version, relocation)
    assert codes(caught) == {ErrorCode.APPROVAL_LEVEL_TOO_LOW}

    approved = relocation.model_copy(update={"approval_level": ApprovalLevel.STATE_COUNCIL})
    await change_status(session, site.id, site.version, approved)
    assert site.status == ObjectStatus.RELOCATED
    assert (site.lon, site.lat) == (113.2, 39.57)


async def test_v3_a_historic_building_needs_provincial_approval(session: AsyncSession) -> None:
    site = await make_site(session, "某历史建筑")
    await designate(session, site.id, DesignationType.HISTORIC_BUILDING)

    with pytest.raises(ServiceError) as caught:
        await change_status(
            session, site.id, site.version, _demolition(approval_level=ApprovalLevel.CITY)
        )

    assert codes(caught) == {ErrorCode.APPROVAL_LEVEL_TOO_LOW}


async def test_a_demolished_site_stays_demolished(session: AsyncSession) -> None:
    site = await make_site(session, "某民居")
    await change_status(session, site.id, site.version, _demolition())

    with pytest.raises(ServiceError) as caught:
        await change_status(
            session,
            site.id,
            site.version,
            StatusChangeInput(to_status=ObjectStatus.EXTANT, changed_on=dt.date(2024, 6, 1)),
        )

    assert codes(caught) == {ErrorCode.STATUS_TRANSITION}


def test_every_domain_module_code_is_a_service_error_code() -> None:
    """A domain rule's code must reach API users as itself, never as a generic INVALID."""
    import re
    from pathlib import Path

    import heritage.domain

    domain_dir = Path(heritage.domain.__file__).parent
    raised = set()
    for source in domain_dir.glob("*.py"):
        raised |= set(re.findall(r'DomainValueError\(\s*"([A-Z_]+)"', source.read_text()))
    assert raised, "the domain modules raise coded errors"
    assert raised <= {code.value for code in ErrorCode}, raised - set(ErrorCode)
