"""Importing a file: read, convert and check every row, write in batches, all in one savepoint.

All or nothing by default: every row is read and checked (so the report lists every bad row),
valid rows are written as the import goes, and if any row was refused the savepoint is rolled
back and nothing stays. With ``skip_invalid`` the valid rows stay and the refused ones are only
reported; a dry run always rolls back. The caller owns the transaction and commits it when
:attr:`ImportSummary.kept` is true; a process killed before that commit leaves nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from heritage.db.history import writing_actor
from heritage.transfer.mapping import Mapping
from heritage.transfer.parallel import (
    PARALLEL_THRESHOLD_BYTES,
    converted_in_process,
    converted_in_workers,
    default_workers,
)
from heritage.transfer.problems import Issue
from heritage.transfer.report import Report
from heritage.transfer.rows import PlannedRow, RowConverter
from heritage.transfer.sources import Format, Source, SourceError, guess_format
from heritage.transfer.writer import Writer

#: Called after each batch with (bytes read, file size, rows read).
Progress = Callable[[int, int, int], None]

DEFAULT_BATCH_SIZE = 1000


@dataclass
class ImportSummary:
    """The outcome of an import."""

    file: str
    format: str = ""
    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    warnings: int = 0
    dry_run: bool = False
    skip_invalid: bool = False
    file_error: bool = False
    kept: bool = False

    @property
    def accepted(self) -> int:
        """Rows that passed every check."""
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data (for the JSON report)."""
        return {**asdict(self), "accepted": self.accepted}


async def import_file(
    session: AsyncSession,
    path: Path,
    mapping: Mapping,
    *,
    fmt: Format | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    report: Report | None = None,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | Literal["auto"] = "auto",
) -> ImportSummary:
    """Import ``path`` with ``mapping`` into ``session`` (see the module docstring).

    Writes are attributed like every other write: to ``session.info["actor"]`` or the actor of
    the surrounding :func:`heritage.context.acting_as`. With ``workers`` > 0, rows are read
    and converted by that many worker processes while earlier batches are written (``auto``:
    :func:`~heritage.transfer.parallel.default_workers` for files larger than
    :data:`~heritage.transfer.parallel.PARALLEL_THRESHOLD_BYTES`, else none).
    """
    report = report or Report()
    summary = ImportSummary(str(path), dry_run=dry_run, skip_invalid=skip_invalid)
    actor = writing_actor(session.info.get("actor"), "import")
    try:
        summary.format = fmt or mapping.format or guess_format(path)
        source = Source(
            path, summary.format, encoding or mapping.encoding, mapping.options.delimiter
        )
    except SourceError as exc:
        return _file_error(summary, report, exc)
    except OSError as exc:
        raise FileNotFoundError(f"{path}: {exc.strerror}") from exc
    summary.encoding = source.encoding
    converter = RowConverter(mapping)
    with source:
        try:
            source.read_header()
        except SourceError as exc:
            return _file_error(summary, report, exc)
        missing = converter.missing_columns(source.columns) if summary.format == "csv" else []
        if missing:
            for issue in missing:
                report.add(issue)
            summary.file_error = True
            return summary
        savepoint = await session.begin_nested()
        try:
            writer = Writer(session, mapping, actor)
            await writer.start()
            if workers == "auto":
                workers = default_workers() if source.size > PARALLEL_THRESHOLD_BYTES else 0
            converted = (
                converted_in_workers(source, mapping, batch_size, workers)
                if workers
                else converted_in_process(source, converter, batch_size)
            )
            async with contextlib.aclosing(converted) as converted_batches:
                async for batch, position in converted_batches:
                    summary.rows += len(batch)
                    await _write(writer, batch, report)
                    if progress is not None:
                        progress(position, source.size, summary.rows)
            for issue in await writer.finish():
                report.add(issue)
            if progress is not None:
                progress(source.size, source.size, summary.rows)
            counts = writer.counts
            summary.created, summary.updated = counts.created, counts.updated
            summary.unchanged, summary.refused = counts.unchanged, counts.refused
            summary.warnings = report.warnings
            summary.kept = not dry_run and (summary.refused == 0 or skip_invalid)
            if summary.kept:
                await savepoint.commit()
            else:
                await savepoint.rollback()
        except BaseException:
            await savepoint.rollback()
            raise
    return summary


async def _write(writer: Writer, batch: list[PlannedRow], report: Report) -> None:
    await writer.write(batch)
    for row in batch:
        for issue in row.issues:
            report.add(issue)


def _file_error(summary: ImportSummary, report: Report, exc: SourceError) -> ImportSummary:
    report.add(Issue(line=exc.line, code=exc.code.value, message=exc.message))
    summary.file_error = True
    return summary
