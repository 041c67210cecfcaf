"""GraphiQL is served by the app itself: the page names only local files, and they are there."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager
from graphql import get_introspection_query

from heritage.settings import Settings
from heritage.web.app import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class _Page(HTMLParser):
    """The URLs a page makes the browser load, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in ("src", "href"):
            value = attributes.get(name)
            if value is not None:
                self.urls.append(value)
        self._in_inline_script = tag == "script" and "src" not in attributes

    def handle_endtag(self, tag: str) -> None:
        self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts.append(data)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app; the page, its files and introspection never touch the database."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}"))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://registry"
        ) as client,
    ):
        yield client


async def _page(client: httpx.AsyncClient) -> tuple[httpx.Response, _Page]:
    response = await client.get("/graphql", headers={"accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _Page()
    page.feed(response.text)
    return response, page


async def test_the_page_loads_only_files_the_app_serves(client: httpx.AsyncClient) -> None:
    response, page = await _page(client)

    assert not re.search(r"(https?:)?//[a-z0-9]", response.text, re.IGNORECASE)
    files = [url for url in page.urls if not url.startswith("data:")]
    assert {Path(urlsplit(url).path).suffix for url in files} == {".js", ".css"}
    for url in files:
        parts = urlsplit(url)
        assert not parts.scheme, url
        assert not parts.netloc, url
        assert parts.path.startswith("/"), url
        served = await client.get(url)
        assert served.status_code == 200, url
        assert len(served.content) > 1000, url


async def test_the_stylesheet_embeds_its_fonts_and_images(client: httpx.AsyncClient) -> None:
    _, page = await _page(client)
    [stylesheet] = [url for url in page.urls if urlsplit(url).path.endswith(".css")]

    css = (await client.get(stylesheet)).text

    references = re.findall(r"url\(\s*['\"]?([^'\")]*)", css) + re.findall(r"@import", css)
    assert references, "the stylesheet should carry its fonts"
    assert all(reference.startswith("data:") for reference in references), references


async def test_the_policy_keeps_the_page_on_its_own_origin(client: httpx.AsyncClient) -> None:
    response, page = await _page(client)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )

    assert policy["default-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    [script] = page.inline_scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy["script-src"].split()


async def test_the_bundle_is_compressed_for_slow_office_networks(
    client: httpx.AsyncClient,
) -> None:
    _, page = await _page(client)
    [bundle] = [url for url in page.urls if urlsplit(url).path.endswith("/graphiql.min.js")]

    response = await client.get(bundle, headers={"accept-encoding": "gzip"})

    assert response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded < len(response.content) / 2


async def test_a_get_without_html_is_told_to_post(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "application/json"})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in error["message"]


async def test_graphiqls_introspection_query_passes_the_limits(
    client: httpx.AsyncClient,
) -> None:
    query = get_introspection_query(
        descriptions=True, input_value_deprecation=True, schema_description=True
    )

    response = await client.post("/graphql", json={"query": query})

    answer = response.json()
    assert "errors" not in answer, answer["errors"]
    names = {named["name"] for named in answer["data"]["__schema"]["types"]}
    assert {"Query", "Mutation", "Site", "Place"} <= names
