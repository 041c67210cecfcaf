"""Queries of users: the list (administrators) and the caller's own account."""

from __future__ import annotations

from typing import Any

import graphene

from heritage import models
from heritage.graphql import access, enums
from heritage.graphql.accounts.types import User, UserConnection
from heritage.graphql.connection import page_arguments
from heritage.graphql.context import ResolveInfo
from heritage.graphql.paging import keyset_connection
from heritage.services import lists


class UserFilter(graphene.InputObjectType):
    """Which users to list; every condition given must hold."""

    roles = graphene.List(graphene.NonNull(enums.UserRole), description="Any of these roles.")
    is_active = graphene.Boolean(description="Only users who may (true) or may not sign in.")


class AccountQueries(graphene.ObjectType):
    """Root fields for users."""

    users = graphene.Field(
        UserConnection,
        filter=UserFilter(description="Conditions on the users."),
        description="Users in id order (administrators; others get PERMISSION_DENIED).",
        **page_arguments(),
    )
    me = graphene.Field(User, description="The caller's own user; null for anonymous callers.")

    @staticmethod
    async def resolve_users(root: None, info: ResolveInfo, **arguments: Any) -> Any:
        access.require(info.context, access.READ_ACCOUNTS, "the user list")
        values = dict(arguments.pop("filter", None) or {})
        query = lists.users(
            lists.UserFilter(roles=values.get("roles") or (), is_active=values.get("is_active"))
        )
        return await keyset_connection(info, UserConnection, query, models.User.id, arguments)

    @staticmethod
    def resolve_me(root: None, info: ResolveInfo) -> models.User | None:
        return info.context.user
