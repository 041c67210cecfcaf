"""Queries of craftsmen and works projects: paged, filtered lists."""

from __future__ import annotations

from typing import Any

import graphene

from heritage import models
from heritage.graphql import enums
from heritage.graphql.connection import page_arguments
from heritage.graphql.context import ResolveInfo
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import OBJECT_TYPES
from heritage.graphql.paging import keyset_connection
from heritage.graphql.works.types import CraftsmanConnection, InterventionConnection
from heritage.services import lists


def _any_of(enum: Any, what: str) -> Any:
    return graphene.List(graphene.NonNull(enum), description=f"Any of these {what}.")


class CraftsmanFilter(graphene.InputObjectType):
    """Which craftsmen to list; every condition given must hold."""

    trades = _any_of(enums.CraftTrade, "trades")
    region_code_prefix = graphene.String(
        description="Region code prefix of their home: 14 = Shanxi, 140728 = 平遥县."
    )
    name_contains = graphene.String(description="Part of the name.")


class InterventionFilter(graphene.InputObjectType):
    """Which works projects to list; every condition given must hold."""

    statuses = _any_of(enums.InterventionStatus, "workflow states")
    types = _any_of(enums.InterventionType, "kinds of works")
    object = graphene.ID(description="Only works on this place or site.")


def craftsman_filter(data: Any) -> lists.CraftsmanFilter:
    """A :class:`lists.CraftsmanFilter` from the GraphQL input."""
    values = dict(data or {})
    return lists.CraftsmanFilter(
        trades=values.get("trades") or (),
        region_prefix=values.get("region_code_prefix"),
        name_contains=values.get("name_contains"),
    )


def intervention_filter(data: Any) -> lists.InterventionFilter:
    """A :class:`lists.InterventionFilter` from the GraphQL input."""
    values = dict(data or {})
    target = values.get("object")
    return lists.InterventionFilter(
        statuses=values.get("statuses") or (),
        types=values.get("types") or (),
        object_id=decode_id(target, OBJECT_TYPES, "filter.object") if target else None,
    )


class WorksQueries(graphene.ObjectType):
    """Root fields for craftsmen and works projects (public; a craftsman's telephone is not)."""

    craftsmen = graphene.Field(
        graphene.NonNull(CraftsmanConnection),
        filter=CraftsmanFilter(description="Conditions on the craftsmen."),
        description="Traditional craftsmen, in id order.",
        **page_arguments(),
    )
    interventions = graphene.Field(
        graphene.NonNull(InterventionConnection),
        filter=InterventionFilter(description="Conditions on the works projects."),
        description="Works projects, in id order.",
        **page_arguments(),
    )

    @staticmethod
    async def resolve_craftsmen(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        query = lists.craftsmen(craftsman_filter(arguments.pop("filter", None)))
        return await keyset_connection(
            info, CraftsmanConnection, query, models.Craftsman.id, arguments
        )

    @staticmethod
    async def resolve_interventions(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        query = lists.interventions(intervention_filter(arguments.pop("filter", None)))
        return await keyset_connection(
            info, InterventionConnection, query, models.Intervention.id, arguments
        )
