"""Works projects: workflow, approvals by level, warnings V4 and V11, craftsmen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models.vocab import (
    ApprovalLevel,
    CraftTrade,
    DesignationType,
    FirmQualification,
    FundingSource,
    InheritorLevel,
    InterventionStatus,
    InterventionType,
)
from heritage.services.errors import ErrorCode, RuleWarning, ServiceError
from heritage.services.works import (
    CraftsmanAssignment,
    CraftsmanCreate,
    Funding,
    InterventionCreate,
    InterventionTransition,
    assign_craftsman,
    propose_intervention,
    register_craftsman,
    transition_intervention,
)
from tests.support.factories import designate, make_site


def codes(exc: pytest.ExceptionInfo[ServiceError]) -> set[ErrorCode]:
    return {p.code for p in exc.value.problems}


async def test_a_restoration_runs_through_its_workflow_with_its_craftsmen(
    session: AsyncSession,
) -> None:
    site = await make_site(session)
    await designate(session, site.id, DesignationType.CPU_PROVINCIAL)
    warnings: list[RuleWarning] = []
    work = await propose_intervention(
        session,
        InterventionCreate(
            object_id=site.id,
            intervention_type=InterventionType.RESTORATION,
            title="释迦塔修缮工程",
            firm="山西古建筑保护研究所",
            firm_qualification=FirmQualification.GRADE_1,
            budget_yuan=Decimal("1200000.00"),
            funding=[Funding(source=FundingSource.CENTRAL, amount_yuan=Decimal("1000000"))],
        ),
        warnings,
    )
    assert warnings == []
    assert work.funding == [{"source": "CENTRAL", "amount_yuan": "1000000"}]

    craftsman = await register_craftsman(
        session,
        CraftsmanCreate(
            name="王师傅",
            trades=[CraftTrade.DAMUZUO],
            inheritor_level=InheritorLevel.PROVINCIAL,
            region_code="140622",
        ),
    )
    await assign_craftsman(
        session, work.id, CraftsmanAssignment(craftsman_id=craftsman.id, trade=CraftTrade.DAMUZUO)
    )
    with pytest.raises(ServiceError) as duplicate:
        await assign_craftsman(
            session,
            work.id,
            CraftsmanAssignment(craftsman_id=craftsman.id, trade=CraftTrade.DAMUZUO),
        )
    assert codes(duplicate) == {ErrorCode.DUPLICATE}

    approval = InterventionTransition(
        to_status=InterventionStatus.APPROVED,
        on=dt.date(2023, 1, 10),
        approval_doc_no="晋文物函〔2023〕5号",
        approval_authority="山西省文物局",
        approval_level=ApprovalLevel.PROVINCIAL,
    )
    for step in (
        approval,
        InterventionTransition(to_status=InterventionStatus.IN_PROGRESS, on=dt.date(2023, 3, 1)),
        InterventionTransition(to_status=InterventionStatus.COMPLETED, on=dt.date(2023, 11, 1)),
        InterventionTransition(to_status=InterventionStatus.ACCEPTED, on=dt.date(2023, 12, 1)),
    ):
        await transition_intervention(session, work.id, work.version, step)

    assert work.status == InterventionStatus.ACCEPTED
    assert (work.started_on, work.completed_on) == (dt.date(2023, 3, 1), dt.date(2023, 11, 1))
    assert work.approval_doc_no == "晋文物函〔2023〕5号"


async def test_approval_needs_its_document_and_the_right_level(session: AsyncSession) -> None:
    site = await make_site(session)
    await designate(session, site.id, DesignationType.CPU_PROVINCIAL)
    work = await propose_intervention(
        session,
        InterventionCreate(
            object_id=site.id, intervention_type=InterventionType.MAINTENANCE, title="保养"
        ),
    )

    with pytest.raises(ServiceError) as no_document:
        await transition_intervention(
            session,
            work.id,
            work.version,
            InterventionTransition(to_status=InterventionStatus.APPROVED, on=dt.date(2023, 1, 1)),
        )
    with pytest.raises(ServiceError) as too_low:
        await transition_intervention(
            session,
            work.id,
            work.version,
            InterventionTransition(
                to_status=InterventionStatus.APPROVED,
                on=dt.date(2023, 1, 1),
                approval_doc_no="县文物〔2023〕1号",
                approval_authority="应县文物局",
                approval_level=ApprovalLevel.COUNTY,
            ),
        )

    assert codes(no_document) == {ErrorCode.APPROVAL_REQUIRED}
    assert codes(too_low) == {ErrorCode.APPROVAL_LEVEL_TOO_LOW}


async def test_the_workflow_refuses_skipped_steps(session: AsyncSession) -> None:
    site = await make_site(session)
    work = await propose_intervention(
        session,
        InterventionCreate(
            object_id=site.id, intervention_type=InterventionType.FIRE, title="消防"
        ),
    )

    with pytest.raises(ServiceError) as caught:
        await transition_intervention(
            session,
            work.id,
            work.version,
            InterventionTransition(to_status=InterventionStatus.COMPLETED, on=dt.date(2023, 1, 1)),
        )

    assert codes(caught) == {ErrorCode.WORKFLOW_TRANSITION}


async def test_v11_and_v4_are_warnings(session: AsyncSession) -> None:
    relic = await make_site(session, "某文保单位")
    await designate(session, relic.id, DesignationType.CPU_COUNTY)
    building = await make_site(session, "某历史建筑")
    await designate(session, building.id, DesignationType.HISTORIC_BUILDING)
    unqualified: list[RuleWarning] = []
    alteration: list[RuleWarning] = []

    await propose_intervention(
        session,
        InterventionCreate(
            object_id=relic.id, intervention_type=InterventionType.RESTORATION, title="修缮"
        ),
        unqualified,
    )
    await propose_intervention(
        session,
        InterventionCreate(
            object_id=building.id, intervention_type=InterventionType.ADAPTIVE_REUSE, title="活化"
        ),
        alteration,
    )

    assert [w.code for w in unqualified] == [ErrorCode.FIRM_QUALIFICATION_REQUIRED]
    assert [w.code for w in alteration] == [ErrorCode.ALTERATION_NEEDS_JOINT_APPROVAL]


async def test_a_craftsman_region_must_exist(session: AsyncSession) -> None:
    with pytest.raises(ServiceError) as caught:
        await register_craftsman(
            session, CraftsmanCreate(name="某", trades=[CraftTrade.WAZUO], region_code="140699")
        )

    assert codes(caught) == {ErrorCode.REGION_CODE_UNKNOWN}
