"""Users, roles and API tokens. Tokens are shown once and stored only as a SHA-256 hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Annotated

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from heritage.context import Actor
from heritage.db.base import utcnow
from heritage.models import ApiToken, User
from heritage.models.vocab import UserRole
from heritage.services.checks import check_version, not_found
from heritage.services.errors import ErrorCode, Problems, ServiceError
from heritage.services.inputs import Input, apply_given

TOKEN_PREFIX = "hr_"


class UserFields(Input):
    """Editable fields of a user."""

    display_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    role: UserRole | None = None
    organisation: Annotated[str, Field(max_length=200)] | None = None
    is_active: bool | None = None


class UserCreate(UserFields):
    """A new user."""

    username: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@-]{2,80}$")]
    display_name: Annotated[str, Field(min_length=1, max_length=200)]
    role: UserRole


class TokenCreate(Input):
    """A new API token for a user."""

    user_id: int
    name: Annotated[str, Field(min_length=1, max_length=200)]
    expires_at: dt.datetime | None = None


def hash_token(raw: str) -> str:
    """The stored form of a token. Tokens are 256 random bits, so a plain hash suffices."""
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_user(session: AsyncSession, data: UserCreate) -> User:
    """Add a user with a role."""
    problems = Problems()
    if await session.scalar(select(User.id).where(User.username == data.username)) is not None:
        problems.add("username", ErrorCode.USERNAME_TAKEN, f"{data.username!r} is taken")
    problems.raise_if_any()
    user = User(username=data.username, is_active=True)
    apply_given(user, data, set(UserFields.model_fields))
    session.add(user)
    await session.flush()
    return user


async def update_user(session: AsyncSession, user_id: int, version: int, data: UserFields) -> User:
    """Change a user's role, name or organisation, or deactivate them.

    The last active administrator can be neither demoted nor deactivated: nobody could manage
    users and tokens any more (the command line's ``heritage user create`` aside).
    """
    user = await get_user(session, user_id)
    problems = Problems()
    check_version(problems, user.version, version)
    problems.raise_if_any()
    if _is_active_administrator(user) and (
        (data.role is not None and data.role != UserRole.ADMINISTRATOR) or data.is_active is False
    ):
        await _keep_an_administrator(session, user, "role" if data.role else "isActive")
    apply_given(user, data, set(UserFields.model_fields))
    await session.flush()
    return user


def _is_active_administrator(user: User) -> bool:
    return user.is_active and user.role == UserRole.ADMINISTRATOR


async def _keep_an_administrator(session: AsyncSession, leaving: User, field: str) -> None:
    """Refuse to let ``leaving`` stop being an administrator if no other active one remains.

    The active administrators' rows are locked in id order first (PostgreSQL), so two
    administrators demoting each other at once are serialised and the second sees the first's
    change; SQLite's writes are serialised already.
    """
    others = await session.scalars(
        select(User.id)
        .where(User.role == UserRole.ADMINISTRATOR, User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    )
    if not [user_id for user_id in others if user_id != leaving.id]:
        raise ServiceError.single(
            field,
            ErrorCode.LAST_ADMINISTRATOR,
            f"{leaving.username} is the last active administrator: make another user an "
            "administrator first",
        )


async def get_user(session: AsyncSession, user_id: int) -> User:
    """The user with ``user_id``, or NOT_FOUND."""
    user = await session.get(User, user_id)
    if user is None:
        raise not_found("user", user_id)
    return user


async def user_by_name(session: AsyncSession, username: str) -> User:
    """The user called ``username``, or NOT_FOUND."""
    user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        raise not_found("user", username, "username")
    return user


async def create_token(session: AsyncSession, data: TokenCreate) -> tuple[ApiToken, str]:
    """Issue a token; the raw value is returned once and never stored."""
    user = await get_user(session, data.user_id)
    problems = Problems()
    if data.expires_at is not None and data.expires_at <= utcnow():
        problems.add("expiresAt", ErrorCode.INVALID, "the expiry must lie in the future")
    problems.raise_if_any()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=data.name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(raw),
        expires_at=data.expires_at,
    )
    session.add(token)
    await session.flush()
    return token, raw


async def revoke_token(session: AsyncSession, token_id: int, by: Actor | None = None) -> ApiToken:
    """Revoke a token at once. When ``by`` is given, only an administrator or the token's
    owner may revoke it (a lost token must be revocable without waiting for an admin)."""
    token = await session.get(ApiToken, token_id)
    if token is None:
        raise not_found("API token", token_id)
    is_admin = by is not None and by.role is not None and by.role.includes(UserRole.ADMINISTRATOR)
    if by is not None and not is_admin and (by.user_id is None or by.user_id != token.user_id):
        raise ServiceError.single(
            "id", ErrorCode.PERMISSION_DENIED, "only its owner or an administrator may revoke it"
        )
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        await session.flush()
    return token


async def authenticate(session: AsyncSession, raw: str) -> User | None:
    """The active user owning a valid (unrevoked, unexpired) token, else ``None``."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = await session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(raw))
        .options(selectinload(ApiToken.user))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token.user
