"""Mutations of places and sites: create, update, and status changes with their approvals."""

from __future__ import annotations

from typing import Any

import graphene
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import input_type
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import OBJECT_TYPES, service_input
from heritage.graphql.mutation import RegistryMutation
from heritage.graphql.objects.types import Place, Site
from heritage.models.vocab import ObjectKind, UserRole
from heritage.services import objects
from heritage.services.errors import RuleWarning
from heritage.services.inputs import parse_input

LocationInput = input_type(objects.LocationInput, "LocationInput")
_NESTED: dict[type[BaseModel], Any] = {objects.LocationInput: LocationInput}
PlaceCreateInput = input_type(
    objects.PlaceCreate, "PlaceCreateInput", ids={"parent_id": "Place"}, nested=_NESTED
)
PlaceUpdateInput = input_type(
    objects.PlaceFields, "PlaceUpdateInput", ids={"parent_id": "Place"}, nested=_NESTED
)
SiteCreateInput = input_type(
    objects.SiteCreate, "SiteCreateInput", ids={"parent_id": "Place|Site"}, nested=_NESTED
)
BuildingCreateInput = input_type(
    objects.SiteCreate,
    "BuildingCreateInput",
    ids={"parent_id": "Place|Site"},
    nested=_NESTED,
    exclude=("kind",),
)
SiteUpdateInput = input_type(
    objects.SiteFields, "SiteUpdateInput", ids={"parent_id": "Place|Site"}, nested=_NESTED
)
StatusChangeInput = input_type(objects.StatusChangeInput, "StatusChangeInput", nested=_NESTED)


def object_input(data: Any) -> dict[str, Any]:
    """GraphQL input for the object services, with the parent's global ID decoded."""
    return service_input(data, {"parent_id": OBJECT_TYPES})


class PlaceCreate(RegistryMutation):
    """Register a historic city, town, village or block."""

    domain = "Object"
    required_role = UserRole.SURVEYOR

    class Arguments:
        input = PlaceCreateInput(required=True, description="The new place.")

    place = graphene.Field(Place, description="The registered place.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        data = parse_input(objects.PlaceCreate, object_input(arguments["input"]), "input")
        return {"place": await objects.create_place(session, data)}


class PlaceUpdate(RegistryMutation):
    """Edit a place; only the fields given change."""

    domain = "Object"
    required_role = UserRole.SURVEYOR

    class Arguments:
        id = graphene.ID(required=True, description="The place.")
        version = graphene.Int(required=True, description="The version the edit was made on.")
        input = PlaceUpdateInput(required=True, description="The fields to change.")

    place = graphene.Field(Place, description="The place after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        object_id = decode_id(arguments["id"], ("Place",))
        data = parse_input(objects.PlaceFields, object_input(arguments["input"]), "input")
        place = await objects.update_object(session, object_id, arguments["version"], data)
        return {"place": place}


class SiteCreate(RegistryMutation):
    """Register a site, building group, building or structure."""

    domain = "Object"
    required_role = UserRole.SURVEYOR

    class Arguments:
        input = SiteCreateInput(required=True, description="The new site.")

    site = graphene.Field(Site, description="The registered site.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        data = parse_input(objects.SiteCreate, object_input(arguments["input"]), "input")
        return {"site": await objects.create_site(session, data)}


class BuildingCreate(RegistryMutation):
    """Register a building (a site of kind BUILDING)."""

    domain = "Object"
    required_role = UserRole.SURVEYOR

    class Arguments:
        input = BuildingCreateInput(required=True, description="The new building.")

    building = graphene.Field(Site, description="The registered building.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = {**object_input(arguments["input"]), "kind": ObjectKind.BUILDING}
        data = parse_input(objects.SiteCreate, values, "input")
        return {"building": await objects.create_site(session, data)}


class SiteUpdate(RegistryMutation):
    """Edit a site; only the fields given change."""

    domain = "Object"
    required_role = UserRole.SURVEYOR

    class Arguments:
        id = graphene.ID(required=True, description="The site.")
        version = graphene.Int(required=True, description="The version the edit was made on.")
        input = SiteUpdateInput(required=True, description="The fields to change.")

    site = graphene.Field(Site, description="The site after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        object_id = decode_id(arguments["id"], ("Site",))
        data = parse_input(objects.SiteFields, object_input(arguments["input"]), "input")
        site = await objects.update_object(session, object_id, arguments["version"], data)
        return {"site": site}


class SiteStatusChange(RegistryMutation):
    """Record that a site was damaged, ruined, demolished or relocated, with the approval.

    Sites are never deleted: demolition and relocation are status changes.
    """

    domain = "Object"
    required_role = UserRole.PROTECTION_OFFICER

    class Arguments:
        id = graphene.ID(required=True, description="The site.")
        version = graphene.Int(required=True, description="The version the change was made on.")
        input = StatusChangeInput(required=True, description="The new status and its approval.")

    site = graphene.Field(Site, description="The site after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        object_id = decode_id(arguments["id"], ("Site",))
        data = parse_input(objects.StatusChangeInput, service_input(arguments["input"]), "input")
        site = await objects.change_status(session, object_id, arguments["version"], data)
        return {"site": site}


class ObjectMutations(graphene.ObjectType):
    """Root mutation fields for places and sites."""

    place_create = PlaceCreate.Field(description=PlaceCreate._meta.description)
    place_update = PlaceUpdate.Field(description=PlaceUpdate._meta.description)
    site_create = SiteCreate.Field(description=SiteCreate._meta.description)
    building_create = BuildingCreate.Field(description=BuildingCreate._meta.description)
    site_update = SiteUpdate.Field(description=SiteUpdate._meta.description)
    site_status_change = SiteStatusChange.Field(description=SiteStatusChange._meta.description)
