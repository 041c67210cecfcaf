"""The ``search`` root field: free text, filters, geography, order, facets and cursor paging."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from graphql import FieldNode

from heritage.graphql.connection import MAX_PAGE
from heritage.graphql.context import ResolveInfo
from heritage.graphql.search.types import (
    BoundingBoxInput,
    Edge,
    NearInput,
    SearchFilter,
    SearchResults,
    SearchSortEnum,
)
from heritage.search import SearchResult, SortOrder, search_request
from heritage.search.request import encode_cursor
from heritage.search.waiting import while_waiting
from heritage.services.errors import ErrorCode, ServiceError
from heritage.services.listing import ObjectFilter


class SearchQueries(graphene.ObjectType):
    """The ``search`` root field."""

    search = graphene.Field(
        graphene.NonNull(SearchResults),
        text=graphene.String(
            description="Words to find in names: part of a name (平遥, 遥古城), pinyin "
            "(pingyao, gucheng), initials (pygc), traditional or variant characters; or a "
            "国保 number in full (7-0708-3-006) or short (7-708) form. Every word must match."
        ),
        filter=SearchFilter(description="Conditions on the results."),
        near=NearInput(description="Only results within a radius of a point."),
        bounding_box=BoundingBoxInput(description="Only results inside a rectangle."),
        sort=SearchSortEnum(description="Order: RELEVANCE with text, REGISTERED without."),
        first=graphene.Int(description=f"Page size (at most {MAX_PAGE}; default 20)."),
        after=graphene.String(description="Cursor of the last result of the previous page."),
        description="Search places and sites. Pages go on past 10,000 results by cursor.",
    )

    @staticmethod
    async def resolve_search(root: None, info: ResolveInfo, **arguments: Any) -> SearchResults:
        service = info.context.search
        if service is None:
            raise ServiceError.single(None, ErrorCode.INVALID, "search is not set up here")
        data = dict(arguments.get("filter") or {})
        near, box = arguments.get("near"), arguments.get("bounding_box")
        sort = arguments.get("sort")
        request = search_request(
            text=arguments.get("text"),
            filter=_object_filter(data),
            region_code=data.get("region_code"),
            near=(near.lat, near.lon, near.radius_km, _crs(near.crs)) if near else None,
            bbox=(box.north, box.south, box.east, box.west, _crs(box.crs)) if box else None,
            sort=SortOrder(_value(sort)) if sort is not None else None,
            first=arguments.get("first"),
            after=arguments.get("after"),
            facets=_selected(info, "facets"),
        )
        # The hits are loaded from the database next: their connection is taken while the
        # engine answers.
        with while_waiting(info.context.open_reads):
            result = await service.search(request)
        return await _results(info, request.terms, request.sort, result, bool(request.after))


def _value(member: Any) -> str:
    return str(getattr(member, "value", member))


def _crs(member: Any) -> str:
    return _value(member) if member is not None else "WGS84"


def _object_filter(data: dict[str, Any]) -> ObjectFilter:
    given = {
        key: value
        for key, value in data.items()
        if value is not None and key in ObjectFilter.__dataclass_fields__
    }
    return ObjectFilter(**given)


def _selected(info: ResolveInfo, name: str) -> bool:
    """True when the query asks for ``name`` under this field (facets cost an aggregation)."""
    for node in info.field_nodes:
        selections = node.selection_set.selections if node.selection_set else []
        if any(isinstance(s, FieldNode) and s.name.value == name for s in selections):
            return True
        if any(not isinstance(s, FieldNode) for s in selections):
            return True  # fragments: count rather than guess
    return False


async def _results(
    info: ResolveInfo,
    terms: tuple[str, ...],
    sort: SortOrder,
    result: SearchResult,
    continued: bool,
) -> SearchResults:
    # At once rather than through the loader's dispatch: nothing else is waiting to join it.
    objects = await info.context.loaders.objects.load_batch([hit.object_id for hit in result.hits])
    edges = [
        Edge(
            cursor=encode_cursor(result.source, sort, hit.sort),
            node=obj,
            score=hit.score,
            distance_km=hit.distance_km,
            terms=terms,
        )
        for hit, obj in zip(result.hits, objects, strict=True)
        if obj is not None
    ]
    unknown = len(result.hits) - len(edges)
    notice = result.notice
    if unknown:
        # Never a silently shorter page: say that the index holds records the database lacks.
        notice = (
            f"{unknown} results are in the search index but not in the database "
            "(run: heritage search check --repair)" + (f"; {notice}" if notice else "")
        )
    return SearchResults(
        source=result.source,
        degraded=result.degraded or bool(unknown),
        notice=notice,
        total_count=result.total,
        facets=result.facets,
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=result.has_more,
            has_previous_page=continued,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
