"""Who is acting and in which request: set at the edge, read by the change history."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from heritage.models.vocab import UserRole


@dataclass(frozen=True, slots=True)
class Actor:
    """The author of a write: a user (with id and role) or a command-line login."""

    label: str
    role: UserRole | None = None
    user_id: int | None = None

    @classmethod
    def cli(cls, login: str) -> Actor:
        """The actor for a command run from a shell; it may do anything."""
        return cls(label=f"cli:{login}", role=UserRole.ADMINISTRATOR)


_actor: ContextVar[Actor | None] = ContextVar("heritage_actor", default=None)
_request_id: ContextVar[str | None] = ContextVar("heritage_request_id", default=None)


def current_actor() -> Actor | None:
    """The actor of the running request or command, if one is set."""
    return _actor.get()


def current_request_id() -> str | None:
    """The id of the running request or command, if one is set."""
    return _request_id.get()


@contextmanager
def acting_as(actor: Actor, request_id: str | None = None) -> Iterator[str]:
    """Attribute every write inside the block to ``actor`` under one request id."""
    rid = request_id or uuid.uuid4().hex
    actor_token = _actor.set(actor)
    request_token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(request_token)
        _actor.reset(actor_token)
