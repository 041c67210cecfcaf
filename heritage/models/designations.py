"""Designations: the protection titles an object holds, kept as history, never overwritten."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from heritage.db.base import Base, IdType, TimestampMixin, VersionedMixin, int_pk, str200, str500
from heritage.db.enum_type import enum_column_type
from heritage.models.vocab import (
    AnnouncementKind,
    DesignationScope,
    DesignationStatus,
    DesignationType,
    ProtectionLevel,
)

if TYPE_CHECKING:
    from heritage.models.objects import HeritageObject


class Designation(VersionedMixin, TimestampMixin, Base):
    """A protection title of a place or site: type, level, authority, batch, number, validity.

    An upgrade (e.g. provincial → national) closes the old row as ``SUPERSEDED`` and points it
    at the new one; a revocation sets ``REVOKED`` and ``valid_to``. Rows are never deleted.
    """

    __tablename__ = "designation"
    __table_args__ = (
        CheckConstraint(
            "valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to", name="validity"
        ),
        CheckConstraint("batch_no IS NULL OR batch_no > 0", name="batch_positive"),
        Index("ix_designation_type_status", "designation_type", "status"),
    )

    id: Mapped[int_pk]
    object_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("heritage_object.id", ondelete="RESTRICT"), index=True
    )
    designation_type: Mapped[DesignationType] = mapped_column(enum_column_type(DesignationType))
    protection_level: Mapped[ProtectionLevel | None] = mapped_column(
        enum_column_type(ProtectionLevel), index=True
    )
    scope: Mapped[DesignationScope] = mapped_column(enum_column_type(DesignationScope))
    status: Mapped[DesignationStatus] = mapped_column(
        enum_column_type(DesignationStatus), default=DesignationStatus.ACTIVE
    )
    authority: Mapped[str200 | None] = mapped_column(doc="Body that announced it (国务院 …).")
    announcement_kind: Mapped[AnnouncementKind | None] = mapped_column(
        enum_column_type(AnnouncementKind)
    )
    batch_no: Mapped[int | None] = mapped_column(Integer)
    announced_on: Mapped[dt.date | None]
    doc_no: Mapped[str200 | None] = mapped_column(doc="文号, brackets normalised to 〔〕.")
    official_code: Mapped[str200 | None] = mapped_column(
        index=True, doc="Official number, e.g. the 国保 number 1-0071-3-024."
    )
    original_category: Mapped[str200 | None]
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    remedy_deadline: Mapped[dt.date | None] = mapped_column(
        doc="Deadline set when put on the endangered list (条例 Art. 12)."
    )
    source_url: Mapped[str500 | None]
    notes: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("designation.id", ondelete="RESTRICT")
    )
    parent_designation_id: Mapped[int | None] = mapped_column(
        IdType,
        ForeignKey("designation.id", ondelete="RESTRICT"),
        doc="For merged items (合并项目): the designation they were merged into.",
    )

    heritage_object: Mapped[HeritageObject] = relationship(
        back_populates="designations", lazy="raise"
    )

    def search_roots(self) -> set[int]:
        """The designated object's search document shows its designations."""
        return {self.object_id}
