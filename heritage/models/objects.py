"""Heritage objects: places (city, town, village, block) and sites (site … structure).

Both live in one table, ``heritage_object``, because designations, plaques, archives, works,
incidents and media attach to either, and containment crosses the two (a building within a
village within a town within a city). ``Place`` and ``Site`` are single-table subclasses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from heritage.db.base import (
    Base,
    IdType,
    JsonType,
    TimestampMixin,
    VersionedMixin,
    int_pk,
    json_list,
    str200,
    str500,
)
from heritage.db.enum_type import enum_column_type
from heritage.models.vocab import (
    ApprovalLevel,
    ConditionGrade,
    CoordinateSystem,
    CoordinateVisibility,
    LocationMethod,
    ObjectKind,
    ObjectStatus,
    OwnershipType,
    RelicCategory,
    StructureType,
    UseStatus,
)

if TYPE_CHECKING:
    from heritage.models.designations import Designation


def _new_public_id() -> str:
    return str(uuid.uuid4())


class HeritageObject(VersionedMixin, TimestampMixin, Base):
    """A registered heritage place or site. Never deleted: status records its fate."""

    __tablename__ = "heritage_object"
    __table_args__ = (
        CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
        CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        CheckConstraint("(lon IS NULL) = (lat IS NULL)", name="lon_lat_together"),
        CheckConstraint(
            "era_start_year IS NULL OR era_end_year IS NULL OR era_start_year <= era_end_year",
            name="era_order",
        ),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_heritage_object_record_type_kind", "record_type", "kind"),
        Index("ix_heritage_object_external", "external_source", "external_key", unique=True),
    )

    id: Mapped[int_pk]
    public_id: Mapped[str] = mapped_column(
        String(36), unique=True, default=_new_public_id, doc="Stable identifier for links."
    )
    record_type: Mapped[str] = mapped_column(String(8), doc="place or site (discriminator).")
    kind: Mapped[ObjectKind] = mapped_column(enum_column_type(ObjectKind))
    name: Mapped[str200] = mapped_column(index=True, doc="Official name as announced.")
    alt_names: Mapped[json_list] = mapped_column(doc="Other names, old and vernacular.")
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ObjectStatus] = mapped_column(
        enum_column_type(ObjectStatus), default=ObjectStatus.EXTANT
    )

    # Administrative division: GB/T 2260 county (6), township (9) or village (12) code.
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)
    region_code_as_of: Mapped[dt.date | None]
    parent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("heritage_object.id", ondelete="RESTRICT"), index=True
    )
    address_announced: Mapped[str500 | None] = mapped_column(
        doc="Address as printed in the announcement, old place names kept."
    )
    address_current: Mapped[str500 | None]

    # Location in WGS-84, with what was captured and how.
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    source_lon: Mapped[float | None] = mapped_column(Float)
    source_lat: Mapped[float | None] = mapped_column(Float)
    source_crs: Mapped[CoordinateSystem | None] = mapped_column(enum_column_type(CoordinateSystem))
    location_method: Mapped[LocationMethod | None] = mapped_column(enum_column_type(LocationMethod))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    coordinate_visibility: Mapped[CoordinateVisibility] = mapped_column(
        enum_column_type(CoordinateVisibility), default=CoordinateVisibility.PUBLIC
    )
    boundary: Mapped[dict[str, Any] | None] = mapped_column(
        JsonType, doc="GeoJSON (Multi)Polygon in WGS-84: boundary or protection area."
    )

    # Dating: the raw text is kept, the parsed years and periods drive search.
    era_raw: Mapped[str200 | None]
    era_start_year: Mapped[int | None] = mapped_column(Integer)
    era_end_year: Mapped[int | None] = mapped_column(Integer)
    period_codes: Mapped[json_list]

    # Identity in an imported data set (the row key of a published list or survey), so that
    # importing the set again updates the records instead of duplicating them.
    external_source: Mapped[str | None] = mapped_column(String(100))
    external_key: Mapped[str | None] = mapped_column(String(200))

    parent: Mapped[HeritageObject | None] = relationship(
        remote_side="HeritageObject.id", back_populates="children", lazy="raise"
    )
    children: Mapped[list[HeritageObject]] = relationship(
        back_populates="parent", lazy="raise", order_by="HeritageObject.id"
    )
    designations: Mapped[list[Designation]] = relationship(
        back_populates="heritage_object", lazy="raise", order_by="Designation.id"
    )

    @declared_attr.directive
    def __mapper_args__(self) -> dict[str, Any]:
        return {
            "polymorphic_on": self.__table__.c.record_type,
            "polymorphic_abstract": True,
            # One table: load the subclass columns with the base query, never lazily.
            "with_polymorphic": "*",
            "version_id_col": self.__table__.c.version,
        }

    def search_roots(self) -> set[int]:
        """Objects whose search document this row feeds: itself."""
        return {self.id}


class Place(HeritageObject):
    """A historic city, town, village or block (名城/名镇/名村/传统村落/历史文化街区)."""

    natural_village_name: Mapped[str200 | None] = mapped_column(
        doc="Natural village inside the administrative village, for traditional villages."
    )

    __mapper_args__ = {"polymorphic_identity": "place"}


class Site(HeritageObject):
    """An immovable relic or historic building: a site, building group, building or structure."""

    category: Mapped[RelicCategory | None] = mapped_column(enum_column_type(RelicCategory))
    original_category: Mapped[str200 | None] = mapped_column(
        doc="Category name as announced (legacy names of batches 1–3)."
    )
    subtype: Mapped[str200 | None] = mapped_column(doc="Census second-level class (二级类).")
    structure_type: Mapped[StructureType | None] = mapped_column(enum_column_type(StructureType))
    ownership: Mapped[OwnershipType | None] = mapped_column(enum_column_type(OwnershipType))
    use_status: Mapped[UseStatus | None] = mapped_column(enum_column_type(UseStatus))
    use_function: Mapped[str200 | None]
    condition: Mapped[ConditionGrade | None] = mapped_column(
        enum_column_type(ConditionGrade), doc="Latest condition on the registry's UI5 scale."
    )
    dating_basis: Mapped[str500 | None]

    __mapper_args__ = {"polymorphic_identity": "site"}


class StatusChange(TimestampMixin, Base):
    """A change of an object's physical status, with the approval that allowed it."""

    __tablename__ = "status_change"

    id: Mapped[int_pk]
    object_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("heritage_object.id", ondelete="RESTRICT"), index=True
    )
    from_status: Mapped[ObjectStatus] = mapped_column(
        enum_column_type(ObjectStatus, name="from_status")
    )
    to_status: Mapped[ObjectStatus] = mapped_column(
        enum_column_type(ObjectStatus, name="to_status")
    )
    changed_on: Mapped[dt.date]
    reason: Mapped[str | None] = mapped_column(Text)
    approval_doc_no: Mapped[str200 | None]
    approval_authority: Mapped[str200 | None]
    approval_level: Mapped[ApprovalLevel | None] = mapped_column(enum_column_type(ApprovalLevel))
    approved_on: Mapped[dt.date | None]
    new_lon: Mapped[float | None] = mapped_column(Float, doc="WGS-84 point after relocation.")
    new_lat: Mapped[float | None] = mapped_column(Float)

    heritage_object: Mapped[HeritageObject] = relationship(lazy="raise")

    def search_roots(self) -> set[int]:
        """The object whose status changed."""
        return {self.object_id}
