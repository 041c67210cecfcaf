"""The web app starts on a migrated database and reports its health."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from heritage.settings import Settings
from heritage.web.app import create_app


async def test_health_reports_the_database(migrated_url: str) -> None:
    app = create_app(Settings(database_url=migrated_url))

    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://registry"
        ) as client,
    ):
        response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_says_when_the_database_is_unreachable() -> None:
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/none"))

    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://registry"
        ) as client,
    ):
        response = await client.get("/health")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
