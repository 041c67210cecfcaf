"""Printable protection plaques (文物保护单位标志) with a QR code to the public record.

The plaque is drawn as a greyscale PNG at print resolution with the dpi
stored in the file, so a print shop gets the physical size right.  The
default is A4 landscape at 300 dpi (3508 × 2480 px): a proof that any
office printer can produce and a template a stone or metal workshop can
scale; other sizes scale the whole layout, which is defined in millimetres.

Layout, top to bottom: protection level; site name (as large as fits, on up
to two lines); official number; the announcing authority with the
announcement date; the erecting authority with the erection date.  The QR
code (error correction Q, so it survives some weathering and dirt) sits in
the bottom right corner with a caption.  Dates are written with Chinese
numerals, as on real plaques (一九六一年三月四日公布).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw

from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.fonts import (
    CJK_BOLD_FONT_CANDIDATES,
    CJK_FONT_CANDIDATES,
    CjkFont,
    find_cjk_font,
    require_glyphs,
)

_MM_PER_INCH = 25.4
_INK = 0
_PAPER = 255
_DIGITS = "〇一二三四五六七八九"
_MAX_URL_LENGTH = 512  # keeps the QR code at a size a phone reads from a metre away
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class PlaqueContent:
    """What a plaque says; plain values, independent of any database model."""

    site_name: str
    protection_level: str
    announced_by: str
    announced_on: date
    erected_by: str
    erected_on: date
    record_url: str
    official_number: str | None = None


@dataclass(frozen=True)
class PlaqueStyle:
    """Physical size, resolution and fonts.

    ``font_path``/``bold_font_path`` override the built-in search (see
    :mod:`heritage.media.fonts`); the bold font is used for the site name.
    """

    width_mm: float = 297.0
    height_mm: float = 210.0
    dpi: int = 300
    font_path: Path | None = None
    bold_font_path: Path | None = None
    qr_error_correction: str = "Q"

    def px(self, mm: float) -> int:
        """Millimetres to pixels at this resolution."""
        return round(mm / _MM_PER_INCH * self.dpi)


@dataclass(frozen=True)
class RenderedPlaque:
    """The PNG and what a caller (or a test) may want to know about it."""

    png: bytes
    width: int
    height: int
    dpi: int
    font: CjkFont
    bold_font: CjkFont
    regions: Mapping[str, Box] = field(default_factory=dict)


def chinese_numeral(number: int) -> str:
    """1–31 as written in dates: 三, 十, 十二, 二十, 三十一."""
    if not 0 < number < 100:
        raise ValueError("only 1–99 are written this way")
    tens, ones = divmod(number, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def chinese_date(day: date, *, with_day: bool = True) -> str:
    """``date(1961, 3, 4)`` → ``一九六一年三月四日`` (year digit by digit)."""
    year = "".join(_DIGITS[int(d)] for d in f"{day.year:04d}")
    text = f"{year}年{chinese_numeral(day.month)}月"
    return text + f"{chinese_numeral(day.day)}日" if with_day else text


def _check(content: PlaqueContent) -> None:
    def invalid(message: str) -> MediaError:
        return MediaError(MediaErrorCode.INVALID_PLAQUE_CONTENT, message)

    for name in ("site_name", "protection_level", "announced_by", "erected_by"):
        value = getattr(content, name)
        if not value.strip():
            raise invalid(f"the plaque's {name} is empty")
        if len(value) > 60:
            raise invalid(f"the plaque's {name} is longer than 60 characters")
    if content.official_number is not None and not content.official_number.strip():
        raise invalid("the official number is blank; leave it out instead")
    if len(content.record_url) > _MAX_URL_LENGTH or not _URL_RE.match(content.record_url):
        raise invalid(
            f"the record URL must be an http(s) address of at most {_MAX_URL_LENGTH} "
            f"characters: {content.record_url[:80]!r}"
        )
    if content.erected_on < content.announced_on:
        raise invalid("the plaque cannot be erected before the site was announced")


def _qr_image(url: str, level: str, side_px: int) -> Image.Image:
    corrections = {
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(error_correction=corrections[level], border=4, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the 4-module quiet zone
    modules = len(matrix)
    small = Image.new("L", (modules, modules), _PAPER)
    small.putdata([_INK if dark else _PAPER for row in matrix for dark in row])
    # Whole pixels per module, scaled without interpolation: crisp edges print best.
    module_px = max(1, side_px // modules)
    return small.resize((modules * module_px,) * 2, Image.Resampling.NEAREST)


def _fit_size(font: CjkFont, text: str, max_width: int, max_height: int) -> int:
    """The largest pixel size at which ``text`` fits the box."""
    reference = 100
    left, top, right, bottom = font.at(reference).getbbox(text)
    width_ratio = max_width / max(1, right - left)
    height_ratio = max_height / max(1, bottom - top)
    return max(8, int(reference * min(width_ratio, height_ratio)))


def _draw_centered(draw: ImageDraw.ImageDraw, font: CjkFont, text: str, box: Box, size: int) -> Box:
    x = (box[0] + box[2]) // 2
    y = (box[1] + box[3]) // 2
    draw.text((x, y), text, font=font.at(size), fill=_INK, anchor="mm")
    left, top, right, bottom = draw.textbbox((x, y), text, font=font.at(size), anchor="mm")
    return int(left), int(top), int(right), int(bottom)


def _split_name(name: str) -> list[str]:
    """Two balanced lines, breaking after the middle character."""
    middle = (len(name) + 1) // 2
    return [name[:middle], name[middle:]]


def render_plaque(content: PlaqueContent, style: PlaqueStyle | None = None) -> RenderedPlaque:
    """Draw the plaque as a PNG at ``style.dpi``.

    Raises ``INVALID_PLAQUE_CONTENT``, ``FONT_NOT_FOUND`` or ``FONT_MISSING_GLYPH``
    (never draws a character as a box).
    """
    style = style or PlaqueStyle()
    _check(content)
    font = find_cjk_font(CJK_FONT_CANDIDATES, configured=style.font_path)
    try:
        bold = find_cjk_font(CJK_BOLD_FONT_CANDIDATES, configured=style.bold_font_path)
    except MediaError:
        if style.bold_font_path is not None:
            raise
        bold = font  # no bold weight installed: the regular one still draws Chinese

    announced = f"{content.announced_by}　{chinese_date(content.announced_on)}公布"
    erected = f"{content.erected_by}　{chinese_date(content.erected_on, with_day=False)}立"
    number = f"编号：{content.official_number}" if content.official_number else None
    caption = "扫码查看档案"
    require_glyphs(bold, content.site_name)
    require_glyphs(font, content.protection_level + announced + erected + (number or "") + caption)

    px = style.px
    width, height = px(style.width_mm), px(style.height_mm)
    image = Image.new("L", (width, height), _PAPER)
    draw = ImageDraw.Draw(image)
    regions: dict[str, Box] = {}

    # A double frame, the traditional border of a protection plaque.
    draw.rectangle((px(8), px(8), width - px(8), height - px(8)), outline=_INK, width=px(1.2))
    draw.rectangle((px(11), px(11), width - px(11), height - px(11)), outline=_INK, width=px(0.4))

    inner_left, inner_right = px(20), width - px(20)
    inner_width = inner_right - inner_left
    scale = min(style.width_mm / 297.0, style.height_mm / 210.0)  # layout drawn for A4

    level_box = (inner_left, px(18 * scale), inner_right, px(36 * scale))
    level_size = _fit_size(font, content.protection_level, inner_width, level_box[3] - level_box[1])
    regions["protection_level"] = _draw_centered(
        draw, font, content.protection_level, level_box, level_size
    )

    name_box = (inner_left, px(44 * scale), inner_right, px(109 * scale))
    name_height = name_box[3] - name_box[1]
    name_size = _fit_size(bold, content.site_name, inner_width, name_height)
    lines = [content.site_name]
    if name_size < px(24 * scale) and len(content.site_name) > 3:
        lines = _split_name(content.site_name)
        name_size = min(_fit_size(bold, line, inner_width, name_height // 2) for line in lines)
    line_height = name_height // len(lines)
    boxes = [
        _draw_centered(
            draw,
            bold,
            line,
            (
                name_box[0],
                name_box[1] + i * line_height,
                name_box[2],
                name_box[1] + (i + 1) * line_height,
            ),
            name_size,
        )
        for i, line in enumerate(lines)
    ]
    regions["site_name"] = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )

    if number is not None:
        number_box = (inner_left, px(118 * scale), inner_right, px(128 * scale))
        number_size = _fit_size(font, number, inner_width, number_box[3] - number_box[1])
        regions["official_number"] = _draw_centered(draw, font, number, number_box, number_size)

    qr_side = px(52 * scale)
    qr = _qr_image(content.record_url, style.qr_error_correction, qr_side)
    qr_left = width - px(18) - qr.width
    qr_top = height - px(26 * scale) - qr.height
    image.paste(qr, (qr_left, qr_top))
    regions["qr_code"] = (qr_left, qr_top, qr_left + qr.width, qr_top + qr.height)
    caption_box = (qr_left, qr_top + qr.height, qr_left + qr.width, height - px(14))
    caption_size = _fit_size(font, caption, qr.width, px(5 * scale))
    regions["qr_caption"] = _draw_centered(draw, font, caption, caption_box, caption_size)

    text_right = qr_left - px(8)
    text_left = px(24)
    line_px = px(11 * scale)
    text_size = min(
        _fit_size(font, line, text_right - text_left, px(8 * scale))
        for line in (announced, erected)
    )
    for key, line, top in (
        ("announcement", announced, qr_top + px(8 * scale)),
        ("erection", erected, qr_top + px(8 * scale) + line_px),
    ):
        draw.text((text_left, top), line, font=font.at(text_size), fill=_INK)
        left, upper, right, lower = draw.textbbox((text_left, top), line, font=font.at(text_size))
        regions[key] = (int(left), int(upper), int(right), int(lower))

    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(style.dpi, style.dpi), optimize=False)
    return RenderedPlaque(
        png=buffer.getvalue(),
        width=width,
        height=height,
        dpi=style.dpi,
        font=font,
        bold_font=bold,
        regions=MappingProxyType(regions),
    )
