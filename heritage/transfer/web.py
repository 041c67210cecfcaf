"""Exports over HTTP: ``GET /export/objects.csv`` and ``GET /export/objects.geojson``.

Query parameters (repeat one, or separate values with commas, for "any of"): ``recordType``,
``kind``, ``region`` (code prefix), ``designation``, ``level``, ``category``, ``condition``,
``status``, ``eraFrom``, ``eraTo``, ``hasPlaque``, ``hasMapping``, ``hasArchive``
(``true``/``false``), ``nationalCode``, ``name``. The response streams: rows are read in keyset
pages and written as they come. These are public exports: sensitive locations are rounded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from heritage.services.errors import ErrorCode, Problem, ServiceError
from heritage.services.listing import ObjectFilter
from heritage.transfer.export import csv_chunks, export_records, geojson_chunks, objects_matching
from heritage.transfer.filters import build_filter
from heritage.web.state import AppState

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _values(request: Request, name: str) -> list[str]:
    return [v for v in request.query_params.getlist(name) if v.strip()]


def _flag(request: Request, name: str, problems: list[Problem]) -> bool | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    problems.append(Problem(name, ErrorCode.INVALID, f"{name} is true or false"))
    return None


def _year(request: Request, name: str, problems: list[Problem]) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        problems.append(Problem(name, ErrorCode.INVALID, f"{name} is a year, e.g. -221 or 1368"))
        return None


def filter_from_query(request: Request) -> ObjectFilter:
    """The filter the query string asks for; :class:`ServiceError` for bad values."""
    problems: list[Problem] = []
    flags = {name: _flag(request, name, problems) for name in ("hasPlaque", "hasMapping")}
    has_archive = _flag(request, "hasArchive", problems)
    era_from = _year(request, "eraFrom", problems)
    era_to = _year(request, "eraTo", problems)
    try:
        flt = build_filter(
            record_type=request.query_params.get("recordType") or None,
            kinds=_values(request, "kind"),
            region=request.query_params.get("region") or None,
            designations=_values(request, "designation"),
            levels=_values(request, "level"),
            categories=_values(request, "category"),
            conditions=_values(request, "condition"),
            statuses=_values(request, "status"),
            era_from=era_from,
            era_to=era_to,
            has_plaque=flags["hasPlaque"],
            has_mapping=flags["hasMapping"],
            has_archive=has_archive,
            national_code=request.query_params.get("nationalCode") or None,
            name=request.query_params.get("name") or None,
        )
    except ServiceError as exc:
        problems.extend(exc.problems)
        raise ServiceError(problems) from exc
    if problems:
        raise ServiceError(problems)
    return flt


def _problems(exc: ServiceError) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                {"field": p.field, "code": p.code.value, "message": p.message} for p in exc.problems
            ]
        },
        status_code=400,
    )


def _export(
    request: Request,
    writer: Callable[[AsyncIterator[dict[str, Any]]], AsyncIterator[bytes]],
    media_type: str,
    filename: str,
) -> Response:
    try:
        flt = filter_from_query(request)
    except ServiceError as exc:
        return _problems(exc)
    state: AppState = request.state.app_state

    async def body() -> AsyncIterator[bytes]:
        async with state.read_sessions() as session:
            records = export_records(session, objects_matching(session, flt), public=True)
            async for chunk in writer(records):
                yield chunk

    return StreamingResponse(
        body(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def export_objects_csv(request: Request) -> Response:
    """Places and sites matching the query, as CSV (UTF-8 with BOM, for Excel)."""
    return _export(request, csv_chunks, "text/csv; charset=utf-8", "objects.csv")


async def export_objects_geojson(request: Request) -> Response:
    """Places and sites matching the query, as an RFC 7946 GeoJSON FeatureCollection."""
    return _export(request, geojson_chunks, "application/geo+json", "objects.geojson")
