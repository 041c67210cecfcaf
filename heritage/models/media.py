"""Media assets (photos, drawings, documents) and what they are attached to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from heritage.db.base import Base, IdType, TimestampMixin, VersionedMixin, int_pk, str200, str500
from heritage.db.enum_type import enum_column_type
from heritage.models.vocab import MediaKind

# Exactly one of these columns is set on a link: what the asset documents.
MEDIA_TARGETS = (
    "object_id",
    "survey_record_id",
    "mapping_record_id",
    "plaque_id",
    "intervention_id",
    "archive_item_id",
    "incident_id",
)


class MediaAsset(VersionedMixin, TimestampMixin, Base):
    """An uploaded file, stored once by content hash; the original is kept for ever."""

    __tablename__ = "media_asset"
    __table_args__ = (
        CheckConstraint("byte_size >= 0", name="size_positive"),
        CheckConstraint("(width IS NULL) = (height IS NULL)", name="dimensions_together"),
    )

    id: Mapped[int_pk]
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_kind: Mapped[MediaKind] = mapped_column(enum_column_type(MediaKind))
    mime_type: Mapped[str] = mapped_column(String(100))
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    original_filename: Mapped[str500 | None]
    caption: Mapped[str | None] = mapped_column(Text)
    photographer: Mapped[str200 | None]
    licence: Mapped[str200 | None] = mapped_column(doc="e.g. CC-BY-4.0 or 内部使用.")
    taken_at: Mapped[dt.datetime | None]
    camera: Mapped[str200 | None]
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="RESTRICT")
    )

    links: Mapped[list[MediaLink]] = relationship(
        back_populates="media_asset", lazy="raise", order_by="MediaLink.id"
    )

    def search_roots(self) -> set[int]:
        """Media metadata is not indexed."""
        return set()


class MediaLink(TimestampMixin, Base):
    """Attaches an asset to one record: an object, survey, mapping record, plaque, works …"""

    __tablename__ = "media_link"
    __table_args__ = (
        CheckConstraint(
            " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in MEDIA_TARGETS)
            + " = 1",
            name="exactly_one_target",
        ),
    )

    id: Mapped[int_pk]
    media_asset_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("media_asset.id", ondelete="RESTRICT"), index=True
    )
    object_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("heritage_object.id", ondelete="RESTRICT"), index=True
    )
    survey_record_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("survey_record.id", ondelete="RESTRICT"), index=True
    )
    mapping_record_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("mapping_record.id", ondelete="RESTRICT"), index=True
    )
    plaque_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("plaque.id", ondelete="RESTRICT"), index=True
    )
    intervention_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("intervention.id", ondelete="RESTRICT"), index=True
    )
    archive_item_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("archive_item.id", ondelete="RESTRICT"), index=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("incident.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str | None] = mapped_column(
        String(40), doc="What the asset shows: BEFORE, AFTER, PLAQUE_PHOTO, DRAWING …"
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    media_asset: Mapped[MediaAsset] = relationship(back_populates="links", lazy="raise")

    def search_roots(self) -> set[int]:
        """Media links are not indexed."""
        return set()
