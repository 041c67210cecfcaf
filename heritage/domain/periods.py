"""Chinese chronology: the ``Period`` vocabulary and lookup of period names.

Years are integers in the historians' convention: negative = BCE, positive = CE, and there is
no year 0 (``-1`` is 1 BCE, ``1`` is 1 CE). Start and end years are the usual textbook dates
(domain guide §5.3); they are approximate and meant for range search, not for scholarship.
``None`` as an end year means "to the present" (only the People's Republic has that).

Beyond the main chronology of the domain guide the enum has:

* sub-periods with a ``parent``: 春秋/战国 under 东周, the Northern and Southern dynasties
  (北魏 东魏 西魏 北齐 北周; 刘宋 南齐 南梁 南陈) under ``N_S_DYNASTIES``, and 曹魏 蜀汉 孙吴
  under ``THREE_KINGDOMS``;
* archaeological ages used for frontier regions (青铜时代, 铁器时代);
* regional regimes that official lists use as an era on their own (渤海, 高句丽, 南诏, 大理,
  高昌, 吐蕃); they carry ``regional=True`` and never appear in :func:`backbone`.

Names that cover several periods (汉, 宋, 周, 晋, 南北朝 sub-dynasties, 近代 …) are aliases in
:data:`ALIASES`; :func:`lookup_period` also understands run-together names (隋唐, 明清,
春秋战国) and one ``至`` range (战国至汉). Full free-text dating is :mod:`heritage.domain.dating`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from heritage.domain.errors import DomainValueError


class _Info(NamedTuple):
    label_zh: str
    start: int
    end: int | None
    parent: str | None = None
    regional: bool = False


class Period(StrEnum):
    """A period of Chinese history; the value is the stable storage code."""

    PALEOLITHIC = "PALEOLITHIC"
    NEOLITHIC = "NEOLITHIC"
    BRONZE_AGE = "BRONZE_AGE"
    IRON_AGE = "IRON_AGE"
    XIA = "XIA"
    SHANG = "SHANG"
    W_ZHOU = "W_ZHOU"
    E_ZHOU = "E_ZHOU"
    SPRING_AUTUMN = "SPRING_AUTUMN"
    WARRING_STATES = "WARRING_STATES"
    QIN = "QIN"
    W_HAN = "W_HAN"
    XIN = "XIN"
    E_HAN = "E_HAN"
    THREE_KINGDOMS = "THREE_KINGDOMS"
    CAO_WEI = "CAO_WEI"
    SHU_HAN = "SHU_HAN"
    SUN_WU = "SUN_WU"
    W_JIN = "W_JIN"
    E_JIN_16K = "E_JIN_16K"
    N_S_DYNASTIES = "N_S_DYNASTIES"
    N_WEI = "N_WEI"
    E_WEI = "E_WEI"
    W_WEI = "W_WEI"
    N_QI = "N_QI"
    N_ZHOU = "N_ZHOU"
    LIU_SONG = "LIU_SONG"
    S_QI = "S_QI"
    S_LIANG = "S_LIANG"
    S_CHEN = "S_CHEN"
    SUI = "SUI"
    TANG = "TANG"
    FIVE_DYN = "FIVE_DYN"
    N_SONG = "N_SONG"
    S_SONG = "S_SONG"
    LIAO = "LIAO"
    W_XIA = "W_XIA"
    JIN = "JIN"
    YUAN = "YUAN"
    MING = "MING"
    QING = "QING"
    ROC = "ROC"
    PRC = "PRC"
    GOGURYEO = "GOGURYEO"
    GAOCHANG = "GAOCHANG"
    BOHAI = "BOHAI"
    TUBO = "TUBO"
    NANZHAO = "NANZHAO"
    DALI = "DALI"

    @property
    def label_zh(self) -> str:
        """Chinese label, e.g. ``"东汉"``."""
        return _INFO[self].label_zh

    @property
    def start_year(self) -> int:
        """Approximate first year (negative = BCE)."""
        return _INFO[self].start

    @property
    def end_year(self) -> int | None:
        """Approximate last year; ``None`` = to the present."""
        return _INFO[self].end

    @property
    def parent(self) -> Period | None:
        """The enclosing period (东周 for 春秋, 南北朝 for 北魏 …), if any."""
        code = _INFO[self].parent
        return None if code is None else Period(code)

    @property
    def regional(self) -> bool:
        """True for a regional regime that ran beside the main dynasties (渤海, 南诏 …)."""
        return _INFO[self].regional


_INFO: dict[Period, _Info] = {
    # Prehistory: ranges cover the oldest Chinese finds (about 2 Ma) and end where the
    # traditional dynastic dates begin; they are archaeological approximations.
    Period.PALEOLITHIC: _Info("旧石器时代", -3_000_000, -10_000),
    Period.NEOLITHIC: _Info("新石器时代", -10_000, -2_000),
    # Frontier bronze and iron ages (Xinjiang, Inner Mongolia, the north-east) as used in the
    # national list; they overlap the dynasties on purpose.
    Period.BRONZE_AGE: _Info("青铜时代", -2_000, -500),
    Period.IRON_AGE: _Info("铁器时代", -1_000, 200),
    Period.XIA: _Info("夏", -2070, -1600),
    Period.SHANG: _Info("商", -1600, -1046),
    Period.W_ZHOU: _Info("西周", -1046, -771),
    Period.E_ZHOU: _Info("东周", -770, -256),
    Period.SPRING_AUTUMN: _Info("春秋", -770, -476, "E_ZHOU"),
    # 战国 is usually closed by the Qin unification (221 BCE), after the end of 东周 (256 BCE).
    Period.WARRING_STATES: _Info("战国", -475, -221, "E_ZHOU"),
    Period.QIN: _Info("秦", -221, -207),
    Period.W_HAN: _Info("西汉", -202, 8),
    Period.XIN: _Info("新", 9, 23),
    Period.E_HAN: _Info("东汉", 25, 220),
    Period.THREE_KINGDOMS: _Info("三国", 220, 280),
    Period.CAO_WEI: _Info("曹魏", 220, 266, "THREE_KINGDOMS"),
    Period.SHU_HAN: _Info("蜀汉", 221, 263, "THREE_KINGDOMS"),
    Period.SUN_WU: _Info("孙吴", 222, 280, "THREE_KINGDOMS"),
    Period.W_JIN: _Info("西晋", 265, 317),
    Period.E_JIN_16K: _Info("东晋十六国", 317, 420),
    Period.N_S_DYNASTIES: _Info("南北朝", 420, 589),
    # 北魏 was founded in 386, before the conventional start of 南北朝; its own dates win.
    Period.N_WEI: _Info("北魏", 386, 534, "N_S_DYNASTIES"),
    Period.E_WEI: _Info("东魏", 534, 550, "N_S_DYNASTIES"),
    Period.W_WEI: _Info("西魏", 535, 557, "N_S_DYNASTIES"),
    Period.N_QI: _Info("北齐", 550, 577, "N_S_DYNASTIES"),
    Period.N_ZHOU: _Info("北周", 557, 581, "N_S_DYNASTIES"),
    Period.LIU_SONG: _Info("南朝宋", 420, 479, "N_S_DYNASTIES"),
    Period.S_QI: _Info("南齐", 479, 502, "N_S_DYNASTIES"),
    Period.S_LIANG: _Info("南朝梁", 502, 557, "N_S_DYNASTIES"),
    Period.S_CHEN: _Info("南朝陈", 557, 589, "N_S_DYNASTIES"),
    Period.SUI: _Info("隋", 581, 618),
    Period.TANG: _Info("唐", 618, 907),
    Period.FIVE_DYN: _Info("五代十国", 907, 979),
    Period.N_SONG: _Info("北宋", 960, 1127),
    Period.S_SONG: _Info("南宋", 1127, 1279),
    Period.LIAO: _Info("辽", 907, 1125),
    Period.W_XIA: _Info("西夏", 1038, 1227),
    Period.JIN: _Info("金", 1115, 1234),
    Period.YUAN: _Info("元", 1271, 1368),
    Period.MING: _Info("明", 1368, 1644),
    Period.QING: _Info("清", 1644, 1911),
    Period.ROC: _Info("中华民国", 1912, 1949),
    Period.PRC: _Info("中华人民共和国", 1949, None),
    Period.GOGURYEO: _Info("高句丽", -37, 668, regional=True),
    # The kingdom of Gaochang (Qu clan and predecessors), not the later Uyghur state.
    Period.GAOCHANG: _Info("高昌", 460, 640, regional=True),
    Period.BOHAI: _Info("渤海", 698, 926, regional=True),
    Period.TUBO: _Info("吐蕃", 618, 842, regional=True),
    Period.NANZHAO: _Info("南诏", 738, 902, regional=True),
    Period.DALI: _Info("大理", 937, 1253, regional=True),
}

_BACKBONE: tuple[Period, ...] = (
    Period.PALEOLITHIC,
    Period.NEOLITHIC,
    Period.XIA,
    Period.SHANG,
    Period.W_ZHOU,
    Period.SPRING_AUTUMN,
    Period.WARRING_STATES,
    Period.QIN,
    Period.W_HAN,
    Period.XIN,
    Period.E_HAN,
    Period.THREE_KINGDOMS,
    Period.W_JIN,
    Period.E_JIN_16K,
    Period.N_S_DYNASTIES,
    Period.SUI,
    Period.TANG,
    Period.FIVE_DYN,
    Period.N_SONG,
    Period.S_SONG,
    Period.YUAN,
    Period.MING,
    Period.QING,
    Period.ROC,
    Period.PRC,
)


def backbone() -> tuple[Period, ...]:
    """The main chronological sequence used to fill ranges ("唐至明" → 唐 … 明).

    Parallel regimes (辽, 西夏, 金) and regional ones are left out: a bare year range does not
    say which of the parallel states a site belonged to.
    """
    return _BACKBONE


@dataclass(frozen=True, slots=True)
class PeriodMatch:
    """The result of :func:`lookup_period`.

    Attributes:
        name: the name as looked up (after trimming).
        periods: the periods named, in chronological order, without duplicates.
        start_year: first year (negative = BCE).
        end_year: last year, ``None`` = to the present.
    """

    name: str
    periods: tuple[Period, ...]
    start_year: int
    end_year: int | None


class _Alias(NamedTuple):
    periods: tuple[Period, ...]
    start: int
    end: int | None


def _a(periods: tuple[Period, ...]) -> _Alias:
    """Alias covering ``periods`` over the union of their own ranges."""
    ends = [p.end_year for p in periods]
    end = None if None in ends else max(e for e in ends if e is not None)
    return _Alias(periods, min(p.start_year for p in periods), end)


def _r(periods: tuple[Period, ...], start: int, end: int | None) -> _Alias:
    """Alias covering ``periods`` with a conventional range of its own."""
    return _Alias(periods, start, end)


P = Period
# Names that are not the label of exactly one Period member, or that need a range of their own.
# Choices worth knowing:
# * 宋 alone is the Song dynasty (北宋 + 南宋); the Southern dynasty needs 刘宋 / 南朝宋.
# * 齐, 梁, 陈 alone are the Southern dynasties (the national list uses them that way); the
#   Later Liang of the Five Dynasties is 后梁.
# * 魏 alone is 曹魏 (as in 汉魏, 魏晋); 北魏/东魏/西魏 must be written out.
# * 汉 is 西汉 + 东汉 (新 is inside the range but not named); 晋 is 西晋 + 东晋.
# * 北朝 / 南朝 / 六朝 / 魏晋 keep their conventional ranges under the enclosing periods.
ALIASES: dict[str, _Alias] = {
    "旧石器": _a((P.PALEOLITHIC,)),
    "新石器": _a((P.NEOLITHIC,)),
    "石器时代": _a((P.PALEOLITHIC, P.NEOLITHIC)),
    "更新世": _r((P.PALEOLITHIC,), -2_580_000, -11_700),
    "青铜": _a((P.BRONZE_AGE,)),
    "铁器时代": _a((P.IRON_AGE,)),
    "夏代": _a((P.XIA,)),
    "殷": _a((P.SHANG,)),
    "殷商": _a((P.SHANG,)),
    "周": _a((P.W_ZHOU, P.E_ZHOU)),
    "春秋战国": _a((P.SPRING_AUTUMN, P.WARRING_STATES)),
    "汉": _a((P.W_HAN, P.E_HAN)),
    "两汉": _a((P.W_HAN, P.E_HAN)),
    "前汉": _a((P.W_HAN,)),
    "后汉": _a((P.E_HAN,)),
    "新莽": _a((P.XIN,)),
    "新朝": _a((P.XIN,)),
    "魏": _a((P.CAO_WEI,)),
    "蜀": _a((P.SHU_HAN,)),
    "吴": _a((P.SUN_WU,)),
    "东吴": _a((P.SUN_WU,)),
    "晋": _a((P.W_JIN, P.E_JIN_16K)),
    "两晋": _a((P.W_JIN, P.E_JIN_16K)),
    "东晋": _a((P.E_JIN_16K,)),
    "十六国": _r((P.E_JIN_16K,), 304, 439),
    "魏晋": _r((P.THREE_KINGDOMS, P.W_JIN, P.E_JIN_16K), 220, 420),
    "魏晋南北朝": _r((P.THREE_KINGDOMS, P.W_JIN, P.E_JIN_16K, P.N_S_DYNASTIES), 220, 589),
    "六朝": _r((P.SUN_WU, P.E_JIN_16K, P.N_S_DYNASTIES), 222, 589),
    "北朝": _r((P.N_S_DYNASTIES,), 386, 581),
    "南朝": _r((P.N_S_DYNASTIES,), 420, 589),
    "刘宋": _a((P.LIU_SONG,)),
    "齐": _a((P.S_QI,)),
    "萧齐": _a((P.S_QI,)),
    "梁": _a((P.S_LIANG,)),
    "萧梁": _a((P.S_LIANG,)),
    "南梁": _a((P.S_LIANG,)),
    "陈": _a((P.S_CHEN,)),
    "南陈": _a((P.S_CHEN,)),
    "五代": _a((P.FIVE_DYN,)),
    "十国": _a((P.FIVE_DYN,)),
    "后梁": _r((P.FIVE_DYN,), 907, 923),
    "后唐": _r((P.FIVE_DYN,), 923, 937),
    "后晋": _r((P.FIVE_DYN,), 936, 947),
    "后周": _r((P.FIVE_DYN,), 951, 960),
    "前蜀": _r((P.FIVE_DYN,), 907, 925),
    "后蜀": _r((P.FIVE_DYN,), 934, 965),
    "南汉": _r((P.FIVE_DYN,), 917, 971),
    "南唐": _r((P.FIVE_DYN,), 937, 975),
    "吴越": _r((P.FIVE_DYN,), 907, 978),
    "北汉": _r((P.FIVE_DYN,), 951, 979),
    "宋": _a((P.N_SONG, P.S_SONG)),
    "两宋": _a((P.N_SONG, P.S_SONG)),
    "大金": _a((P.JIN,)),
    "蒙元": _r((P.YUAN,), 1206, 1368),
    "清代": _a((P.QING,)),
    "民国": _a((P.ROC,)),
    "民初": _r((P.ROC,), 1912, 1927),
    "中华民国": _a((P.ROC,)),
    "新中国": _a((P.PRC,)),
    "现代": _a((P.PRC,)),
    "当代": _a((P.PRC,)),
    # 近代 starts with the Opium War (1840), the convention of the third national survey.
    "近代": _r((P.QING, P.ROC), 1840, 1949),
    "近现代": _r((P.QING, P.ROC, P.PRC), 1840, None),
    "清末民初": _r((P.QING, P.ROC), 1840, 1927),
    "清末": _r((P.QING,), 1840, 1911),
    "晚清": _r((P.QING,), 1840, 1911),
    "高句骊": _a((P.GOGURYEO,)),
}
for _p in Period:
    ALIASES.setdefault(_p.label_zh, _a((_p,)))
# Labels whose short form is also common.
ALIASES.setdefault("南宋", _a((P.S_SONG,)))
ALIASES.setdefault("北宋", _a((P.N_SONG,)))
ALIASES.setdefault("东周", _a((P.E_ZHOU,)))

_MAX_ALIAS = max(len(k) for k in ALIASES)

# Qualifiers after a period name: which third of the period they select.
_QUALIFIERS: dict[str, int] = {
    "初": 0,
    "初期": 0,
    "初年": 0,
    "早期": 0,
    "前期": 0,
    "中期": 1,
    "中叶": 1,
    "晚期": 2,
    "后期": 2,
    "末": 2,
    "末期": 2,
    "末年": 2,
}


def chronological(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Sort periods by start year (declaration order breaks ties) and drop duplicates."""
    unique = dict.fromkeys(periods)
    return tuple(sorted(unique, key=lambda x: (x.start_year, _member_index(x))))


_INDEX: dict[Period, int] = {p: i for i, p in enumerate(Period)}


def _member_index(p: Period) -> int:
    return _INDEX[p]


def _single(name: str) -> _Alias | None:
    """Look up one name, with an optional 代/朝 suffix and a qualifier (初, 中期, 末 …)."""
    if name in ALIASES:
        return ALIASES[name]
    for qual in sorted(_QUALIFIERS, key=len, reverse=True):
        if name.endswith(qual) and len(name) > len(qual):
            base = _single(name[: -len(qual)])
            if base is None or base.end is None:
                continue
            third = (base.end - base.start) / 3
            k = _QUALIFIERS[qual]
            start = round(base.start + k * third)
            end = round(base.start + (k + 1) * third)
            return _Alias(base.periods, start, end)
    for suffix in ("时代", "时期", "代", "朝"):
        if name.endswith(suffix) and len(name) > len(suffix):
            base_name = name[: -len(suffix)]
            if base_name in ALIASES:
                return ALIASES[base_name]
    return None


def _segment(name: str) -> list[_Alias] | None:
    """Split a run-together name (隋唐, 明清, 宋元明清) into known names, longest first."""
    if not name:
        return []
    whole = _single(name)
    if whole is not None:
        return [whole]
    for size in range(min(_MAX_ALIAS + 4, len(name) - 1), 0, -1):
        head = _single(name[:size])
        if head is None:
            continue
        rest = _segment(name[size:])
        if rest is not None:
            return [head, *rest]
    return None


def _union(parts: list[_Alias]) -> _Alias:
    periods = chronological([p for part in parts for p in part.periods])
    start = min(part.start for part in parts)
    ends = [part.end for part in parts]
    end = None if None in ends else max(e for e in ends if e is not None)
    return _Alias(periods, start, end)


def periods_between(start: int, end: int | None) -> tuple[Period, ...]:
    """Backbone periods that overlap the year range ``start``..``end`` (``None`` = present).

    A range that only touches a boundary year does not count as overlapping (唐至明 does not
    include 隋 ending in 618); a single year on a boundary matches both sides.
    """
    hi = float("inf") if end is None else end
    found: list[Period] = []
    for p in _BACKBONE:
        p_end = float("inf") if p.end_year is None else p.end_year
        if start == hi:
            if p.start_year <= start <= p_end:
                found.append(p)
        elif p.start_year < hi and p_end > start:
            found.append(p)
    return tuple(found)


def periods_within(start: int, end: int | None) -> tuple[Period, ...]:
    """Backbone periods that lie wholly inside ``start``..``end`` (``None`` = present).

    Used to fill a named range: 元至清 lists 明 but not 南宋, which merely overlaps 1271.
    """
    hi = float("inf") if end is None else end
    return tuple(
        p
        for p in _BACKBONE
        if p.start_year >= start and (float("inf") if p.end_year is None else p.end_year) <= hi
    )


def _resolve(name: str) -> _Alias | None:
    name = name.strip()
    if not name:
        return None
    if "至" in name:
        left, _, right = name.partition("至")
        lo, hi = _resolve(left), _resolve(right)
        if lo is None or hi is None:
            return None
        filled = periods_within(lo.start, hi.end)
        periods = chronological([*lo.periods, *filled, *hi.periods])
        return _Alias(periods, lo.start, hi.end)
    parts = _segment(name)
    if not parts:
        return None
    return _union(parts)


def lookup_period(name: str) -> PeriodMatch:
    """Look up a Chinese period name.

    Accepts a label (``"东汉"``), an alias (``"汉"`` → 西汉 + 东汉, ``"北魏"``, ``"近现代"``),
    a name with 代/朝/时代 and an optional qualifier (``"清代"``, ``"明代中期"``, ``"清末"``),
    run-together names (``"隋唐"``, ``"春秋战国"``) and one ``至`` range (``"战国至汉"``).

    Raises:
        DomainValueError: code ``PERIOD_UNKNOWN`` when the name is not recognised.
    """
    resolved = _resolve(name)
    if resolved is None:
        raise DomainValueError("PERIOD_UNKNOWN", f"unknown period name: {name!r}", field="period")
    return PeriodMatch(name.strip(), resolved.periods, resolved.start, resolved.end)


def find_period(name: str) -> PeriodMatch | None:
    """Like :func:`lookup_period` but returns ``None`` for an unknown name."""
    resolved = _resolve(name)
    if resolved is None:
        return None
    return PeriodMatch(name.strip(), resolved.periods, resolved.start, resolved.end)


def with_ancestors(periods: tuple[Period, ...]) -> tuple[Period, ...]:
    """Add the enclosing periods (北魏 → 南北朝), e.g. to index facets that match parents."""
    out: list[Period] = []
    for p in periods:
        q: Period | None = p
        while q is not None:
            out.append(q)
            q = q.parent
    return chronological(out)
