"""Tests for free-text dating, including the eras of the national key-site list."""

import datetime as dt
from collections import Counter

import pytest

from heritage.domain.dating import Dating, parse_dating, try_parse_dating, validate_era_range
from heritage.domain.errors import DomainValueError
from heritage.domain.periods import Period
from tests.support.national_sites import national_site_rows

P = Period


def _eras() -> list[str]:
    return [row["era"] for row in national_site_rows()]


@pytest.mark.parametrize(
    ("raw", "start", "end", "periods"),
    [
        ("清", 1644, 1911, (P.QING,)),
        ("明", 1368, 1644, (P.MING,)),
        ("明至清", 1368, 1911, (P.MING, P.QING)),
        ("明清", 1368, 1911, (P.MING, P.QING)),
        ("明、清", 1368, 1911, (P.MING, P.QING)),
        ("清至民国", 1644, 1949, (P.QING, P.ROC)),
        ("1841年", 1841, 1841, (P.QING,)),
        ("北魏", 386, 534, (P.N_WEI,)),
        ("新石器时代", -10_000, -2_000, (P.NEOLITHIC,)),
        ("唐至明", 618, 1644, (P.TANG, P.FIVE_DYN, P.N_SONG, P.S_SONG, P.YUAN, P.MING)),
        ("宋、元、明、清", 960, 1911, (P.N_SONG, P.S_SONG, P.YUAN, P.MING, P.QING)),
        ("1937年", 1937, 1937, (P.ROC,)),
        ("清代", 1644, 1911, (P.QING,)),
        ("清末", 1840, 1911, (P.QING,)),
        ("民国", 1912, 1949, (P.ROC,)),
        ("东汉至三国", 25, 280, (P.E_HAN, P.THREE_KINGDOMS)),
        ("商周", -1600, -256, (P.SHANG, P.W_ZHOU, P.E_ZHOU)),
        ("战国至汉", -475, 220, (P.WARRING_STATES, P.QIN, P.W_HAN, P.XIN, P.E_HAN)),
        ("公元前221年", -221, -221, (P.WARRING_STATES, P.QIN)),
        ("前3世纪", -300, -201, (P.WARRING_STATES, P.QIN, P.W_HAN)),
        ("七世纪", 601, 700, (P.SUI, P.TANG)),
        ("13世纪至18世纪", 1201, 1800, (P.S_SONG, P.YUAN, P.MING, P.QING)),
        ("20世纪50年代", 1950, 1959, (P.PRC,)),
        ("清至1994年", 1644, 1994, (P.QING, P.ROC, P.PRC)),
        ("元至民國", 1271, 1949, (P.YUAN, P.MING, P.QING, P.ROC)),
        ("清末民初", 1840, 1927, (P.QING, P.ROC)),
        ("高句丽", -37, 668, (P.GOGURYEO,)),
        ("南诏、大理", 738, 1253, (P.NANZHAO, P.DALI)),
    ],
)
def test_parses_forms_seen_in_official_lists(
    raw: str, start: int, end: int | None, periods: tuple[Period, ...]
) -> None:
    # when
    dating = parse_dating(raw)

    # then
    assert dating == Dating(raw, start, end, periods)


@pytest.mark.parametrize(
    "raw",
    ["1860—1863年", "1860–1863年", "1860-1863年", "1860～1863年", "1860至1863年",
     "1860年至1863年", "1860年～1863年", "1860－1863年", "１８６０—１８６３年"],
)  # fmt: skip
def test_year_ranges_with_any_dash(raw: str) -> None:
    dating = parse_dating(raw)
    assert (dating.start_year, dating.end_year, dating.periods) == (1860, 1863, (P.QING,))


def test_bce_year_range() -> None:
    # when
    dating = parse_dating("公元前2000年~公元前1500年")

    # then
    assert (dating.start_year, dating.end_year) == (-2000, -1500)
    assert dating.periods == (P.NEOLITHIC, P.XIA, P.SHANG)


def test_open_end_to_the_present() -> None:
    # when
    dating = parse_dating("唐至今")

    # then
    assert dating.start_year == 618
    assert dating.end_year is None
    assert dating.periods[0] is P.TANG
    assert dating.periods[-1] is P.PRC


def test_prc_is_open_ended() -> None:
    assert parse_dating("中华人民共和国").end_year is None


def test_approximate_markers() -> None:
    assert parse_dating("约十世纪").approximate
    assert parse_dating("1900年左右").approximate
    assert not parse_dating("十世纪").approximate
    assert parse_dating("约十世纪").start_year == 901


def test_year_list_and_building_note() -> None:
    assert (parse_dating("1971年、1952年").start_year, parse_dating("1971年、1952年").end_year) == (
        1952,
        1971,
    )
    assert parse_dating("1954年迁建").start_year == 1954


def test_century_parts() -> None:
    assert (parse_dating("19世纪末").start_year, parse_dating("19世纪末").end_year) == (1867, 1900)
    assert parse_dating("十九世纪初").end_year == 1833
    assert parse_dating("公元前3世纪").start_year == -300


def test_raw_is_kept_verbatim() -> None:
    assert parse_dating(" 明 清 ").raw == " 明 清 "


UNREADABLE = [
    "",
    "   ",
    "离",
    "唐王清",
    "宋、元、胡",
    "新时器时代至周",
    "明、",
    "至清",
    "清至",
    "abc",
]


@pytest.mark.parametrize("raw", [*UNREADABLE, "〇世纪"])
def test_unreadable_text_raises_unparseable(raw: str) -> None:
    with pytest.raises(DomainValueError) as info:
        parse_dating(raw)
    assert info.value.code == "DATING_UNPARSEABLE"
    assert info.value.field == "era"
    assert try_parse_dating(raw) is None


@pytest.mark.parametrize("raw", ["远古", "传说时代", "明以前", "年代不详"])
def test_vague_text_raises_indeterminate(raw: str) -> None:
    with pytest.raises(DomainValueError) as info:
        parse_dating(raw)
    assert info.value.code == "DATING_INDETERMINATE"


def test_reversed_and_future_ranges_are_refused() -> None:
    with pytest.raises(DomainValueError) as info:
        parse_dating("清至明")
    assert info.value.code == "ERA_RANGE_REVERSED"
    with pytest.raises(DomainValueError) as info:
        parse_dating("1990至1980年")
    assert info.value.code == "ERA_RANGE_REVERSED"
    with pytest.raises(DomainValueError) as info:
        parse_dating("3000年")
    assert info.value.code == "ERA_IN_FUTURE"
    with pytest.raises(DomainValueError) as info:
        parse_dating("二十五世纪")
    assert info.value.code == "ERA_IN_FUTURE"


def test_try_parse_accepts_none() -> None:
    assert try_parse_dating(None) is None
    assert try_parse_dating("明") == parse_dating("明")


def test_validate_era_range() -> None:
    today = dt.date(2025, 6, 1)
    validate_era_range(-221, 1911, today=today)
    validate_era_range(1949, None, today=today)
    validate_era_range(2025, 2025, today=today)
    for start, end, code in [
        (1911, 1644, "ERA_RANGE_REVERSED"),
        (0, 10, "ERA_YEAR_ZERO"),
        (-10, 0, "ERA_YEAR_ZERO"),
        (2020, 2026, "ERA_IN_FUTURE"),
        (2026, None, "ERA_IN_FUTURE"),
    ]:
        with pytest.raises(DomainValueError) as info:
            validate_era_range(start, end, today=today)
        assert info.value.code == code, (start, end)


def test_real_file_parse_rate_and_known_failures() -> None:
    # given
    eras = _eras()

    # when
    failures: Counter[str] = Counter()
    for era in eras:
        try:
            parse_dating(era)
        except DomainValueError as err:
            failures[err.code] += 1

    # then: 5,101 of 5,109 parse; the rest are typos or deliberately vague wording
    assert len(eras) == 5109
    assert sum(failures.values()) == 8
    assert failures == Counter({"DATING_UNPARSEABLE": 4, "DATING_INDETERMINATE": 4})


def test_most_common_real_values() -> None:
    # given
    common = Counter(_eras()).most_common(40)

    # then every frequent form parses and stays inside its periods' span
    for era, _ in common:
        dating = parse_dating(era)
        assert dating.periods, era
        assert dating.start_year <= (dating.end_year or 9999)
