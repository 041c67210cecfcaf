"""Each use-case runs in a savepoint, so a refused write leaves neither rows nor half-changed
objects behind, even when several run in one request or one import transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def atomically(session: AsyncSession, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` in a savepoint; on any exception the savepoint is rolled back.

    Services validate while they assign, so a refused call may have touched objects in
    memory; rolling back the savepoint expires them, and the next access reloads what the
    database holds.
    """
    async with session.begin_nested():
        return await work()
