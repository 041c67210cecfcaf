"""Keyset connections over any model, for the lists built in :mod:`heritage.services.lists`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from heritage.graphql.connection import PageRequest, build_connection
from heritage.graphql.context import ResolveInfo
from heritage.services import lists


async def keyset_connection(
    info: ResolveInfo,
    connection: Any,
    query: Select[Any],
    key: InstrumentedAttribute[int],
    arguments: dict[str, Any],
) -> Any:
    """A page of ``query`` ordered by ``key`` (the row id), from the paging arguments."""
    request = PageRequest.of(arguments)
    page = lists.page_query(query, key, **request.keyset())
    async with info.context.read() as reader:
        rows = await reader.entities(page)
    return build_connection(
        connection, rows, request, lambda: count_rows(info, lists.count_query(query))
    )


async def count_rows(info: ResolveInfo, count: Select[int]) -> int:
    """The answer of a ``count`` statement on the request's reader (a connection's total)."""
    async with info.context.read() as reader:
        return int(await reader.scalar(count) or 0)
