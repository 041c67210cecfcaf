"""The change history across the registry (protection officers and above)."""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import from_global_id

from heritage import models
from heritage.db.base import Base
from heritage.graphql import access
from heritage.graphql.connection import page_arguments
from heritage.graphql.context import ResolveInfo
from heritage.graphql.history.types import ChangeRecordConnection
from heritage.graphql.paging import keyset_connection
from heritage.services import lists
from heritage.services.errors import ErrorCode, ServiceError

# Node types not backed by one model of their own: places and sites share one table.
_TABLE_OF_TYPE = {"Place": "heritage_object", "Site": "heritage_object"}


class ChangeFilter(graphene.InputObjectType):
    """Which changes to list; every condition given must hold."""

    object = graphene.ID(description="Only changes of this record (any record's ID).")
    object_type = graphene.String(
        description="Only changes of rows of this table (heritage_object, plaque, incident …)."
    )
    actor_label = graphene.String(
        description="Only changes by this author (username, cli:<login>)."
    )
    occurred_from = graphene.DateTime(description="Made at or after this time.")
    occurred_to = graphene.DateTime(description="Made at or before this time.")


def _table_of(info: ResolveInfo, global_id: str) -> tuple[str, int]:
    """The table and row id behind a record's global ID."""
    try:
        type_name, raw = from_global_id(global_id)
    except Exception as exc:  # graphql_relay raises bare errors on bad base64
        raise ServiceError.single("filter.object", ErrorCode.INVALID, "not an ID") from exc
    named = info.schema.get_type(type_name) if type_name else None
    model = getattr(getattr(named, "graphene_type", None), "model", None)
    table = _TABLE_OF_TYPE.get(type_name) or getattr(model, "__tablename__", None)
    if table is None or not raw.isdigit():
        raise ServiceError.single(
            "filter.object", ErrorCode.INVALID, f"{global_id!r} is not the ID of a record"
        )
    return table, int(raw)


def change_filter(info: ResolveInfo, data: Any) -> lists.ChangeFilter:
    """A :class:`lists.ChangeFilter` from the GraphQL input, hiding what the caller may not see."""
    values = dict(data or {})
    object_type = values.get("object_type")
    if object_type is not None and object_type not in Base.metadata.tables:
        raise ServiceError.single(
            "filter.objectType", ErrorCode.INVALID, f"there is no table {object_type!r}"
        )
    object_id = None
    if values.get("object"):
        table, object_id = _table_of(info, values["object"])
        if object_type is not None and object_type != table:
            raise ServiceError.single(
                "filter.objectType", ErrorCode.INVALID, f"the record is a row of {table}"
            )
        object_type = table
    return lists.ChangeFilter(
        object_type=object_type,
        object_id=object_id,
        actor_label=values.get("actor_label"),
        occurred_from=values.get("occurred_from"),
        occurred_to=values.get("occurred_to"),
        hidden_tables=access.hidden_change_tables(info.context),
    )


class HistoryQueries(graphene.ObjectType):
    """Root fields for the change history."""

    changes = graphene.Field(
        ChangeRecordConnection,
        filter=ChangeFilter(description="Conditions on the changes."),
        description="Every write, oldest first (use last for the newest). Protection officers "
        "and above; changes of users and tokens for administrators only.",
        **page_arguments(),
    )

    @staticmethod
    async def resolve_changes(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        access.require(info.context, access.READ_CHANGES, "the change history")
        query = lists.changes(change_filter(info, arguments.pop("filter", None)))
        return await keyset_connection(
            info, ChangeRecordConnection, query, models.ChangeRecord.id, arguments
        )
