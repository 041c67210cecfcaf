"""Work started while Elasticsearch answers: once per request, after it is sent, never in
the way of the search."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import pytest
from elasticsearch import AsyncElasticsearch

from heritage.search.elastic import make_client
from heritage.search.waiting import while_waiting
from heritage.settings import Settings
from tests.search.support import ELASTICSEARCH_URL, require_engine


@pytest.fixture
async def client() -> AsyncIterator[AsyncElasticsearch]:
    """The registry's engine client, as the app makes it."""
    await require_engine()
    made = make_client(Settings(elasticsearch_url=ELASTICSEARCH_URL))
    yield made
    await made.close()


async def test_the_waiter_runs_once_per_request_while_the_engine_works(
    client: AsyncElasticsearch,
) -> None:
    called: list[float] = []
    await client.cluster.health()  # outside: nothing to start

    with while_waiting(lambda: called.append(time.monotonic())):
        # The node holds its answer for a second (it waits for a second node that never
        # joins): the waiter must run while the engine works, not once it has answered.
        waited = await client.options(ignore_status=408).cluster.health(
            wait_for_nodes="2", timeout="1s"
        )
        answered = time.monotonic()
        await client.cluster.health()
    await client.cluster.health()

    assert waited["timed_out"]
    assert len(called) == 2
    assert answered - called[0] > 0.5


async def test_a_failing_waiter_is_logged_and_the_request_goes_on(
    client: AsyncElasticsearch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("broken on purpose")

    with caplog.at_level(logging.ERROR), while_waiting(broken):
        health = await client.cluster.health()

    assert health["status"] in {"green", "yellow"}
    assert "while waiting for Elasticsearch failed" in caplog.text
