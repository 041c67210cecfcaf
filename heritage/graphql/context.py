"""What every resolver receives as ``info.context``: sessions, the caller, loaders, settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import graphene

from heritage.context import Actor
from heritage.db.reads import Reader, Readers
from heritage.db.session import SessionFactory
from heritage.models import User
from heritage.models.vocab import UserRole
from heritage.settings import Settings

if TYPE_CHECKING:
    from heritage.graphql.dataloaders import Loaders
    from heritage.search.service import SearchService

log = logging.getLogger(__name__)


@dataclass
class RequestContext:
    """Per-request state. Loaders are created per request, so nothing is cached across users."""

    settings: Settings
    readers: Readers
    write_sessions: SessionFactory
    request_id: str
    user: User | None = None
    search: SearchService | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    _loaders: Loaders | None = None
    _reader: Reader | None = None
    _read_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _opening: asyncio.Task[None] | None = None

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

            self._loaders = Loaders(self.read)
        return self._loaders

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Reader]:
        """The request's reader, to one user at a time (resolvers run concurrently).

        One connection serves all of a request's reads (on SQLite one snapshot too): a page
        of sites and its loaders' batches do not take a pooled connection each. Do not await
        a loader inside ``read()``: its batch waits for this reader.
        """
        async with self._read_lock:
            if self._reader is None:
                self._reader = self.readers()
            yield self._reader

    def open_reads(self) -> None:
        """Start taking the read connection, for reads to come; returns at once.

        For a resolver about to wait on another server (the search engine): the connection
        is then ready when its answer arrives. A failure is left to the read that follows.
        """
        if self._reader is None and self._opening is None:
            self._opening = asyncio.ensure_future(self._open_reads())

    async def _open_reads(self) -> None:
        try:
            async with self.read() as reader:
                await reader.open()
        except Exception as exc:  # the next read meets it again and reports it
            log.debug("taking a read connection early failed: %s", exc)

    async def after_write(self) -> None:
        """A write committed: later reads start afresh (new snapshot, empty loader caches)."""
        await self.close()

    async def close(self) -> None:
        """Give the reader's connection back and drop the loaders with their caches; the view
        calls this after each operation."""
        # The loaders refer back to this context (they read through it): dropping them breaks
        # that cycle, so the request's records are freed now rather than by the collector.
        self._loaders = None
        opening, self._opening = self._opening, None
        if opening is not None:
            await opening  # never raises; it must not take a connection after this
        async with self._read_lock:
            if self._reader is not None:
                await self._reader.close()
                self._reader = None


class ResolveInfo(graphene.ResolveInfo):
    """``graphene.ResolveInfo`` with the registry's typed context."""

    context: RequestContext
