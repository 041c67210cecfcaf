"""The schema: root Query and Mutation composed from per-domain parts."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from heritage.graphql.designations.mutations import DesignationMutations
from heritage.graphql.objects.mutations import ObjectMutations
from heritage.graphql.objects.queries import ObjectQueries


class Query(ObjectQueries, graphene.ObjectType):
    """Read the registry: places, sites, designations and their histories."""

    node = relay.Node.Field(description="Any record by its global ID.")


class Mutation(DesignationMutations, ObjectMutations, graphene.ObjectType):
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
