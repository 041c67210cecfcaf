"""Archive items (建档), filed by the five sections of 条例 Art. 32, and archive completeness."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import ArchiveItem
from heritage.models.vocab import ArchiveSection, DocumentVolume
from heritage.services.checks import check_not_future, check_version, not_found
from heritage.services.errors import Problems
from heritage.services.inputs import Input, apply_given
from heritage.services.objects import get_object


class ArchiveItemFields(Input):
    """Fields of an archive item; on update every one is optional."""

    section: ArchiveSection | None = None
    volume: DocumentVolume | None = None
    title: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    document_date: dt.date | None = None
    archive_number: Annotated[str, Field(max_length=60)] | None = None
    description: str | None = None


class ArchiveItemCreate(ArchiveItemFields):
    """A document filed in a place's or site's archive."""

    object_id: int
    section: ArchiveSection
    title: Annotated[str, Field(min_length=1, max_length=500)]


async def add_archive_item(session: AsyncSession, data: ArchiveItemCreate) -> ArchiveItem:
    """File a document in an object's archive."""
    obj = await get_object(session, data.object_id)
    item = ArchiveItem(object_id=obj.id)
    _apply(item, data, Problems())
    session.add(item)
    await session.flush()
    return item


async def update_archive_item(
    session: AsyncSession, item_id: int, version: int, data: ArchiveItemFields
) -> ArchiveItem:
    """Correct an archive item (refile it, fix its title or date)."""
    item = await session.get(ArchiveItem, item_id)
    if item is None:
        raise not_found("archive item", item_id)
    problems = Problems()
    check_version(problems, item.version, version)
    _apply(item, data, problems)
    await session.flush()
    return item


async def missing_sections(session: AsyncSession, object_id: int) -> list[ArchiveSection]:
    """The Art. 32 sections with no item yet; empty means the archive is complete."""
    filed = set(
        await session.scalars(
            select(ArchiveItem.section).where(ArchiveItem.object_id == object_id).distinct()
        )
    )
    return [section for section in ArchiveSection if section not in filed]


def _apply(item: ArchiveItem, data: ArchiveItemFields, problems: Problems) -> None:
    apply_given(item, data, set(ArchiveItemFields.model_fields))
    check_not_future(problems, "documentDate", item.document_date)
    problems.raise_if_any()
