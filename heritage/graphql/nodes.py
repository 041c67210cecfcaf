"""Shared behaviour of node types backed by one ORM model."""

from __future__ import annotations

from typing import Any, ClassVar

import graphene

from heritage.db.base import Base
from heritage.graphql.context import ResolveInfo
from heritage.graphql.rows import is_model


class ModelNode(graphene.ObjectType):
    """Base of node types whose root value is an instance or a record of ``model``."""

    class Meta:
        abstract = True

    model: ClassVar[type[Base]]

    @classmethod
    def is_type_of(cls, root: Any, info: ResolveInfo) -> bool:
        return is_model(root, cls.model)

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> Any:
        if not db_id.isdigit():
            return None
        return await info.context.loaders.by_id(cls.model).load(int(db_id))
