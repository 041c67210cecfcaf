"""Search as the application uses it: the configured backend, the fallback, the background sync.

With ``HERITAGE_ELASTICSEARCH_URL`` set, searches go to Elasticsearch; when it is down, too
slow or has no index yet, the same search is answered by the embedded backend and the result
says so (``degraded``, with a ``notice``). Without it, the embedded backend answers alone. The
embedded index is kept up to date in both cases (it is the fallback), so every outbox drain
writes to both.

:meth:`SearchService.start` runs a background task that drains the outbox when
:meth:`SearchService.kick` is called (after every committed request), when rows wait for a
retry, and every :data:`SWEEP_INTERVAL_S` seconds for writes made by other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.db.base import utcnow
from heritage.search.backend import SearchBackend, SearchUnavailableError
from heritage.search.elastic import ElasticsearchBackend
from heritage.search.embedded import EmbeddedBackend
from heritage.search.outbox import DrainReport, drain
from heritage.search.request import SearchRequest, SearchResult
from heritage.search.sessions import Sessions
from heritage.settings import Settings

log = logging.getLogger(__name__)

#: Longest pause between two background drains: a safety net for writes of other processes
#: (``heritage import`` …), which ``heritage search sync`` indexes at once.
SWEEP_INTERVAL_S = 600.0
#: Pause after a drain that failed as a whole (the database was unreachable …).
_FAILED_DRAIN_PAUSE_S = 5.0


class SearchService:
    """Searching and keeping the indexes in step with the database."""

    def __init__(
        self,
        sessions: Sessions,
        engine: ElasticsearchBackend | None = None,
        *,
        sweep_interval_s: float = SWEEP_INTERVAL_S,
    ) -> None:
        self.sessions = sessions
        self.embedded = EmbeddedBackend(sessions)
        self.engine = engine
        self.sweep_interval_s = sweep_interval_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def open(cls, settings: Settings, engine: AsyncEngine) -> SearchService:
        """The service for ``settings``: Elasticsearch if configured, else embedded only."""
        backend = ElasticsearchBackend(settings) if settings.elasticsearch_url else None
        return cls(Sessions.of(engine), backend)

    @property
    def backends(self) -> Sequence[SearchBackend]:
        """Every index kept in step: the embedded one, and Elasticsearch if configured."""
        return [self.embedded, self.engine] if self.engine else [self.embedded]

    @property
    def primary(self) -> SearchBackend:
        """The backend that answers searches when it can."""
        return self.engine or self.embedded

    async def search(self, request: SearchRequest) -> SearchResult:
        """Answer from the primary backend, or from the database with ``degraded`` set."""
        if self.engine is None:
            return await self.embedded.search(request)
        try:
            return await self.engine.search(request)
        except SearchUnavailableError as exc:
            log.warning("search answered by the database: %s", exc)
            result = await self.embedded.search(request)
            return result.degrade(
                f"{exc}; these results come from the database fallback (simpler relevance ranking)"
            )

    async def prepare(self) -> None:
        """Create the Elasticsearch index if there is none yet (a new registry answers from
        an empty index rather than degraded); an engine that is down is left for later."""
        if self.engine is not None:
            try:
                await self.engine.ensure_index()
            except SearchUnavailableError as exc:
                log.warning("search index not checked: %s", exc)

    async def sync(self, *, retry_now: bool = False) -> DrainReport:
        """Drain the outbox into every backend now."""
        return await drain(self.sessions, self.backends, retry_now=retry_now)

    # --- background sync -------------------------------------------------------------------

    def start(self) -> None:
        """Start the background drain (one pass at once, for changes made while stopped)."""
        if self._task is None:
            self._wake.set()
            self._task = asyncio.create_task(self._run(), name="search-sync")

    def kick(self) -> None:
        """Ask for a drain soon; never blocks, never raises."""
        self._wake.set()

    async def after_commit(self) -> None:
        """The app's after-commit hook: a request committed a write."""
        self.kick()

    async def close(self) -> None:
        """Stop the background drain and release connections."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.engine is not None:
            await self.engine.close()

    async def _run(self) -> None:
        await self.prepare()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.sweep_interval_s)
            self._wake.clear()
            try:
                report = await self.sync()
            except Exception:  # the database itself failed: try again shortly
                log.exception("search sync failed")
                await asyncio.sleep(_FAILED_DRAIN_PAUSE_S)
                self._wake.set()
                continue
            if report.next_retry_at is not None:
                self._schedule(report.next_retry_at)

    def _schedule(self, when: dt.datetime) -> None:
        """Wake up when the earliest waiting row is due (if sooner than the sweep)."""
        delay = (when - utcnow()).total_seconds()
        if delay < self.sweep_interval_s:
            loop = asyncio.get_running_loop()
            loop.call_later(max(0.0, delay), self._wake.set)
