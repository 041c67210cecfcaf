"""What a plaque prints and what its QR code leads to: the public face of a registered record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.media import MediaError, MediaErrorCode, PlaqueContent
from heritage.models import Designation, HeritageObject, Plaque
from heritage.services.checks import not_found
from heritage.services.objects import in_force_designations
from heritage.services.plaques import PLAQUE_REQUIRES


@dataclass(frozen=True)
class PublicRecord:
    """A place or site with the designations that protect it now, best first."""

    heritage_object: HeritageObject
    designations: list[Designation]


def _rank(designation: Designation) -> tuple[int, int]:
    level = designation.protection_level
    announced = designation.announced_on.toordinal() if designation.announced_on else 0
    # The highest protection level first; among equals, the latest announcement.
    return (level.rank if level is not None else 99, -announced)


async def public_record(session: AsyncSession, public_id: str) -> PublicRecord:
    """The place or site with this public identifier, or NOT_FOUND."""
    obj = await session.scalar(select(HeritageObject).where(HeritageObject.public_id == public_id))
    if obj is None:
        raise not_found("place or site", public_id, "publicId")
    return await _record(session, obj)


async def _record(session: AsyncSession, obj: HeritageObject) -> PublicRecord:
    designations = sorted(await in_force_designations(session, obj.id), key=_rank)
    return PublicRecord(heritage_object=obj, designations=designations)


def level_text(designation: Designation) -> str:
    """How a plaque names the protection: the level's label, else the designation type's."""
    if designation.protection_level is not None:
        return designation.protection_level.label
    return designation.designation_type.label


async def plaque_content(
    session: AsyncSession, plaque_id: int, record_url: Callable[[str], str]
) -> PlaqueContent:
    """What the printable plaque says (GB/T 22527 front), from the plaque and its designation.

    The designation printed is the best in-force one of the kinds the plaque type states (any
    in-force one for entrance signs). ``record_url`` turns the object's public id into the
    address its QR code encodes. Missing facts are ``INVALID_PLAQUE_CONTENT``, all named.
    """
    plaque = await session.get(Plaque, plaque_id)
    if plaque is None:
        raise not_found("plaque", plaque_id)
    obj = await session.get(HeritageObject, plaque.object_id)
    if obj is None:  # pragma: no cover - the foreign key forbids it
        raise not_found("place or site", plaque.object_id)
    record = await _record(session, obj)
    wanted = PLAQUE_REQUIRES.get(plaque.plaque_type)
    fitting = [d for d in record.designations if wanted is None or d.designation_type in wanted]
    if not fitting:
        raise MediaError(
            MediaErrorCode.INVALID_PLAQUE_CONTENT,
            f"{record.heritage_object.name} holds no in-force designation a "
            f"{plaque.plaque_type.label} states",
        )
    designation = fitting[0]
    authority, announced_on = designation.authority, designation.announced_on
    erected_by, erected_on = plaque.erecting_authority, plaque.erected_on
    if not authority or announced_on is None or not erected_by or erected_on is None:
        missing = [
            what
            for what, value in (
                ("the designation's announcing authority", authority),
                ("the designation's announcement date", announced_on),
                ("the plaque's erecting authority", erected_by),
                ("the plaque's erection date", erected_on),
            )
            if not value
        ]
        raise MediaError(
            MediaErrorCode.INVALID_PLAQUE_CONTENT,
            "cannot print the plaque without " + ", ".join(missing),
        )
    return PlaqueContent(
        site_name=record.heritage_object.name,
        protection_level=level_text(designation),
        official_number=designation.official_code or None,
        announced_by=authority,
        announced_on=announced_on,
        erected_by=erected_by,
        erected_on=erected_on,
        record_url=record_url(record.heritage_object.public_id),
    )
