"""What every resolver receives as ``info.context``: sessions, the caller, loaders, settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import graphene
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.context import Actor
from heritage.db.session import SessionFactory
from heritage.models import User
from heritage.models.vocab import UserRole
from heritage.settings import Settings

if TYPE_CHECKING:
    from heritage.graphql.dataloaders import Loaders


@dataclass
class RequestContext:
    """Per-request state. Loaders are created per request, so nothing is cached across users."""

    settings: Settings
    read_sessions: SessionFactory
    write_sessions: SessionFactory
    request_id: str
    user: User | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    _loaders: Loaders | None = None

    @property
    def role(self) -> UserRole | None:
        """The caller's role; ``None`` for anonymous callers."""
        return self.user.role if self.user is not None else None

    def has_role(self, role: UserRole) -> bool:
        """True when the caller holds ``role`` or a role including it."""
        return self.role is not None and self.role.includes(role)

    @property
    def actor(self) -> Actor:
        """The author of this request's writes."""
        if self.user is None:
            return Actor(label="anonymous")
        return Actor(label=self.user.username, role=self.user.role, user_id=self.user.id)

    @property
    def loaders(self) -> Loaders:
        """This request's DataLoaders, created on first use."""
        if self._loaders is None:
            from heritage.graphql.dataloaders import Loaders

            self._loaders = Loaders(self.read_sessions)
        return self._loaders

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session (resolvers may run concurrently: one session each)."""
        async with self.read_sessions() as session:
            yield session


class ResolveInfo(graphene.ResolveInfo):
    """``graphene.ResolveInfo`` with the registry's typed context."""

    context: RequestContext
