"""Works projects (修缮 …) with their approval workflow, and the craftsmen who do them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Craftsman, Intervention, InterventionCraftsman
from heritage.models.vocab import (
    INTERVENTION_TRANSITIONS,
    ApprovalLevel,
    CraftTrade,
    DesignationType,
    FirmQualification,
    FundingSource,
    InheritorLevel,
    InterventionStatus,
    InterventionType,
    ProtectionLevel,
)
from heritage.services.checks import (
    check_not_future,
    check_order,
    check_region_code,
    check_version,
    not_found,
)
from heritage.services.errors import ErrorCode, Problems, RuleWarning
from heritage.services.inputs import Input, apply_given
from heritage.services.objects import get_object, in_force_designations

Text200 = Annotated[str, Field(max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]

# Who may approve works on a site, by its protection level (文物保护法 2024 Art. 32).
APPROVER_FOR_LEVEL: dict[ProtectionLevel, ApprovalLevel] = {
    ProtectionLevel.NATIONAL: ApprovalLevel.NATIONAL_AUTHORITY,
    ProtectionLevel.PROVINCIAL: ApprovalLevel.PROVINCIAL,
    ProtectionLevel.MUNICIPAL: ApprovalLevel.CITY,
    ProtectionLevel.COUNTY: ApprovalLevel.COUNTY,
    ProtectionLevel.UNGRADED: ApprovalLevel.COUNTY,
}


class Funding(Input):
    """One source of money for a works project."""

    source: FundingSource
    amount_yuan: Money


class InterventionFields(Input):
    """Editable fields of a works project."""

    title: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    description: str | None = None
    firm: Text200 | None = None
    firm_qualification: FirmQualification | None = None
    budget_yuan: Money | None = None
    funding: list[Funding] | None = None
    report: str | None = None


class InterventionCreate(InterventionFields):
    """A proposed works project on a place or site."""

    object_id: int
    intervention_type: InterventionType
    title: Annotated[str, Field(min_length=1, max_length=500)]


class InterventionTransition(Input):
    """A step in the works workflow; approval carries its document and authority."""

    to_status: InterventionStatus
    on: dt.date
    approval_doc_no: Text200 | None = None
    approval_authority: Text200 | None = None
    approval_level: ApprovalLevel | None = None
    report: str | None = None


class CraftsmanFields(Input):
    """Fields of a craftsman; on update every one is optional."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    trades: list[CraftTrade] | None = None
    certification: Annotated[str, Field(max_length=500)] | None = None
    inheritor_level: InheritorLevel | None = None
    region_code: str | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    notes: str | None = None


class CraftsmanCreate(CraftsmanFields):
    """A craftsman entering the registry."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    trades: list[CraftTrade] = Field(min_length=1)


class CraftsmanAssignment(Input):
    """A craftsman's part in a works project."""

    craftsman_id: int
    trade: CraftTrade
    role: Text200 | None = None


async def propose_intervention(
    session: AsyncSession, data: InterventionCreate, warnings: list[RuleWarning] | None = None
) -> Intervention:
    """Record a proposed works project; V4 and V11 add warnings, never refusals."""
    obj = await get_object(session, data.object_id)
    work = Intervention(object_id=obj.id, intervention_type=data.intervention_type)
    _apply(work, data)
    session.add(work)
    await session.flush()
    if warnings is not None:
        warnings.extend(await _rule_warnings(session, work))
    return work


async def update_intervention(
    session: AsyncSession, work_id: int, version: int, data: InterventionFields
) -> Intervention:
    """Edit a works project's description, firm, budget or funding."""
    work = await get_intervention(session, work_id)
    problems = Problems()
    check_version(problems, work.version, version)
    problems.raise_if_any()
    _apply(work, data)
    await session.flush()
    return work


async def transition_intervention(
    session: AsyncSession,
    work_id: int,
    version: int,
    data: InterventionTransition,
    warnings: list[RuleWarning] | None = None,
) -> Intervention:
    """Move a works project along its workflow: approve, reject, start, complete, accept."""
    work = await get_intervention(session, work_id)
    problems = Problems()
    check_version(problems, work.version, version)
    check_not_future(problems, "on", data.on)
    if data.to_status not in INTERVENTION_TRANSITIONS[work.status]:
        problems.add(
            "toStatus",
            ErrorCode.WORKFLOW_TRANSITION,
            f"a {work.status.value} project cannot become {data.to_status.value}",
        )
    if data.to_status == InterventionStatus.APPROVED:
        await _check_approval(session, work, data, problems)
    if data.to_status == InterventionStatus.COMPLETED:
        check_order(problems, "on", work.started_on, data.on, "started/completed")
    problems.raise_if_any()
    work.status = data.to_status
    if data.to_status == InterventionStatus.APPROVED:
        work.approval_doc_no = data.approval_doc_no
        work.approval_authority = data.approval_authority
        work.approval_level = data.approval_level
        work.approved_on = data.on
    elif data.to_status == InterventionStatus.IN_PROGRESS:
        work.started_on = data.on
    elif data.to_status == InterventionStatus.COMPLETED:
        work.completed_on = data.on
    if data.report is not None:
        work.report = data.report
    await session.flush()
    if warnings is not None:
        warnings.extend(await _rule_warnings(session, work))
    return work


async def get_intervention(session: AsyncSession, work_id: int) -> Intervention:
    """The works project with ``work_id``, or NOT_FOUND."""
    work = await session.get(Intervention, work_id)
    if work is None:
        raise not_found("intervention", work_id)
    return work


def _apply(work: Intervention, data: InterventionFields) -> None:
    apply_given(work, data, set(InterventionFields.model_fields) - {"funding"})
    if data.funding is not None:
        work.funding = [
            {"source": f.source.value, "amount_yuan": str(f.amount_yuan)} for f in data.funding
        ]


async def _check_approval(
    session: AsyncSession, work: Intervention, data: InterventionTransition, problems: Problems
) -> None:
    """Approval needs a document, an authority and, on a protected site, the right level."""
    if not (data.approval_doc_no and data.approval_authority and data.approval_level):
        problems.add(
            "approvalDocNo",
            ErrorCode.APPROVAL_REQUIRED,
            "an approval needs its document number, authority and level",
        )
        return
    levels = [
        d.protection_level
        for d in await in_force_designations(session, work.object_id)
        if d.protection_level is not None
    ]
    if levels:
        needed = APPROVER_FOR_LEVEL[min(levels, key=lambda level: level.rank)]
        if data.approval_level.rank > needed.rank:
            problems.add(
                "approvalLevel",
                ErrorCode.APPROVAL_LEVEL_TOO_LOW,
                f"works on this site are approved at {needed.label} level or above",
            )


async def _rule_warnings(session: AsyncSession, work: Intervention) -> list[RuleWarning]:
    designations = await in_force_designations(session, work.object_id)
    types = {d.designation_type for d in designations}
    found: list[RuleWarning] = []
    if any(t.is_relic_level for t in types) and work.firm_qualification in (
        None,
        FirmQualification.NONE,
    ):
        found.append(
            RuleWarning(
                "firmQualification",
                ErrorCode.FIRM_QUALIFICATION_REQUIRED,
                "works on a protected site need a firm with a 文物保护工程 qualification (V11)",
            )
        )
    if DesignationType.HISTORIC_BUILDING in types and work.intervention_type.alters_building:
        found.append(
            RuleWarning(
                "interventionType",
                ErrorCode.ALTERATION_NEEDS_JOINT_APPROVAL,
                "altering a 历史建筑 needs the joint approval of planning and 文物 authorities "
                "(条例 Art. 35, V4)",
            )
        )
    return found


async def register_craftsman(session: AsyncSession, data: CraftsmanCreate) -> Craftsman:
    """Enter a craftsman in the registry."""
    craftsman = Craftsman()
    _apply_craftsman(craftsman, data)
    session.add(craftsman)
    await session.flush()
    return craftsman


async def update_craftsman(
    session: AsyncSession, craftsman_id: int, version: int, data: CraftsmanFields
) -> Craftsman:
    """Edit a craftsman's record."""
    craftsman = await get_craftsman(session, craftsman_id)
    problems = Problems()
    check_version(problems, craftsman.version, version)
    problems.raise_if_any()
    _apply_craftsman(craftsman, data)
    await session.flush()
    return craftsman


async def get_craftsman(session: AsyncSession, craftsman_id: int) -> Craftsman:
    """The craftsman with ``craftsman_id``, or NOT_FOUND."""
    craftsman = await session.get(Craftsman, craftsman_id)
    if craftsman is None:
        raise not_found("craftsman", craftsman_id)
    return craftsman


def _apply_craftsman(craftsman: Craftsman, data: CraftsmanFields) -> None:
    problems = Problems()
    if "region_code" in data.given():
        check_region_code(problems, "regionCode", data.region_code)
    problems.raise_if_any()
    apply_given(craftsman, data, set(CraftsmanFields.model_fields) - {"trades"})
    if craftsman.inheritor_level is None:
        craftsman.inheritor_level = InheritorLevel.NONE
    if data.trades is not None:
        craftsman.trades = [t.value for t in data.trades]


async def assign_craftsman(
    session: AsyncSession, work_id: int, data: CraftsmanAssignment
) -> InterventionCraftsman:
    """Record a craftsman's part in a works project."""
    work = await get_intervention(session, work_id)
    craftsman = await get_craftsman(session, data.craftsman_id)
    duplicate = await session.scalar(
        select(InterventionCraftsman.id).where(
            InterventionCraftsman.intervention_id == work.id,
            InterventionCraftsman.craftsman_id == craftsman.id,
            InterventionCraftsman.trade == data.trade.value,
        )
    )
    problems = Problems()
    if duplicate is not None:
        problems.add("craftsmanId", ErrorCode.DUPLICATE, "already assigned for this trade")
    problems.raise_if_any()
    link = InterventionCraftsman(
        intervention_id=work.id, craftsman_id=craftsman.id, trade=data.trade.value, role=data.role
    )
    session.add(link)
    await session.flush()
    return link
