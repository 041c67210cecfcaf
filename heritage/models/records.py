"""The history kept for every object: surveys, mapping, plaques, archive items, incidents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from heritage.db.base import (
    Base,
    IdType,
    TimestampMixin,
    VersionedMixin,
    int_pk,
    json_list,
    str200,
    str500,
)
from heritage.db.enum_type import enum_column_type
from heritage.models.vocab import (
    ArchiveSection,
    ConditionGrade,
    ConditionSystem,
    DeliverableType,
    DocumentVolume,
    IncidentSeverity,
    IncidentStatus,
    IncidentType,
    PlaqueCondition,
    PlaqueMaterial,
    PlaqueType,
    QaStatus,
    SurveyDepth,
    UseStatus,
)

if TYPE_CHECKING:
    from heritage.models.objects import HeritageObject
    from heritage.models.users import User


def _object_fk() -> Mapped[int]:
    return mapped_column(IdType, ForeignKey("heritage_object.id", ondelete="RESTRICT"), index=True)


class SurveyRecord(VersionedMixin, TimestampMixin, Base):
    """A field survey (普查/巡查): who looked, when, in which campaign, and what they found."""

    __tablename__ = "survey_record"

    id: Mapped[int_pk]
    object_id: Mapped[int] = _object_fk()
    surveyed_on: Mapped[dt.date] = mapped_column(index=True)
    surveyor: Mapped[str200]
    surveyor_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="RESTRICT")
    )
    campaign: Mapped[str200 | None] = mapped_column(doc="e.g. 第四次全国文物普查.")
    condition_system: Mapped[ConditionSystem] = mapped_column(enum_column_type(ConditionSystem))
    condition_grade: Mapped[str] = mapped_column(
        String(20), doc="Grade in the survey's own system (A–E, I–IV, GOOD …)."
    )
    condition: Mapped[ConditionGrade] = mapped_column(
        enum_column_type(ConditionGrade), doc="The grade mapped onto the registry's UI5 scale."
    )
    threats: Mapped[json_list] = mapped_column(doc="Threat codes observed.")
    observed_use: Mapped[UseStatus | None] = mapped_column(enum_column_type(UseStatus))
    observed_function: Mapped[str200 | None]
    notes: Mapped[str | None] = mapped_column(Text)

    heritage_object: Mapped[HeritageObject] = relationship(lazy="raise")
    surveyor_user: Mapped[User | None] = relationship(lazy="raise")

    def search_roots(self) -> set[int]:
        """Surveys change the object's condition shown in search."""
        return {self.object_id}


class MappingRecord(VersionedMixin, TimestampMixin, Base):
    """A measured survey (测绘): methods, depth, reference systems, accuracy and who did it."""

    __tablename__ = "mapping_record"
    __table_args__ = (
        CheckConstraint("accuracy_mm IS NULL OR accuracy_mm > 0", name="accuracy_positive"),
    )

    id: Mapped[int_pk]
    object_id: Mapped[int] = _object_fk()
    mapped_on: Mapped[dt.date] = mapped_column(index=True)
    methods: Mapped[json_list] = mapped_column(doc="SurveyMethod codes.")
    depth: Mapped[SurveyDepth] = mapped_column(enum_column_type(SurveyDepth))
    crs_epsg: Mapped[int | None] = mapped_column(Integer, doc="EPSG code, e.g. 4490 CGCS2000.")
    vertical_datum: Mapped[str200 | None] = mapped_column(doc="e.g. 1985国家高程基准.")
    accuracy_mm: Mapped[float | None] = mapped_column(Float)
    point_density: Mapped[str200 | None]
    organisation: Mapped[str200]
    organisation_qualification: Mapped[str200 | None] = mapped_column(
        doc="测绘资质 certificate (测绘法 Art. 27)."
    )
    qa_status: Mapped[QaStatus] = mapped_column(
        enum_column_type(QaStatus), default=QaStatus.PENDING
    )
    notes: Mapped[str | None] = mapped_column(Text)

    heritage_object: Mapped[HeritageObject] = relationship(lazy="raise")
    deliverables: Mapped[list[MappingDeliverable]] = relationship(
        back_populates="mapping_record", lazy="raise", order_by="MappingDeliverable.id"
    )

    def search_roots(self) -> set[int]:
        """The object's "mapped" flag depends on its mapping records."""
        return {self.object_id}


class MappingDeliverable(TimestampMixin, Base):
    """One item handed over by a mapping campaign: a drawing set, a point cloud, a model."""

    __tablename__ = "mapping_deliverable"

    id: Mapped[int_pk]
    mapping_record_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("mapping_record.id", ondelete="RESTRICT"), index=True
    )
    deliverable_type: Mapped[DeliverableType] = mapped_column(enum_column_type(DeliverableType))
    title: Mapped[str200]
    file_format: Mapped[str | None] = mapped_column(String(20), doc="DWG, PDF, E57, LAS …")
    media_asset_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("media_asset.id", ondelete="RESTRICT")
    )

    mapping_record: Mapped[MappingRecord] = relationship(
        back_populates="deliverables", lazy="raise"
    )

    def search_roots(self) -> set[int]:
        """Deliverables do not appear in search."""
        return set()


class Plaque(VersionedMixin, TimestampMixin, Base):
    """A protection sign or plaque (挂牌): its text, QR target, material, who put it up, state."""

    __tablename__ = "plaque"

    id: Mapped[int_pk]
    object_id: Mapped[int] = _object_fk()
    plaque_type: Mapped[PlaqueType] = mapped_column(enum_column_type(PlaqueType))
    text_front: Mapped[str | None] = mapped_column(Text)
    text_back: Mapped[str | None] = mapped_column(Text)
    qr_url: Mapped[str500 | None]
    material: Mapped[PlaqueMaterial | None] = mapped_column(enum_column_type(PlaqueMaterial))
    erecting_authority: Mapped[str200 | None]
    erected_on: Mapped[dt.date | None]
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    condition: Mapped[PlaqueCondition] = mapped_column(
        enum_column_type(PlaqueCondition), default=PlaqueCondition.INTACT
    )
    last_inspected_on: Mapped[dt.date | None]

    heritage_object: Mapped[HeritageObject] = relationship(lazy="raise")

    def search_roots(self) -> set[int]:
        """The object's "plaqued" flag depends on its plaques."""
        return {self.object_id}


class ArchiveItem(VersionedMixin, TimestampMixin, Base):
    """A document in an object's archive (建档), filed under an Art. 32 section."""

    __tablename__ = "archive_item"

    id: Mapped[int_pk]
    object_id: Mapped[int] = _object_fk()
    section: Mapped[ArchiveSection] = mapped_column(enum_column_type(ArchiveSection))
    volume: Mapped[DocumentVolume | None] = mapped_column(enum_column_type(DocumentVolume))
    title: Mapped[str500]
    document_date: Mapped[dt.date | None]
    archive_number: Mapped[str | None] = mapped_column(String(60), doc="档号.")
    description: Mapped[str | None] = mapped_column(Text)

    heritage_object: Mapped[HeritageObject] = relationship(lazy="raise")

    def search_roots(self) -> set[int]:
        """The object's archive completeness is shown in search."""
        return {self.object_id}


class Incident(VersionedMixin, TimestampMixin, Base):
    """A negative event: unauthorised demolition, fire, defacement, theft of components …"""

    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint("penalty_amount IS NULL OR penalty_amount >= 0", name="penalty_positive"),
    )

    id: Mapped[int_pk]
    object_id: Mapped[int] = _object_fk()
    incident_type: Mapped[IncidentType] = mapped_column(enum_column_type(IncidentType))
    severity: Mapped[IncidentSeverity] = mapped_column(enum_column_type(IncidentSeverity))
    status: Mapped[IncidentStatus] = mapped_column(
        enum_column_type(IncidentStatus), default=IncidentStatus.REPORTED
    )
    occurred_on: Mapped[dt.date] = mapped_column(index=True)
    reported_on: Mapped[dt.date | None]
    description: Mapped[str | None] = mapped_column(Text)
    legal_basis_article: Mapped[str200 | None] = mapped_column(doc="e.g. 条例第四十三条.")
    penalty_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), doc="Fine in yuan.")
    reported_by: Mapped[str500 | None]

    heritage_object: Mapped[HeritageObject] = relationship(lazy="raise")

    def search_roots(self) -> set[int]:
        """Incidents are not part of the search document."""
        return set()
