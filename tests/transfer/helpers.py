"""Files, mappings and runs for the import and export tests."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.models import ChangeRecord, Designation, HeritageObject, SearchOutbox
from heritage.transfer.importer import ImportSummary, import_file
from heritage.transfer.mapping import Mapping, load_mapping, parse_mapping
from heritage.transfer.report import Report

NATIONAL_FILE = Path(str(resources.files("heritage.data") / "demo" / "national-key-sites.jsonl.gz"))
NATIONAL_MAPPING = Path(str(resources.files("heritage.data") / "demo" / "national-key-sites.toml"))

# A provincial-style list with Chinese column names, as offices keep them in Excel.
LIST_MAPPING = """
format = "csv"
record = "site"

[key]
column = "编号"
match = "external_key"
source = "test-list"

[object]
name = "名称"
kind = { column = "类型", values = { "建筑" = "BUILDING", "建筑群" = "BUILDING_GROUP", \
"遗址" = "SITE" } }
category = { column = "类别", values = { "1" = "ANCIENT_SITE", "2" = "ANCIENT_TOMB", \
"3" = "ANCIENT_BUILDING", "5" = "MODERN_HISTORIC" } }
era = "年代"
region_province = "省"
region_city = "市"
region_district = "县"
lon = "经度"
lat = "纬度"
crs = { column = "坐标系", default = "GCJ02" }
condition = "保存状况"

[designation]
type = { column = "级别", values = { "国保" = "CPU_NATIONAL", "省保" = "CPU_PROVINCIAL", \
"县保" = "CPU_COUNTY" } }
official_code = "国保编号"
announced_on = "公布日期"
authority = "公布机关"
"""

LIST_HEADER = [
    "编号",
    "名称",
    "类型",
    "类别",
    "年代",
    "省",
    "市",
    "县",
    "经度",
    "纬度",
    "坐标系",
    "保存状况",
    "级别",
    "国保编号",
    "公布日期",
    "公布机关",
]

# Three good rows: 佛宫寺释迦塔 (国保), 南禅寺 in GCJ-02, 晋祠 under an old county name.
GOOD_ROWS = [
    {
        "编号": "A1",
        "名称": "佛宫寺释迦塔",
        "类型": "建筑",
        "类别": "3",
        "年代": "辽",
        "省": "山西省",
        "市": "朔州市",
        "县": "应县",
        "经度": "113.18",
        "纬度": "39.565",
        "坐标系": "GCJ02",
        "保存状况": "较好",
        "级别": "国保",
        "国保编号": "1-0071-3-024",
        "公布日期": "1961-03-04",
        "公布机关": "国务院",
    },
    {
        "编号": "A2",
        "名称": "南禅寺",
        "类型": "建筑群",
        "类别": "3",
        "年代": "唐",
        "省": "山西省",
        "市": "忻州市",
        "县": "五台县",
        "经度": "113.4325",
        "纬度": "38.7142",
        "坐标系": "",
        "保存状况": "",
        "级别": "国保",
        "国保编号": "1-0049-3-002",
        "公布日期": "1961-03-04",
        "公布机关": "国务院",
    },
    {
        "编号": "A3",
        "名称": "某村古戏台",
        "类型": "建筑",
        "类别": "3",
        "年代": "明至清",
        "省": "广西僮族自治区",
        "市": "",
        "县": "桂平县",
        "经度": "",
        "纬度": "",
        "坐标系": "",
        "保存状况": "一般",
        "级别": "县保",
        "国保编号": "",
        "公布日期": "2010/5/12",
        "公布机关": "桂平市人民政府",
    },
]


def list_mapping() -> Mapping:
    """The mapping of the test list."""
    return parse_mapping(tomllib.loads(LIST_MAPPING))


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
    bom: bool = False,
) -> Path:
    """Write ``rows`` as CSV with ``header`` (default: the test list's)."""
    columns = header or LIST_HEADER
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    data = text.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def row(**changes: str) -> dict[str, str]:
    """The first good row with some cells changed (keys are column names)."""
    return {**GOOD_ROWS[0], **changes}


@dataclass
class Outcome:
    """An import's summary and its report, read back from the JSON Lines file."""

    summary: ImportSummary
    issues: list[dict[str, Any]]

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Issues that refused a row."""
        return [i for i in self.issues if i["severity"] == "error"]

    def codes_at(self, line: int) -> set[str]:
        """Error codes reported for ``line``."""
        return {i["code"] for i in self.errors if i["line"] == line}

    def error(self, line: int, code: str) -> dict[str, Any]:
        """The issue of ``code`` at ``line``."""
        found = [i for i in self.errors if i["line"] == line and i["code"] == code]
        assert found, f"no {code} at line {line}: {self.errors}"
        return found[0]


async def run_import(
    session: AsyncSession, path: Path, mapping: Mapping, tmp_path: Path, **options: Any
) -> Outcome:
    """Import with a JSON Lines report and read it back."""
    report_path = tmp_path / f"report-{path.stem}.jsonl"
    report = Report(report_path)
    summary = await import_file(session, path, mapping, report=report, **options)
    report.close(summary.as_dict())
    lines = [json.loads(line) for line in report_path.read_text(encoding="utf-8").splitlines()]
    assert "summary" in lines[-1]
    return Outcome(summary, lines[:-1])


async def table_counts(session: AsyncSession) -> tuple[int, int, int, int]:
    """Rows in heritage_object, designation, change_record and search_outbox."""
    counts = []
    for model in (HeritageObject, Designation, ChangeRecord, SearchOutbox):
        counts.append(int(await session.scalar(select(func.count()).select_from(model)) or 0))
    return counts[0], counts[1], counts[2], counts[3]


def national_mapping() -> Mapping:
    """The demo data set's mapping."""
    return load_mapping(NATIONAL_MAPPING)
