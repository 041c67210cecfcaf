"""Mutations of works projects (proposal, workflow steps, craftsmen) and of craftsmen."""

from __future__ import annotations

from typing import Any, ClassVar

import graphene
from sqlalchemy.ext.asyncio import AsyncSession

from heritage import models
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import input_type
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import OBJECT_TYPES, ensure_object, existing, service_input
from heritage.graphql.mutation import RecordUpdate, RegistryMutation, record_arguments, root_field
from heritage.graphql.works.types import Craftsman, CraftsmanAssignment, Intervention
from heritage.models.vocab import InterventionStatus, UserRole
from heritage.services import works
from heritage.services.errors import Problem, RuleWarning, ServiceError
from heritage.services.inputs import parse_input

FundingInput = input_type(works.Funding, "FundingInput")
InterventionProposeInput = input_type(
    works.InterventionCreate,
    "InterventionProposeInput",
    ids={"object_id": "Place|Site"},
    nested={works.Funding: FundingInput},
)
InterventionUpdateInput = input_type(
    works.InterventionFields, "InterventionUpdateInput", nested={works.Funding: FundingInput}
)
InterventionApproveInput = input_type(
    works.InterventionTransition,
    "InterventionApproveInput",
    exclude=("to_status",),
)
InterventionStepInput = input_type(
    works.InterventionTransition,
    "InterventionStepInput",
    exclude=("to_status", "approval_doc_no", "approval_authority", "approval_level"),
)
CraftsmanAssignInput = input_type(
    works.CraftsmanAssignment, "CraftsmanAssignInput", ids={"craftsman_id": "Craftsman"}
)
CraftsmanRegisterInput = input_type(works.CraftsmanCreate, "CraftsmanRegisterInput")
CraftsmanUpdateInput = input_type(works.CraftsmanFields, "CraftsmanUpdateInput")


class _WorksMutation(RegistryMutation):
    class Meta:
        abstract = True

    domain = "Works"
    required_role = UserRole.SURVEYOR


class _WorksUpdate(RecordUpdate):
    class Meta:
        abstract = True

    domain = "Works"
    required_role = UserRole.SURVEYOR


class InterventionPropose(_WorksMutation):
    """Propose a works project on a place or site; breaches of V4 and V11 come as warnings."""

    class Arguments:
        input = InterventionProposeInput(required=True, description="The proposed project.")

    intervention = graphene.Field(Intervention, description="The proposed project.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], {"object_id": OBJECT_TYPES})
        await ensure_object(session, values)
        data = parse_input(works.InterventionCreate, values, "input")
        return {"intervention": await works.propose_intervention(session, data, warnings)}


class InterventionUpdate(_WorksUpdate):
    """Edit a works project's title, description, firm, budget, funding or report."""

    node_type = "Intervention"
    input_model = works.InterventionFields
    apply = works.update_intervention
    payload = "intervention"
    Arguments = record_arguments("The works project.", InterventionUpdateInput)

    intervention = graphene.Field(Intervention, description="The project after the change.")


class _Step(_WorksMutation):
    """One workflow step: the service's transition with a fixed target status."""

    class Meta:
        abstract = True

    required_role = UserRole.PROTECTION_OFFICER
    target: ClassVar[InterventionStatus]

    intervention = graphene.Field(Intervention, description="The project after the step.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        work_id = decode_id(arguments["id"], ("Intervention",))
        values = {**service_input(arguments["input"]), "toStatus": cls.target}
        data = parse_input(works.InterventionTransition, values, "input")
        try:
            work = await works.transition_intervention(
                session, work_id, arguments["version"], data, warnings
            )
        except ServiceError as exc:
            # The target is the mutation itself, not an input field: a refused step names none.
            raise ServiceError(
                Problem(None if p.field == "toStatus" else p.field, p.code, p.message)
                for p in exc.problems
            ) from exc
        return {"intervention": work}


class InterventionApprove(_Step):
    """Approve a proposed project: document number, authority, and the level the site needs."""

    target = InterventionStatus.APPROVED
    Arguments = record_arguments("The works project.", InterventionApproveInput, "The approval.")


class InterventionReject(_Step):
    """Refuse a proposed project."""

    target = InterventionStatus.REJECTED
    Arguments = record_arguments(
        "The works project.", InterventionStepInput, "Date of the refusal and the reasons."
    )


class InterventionStart(_Step):
    """Record that works on an approved project started."""

    target = InterventionStatus.IN_PROGRESS
    Arguments = record_arguments("The works project.", InterventionStepInput, "Start date.")


class InterventionComplete(_Step):
    """Record that works in progress were completed."""

    target = InterventionStatus.COMPLETED
    Arguments = record_arguments(
        "The works project.", InterventionStepInput, "Completion date and summary."
    )


class InterventionAccept(_Step):
    """Record the acceptance (验收) of completed works."""

    target = InterventionStatus.ACCEPTED
    Arguments = record_arguments(
        "The works project.", InterventionStepInput, "Acceptance date and summary."
    )


class InterventionCancel(_Step):
    """Cancel a project that is proposed, approved or in progress."""

    target = InterventionStatus.CANCELLED
    Arguments = record_arguments(
        "The works project.", InterventionStepInput, "Cancellation date and reasons."
    )


class InterventionCraftsmanAssign(_WorksMutation):
    """Record a craftsman's part (trade, role) in a works project."""

    class Arguments:
        intervention_id = graphene.ID(required=True, description="The works project.")
        input = CraftsmanAssignInput(required=True, description="The craftsman and trade.")

    assignment = graphene.Field(CraftsmanAssignment, description="The recorded part.")
    intervention = graphene.Field(Intervention, description="The works project.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        work_id = decode_id(arguments["intervention_id"], ("Intervention",), "interventionId")
        work = await existing(
            session, models.Intervention, work_id, "interventionId", "works project"
        )
        values = service_input(arguments["input"], {"craftsman_id": ("Craftsman",)})
        data = parse_input(works.CraftsmanAssignment, values, "input")
        await existing(session, models.Craftsman, data.craftsman_id, "craftsmanId", "craftsman")
        link = await works.assign_craftsman(session, work_id, data)
        return {"assignment": link, "intervention": work}


class CraftsmanRegister(_WorksMutation):
    """Enter a traditional craftsman (传统工匠) in the registry."""

    class Arguments:
        input = CraftsmanRegisterInput(required=True, description="The craftsman.")

    craftsman = graphene.Field(Craftsman, description="The registered craftsman.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        data = parse_input(works.CraftsmanCreate, service_input(arguments["input"]), "input")
        return {"craftsman": await works.register_craftsman(session, data)}


class CraftsmanUpdate(_WorksUpdate):
    """Edit a craftsman's record; only the fields given change."""

    node_type = "Craftsman"
    input_model = works.CraftsmanFields
    apply = works.update_craftsman
    payload = "craftsman"
    Arguments = record_arguments("The craftsman.", CraftsmanUpdateInput)

    craftsman = graphene.Field(Craftsman, description="The craftsman after the change.")


class WorksMutations(graphene.ObjectType):
    """Root mutation fields for works projects and craftsmen."""

    intervention_propose = root_field(InterventionPropose)
    intervention_update = root_field(InterventionUpdate)
    intervention_approve = root_field(InterventionApprove)
    intervention_reject = root_field(InterventionReject)
    intervention_start = root_field(InterventionStart)
    intervention_complete = root_field(InterventionComplete)
    intervention_accept = root_field(InterventionAccept)
    intervention_cancel = root_field(InterventionCancel)
    intervention_craftsman_assign = root_field(InterventionCraftsmanAssign)
    craftsman_register = root_field(CraftsmanRegister)
    craftsman_update = root_field(CraftsmanUpdate)
