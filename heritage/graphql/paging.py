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
    request = PageRequest.parse(
        arguments.get("first"),
        arguments.get("after"),
        arguments.get("last"),
        arguments.get("before"),
    )
    page = lists.page_query(
        query,
        key,
        after_id=request.after,
        before_id=request.before,
        limit=request.size + 1,
        backwards=request.backwards,
    )
    async with info.context.read() as reader:
        rows = await reader.entities(page)

    async def counter() -> int:
        async with info.context.read() as reader:
            return int(await reader.scalar(lists.count_query(query)) or 0)

    return build_connection(connection, rows, request, counter)
