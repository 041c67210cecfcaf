"""GraphQL type of designations."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.graphql import enums
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import columns_mixin
from heritage.graphql.nodes import ModelNode

DesignationColumns: Any = columns_mixin(
    "DesignationColumns",
    inspect(models.Designation),
    [
        "designation_type",
        "protection_level",
        "scope",
        "status",
        "authority",
        "announcement_kind",
        "batch_no",
        "announced_on",
        "doc_no",
        "official_code",
        "original_category",
        "valid_from",
        "valid_to",
        "remedy_deadline",
        "source_url",
        "notes",
        "version",
        "created_at",
    ],
)


class Designation(DesignationColumns, ModelNode):
    """A protection title of a place or site; rows are closed, never overwritten."""

    model = models.Designation

    class Meta:
        interfaces = (relay.Node,)

    in_force = graphene.Boolean(
        required=True, description="True while active or on the endangered list."
    )
    heritage_object = graphene.Field(
        graphene.NonNull("heritage.graphql.objects.types.HeritageObject"),
        description="The designated place or site.",
    )
    superseded_by = graphene.Field(
        lambda: Designation, description="The designation that replaced this one, if any."
    )
    level_label = graphene.String(description="Chinese name of the designation type.")

    @staticmethod
    def resolve_in_force(root: models.Designation, info: ResolveInfo) -> bool:
        return root.status.is_in_force

    @staticmethod
    def resolve_level_label(root: models.Designation, info: ResolveInfo) -> str:
        return enums.label_of(root.designation_type)

    @staticmethod
    async def resolve_heritage_object(root: models.Designation, info: ResolveInfo) -> Any:
        return await info.context.loaders.objects.load(root.object_id)

    @staticmethod
    async def resolve_superseded_by(root: models.Designation, info: ResolveInfo) -> Any:
        if root.superseded_by_id is None:
            return None
        return await info.context.loaders.by_id(models.Designation).load(root.superseded_by_id)
