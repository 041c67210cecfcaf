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
    async with info.context.read() as session:
        rows = await lists.page(
            session,
            query,
            key,
            after_id=request.after,
            before_id=request.before,
            limit=request.size + 1,
            backwards=request.backwards,
        )

    async def counter() -> int:
        async with info.context.read() as session:
            return await lists.count(session, query)

    return build_connection(connection, rows, request, counter)
