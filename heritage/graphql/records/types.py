"""GraphQL types of surveys, mapping records, plaques, archive items and incidents."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.graphql import access, enums
from heritage.graphql.connection import connection_for
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import columns_mixin
from heritage.graphql.nodes import ModelNode
from heritage.graphql.prefetch import batched, ready
from heritage.web.links import plaque_print_url


def _list_of(enum: Any) -> Any:
    return graphene.NonNull(graphene.List(graphene.NonNull(enum)))


class RecordFields:
    """The object a record belongs to, and the media attached to the record."""

    heritage_object = graphene.Field(
        graphene.NonNull("heritage.graphql.objects.types.HeritageObject"),
        description="The place or site this record belongs to.",
    )
    media = graphene.List(
        graphene.NonNull("heritage.graphql.media.types.MediaAsset"),
        required=True,
        description="Photos, drawings and documents attached to this record.",
    )
    media_target: Any = None

    @staticmethod
    @batched
    def resolve_heritage_object(root: Any, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.objects.load(root.object_id))

    @classmethod
    @batched
    def resolve_media(cls, root: Any, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.media(cls.media_target).load(root.id))


SurveyColumns: Any = columns_mixin(
    "SurveyColumns",
    inspect(models.SurveyRecord),
    [
        "surveyed_on",
        "surveyor",
        "campaign",
        "condition_system",
        "condition_grade",
        "condition",
        "threats",
        "observed_use",
        "observed_function",
        "notes",
        "version",
        "created_at",
    ],
    {"threats": _list_of(enums.Threat)},
)


class SurveyRecord(SurveyColumns, RecordFields, ModelNode):
    """A field survey: who looked, when, in which campaign, and the condition they found."""

    model = models.SurveyRecord
    media_target = models.MediaLink.survey_record_id

    class Meta:
        interfaces = (relay.Node,)


DeliverableColumns: Any = columns_mixin(
    "DeliverableColumns",
    inspect(models.MappingDeliverable),
    ["deliverable_type", "title", "file_format"],
)


class MappingDeliverable(DeliverableColumns, ModelNode):
    """One item handed over by a mapping campaign."""

    model = models.MappingDeliverable

    class Meta:
        interfaces = (relay.Node,)

    file = graphene.Field(
        "heritage.graphql.media.types.MediaAsset", description="The stored file, if uploaded."
    )

    @staticmethod
    async def resolve_file(root: models.MappingDeliverable, info: ResolveInfo) -> Any:
        if root.media_asset_id is None:
            return None
        return await info.context.loaders.by_id(models.MediaAsset).load(root.media_asset_id)


MappingColumns: Any = columns_mixin(
    "MappingColumns",
    inspect(models.MappingRecord),
    [
        "mapped_on",
        "methods",
        "depth",
        "crs_epsg",
        "vertical_datum",
        "accuracy_mm",
        "point_density",
        "organisation",
        "organisation_qualification",
        "qa_status",
        "notes",
        "version",
        "created_at",
    ],
    {"methods": _list_of(enums.SurveyMethod)},
)


class MappingRecord(MappingColumns, RecordFields, ModelNode):
    """A measured survey (测绘): methods, depth, reference systems, accuracy, deliverables."""

    model = models.MappingRecord
    media_target = models.MediaLink.mapping_record_id

    class Meta:
        interfaces = (relay.Node,)

    deliverables = graphene.List(
        graphene.NonNull(MappingDeliverable), required=True, description="What was handed over."
    )

    @staticmethod
    async def resolve_deliverables(root: models.MappingRecord, info: ResolveInfo) -> Any:
        return await info.context.loaders.deliverables.load(root.id)


PlaqueColumns: Any = columns_mixin(
    "PlaqueColumns",
    inspect(models.Plaque),
    [
        "plaque_type",
        "text_front",
        "text_back",
        "qr_url",
        "material",
        "erecting_authority",
        "erected_on",
        "lon",
        "lat",
        "condition",
        "last_inspected_on",
        "version",
        "created_at",
    ],
)


class Plaque(PlaqueColumns, RecordFields, ModelNode):
    """A protection sign or plaque (挂牌)."""

    model = models.Plaque
    media_target = models.MediaLink.plaque_id

    class Meta:
        interfaces = (relay.Node,)

    print_url = graphene.String(
        required=True,
        description="A printable PNG of the plaque's front (A4, 300 dpi) with a QR code to the "
        "record's public address.",
    )

    @staticmethod
    def resolve_print_url(root: models.Plaque, info: ResolveInfo) -> str:
        return plaque_print_url(info.context.settings, root.id)


ArchiveColumns: Any = columns_mixin(
    "ArchiveColumns",
    inspect(models.ArchiveItem),
    [
        "section",
        "volume",
        "title",
        "document_date",
        "archive_number",
        "description",
        "version",
        "created_at",
    ],
)


class ArchiveItem(ArchiveColumns, RecordFields, ModelNode):
    """A document in an object's archive, filed under an Art. 32 section."""

    model = models.ArchiveItem
    media_target = models.MediaLink.archive_item_id

    class Meta:
        interfaces = (relay.Node,)


IncidentColumns: Any = columns_mixin(
    "IncidentColumns",
    inspect(models.Incident),
    [
        "incident_type",
        "severity",
        "status",
        "occurred_on",
        "reported_on",
        "description",
        "legal_basis_article",
        "penalty_amount",
        "reported_by",
        "version",
        "created_at",
    ],
)


class Incident(IncidentColumns, RecordFields, ModelNode):
    """A negative event: unauthorised demolition, fire, defacement, theft of components …
    Visible to surveyors and above only."""

    model = models.Incident
    media_target = models.MediaLink.incident_id

    class Meta:
        interfaces = (relay.Node,)

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> Any:
        if not info.context.has_role(access.READ_INCIDENTS):
            return None
        return await super().get_node(info, db_id)


IncidentConnection = connection_for(Incident)
