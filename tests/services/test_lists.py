"""Lists of craftsmen, works, incidents, changes and users: filters and keyset pages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import ChangeRecord, Craftsman, Incident, Intervention, User
from heritage.models.vocab import (
    CraftTrade,
    IncidentSeverity,
    IncidentType,
    InterventionType,
    UserRole,
)
from heritage.services import lists
from heritage.services.incidents import IncidentCreate, report_incident
from heritage.services.users import UserCreate, create_user
from heritage.services.works import (
    CraftsmanCreate,
    InterventionCreate,
    propose_intervention,
    register_craftsman,
)
from tests.support.factories import make_site


async def names(session: AsyncSession, flt: lists.CraftsmanFilter) -> list[str]:
    rows = await lists.page(session, lists.craftsmen(flt), Craftsman.id, limit=100)
    return [row.name for row in rows]


async def test_craftsmen_are_found_by_any_trade_region_and_name(session: AsyncSession) -> None:
    for name, trades, region in (
        ("王木匠", [CraftTrade.DAMUZUO, CraftTrade.XIAOMUZUO], "140728"),
        ("李瓦匠", [CraftTrade.WAZUO], "140622"),
        ("赵彩画", [CraftTrade.YOUSHI_CAIHUA], "330102"),
    ):
        await register_craftsman(
            session, CraftsmanCreate(name=name, trades=trades, region_code=region)
        )

    assert await names(session, lists.CraftsmanFilter(trades=[CraftTrade.XIAOMUZUO])) == ["王木匠"]
    assert await names(
        session, lists.CraftsmanFilter(trades=[CraftTrade.WAZUO, CraftTrade.YOUSHI_CAIHUA])
    ) == ["李瓦匠", "赵彩画"]
    assert await names(session, lists.CraftsmanFilter(region_prefix="14")) == ["王木匠", "李瓦匠"]
    assert await names(session, lists.CraftsmanFilter(name_contains="瓦")) == ["李瓦匠"]
    assert await names(session, lists.CraftsmanFilter(trades=[CraftTrade.SHIZUO])) == []
    assert await lists.count(session, lists.craftsmen(lists.CraftsmanFilter())) == 3


async def test_incidents_are_found_by_region_of_their_object_and_date(
    session: AsyncSession,
) -> None:
    shanxi = await make_site(session, "释迦塔")
    zhejiang = await make_site(session, "六和塔", region_code="330106")
    for obj, day, severity in (
        (shanxi, dt.date(2023, 3, 1), IncidentSeverity.MINOR),
        (shanxi, dt.date(2024, 7, 9), IncidentSeverity.SERIOUS),
        (zhejiang, dt.date(2024, 1, 5), IncidentSeverity.SERIOUS),
    ):
        await report_incident(
            session,
            IncidentCreate(
                object_id=obj.id,
                incident_type=IncidentType.DEFACEMENT,
                severity=severity,
                occurred_on=day,
            ),
        )

    async def days(flt: lists.IncidentFilter) -> list[dt.date]:
        rows = await lists.page(session, lists.incidents(flt), Incident.id, limit=100)
        return [row.occurred_on for row in rows]

    assert await days(lists.IncidentFilter(region_prefix="1406")) == [
        dt.date(2023, 3, 1),
        dt.date(2024, 7, 9),
    ]
    assert await days(
        lists.IncidentFilter(occurred_from=dt.date(2024, 1, 5), occurred_to=dt.date(2024, 7, 9))
    ) == [dt.date(2024, 7, 9), dt.date(2024, 1, 5)]
    assert await days(
        lists.IncidentFilter(severities=[IncidentSeverity.SERIOUS], object_id=zhejiang.id)
    ) == [dt.date(2024, 1, 5)]
    assert await days(lists.IncidentFilter(types=[IncidentType.FIRE])) == []


async def test_pages_run_both_ways_between_keyset_bounds(session: AsyncSession) -> None:
    site = await make_site(session)
    works = [
        await propose_intervention(
            session,
            InterventionCreate(
                object_id=site.id, intervention_type=InterventionType.MAINTENANCE, title=f"#{i}"
            ),
        )
        for i in range(5)
    ]
    query = lists.interventions(lists.InterventionFilter(object_id=site.id))
    forwards = await lists.page(session, query, Intervention.id, after_id=works[0].id, limit=2)
    backwards = await lists.page(
        session, query, Intervention.id, before_id=works[4].id, limit=2, backwards=True
    )

    assert [w.title for w in forwards] == ["#1", "#2"]
    assert [w.title for w in backwards] == ["#3", "#2"]


async def test_hidden_tables_never_appear_in_the_change_list(session: AsyncSession) -> None:
    user = await create_user(
        session, UserCreate(username="u1", display_name="U", role=UserRole.SURVEYOR)
    )
    site = await make_site(session)
    await session.flush()

    visible = await lists.page(
        session,
        lists.changes(lists.ChangeFilter(hidden_tables=frozenset({"user_account"}))),
        ChangeRecord.id,
        limit=100,
    )
    of_user = lists.changes(lists.ChangeFilter(object_type="user_account", object_id=user.id))

    assert {(c.object_type, c.object_id) for c in visible} == {("heritage_object", site.id)}
    assert await lists.count(session, of_user) == 1


async def test_users_are_found_by_role_and_activity(session: AsyncSession) -> None:
    for name, role, active in (
        ("ann", UserRole.SURVEYOR, True),
        ("bob", UserRole.SURVEYOR, False),
        ("cai", UserRole.ADMINISTRATOR, True),
    ):
        await create_user(
            session, UserCreate(username=name, display_name=name, role=role, is_active=active)
        )

    found = await lists.page(
        session,
        lists.users(lists.UserFilter(roles=[UserRole.SURVEYOR], is_active=True)),
        User.id,
        limit=10,
    )

    assert [u.username for u in found] == ["ann"]
