"""Tests for name normalisation and pinyin keys."""

import pytest

from heritage.domain.names import (
    PHRASE_OVERRIDES,
    VARIANTS,
    PinyinKeys,
    forget_remembered_names,
    normalise_han,
    pinyin_full,
    pinyin_initials,
    pinyin_keys,
    pinyin_syllables,
)
from tests.support.national_sites import national_site_rows


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("眉山報恩寺", "眉山报恩寺"),
        ("屏山楞嚴寺", "屏山楞严寺"),
        ("龍門石窟", "龙门石窟"),
        ("龙门石窟造象", "龙门石窟造像"),
        ("某某旧阯", "某某旧址"),
        ("覚華島", "觉华岛"),
        ("廻龙塔", "回龙塔"),
        ("毘山遗址", "毗山遗址"),
        ("䌽衣堂", "彩衣堂"),
        ("马可・波罗广场建筑群", "马可·波罗广场建筑群"),
        ("巍霸山城（含清泉寺）", "巍霸山城(含清泉寺)"),
        ("　平遥 古城 ", "平遥古城"),
        ("ＡＢＣ１２３", "ABC123"),
        ("-{A|zh:巄;zh-hant:巄;zh-hans:\U000316d3}-图山城址", "巄图山城址"),
        ("-{苏州}-园林", "苏州园林"),
        ("㹧&#x31b92;湖避塘", "㹧\U00031b92湖避塘"),
    ],
)
def test_normalise_han(raw: str, expected: str) -> None:
    assert normalise_han(raw) == expected


@pytest.mark.parametrize(
    "name", ["乾明寺塔", "乾州文庙", "乾陵", "毕昇墓", "日昇昌旧址", "赵孟頫墓"]
)
def test_characters_standard_in_names_are_kept(name: str) -> None:
    # OpenCC alone would write 干明寺塔, 毕升墓, 赵孟𫖯墓
    assert normalise_han(name) == name


def test_normalise_is_idempotent_and_empty_safe() -> None:
    assert normalise_han("") == ""
    once = normalise_han("眉山報恩寺　造象")
    assert normalise_han(once) == once


def test_variant_table_targets_are_simplified() -> None:
    for target in VARIANTS.values():
        assert normalise_han(target) == target


@pytest.mark.parametrize(
    ("name", "syllables"),
    [
        ("平遥古城", ["ping", "yao", "gu", "cheng"]),
        ("重庆", ["chong", "qing"]),
        ("单县", ["shan", "xian"]),
        ("曾侯乙墓", ["zeng", "hou", "yi", "mu"]),
        ("洪洞大槐树", ["hong", "tong", "da", "huai", "shu"]),
        ("乾明寺塔", ["qian", "ming", "si", "ta"]),
        ("眉山報恩寺", ["mei", "shan", "bao", "en", "si"]),
        ("绿", ["lv"]),
        ("798艺术区", ["798", "yi", "shu", "qu"]),
        ("ABC路1号", ["abc", "lu", "1", "hao"]),
        ("马可·波罗", ["ma", "ke", "bo", "luo"]),
        ("", []),
        ("·—（）", []),
    ],
)
def test_pinyin_syllables(name: str, syllables: list[str]) -> None:
    assert pinyin_syllables(name) == syllables


def test_full_and_initials() -> None:
    assert pinyin_full("平遥古城") == "pingyaogucheng"
    assert pinyin_initials("平遥古城") == "pygc"
    assert pinyin_initials("798艺术区") == "798ysq"
    assert pinyin_initials("ABC路") == "abcl"


def test_pinyin_keys_agree_with_the_single_functions() -> None:
    keys = pinyin_keys("眉山報恩寺")
    assert keys == PinyinKeys(
        normalised="眉山报恩寺",
        syllables=("mei", "shan", "bao", "en", "si"),
        full="meishanbaoensi",
        initials="msbes",
    )


def test_overrides_are_well_formed() -> None:
    for phrase, syllables in PHRASE_OVERRIDES.items():
        assert len(phrase) == len(syllables), phrase
        assert all(s.isascii() and s.isalpha() and s.islower() for s in syllables)


def test_all_real_names_are_keyed_alike_with_and_without_remembered_words() -> None:
    # given every real name keyed once, so their words and names are remembered
    names = [row["name"] for row in national_site_rows()]
    remembered = [pinyin_keys(n) for n in names]

    # when keyed again from nothing, as a new process does
    forget_remembered_names()
    fresh = [pinyin_keys(n) for n in names]

    # then every name has a normalised form and an ASCII pinyin key, the same both ways
    assert len(fresh) == 5109
    assert all(k.full and k.full.isascii() and k.normalised for k in fresh)
    assert fresh == remembered


def test_remembered_readings_cannot_be_changed_by_a_caller() -> None:
    syllables = pinyin_syllables("古建筑群")
    syllables.append("x")
    syllables[0] = "y"

    assert pinyin_syllables("古建筑群") == ["gu", "jian", "zhu", "qun"]
