"""Work a request does while Elasticsearch answers it.

A search spends most of its time waiting for the engine, with the event loop idle; what it
needs next, its read connection, can be taken meanwhile. Work started before the search is
sent delays the send by as much, so it starts when httpcore reports (through its ``trace``
extension) that the request has gone out and the answer is awaited.

:func:`while_waiting` names that work for the engine requests made inside it; the client's
node class :class:`SignallingHttpxNode` attaches the trace to those requests only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpx
from elastic_transport import HttpxAsyncHttpNode, NodeConfig

log = logging.getLogger(__name__)

Waiter = Callable[[], None]

_waiter: ContextVar[Waiter | None] = ContextVar("heritage_search_waiter", default=None)

# httpcore's trace event once a request is sent and its answer awaited (HTTP/1.1 and 2).
_AWAITING = "receive_response_headers.started"


@contextmanager
def while_waiting(waiter: Waiter) -> Iterator[None]:
    """Call ``waiter`` once per engine request made inside, as soon as it has been sent.

    ``waiter`` must not block: it starts work (e.g. a task) and returns. If it raises, the
    error is logged and the request goes on.
    """
    token = _waiter.set(waiter)
    try:
        yield
    finally:
        _waiter.reset(token)


class _Trace:
    """httpcore's ``trace`` extension for one request: calls the waiter at the send."""

    __slots__ = ("_waiter",)

    def __init__(self, waiter: Waiter) -> None:
        self._waiter: Waiter | None = waiter

    async def __call__(self, event: str, info: Mapping[str, Any]) -> None:
        waiter = self._waiter
        if waiter is None or not event.endswith(_AWAITING):
            return
        self._waiter = None  # once, also if a redirect or retry sends it again
        try:
            waiter()
        except Exception:  # the search must not fail for work done beside it
            log.exception("work started while waiting for Elasticsearch failed")


async def _attach_trace(request: httpx.Request) -> None:
    waiter = _waiter.get()
    if waiter is not None:
        request.extensions["trace"] = _Trace(waiter)


class SignallingHttpxNode(HttpxAsyncHttpNode):
    """elastic-transport's httpx node, telling :func:`while_waiting` when a request is sent."""

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self.client.event_hooks = {"request": [_attach_trace], "response": []}
