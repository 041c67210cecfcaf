"""The row-level report of an import, written while the import runs (memory stays flat).

The format follows the file name: ``.csv`` (UTF-8 with BOM, CRLF: opens in Excel), ``.json``
(``{"issues": [...], "summary": {...}}``) or ``.jsonl`` (one issue per line, then a last line
``{"summary": {...}}``). Every issue has the same fields::

    line, key, field, target, code, severity, message, value

``line`` is the physical line the record starts on (the CSV header is line 1), ``field`` the
source column(s), ``target`` the registry field, ``value`` the raw value read.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

from heritage.transfer.problems import Issue

REPORT_FIELDS = ("line", "key", "field", "target", "code", "severity", "message", "value")
_KEEP_FIRST = 20


class ReportFormatError(ValueError):
    """The report file name has no known extension."""


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def issue_dict(issue: Issue) -> dict[str, Any]:
    """An issue as the report writes it."""
    return {
        "line": issue.line,
        "key": issue.key,
        "field": issue.field,
        "target": issue.target,
        "code": issue.code,
        "severity": issue.severity,
        "message": issue.message,
        "value": _jsonable(issue.value),
    }


class Report:
    """Collects issues: counts them, keeps the first few for the console, streams all to a file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.errors = 0
        self.warnings = 0
        self.first_errors: list[Issue] = []
        self._file: IO[str] | None = None
        self._csv: Any = None
        self._format = ""
        self._count = 0
        if path is not None:
            suffix = path.suffix.lower()
            if suffix not in (".csv", ".json", ".jsonl"):
                raise ReportFormatError(f"report file {path.name}: name it .csv, .json or .jsonl")
            self._format = suffix[1:]
            if self._format == "csv":
                self._file = path.open("w", encoding="utf-8-sig", newline="")
                self._csv = csv.writer(self._file, lineterminator="\r\n")
                self._csv.writerow(REPORT_FIELDS)
            else:
                self._file = path.open("w", encoding="utf-8")
                if self._format == "json":
                    self._file.write('{"issues": [')

    def add(self, issue: Issue) -> None:
        """Record one issue."""
        if issue.is_error:
            self.errors += 1
            if len(self.first_errors) < _KEEP_FIRST:
                self.first_errors.append(issue)
        else:
            self.warnings += 1
        if self._file is None:
            return
        item = issue_dict(issue)
        if self._format == "csv":
            value = item["value"]
            if isinstance(value, list | dict):
                value = json.dumps(value, ensure_ascii=False)
            self._csv.writerow(
                ["" if item[k] is None else item[k] for k in REPORT_FIELDS[:-1]]
                + ["" if value is None else value]
            )
        elif self._format == "json":
            self._file.write(("," if self._count else "") + "\n  ")
            self._file.write(json.dumps(item, ensure_ascii=False))
        else:
            self._file.write(json.dumps(item, ensure_ascii=False) + "\n")
        self._count += 1

    def close(self, summary: dict[str, Any]) -> None:
        """Finish the file with the summary (JSON formats) and close it."""
        if self._file is None:
            return
        if self._format == "json":
            self._file.write("\n],\n")
            self._file.write(f'"summary": {json.dumps(_jsonable(summary), ensure_ascii=False)}}}\n')
        elif self._format == "jsonl":
            self._file.write(json.dumps({"summary": _jsonable(summary)}, ensure_ascii=False) + "\n")
        self._file.close()
        self._file = None
