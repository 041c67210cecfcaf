"""The Elasticsearch backend: an index behind an alias, written in bulk with external versions.

The application reads and writes ``<prefix>-objects``. :meth:`ElasticsearchBackend.reindex`
builds a new concrete index of the newest definition, marks it with the alias
``<prefix>-objects-building`` (so that writes made meanwhile go to both indices), fills it from
the database, then moves the alias in one atomic ``_aliases`` call and drops the old index:
searches never see a missing or half-built index.

Every write carries the version its batch was built at (``version_type=external_gte``), so a
document built from an older state never replaces a newer one, whatever order writes arrive in.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, AsyncElasticsearch, NotFoundError

from heritage.search.backend import Indexed, SearchUnavailableError, VersionedBatches
from heritage.search.documents import Document
from heritage.search.es_query import search_body, search_result
from heritage.search.request import SearchRequest, SearchResult, SearchSource, check_cursor_source
from heritage.search.spec import IndexSpec, load_spec
from heritage.search.waiting import SignallingHttpxNode
from heritage.settings import Settings

log = logging.getLogger(__name__)

_SCAN_PAGE = 5000


class ReindexBusyError(Exception):
    """Another reindex is building an index (the building alias exists)."""


def make_client(settings: Settings) -> AsyncElasticsearch:
    """An async client for the configured cluster (httpx transport, no retries on timeout;
    it tells :func:`~heritage.search.waiting.while_waiting` when a request is sent)."""
    if settings.elasticsearch_url is None:
        raise ValueError("HERITAGE_ELASTICSEARCH_URL is not set")
    options: dict[str, Any] = {}
    if settings.elasticsearch_api_key:
        options["api_key"] = settings.elasticsearch_api_key
    if settings.elasticsearch_username:
        options["basic_auth"] = (
            settings.elasticsearch_username,
            settings.elasticsearch_password or "",
        )
    if settings.elasticsearch_ca_certs:
        options["ca_certs"] = str(settings.elasticsearch_ca_certs)
    return AsyncElasticsearch(
        str(settings.elasticsearch_url),
        node_class=SignallingHttpxNode,
        request_timeout=settings.elasticsearch_timeout_s,
        max_retries=1,
        retry_on_timeout=False,
        **options,
    )


def _unavailable(exc: Exception) -> SearchUnavailableError:
    if isinstance(exc, ConnectionTimeout):
        return SearchUnavailableError("Elasticsearch did not answer in time")
    if isinstance(exc, TransportConnectionError):
        return SearchUnavailableError("Elasticsearch cannot be reached")
    if isinstance(exc, NotFoundError):
        return SearchUnavailableError(
            "the search index does not exist yet (run: heritage search reindex)"
        )
    return SearchUnavailableError(f"Elasticsearch failed: {type(exc).__name__}")


_FAILURES = (TransportError, ApiError)


class ElasticsearchBackend:
    """Search on an Elasticsearch 9 cluster."""

    def __init__(
        self,
        settings: Settings,
        *,
        spec: IndexSpec | None = None,
        client: AsyncElasticsearch | None = None,
    ) -> None:
        self.spec = spec or load_spec()
        self.client = client or make_client(settings)
        self.prefix = settings.elasticsearch_index_prefix
        self.alias = self.spec.alias(self.prefix)
        self.building_alias = f"{self.alias}-building"

    @property
    def source(self) -> SearchSource:
        return SearchSource.ELASTICSEARCH

    @property
    def label(self) -> str:
        return "elasticsearch"

    async def close(self) -> None:
        await self.client.close()

    # --- searching -------------------------------------------------------------------------

    async def search(self, request: SearchRequest) -> SearchResult:
        check_cursor_source(request, self.source)
        try:
            answer = await self.client.search(index=self.alias, body=search_body(request))
        except _FAILURES as exc:
            if isinstance(exc, ApiError) and not isinstance(exc, NotFoundError):
                log.exception("search refused by Elasticsearch")
            raise _unavailable(exc) from exc
        return search_result(request, dict(answer))

    # --- writing ---------------------------------------------------------------------------

    async def ensure_index(self) -> None:
        """Create the first index and its alias if the alias does not exist yet."""
        try:
            if await self.client.indices.exists_alias(name=self.alias):
                return
            await self.client.indices.create(
                index=self.spec.index_name(self.prefix, "initial"),
                settings=self.spec.settings,
                mappings=self.spec.mappings,
                aliases={self.alias: {}},
            )
        except ApiError as exc:
            if exc.error == "resource_already_exists_exception":
                return  # another process created it first
            raise _unavailable(exc) from exc
        except TransportError as exc:
            raise _unavailable(exc) from exc

    async def write(self, documents: Sequence[Document], version: int) -> dict[int, str]:
        if not documents:
            return {}
        await self.ensure_index()
        building = await self._building_index()
        operations: list[dict[str, Any] | str] = []
        for target in [self.alias, *([building] if building else [])]:
            for doc in documents:
                action = self._action(target, doc.object_id, version)
                operations += [{"index": action}, doc.source_json()]
        return await self._bulk(operations)

    async def remove(self, ids: Sequence[int], version: int) -> dict[int, str]:
        if not ids:
            return {}
        await self.ensure_index()
        building = await self._building_index()
        operations = [
            {"delete": self._action(target, object_id, version)}
            for target in [self.alias, *([building] if building else [])]
            for object_id in ids
        ]
        return await self._bulk(operations)

    def _action(self, target: str, object_id: int, version: int) -> dict[str, Any]:
        action: dict[str, Any] = {
            "_index": target,
            "_id": str(object_id),
            "version": version,
            "version_type": "external_gte",
        }
        if target == self.alias:
            action["require_alias"] = True  # never auto-create an index named like the alias
        return action

    async def _building_index(self) -> str | None:
        try:
            found = await self.client.indices.get_alias(name=self.building_alias)
        except NotFoundError:
            return None
        except _FAILURES as exc:
            raise _unavailable(exc) from exc
        return next(iter(dict(found)), None)

    async def _bulk(self, operations: Sequence[dict[str, Any] | str]) -> dict[int, str]:
        """Send one ``_bulk``; a version conflict means a newer document is there (success).

        A line given as text is JSON already (a document's :meth:`~Document.source_json`):
        the client's NDJSON serialiser sends it as it is and serialises only the others.
        """
        try:
            answer = await self.client.bulk(operations=cast(Any, operations))
        except _FAILURES as exc:
            raise _unavailable(exc) from exc
        failed: dict[int, str] = {}
        if not answer["errors"]:
            return failed
        for item in answer["items"]:
            (result,) = item.values()
            status = int(result.get("status", 500))
            if status < 300 or status == 409 or (status == 404 and "delete" in item):
                continue
            error = result.get("error") or {}
            failed[int(result["_id"])] = f"{error.get('type', status)}: {error.get('reason', '')}"
        return failed

    # --- comparing -------------------------------------------------------------------------

    async def indexed(self) -> AsyncIterator[list[Indexed]]:
        try:
            await self.client.indices.refresh(index=self.alias)
        except NotFoundError:
            return
        except _FAILURES as exc:
            raise _unavailable(exc) from exc
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "query": {"match_all": {}},
                "sort": [{"id": "asc"}],
                "size": _SCAN_PAGE,
                "_source": ["hash"],
                "version": True,
                "track_total_hits": False,
            }
            if after is not None:
                body["search_after"] = after
            try:
                answer = await self.client.search(index=self.alias, body=body)
            except _FAILURES as exc:
                raise _unavailable(exc) from exc
            hits = answer["hits"]["hits"]
            if not hits:
                return
            yield [
                Indexed(int(hit["_id"]), str(hit["_source"].get("hash", "")), int(hit["_version"]))
                for hit in hits
            ]
            after = hits[-1]["sort"]

    # --- rebuilding ------------------------------------------------------------------------

    async def reindex(self, batches: VersionedBatches) -> int:
        if await self._building_index() is not None:
            raise ReindexBusyError(
                f"another reindex is building an index (alias {self.building_alias}); "
                "if it died, delete that index and try again"
            )
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        new_index = self.spec.index_name(self.prefix, stamp)
        settings = {**self.spec.settings}
        settings["index"] = {**settings.get("index", {}), "refresh_interval": "-1"}
        await self.client.indices.create(
            index=new_index,
            settings=settings,
            mappings=self.spec.mappings,
            aliases={self.building_alias: {}},
        )
        try:
            written = await self._fill(new_index, batches)
            await self.client.indices.put_settings(
                index=new_index,
                settings={"index": {"refresh_interval": self.spec.refresh_interval}},
            )
            await self.client.indices.refresh(index=new_index)
            await self._swap(new_index)
        except BaseException:
            with contextlib.suppress(*_FAILURES):
                await self.client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        return written

    async def _fill(self, index: str, batches: VersionedBatches) -> int:
        """Bulk the batches into ``index``, building the next batch while one is sent."""
        written = 0
        pending: asyncio.Task[dict[int, str]] | None = None
        async for version, documents in batches:
            operations: list[dict[str, Any] | str] = []
            for doc in documents:
                action = self._action(index, doc.object_id, version)
                operations += [{"index": action}, doc.source_json()]
            if pending is not None:
                _raise_failures(await pending)
            pending = asyncio.create_task(self._bulk(operations)) if operations else None
            written += len(documents)
        if pending is not None:
            _raise_failures(await pending)
        return written

    async def _swap(self, new_index: str) -> None:
        """Point the alias at ``new_index`` in one atomic step, then drop the old indices."""
        try:
            old = list(dict(await self.client.indices.get_alias(name=self.alias)))
        except NotFoundError:
            old = []
        actions: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": self.alias}} for index in old
        ]
        actions += [
            {"add": {"index": new_index, "alias": self.alias}},
            {"remove": {"index": new_index, "alias": self.building_alias}},
        ]
        await self.client.indices.update_aliases(actions=actions)
        for index in old:
            await self.client.indices.delete(index=index, ignore_unavailable=True)

    async def drop(self) -> None:
        """Delete every index of this prefix and definition (tests, ``--drop``)."""
        await self.client.indices.delete(
            index=f"{self.alias}-v*", ignore_unavailable=True, allow_no_indices=True
        )


def _raise_failures(failed: dict[int, str]) -> None:
    if failed:
        first = next(iter(failed.items()))
        raise RuntimeError(f"{len(failed)} documents were refused, e.g. {first[0]}: {first[1]}")
