"""GraphQL types of places and sites, with their nested records loaded through DataLoaders."""

from __future__ import annotations

import functools
from typing import Any

import graphene
from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.domain import regions
from heritage.graphql import enums
from heritage.graphql.connection import connection_for
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import attribute, column_fields, doc
from heritage.graphql.prefetch import batched, ready
from heritage.graphql.rows import is_model
from heritage.models.vocab import CoordinateVisibility, UserRole

# Sensitive locations are shown to the public rounded to this many decimals (about 10 km).
GENERALISED_DECIMALS = 1

_COMMON = [
    "public_id",
    "kind",
    "name",
    "description",
    "status",
    "region_code",
    "region_code_as_of",
    "address_announced",
    "address_current",
    "coordinate_visibility",
    "era_raw",
    "era_start_year",
    "era_end_year",
    "version",
    "created_at",
    "updated_at",
]
_SITE_ONLY = [
    "category",
    "original_category",
    "subtype",
    "structure_type",
    "ownership",
    "use_status",
    "use_function",
    "condition",
    "dating_basis",
]
_JSON = {
    "alt_names": graphene.NonNull(graphene.List(graphene.NonNull(graphene.String))),
    "period_codes": graphene.NonNull(graphene.List(graphene.NonNull(enums.Period))),
    "boundary": graphene.JSONString,
}


class Location(graphene.ObjectType):
    """Where an object lies: WGS-84, with what was captured and how."""

    lon = graphene.Float(required=True, description="Longitude (WGS-84).")
    lat = graphene.Float(required=True, description="Latitude (WGS-84).")
    generalised = graphene.Boolean(
        required=True,
        description="True when the precise point is hidden from you and this one is rounded "
        "(sensitive sites).",
    )
    source_lon = graphene.Float(description="Longitude as captured (hidden when generalised).")
    source_lat = graphene.Float(description="Latitude as captured (hidden when generalised).")
    source_crs = graphene.Field(enums.CoordinateSystem, description="System it was captured in.")
    method = graphene.Field(enums.LocationMethod, description=doc("method"))
    accuracy_m = graphene.Float(description=doc("accuracy_m"))


def location_of(obj: models.HeritageObject, info: ResolveInfo) -> Location | None:
    """The object's point, generalised for callers who may not see sensitive locations."""
    if obj.lon is None or obj.lat is None:
        return None
    hidden = obj.coordinate_visibility == CoordinateVisibility.SENSITIVE and not (
        info.context.has_role(UserRole.SURVEYOR)
    )
    if hidden:
        return Location(
            lon=round(obj.lon, GENERALISED_DECIMALS),
            lat=round(obj.lat, GENERALISED_DECIMALS),
            generalised=True,
            source_crs=None,
        )
    return Location(
        lon=obj.lon,
        lat=obj.lat,
        generalised=False,
        source_lon=obj.source_lon,
        source_lat=obj.source_lat,
        source_crs=obj.source_crs,
        method=obj.location_method,
        accuracy_m=obj.accuracy_m,
    )


# Column fields as mixins: graphene collects fields from every base class.
ObjectColumns: Any = type(
    "ObjectColumns",
    (),
    {
        **column_fields(inspect(models.HeritageObject), _COMMON),
        **column_fields(inspect(models.HeritageObject), list(_JSON), _JSON),
    },
)
PlaceColumns: Any = type(
    "PlaceColumns", (), column_fields(inspect(models.Place), ["natural_village_name"])
)
SiteColumns: Any = type("SiteColumns", (), column_fields(inspect(models.Site), _SITE_ONLY))


@functools.lru_cache(maxsize=4096)
def _region_name(code: str) -> str | None:
    """The full name of a region (a list repeats a few codes; the table never changes)."""
    try:
        return regions.region_table().full_name(code)
    except ValueError:
        return None


def _missing_sections(items: list[models.ArchiveItem]) -> list[models.vocab.ArchiveSection]:
    filed = {item.section for item in items}
    return [section for section in models.vocab.ArchiveSection if section not in filed]


def _national_code(designations: list[models.Designation]) -> str | None:
    for designation in designations:
        if (
            designation.designation_type == models.vocab.DesignationType.CPU_NATIONAL
            and designation.status.is_in_force
        ):
            return designation.official_code
    return None


def _protection_level(designations: list[models.Designation]) -> Any:
    levels = [
        d.protection_level
        for d in designations
        if d.protection_level is not None and d.status.is_in_force
    ]
    return min(levels, key=lambda level: level.rank) if levels else None


class ObjectFields(ObjectColumns):
    """Fields and resolvers shared by places and sites (mixed into the interface and types)."""

    database_id = graphene.Int(
        required=True, description="Database id of the record.", resolver=attribute("id")
    )
    region_name = graphene.String(description="Full name of the region, province first.")
    location = graphene.Field(Location, description=doc("location"))
    parent = graphene.Field(
        lambda: HeritageObject, description="The place or site that contains this one."
    )
    children = graphene.List(
        graphene.NonNull(lambda: HeritageObject),
        required=True,
        description="Places and sites contained in this one (a village's buildings …).",
    )
    designations = graphene.List(
        graphene.NonNull("heritage.graphql.designations.types.Designation"),
        required=True,
        description="Every designation, in force or not (the history is kept).",
    )
    plaques = graphene.List(
        graphene.NonNull("heritage.graphql.records.types.Plaque"),
        required=True,
        description="Plaques and signs.",
    )
    archive_items = graphene.List(
        graphene.NonNull("heritage.graphql.records.types.ArchiveItem"),
        required=True,
        description="Archive items (建档).",
    )
    archive_missing_sections = graphene.List(
        graphene.NonNull(enums.ArchiveSection),
        required=True,
        description="条例 Art. 32 sections with no item yet; empty means the archive is complete.",
    )
    media = graphene.List(
        graphene.NonNull("heritage.graphql.media.types.MediaAsset"),
        required=True,
        description="Photos, drawings and documents attached to the record itself.",
    )
    changes = graphene.List(
        graphene.NonNull("heritage.graphql.history.types.ChangeRecord"),
        required=True,
        description="Change history, newest first (protection officers and administrators).",
    )

    @staticmethod
    def resolve_region_name(root: models.HeritageObject, info: ResolveInfo) -> str | None:
        return None if root.region_code is None else _region_name(root.region_code)

    @staticmethod
    def resolve_location(root: models.HeritageObject, info: ResolveInfo) -> Location | None:
        return location_of(root, info)

    @staticmethod
    @batched
    def resolve_parent(root: models.HeritageObject, info: ResolveInfo) -> Any:
        if root.parent_id is None:
            return None
        return ready(info.context.loaders.objects.load(root.parent_id))

    @staticmethod
    @batched
    def resolve_children(root: models.HeritageObject, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.children.load(root.id))

    @staticmethod
    @batched
    def resolve_designations(root: models.HeritageObject, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.designations.load(root.id))

    @staticmethod
    @batched
    def resolve_plaques(root: models.HeritageObject, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.plaques.load(root.id))

    @staticmethod
    @batched
    def resolve_archive_items(root: models.HeritageObject, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.archive_items.load(root.id))

    @staticmethod
    @batched
    def resolve_archive_missing_sections(root: models.HeritageObject, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.archive_items.load(root.id), _missing_sections)

    @staticmethod
    @batched
    def resolve_media(root: models.HeritageObject, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.media(models.MediaLink.object_id).load(root.id))

    @staticmethod
    async def resolve_changes(root: models.HeritageObject, info: ResolveInfo) -> Any:
        if not info.context.has_role(UserRole.PROTECTION_OFFICER):
            return []
        return await info.context.loaders.changes("heritage_object").load(root.id)


class HeritageObject(ObjectFields, graphene.Interface):
    """A registered place or site."""

    # resolve_type looks at the model of the value only: the executor may remember its answer
    # per class (heritage.graphql.execution).
    resolves_by_class = True

    @classmethod
    def resolve_type(cls, instance: Any, info: ResolveInfo) -> Any:
        return Place if is_model(instance, models.Place) else Site


class Place(PlaceColumns, ObjectFields, graphene.ObjectType):
    """A historic city, town, village or block (名城/名镇/名村/传统村落/历史文化街区)."""

    class Meta:
        interfaces = (relay.Node, HeritageObject)

    @classmethod
    def is_type_of(cls, root: Any, info: ResolveInfo) -> bool:
        return is_model(root, models.Place)

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> models.Place | None:
        obj = await info.context.loaders.objects.load(int(db_id))
        return obj if is_model(obj, models.Place) else None


class Site(SiteColumns, ObjectFields, graphene.ObjectType):
    """An immovable relic or historic building: a site, building group, building or structure."""

    class Meta:
        interfaces = (relay.Node, HeritageObject)

    national_code = graphene.String(
        description="Number of its in-force 全国重点文物保护单位 designation, if any."
    )
    protection_level = graphene.Field(
        enums.ProtectionLevel, description="Its in-force relic protection level, if any."
    )
    surveys = graphene.List(
        graphene.NonNull("heritage.graphql.records.types.SurveyRecord"),
        required=True,
        description="Surveys, newest first.",
    )
    latest_survey = graphene.Field(
        "heritage.graphql.records.types.SurveyRecord", description="The most recent survey."
    )
    mapping_records = graphene.List(
        graphene.NonNull("heritage.graphql.records.types.MappingRecord"),
        required=True,
        description="Mapping (测绘) records.",
    )
    interventions = graphene.List(
        graphene.NonNull("heritage.graphql.works.types.Intervention"),
        required=True,
        description="Works projects (修缮 …) with their craftsmen.",
    )
    incidents = graphene.List(
        graphene.NonNull("heritage.graphql.records.types.Incident"),
        required=True,
        description="Incidents, newest first (surveyors and above).",
    )
    status_changes = graphene.List(
        graphene.NonNull(lambda: StatusChange),
        required=True,
        description="Status changes (demolition, relocation …) with their approvals.",
    )

    @classmethod
    def is_type_of(cls, root: Any, info: ResolveInfo) -> bool:
        return is_model(root, models.Site)

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> models.Site | None:
        obj = await info.context.loaders.objects.load(int(db_id))
        return obj if is_model(obj, models.Site) else None

    @staticmethod
    @batched
    def resolve_national_code(root: models.Site, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.designations.load(root.id), _national_code)

    @staticmethod
    @batched
    def resolve_protection_level(root: models.Site, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.designations.load(root.id), _protection_level)

    @staticmethod
    @batched
    def resolve_surveys(root: models.Site, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.surveys.load(root.id))

    @staticmethod
    @batched
    def resolve_latest_survey(root: models.Site, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.latest_survey.load(root.id))

    @staticmethod
    @batched
    def resolve_mapping_records(root: models.Site, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.mapping_records.load(root.id))

    @staticmethod
    @batched
    def resolve_interventions(root: models.Site, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.interventions.load(root.id))

    @staticmethod
    async def resolve_incidents(root: models.Site, info: ResolveInfo) -> Any:
        if not info.context.has_role(UserRole.SURVEYOR):
            return []
        return await info.context.loaders.incidents.load(root.id)

    @staticmethod
    @batched
    def resolve_status_changes(root: models.Site, info: ResolveInfo) -> Any:
        return ready(info.context.loaders.status_changes.load(root.id))


StatusChangeColumns: Any = type(
    "StatusChangeColumns",
    (),
    column_fields(
        inspect(models.StatusChange),
        [
            "from_status",
            "to_status",
            "changed_on",
            "reason",
            "approval_doc_no",
            "approval_authority",
            "approval_level",
            "approved_on",
            "new_lon",
            "new_lat",
            "created_at",
        ],
    ),
)


class StatusChange(StatusChangeColumns, graphene.ObjectType):
    """A change of physical status with the approval that allowed it."""

    class Meta:
        interfaces = (relay.Node,)

    @classmethod
    def is_type_of(cls, root: Any, info: ResolveInfo) -> bool:
        return is_model(root, models.StatusChange)


PlaceConnection = connection_for(Place)
SiteConnection = connection_for(Site)
