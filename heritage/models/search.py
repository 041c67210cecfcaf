"""The embedded search index and the counter that versions search documents.

``search_entry`` holds the text keys of each place and site (normalised names, pinyin,
initials), maintained from the search outbox like an Elasticsearch index. On SQLite an FTS5
table with the trigram tokenizer (``search_fts``, created by the migration, not mapped here)
indexes it for substring matching; on PostgreSQL it is read with ``LIKE``.

``search_counter`` hands out document versions: every batch of documents built from the
database takes the next value *after* it has claimed its outbox rows and *before* it reads the
records, so a higher version always carries a newer or equal state (see
:mod:`heritage.search.outbox`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from heritage.db.base import Base, IdType

#: Tables the migrations create that the ORM does not map (the FTS5 table and its shadow
#: tables on SQLite); schema comparisons leave them out.
UNMAPPED_TABLE_PREFIX = "search_fts"


def is_unmapped_table(name: str) -> bool:
    """True for the FTS5 table and its shadow tables (``search_fts``, ``search_fts_data`` …)."""
    return name == UNMAPPED_TABLE_PREFIX or name.startswith(f"{UNMAPPED_TABLE_PREFIX}_")


class SearchEntry(Base):
    """Text keys of one place or site in the embedded search index.

    Keys are lists joined and framed by ``|`` (``|平遥古城|平遥|``), so that one ``LIKE``
    finds a whole key (``%|平遥|%``), a key's start (``%|平遥%``) or any part (``%遥古%``).
    """

    __tablename__ = "search_entry"
    __tracked__ = False

    object_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("heritage_object.id", ondelete="RESTRICT"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, doc="Version of the document it holds.")
    doc_hash: Mapped[str] = mapped_column(String(40), doc="Hash of the whole search document.")
    names: Mapped[str] = mapped_column(Text, doc="Normalised name and other names.")
    pinyin: Mapped[str] = mapped_column(Text, doc="Pinyin of each name from each syllable on.")
    initials: Mapped[str] = mapped_column(Text, doc="Pinyin initials of each name.")
    name_sort: Mapped[str] = mapped_column(String(400), doc="Sort key: the name's pinyin.")
    lat: Mapped[float | None] = mapped_column(Float, doc="Point searched by distance (WGS-84).")
    lon: Mapped[float | None] = mapped_column(Float)


class SearchCounter(Base):
    """A named, ever-increasing counter (one row: ``documents``)."""

    __tablename__ = "search_counter"
    __tracked__ = False

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
