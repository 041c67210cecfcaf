"""Mutations of places and sites: create, update, and status changes with their approvals."""

from __future__ import annotations

from typing import Any

import graphene
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import input_type
from heritage.graphql.inputs import OBJECT_TYPES, service_input
from heritage.graphql.mutation import RecordUpdate, RegistryMutation, record_arguments, root_field
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


# Input fields of places and sites holding global IDs: the containing place or site.
_PARENT = {"parent_id": OBJECT_TYPES}
_EDITED_VERSION = "The version the edit was made on."


def object_input(data: Any) -> dict[str, Any]:
    """GraphQL input for the object services, with the parent's global ID decoded."""
    return service_input(data, _PARENT)


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


class PlaceUpdate(RecordUpdate):
    """Edit a place; only the fields given change."""

    domain = "Object"
    required_role = UserRole.SURVEYOR
    node_type = "Place"
    input_model = objects.PlaceFields
    apply = objects.update_object
    payload = "place"
    ids = _PARENT
    Arguments = record_arguments(
        "The place.", PlaceUpdateInput, version_description=_EDITED_VERSION
    )

    place = graphene.Field(Place, description="The place after the change.")


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


class SiteUpdate(RecordUpdate):
    """Edit a site; only the fields given change."""

    domain = "Object"
    required_role = UserRole.SURVEYOR
    node_type = "Site"
    input_model = objects.SiteFields
    apply = objects.update_object
    payload = "site"
    ids = _PARENT
    Arguments = record_arguments("The site.", SiteUpdateInput, version_description=_EDITED_VERSION)

    site = graphene.Field(Site, description="The site after the change.")


class SiteStatusChange(RecordUpdate):
    """Record that a site was damaged, ruined, demolished or relocated, with the approval.

    Sites are never deleted: demolition and relocation are status changes.
    """

    domain = "Object"
    required_role = UserRole.PROTECTION_OFFICER
    node_type = "Site"
    input_model = objects.StatusChangeInput
    apply = objects.change_status
    payload = "site"
    Arguments = record_arguments("The site.", StatusChangeInput, "The new status and its approval.")

    site = graphene.Field(Site, description="The site after the change.")


class ObjectMutations(graphene.ObjectType):
    """Root mutation fields for places and sites."""

    place_create = root_field(PlaceCreate)
    place_update = root_field(PlaceUpdate)
    site_create = root_field(SiteCreate)
    building_create = root_field(BuildingCreate)
    site_update = root_field(SiteUpdate)
    site_status_change = root_field(SiteStatusChange)
