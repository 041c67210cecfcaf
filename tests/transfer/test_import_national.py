"""The national key sites (5,109 rows, batches 1–8) imported in full, on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import ChangeRecord, Designation, Site
from heritage.models.vocab import (
    AnnouncementKind,
    ChangeAction,
    CoordinateSystem,
    DesignationType,
    LocationMethod,
    ObjectKind,
    RelicCategory,
)
from heritage.services.designations import NATIONAL_BATCH_WINDOWS
from tests.transfer.helpers import NATIONAL_FILE, national_mapping, run_import

# New sites per batch from the State Council notices, with later additions: 518+3, 1080+1,
# 1943+1; batch 8 lists 762 sites and the 50 merged into existing ones.
KNOWN_TOTALS = {1: 180, 2: 62, 3: 258, 4: 250, 5: 521, 6: 1081, 7: 1944, 8: 762 + 50}


async def test_the_national_list_imports_every_valid_row_once_with_known_batch_totals(
    session: AsyncSession, tmp_path: Path
) -> None:
    outcome = await run_import(
        session, NATIONAL_FILE, national_mapping(), tmp_path, skip_invalid=True
    )

    summary = outcome.summary
    assert (summary.rows, summary.created, summary.refused) == (5109, 5108, 1)
    assert summary.kept
    per_batch = dict(
        (
            await session.execute(
                select(Designation.batch_no, func.count())
                .where(Designation.designation_type == DesignationType.CPU_NATIONAL)
                .group_by(Designation.batch_no)
            )
        ).all()
    )
    assert per_batch == KNOWN_TOTALS
    # The one refused row is explained: batch 7 lists 八宝山革命公墓 twice, once under a number
    # its batch never gave out (it is 7-1944).
    (refused,) = outcome.errors
    assert refused["key"] == "7-1991-5-330"
    assert refused["code"] == "NATIONAL_CODE_NOT_IN_BATCH"
    assert refused["field"] == "number"
    assert refused["line"] > 1
    assert "1944" in refused["message"]
    babaoshan = await session.scalar(
        select(func.count()).where(Designation.official_code == "7-1944-5-331")
    )
    assert babaoshan == 1

    # Rows that were kept with assumptions say so: datings no parser reads are kept as text.
    warnings = {(i["key"], i["code"]) for i in outcome.issues if i["severity"] == "warning"}
    assert ("7-0454-1-454", "DATING_UNPARSEABLE") in warnings  # 唐王清
    assert ("1-0162-2-001", "DATING_INDETERMINATE") in warnings  # 传说时代

    # Conversions: region names to codes, GCJ-02 to WGS-84, dating parsed; 国保 details.
    tower = (
        await session.execute(
            select(Site, Designation)
            .join(Designation, Designation.object_id == Site.id)
            .where(Designation.official_code == "1-0030-5-030")  # 天安门
        )
    ).one()
    site, designation = tower
    assert site.name == "天安门"
    assert site.region_code == "110101"
    assert site.kind == ObjectKind.BUILDING_GROUP
    assert site.category == RelicCategory.MODERN_HISTORIC
    assert site.source_crs == CoordinateSystem.GCJ02
    assert site.location_method == LocationMethod.GEOCODE_OTHER
    assert (site.source_lon, site.source_lat) == (116.397463, 39.909187)
    assert site.lon is not None
    assert site.lat is not None
    assert 0.004 < 116.397463 - site.lon < 0.008  # GCJ-02 is shifted east in Beijing
    assert (site.era_raw, site.era_start_year) == ("明清", 1368)
    assert site.external_key == "1-0030-5-030"
    assert designation.authority == "国务院"
    assert designation.batch_no == 1
    assert designation.announced_on == NATIONAL_BATCH_WINDOWS[1][0]
    assert designation.announcement_kind == AnnouncementKind.BATCH_NOTICE
    assert designation.original_category == "近现代重要史迹及代表性建筑"

    merged = (
        await session.scalars(
            select(Designation).where(
                Designation.announcement_kind == AnnouncementKind.MERGE_INTO_EXISTING
            )
        )
    ).all()
    assert len(merged) == 50
    assert all(d.official_code is None and d.batch_no == 8 for d in merged)
    linked = [d for d in merged if d.parent_designation_id is not None]
    assert len(linked) == 10
    parent = await session.get(Designation, linked[0].parent_designation_id)
    assert parent is not None
    assert parent.official_code is not None

    # Every record has its change record, by the importing actor (the session fixture also
    # checks every row written has one).
    actors = set(
        await session.scalars(
            select(ChangeRecord.actor_label).where(ChangeRecord.action == ChangeAction.CREATE)
        )
    )
    assert actors == {"test-suite"}

    # Importing the same file again updates instead of duplicating: here, nothing changed.
    records = await session.scalar(select(func.count()).select_from(ChangeRecord))

    again = await run_import(
        session, NATIONAL_FILE, national_mapping(), tmp_path, skip_invalid=True
    )

    assert (again.summary.created, again.summary.updated) == (0, 0)
    assert again.summary.unchanged == 5108
    assert await session.scalar(select(func.count()).select_from(Site)) == 5108
    assert await session.scalar(select(func.count()).select_from(ChangeRecord)) == records
