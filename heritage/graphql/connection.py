"""Relay connections with ``totalCount`` and keyset cursors; page size capped at 100."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import graphene
from graphene import relay

from heritage.services.errors import ErrorCode, ServiceError

MAX_PAGE = 100
DEFAULT_PAGE = 20


class CountableConnection(relay.Connection):
    """A page of results; ``totalCount`` counts every match, not only this page."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Number of matches in all pages.")

    @staticmethod
    async def resolve_total_count(root: Any, info: Any) -> int:
        counter: Callable[[], Awaitable[int]] = root.counter
        return await counter()


def connection_for(node: Any, name: str | None = None) -> Any:
    """``<Node>Connection`` for a node type."""
    return type(
        name or f"{node._meta.name}Connection",
        (CountableConnection,),
        {
            "__doc__": f"A page of {node._meta.name} records.",
            "Meta": type("Meta", (), {"node": node}),
        },
    )


def page_arguments() -> dict[str, Any]:
    """``first``/``after``/``last``/``before`` with descriptions."""
    return {
        "first": graphene.Int(description=f"Page size from the start (at most {MAX_PAGE})."),
        "after": graphene.String(description="Cursor after which the page starts."),
        "last": graphene.Int(description=f"Page size from the end (at most {MAX_PAGE})."),
        "before": graphene.String(description="Cursor before which the page ends."),
    }


def encode_cursor(key: int) -> str:
    """Keyset cursor: the sort key of a row, opaque to clients."""
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str | None, field: str) -> int | None:
    """The sort key in a cursor, or a coded error for a forged one."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith("k:"):
            raise ValueError(text)
        return int(text[2:])
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError.single(field, ErrorCode.INVALID, "not a cursor of this list") from exc


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A validated page request: direction, size and the keyset bound."""

    size: int
    backwards: bool
    after: int | None
    before: int | None

    @classmethod
    def parse(
        cls, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> PageRequest:
        """Check the arguments; refuse sizes over the cap instead of silently truncating."""
        if first is not None and last is not None:
            raise ServiceError.single("last", ErrorCode.INVALID, "give first or last, not both")
        size = first if first is not None else last if last is not None else DEFAULT_PAGE
        if size < 0 or size > MAX_PAGE:
            raise ServiceError.single(
                "first" if first is not None else "last",
                ErrorCode.INVALID,
                f"page size must be between 0 and {MAX_PAGE}, got {size}",
            )
        return cls(
            size=size,
            backwards=last is not None,
            after=decode_cursor(after, "after"),
            before=decode_cursor(before, "before"),
        )

    @classmethod
    def of(cls, arguments: dict[str, Any]) -> PageRequest:
        """:meth:`parse` of a connection field's ``first``/``after``/``last``/``before``."""
        return cls.parse(
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )

    def keyset(self) -> dict[str, Any]:
        """The keyset arguments of the lists' page queries for this page: one row more than
        the page, which tells :func:`build_connection` whether another page follows."""
        return {
            "after_id": self.after,
            "before_id": self.before,
            "limit": self.size + 1,
            "backwards": self.backwards,
        }


def build_connection(
    connection_type: Any,
    rows: Sequence[Any],
    request: PageRequest,
    counter: Callable[[], Awaitable[int]],
) -> Any:
    """A connection from ``size + 1`` fetched rows (the extra one tells if more exist)."""
    has_more = len(rows) > request.size
    rows = list(rows[: request.size])
    if request.backwards:
        rows.reverse()
    edges = [connection_type.Edge(node=row, cursor=encode_cursor(row.id)) for row in rows]
    page_info = relay.PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_next_page=has_more and not request.backwards,
        has_previous_page=has_more and request.backwards,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.counter = counter
    return connection
