"""Mutations of designations: add, upgrade, correct, revoke or list as endangered."""

from __future__ import annotations

from typing import Any

import graphene
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.graphql.context import ResolveInfo
from heritage.graphql.designations.types import Designation
from heritage.graphql.fields import input_type
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import OBJECT_TYPES, service_input
from heritage.graphql.mutation import (
    RecordUpdate,
    RegistryMutation,
    record_arguments,
    root_field,
    version_argument,
)
from heritage.models.vocab import UserRole
from heritage.services import designations
from heritage.services.errors import RuleWarning
from heritage.services.inputs import parse_input

DesignationAddInput = input_type(
    designations.DesignationCreate,
    "DesignationAddInput",
    ids={"object_id": "Place|Site", "parent_designation_id": "Designation"},
)
DesignationUpgradeInput = input_type(designations.DesignationUpgrade, "DesignationUpgradeInput")
DesignationCorrectInput = input_type(designations.DesignationFields, "DesignationCorrectInput")
DesignationStatusChangeInput = input_type(
    designations.DesignationStatusChange, "DesignationStatusChangeInput"
)


def _add_input(data: Any) -> dict[str, Any]:
    return service_input(
        data, {"object_id": OBJECT_TYPES, "parent_designation_id": ("Designation",)}
    )


class _DesignationMutation(RegistryMutation):
    class Meta:
        abstract = True

    domain = "Designation"
    required_role = UserRole.PROTECTION_OFFICER


class _DesignationUpdate(RecordUpdate):
    class Meta:
        abstract = True

    domain = "Designation"
    required_role = UserRole.PROTECTION_OFFICER
    node_type = "Designation"
    payload = "designation"


class DesignationAdd(_DesignationMutation):
    """Designate a place or site (type, level, authority, batch, number, dates)."""

    class Arguments:
        input = DesignationAddInput(required=True, description="The designation.")

    designation = graphene.Field(Designation, description="The new designation.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        data = parse_input(designations.DesignationCreate, _add_input(arguments["input"]), "input")
        return {"designation": await designations.add_designation(session, data, warnings)}


class DesignationUpgrade(_DesignationMutation):
    """Replace a designation by a higher one; the old one is kept as SUPERSEDED."""

    class Arguments:
        id = graphene.ID(required=True, description="The designation to replace.")
        version = version_argument("Its version.")
        input = DesignationUpgradeInput(required=True, description="The new designation.")

    designation = graphene.Field(Designation, description="The new designation.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        designation_id = decode_id(arguments["id"], ("Designation",))
        data = parse_input(
            designations.DesignationUpgrade, service_input(arguments["input"]), "input"
        )
        new = await designations.upgrade_designation(
            session, designation_id, arguments["version"], data, warnings
        )
        return {"designation": new}


class DesignationCorrect(_DesignationUpdate):
    """Correct descriptive fields of a designation (type and level change only by upgrade)."""

    input_model = designations.DesignationFields
    apply = designations.correct_designation
    Arguments = record_arguments(
        "The designation.", DesignationCorrectInput, "The fields to correct.", "Its version."
    )

    designation = graphene.Field(Designation, description="The designation after the change.")


class DesignationStatusChange(_DesignationUpdate):
    """Revoke a designation, put it on the endangered list, or restore it."""

    input_model = designations.DesignationStatusChange
    apply = designations.change_designation_status
    Arguments = record_arguments(
        "The designation.", DesignationStatusChangeInput, "The new status.", "Its version."
    )

    designation = graphene.Field(Designation, description="The designation after the change.")


class DesignationMutations(graphene.ObjectType):
    """Root mutation fields for designations."""

    designation_add = root_field(DesignationAdd)
    designation_upgrade = root_field(DesignationUpgrade)
    designation_correct = root_field(DesignationCorrect)
    designation_status_change = root_field(DesignationStatusChange)
