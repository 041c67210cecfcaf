"""The schema: root Query and Mutation composed from per-domain parts."""

from __future__ import annotations

import inspect
from typing import Any

import graphene
from graphene import relay

from heritage.graphql.accounts.mutations import AccountMutations
from heritage.graphql.accounts.queries import AccountQueries
from heritage.graphql.designations.mutations import DesignationMutations
from heritage.graphql.history.queries import HistoryQueries
from heritage.graphql.media.mutations import MediaMutations
from heritage.graphql.objects.mutations import ObjectMutations
from heritage.graphql.objects.queries import ObjectQueries
from heritage.graphql.records.mutations import RecordMutations
from heritage.graphql.records.queries import RecordQueries
from heritage.graphql.search.queries import SearchQueries
from heritage.graphql.works.mutations import WorksMutations
from heritage.graphql.works.queries import WorksQueries


class Query(
    ObjectQueries,
    RecordQueries,
    WorksQueries,
    HistoryQueries,
    AccountQueries,
    SearchQueries,
    graphene.ObjectType,
):
    """Read the registry: places, sites, designations and their histories.

    Public, anonymous callers included: places, sites, designations, surveys, mapping
    records, plaques, archive items, works projects, craftsmen and media. Restricted:
    incidents and craftsmen's telephones (surveyors and above), the change history
    (protection officers and above), users and API tokens (administrators; each user
    their own, through me). A restricted record asked for by node(id:) reads as null.
    """

    node = graphene.Field(
        relay.Node,
        id=graphene.ID(required=True, description="The global ID of the record."),
        description="Any record by its global ID; null when unknown or not visible to you.",
    )

    @staticmethod
    async def resolve_node(root: None, info: Any, id: str) -> Any:
        try:
            found = relay.Node.get_node_from_global_id(info, id)
        except Exception:  # graphene raises bare Exceptions for malformed IDs and unknown types
            return None
        return await found if inspect.isawaitable(found) else found


class Mutation(
    DesignationMutations,
    ObjectMutations,
    RecordMutations,
    WorksMutations,
    AccountMutations,
    MediaMutations,
    graphene.ObjectType,
):
    """Change the registry. Every mutation returns typed errors and writes nothing on error."""


def build_schema() -> graphene.Schema:
    """The registry's GraphQL schema."""
    from heritage.graphql.accounts import types as accounts
    from heritage.graphql.history import types as history
    from heritage.graphql.media import types as media
    from heritage.graphql.records import types as records
    from heritage.graphql.works import types as works

    extra: list[Any] = [
        records.SurveyRecord,
        records.MappingRecord,
        records.Plaque,
        records.ArchiveItem,
        records.Incident,
        works.Intervention,
        works.Craftsman,
        media.MediaAsset,
        history.ChangeRecord,
        accounts.User,
        accounts.ApiToken,
    ]
    return graphene.Schema(query=Query, mutation=Mutation, types=extra)


def schema_sdl() -> str:
    """The schema in SDL, as committed in ``schema/heritage.graphql``."""
    return str(build_schema()).rstrip() + "\n"
