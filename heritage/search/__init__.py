"""Search of places and sites: Elasticsearch when configured, the registry's database otherwise.

* :mod:`~heritage.search.request`: what a search asks and answers, checked input;
* :mod:`~heritage.search.keys`, :mod:`~heritage.search.documents`: what is indexed;
* :mod:`~heritage.search.elastic`, :mod:`~heritage.search.embedded`: the two backends;
* :mod:`~heritage.search.outbox`: indexing committed changes, with retries;
* :mod:`~heritage.search.maintenance`: ``reindex`` and ``check``;
* :mod:`~heritage.search.service`: the fallback and the background sync the app runs.
"""

from heritage.search.backend import SearchBackend, SearchUnavailableError
from heritage.search.request import (
    Facet,
    FacetCount,
    Hit,
    SearchRequest,
    SearchResult,
    SearchSource,
    SortOrder,
    search_request,
)
from heritage.search.service import SearchService

__all__ = [
    "Facet",
    "FacetCount",
    "Hit",
    "SearchBackend",
    "SearchRequest",
    "SearchResult",
    "SearchService",
    "SearchSource",
    "SearchUnavailableError",
    "SortOrder",
    "search_request",
]
