"""An Elasticsearch outage: writes keep succeeding, searches answer from the database, and once
the engine is back the index converges with nothing missing (``heritage search check``).

A second engine of its own (another port and home, started and stopped through
``scripts/engine-start`` / ``engine-stop``) is used, so the shared node stays up.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from heritage import cli
from heritage.db import migrate
from heritage.search.elastic import ElasticsearchBackend
from heritage.settings import Settings
from tests.search.support import (
    CREATE_BUILDING,
    add_surveyor,
    drop_indices,
    running_app,
    search_settings,
)
from tests.support.api import Api

pytestmark = pytest.mark.elasticsearch

REPO = Path(__file__).resolve().parents[2]

COUNT = """
query($text: String) { search(text: $text, first: 50) { source degraded totalCount } }
"""

UPDATE = """
mutation Update($id: ID!, $version: Int!, $input: SiteUpdateInput!) {
  siteUpdate(id: $id, version: $version, input: $input) { site { version } errors { code } }
}
"""


async def _heritage(env: dict[str, str], *arguments: str) -> Result:
    """Run the ``heritage`` command (in a thread: it runs its own event loop)."""
    return await asyncio.to_thread(CliRunner().invoke, cli.app, list(arguments), env=env)


async def _run(*command: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


@dataclass
class Engine:
    """A second local node, controlled through the project's scripts."""

    port: int
    home: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HERITAGE_ENGINE_PORT": str(self.port),
            "HERITAGE_ENGINE_HOME": str(self.home),
            "HERITAGE_ENGINE_HEAP": "256m",
            # A short-lived node: the quick compiler alone halves its start-up time.
            "HERITAGE_ENGINE_JAVA_OPTS": "-XX:TieredStopAtLevel=1",
        }

    async def start(self) -> None:
        code, out, err = await _run("scripts/engine-start", env=self.env)
        assert code == 0, err
        assert out.strip() == self.url

    async def stop(self) -> None:
        code, _, err = await _run("scripts/engine-stop", env=self.env)
        assert code == 0, err


def _free_port_pair() -> int:
    """An HTTP port whose transport port (+100) is free too."""
    for port in range(9250, 9300):
        try:
            for candidate in (port, port + 100):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair in 9250–9299")


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    node = Engine(_free_port_pair(), tmp_path / "engine")
    await node.start()
    try:
        yield node
    finally:
        await node.stop()


async def _search(api: Api, text: str) -> dict[str, Any]:
    data = await api.data(COUNT, {"text": text})
    result: dict[str, Any] = data["search"]
    return result


async def _until(api: Api, text: str, total: int) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while (result := await _search(api, text))["totalCount"] != total:
        assert time.monotonic() < deadline, f"{result} after 20 s"
        await asyncio.sleep(0.2)
    return result


async def _create(api: Api, token: str, name: str) -> dict[str, Any]:
    response = await api.client.post(
        "/graphql",
        json={"query": CREATE_BUILDING, "variables": {"input": {"name": name}}},
        headers={"authorization": f"Bearer {token}"},
    )
    result: dict[str, Any] = response.json()["data"]["buildingCreate"]
    assert result["errors"] == [], result
    building: dict[str, Any] = result["building"]
    return building


async def test_writes_during_an_outage_succeed_and_the_index_converges(
    engine: Engine, tmp_path: Path
) -> None:
    url = Settings(database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}").database_url
    await migrate.upgrade(url)
    settings = search_settings(
        url, "elasticsearch", tmp_path, elasticsearch_url=engine.url, elasticsearch_timeout_s=2
    )
    token = await add_surveyor(settings)
    async with running_app(settings) as api:
        indexed = [await _create(api, token, f"关帝庙{n}号") for n in range(3)]
        before = await _until(api, "关帝庙", 3)
        assert (before["source"], before["degraded"]) == ("ELASTICSEARCH", False)

        await engine.stop()
        for n in range(3, 9):
            await _create(api, token, f"关帝庙{n}号")
        update = await api.client.post(
            "/graphql",
            json={
                "query": UPDATE,
                "variables": {
                    "id": indexed[0]["id"],
                    "version": indexed[0]["version"],
                    "input": {"name": "关帝庙戏台"},
                },
            },
            headers={"authorization": f"Bearer {token}"},
        )
        assert update.json()["data"]["siteUpdate"]["errors"] == []
        outage = await _until(api, "关帝庙", 9)
        assert (outage["source"], outage["degraded"]) == ("DATABASE", True)

    # The engine returns once the app is gone: a running app would start catching up at once,
    # and the check below is to see the differences the outage left.
    await engine.start()
    environment = {
        "HERITAGE_DATABASE_URL": url,
        "HERITAGE_ELASTICSEARCH_URL": engine.url,
        "HERITAGE_ELASTICSEARCH_INDEX_PREFIX": settings.elasticsearch_index_prefix,
    }
    check = await _heritage(environment, "search", "check")
    assert check.exit_code == 1, check.output  # what was written meanwhile is not there yet
    assert "elasticsearch: 7 differences (6 missing, 0 extra, 1 stale)" in check.output
    sync = await _heritage(environment, "search", "sync")
    assert sync.exit_code == 0, sync.output
    check = await _heritage(environment, "search", "check")
    assert check.exit_code == 0, check.output
    assert "elasticsearch: 0 differences" in check.output
    assert "embedded: 0 differences" in check.output

    async with running_app(settings) as api:
        after = await _search(api, "关帝庙")
        assert (after["source"], after["degraded"], after["totalCount"]) == (
            "ELASTICSEARCH",
            False,
            9,
        )
        assert (await _search(api, "戏台"))["totalCount"] == 1
    backend = ElasticsearchBackend(settings)
    await drop_indices(backend)
    await backend.close()
