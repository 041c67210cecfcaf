"""The port every search backend implements, and the error that sends a search to the fallback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import NamedTuple, Protocol

from heritage.search.documents import Document
from heritage.search.request import SearchRequest, SearchResult, SearchSource


class SearchUnavailableError(Exception):
    """The engine could not answer (down, too slow, index missing); the message says why."""


class Indexed(NamedTuple):
    """A document as an index holds it: record id, content hash, version."""

    object_id: int
    hash: str
    version: int


#: Batches of documents with the version each was built at (see :mod:`heritage.search.outbox`).
VersionedBatches = AsyncIterator[tuple[int, list[Document]]]


class SearchBackend(Protocol):
    """A search index of places and sites that can be queried, written and compared."""

    @property
    def source(self) -> SearchSource:
        """Where this backend's results come from."""

    @property
    def label(self) -> str:
        """Short name for reports: ``elasticsearch`` or ``embedded``."""

    async def search(self, request: SearchRequest) -> SearchResult:
        """Answer a search.

        Raises:
            SearchUnavailableError: the backend cannot answer now.
        """

    async def write(self, documents: Sequence[Document], version: int) -> dict[int, str]:
        """Index documents at ``version`` unless a newer version is there; return the ids that
        failed, with why.

        Raises:
            SearchUnavailableError: nothing could be written.
        """

    async def remove(self, ids: Sequence[int], version: int) -> dict[int, str]:
        """Remove documents (records that should not be in the index); return failures."""

    def indexed(self) -> AsyncIterator[list[Indexed]]:
        """Every indexed document's id, hash and version, in batches."""

    async def reindex(self, batches: VersionedBatches) -> int:
        """Rebuild the whole index from ``batches`` while searches keep being answered;
        return the number of documents written."""

    async def close(self) -> None:
        """Release connections."""
