"""Types of the ``search`` root field: inputs, the result with its facets, highlights and edges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import graphene
from graphene import relay

from heritage import models
from heritage.domain import regions
from heritage.graphql import enums
from heritage.graphql.fields import attribute
from heritage.search import Facet, FacetCount, SearchSource, SortOrder
from heritage.search.highlight import highlight

SearchSourceEnum: Any = graphene.Enum.from_enum(
    SearchSource,
    description=lambda member: (
        "Where search results come from."
        if member is None
        else {
            SearchSource.ELASTICSEARCH: "The Elasticsearch index.",
            SearchSource.DATABASE: "The registry's database (embedded search).",
        }[member]
    ),
)

SearchSortEnum: Any = graphene.Enum.from_enum(
    SortOrder,
    name="SearchSort",
    description=lambda member: (
        "Order of search results; ties are broken by registration order."
        if member is None
        else {
            SortOrder.RELEVANCE: "Best match first (the default with text).",
            SortOrder.NAME: "By the name's pinyin.",
            SortOrder.DISTANCE: "Nearest first (needs near).",
            SortOrder.ERA: "Oldest first by the start of the dating; undated last.",
            SortOrder.REGISTERED: "In registration order (the default without text).",
        }[member]
    ),
)


def _list(enum: Any, what: str) -> Any:
    return graphene.List(graphene.NonNull(enum), description=f"Any of these {what}.")


class SearchFilter(graphene.InputObjectType):
    """Conditions on search results; every condition given must hold."""

    kinds = _list(enums.ObjectKind, "kinds")
    designation_types = _list(enums.DesignationType, "designation types (in force)")
    protection_levels = _list(enums.ProtectionLevel, "protection levels (in force)")
    region_code = graphene.String(
        description="Division code at any level: 14 = Shanxi, 1407 = 晋中, 140728 = 平遥县."
    )
    categories = _list(enums.RelicCategory, "relic categories")
    conditions = _list(enums.ConditionGrade, "conditions")
    statuses = _list(enums.ObjectStatus, "statuses")
    era_from = graphene.Int(description="Dated at least partly in or after this year.")
    era_to = graphene.Int(description="Dated at least partly in or before this year.")
    has_plaque = graphene.Boolean(description="With (true) or without (false) a plaque.")
    has_mapping = graphene.Boolean(description="With or without a mapping record.")
    has_archive = graphene.Boolean(description="With or without archive items.")


class NearInput(graphene.InputObjectType):
    """A point and a radius: results within it."""

    lat = graphene.Float(required=True, description="Latitude.")
    lon = graphene.Float(required=True, description="Longitude.")
    radius_km = graphene.Float(required=True, description="Radius in km (more than 0, ≤ 1000).")
    crs = graphene.Field(
        enums.CoordinateSystem, default_value="WGS84", description="System of lat and lon."
    )


class BoundingBoxInput(graphene.InputObjectType):
    """A rectangle on the map: results inside it."""

    north = graphene.Float(required=True, description="Northern edge (latitude).")
    south = graphene.Float(required=True, description="Southern edge (latitude).")
    east = graphene.Float(required=True, description="Eastern edge (longitude).")
    west = graphene.Float(required=True, description="Western edge (longitude).")
    crs = graphene.Field(
        enums.CoordinateSystem, default_value="WGS84", description="System of the edges."
    )


class SearchHighlight(graphene.ObjectType):
    """A name of the result with the parts that matched the text in ``<em>`` (HTML-escaped)."""

    field = graphene.String(required=True, description="name or altNames.")
    fragment = graphene.String(required=True, description="The name with <em> marks.")


@dataclass(frozen=True, slots=True)
class Edge:
    """What a search edge resolves from: the loaded record and the query's terms."""

    cursor: str
    node: models.HeritageObject
    score: float | None
    distance_km: float | None
    terms: tuple[str, ...]


class SearchEdge(graphene.ObjectType):
    """One result."""

    cursor = graphene.String(required=True, description="Pass as after for the next page.")
    node = graphene.Field(
        graphene.NonNull("heritage.graphql.objects.types.HeritageObject"),
        description="The place or site.",
    )
    score = graphene.Float(description="Relevance score (relevance order only).")
    distance_km = graphene.Float(description="Distance from near, in km.")
    highlights = graphene.List(
        graphene.NonNull(SearchHighlight),
        required=True,
        description="Names with the matching parts marked.",
    )

    @staticmethod
    def resolve_highlights(root: Edge, info: Any) -> list[SearchHighlight]:
        if not root.terms:
            return []
        names = [("name", root.node.name)]
        names += [("altNames", alt) for alt in root.node.alt_names or []]
        return [
            SearchHighlight(field=field, fragment=fragment)
            for field, name in names
            if (fragment := highlight(name, root.terms)) is not None
        ]


def _count_type(name: str, value_type: Any, what: str) -> Any:
    return type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": f"How many results have a {what}.",
            "value": graphene.Field(graphene.NonNull(value_type), description=f"The {what}."),
            "count": graphene.Int(required=True, description="Number of results."),
        },
    )


ProtectionLevelCount = _count_type("ProtectionLevelCount", enums.ProtectionLevel, "level")
DesignationTypeCount = _count_type(
    "DesignationTypeCount", enums.DesignationType, "designation type"
)
RelicCategoryCount = _count_type("RelicCategoryCount", enums.RelicCategory, "category")
ConditionCount = _count_type("ConditionCount", enums.ConditionGrade, "condition")


class RegionCount(graphene.ObjectType):
    """How many results lie in a region."""

    code = graphene.String(required=True, description="Division code.", resolver=attribute("value"))
    name = graphene.String(description="Name of the division.")
    count = graphene.Int(required=True, description="Number of results.")

    @staticmethod
    def resolve_name(root: FacetCount, info: Any) -> str | None:
        try:
            return regions.name_of(root.value)
        except ValueError:
            return None


def _facet(count_type: Any, facet: Facet, what: str) -> Any:
    def resolve(root: dict[Facet, list[FacetCount]], info: Any) -> list[FacetCount]:
        return root.get(facet, [])

    return graphene.List(
        graphene.NonNull(count_type),
        required=True,
        description=f"Results per {what}, most first (all results, not only this page).",
        resolver=resolve,
    )


class SearchFacets(graphene.ObjectType):
    """Counts of all results by level, designation type, region, category and condition."""

    protection_levels = _facet(ProtectionLevelCount, Facet.PROTECTION_LEVEL, "level in force")
    designation_types = _facet(
        DesignationTypeCount, Facet.DESIGNATION_TYPE, "designation type in force"
    )
    regions = _facet(
        RegionCount,
        Facet.REGION,
        "region one level below filter.regionCode (provinces without it)",
    )
    categories = _facet(RelicCategoryCount, Facet.CATEGORY, "relic category")
    conditions = _facet(ConditionCount, Facet.CONDITION, "condition")


class SearchResults(graphene.ObjectType):
    """A page of search results, with the total, facets and where the results come from."""

    source = graphene.Field(
        graphene.NonNull(SearchSourceEnum), description="Which backend answered."
    )
    degraded = graphene.Boolean(
        required=True,
        description="True when the search engine could not answer and the database did: "
        "relevance is simpler; notice says why.",
    )
    notice = graphene.String(description="Why the results are degraded, if they are.")
    total_count = graphene.Int(required=True, description="Number of results in all pages.")
    facets = graphene.Field(graphene.NonNull(SearchFacets), description="Counts of all results.")
    edges = graphene.List(graphene.NonNull(SearchEdge), required=True, description="This page.")
    page_info = graphene.Field(
        graphene.NonNull(relay.PageInfo), description="Cursors of this page."
    )
