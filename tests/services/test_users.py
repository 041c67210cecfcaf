"""Users, roles and API tokens stored hashed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.context import Actor
from heritage.models import ApiToken, ChangeRecord
from heritage.models.vocab import UserRole
from heritage.services.errors import ErrorCode, ServiceError
from heritage.services.users import (
    TokenCreate,
    UserCreate,
    UserFields,
    authenticate,
    create_token,
    create_user,
    revoke_token,
    update_user,
)


async def test_a_token_authenticates_its_user_and_is_stored_only_hashed(
    session: AsyncSession,
) -> None:
    user = await create_user(
        session, UserCreate(username="surveyor1", display_name="调查员", role=UserRole.SURVEYOR)
    )
    token, raw = await create_token(session, TokenCreate(user_id=user.id, name="field tablet"))

    assert raw.startswith("hr_")
    assert len(raw) > 40
    assert raw not in token.token_hash
    assert await authenticate(session, raw) is user
    assert await authenticate(session, raw + "x") is None
    history = await session.scalar(
        select(ChangeRecord).where(
            ChangeRecord.object_type == "api_token", ChangeRecord.object_id == token.id
        )
    )
    assert history is not None
    assert history.after is not None
    assert history.after["token_hash"] == "<redacted>"


async def test_revoked_expired_and_inactive_tokens_are_refused(session: AsyncSession) -> None:
    user = await create_user(
        session,
        UserCreate(username="officer", display_name="科长", role=UserRole.PROTECTION_OFFICER),
    )
    revoked, revoked_raw = await create_token(session, TokenCreate(user_id=user.id, name="old"))
    await revoke_token(session, revoked.id)
    expiring, expiring_raw = await create_token(
        session,
        TokenCreate(
            user_id=user.id,
            name="short",
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        ),
    )
    expiring.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    _, active_raw = await create_token(session, TokenCreate(user_id=user.id, name="now"))

    assert await authenticate(session, revoked_raw) is None
    assert await authenticate(session, expiring_raw) is None
    assert await authenticate(session, active_raw) is user

    await update_user(session, user.id, user.version, UserFields(is_active=False))
    assert await authenticate(session, active_raw) is None


async def test_usernames_are_unique(session: AsyncSession) -> None:
    await create_user(
        session, UserCreate(username="a1", display_name="A", role=UserRole.RESEARCHER)
    )

    with pytest.raises(ServiceError) as caught:
        await create_user(
            session, UserCreate(username="a1", display_name="B", role=UserRole.RESEARCHER)
        )

    assert [p.code for p in caught.value.problems] == [ErrorCode.USERNAME_TAKEN]
    assert len((await session.scalars(select(ApiToken))).all()) == 0


def test_roles_include_the_rights_of_the_roles_below() -> None:
    assert UserRole.ADMINISTRATOR.includes(UserRole.SURVEYOR)
    assert UserRole.PROTECTION_OFFICER.includes(UserRole.SURVEYOR)
    assert not UserRole.SURVEYOR.includes(UserRole.PROTECTION_OFFICER)
    assert not UserRole.RESEARCHER.includes(UserRole.SURVEYOR)


async def test_a_user_may_revoke_their_own_token_but_not_someone_elses(
    session: AsyncSession,
) -> None:
    owner = await create_user(
        session, UserCreate(username="owner", display_name="O", role=UserRole.SURVEYOR)
    )
    other = await create_user(
        session, UserCreate(username="other", display_name="X", role=UserRole.PROTECTION_OFFICER)
    )
    token, raw = await create_token(session, TokenCreate(user_id=owner.id, name="tablet"))
    spare, _ = await create_token(session, TokenCreate(user_id=owner.id, name="spare"))

    with pytest.raises(ServiceError) as caught:
        await revoke_token(session, token.id, by=Actor("other", other.role, other.id))
    assert [p.code for p in caught.value.problems] == [ErrorCode.PERMISSION_DENIED]
    assert await authenticate(session, raw) is owner

    await revoke_token(session, token.id, by=Actor("owner", owner.role, owner.id))
    await revoke_token(session, spare.id, by=Actor("admin", UserRole.ADMINISTRATOR, None))

    assert await authenticate(session, raw) is None
    assert spare.revoked_at is not None


async def test_the_last_active_administrator_is_neither_demoted_nor_deactivated(
    session: AsyncSession,
) -> None:
    first = await create_user(
        session, UserCreate(username="admin1", display_name="一", role=UserRole.ADMINISTRATOR)
    )

    for change, field in (
        (UserFields(role=UserRole.RESEARCHER), "role"),
        (UserFields(is_active=False), "isActive"),
    ):
        with pytest.raises(ServiceError) as caught:
            await update_user(session, first.id, first.version, change)
        assert [(p.field, p.code) for p in caught.value.problems] == [
            (field, ErrorCode.LAST_ADMINISTRATOR)
        ]
    assert (first.role, first.is_active) == (UserRole.ADMINISTRATOR, True)

    # With a second administrator the first may step down; then the second is the last one.
    second = await create_user(
        session, UserCreate(username="admin2", display_name="二", role=UserRole.ADMINISTRATOR)
    )
    await update_user(session, first.id, first.version, UserFields(role=UserRole.RESEARCHER))
    assert first.role == UserRole.RESEARCHER
    with pytest.raises(ServiceError):
        await update_user(session, second.id, second.version, UserFields(is_active=False))
    # Renaming the last administrator is no demotion.
    renamed = await update_user(session, second.id, second.version, UserFields(display_name="贰"))
    assert renamed.display_name == "贰"
