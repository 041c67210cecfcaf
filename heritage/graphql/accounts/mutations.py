"""Mutations of users and API tokens."""

from __future__ import annotations

from typing import Any

import graphene
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.graphql.accounts.types import ApiToken, User
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import input_type
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import service_input
from heritage.graphql.mutation import RecordUpdate, RegistryMutation, record_arguments, root_field
from heritage.models.vocab import UserRole
from heritage.services import users
from heritage.services.errors import RuleWarning
from heritage.services.inputs import parse_input

UserCreateInput = input_type(users.UserCreate, "UserCreateInput")
UserUpdateInput = input_type(users.UserFields, "UserUpdateInput")
ApiTokenCreateInput = input_type(users.TokenCreate, "ApiTokenCreateInput", ids={"user_id": "User"})


class _AccountMutation(RegistryMutation):
    class Meta:
        abstract = True

    domain = "Account"
    required_role = UserRole.ADMINISTRATOR


class UserCreate(_AccountMutation):
    """Add a user with a role."""

    class Arguments:
        input = UserCreateInput(required=True, description="The new user.")

    user = graphene.Field(User, description="The new user.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        data = parse_input(users.UserCreate, service_input(arguments["input"]), "input")
        return {"user": await users.create_user(session, data)}


class UserUpdate(RecordUpdate):
    """Change a user's role, name or organisation, or stop them signing in (isActive false)."""

    domain = "Account"
    required_role = UserRole.ADMINISTRATOR
    node_type = "User"
    input_model = users.UserFields
    apply = users.update_user
    payload = "user"
    Arguments = record_arguments("The user.", UserUpdateInput)

    user = graphene.Field(User, description="The user after the change.")


class ApiTokenCreate(_AccountMutation):
    """Issue an API token for a user; its secret is in rawToken, in this answer only."""

    class Arguments:
        input = ApiTokenCreateInput(required=True, description="Whose token, its name, expiry.")

    api_token = graphene.Field(ApiToken, description="The issued token (without its secret).")
    raw_token = graphene.String(
        description="The secret to send as 'Authorization: Bearer <rawToken>'. Shown once, "
        "here only: the registry keeps just its hash, so store it now."
    )

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = service_input(arguments["input"], {"user_id": ("User",)})
        data = parse_input(users.TokenCreate, values, "input")
        token, raw = await users.create_token(session, data)
        return {"api_token": token, "raw_token": raw}


class ApiTokenRevoke(_AccountMutation):
    """Revoke an API token at once; administrators revoke any token, every user their own."""

    # Any signed-in user may call it; the service refuses someone else's token.
    required_role = UserRole.RESEARCHER

    class Meta:
        description = (
            "Revoke an API token at once. Administrators may revoke any token; every "
            "signed-in user may revoke their own (PERMISSION_DENIED for someone else's)."
        )

    class Arguments:
        id = graphene.ID(required=True, description="The token.")

    api_token = graphene.Field(ApiToken, description="The revoked token.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        token_id = decode_id(arguments["id"], ("ApiToken",))
        token = await users.revoke_token(session, token_id, by=info.context.actor)
        return {"api_token": token}


class AccountMutations(graphene.ObjectType):
    """Root mutation fields for users and API tokens."""

    user_create = root_field(UserCreate)
    user_update = root_field(UserUpdate)
    api_token_create = root_field(ApiTokenCreate)
    api_token_revoke = root_field(ApiTokenRevoke)
