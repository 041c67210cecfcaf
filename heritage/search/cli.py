"""``heritage search sync | reindex | check [--repair]``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from heritage.db.engine import create_engine
from heritage.search.backend import SearchBackend
from heritage.search.maintenance import CheckReport, check, reindex
from heritage.search.service import SearchService
from heritage.settings import Settings, SettingsError, load_settings

T = TypeVar("T")

search_app = typer.Typer(
    help="The search index: sync it, rebuild it, compare it with the database."
)

_Target = Annotated[
    str | None,
    typer.Option(
        help="elasticsearch or embedded; default: every index in use "
        "(the embedded one, and Elasticsearch when HERITAGE_ELASTICSEARCH_URL is set)."
    ),
]


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc


def _with_service(work: Callable[[SearchService], Awaitable[T]]) -> T:
    settings = _settings()

    async def _run() -> T:
        engine = create_engine(settings)
        service = SearchService.open(settings, engine)
        try:
            return await work(service)
        finally:
            await service.close()
            await engine.dispose()

    return asyncio.run(_run())


def _targets(service: SearchService, target: str | None) -> list[SearchBackend]:
    chosen = [b for b in service.backends if target is None or b.label == target]
    if not chosen:
        typer.secho(
            f"no {target} index in use (in use: {', '.join(b.label for b in service.backends)})",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    return chosen


@search_app.command("sync")
def search_sync() -> None:
    """Index every change waiting in the outbox now, including those waiting to be retried."""
    report = _with_service(lambda service: service.sync(retry_now=True))
    typer.echo(f"indexed {report.indexed} records; {report.failed} failed")
    for error in report.errors:
        typer.secho(f"  {error}", fg=typer.colors.RED, err=True)
    if report.failed:
        raise typer.Exit(1)


@search_app.command("reindex")
def search_reindex(target: _Target = None) -> None:
    """Rebuild the index from the database; searches keep being answered meanwhile."""

    async def _work(service: SearchService) -> None:
        for backend in _targets(service, target):
            count = await reindex(service.sessions, backend)
            typer.echo(f"{backend.label}: indexed {count} records")

    _with_service(_work)


@search_app.command("check")
def search_check(
    repair: Annotated[bool, typer.Option(help="Fix every difference found.")] = False,
    target: _Target = None,
) -> None:
    """Report every record missing from the index, extra in it, or stale; exit 1 if any."""

    async def _work(service: SearchService) -> list[CheckReport]:
        return [
            await check(service.sessions, backend, repair=repair)
            for backend in _targets(service, target)
        ]

    reports = _with_service(_work)
    for report in reports:
        _print(report)
    if any(r.differences > (r.repaired if repair else 0) for r in reports):
        raise typer.Exit(1)


def _print(report: CheckReport) -> None:
    def ids(values: list[int]) -> str:
        shown = ", ".join(map(str, values[:20]))
        return shown + (f" … ({len(values)} in all)" if len(values) > 20 else "")

    typer.echo(
        f"{report.backend}: {report.differences} differences "
        f"({len(report.missing)} missing, {len(report.extra)} extra, {len(report.stale)} stale); "
        f"{report.pending} changes waiting in the outbox"
    )
    for label, values in (
        ("missing", report.missing),
        ("extra", report.extra),
        ("stale", report.stale),
    ):
        if values:
            typer.echo(f"  {label}: {ids(values)}")
    if report.repaired:
        typer.echo(f"  repaired {report.repaired}")
