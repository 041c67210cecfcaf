"""Reading import files record by record: CSV and JSON Lines, in UTF-8 (with or without BOM)
or GB18030, streamed so that memory does not grow with the file.

The encoding is detected by decoding the whole file as strict UTF-8 first (a cheap streaming
pass over the bytes); a file that is not valid UTF-8 is read as GB18030, the superset of GBK
and GB2312 that Chinese spreadsheets and government systems export. A line that the chosen
encoding cannot decode does not stop the import: its record carries an ``ENCODING`` issue.

Lines are split on bytes (``\\n`` never occurs inside a UTF-8 or GB18030 multi-byte sequence),
so every record knows the physical line it starts on.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from heritage.transfer.problems import ImportCode, Issue

Format = Literal["csv", "jsonl"]

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CHUNK = 1 << 20


class SourceError(ValueError):
    """The file cannot be read as a whole (unsupported encoding, no header, wrong format)."""

    def __init__(self, code: ImportCode, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


@dataclass(slots=True)
class Record:
    """One source record: the line it starts on, its cells by column, and reading problems."""

    line: int
    values: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)


def guess_format(path: Path) -> Format:
    """``csv`` or ``jsonl`` from the file name (``.csv``, ``.jsonl``, ``.ndjson``, ``.json``)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv") or name.endswith(".txt"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise SourceError(
        ImportCode.FORMAT_UNKNOWN,
        f"cannot tell the format of {path.name}: name it .csv or .jsonl, or give --format",
    )


def detect_encoding(stream: BinaryIO) -> str:
    """``utf-8`` when every byte decodes as strict UTF-8, else ``gb18030``; rewinds the stream.

    Raises:
        SourceError: ``ENCODING_UNSUPPORTED`` for UTF-16 (a byte-order mark says so).
    """
    head = stream.read(4)
    if head.startswith(_UTF16_BOMS):
        raise SourceError(
            ImportCode.ENCODING_UNSUPPORTED,
            "the file is UTF-16; save it as UTF-8 (or GB18030) and import it again",
            line=1,
        )
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        found = "utf-8"
    except UnicodeDecodeError:
        found = "gb18030"
    stream.seek(0)
    return found


def _check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise SourceError(
            ImportCode.ENCODING_UNSUPPORTED, f"unknown encoding {name!r}", line=None
        ) from None


class Source:
    """An open import file (``.gz`` files are decompressed on the fly).

    Iterate :meth:`records`; :attr:`position` against :attr:`size` drives the progress bar.
    """

    def __init__(
        self, path: Path, fmt: Format, encoding: str = "auto", delimiter: str = ","
    ) -> None:
        self.path = path
        self.format = fmt
        self.size = path.stat().st_size
        self.delimiter = delimiter
        self._raw: BinaryIO = path.open("rb")
        self._stream: BinaryIO = (
            gzip.GzipFile(fileobj=self._raw, mode="rb")  # type: ignore[assignment]
            if path.name.lower().endswith(".gz")
            else self._raw
        )
        try:
            if encoding == "auto":
                self.encoding = detect_encoding(self._stream)
            else:
                self.encoding = _check_encoding(encoding)
        except BaseException:
            self.close()
            raise
        self.columns: list[str] = []
        self._records: Iterator[Record] | None = None
        # Lines that did not decode, with the offending bytes (consumed as records are read).
        self._bad_lines: dict[int, str] = {}

    @property
    def position(self) -> int:
        """Bytes of the file read so far."""
        return self._raw.tell()

    def close(self) -> None:
        """Close the file."""
        self._stream.close()
        self._raw.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lines(self) -> Iterator[tuple[int, str]]:
        """Decoded physical lines with their 1-based numbers."""
        for number, raw in enumerate(self._stream, start=1):
            if number == 1 and raw.startswith(_UTF8_BOM):
                raw = raw[len(_UTF8_BOM) :]
            try:
                yield number, raw.decode(self.encoding)
            except UnicodeDecodeError as exc:
                bad = raw[max(0, exc.start - 4) : exc.end + 4]
                self._bad_lines[number] = f"{bad!r} at byte {exc.start}"
                yield number, raw.decode(self.encoding, errors="replace")

    def _encoding_issues(self, first: int, last: int) -> list[Issue]:
        issues = []
        for number in range(first, last + 1):
            detail = self._bad_lines.pop(number, None)
            if detail is not None:
                issues.append(
                    Issue(
                        line=number,
                        code=ImportCode.ENCODING,
                        message=f"line {number} is not valid {self.encoding} ({detail}); "
                        "check the file's encoding or give --encoding",
                        value=detail,
                    )
                )
        return issues

    def read_header(self) -> None:
        """Read the CSV header now (:attr:`columns`), so the file can be checked first.

        Raises:
            SourceError: the file is empty, or its header is not CSV or does not decode.
        """
        self.records()

    def records(self) -> Iterator[Record]:
        """The file's records, in order (one iterator per file)."""
        if self._records is None:
            self._records = self._csv_records() if self.format == "csv" else self._jsonl_records()
        return self._records

    def _csv_records(self) -> Iterator[Record]:
        """Read the header now (so :attr:`columns` is known), then the rows lazily."""
        numbered = self._lines()
        current = [0]

        def text() -> Iterator[str]:
            for number, line in numbered:
                current[0] = number
                yield line

        reader = csv.reader(text(), delimiter=self.delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise SourceError(ImportCode.EMPTY_FILE, "the file is empty", line=1) from None
        except csv.Error as exc:
            raise SourceError(ImportCode.CSV_SYNTAX, f"bad CSV header: {exc}", line=1) from None
        header_issues = self._encoding_issues(1, current[0])
        if header_issues:
            raise SourceError(ImportCode.ENCODING, header_issues[0].message, line=1)
        self.columns = [name.strip() for name in header]
        return self._csv_rows(reader, current)

    def _csv_rows(self, reader: Iterator[list[str]], current: list[int]) -> Iterator[Record]:
        width = len(self.columns)
        while True:
            start = current[0] + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Record(
                    start,
                    {},
                    [Issue(line=start, code=ImportCode.CSV_SYNTAX, message=f"bad CSV: {exc}")],
                )
                continue
            issues = self._encoding_issues(start, current[0])
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != width:
                issues.append(
                    Issue(
                        line=start,
                        code=ImportCode.COLUMN_COUNT,
                        message=f"the row has {len(row)} cells, the header {width}",
                        value=self.delimiter.join(row)[:200],
                    )
                )
            yield Record(start, dict(zip(self.columns, row, strict=False)), issues)

    def _jsonl_records(self) -> Iterator[Record]:
        for number, line in self._lines():
            if not line.strip():
                continue
            issues = self._encoding_issues(number, number)
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                issues.append(
                    Issue(
                        line=number,
                        code=ImportCode.JSON_SYNTAX,
                        message=f"not valid JSON: {exc.msg} (column {exc.colno})",
                        value=line.strip()[:200],
                    )
                )
                yield Record(number, {}, issues)
                continue
            if not isinstance(value, dict):
                issues.append(
                    Issue(
                        line=number,
                        code=ImportCode.JSON_SYNTAX,
                        message="each line must be a JSON object",
                        value=line.strip()[:200],
                    )
                )
                yield Record(number, {}, issues)
                continue
            yield Record(number, value, issues)
