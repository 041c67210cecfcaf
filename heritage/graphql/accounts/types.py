"""GraphQL types of users and API tokens: administrators see all, each user themself."""

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

UserColumns: Any = columns_mixin(
    "UserColumns",
    inspect(models.User),
    ["username", "display_name", "role", "organisation", "is_active", "version", "created_at"],
)


class User(UserColumns, ModelNode):
    """A person or system account with a role. Visible to administrators and to the user."""

    model = models.User

    class Meta:
        interfaces = (relay.Node,)

    tokens = graphene.List(
        graphene.NonNull(lambda: ApiToken),
        required=True,
        description="The user's API tokens, revoked ones included (never their secrets).",
    )

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> Any:
        if not db_id.isdigit() or not access.may_see_user(info.context, int(db_id)):
            return None
        return await super().get_node(info, db_id)

    @staticmethod
    async def resolve_tokens(root: models.User, info: ResolveInfo) -> Any:
        if not access.may_see_user(info.context, root.id):
            return []
        loader = info.context.loaders.rows(
            models.ApiToken, models.ApiToken.user_id, name="ApiTokensByUserLoader"
        )
        return await loader.load(root.id)


TokenColumns: Any = columns_mixin(
    "TokenColumns",
    inspect(models.ApiToken),
    ["name", "prefix", "expires_at", "revoked_at", "created_at"],
)


class ApiToken(TokenColumns, ModelNode):
    """An API token; its secret is shown once, when it is created. Visible to administrators
    and to its owner."""

    model = models.ApiToken

    class Meta:
        interfaces = (relay.Node,)

    user = graphene.Field(graphene.NonNull(User), description="The user the token acts as.")

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> Any:
        token: models.ApiToken | None = await super().get_node(info, db_id)
        if token is None or not access.may_see_user(info.context, token.user_id):
            return None
        return token

    @staticmethod
    async def resolve_user(root: models.ApiToken, info: ResolveInfo) -> Any:
        return await info.context.loaders.users.load(root.user_id)


UserConnection = connection_for(User)
