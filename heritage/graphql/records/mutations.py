"""Mutations of an object's records: surveys, mapping, plaques, archive items, incidents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar

import graphene
from sqlalchemy.ext.asyncio import AsyncSession

from heritage import models
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import input_type
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import OBJECT_TYPES, ensure_object, existing, service_input
from heritage.graphql.mutation import RecordUpdate, RegistryMutation, record_arguments, root_field
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
from heritage.services.inputs import Input, parse_input

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


class _Mutation(RegistryMutation):
    class Meta:
        abstract = True

    required_role = UserRole.SURVEYOR


class _Update(RecordUpdate):
    class Meta:
        abstract = True

    required_role = UserRole.SURVEYOR


class _Add(_Mutation):
    """A new record of a place or site (``objectId``), made by one use-case of a service."""

    class Meta:
        abstract = True

    input_model: ClassVar[type[Input]]
    create: ClassVar[Callable[[AsyncSession, Any], Awaitable[Any]]]
    payload: ClassVar[str]
    ids: ClassVar[Mapping[str, tuple[str, ...]]] = _OBJECT

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], cls.ids)
        await ensure_object(session, values)
        data = parse_input(cls.input_model, values, "input")
        return {cls.payload: await cls.create(session, data)}


class SurveyRecordAdd(_Add):
    """Record a field survey of a place or site; the latest one sets a site's condition."""

    domain = "Survey"
    input_model = surveys.SurveyCreate
    create = surveys.add_survey
    payload = "survey_record"
    ids = {**_OBJECT, **_SURVEYOR_USER}

    class Arguments:
        input = SurveyRecordAddInput(required=True, description="The survey.")

    survey_record = graphene.Field(SurveyRecord, description="The recorded survey.")


class SurveyRecordUpdate(_Update):
    """Correct a survey record; only the fields given change."""

    domain = "Survey"
    node_type = "SurveyRecord"
    input_model = surveys.SurveyFields
    apply = surveys.update_survey
    payload = "survey_record"
    ids = _SURVEYOR_USER
    Arguments = record_arguments("The survey record.", SurveyRecordUpdateInput)

    survey_record = graphene.Field(SurveyRecord, description="The survey after the change.")


class MappingRecordAdd(_Add):
    """Record a mapping (测绘) campaign of a place or site and what it delivered."""

    domain = "Mapping"
    input_model = mapping.MappingCreate
    create = mapping.add_mapping_record
    payload = "mapping_record"
    ids = {**_OBJECT, **_ASSET}

    class Arguments:
        input = MappingRecordAddInput(required=True, description="The mapping record.")

    mapping_record = graphene.Field(MappingRecord, description="The recorded campaign.")


class MappingRecordUpdate(_Update):
    """Correct a mapping record or record its quality check; only the fields given change."""

    domain = "Mapping"
    node_type = "MappingRecord"
    input_model = mapping.MappingFields
    apply = mapping.update_mapping_record
    payload = "mapping_record"
    Arguments = record_arguments("The mapping record.", MappingRecordUpdateInput)

    mapping_record = graphene.Field(MappingRecord, description="The record after the change.")


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


class PlaqueInstall(_Add):
    """Record a plaque put up on a place or site; its type must fit the object's designations."""

    domain = "Plaque"
    required_role = UserRole.PROTECTION_OFFICER
    input_model = plaques.PlaqueCreate
    create = plaques.install_plaque
    payload = "plaque"

    class Arguments:
        input = PlaqueInstallInput(required=True, description="The plaque.")

    plaque = graphene.Field(Plaque, description="The recorded plaque.")


class PlaqueUpdate(_Update):
    """Correct a plaque record; only the fields given change."""

    domain = "Plaque"
    required_role = UserRole.PROTECTION_OFFICER
    node_type = "Plaque"
    input_model = plaques.PlaqueFields
    apply = plaques.update_plaque
    payload = "plaque"
    Arguments = record_arguments("The plaque.", PlaqueUpdateInput)

    plaque = graphene.Field(Plaque, description="The plaque after the change.")


class PlaqueInspect(_Update):
    """Record an inspection of a plaque: its condition on that day."""

    domain = "Plaque"
    required_role = UserRole.PROTECTION_OFFICER
    node_type = "Plaque"
    input_model = plaques.PlaqueInspection
    apply = plaques.inspect_plaque
    payload = "plaque"
    Arguments = record_arguments("The plaque.", PlaqueInspectInput, "What the inspector found.")

    plaque = graphene.Field(Plaque, description="The plaque after the inspection.")


class ArchiveItemAdd(_Add):
    """File a document in a place's or site's archive (建档), under an Art. 32 section."""

    domain = "Archive"
    input_model = archives.ArchiveItemCreate
    create = archives.add_archive_item
    payload = "archive_item"

    class Arguments:
        input = ArchiveItemAddInput(required=True, description="The archive item.")

    archive_item = graphene.Field(ArchiveItem, description="The filed item.")


class ArchiveItemUpdate(_Update):
    """Correct an archive item (refile it, fix its title or date); only the fields given change."""

    domain = "Archive"
    node_type = "ArchiveItem"
    input_model = archives.ArchiveItemFields
    apply = archives.update_archive_item
    payload = "archive_item"
    Arguments = record_arguments("The archive item.", ArchiveItemUpdateInput)

    archive_item = graphene.Field(ArchiveItem, description="The item after the change.")


class IncidentReport(_Add):
    """Report an incident on a place or site (unauthorised demolition, fire, defacement …)."""

    domain = "Incident"
    input_model = incidents.IncidentCreate
    create = incidents.report_incident
    payload = "incident"

    class Arguments:
        input = IncidentReportInput(required=True, description="The incident.")

    incident = graphene.Field(Incident, description="The reported incident.")


class IncidentUpdate(_Update):
    """Follow an incident up (investigation, legal basis, penalty, resolution)."""

    domain = "Incident"
    required_role = UserRole.PROTECTION_OFFICER
    node_type = "Incident"
    input_model = incidents.IncidentFields
    apply = incidents.update_incident
    payload = "incident"
    Arguments = record_arguments("The incident.", IncidentUpdateInput)

    incident = graphene.Field(Incident, description="The incident after the change.")


class RecordMutations(graphene.ObjectType):
    """Root mutation fields for surveys, mapping records, plaques, archive items, incidents."""

    survey_record_add = root_field(SurveyRecordAdd)
    survey_record_update = root_field(SurveyRecordUpdate)
    mapping_record_add = root_field(MappingRecordAdd)
    mapping_record_update = root_field(MappingRecordUpdate)
    mapping_deliverable_add = root_field(MappingDeliverableAdd)
    plaque_install = root_field(PlaqueInstall)
    plaque_update = root_field(PlaqueUpdate)
    plaque_inspect = root_field(PlaqueInspect)
    archive_item_add = root_field(ArchiveItemAdd)
    archive_item_update = root_field(ArchiveItemUpdate)
    incident_report = root_field(IncidentReport)
    incident_update = root_field(IncidentUpdate)
