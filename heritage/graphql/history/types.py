"""GraphQL type of the change history."""

from __future__ import annotations

from typing import Any

import graphene
from sqlalchemy import inspect

from heritage import models
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
    """One write to one record: who, when, in which request, and the values before and after."""

    model = models.ChangeRecord
