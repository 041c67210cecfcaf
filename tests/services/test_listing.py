"""The shared filters behind lists, exports and the embedded search."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models.vocab import (
    ConditionGrade,
    DesignationType,
    ObjectKind,
    PlaqueType,
    ProtectionLevel,
    RelicCategory,
)
from heritage.services import listing
from heritage.services.listing import ObjectFilter
from heritage.services.plaques import PlaqueCreate, install_plaque
from tests.support.factories import designate, make_place, make_site


async def test_filters_combine_and_count_exactly(session: AsyncSession) -> None:
    tower = await make_site(session, era_raw="辽", condition=ConditionGrade.GOOD)
    await designate(session, tower.id, DesignationType.CPU_NATIONAL, official_code="1-0071-3-024")
    await install_plaque(session, PlaqueCreate(object_id=tower.id, plaque_type=PlaqueType.CPU_SIGN))
    temple = await make_site(
        session, "镇国寺", region_code="140728", era_raw="五代", condition=ConditionGrade.POOR
    )
    await designate(session, temple.id, DesignationType.CPU_PROVINCIAL)
    tomb = await make_site(
        session, "某墓", ObjectKind.SITE, region_code="110105", category=RelicCategory.ANCIENT_TOMB
    )
    await make_place(session)

    async def ids(flt: ObjectFilter) -> list[int]:
        return [o.id for o in await listing.page(session, flt, after_id=None, limit=100)]

    assert await ids(ObjectFilter(record_type="site")) == [tower.id, temple.id, tomb.id]
    assert await ids(ObjectFilter(region_prefix="14", record_type="site")) == [tower.id, temple.id]
    assert await ids(ObjectFilter(protection_levels=[ProtectionLevel.PROVINCIAL])) == [temple.id]
    assert await ids(ObjectFilter(conditions=[ConditionGrade.POOR])) == [temple.id]
    assert await ids(ObjectFilter(has_plaque=True)) == [tower.id]
    assert await ids(ObjectFilter(has_plaque=False, record_type="site")) == [temple.id, tomb.id]
    assert await ids(ObjectFilter(era_from=1000, era_to=1100)) == [tower.id]
    assert await ids(ObjectFilter(national_code="1-71")) == [tower.id]
    assert await ids(ObjectFilter(national_code="1-0071-3-024")) == [tower.id]
    assert await ids(ObjectFilter(national_code="not a code")) == []
    assert await ids(ObjectFilter(categories=[RelicCategory.ANCIENT_TOMB])) == [tomb.id]
    assert await listing.count(session, ObjectFilter(record_type="site")) == 3
    assert await ids(ObjectFilter(record_type="site", ids=[tomb.id])) == [tomb.id]


async def test_keyset_pages_and_streams_cover_every_row_once(session: AsyncSession) -> None:
    made = [(await make_site(session, f"遗址{i}", ObjectKind.SITE)).id for i in range(7)]

    first = await listing.page(session, ObjectFilter(), after_id=None, limit=3)
    second = await listing.page(session, ObjectFilter(), after_id=first[-1].id, limit=3)
    streamed = [
        o.id async for batch in listing.stream(session, ObjectFilter(), batch_size=2) for o in batch
    ]

    assert [o.id for o in first + second] == made[:6]
    assert streamed == made
