"""Queries of places and sites: paged, filtered lists and look-ups by national code."""

from __future__ import annotations

from typing import Any

import graphene

from heritage.graphql import enums
from heritage.graphql.connection import PageRequest, build_connection, page_arguments
from heritage.graphql.context import ResolveInfo
from heritage.graphql.ids import decode_id
from heritage.graphql.objects.types import PlaceConnection, Site, SiteConnection
from heritage.graphql.paging import count_rows
from heritage.graphql.prefetch import prefetch_nodes
from heritage.graphql.rows import records
from heritage.models import HeritageObject, vocab
from heritage.services import listing
from heritage.services.listing import ObjectFilter


def _list(enum: Any, what: str) -> Any:
    return graphene.List(graphene.NonNull(enum), description=f"Any of these {what}.")


class PlaceFilter(graphene.InputObjectType):
    """Which places to list; every condition given must hold."""

    kinds = _list(enums.ObjectKind, "kinds (CITY, TOWN, VILLAGE, BLOCK)")
    region_code_prefix = graphene.String(
        description="Region code prefix: 14 = Shanxi, 1407 = 晋中, 140728 = 平遥县."
    )
    designation_types = _list(enums.DesignationType, "designation types (in force)")
    within = graphene.ID(description="Only places directly within this place.")
    name_contains = graphene.String(description="Part of the name.")


class SiteFilter(graphene.InputObjectType):
    """Which sites to list; every condition given must hold."""

    kinds = _list(enums.ObjectKind, "kinds (SITE, BUILDING_GROUP, BUILDING, STRUCTURE)")
    region_code_prefix = graphene.String(
        description="Region code prefix: 14 = Shanxi, 1407 = 晋中, 140728 = 平遥县."
    )
    designation_types = _list(enums.DesignationType, "designation types (in force)")
    protection_levels = _list(enums.ProtectionLevel, "protection levels (in force)")
    categories = _list(enums.RelicCategory, "relic categories")
    conditions = _list(enums.ConditionGrade, "conditions")
    statuses = _list(enums.ObjectStatus, "statuses")
    era_from = graphene.Int(description="Dated at least partly in or after this year.")
    era_to = graphene.Int(description="Dated at least partly in or before this year.")
    has_plaque = graphene.Boolean(description="With (true) or without (false) a plaque.")
    has_mapping = graphene.Boolean(description="With or without a mapping record.")
    has_archive = graphene.Boolean(description="With or without archive items.")
    within = graphene.ID(description="Only sites directly within this place or site.")
    national_code = graphene.String(
        description="国保 number, full (7-0708-3-006) or short (7-708)."
    )
    name_contains = graphene.String(description="Part of the name.")


def to_filter(record_type: str, data: Any) -> ObjectFilter:
    """An :class:`ObjectFilter` from a GraphQL filter input."""
    data = dict(data or {})
    within = data.pop("within", None)
    prefix = data.pop("region_code_prefix", None)
    return ObjectFilter(
        record_type=record_type,
        region_prefix=prefix,
        parent_id=decode_id(within, ("Place", "Site"), "filter.within") if within else None,
        **{key: value for key, value in data.items() if value is not None},
    )


async def object_records(info: ResolveInfo, flt: ObjectFilter, **page: Any) -> list[Any]:
    """``listing.page`` as records (:mod:`heritage.graphql.rows`), places or sites by kind."""
    found = records(HeritageObject)
    query = listing.page_query(flt, **page).with_only_columns(*found.columns)
    async with info.context.read() as reader:
        return found.wrap_all(await reader.rows(query))


async def paged_objects(
    info: ResolveInfo, connection: Any, flt: ObjectFilter, arguments: dict[str, Any]
) -> Any:
    """A connection over the objects matching ``flt``."""
    request = PageRequest.of(arguments)
    rows = await object_records(info, flt, **request.keyset())
    page = build_connection(
        connection, rows, request, lambda: count_rows(info, listing.count_query(flt))
    )
    await prefetch_nodes(info, [edge.node for edge in page.edges])
    return page


class ObjectQueries(graphene.ObjectType):
    """Root fields for places and sites."""

    places = graphene.Field(
        graphene.NonNull(PlaceConnection),
        filter=PlaceFilter(description="Conditions on the places."),
        description="Historic cities, towns, villages and blocks.",
        **page_arguments(),
    )
    sites = graphene.Field(
        graphene.NonNull(SiteConnection),
        filter=SiteFilter(description="Conditions on the sites."),
        description="Sites, building groups, buildings and structures.",
        **page_arguments(),
    )
    buildings = graphene.Field(
        graphene.NonNull(SiteConnection),
        filter=SiteFilter(description="Conditions on the buildings."),
        description="Buildings, building groups and structures (sites of those kinds).",
        **page_arguments(),
    )
    site = graphene.Field(
        Site,
        national_code=graphene.String(
            required=True, description="国保 number, full (1-0034-4-001) or short (1-34)."
        ),
        description="The site holding a 全国重点文物保护单位 number.",
    )

    @staticmethod
    async def resolve_places(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        flt = to_filter("place", arguments.pop("filter", None))
        return await paged_objects(info, PlaceConnection, flt, arguments)

    @staticmethod
    async def resolve_sites(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        flt = to_filter("site", arguments.pop("filter", None))
        return await paged_objects(info, SiteConnection, flt, arguments)

    @staticmethod
    async def resolve_buildings(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        flt = to_filter("site", arguments.pop("filter", None))
        building_kinds = [
            vocab.ObjectKind.BUILDING,
            vocab.ObjectKind.BUILDING_GROUP,
            vocab.ObjectKind.STRUCTURE,
        ]
        kinds = [k for k in (flt.kinds or building_kinds) if k in building_kinds]
        # Asking the buildings list for non-building kinds only matches nothing.
        flt = ObjectFilter(**{**flt.__dict__, "kinds": kinds, "ids": None if kinds else []})
        return await paged_objects(info, SiteConnection, flt, arguments)

    @staticmethod
    async def resolve_site(root: None, info: ResolveInfo, national_code: str) -> Any:
        flt = ObjectFilter(record_type="site", national_code=national_code)
        rows = await object_records(info, flt, limit=1)
        return rows[0] if rows else None
