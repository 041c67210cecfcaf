"""HTTP validators: strong ETags and the 304 answer to a matching ``If-None-Match``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

#: For content whose address changes with its bytes (renditions of a content-addressed original).
IMMUTABLE = "public, max-age=31536000, immutable"
#: For content that may change or whose access may change: always revalidate (cheap with a 304).
REVALIDATE = "private, no-cache"


def etag_matches(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 prescribes)."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def not_modified(etag: str, cache_control: str) -> Response:
    """A 304 carrying the validators a 200 would have carried."""
    return Response(status_code=304, headers={"etag": etag, "cache-control": cache_control})
