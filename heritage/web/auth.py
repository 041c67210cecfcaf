"""Who is calling: the ``Authorization: Bearer <token>`` header, shared by every endpoint."""

from __future__ import annotations

from starlette.requests import Request

from heritage.db.session import SessionFactory
from heritage.models import User
from heritage.services.users import authenticate


class UnauthenticatedError(Exception):
    """The request carries credentials that are malformed, unknown, revoked or expired."""


async def caller(request: Request, sessions: SessionFactory) -> User | None:
    """The user behind the request's bearer token; ``None`` for a request without one.

    A request that sends an ``Authorization`` header must send a valid token: a bad one is
    refused (:class:`UnauthenticatedError`) rather than served as anonymous, so a client with an
    expired token learns it at once.
    """
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError("use 'Authorization: Bearer <token>'")
    async with sessions() as session:
        user = await authenticate(session, token.strip())
    if user is None:
        raise UnauthenticatedError("the token is unknown, revoked or expired")
    return user
