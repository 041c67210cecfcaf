"""Users and their API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from heritage.db.base import Base, IdType, TimestampMixin, VersionedMixin, int_pk, str200
from heritage.db.enum_type import enum_column_type
from heritage.models.vocab import UserRole


class User(VersionedMixin, TimestampMixin, Base):
    """A person (or system account) who reads or writes the registry, with one role."""

    __tablename__ = "user_account"

    id: Mapped[int_pk]
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str200]
    role: Mapped[UserRole] = mapped_column(enum_column_type(UserRole))
    organisation: Mapped[str200 | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", lazy="raise")

    def search_roots(self) -> set[int]:
        """Users are not indexed."""
        return set()


class ApiToken(TimestampMixin, Base):
    """An API token (``Authorization: Bearer``). Only its SHA-256 is stored."""

    __tablename__ = "api_token"
    __redacted__ = frozenset({"token_hash"})

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str200]
    prefix: Mapped[str] = mapped_column(String(12), doc="First characters, to recognise it.")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens", lazy="raise")

    def search_roots(self) -> set[int]:
        """Tokens are not indexed."""
        return set()
