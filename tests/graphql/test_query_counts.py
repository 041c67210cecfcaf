"""A list query makes the same number of SQL statements for 10 rows as for 100."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from heritage.models import MediaAsset, MediaLink
from heritage.models.vocab import ConditionSystem, DesignationType, MediaKind, PlaqueType
from heritage.services.plaques import PlaqueCreate, install_plaque
from heritage.services.surveys import SurveyCreate, add_survey
from tests.support.api import Api
from tests.support.factories import designate, make_site

LIST = """
query($first: Int!) {
  buildings(first: $first) {
    totalCount
    edges { node {
      name nationalCode protectionLevel regionName location { lon lat }
      designations { designationType protectionLevel officialCode inForce }
      latestSurvey { surveyedOn condition }
      plaques { plaqueType condition media { sha256 } }
      media { sha256 mimeType }
    } }
  }
}
"""


# Set only around the measured request: background work of the app (the search index
# catching up with the outbox) runs in other tasks and must not be counted.
_measuring: ContextVar[bool] = ContextVar("measuring", default=False)


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        if _measuring.get():
            statements.append(args[2])

    event.listen(Engine, "before_cursor_execute", record)
    token = _measuring.set(True)
    try:
        yield statements
    finally:
        _measuring.reset(token)
        event.remove(Engine, "before_cursor_execute", record)


async def test_list_of_100_buildings_makes_as_many_queries_as_a_list_of_10(api: Api) -> None:
    async with api.session() as session:
        for index in range(100):
            site = await make_site(
                session, f"建筑{index:03d}", location={"lon": 113.1, "lat": 39.5}
            )
            await designate(
                session,
                site.id,
                DesignationType.CPU_NATIONAL,
                official_code=f"6-{index + 1:04d}-3-{index + 1:03d}",
            )
            for year in (2010, 2020):
                await add_survey(
                    session,
                    SurveyCreate(
                        object_id=site.id,
                        surveyed_on=dt.date(year, 5, 1),
                        surveyor="张三",
                        condition_system=ConditionSystem.UI5,
                        condition_grade="GOOD",
                    ),
                )
            plaque = await install_plaque(
                session, PlaqueCreate(object_id=site.id, plaque_type=PlaqueType.CPU_SIGN)
            )
            asset = MediaAsset(
                sha256=f"{index:064d}",
                media_kind=MediaKind.IMAGE,
                mime_type="image/jpeg",
                byte_size=1000,
                width=10,
                height=10,
            )
            session.add(asset)
            await session.flush()
            session.add(MediaLink(media_asset_id=asset.id, object_id=site.id))
            session.add(MediaLink(media_asset_id=asset.id, plaque_id=plaque.id))
        await session.flush()

    with counting_statements() as ten:
        small = await api.data(LIST, {"first": 10})
    with counting_statements() as hundred:
        large = await api.data(LIST, {"first": 100})

    assert len(small["buildings"]["edges"]) == 10
    assert len(large["buildings"]["edges"]) == 100
    node = large["buildings"]["edges"][99]["node"]
    assert node["latestSurvey"]["surveyedOn"] == "2020-05-01"
    assert node["plaques"][0]["media"][0]["sha256"] == f"{99:064d}"
    assert node["nationalCode"] == "6-0100-3-100"
    assert len(ten) > 0
    assert len(hundred) == len(ten), "\n".join(hundred)
