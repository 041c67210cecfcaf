"""Name normalisation and pinyin keys for search.

:func:`normalise_han` gives one canonical written form of a heritage name, so that the index
and the query agree however the name was typed or compiled:

1. HTML character references are decoded (``&#x31b92;``) and MediaWiki language-conversion
   markup left in compiled lists (``-{A|zh:巄;zh-hant:巄;zh-hans:𱛓}-``) is replaced by its
   generic ``zh`` form, the character people actually type;
2. NFKC folds full-width letters, digits and punctuation to ASCII and compatibility
   ideographs to their unified forms;
3. traditional characters become simplified (OpenCC ``t2s``), except characters that the
   standard simplified script keeps in names (:data:`KEEP_TRADITIONAL`: ``乾`` of 乾陵 is not
   ``干``, ``昇`` of 毕昇, ``頫`` of 赵孟頫);
4. variant forms that OpenCC leaves alone (:data:`VARIANTS`: ``造象``→``造像``, ``阯``→``址``,
   Japanese ``覚``→``觉`` …) are replaced, and middle-dot variants become ``·``;
5. all whitespace is removed.

:func:`pinyin_syllables`, :func:`pinyin_full` and :func:`pinyin_initials` read the normalised
name with pypinyin's phrase dictionary (so 重庆 is chongqing and 银行 yinhang), corrected by
:data:`PHRASE_OVERRIDES` for place and person names that it reads wrongly (单县 is shanxian,
曾侯乙 zenghouyi). ASCII letters and digits are kept (lower-cased); other symbols are dropped.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from opencc import OpenCC
from pypinyin import Style
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin

__all__ = [
    "KEEP_TRADITIONAL",
    "PHRASE_OVERRIDES",
    "VARIANTS",
    "PinyinKeys",
    "forget_remembered_names",
    "normalise_han",
    "pinyin_full",
    "pinyin_initials",
    "pinyin_keys",
    "pinyin_syllables",
]

#: Characters OpenCC's t2s would change, but that are the standard form in these names.
KEEP_TRADITIONAL = frozenset("乾昇頫")

#: Variant spellings found in official notices and compiled lists → the standard form.
#: Whole words are used where the single character is also a normal character elsewhere.
VARIANTS: dict[str, str] = {
    "造象": "造像",  # old spelling in names of Buddhist images (龙门石窟造象记)
    "阯": "址",  # 旧阯 = 旧址
    "覚": "觉",  # Japanese form
    "仏": "佛",  # Japanese form
    "廻": "回",  # 廻龙塔
    "毘": "毗",  # 毘卢寺
    "䌽": "彩",  # 䌽衣堂 (常熟)
    "綵": "彩",
    "舘": "馆",
    "菴": "庵",
    "竝": "并",
    "衞": "卫",
    "寳": "宝",
    "塚": "冢",
    "・": "·",
    "‧": "·",
    "•": "·",
    "∙": "·",
    "⋅": "·",
}
_VARIANT_RE = re.compile("|".join(sorted(map(re.escape, VARIANTS), key=len, reverse=True)))

# -{A|zh:巄;zh-hant:巄;zh-hans:𱛓}-  or  -{text}-
_WIKI_CONVERT = re.compile(r"-\{(?:[A-Za-z]+\|)?([^{}]*)\}-")
_WIKI_PREFERENCE = ("zh", "zh-hans", "zh-cn", "zh-hant")


def _wiki_choice(match: re.Match[str]) -> str:
    body = match.group(1)
    if ":" not in body:
        return body
    variants: dict[str, str] = {}
    for part in body.split(";"):
        lang, sep, text = part.partition(":")
        if sep:
            variants[lang.strip()] = text.strip()
    for lang in _WIKI_PREFERENCE:
        if lang in variants:
            return variants[lang]
    return next(iter(variants.values()), "")


@functools.cache
def _t2s() -> OpenCC:
    # Building the converter reads its dictionaries; do it once.
    return OpenCC("t2s")


def _to_simplified(text: str) -> str:
    converted: str = _t2s().convert(text)
    if len(converted) != len(text) or KEEP_TRADITIONAL.isdisjoint(text):
        return converted
    return "".join(
        src if src in KEEP_TRADITIONAL else dst for src, dst in zip(text, converted, strict=True)
    )


# Pure: pinyin_keys and the search index normalise each name more than once, and a query's
# terms come back, so remember recent results.
@functools.lru_cache(maxsize=8192)
def normalise_han(text: str) -> str:
    """Canonical written form of a name for indexing and matching (see the module docstring).

    >>> normalise_han("眉山報恩寺　")
    '眉山报恩寺'
    """
    out = html.unescape(text)
    out = _WIKI_CONVERT.sub(_wiki_choice, out)
    out = unicodedata.normalize("NFKC", out)
    out = _to_simplified(out)
    out = _VARIANT_RE.sub(lambda m: VARIANTS[m.group(0)], out)
    return re.sub(r"\s+", "", out)


#: Readings pypinyin gets wrong in heritage names (place names and surnames), checked against
#: standard gazetteer readings. Keys are matched longest first, before pypinyin sees the rest.
PHRASE_OVERRIDES: dict[str, tuple[str, ...]] = {
    "单县": ("shan", "xian"),
    "单父": ("shan", "fu"),
    "单于": ("chan", "yu"),
    "长治": ("chang", "zhi"),
    "天长": ("tian", "chang"),
    "洪洞": ("hong", "tong"),
    "涡阳": ("guo", "yang"),
    "解州": ("xie", "zhou"),
    "解县": ("xie", "xian"),
    "会稽": ("kuai", "ji"),
    "繁峙": ("fan", "shi"),
    "栎阳": ("yue", "yang"),
    "柏林寺": ("bai", "lin", "si"),
    "查济": ("zha", "ji"),
    "给孤": ("ji", "gu"),
    "曾侯": ("zeng", "hou"),
    "曾国藩": ("zeng", "guo", "fan"),
    "曾家": ("zeng", "jia"),
    "曾氏": ("zeng", "shi"),
    "曾子": ("zeng", "zi"),
    "曾公": ("zeng", "gong"),
}
_OVERRIDE_RE = re.compile("|".join(sorted(PHRASE_OVERRIDES, key=len, reverse=True)))
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def _tokens_of(segment: str) -> list[tuple[str, bool]]:
    """(token, is_pinyin) pairs for a segment without overrides."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _ASCII_WORD.finditer(segment):
        out.extend(_han_tokens(segment[pos : m.start()]))
        out.append((m.group(0).lower(), False))
        pos = m.end()
    out.extend(_han_tokens(segment[pos:]))
    return out


class _WordReadings:
    """The readings of each word pypinyin cuts a name into, remembered.

    pypinyin splits a name into words and converts each one on its own, so a word's readings
    never depend on its neighbours; names are made of few words (遗址, 古建筑群, 寺, 塔 …)
    that come back in name after name. Converting them, and pypinyin's own handling of the
    lists it returns, were over half the cost of a name's keys; a reindex reads every name
    once, so only a memo of words helps it. Readings come from pypinyin's dictionaries,
    which the registry never changes; they are kept as tuples, so no caller can alter them.
    """

    #: Distinct words remembered (a few hundred kB); later words are converted every time.
    LIMIT = 50_000

    def __init__(self) -> None:
        self._pinyin = Pinyin()
        self._converter = DefaultConverter()
        self._known: dict[str, tuple[str, ...]] = {}

    def of_run(self, run: str) -> list[str]:
        """Syllables of a run of text without ASCII words, in order (as ``lazy_pinyin``)."""
        out: list[str] = []
        for word in self._pinyin.seg(run):
            known = self._known.get(word)
            if known is None:
                known = self._read(word)
                if len(self._known) < self.LIMIT:
                    self._known[word] = known
            out.extend(known)
        return out

    def _read(self, word: str) -> tuple[str, ...]:
        # What lazy_pinyin does for each word; pypinyin returns characters it cannot read
        # (symbols, very rare Han) unchanged: drop them.
        readings = self._converter.convert(word, Style.NORMAL, False, "default", strict=True)
        return tuple(
            reading
            for options in readings
            for reading in options
            if reading.isascii() and reading.isalpha()
        )

    def forget(self) -> None:
        """Drop every remembered word."""
        self._known.clear()


_READINGS = _WordReadings()


def _han_tokens(run: str) -> list[tuple[str, bool]]:
    if not run:
        return []
    return [(syllable, True) for syllable in _READINGS.of_run(run)]


@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[tuple[str, bool], ...]:
    name = normalise_han(text)
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _OVERRIDE_RE.finditer(name):
        out.extend(_tokens_of(name[pos : m.start()]))
        out.extend((s, True) for s in PHRASE_OVERRIDES[m.group(0)])
        pos = m.end()
    out.extend(_tokens_of(name[pos:]))
    return tuple(out)


def pinyin_syllables(text: str) -> list[str]:
    """Pinyin syllables without tones, plus ASCII words: ``平遥古城`` → ping yao gu cheng.

    The text is normalised first (:func:`normalise_han`). ``ü`` is written ``v`` (``lv``),
    as in pinyin input methods. Han characters without a reading are dropped.
    """
    return [token for token, _ in _tokens(text)]


def pinyin_full(text: str) -> str:
    """All syllables run together: ``平遥古城`` → ``pingyaogucheng``."""
    return "".join(pinyin_syllables(text))


def pinyin_initials(text: str) -> str:
    """First letters of the syllables, ASCII words kept whole: ``平遥古城`` → ``pygc``.

    ``798艺术区`` → ``798ysq``.
    """
    return "".join(token[0] if is_pinyin else token for token, is_pinyin in _tokens(text))


def forget_remembered_names() -> None:
    """Forget every name and word remembered so far, as a new process starts with none.

    For measurements that repeat work a command does once per process (a reindex).
    """
    normalise_han.cache_clear()
    _tokens.cache_clear()
    _READINGS.forget()


@dataclass(frozen=True, slots=True)
class PinyinKeys:
    """All search keys of one name, computed in one pass.

    Attributes:
        normalised: :func:`normalise_han` of the name.
        syllables: :func:`pinyin_syllables`.
        full: :func:`pinyin_full`.
        initials: :func:`pinyin_initials`.
    """

    normalised: str
    syllables: tuple[str, ...]
    full: str
    initials: str


def pinyin_keys(text: str) -> PinyinKeys:
    """Normalised name and its pinyin forms, for indexing a name once."""
    tokens = _tokens(text)
    return PinyinKeys(
        normalise_han(text),
        tuple(t for t, _ in tokens),
        "".join(t for t, _ in tokens),
        "".join(t[0] if is_pinyin else t for t, is_pinyin in tokens),
    )
