"""Imports of good and broken files: every problem is a row error (line, field, code), and an
all-or-nothing import that meets one leaves the database as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import ChangeRecord, Designation, Site
from heritage.models.vocab import (
    ChangeAction,
    ConditionGrade,
    CoordinateSystem,
    DesignationType,
    ObjectKind,
)
from heritage.transfer.report import Report
from tests.transfer.helpers import (
    GOOD_ROWS,
    LIST_HEADER,
    list_mapping,
    row,
    run_import,
    table_counts,
    write_csv,
)


async def test_a_good_list_is_imported_with_conversions_and_history(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", GOOD_ROWS)

    outcome = await run_import(session, path, list_mapping(), tmp_path)

    assert outcome.summary.kept
    assert (outcome.summary.created, outcome.summary.refused) == (3, 0)
    assert outcome.summary.encoding == "utf-8"
    sites = {s.external_key: s for s in await session.scalars(select(Site))}
    tower = sites["A1"]
    assert tower.region_code == "140622"  # 应县
    assert tower.kind == ObjectKind.BUILDING
    assert tower.condition == ConditionGrade.GOOD  # from the Chinese label 较好
    assert tower.source_crs == CoordinateSystem.GCJ02
    assert tower.lon is not None
    assert tower.lon != 113.18
    assert (tower.era_start_year, tower.period_codes) == (907, ["LIAO"])
    # 南禅寺 has no system given: the column's default applies.
    assert sites["A2"].source_crs == CoordinateSystem.GCJ02
    # An old province name and a county that became a city resolve to today's code.
    assert sites["A3"].region_code == "450881"  # 桂平市
    assert sites["A3"].lon is None
    designations = {d.object_id: d for d in await session.scalars(select(Designation))}
    assert designations[tower.id].designation_type == DesignationType.CPU_NATIONAL
    assert designations[tower.id].official_code == "1-0071-3-024"
    assert designations[sites["A3"].id].designation_type == DesignationType.CPU_COUNTY
    creates = await session.scalars(
        select(ChangeRecord.object_type).where(ChangeRecord.action == ChangeAction.CREATE)
    )
    assert sorted(creates) == ["designation"] * 3 + ["heritage_object"] * 3


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("gb18030", False)])
async def test_utf8_with_bom_and_gb18030_are_detected(
    session: AsyncSession, tmp_path: Path, encoding: str, bom: bool
) -> None:
    path = write_csv(tmp_path / "list.csv", GOOD_ROWS, encoding=encoding, bom=bom)

    outcome = await run_import(session, path, list_mapping(), tmp_path)

    assert outcome.summary.encoding == encoding
    assert outcome.summary.created == 3
    names = set(await session.scalars(select(Site.name)))
    assert names == {"佛宫寺释迦塔", "南禅寺", "某村古戏台"}


async def test_a_file_in_the_wrong_encoding_reports_the_lines_and_writes_nothing(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", GOOD_ROWS, encoding="gb18030")
    before = await table_counts(session)

    outcome = await run_import(session, path, list_mapping(), tmp_path, encoding="utf-8")

    assert not outcome.summary.kept
    assert outcome.summary.file_error
    (issue,) = outcome.errors
    assert (issue["line"], issue["code"]) == (1, "ENCODING")
    assert await table_counts(session) == before


async def test_a_row_that_does_not_decode_is_a_row_error(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", GOOD_ROWS)
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace("南禅寺".encode(), "南禅寺".encode("gb18030"))
    path.write_bytes(b"\r\n".join(lines))
    before = await table_counts(session)

    outcome = await run_import(session, path, list_mapping(), tmp_path, encoding="utf-8")

    assert outcome.codes_at(3) == {"ENCODING"}
    assert outcome.summary.refused == 1
    assert not outcome.summary.kept
    assert await table_counts(session) == before


async def test_utf16_is_refused_with_a_hint(session: AsyncSession, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("编号,名称\r\nA1,塔\r\n".encode("utf-16"))

    outcome = await run_import(session, path, list_mapping(), tmp_path)

    (issue,) = outcome.errors
    assert issue["code"] == "ENCODING_UNSUPPORTED"
    assert "UTF-8" in issue["message"]


async def test_missing_columns_are_named_on_the_header_line(
    session: AsyncSession, tmp_path: Path
) -> None:
    header = [c for c in LIST_HEADER if c not in ("纬度", "级别")]
    path = write_csv(tmp_path / "list.csv", GOOD_ROWS, header=header)
    before = await table_counts(session)

    outcome = await run_import(session, path, list_mapping(), tmp_path, skip_invalid=True)

    assert outcome.summary.file_error
    assert {(i["line"], i["field"], i["code"]) for i in outcome.errors} == {
        (1, "纬度", "MISSING_COLUMN"),
        (1, "级别", "MISSING_COLUMN"),
    }
    assert await table_counts(session) == before


# (cells changed in the first good row, column at fault, code). The bad row is line 3.
BAD_ROWS = [
    ({"省": "", "市": "", "县": "火星县"}, "省,市,县", "REGION_NAME_UNKNOWN"),
    ({"国保编号": "1-71-3-24"}, "国保编号", "NATIONAL_CODE_FORMAT"),
    ({"国保编号": "1-0071-5-024"}, "国保编号", "NATIONAL_CODE_CATEGORY_MISMATCH"),
    ({"国保编号": "8-0000-3-001"}, "国保编号", "NATIONAL_CODE_MERGED_ITEM"),
    ({"经度": "一百一十三"}, "经度", "NUMBER_INVALID"),
    ({"经度": "13.18", "纬度": "9.565"}, "经度,纬度,坐标系", "COORDINATE_OUTSIDE_CHINA"),
    ({"经度": "213.18"}, "经度,纬度,坐标系", "INVALID"),
    ({"纬度": ""}, "经度,纬度,坐标系", "REQUIRED"),
    ({"坐标系": "XIAN80"}, "经度,纬度,坐标系", "CRS_NOT_CONVERTIBLE"),
    ({"年代": "唐王清"}, "年代", "DATING_UNPARSEABLE"),
    ({"年代": "2199年"}, "年代", "ERA_IN_FUTURE"),
    ({"公布日期": "1961-02-30"}, "公布日期", "DATE_INVALID"),
    ({"公布日期": "2199-01-01"}, "公布日期", "DATE_IN_FUTURE"),
    ({"类型": "城堡"}, "类型", "VALUE_UNKNOWN"),
    ({"级别": "国宝"}, "级别", "VALUE_UNKNOWN"),
    ({"保存状况": "很好"}, "保存状况", "VALUE_UNKNOWN"),
    ({"坐标系": "WGS-84"}, "坐标系", "VALUE_UNKNOWN"),
    ({"名称": ""}, "名称", "REQUIRED"),
    ({"名称": "塔" * 201}, "名称", "INVALID"),
    ({"编号": ""}, "编号", "KEY_MISSING"),
]


@pytest.mark.parametrize(("changes", "field", "code"), BAD_ROWS)
async def test_a_bad_cell_is_a_precise_row_error_and_nothing_is_written(
    session: AsyncSession, tmp_path: Path, changes: dict[str, str], field: str, code: str
) -> None:
    bad = row(**{"编号": "B1", **changes})
    path = write_csv(tmp_path / "list.csv", [GOOD_ROWS[1], bad, GOOD_ROWS[2]])
    before = await table_counts(session)

    outcome = await run_import(session, path, list_mapping(), tmp_path)

    issue = outcome.error(3, code)
    assert issue["field"] == field
    assert issue["message"]
    assert outcome.codes_at(2) == set()
    assert outcome.codes_at(4) == set()
    assert (outcome.summary.refused, outcome.summary.kept) == (1, False)
    assert await table_counts(session) == before


async def test_skip_invalid_imports_the_valid_rows_and_reports_the_others(
    session: AsyncSession, tmp_path: Path
) -> None:
    bad = row(**{"编号": "B1", "经度": "abc", "级别": "国宝"})
    path = write_csv(tmp_path / "list.csv", [GOOD_ROWS[0], bad, GOOD_ROWS[2]])

    outcome = await run_import(session, path, list_mapping(), tmp_path, skip_invalid=True)

    assert outcome.summary.kept
    assert (outcome.summary.created, outcome.summary.refused) == (2, 1)
    assert outcome.codes_at(3) == {"NUMBER_INVALID", "VALUE_UNKNOWN"}
    assert set(await session.scalars(select(Site.external_key))) == {"A1", "A3"}


async def test_duplicate_keys_in_a_file_are_refused_across_batches(
    session: AsyncSession, tmp_path: Path
) -> None:
    rows = [*GOOD_ROWS, row(**{"名称": "同一座塔"}), row(**{"编号": "A9"})]
    path = write_csv(tmp_path / "list.csv", rows)
    before = await table_counts(session)

    outcome = await run_import(session, path, list_mapping(), tmp_path, batch_size=2)

    # Line 5 repeats key A1 (line 2); line 6 has its own key but A1's 国保 number.
    duplicate = outcome.error(5, "DUPLICATE_KEY")
    assert (duplicate["field"], duplicate["key"]) == ("编号", "A1")
    assert "earlier row" in duplicate["message"]
    assert outcome.codes_at(6) == {"NATIONAL_CODE_TAKEN"}
    assert outcome.summary.refused == 2
    assert await table_counts(session) == before


async def test_duplicate_keys_are_refused_when_they_match_existing_records_too(
    session: AsyncSession, tmp_path: Path
) -> None:
    await run_import(
        session, write_csv(tmp_path / "first.csv", GOOD_ROWS), list_mapping(), tmp_path
    )
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], row(**{"保存状况": "较差"}), GOOD_ROWS[1]]
    path = write_csv(tmp_path / "again.csv", rows)

    outcome = await run_import(session, path, list_mapping(), tmp_path, batch_size=2)

    assert "line 2" in outcome.error(4, "DUPLICATE_KEY")["message"]
    assert "line 3" in outcome.error(5, "DUPLICATE_KEY")["message"]
    assert outcome.summary.refused == 2


async def test_importing_again_updates_in_place_with_change_records(
    session: AsyncSession, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", GOOD_ROWS)
    await run_import(session, first, list_mapping(), tmp_path)
    tower = await session.scalar(select(Site).where(Site.external_key == "A1"))
    assert tower is not None
    tower_id = tower.id
    edited = [row(**{"保存状况": "较差", "年代": "辽至金"}), GOOD_ROWS[1], GOOD_ROWS[2]]
    second = write_csv(tmp_path / "second.csv", edited)

    outcome = await run_import(session, second, list_mapping(), tmp_path)

    assert (outcome.summary.created, outcome.summary.updated) == (0, 1)
    assert outcome.summary.unchanged == 2
    session.expunge_all()
    tower = await session.get(Site, tower_id)
    assert tower is not None
    assert tower.condition == ConditionGrade.POOR
    assert tower.version == 2
    update = await session.scalar(
        select(ChangeRecord).where(
            ChangeRecord.object_id == tower_id,
            ChangeRecord.object_type == "heritage_object",
            ChangeRecord.action == ChangeAction.UPDATE,
        )
    )
    assert update is not None
    assert update.before is not None
    assert update.before["condition"] == "GOOD"
    assert update.after is not None
    assert (update.after["condition"], update.after["era_raw"]) == ("POOR", "辽至金")
    assert "name" not in update.after  # only what changed


async def test_a_dry_run_checks_everything_and_writes_nothing(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", GOOD_ROWS)
    before = await table_counts(session)

    outcome = await run_import(session, path, list_mapping(), tmp_path, dry_run=True)

    assert outcome.summary.created == 3
    assert not outcome.summary.kept
    assert await table_counts(session) == before


async def test_json_lines_are_imported_and_bad_json_is_a_row_error(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "list.jsonl"
    good = [json.dumps(r, ensure_ascii=False) for r in GOOD_ROWS]
    path.write_text("\n".join([good[0], "{not json", good[1], "[1, 2]"]) + "\n", "utf-8")

    outcome = await run_import(
        session, path, list_mapping(), tmp_path, fmt="jsonl", skip_invalid=True
    )

    assert outcome.codes_at(2) == {"JSON_SYNTAX"}
    assert outcome.codes_at(4) == {"JSON_SYNTAX"}
    assert outcome.summary.created == 2


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl"])
async def test_the_report_is_machine_readable_in_each_format(
    session: AsyncSession, tmp_path: Path, suffix: str
) -> None:
    from heritage.transfer.importer import import_file

    path = write_csv(tmp_path / "list.csv", [row(**{"经度": "abc"})])
    report_path = tmp_path / f"report{suffix}"
    report = Report(report_path)
    summary = await import_file(session, path, list_mapping(), report=report)
    report.close(summary.as_dict())

    text = report_path.read_bytes().decode("utf-8-sig")
    if suffix == ".csv":
        import csv

        (issue,) = list(csv.DictReader(text.splitlines()))
        assert text.endswith("\r\n")
    elif suffix == ".json":
        document = json.loads(text)
        (issue,) = document["issues"]
        assert document["summary"]["refused"] == 1
    else:
        *items, last = [json.loads(line) for line in text.splitlines()]
        (issue,) = items
        assert last["summary"]["refused"] == 1
    assert str(issue["line"]) == "2"
    assert (issue["field"], issue["code"], issue["value"]) == ("经度", "NUMBER_INVALID", "abc")


async def test_rows_converted_in_worker_processes_are_imported_alike_and_in_order(
    session: AsyncSession, tmp_path: Path, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the conversion does not depend on the database")
    bad = row(**{"编号": "B1", "经度": "abc"})
    path = write_csv(tmp_path / "list.csv", [*GOOD_ROWS, bad])

    outcome = await run_import(
        session, path, list_mapping(), tmp_path, workers=2, batch_size=2, skip_invalid=True
    )

    assert (outcome.summary.created, outcome.summary.refused) == (3, 1)
    assert outcome.codes_at(5) == {"NUMBER_INVALID"}
    assert len(set(await session.scalars(select(Site.public_id)))) == 3


async def test_bulk_change_records_have_the_shape_the_history_hook_writes(
    session: AsyncSession, tmp_path: Path
) -> None:
    from heritage.db.history import _snapshot

    path = write_csv(tmp_path / "list.csv", GOOD_ROWS[:1])
    await run_import(session, path, list_mapping(), tmp_path)
    session.expunge_all()
    site = await session.scalar(select(Site))
    designation = await session.scalar(select(Designation))
    assert site is not None
    assert designation is not None

    for obj, table in ((site, "heritage_object"), (designation, "designation")):
        record = await session.scalar(
            select(ChangeRecord).where(
                ChangeRecord.object_type == table, ChangeRecord.object_id == obj.id
            )
        )
        assert record is not None
        assert (record.action, record.object_version, record.before) == (
            ChangeAction.CREATE,
            1,
            None,
        )
        assert record.after == _snapshot(obj)
