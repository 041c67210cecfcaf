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
from heritage.graphql.mutation import RegistryMutation
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
        version = graphene.Int(required=True, description="Its version.")
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


class DesignationCorrect(_DesignationMutation):
    """Correct descriptive fields of a designation (type and level change only by upgrade)."""

    class Arguments:
        id = graphene.ID(required=True, description="The designation.")
        version = graphene.Int(required=True, description="Its version.")
        input = DesignationCorrectInput(required=True, description="The fields to correct.")

    designation = graphene.Field(Designation, description="The designation after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        designation_id = decode_id(arguments["id"], ("Designation",))
        data = parse_input(
            designations.DesignationFields, service_input(arguments["input"]), "input"
        )
        designation = await designations.correct_designation(
            session, designation_id, arguments["version"], data
        )
        return {"designation": designation}


class DesignationStatusChange(_DesignationMutation):
    """Revoke a designation, put it on the endangered list, or restore it."""

    class Arguments:
        id = graphene.ID(required=True, description="The designation.")
        version = graphene.Int(required=True, description="Its version.")
        input = DesignationStatusChangeInput(required=True, description="The new status.")

    designation = graphene.Field(Designation, description="The designation after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        designation_id = decode_id(arguments["id"], ("Designation",))
        data = parse_input(
            designations.DesignationStatusChange, service_input(arguments["input"]), "input"
        )
        designation = await designations.change_designation_status(
            session, designation_id, arguments["version"], data
        )
        return {"designation": designation}


class DesignationMutations(graphene.ObjectType):
    """Root mutation fields for designations."""

    designation_add = DesignationAdd.Field(description=DesignationAdd._meta.description)
    designation_upgrade = DesignationUpgrade.Field(description=DesignationUpgrade._meta.description)
    designation_correct = DesignationCorrect.Field(description=DesignationCorrect._meta.description)
    designation_status_change = DesignationStatusChange.Field(
        description=DesignationStatusChange._meta.description
    )
