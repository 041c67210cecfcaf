"""GraphQL types of users and API tokens."""

from __future__ import annotations

from typing import Any

from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.graphql.connection import connection_for
from heritage.graphql.fields import columns_mixin
from heritage.graphql.nodes import ModelNode

UserColumns: Any = columns_mixin(
    "UserColumns",
    inspect(models.User),
    ["username", "display_name", "role", "organisation", "is_active", "version", "created_at"],
)


class User(UserColumns, ModelNode):
    """A person or system account with a role."""

    model = models.User

    class Meta:
        interfaces = (relay.Node,)


TokenColumns: Any = columns_mixin(
    "TokenColumns",
    inspect(models.ApiToken),
    ["name", "prefix", "expires_at", "revoked_at", "created_at"],
)


class ApiToken(TokenColumns, ModelNode):
    """An API token; its secret is shown once, when it is created."""

    model = models.ApiToken

    class Meta:
        interfaces = (relay.Node,)


UserConnection = connection_for(User)
