"""Queries of incidents across the registry (the other records are read through their object)."""

from __future__ import annotations

from typing import Any

import graphene

from heritage import models
from heritage.graphql import access, enums
from heritage.graphql.connection import page_arguments
from heritage.graphql.context import ResolveInfo
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import OBJECT_TYPES
from heritage.graphql.paging import keyset_connection
from heritage.graphql.records.types import IncidentConnection
from heritage.services import lists


def _any_of(enum: Any, what: str) -> Any:
    return graphene.List(graphene.NonNull(enum), description=f"Any of these {what}.")


class IncidentFilter(graphene.InputObjectType):
    """Which incidents to list; every condition given must hold."""

    types = _any_of(enums.IncidentType, "kinds of incident")
    severities = _any_of(enums.IncidentSeverity, "severities")
    statuses = _any_of(enums.IncidentStatus, "follow-up states")
    object = graphene.ID(description="Only incidents on this place or site.")
    region_code_prefix = graphene.String(
        description="Region code prefix of the object: 14 = Shanxi, 140728 = 平遥县."
    )
    occurred_from = graphene.Date(description="Happened on or after this day.")
    occurred_to = graphene.Date(description="Happened on or before this day.")


def incident_filter(data: Any) -> lists.IncidentFilter:
    """A :class:`lists.IncidentFilter` from the GraphQL input."""
    values = dict(data or {})
    target = values.get("object")
    return lists.IncidentFilter(
        types=values.get("types") or (),
        severities=values.get("severities") or (),
        statuses=values.get("statuses") or (),
        object_id=decode_id(target, OBJECT_TYPES, "filter.object") if target else None,
        region_prefix=values.get("region_code_prefix"),
        occurred_from=values.get("occurred_from"),
        occurred_to=values.get("occurred_to"),
    )


class RecordQueries(graphene.ObjectType):
    """Root fields for records read across objects."""

    incidents = graphene.Field(
        IncidentConnection,
        filter=IncidentFilter(description="Conditions on the incidents."),
        description="Incidents in id order (surveyors and above; others get PERMISSION_DENIED).",
        **page_arguments(),
    )

    @staticmethod
    async def resolve_incidents(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        access.require(info.context, access.READ_INCIDENTS, "the incident list")
        query = lists.incidents(incident_filter(arguments.pop("filter", None)))
        return await keyset_connection(
            info, IncidentConnection, query, models.Incident.id, arguments
        )
