"""Field surveys: condition with its grading system, threats and observed use."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Site, SurveyRecord, User
from heritage.models.vocab import CONDITION_GRADES, ConditionSystem, Threat, UseStatus
from heritage.services.checks import check_not_future, check_version, not_found
from heritage.services.errors import ErrorCode, Problems
from heritage.services.inputs import Input, apply_given
from heritage.services.objects import get_object

Text200 = Annotated[str, Field(max_length=200)]


class SurveyFields(Input):
    """Fields of a survey; on update every one is optional."""

    surveyed_on: dt.date | None = None
    surveyor: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    surveyor_user_id: int | None = None
    campaign: Text200 | None = None
    condition_system: ConditionSystem | None = None
    condition_grade: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    threats: list[Threat] | None = None
    observed_use: UseStatus | None = None
    observed_function: Text200 | None = None
    notes: str | None = None


class SurveyCreate(SurveyFields):
    """A new survey of a place or site."""

    object_id: int
    surveyed_on: dt.date
    surveyor: Annotated[str, Field(min_length=1, max_length=200)]
    condition_system: ConditionSystem
    condition_grade: Annotated[str, Field(min_length=1, max_length=20)]


async def add_survey(session: AsyncSession, data: SurveyCreate) -> SurveyRecord:
    """Record a survey; the latest survey sets the site's current condition and use."""
    obj = await get_object(session, data.object_id)
    survey = SurveyRecord(object_id=obj.id)
    await _apply(session, survey, data, Problems())
    session.add(survey)
    await session.flush()
    await refresh_site_condition(session, obj.id)
    return survey


async def update_survey(
    session: AsyncSession, survey_id: int, version: int, data: SurveyFields
) -> SurveyRecord:
    """Correct a survey record."""
    survey = await session.get(SurveyRecord, survey_id)
    if survey is None:
        raise not_found("survey record", survey_id)
    problems = Problems()
    check_version(problems, survey.version, version)
    await _apply(session, survey, data, problems)
    await session.flush()
    await refresh_site_condition(session, survey.object_id)
    return survey


async def _apply(
    session: AsyncSession, survey: SurveyRecord, data: SurveyFields, problems: Problems
) -> None:
    apply_given(survey, data, data.given() - {"threats"})
    if data.threats is not None:
        survey.threats = [t.value for t in data.threats]
    check_not_future(problems, "surveyedOn", survey.surveyed_on)
    user_id = data.surveyor_user_id if "surveyor_user_id" in data.given() else None
    if user_id is not None and await session.get(User, user_id) is None:
        problems.add("surveyorUserId", ErrorCode.NOT_FOUND, f"no user with id {user_id}")
    grades = CONDITION_GRADES[survey.condition_system]
    grade = (survey.condition_grade or "").upper()
    if grade not in grades:
        problems.add(
            "conditionGrade",
            ErrorCode.CONDITION_GRADE_UNKNOWN,
            f"{survey.condition_grade!r} is not a grade of {survey.condition_system.value} "
            f"(one of {', '.join(grades)})",
        )
    else:
        survey.condition_grade = grade
        survey.condition = grades[grade]
    problems.raise_if_any()


async def refresh_site_condition(session: AsyncSession, object_id: int) -> None:
    """Copy the latest survey's condition and observed use onto the site."""
    obj = await get_object(session, object_id)
    if not isinstance(obj, Site):
        return
    latest = await session.scalar(
        select(SurveyRecord)
        .where(SurveyRecord.object_id == object_id)
        .order_by(SurveyRecord.surveyed_on.desc(), SurveyRecord.id.desc())
        .limit(1)
    )
    if latest is None:
        return
    if obj.condition != latest.condition:
        obj.condition = latest.condition
    if latest.observed_use is not None and obj.use_status != latest.observed_use:
        obj.use_status = latest.observed_use
    await session.flush()
