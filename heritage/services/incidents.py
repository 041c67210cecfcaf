"""Incidents: unauthorised demolition, fire, defacement, theft of components …"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Incident
from heritage.models.vocab import IncidentSeverity, IncidentStatus, IncidentType
from heritage.services.checks import check_not_future, check_order, check_version, not_found
from heritage.services.errors import Problems
from heritage.services.inputs import Input, apply_given
from heritage.services.objects import get_object

Text200 = Annotated[str, Field(max_length=200)]


class IncidentFields(Input):
    """Fields of an incident; on update every one is optional."""

    incident_type: IncidentType | None = None
    severity: IncidentSeverity | None = None
    status: IncidentStatus | None = None
    occurred_on: dt.date | None = None
    reported_on: dt.date | None = None
    description: str | None = None
    legal_basis_article: Text200 | None = None
    penalty_amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    reported_by: Annotated[str, Field(max_length=500)] | None = None


class IncidentCreate(IncidentFields):
    """A negative event on a place or site."""

    object_id: int
    incident_type: IncidentType
    severity: IncidentSeverity
    occurred_on: dt.date


async def report_incident(session: AsyncSession, data: IncidentCreate) -> Incident:
    """Record an incident."""
    obj = await get_object(session, data.object_id)
    incident = Incident(object_id=obj.id)
    _apply(incident, data, Problems())
    session.add(incident)
    await session.flush()
    return incident


async def update_incident(
    session: AsyncSession, incident_id: int, version: int, data: IncidentFields
) -> Incident:
    """Follow an incident up: investigation, penalty, resolution."""
    incident = await session.get(Incident, incident_id)
    if incident is None:
        raise not_found("incident", incident_id)
    problems = Problems()
    check_version(problems, incident.version, version)
    _apply(incident, data, problems)
    await session.flush()
    return incident


def _apply(incident: Incident, data: IncidentFields, problems: Problems) -> None:
    apply_given(incident, data, set(IncidentFields.model_fields))
    check_not_future(problems, "occurredOn", incident.occurred_on)
    check_not_future(problems, "reportedOn", incident.reported_on)
    check_order(problems, "reportedOn", incident.occurred_on, incident.reported_on, "reported")
    problems.raise_if_any()
