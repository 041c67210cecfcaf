"""Restoration and other works (修缮 …) and the craftsmen who carry them out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
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
    ApprovalLevel,
    FirmQualification,
    InheritorLevel,
    InterventionStatus,
    InterventionType,
)

if TYPE_CHECKING:
    from heritage.models.objects import HeritageObject


class Intervention(VersionedMixin, TimestampMixin, Base):
    """A works project on an object: type, approval, firm, budget and funding, dates, report."""

    __tablename__ = "intervention"
    __table_args__ = (
        CheckConstraint("budget_yuan IS NULL OR budget_yuan >= 0", name="budget_positive"),
        CheckConstraint(
            "started_on IS NULL OR completed_on IS NULL OR started_on <= completed_on",
            name="dates_order",
        ),
    )

    id: Mapped[int_pk]
    object_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("heritage_object.id", ondelete="RESTRICT"), index=True
    )
    intervention_type: Mapped[InterventionType] = mapped_column(enum_column_type(InterventionType))
    status: Mapped[InterventionStatus] = mapped_column(
        enum_column_type(InterventionStatus), default=InterventionStatus.PROPOSED
    )
    title: Mapped[str500]
    description: Mapped[str | None] = mapped_column(Text)
    approval_doc_no: Mapped[str200 | None]
    approval_authority: Mapped[str200 | None]
    approval_level: Mapped[ApprovalLevel | None] = mapped_column(enum_column_type(ApprovalLevel))
    approved_on: Mapped[dt.date | None]
    firm: Mapped[str200 | None]
    firm_qualification: Mapped[FirmQualification | None] = mapped_column(
        enum_column_type(FirmQualification)
    )
    budget_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    funding: Mapped[json_list] = mapped_column(
        doc='Funding sources: [{"source": FundingSource, "amount_yuan": "…"}].'
    )
    started_on: Mapped[dt.date | None]
    completed_on: Mapped[dt.date | None]
    report: Mapped[str | None] = mapped_column(Text, doc="Completion or acceptance summary.")

    heritage_object: Mapped[HeritageObject] = relationship(lazy="raise")
    craftsmen: Mapped[list[InterventionCraftsman]] = relationship(
        back_populates="intervention", lazy="raise", order_by="InterventionCraftsman.id"
    )

    def search_roots(self) -> set[int]:
        """Works are not part of the search document."""
        return set()


class Craftsman(VersionedMixin, TimestampMixin, Base):
    """A traditional craftsman (传统工匠): trades, certification and home region."""

    __tablename__ = "craftsman"

    id: Mapped[int_pk]
    name: Mapped[str200] = mapped_column(index=True)
    trades: Mapped[json_list] = mapped_column(doc="CraftTrade codes.")
    certification: Mapped[str500 | None] = mapped_column(doc="Title or certificate held.")
    inheritor_level: Mapped[InheritorLevel] = mapped_column(
        enum_column_type(InheritorLevel), default=InheritorLevel.NONE
    )
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)

    works: Mapped[list[InterventionCraftsman]] = relationship(
        back_populates="craftsman", lazy="raise", order_by="InterventionCraftsman.id"
    )

    def search_roots(self) -> set[int]:
        """Craftsmen are not in the object index."""
        return set()


class InterventionCraftsman(TimestampMixin, Base):
    """A craftsman's part in a works project."""

    __tablename__ = "intervention_craftsman"
    __table_args__ = (UniqueConstraint("intervention_id", "craftsman_id", "trade"),)

    id: Mapped[int_pk]
    intervention_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("intervention.id", ondelete="RESTRICT"), index=True
    )
    craftsman_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("craftsman.id", ondelete="RESTRICT"), index=True
    )
    trade: Mapped[str] = mapped_column(String(40), doc="CraftTrade code of this work.")
    role: Mapped[str200 | None] = mapped_column(doc="e.g. 掌作师傅.")

    intervention: Mapped[Intervention] = relationship(back_populates="craftsmen", lazy="raise")
    craftsman: Mapped[Craftsman] = relationship(back_populates="works", lazy="raise")

    def search_roots(self) -> set[int]:
        """Not part of the search document."""
        return set()
