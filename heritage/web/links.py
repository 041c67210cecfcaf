"""Public addresses of originals, renditions, printable plaques and records.

One place builds them, so the API, the upload answer and the QR code on a plaque always agree
with the routes that serve them.
"""

from __future__ import annotations

from dataclasses import dataclass

from heritage.media import RENDITION_SIZES, RenditionFormat
from heritage.media.validation import fit_within
from heritage.models import MediaAsset
from heritage.models.vocab import MediaKind
from heritage.settings import Settings


def base_url(settings: Settings) -> str:
    """``Settings.public_base_url`` without its trailing slash."""
    return str(settings.public_base_url).rstrip("/")


def original_url(settings: Settings, sha256: str) -> str:
    """Where the original file is downloaded."""
    return f"{base_url(settings)}/media/{sha256}/original"


def rendition_url(settings: Settings, sha256: str, size: str, fmt: RenditionFormat) -> str:
    """Where one rendition is served, e.g. ``…/media/<sha256>/thumb.webp``."""
    return f"{base_url(settings)}/media/{sha256}/{size}.{fmt.extension}"


def plaque_print_url(settings: Settings, plaque_id: int) -> str:
    """Where the printable PNG of a plaque is rendered."""
    return f"{base_url(settings)}/plaques/{plaque_id}/print.png"


def object_url(settings: Settings, public_id: str) -> str:
    """The stable public address of a place or site (printed as the plaque's QR code)."""
    return f"{base_url(settings)}/objects/{public_id}"


@dataclass(frozen=True)
class RenditionLink:
    """One rendition of an image asset: its size name, format, address and pixel size."""

    size: str
    format: RenditionFormat
    url: str
    width: int
    height: int


def rendition_links(settings: Settings, asset: MediaAsset) -> list[RenditionLink]:
    """Every rendition an image asset has (rendered on first request); none for documents.

    The pixel sizes are computed, not read from files: a rendition is the displayed image
    fitted into the size's bounding box, never enlarged.
    """
    if asset.media_kind != MediaKind.IMAGE or asset.width is None or asset.height is None:
        return []
    links = []
    for name, size in RENDITION_SIZES.items():
        width, height = fit_within((asset.width, asset.height), size.longest_side)
        for fmt in RenditionFormat:
            links.append(
                RenditionLink(
                    size=name,
                    format=fmt,
                    url=rendition_url(settings, asset.sha256, name, fmt),
                    width=width,
                    height=height,
                )
            )
    return links
