"""Locating a font that really draws Chinese.

Pillow silently draws a box (tofu) for every character its font lacks, which
on a printed plaque would be an expensive mistake.  So a font is accepted
only if it has glyphs for the text to draw, and the search fails with a
coded error instead of falling back to a Latin font.

The search uses a fixed list of well-known paths rather than fontconfig, so
it behaves the same in a slim container as on a desktop.  On Debian the
``fonts-noto-cjk`` package provides the first entries.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from heritage.media.errors import MediaError, MediaErrorCode

_NOTO_DEBIAN = Path("/usr/share/fonts/opentype/noto")

#: Regular-weight CJK fonts, most suitable first (serif suits official plaques).
CJK_FONT_CANDIDATES: tuple[Path, ...] = (
    _NOTO_DEBIAN / "NotoSerifCJK-Regular.ttc",  # Debian/Ubuntu: fonts-noto-cjk
    _NOTO_DEBIAN / "NotoSansCJK-Regular.ttc",
    Path("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc"),  # Arch: noto-fonts-cjk
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-serif-cjk-vf-fonts/NotoSerifCJK-VF.ttc"),  # Fedora
    Path("/usr/share/fonts/google-noto-sans-cjk-vf-fonts/NotoSansCJK-VF.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # Debian: fonts-wqy-zenhei
    Path("/System/Library/Fonts/Supplemental/Songti.ttc"),  # macOS
    Path("/System/Library/Fonts/PingFang.ttc"),
    Path("C:/Windows/Fonts/simsun.ttc"),  # Windows
    Path("C:/Windows/Fonts/msyh.ttc"),
)

#: Bold CJK fonts for titles; when none is found the regular font is used.
CJK_BOLD_FONT_CANDIDATES: tuple[Path, ...] = (
    _NOTO_DEBIAN / "NotoSerifCJK-Bold.ttc",
    _NOTO_DEBIAN / "NotoSansCJK-Bold.ttc",
    Path("/usr/share/fonts/noto-cjk/NotoSerifCJK-Bold.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
)

# Characters any font fit for a heritage plaque must have.
_PROBE_TEXT = "中华人民共和国文物保护单位国务院公布年月日立〇一二三四五六七八九十"
# A code point no font maps (the last private-use one): it draws the
# font's ".notdef" glyph, the box that missing characters would get.
_NO_GLYPH = "\U0010fffd"
_PROBE_SIZE = 48


@dataclass(frozen=True)
class CjkFont:
    """A font file and the face to use within it (collections hold several)."""

    path: Path
    index: int
    family: str

    def at(self, size_px: int) -> ImageFont.FreeTypeFont:
        """This face at ``size_px`` pixels, with the deterministic basic layout."""
        return _load(self.path, self.index, size_px)


@functools.lru_cache(maxsize=64)
def _load(path: Path, index: int, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size_px, index=index, layout_engine=ImageFont.Layout.BASIC)


def _faces(path: Path) -> list[tuple[int, str]]:
    faces = []
    for index in range(64):
        try:
            family, _style = ImageFont.truetype(str(path), 12, index=index).getname()
        except OSError:
            break
        faces.append((index, family or ""))
    return faces


def missing_glyphs(font: ImageFont.FreeTypeFont, text: str) -> list[str]:
    """The characters of ``text`` that ``font`` would draw as a box."""
    notdef = font.getmask(_NO_GLYPH)
    notdef_key = (notdef.size, bytes(notdef))
    missing = []
    for char in dict.fromkeys(text):
        if char.isspace():
            continue
        mask = font.getmask(char)
        if (mask.size, bytes(mask)) == notdef_key:
            missing.append(char)
    return missing


@functools.lru_cache(maxsize=32)
def _inspect(path: Path) -> CjkFont | None:
    """The Simplified-Chinese face of ``path`` if it draws Chinese, else ``None``."""
    if not path.is_file():
        return None
    faces = _faces(path)
    if not faces:
        return None
    # Collections order faces JP, KR, SC, TC…: the SC face has mainland glyph shapes.
    index, family = next(
        ((i, name) for i, name in faces if name.endswith((" SC", " GB", "SC"))), faces[0]
    )
    font = _load(path, index, _PROBE_SIZE)
    if missing_glyphs(font, _PROBE_TEXT):
        return None
    return CjkFont(path=path, index=index, family=family)


def find_cjk_font(
    candidates: Iterable[Path] = CJK_FONT_CANDIDATES, *, configured: Path | None = None
) -> CjkFont:
    """Return the configured font, or the first usable candidate.

    A configured path that is missing or has no Chinese glyphs is an error
    rather than a reason to look elsewhere: the operator asked for it.
    """
    if configured is not None:
        font = _inspect(Path(configured))
        if font is None:
            raise MediaError(
                MediaErrorCode.FONT_NOT_FOUND,
                f"the configured font {configured} does not exist or cannot draw Chinese",
            )
        return font
    tried = []
    for candidate in candidates:
        tried.append(str(candidate))
        font = _inspect(Path(candidate))
        if font is not None:
            return font
    raise MediaError(
        MediaErrorCode.FONT_NOT_FOUND,
        "no font able to draw Chinese was found (install the Debian package fonts-noto-cjk "
        f"or configure a font path); looked at: {', '.join(tried) or 'nothing'}",
    )


def require_glyphs(font: CjkFont, text: str) -> None:
    """Raise ``FONT_MISSING_GLYPH`` if ``font`` cannot draw every character of ``text``."""
    missing = missing_glyphs(font.at(_PROBE_SIZE), text)
    if missing:
        shown = " ".join(f"{char!r} (U+{ord(char):04X})" for char in missing)
        raise MediaError(
            MediaErrorCode.FONT_MISSING_GLYPH,
            f"the font {font.path.name} ({font.family}) has no glyph for {shown}",
        )
