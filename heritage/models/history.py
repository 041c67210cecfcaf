"""The change history and the search outbox, written in the same transaction as each change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from heritage.db.base import Base, IdType, JsonType, UTCDateTime, int_pk, utcnow
from heritage.db.enum_type import enum_column_type
from heritage.models.vocab import ChangeAction


class ChangeRecord(Base):
    """One write to one row: who, when, which request, what, and the values before and after.

    Append-only: the database refuses to update or delete these rows.
    """

    __tablename__ = "change_record"
    __tracked__ = False
    __table_args__ = (Index("ix_change_record_object", "object_type", "object_id"),)

    id: Mapped[int_pk]
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(200), doc="Username, or cli:<login>.")
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[ChangeAction] = mapped_column(enum_column_type(ChangeAction))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int] = mapped_column(IdType)
    object_version: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class SearchOutbox(Base):
    """An object whose search document must be rebuilt; drained after commit, in bulk."""

    __tablename__ = "search_outbox"
    __tracked__ = False

    id: Mapped[int_pk]
    object_id: Mapped[int] = mapped_column(IdType, index=True)
    enqueued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
