"""Parse the free-text dating (年代) of heritage records into a year range and periods.

Official lists write dating as dynasty names, Gregorian years, centuries or mixes of them:
``清``, ``明至清``, ``明清``, ``明、清``, ``清至民国``, ``1860—1863年``, ``公元前221年``,
``七世纪``, ``20世纪50年代``, ``明代中期``, ``清至1994年``, ``唐至今`` … :func:`parse_dating`
turns such text into a :class:`Dating` with ``start_year``/``end_year`` (negative = BCE,
``None`` end = to the present) and the :class:`~heritage.domain.periods.Period` members it
covers.

Grammar (after normalising traditional characters, full-width forms and dash variants):

* a dating is a list of items separated by ``、`` ``，`` ``;`` or ``及``; the result is the
  union of the items;
* an item is one endpoint or a range ``A至B`` (all dashes and ``~`` count as ``至``);
* an endpoint is a year (``1841年``, ``公元前221年``, ``前3世纪`` is a century), a century
  (``七世纪``, ``13世纪``), a decade (``20世纪50年代``, ``1950年代``), ``今`` (right side only),
  or a period name as understood by :func:`heritage.domain.periods.find_period`
  (``清代``, ``明初``, ``隋唐``, ``五代南汉`` …);
* ``约``/``大约`` before and ``左右``/``前后`` after mark the dating approximate; a trailing
  building verb (``迁建``, ``重建``, ``建``) is dropped (the year is still the dating).

Periods of a range are the named ones plus every backbone period inside the range
(``唐至明`` also lists 五代, 北宋, 南宋, 元); years map to the backbone periods they overlap.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from heritage.domain.errors import DomainValueError
from heritage.domain.periods import (
    Period,
    chronological,
    find_period,
    periods_between,
    periods_within,
)

__all__ = ["Dating", "parse_dating", "try_parse_dating", "validate_era_range"]


@dataclass(frozen=True, slots=True)
class Dating:
    """A parsed dating.

    Attributes:
        raw: the text as given.
        start_year: first year, negative = BCE (no year 0).
        end_year: last year; ``None`` = to the present (``至今``, ``中华人民共和国``).
        periods: periods covered, chronological, without duplicates.
        approximate: the text itself says "about" (``约``, ``左右``, ``前后``).
    """

    raw: str
    start_year: int
    end_year: int | None
    periods: tuple[Period, ...]
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int | None
    periods: tuple[Period, ...]


# Characters that differ between traditional and simplified period names, plus Japanese forms.
_TRAD = str.maketrans(
    {
        "國": "国",
        "漢": "汉",
        "東": "东",
        "遼": "辽",
        "時": "时",
        "後": "后",
        "陳": "陈",
        "齊": "齐",
        "晉": "晋",
        "戰": "战",
        "紀": "纪",
        "單": "单",
        "華": "华",
        "當": "当",
        "現": "现",
        "歲": "岁",
        "劉": "刘",
        "蕭": "萧",
        "區": "区",
    }
)
_DASHES = re.compile(r"[\-‐‑‒–—―－~〜～〰]+")
_ITEM_SEP = re.compile(r"[、，,；;/]|及")
_PREFIX_APPROX = ("大约", "约", "大概")
_SUFFIX_APPROX = ("左右", "前后", "许")
_SUFFIX_DROP = ("迁建", "重建", "始建", "修建", "建成", "建造", "建")
# Wording that names no usable range: legendary or "remote" antiquity, or only a bound.
_INDETERMINATE = re.compile(
    r"^(远古|上古|传说时代|年代不详|不详|待定|未知|.+以前|.+以后|.+之前|.+之后)$"
)

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip


def _cn_number(text: str) -> int | None:
    """Small Chinese numerals (一 … 九十九) as used in "七世纪", "十三世纪"."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units:
        return None
    t = _CN_DIGITS.get(tens, -1) if tens else 1
    u = _CN_DIGITS.get(units, -1) if units else 0
    if t < 0 or u < 0:
        return None
    return t * 10 + u


_YEAR = re.compile(r"^(?P<bce>公元前|前)?(?:公元)?(?P<n>\d{1,7})(?:年)?$")
_DECADE = re.compile(r"^(?:(?P<c>\d{1,2})世纪(?P<d>\d)0|(?P<y>\d{3})0)年代$")
_CENTURY = re.compile(
    r"^(?P<bce>公元前|前)?(?:公元)?(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})世纪"
    r"(?P<part>初|初期|前期|上半叶|中期|中叶|后期|下半叶|末|末期)?$"
)
_NOW = ("今", "现在", "现今", "当今", "至今")


def _year(n: int, bce: bool) -> int:
    return -n if bce else n


def _endpoint(text: str) -> _Span | None:
    """Parse one endpoint of a range; ``None`` when not recognised."""
    m = _YEAR.match(text)
    if m:
        y = _year(int(m["n"]), bool(m["bce"]))
        return _Span(y, y, ())
    m = _DECADE.match(text)
    if m:
        first = (int(m["c"]) - 1) * 100 + int(m["d"]) * 10 if m["c"] else int(m["y"]) * 10
        return _Span(first, first + 9, ())
    m = _CENTURY.match(text)
    if m:
        n = _cn_number(m["n"])
        if n is None or n == 0:
            return None
        first, last = (n - 1) * 100 + 1, n * 100
        part = m["part"]
        if part in ("初", "初期", "前期"):
            last = first + 32
        elif part == "上半叶":
            last = first + 49
        elif part in ("中期", "中叶"):
            first, last = first + 33, first + 65
        elif part == "下半叶":
            first = first + 50
        elif part in ("后期", "末", "末期"):
            first = first + 66
        if m["bce"]:
            # 前3世纪 = 300 … 201 BCE: mirror the CE interval.
            first, last = -last, -first
        return _Span(first, last, ())
    match = find_period(text)
    if match is not None:
        return _Span(match.start_year, match.end_year, match.periods)
    return None


def _fill(span: _Span) -> tuple[Period, ...]:
    """Periods of a span: the named ones, or the backbone periods for bare years."""
    return span.periods or periods_between(span.start, span.end)


def _merge(periods: list[Period]) -> tuple[Period, ...]:
    return chronological(periods)


def _item(text: str) -> _Span | None:
    sides = [s for s in text.split("至")]
    if len(sides) == 1:
        span = _endpoint(sides[0])
        return None if span is None else _Span(span.start, span.end, _fill(span))
    if any(not s for s in sides[:-1]):
        return None
    first = _endpoint(sides[0])
    if first is None:
        return None
    last_text = sides[-1]
    if last_text in _NOW or last_text == "":
        if last_text == "" and len(sides) == 2:
            return None
        # "至今": an open end; as a year it falls in the People's Republic.
        last: _Span | None = _Span(dt.date.today().year, None, (Period.PRC,))
    else:
        last = _endpoint(last_text)
    if last is None:
        return None
    middle: list[Period] = []
    for inner in sides[1:-1]:
        span = _endpoint(inner)
        if span is None:
            return None
        middle.extend(span.periods)
    if last.start < first.start or (
        first.end is not None and last.end is not None and last.end < first.end
    ):
        # "清至明": the right side lies before the left one.
        raise DomainValueError(
            "ERA_RANGE_REVERSED",
            f"range {text!r} runs backwards in time",
            field="era",
        )
    inside = periods_within(first.start, last.end)
    return _Span(first.start, last.end, _merge([*_fill(first), *middle, *inside, *_fill(last)]))


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).translate(_TRAD)
    text = re.sub(r"\s+", "", text)
    text = _DASHES.sub("至", text)
    # "1948年至1981年" and "1936年至1937年": the 年 before 至 is redundant.
    return text.replace("年至", "至")


def parse_dating(raw: str) -> Dating:
    """Parse a free-text dating; see the module docstring for the accepted forms.

    Raises:
        DomainValueError: ``DATING_UNPARSEABLE`` for empty or unrecognised text (typos such as
            ``唐王清`` included: they are reported, never guessed); ``DATING_INDETERMINATE`` for
            text that names no usable range (``远古``, ``传说时代``, ``明以前``); and the codes
            of :func:`validate_era_range` for a reversed or future range.
    """
    text = _normalise(raw)
    if not text:
        raise DomainValueError("DATING_UNPARSEABLE", "dating is empty", field="era")
    if _INDETERMINATE.match(text):
        raise DomainValueError(
            "DATING_INDETERMINATE",
            f"dating {raw!r} names no year range that can be stored",
            field="era",
        )
    approximate = False
    for prefix in _PREFIX_APPROX:
        if text.startswith(prefix):
            text, approximate = text[len(prefix) :], True
            break
    spans: list[_Span] = []
    for item in _ITEM_SEP.split(text):
        for suffix in _SUFFIX_APPROX:
            if item.endswith(suffix) and len(item) > len(suffix):
                item, approximate = item[: -len(suffix)], True
                break
        for suffix in _SUFFIX_DROP:
            if item.endswith(suffix) and len(item) > len(suffix) and item[-len(suffix) - 1] == "年":
                item = item[: -len(suffix)]
                break
        span = _item(item) if item else None
        if span is None:
            raise DomainValueError(
                "DATING_UNPARSEABLE",
                f"cannot read dating {raw!r} (part {item!r} is not a year or period)",
                field="era",
            )
        spans.append(span)
    start = min(s.start for s in spans)
    ends = [s.end for s in spans]
    end = None if None in ends else max(e for e in ends if e is not None)
    for s in spans:
        validate_era_range(s.start, s.end)
    return Dating(raw, start, end, _merge([p for s in spans for p in s.periods]), approximate)


def try_parse_dating(raw: str | None) -> Dating | None:
    """:func:`parse_dating`, but ``None`` for ``None`` or text that cannot be read."""
    if raw is None:
        return None
    try:
        return parse_dating(raw)
    except DomainValueError:
        return None


def validate_era_range(start: int, end: int | None, *, today: dt.date | None = None) -> None:
    """Check a stored era range (negative = BCE, ``None`` end = to the present).

    Raises:
        DomainValueError: ``ERA_YEAR_ZERO`` (there is no year 0 between 1 BCE and 1 CE),
            ``ERA_RANGE_REVERSED`` (start after end), ``ERA_IN_FUTURE`` (a year after the
            current one).
    """
    this_year = (today or dt.date.today()).year
    for name, year in (("era_start_year", start), ("era_end_year", end)):
        if year == 0:
            raise DomainValueError(
                "ERA_YEAR_ZERO", "year 0 does not exist (1 BCE is -1, 1 CE is 1)", field=name
            )
        if year is not None and year > this_year:
            raise DomainValueError(
                "ERA_IN_FUTURE", f"year {year} is after the current year {this_year}", field=name
            )
    if end is not None and start > end:
        raise DomainValueError(
            "ERA_RANGE_REVERSED",
            f"era starts in {start} but ends in {end}",
            field="era_end_year",
        )
