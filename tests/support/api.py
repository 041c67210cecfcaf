"""A running registry app on its own database, and a client that speaks GraphQL to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from heritage.context import Actor
from heritage.db.engine import create_engine
from heritage.db.session import make_session_factory
from heritage.models.vocab import UserRole
from heritage.services.users import TokenCreate, UserCreate, create_token, create_user
from heritage.settings import Settings
from heritage.web.app import create_app

SETUP_ACTOR = Actor(label="test-setup", role=UserRole.ADMINISTRATOR)


@dataclass
class Api:
    """GraphQL over HTTP against the app, with one token per role."""

    client: httpx.AsyncClient
    database_url: str
    tokens: dict[UserRole, str]
    app: ASGIApp | None = None

    async def post(self, body: Any, role: UserRole | None = None, **headers: str) -> httpx.Response:
        """POST a raw body (an operation or a batch)."""
        if role is not None:
            headers["authorization"] = f"Bearer {self.tokens[role]}"
        return await self.client.post("/graphql", json=body, headers=headers)

    async def query(
        self, document: str, variables: dict[str, Any] | None = None, role: UserRole | None = None
    ) -> dict[str, Any]:
        """Run one operation and return the JSON answer (``data`` and maybe ``errors``)."""
        response = await self.post({"query": document, "variables": variables or {}}, role)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def data(
        self, document: str, variables: dict[str, Any] | None = None, role: UserRole | None = None
    ) -> dict[str, Any]:
        """Run one operation that must not fail; return its ``data``."""
        answer = await self.query(document, variables, role)
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A committed write session on the app's database, for setting up data directly."""
        engine = create_engine(Settings(database_url=self.database_url))
        try:
            async with make_session_factory(engine)() as session:
                session.info["actor"] = SETUP_ACTOR
                yield session
                await session.commit()
        finally:
            await engine.dispose()


@asynccontextmanager
async def running_api(database_url: str, **settings: Any) -> AsyncIterator[Api]:
    """Start the app on ``database_url`` with one user and token per role.

    ``settings`` are further :class:`Settings` fields, e.g. ``media_root``.
    """
    tokens: dict[UserRole, str] = {}
    api_for_setup = Api(client=None, database_url=database_url, tokens={})  # type: ignore[arg-type]
    async with api_for_setup.session() as session:
        for role in UserRole:
            user = await create_user(
                session,
                UserCreate(username=role.value.lower(), display_name=role.label, role=role),
            )
            _, tokens[role] = await create_token(session, TokenCreate(user_id=user.id, name="t"))
    app = create_app(Settings(database_url=database_url, **settings))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://registry"
        ) as client,
    ):
        yield Api(client=client, database_url=database_url, tokens=tokens, app=manager.app)
