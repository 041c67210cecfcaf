"""Helpers for API tests: run a mutation, read its payload, errors and the write count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from heritage.graphql.ids import global_id
from heritage.models import ChangeRecord
from heritage.models.vocab import DesignationType, UserRole
from tests.support.api import Api
from tests.support.factories import designate, make_site


async def payload(
    api: Api, document: str, variables: dict[str, Any], role: UserRole | None
) -> dict[str, Any]:
    """The payload of the document's only root field (the mutation's answer)."""
    data = await api.data(document, variables, role)
    (answer,) = data.values()
    result: dict[str, Any] = answer
    return result


async def written(
    api: Api, document: str, variables: dict[str, Any], role: UserRole | None
) -> dict[str, Any]:
    """The payload of a mutation that must succeed."""
    result = await payload(api, document, variables, role)
    assert result["errors"] == [], result["errors"]
    return result


def problems(result: dict[str, Any]) -> set[tuple[str | None, str]]:
    """The ``(field, code)`` pairs of a payload's errors."""
    return {(error["field"], error["code"]) for error in result["errors"]}


async def change_count(api: Api) -> int:
    """How many change records the database holds: unchanged means nothing was written."""
    async with api.session() as session:
        return int(await session.scalar(select(func.count()).select_from(ChangeRecord)) or 0)


async def designated_site(
    api: Api,
    designation_type: DesignationType = DesignationType.CPU_PROVINCIAL,
    official_code: str | None = None,
    **fields: Any,
) -> str:
    """The global ID of a new building in 应县 (unless told otherwise) with a designation."""
    async with api.session() as session:
        site = await make_site(session, **fields)
        await designate(session, site.id, designation_type, official_code=official_code)
        return global_id("Site", site.id)
