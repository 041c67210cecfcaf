"""Measured surveys (测绘) and their deliverables."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import MappingDeliverable, MappingRecord, MediaAsset
from heritage.models.vocab import DeliverableType, QaStatus, SurveyDepth, SurveyMethod
from heritage.services.checks import check_not_future, check_version, not_found
from heritage.services.errors import ErrorCode, Problems
from heritage.services.inputs import Input, apply_given
from heritage.services.objects import get_object

Text200 = Annotated[str, Field(max_length=200)]


class DeliverableInput(Input):
    """One item handed over: a drawing set, a point cloud, a model, a report."""

    deliverable_type: DeliverableType
    title: Annotated[str, Field(min_length=1, max_length=200)]
    file_format: Annotated[str, Field(max_length=20)] | None = None
    media_asset_id: int | None = None


class MappingFields(Input):
    """Fields of a mapping record; on update every one is optional."""

    mapped_on: dt.date | None = None
    methods: list[SurveyMethod] | None = Field(default=None, min_length=1)
    depth: SurveyDepth | None = None
    crs_epsg: int | None = Field(default=None, ge=1024, le=999999)
    vertical_datum: Text200 | None = None
    accuracy_mm: float | None = Field(default=None, gt=0)
    point_density: Text200 | None = None
    organisation: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    organisation_qualification: Text200 | None = None
    qa_status: QaStatus | None = None
    notes: str | None = None


class MappingCreate(MappingFields):
    """A new mapping record of a place or site."""

    object_id: int
    mapped_on: dt.date
    methods: list[SurveyMethod] = Field(min_length=1)
    depth: SurveyDepth
    organisation: Annotated[str, Field(min_length=1, max_length=200)]
    deliverables: list[DeliverableInput] = Field(default_factory=list)


async def add_mapping_record(session: AsyncSession, data: MappingCreate) -> MappingRecord:
    """Record a mapping campaign and what it delivered."""
    obj = await get_object(session, data.object_id)
    record = MappingRecord(object_id=obj.id, qa_status=QaStatus.PENDING)
    problems = Problems()
    _apply(record, data, problems)
    for index, item in enumerate(data.deliverables):
        await _check_asset(session, item, f"deliverables.{index}.mediaAssetId", problems)
    problems.raise_if_any()
    session.add(record)
    await session.flush()
    for item in data.deliverables:
        session.add(MappingDeliverable(mapping_record_id=record.id, **item.model_dump()))
    await session.flush()
    return record


async def update_mapping_record(
    session: AsyncSession, record_id: int, version: int, data: MappingFields
) -> MappingRecord:
    """Correct a mapping record or record its quality check."""
    record = await get_mapping_record(session, record_id)
    problems = Problems()
    check_version(problems, record.version, version)
    _apply(record, data, problems)
    problems.raise_if_any()
    await session.flush()
    return record


async def add_deliverable(
    session: AsyncSession, record_id: int, data: DeliverableInput
) -> MappingDeliverable:
    """Add a deliverable to a mapping record."""
    record = await get_mapping_record(session, record_id)
    problems = Problems()
    await _check_asset(session, data, "mediaAssetId", problems)
    problems.raise_if_any()
    deliverable = MappingDeliverable(mapping_record_id=record.id, **data.model_dump())
    session.add(deliverable)
    await session.flush()
    return deliverable


async def get_mapping_record(session: AsyncSession, record_id: int) -> MappingRecord:
    """The mapping record with ``record_id``, or NOT_FOUND."""
    record = await session.get(MappingRecord, record_id)
    if record is None:
        raise not_found("mapping record", record_id)
    return record


def _apply(record: MappingRecord, data: MappingFields, problems: Problems) -> None:
    apply_given(record, data, MappingFields.model_fields.keys() - {"methods"})
    if data.methods is not None:
        record.methods = [m.value for m in data.methods]
    check_not_future(problems, "mappedOn", record.mapped_on)


async def _check_asset(
    session: AsyncSession, item: DeliverableInput, field: str, problems: Problems
) -> None:
    if (
        item.media_asset_id is not None
        and await session.get(MediaAsset, item.media_asset_id) is None
    ):
        problems.add(field, ErrorCode.NOT_FOUND, f"no media asset with id {item.media_asset_id}")
