"""Printable plaques and the public address their QR codes lead to.

``GET /plaques/{id}/print.png`` (a plaque's database id or global ID) draws the plaque's front
(GB/T 22527: protection level, name, official number, announcing and erecting authority with
their dates) as an A4, 300 dpi PNG with a QR code to ``/objects/{public_id}``. The PNG is kept
in the media store under a hash of everything it shows, so it is drawn once per content; its
ETag is that hash. Plaques are public signs, so printing needs no token.

``GET /objects/{public_id}`` answers JSON: what anyone may know about the record (name, kind,
status, region and the designations protecting it; never its location) and its API ID.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from heritage.domain import regions
from heritage.graphql.ids import decode_id, global_id
from heritage.media import MediaError, PlaqueContent, PlaqueStyle, render_plaque
from heritage.models import Place
from heritage.services import public
from heritage.services.errors import ServiceError
from heritage.web.caching import REVALIDATE, etag_matches, not_modified
from heritage.web.links import object_url
from heritage.web.problems import media_problem, problem
from heritage.web.state import AppState

#: Bump when the drawing changes, so cached plaques are drawn again.
PLAQUE_PRINT_VERSION = 1
_STYLE = PlaqueStyle()


def plaque_key(content: PlaqueContent, style: PlaqueStyle = _STYLE) -> str:
    """A hash of everything the printed plaque depends on."""
    facts = {
        "content": dataclasses.asdict(content),
        "style": dataclasses.asdict(style),
        "version": PLAQUE_PRINT_VERSION,
    }
    text = json.dumps(facts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


async def print_plaque(request: Request) -> Response:
    """The plaque as a PNG for printing, drawn on first request for its content."""
    state: AppState = request.state.app_state
    raw_id = request.path_params["plaque_id"]
    try:
        plaque_id = decode_id(raw_id, ("Plaque",))
        async with state.read_sessions() as session:
            content = await public.plaque_content(
                session, plaque_id, lambda public_id: object_url(state.settings, public_id)
            )
    except ServiceError as exc:
        return problem(404, "NOT_FOUND", exc.problems[0].message)
    except MediaError as exc:
        return media_problem(exc)
    key = plaque_key(content)
    etag = f'"{key[:32]}"'
    if etag_matches(request, etag):
        return not_modified(etag, REVALIDATE)
    headers = {
        "etag": etag,
        "cache-control": REVALIDATE,
        "content-disposition": f'inline; filename="plaque-{plaque_id}.png"',
    }
    storage = state.media.storage
    storage_key = f"renditions/plaques/{key[:2]}/{key}.png"
    path = storage.local_path(storage_key)
    if await asyncio.to_thread(path.is_file):
        return FileResponse(path, media_type="image/png", headers=headers)
    try:
        rendered = await asyncio.to_thread(render_plaque, content, _STYLE)
        await storage.put_bytes(storage_key, rendered.png)
    except MediaError as exc:
        return media_problem(exc)
    return Response(rendered.png, media_type="image/png", headers=headers)


async def public_object(request: Request) -> Response:
    """The public face of a place or site, where a plaque's QR code leads."""
    state: AppState = request.state.app_state
    try:
        async with state.read_sessions() as session:
            record = await public.public_record(session, request.path_params["public_id"])
    except ServiceError as exc:
        return problem(404, "NOT_FOUND", exc.problems[0].message)
    return JSONResponse(_public_json(state, record))


def _public_json(state: AppState, record: public.PublicRecord) -> dict[str, Any]:
    obj = record.heritage_object
    best = record.designations[0] if record.designations else None
    return {
        "id": global_id("Place" if isinstance(obj, Place) else "Site", obj.id),
        "publicId": obj.public_id,
        "url": object_url(state.settings, obj.public_id),
        "name": obj.name,
        "kind": obj.kind.value,
        "kindLabel": obj.kind.label,
        "status": obj.status.value,
        "regionCode": obj.region_code,
        "regionName": _region_name(obj.region_code),
        "protection": public.level_text(best) if best else None,
        "designations": [
            {
                "type": d.designation_type.value,
                "label": d.designation_type.label,
                "protectionLevel": d.protection_level.value if d.protection_level else None,
                "officialCode": d.official_code,
                "authority": d.authority,
                "announcedOn": d.announced_on.isoformat() if d.announced_on else None,
            }
            for d in record.designations
        ],
    }


def _region_name(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return regions.region_table().full_name(code)
    except ValueError:
        return None
