"""Builders for test records, going through the services so every rule and hook runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import Designation, Place, Site
from heritage.models.vocab import DesignationType, ObjectKind, RelicCategory
from heritage.services.designations import DesignationCreate, add_designation
from heritage.services.objects import PlaceCreate, SiteCreate, create_place, create_site


async def make_site(
    session: AsyncSession,
    name: str = "佛宫寺释迦塔",
    kind: ObjectKind = ObjectKind.BUILDING,
    **fields: Any,
) -> Site:
    """A site in 应县 (Shanxi) unless told otherwise."""
    data: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "region_code": "140622",
        "category": RelicCategory.ANCIENT_BUILDING,
        **fields,
    }
    return await create_site(session, SiteCreate.model_validate(data))


async def make_place(
    session: AsyncSession, name: str = "平遥", kind: ObjectKind = ObjectKind.CITY, **fields: Any
) -> Place:
    """A place in 平遥县 unless told otherwise."""
    data: dict[str, Any] = {"kind": kind, "name": name, "region_code": "140728", **fields}
    return await create_place(session, PlaceCreate.model_validate(data))


async def designate(
    session: AsyncSession,
    object_id: int,
    designation_type: DesignationType,
    **fields: Any,
) -> Designation:
    """Give an object a designation, announced on 2001-06-25 unless told otherwise."""
    data: dict[str, Any] = {
        "object_id": object_id,
        "designation_type": designation_type,
        "announced_on": dt.date(2001, 6, 25),
        **fields,
    }
    return await add_designation(session, DesignationCreate.model_validate(data))
