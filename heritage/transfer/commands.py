"""``heritage import``, ``heritage export`` and ``heritage demo load``.

Exit codes of ``heritage import``: 0 every row imported; 1 nothing imported (bad rows under
all-or-nothing, or the file as a whole cannot be read: wrong encoding, missing columns);
2 the command could not start (options, mapping file, missing file); 3 ``--skip-invalid``
imported the valid rows and refused some (see the report). A dry run exits as the real import
would, and writes nothing.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from heritage.context import Actor, acting_as
from heritage.db.engine import create_engine
from heritage.db.session import make_session_factory
from heritage.models import HeritageObject
from heritage.search.service import SearchService
from heritage.services.errors import ServiceError
from heritage.settings import Settings
from heritage.transfer.export import csv_chunks, export_records, geojson_chunks, objects_matching
from heritage.transfer.filters import build_filter
from heritage.transfer.importer import DEFAULT_BATCH_SIZE, ImportSummary, import_file
from heritage.transfer.mapping import Mapping, MappingError, load_mapping
from heritage.transfer.report import Report, ReportFormatError

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3

DEMO_DATA = "national-key-sites.jsonl.gz"
DEMO_MAPPING = "national-key-sites.toml"


async def _counting(
    records: AsyncIterator[dict[str, Any]], counter: list[int]
) -> AsyncIterator[dict[str, Any]]:
    async for record in records:
        counter[0] += 1
        yield record


def _err(message: str, colour: str | None = None) -> None:
    typer.secho(message, fg=colour, err=True)


class _ProgressBar:
    """A rich progress bar on stderr (bytes read, rows, rows/s, ETA); silent without a TTY."""

    def __init__(self, label: str) -> None:
        console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[rows]:>9,} rows"),
            TextColumn("{task.fields[rate]:>7,.0f} rows/s"),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.task = self.progress.add_task(label, total=None, rows=0, rate=0.0)
        self.started = time.monotonic()

    def __enter__(self) -> _ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, position: int, size: int, rows: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.progress.update(
            self.task, completed=position, total=size, rows=rows, rate=rows / elapsed
        )


def _print_summary(summary: ImportSummary, report: Report, report_path: Path | None) -> None:
    if summary.file_error:
        _err("the file cannot be imported:", "red")
    for issue in report.first_errors:
        where = f"line {issue.line}" if issue.line else "file"
        column = f" [{issue.field}]" if issue.field else ""
        _err(f"{where}{column}: {issue.code}: {issue.message}", "red")
    if report.errors > len(report.first_errors):
        more = report.errors - len(report.first_errors)
        hint = f"see {report_path}" if report_path else "write them all with --report FILE"
        _err(f"… and {more:,} more ({hint})", "red")
    if summary.file_error:
        return
    verb = "would import" if summary.dry_run else "imported"
    if not summary.kept and not summary.dry_run:
        verb = "refused the file; nothing imported. Checked"
    _err(
        f"{verb} {summary.rows:,} rows: {summary.created:,} new, {summary.updated:,} updated, "
        f"{summary.unchanged:,} unchanged, {summary.refused:,} refused, "
        f"{summary.warnings:,} warnings ({summary.format}, {summary.encoding})",
        "green" if summary.refused == 0 else "yellow",
    )
    if summary.refused and not summary.skip_invalid:
        _err("all or nothing: fix the rows above, or import the rest with --skip-invalid")


def _exit_code(summary: ImportSummary) -> int:
    if summary.file_error:
        return EXIT_REFUSED
    if summary.refused == 0:
        return EXIT_OK
    return EXIT_PARTIAL if summary.skip_invalid else EXIT_REFUSED


async def _import(
    config: Settings,
    actor: Actor,
    path: Path,
    mapping: Mapping,
    report: Report,
    *,
    fmt: Literal["csv", "jsonl"] | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | Literal["auto"] = "auto",
    label: str = "importing",
    if_empty: bool = False,
    index: bool = True,
) -> ImportSummary | None:
    engine = create_engine(config)
    try:
        async with make_session_factory(engine, write=True)() as session:
            if if_empty and await session.scalar(select(func.count(HeritageObject.id))):
                return None
            with acting_as(actor), _ProgressBar(label) as bar:
                summary = await import_file(
                    session,
                    path,
                    mapping,
                    fmt=fmt,
                    encoding=encoding,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    report=report,
                    progress=bar.update,
                    batch_size=batch_size,
                    workers=workers,
                )
            if summary.kept:
                await session.commit()
            else:
                await session.rollback()
        if summary.kept and not summary.dry_run and index:
            await _catch_up_search(config, engine)
        return summary
    finally:
        await engine.dispose()


async def _catch_up_search(config: Settings, engine: AsyncEngine) -> None:
    """Index what the import wrote, so that search shows it as soon as the command ends.

    The import has committed: the outbox holds its changes whatever happens here, so a search
    engine that is down costs a warning, not the import (the app or ``heritage search sync``
    indexes them later).
    """
    service = SearchService.open(config, engine)
    try:
        report = await service.sync(retry_now=True)
    except Exception as exc:  # the import stands; say why search lags behind
        _err(f"search index not updated ({exc}); run `heritage search sync` later", "yellow")
        return
    finally:
        await service.close()
    if report.failed:
        reasons = "; ".join(report.errors) or "unknown error"
        _err(
            f"search index: {report.failed:,} records waiting ({reasons}); they are indexed "
            "when the engine answers (`heritage search sync`, or the running app)",
            "yellow",
        )
    else:
        _err(f"search index: {report.indexed:,} records indexed")


def register_commands(
    app: typer.Typer, *, settings: Callable[[], Settings], actor: Callable[[], Actor]
) -> None:
    """Add ``import``, ``export`` and ``demo`` to the ``heritage`` command."""

    @app.command("import")
    def import_command(
        file: Annotated[Path, typer.Argument(help="CSV or JSON Lines file (.gz accepted).")],
        mapping: Annotated[Path, typer.Option("--mapping", "-m", help="TOML mapping file.")],
        encoding: Annotated[
            str | None,
            typer.Option(help="File encoding (default: the mapping's, else UTF-8 or GB18030)."),
        ] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", help="csv or jsonl (default: from the name).")
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Check every row, write nothing.")
        ] = False,
        skip_invalid: Annotated[
            bool,
            typer.Option("--skip-invalid", help="Import the valid rows, report the others."),
        ] = False,
        report_path: Annotated[
            Path | None,
            typer.Option("--report", help="Row-level report: .csv, .json or .jsonl."),
        ] = None,
        batch_size: Annotated[int, typer.Option(min=1, max=10_000)] = DEFAULT_BATCH_SIZE,
        workers: Annotated[
            str, typer.Option(help="Conversion processes: auto, or a number (0: none).")
        ] = "auto",
        index: Annotated[
            bool,
            typer.Option(
                "--index/--no-index",
                help="Bring the search index up to date after the import (default), or leave "
                "it to `heritage search sync` and the running app.",
            ),
        ] = True,
    ) -> None:
        """Import places and sites from a file, all or nothing, with a row-level report."""
        if fmt not in (None, "csv", "jsonl") or not (
            workers == "auto" or (workers.isdigit() and int(workers) <= 16)
        ):
            _err("--format is csv or jsonl; --workers is auto or a number up to 16", "red")
            raise typer.Exit(EXIT_USAGE)
        if not file.is_file():
            _err(f"{file}: no such file", "red")
            raise typer.Exit(EXIT_USAGE)
        try:
            loaded = load_mapping(mapping)
            report = Report(report_path)
        except (MappingError, ReportFormatError) as exc:
            _err(str(exc), "red")
            raise typer.Exit(EXIT_USAGE) from exc
        config = settings()
        summary = asyncio.run(
            _import(
                config,
                actor(),
                file,
                loaded,
                report,
                fmt=fmt,  # type: ignore[arg-type]
                encoding=encoding,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                batch_size=batch_size,
                workers="auto" if workers == "auto" else int(workers),
                label=f"importing {file.name}",
                index=index,
            )
        )
        assert summary is not None
        report.close(summary.as_dict())
        _print_summary(summary, report, report_path)
        raise typer.Exit(_exit_code(summary))

    @app.command("export")
    def export_command(
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="csv or geojson (default: from --output, else csv)."),
        ] = None,
        record_type: Annotated[str | None, typer.Option(help="site or place.")] = None,
        kind: Annotated[list[str] | None, typer.Option(help="e.g. BUILDING; repeatable.")] = None,
        region: Annotated[str | None, typer.Option(help="Region code prefix, e.g. 1407.")] = None,
        designation: Annotated[
            list[str] | None, typer.Option(help="Designation type, e.g. CPU_NATIONAL.")
        ] = None,
        level: Annotated[list[str] | None, typer.Option(help="e.g. NATIONAL or 国保.")] = None,
        category: Annotated[list[str] | None, typer.Option(help="e.g. ANCIENT_BUILDING.")] = None,
        condition: Annotated[list[str] | None, typer.Option(help="e.g. POOR.")] = None,
        status: Annotated[list[str] | None, typer.Option(help="e.g. EXTANT.")] = None,
        era_from: Annotated[int | None, typer.Option(help="Dated on or after (BCE < 0).")] = None,
        era_to: Annotated[int | None, typer.Option(help="Dated on or before.")] = None,
        has_plaque: Annotated[bool | None, typer.Option("--has-plaque/--no-plaque")] = None,
        has_mapping: Annotated[bool | None, typer.Option("--has-mapping/--no-mapping")] = None,
        has_archive: Annotated[bool | None, typer.Option("--has-archive/--no-archive")] = None,
        national_code: Annotated[str | None, typer.Option(help="国保 number.")] = None,
        name: Annotated[str | None, typer.Option(help="Name contains.")] = None,
        precise: Annotated[
            bool,
            typer.Option(
                "--precise",
                help="Exact points of sensitive locations too (not for publication).",
            ),
        ] = False,
    ) -> None:
        """Export places and sites matching a filter, as CSV (Excel) or GeoJSON (QGIS)."""
        chosen = fmt or (
            "geojson"
            if output is not None and output.suffix.lower() in (".geojson", ".json")
            else "csv"
        )
        if chosen not in ("csv", "geojson"):
            _err("--format is csv or geojson", "red")
            raise typer.Exit(EXIT_USAGE)
        try:
            flt = build_filter(
                record_type=record_type,
                kinds=kind or [],
                region=region,
                designations=designation or [],
                levels=level or [],
                categories=category or [],
                conditions=condition or [],
                statuses=status or [],
                era_from=era_from,
                era_to=era_to,
                has_plaque=has_plaque,
                has_mapping=has_mapping,
                has_archive=has_archive,
                national_code=national_code,
                name=name,
            )
        except ServiceError as exc:
            for problem in exc.problems:
                _err(f"{problem.field}: {problem.code.value}: {problem.message}", "red")
            raise typer.Exit(EXIT_USAGE) from exc
        writer = csv_chunks if chosen == "csv" else geojson_chunks
        config = settings()

        async def run() -> int:
            engine = create_engine(config)
            try:
                async with make_session_factory(engine)() as session:
                    target = output.open("wb") if output is not None else sys.stdout.buffer
                    try:
                        records = export_records(
                            session, objects_matching(session, flt), public=not precise
                        )
                        async for chunk in writer(_counting(records, counter)):
                            target.write(chunk)
                    finally:
                        if output is not None:
                            target.close()
                        else:
                            target.flush()
            finally:
                await engine.dispose()
            return counter[0]

        counter = [0]
        count = asyncio.run(run())
        _err(f"exported {count:,} records" + (f" to {output}" if output else ""), "green")

    demo_app = typer.Typer(help="Demo data: the national key sites (全国重点文物保护单位).")
    app.add_typer(demo_app, name="demo")

    @demo_app.command("load")
    def demo_load(
        if_empty: Annotated[
            bool, typer.Option("--if-empty", help="Only into a registry with no records.")
        ] = False,
        report_path: Annotated[
            Path | None, typer.Option("--report", help="Row-level report file.")
        ] = None,
    ) -> None:
        """Load the 5,109 national key sites of batches 1–8 (see heritage/data/demo)."""
        demo = resources.files("heritage.data") / "demo"
        mapping = load_mapping(Path(str(demo / DEMO_MAPPING)))
        report = Report(report_path)
        config = settings()
        with resources.as_file(demo / DEMO_DATA) as data:
            summary = asyncio.run(
                _import(
                    config,
                    actor(),
                    data,
                    mapping,
                    report,
                    skip_invalid=True,
                    label="loading the national key sites",
                    if_empty=if_empty,
                )
            )
        if summary is None:
            _err("the registry already holds records; demo data not loaded")
            return
        report.close(summary.as_dict())
        _print_summary(summary, report, report_path)
        if summary.file_error or not summary.kept:
            raise typer.Exit(EXIT_REFUSED)
