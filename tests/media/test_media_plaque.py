"""Printable plaques: the QR code reads back, the print size is right, the Chinese is real."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageStat

from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.fonts import CjkFont, find_cjk_font, missing_glyphs
from heritage.media.plaque import (
    PlaqueContent,
    PlaqueStyle,
    RenderedPlaque,
    chinese_date,
    render_plaque,
)

URL = "https://heritage.example.cn/sites/1-0071-3-024"

GUGONG = PlaqueContent(
    site_name="故宫",
    protection_level="全国重点文物保护单位",
    official_number="1-0071-3-024",
    announced_by="中华人民共和国国务院",
    announced_on=date(1961, 3, 4),
    erected_by="北京市人民政府",
    erected_on=date(1987, 10, 1),
    record_url=URL,
)


@pytest.fixture(scope="module")
def plaque() -> RenderedPlaque:
    return render_plaque(GUGONG)


def opened(rendered: RenderedPlaque) -> Image.Image:
    image = Image.open(io.BytesIO(rendered.png))
    image.load()
    return image


def decoded_texts(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_qr_code_reads_back_as_the_record_url(plaque: RenderedPlaque) -> None:
    image = opened(plaque)
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [URL]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_png_is_a4_landscape_at_300_dpi(plaque: RenderedPlaque) -> None:
    image = opened(plaque)
    assert image.format == "PNG"
    assert image.size == (plaque.width, plaque.height) == (3508, 2480)
    dpi = image.info["dpi"]
    assert dpi == pytest.approx((300, 300), abs=0.01)
    # Physical size as a printer computes it from the embedded resolution.
    assert image.width / dpi[0] * 25.4 == pytest.approx(297, abs=0.1)
    assert image.height / dpi[1] * 25.4 == pytest.approx(210, abs=0.1)


def test_title_is_drawn_with_a_real_cjk_font(plaque: RenderedPlaque) -> None:
    image = opened(plaque).convert("L")
    for font in (plaque.font, plaque.bold_font):
        assert "CJK" in font.family
        assert font.path.is_file()
        assert missing_glyphs(font.at(64), "故宫全国重点文物保护单位") == []
    left, top, right, bottom = plaque.regions["site_name"]
    assert right - left > 1000  # two huge characters
    title = image.crop((left, top, right, bottom))
    ink = sum(title.histogram()[:128]) / (title.width * title.height)
    assert 0.1 < ink < 0.8  # strokes, not an empty box nor a filled one
    # The two characters are different glyphs, not two identical tofu boxes.
    first = title.crop((0, 0, title.width // 2, title.height))
    second = title.crop((title.width - first.width, 0, title.width, title.height))
    assert first.tobytes() != second.tobytes()


def test_every_text_block_has_ink(plaque: RenderedPlaque) -> None:
    image = opened(plaque).convert("L")
    for name in (
        "protection_level",
        "site_name",
        "official_number",
        "announcement",
        "erection",
        "qr_caption",
        "qr_code",
    ):
        region = image.crop(plaque.regions[name])
        assert ImageStat.Stat(region).extrema[0][0] < 64, name


def test_output_is_deterministic(plaque: RenderedPlaque) -> None:
    assert render_plaque(GUGONG).png == plaque.png


def test_long_names_wrap_and_other_sizes_scale() -> None:
    content = replace(
        GUGONG,
        site_name="中国共产党第一次全国代表大会会址",
        record_url="https://heritage.example.cn/sites/5-0001-1-001?lang=zh",
    )
    style = PlaqueStyle(width_mm=600, height_mm=400, dpi=150)
    rendered = render_plaque(content, style)
    image = opened(rendered)
    assert image.size == (round(600 / 25.4 * 150), round(400 / 25.4 * 150))
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.05)  # stored per metre
    assert decoded_texts(image) == [content.record_url]
    left, _, right, _ = rendered.regions["site_name"]
    assert right <= image.width - style.px(20)
    assert left >= style.px(20)


def test_plaque_without_official_number() -> None:
    rendered = render_plaque(replace(GUGONG, official_number=None))
    assert "official_number" not in rendered.regions
    assert decoded_texts(opened(rendered)) == [URL]


def test_chinese_dates() -> None:
    assert chinese_date(date(1961, 3, 4)) == "一九六一年三月四日"
    assert chinese_date(date(2024, 10, 20)) == "二〇二四年十月二十日"
    assert chinese_date(date(2001, 12, 31)) == "二〇〇一年十二月三十一日"
    assert chinese_date(date(1987, 11, 1), with_day=False) == "一九八七年十一月"


def test_no_cjk_font_is_a_coded_error() -> None:
    with pytest.raises(MediaError) as caught:
        find_cjk_font(candidates=[Path("/nonexistent/font.ttc")])
    assert caught.value.code is MediaErrorCode.FONT_NOT_FOUND
    assert "fonts-noto-cjk" in caught.value.message


def test_configured_font_must_exist() -> None:
    style = PlaqueStyle(font_path=Path("/nonexistent/NotoSerifCJK-Regular.ttc"))
    with pytest.raises(MediaError) as caught:
        render_plaque(GUGONG, style)
    assert caught.value.code is MediaErrorCode.FONT_NOT_FOUND


def test_latin_only_font_is_refused_rather_than_drawing_boxes() -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("needs a Latin-only font to configure (Debian fonts-dejavu-core)")
    with pytest.raises(MediaError) as caught:
        render_plaque(GUGONG, PlaqueStyle(font_path=latin))
    assert caught.value.code is MediaErrorCode.FONT_NOT_FOUND


def test_character_missing_from_the_font_is_refused() -> None:
    # A Tangut character: no CJK font has it, so it would print as a box.
    with pytest.raises(MediaError) as caught:
        render_plaque(replace(GUGONG, site_name="西夏陵\U00017000"))
    assert caught.value.code is MediaErrorCode.FONT_MISSING_GLYPH
    assert "U+17000" in caught.value.message


def test_font_lookup_picks_the_simplified_chinese_face() -> None:
    font = find_cjk_font()
    assert isinstance(font, CjkFont)
    assert font.family.endswith("SC")


@pytest.mark.parametrize(
    "change",
    [
        {"site_name": "  "},
        {"record_url": "javascript:alert(1)"},
        {"record_url": "https://heritage.example.cn/" + "x" * 600},
        {"official_number": ""},
        {"erected_on": date(1950, 1, 1)},
    ],
    ids=["blank-name", "bad-scheme", "url-too-long", "blank-number", "erected-before-announced"],
)
def test_invalid_content_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(MediaError) as caught:
        render_plaque(replace(GUGONG, **change))  # type: ignore[arg-type]
    assert caught.value.code is MediaErrorCode.INVALID_PLAQUE_CONTENT
