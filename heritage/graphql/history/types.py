"""GraphQL type of the change history (protection officers and above)."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.graphql import access
from heritage.graphql.connection import connection_for
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import columns_mixin
from heritage.graphql.nodes import ModelNode

ChangeColumns: Any = columns_mixin(
    "ChangeColumns",
    inspect(models.ChangeRecord),
    [
        "occurred_at",
        "actor_label",
        "request_id",
        "action",
        "object_type",
        "object_version",
        "before",
        "after",
    ],
    {"before": graphene.JSONString, "after": graphene.JSONString},
)


class ChangeRecord(ChangeColumns, ModelNode):
    """One write to one record: who, when, in which request, and the values before and after.
    Visible to protection officers and above; changes of users and tokens to administrators."""

    model = models.ChangeRecord

    class Meta:
        interfaces = (relay.Node,)

    object_database_id = graphene.Int(
        required=True, description="Database id of the changed row in its table."
    )

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> Any:
        if not info.context.has_role(access.READ_CHANGES):
            return None
        change: models.ChangeRecord | None = await super().get_node(info, db_id)
        if change is None or change.object_type in access.hidden_change_tables(info.context):
            return None
        return change

    @staticmethod
    def resolve_object_database_id(root: models.ChangeRecord, info: ResolveInfo) -> int:
        return root.object_id


ChangeRecordConnection = connection_for(ChangeRecord)
