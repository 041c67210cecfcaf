"""Mutations of an object's records: surveys, mapping, plaques, archive items, incidents."""

from __future__ import annotations

from typing import Any

import graphene
from sqlalchemy.ext.asyncio import AsyncSession

from heritage import models
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import input_type
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import OBJECT_TYPES, existing, service_input
from heritage.graphql.mutation import RegistryMutation
from heritage.graphql.records.types import (
    ArchiveItem,
    Incident,
    MappingDeliverable,
    MappingRecord,
    Plaque,
    SurveyRecord,
)
from heritage.models.vocab import UserRole
from heritage.services import archives, incidents, mapping, plaques, surveys
from heritage.services.errors import RuleWarning
from heritage.services.inputs import parse_input

_OBJECT = {"object_id": OBJECT_TYPES}
_SURVEYOR_USER = {"surveyor_user_id": ("User",)}
_ASSET = {"media_asset_id": ("MediaAsset",)}

SurveyRecordAddInput = input_type(
    surveys.SurveyCreate,
    "SurveyRecordAddInput",
    ids={"object_id": "Place|Site", "surveyor_user_id": "User"},
)
SurveyRecordUpdateInput = input_type(
    surveys.SurveyFields, "SurveyRecordUpdateInput", ids={"surveyor_user_id": "User"}
)
MappingDeliverableInput = input_type(
    mapping.DeliverableInput, "MappingDeliverableInput", ids={"media_asset_id": "MediaAsset"}
)
MappingRecordAddInput = input_type(
    mapping.MappingCreate,
    "MappingRecordAddInput",
    ids={"object_id": "Place|Site"},
    nested={mapping.DeliverableInput: MappingDeliverableInput},
)
MappingRecordUpdateInput = input_type(mapping.MappingFields, "MappingRecordUpdateInput")
PlaqueInstallInput = input_type(
    plaques.PlaqueCreate, "PlaqueInstallInput", ids={"object_id": "Place|Site"}
)
PlaqueUpdateInput = input_type(plaques.PlaqueFields, "PlaqueUpdateInput")
PlaqueInspectInput = input_type(plaques.PlaqueInspection, "PlaqueInspectInput")
ArchiveItemAddInput = input_type(
    archives.ArchiveItemCreate, "ArchiveItemAddInput", ids={"object_id": "Place|Site"}
)
ArchiveItemUpdateInput = input_type(archives.ArchiveItemFields, "ArchiveItemUpdateInput")
IncidentReportInput = input_type(
    incidents.IncidentCreate, "IncidentReportInput", ids={"object_id": "Place|Site"}
)
IncidentUpdateInput = input_type(incidents.IncidentFields, "IncidentUpdateInput")


def _version() -> Any:
    return graphene.Int(required=True, description="The version the change was made on.")


async def _object_of(session: AsyncSession, values: dict[str, Any]) -> None:
    """NOT_FOUND on ``objectId`` (not on the mutation's ``id``) for an unknown object."""
    if isinstance(values.get("objectId"), int):
        await existing(
            session, models.HeritageObject, values["objectId"], "objectId", "place or site"
        )


class _Mutation(RegistryMutation):
    class Meta:
        abstract = True

    required_role = UserRole.SURVEYOR


class SurveyRecordAdd(_Mutation):
    """Record a field survey of a place or site; the latest one sets a site's condition."""

    domain = "Survey"

    class Arguments:
        input = SurveyRecordAddInput(required=True, description="The survey.")

    survey_record = graphene.Field(SurveyRecord, description="The recorded survey.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], {**_OBJECT, **_SURVEYOR_USER})
        await _object_of(session, values)
        data = parse_input(surveys.SurveyCreate, values, "input")
        return {"survey_record": await surveys.add_survey(session, data)}


class SurveyRecordUpdate(_Mutation):
    """Correct a survey record; only the fields given change."""

    domain = "Survey"

    class Arguments:
        id = graphene.ID(required=True, description="The survey record.")
        version = _version()
        input = SurveyRecordUpdateInput(required=True, description="The fields to change.")

    survey_record = graphene.Field(SurveyRecord, description="The survey after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        survey_id = decode_id(arguments["id"], ("SurveyRecord",))
        values = service_input(arguments["input"], _SURVEYOR_USER)
        data = parse_input(surveys.SurveyFields, values, "input")
        survey = await surveys.update_survey(session, survey_id, arguments["version"], data)
        return {"survey_record": survey}


class MappingRecordAdd(_Mutation):
    """Record a mapping (测绘) campaign of a place or site and what it delivered."""

    domain = "Mapping"

    class Arguments:
        input = MappingRecordAddInput(required=True, description="The mapping record.")

    mapping_record = graphene.Field(MappingRecord, description="The recorded campaign.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], {**_OBJECT, **_ASSET})
        await _object_of(session, values)
        data = parse_input(mapping.MappingCreate, values, "input")
        return {"mapping_record": await mapping.add_mapping_record(session, data)}


class MappingRecordUpdate(_Mutation):
    """Correct a mapping record or record its quality check; only the fields given change."""

    domain = "Mapping"

    class Arguments:
        id = graphene.ID(required=True, description="The mapping record.")
        version = _version()
        input = MappingRecordUpdateInput(required=True, description="The fields to change.")

    mapping_record = graphene.Field(MappingRecord, description="The record after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        record_id = decode_id(arguments["id"], ("MappingRecord",))
        data = parse_input(mapping.MappingFields, service_input(arguments["input"]), "input")
        record = await mapping.update_mapping_record(session, record_id, arguments["version"], data)
        return {"mapping_record": record}


class MappingDeliverableAdd(_Mutation):
    """Add a deliverable (drawing set, point cloud, model, report) to a mapping record."""

    domain = "Mapping"

    class Arguments:
        mapping_record_id = graphene.ID(required=True, description="The mapping record.")
        input = MappingDeliverableInput(required=True, description="The deliverable.")

    deliverable = graphene.Field(MappingDeliverable, description="The added deliverable.")
    mapping_record = graphene.Field(MappingRecord, description="The mapping record.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        record_id = decode_id(arguments["mapping_record_id"], ("MappingRecord",), "mappingRecordId")
        record = await existing(
            session, models.MappingRecord, record_id, "mappingRecordId", "mapping record"
        )
        values = service_input(arguments["input"], _ASSET)
        data = parse_input(mapping.DeliverableInput, values, "input")
        deliverable = await mapping.add_deliverable(session, record_id, data)
        return {"deliverable": deliverable, "mapping_record": record}


class PlaqueInstall(_Mutation):
    """Record a plaque put up on a place or site; its type must fit the object's designations."""

    domain = "Plaque"
    required_role = UserRole.PROTECTION_OFFICER

    class Arguments:
        input = PlaqueInstallInput(required=True, description="The plaque.")

    plaque = graphene.Field(Plaque, description="The recorded plaque.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], _OBJECT)
        await _object_of(session, values)
        data = parse_input(plaques.PlaqueCreate, values, "input")
        return {"plaque": await plaques.install_plaque(session, data)}


class PlaqueUpdate(_Mutation):
    """Correct a plaque record; only the fields given change."""

    domain = "Plaque"
    required_role = UserRole.PROTECTION_OFFICER

    class Arguments:
        id = graphene.ID(required=True, description="The plaque.")
        version = _version()
        input = PlaqueUpdateInput(required=True, description="The fields to change.")

    plaque = graphene.Field(Plaque, description="The plaque after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        plaque_id = decode_id(arguments["id"], ("Plaque",))
        data = parse_input(plaques.PlaqueFields, service_input(arguments["input"]), "input")
        plaque = await plaques.update_plaque(session, plaque_id, arguments["version"], data)
        return {"plaque": plaque}


class PlaqueInspect(_Mutation):
    """Record an inspection of a plaque: its condition on that day."""

    domain = "Plaque"
    required_role = UserRole.PROTECTION_OFFICER

    class Arguments:
        id = graphene.ID(required=True, description="The plaque.")
        version = _version()
        input = PlaqueInspectInput(required=True, description="What the inspector found.")

    plaque = graphene.Field(Plaque, description="The plaque after the inspection.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        plaque_id = decode_id(arguments["id"], ("Plaque",))
        data = parse_input(plaques.PlaqueInspection, service_input(arguments["input"]), "input")
        plaque = await plaques.inspect_plaque(session, plaque_id, arguments["version"], data)
        return {"plaque": plaque}


class ArchiveItemAdd(_Mutation):
    """File a document in a place's or site's archive (建档), under an Art. 32 section."""

    domain = "Archive"

    class Arguments:
        input = ArchiveItemAddInput(required=True, description="The archive item.")

    archive_item = graphene.Field(ArchiveItem, description="The filed item.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], _OBJECT)
        await _object_of(session, values)
        data = parse_input(archives.ArchiveItemCreate, values, "input")
        return {"archive_item": await archives.add_archive_item(session, data)}


class ArchiveItemUpdate(_Mutation):
    """Correct an archive item (refile it, fix its title or date); only the fields given change."""

    domain = "Archive"

    class Arguments:
        id = graphene.ID(required=True, description="The archive item.")
        version = _version()
        input = ArchiveItemUpdateInput(required=True, description="The fields to change.")

    archive_item = graphene.Field(ArchiveItem, description="The item after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        item_id = decode_id(arguments["id"], ("ArchiveItem",))
        data = parse_input(archives.ArchiveItemFields, service_input(arguments["input"]), "input")
        item = await archives.update_archive_item(session, item_id, arguments["version"], data)
        return {"archive_item": item}


class IncidentReport(_Mutation):
    """Report an incident on a place or site (unauthorised demolition, fire, defacement …)."""

    domain = "Incident"

    class Arguments:
        input = IncidentReportInput(required=True, description="The incident.")

    incident = graphene.Field(Incident, description="The reported incident.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], _OBJECT)
        await _object_of(session, values)
        data = parse_input(incidents.IncidentCreate, values, "input")
        return {"incident": await incidents.report_incident(session, data)}


class IncidentUpdate(_Mutation):
    """Follow an incident up (investigation, legal basis, penalty, resolution)."""

    domain = "Incident"
    required_role = UserRole.PROTECTION_OFFICER

    class Arguments:
        id = graphene.ID(required=True, description="The incident.")
        version = _version()
        input = IncidentUpdateInput(required=True, description="The fields to change.")

    incident = graphene.Field(Incident, description="The incident after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        incident_id = decode_id(arguments["id"], ("Incident",))
        data = parse_input(incidents.IncidentFields, service_input(arguments["input"]), "input")
        incident = await incidents.update_incident(session, incident_id, arguments["version"], data)
        return {"incident": incident}


def _field(mutation: Any) -> Any:
    return mutation.Field(description=mutation._meta.description)


class RecordMutations(graphene.ObjectType):
    """Root mutation fields for surveys, mapping records, plaques, archive items, incidents."""

    survey_record_add = _field(SurveyRecordAdd)
    survey_record_update = _field(SurveyRecordUpdate)
    mapping_record_add = _field(MappingRecordAdd)
    mapping_record_update = _field(MappingRecordUpdate)
    mapping_deliverable_add = _field(MappingDeliverableAdd)
    plaque_install = _field(PlaqueInstall)
    plaque_update = _field(PlaqueUpdate)
    plaque_inspect = _field(PlaqueInspect)
    archive_item_add = _field(ArchiveItemAdd)
    archive_item_update = _field(ArchiveItemUpdate)
    incident_report = _field(IncidentReport)
    incident_update = _field(IncidentUpdate)
