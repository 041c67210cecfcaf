"""GraphiQL works in a real browser with no network but the app: Debian's Chromium, headless.

The app runs under uvicorn on a free localhost port (in a thread, on a migrated SQLite
registry with one site and a protection officer's token); Playwright drives Chromium
(``/usr/bin/chromium``, never a downloaded browser) like a person would: typing into the
editors and pressing the run button.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import BrowserContext, Page, Request, async_playwright, expect

from heritage.db import migrate
from heritage.db.engine import create_engine
from heritage.db.session import make_session_factory
from heritage.models.vocab import UserRole
from heritage.services.users import TokenCreate, UserCreate, create_token, create_user
from heritage.settings import Settings
from heritage.web.app import create_app
from tests.support.api import SETUP_ACTOR
from tests.support.factories import make_site

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SITE_NAME = "佛宫寺释迦塔"
QUERY = "{ sites(first: 1) { totalCount edges { node { name changes { action } } } } }"


@dataclass
class Registry:
    """The running app: where it listens and a token that may see change histories."""

    url: str
    officer_token: str


async def _seed(database_url: str) -> str:
    await migrate.upgrade(database_url)
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with make_session_factory(engine)() as session:
            session.info["actor"] = SETUP_ACTOR
            await make_site(session, SITE_NAME)
            officer = await create_user(
                session,
                UserCreate(
                    username="officer", display_name="文保员", role=UserRole.PROTECTION_OFFICER
                ),
            )
            _, token = await create_token(session, TokenCreate(user_id=officer.id, name="t"))
            await session.commit()
    finally:
        await engine.dispose()
    return token


@pytest.fixture
async def registry(tmp_path: Path) -> AsyncIterator[Registry]:
    """The app under uvicorn on 127.0.0.1, with its own event loop in a thread."""
    database_url = Settings(database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}").database_url
    token = await _seed(database_url)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(Settings(database_url=database_url)), ws="none", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started or not thread.is_alive():
                break
            await asyncio.sleep(0.01)
        assert server.started, "uvicorn did not start"
        yield Registry(url=f"http://127.0.0.1:{port}", officer_token=token)
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)
        listener.close()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """Headless Chromium with a fresh profile and its background traffic switched off."""
    if not HAVE_CHROMIUM:
        pytest.fail(f"{CHROMIUM} is missing: scripts/bootstrap --dev installs Debian's chromium")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        try:
            yield context
        finally:
            await context.close()


async def _type_into(page: Page, editor: str, text: str) -> None:
    await page.locator(f"{editor} .CodeMirror").locator("visible=true").click()
    await page.keyboard.press("Control+A")
    await page.keyboard.type(text)


async def test_graphiql_runs_a_query_offline_and_sends_the_token(
    registry: Registry, browser: BrowserContext
) -> None:
    requests: list[Request] = []
    browser.on("request", lambda request: requests.append(request))
    page = browser.pages[0] if browser.pages else await browser.new_page()
    result = page.locator(".graphiql-response")

    await page.goto(f"{registry.url}/graphql")
    await _type_into(page, ".graphiql-query-editor", QUERY)
    await page.locator(".graphiql-execute-button").click()

    await expect(result).to_contain_text(SITE_NAME)
    assert '"changes": []' in await result.inner_text()  # anonymous callers see no history

    # With a protection officer's token in the headers editor, the history shows.
    header = json.dumps({"Authorization": f"Bearer {registry.officer_token}"})
    await _type_into(page, ".graphiql-editor-tool", header)
    await page.locator(".graphiql-execute-button").click()

    await expect(result).to_contain_text('"action": "CREATE"')
    assert SITE_NAME in await result.inner_text()
    posts = [request for request in requests if request.method == "POST"]
    assert posts[-1].headers["authorization"] == f"Bearer {registry.officer_token}"
    assert len(requests) >= 7  # the page, four files, introspection and both runs
    assert all(request.url.startswith(f"{registry.url}/") for request in requests), [
        request.url for request in requests
    ]
