"""Tests for the Period vocabulary and period-name lookup."""

import pytest

from heritage.domain.errors import DomainValueError
from heritage.domain.periods import (
    ALIASES,
    Period,
    backbone,
    chronological,
    find_period,
    lookup_period,
    periods_between,
    periods_within,
    with_ancestors,
)


def test_every_period_has_label_and_sane_range() -> None:
    for p in Period:
        assert p.label_zh
        assert p.start_year != 0
        assert p.end_year is None or p.start_year <= p.end_year, p


def test_only_prc_is_open_ended() -> None:
    assert [p for p in Period if p.end_year is None] == [Period.PRC]


def test_values_are_stable_storage_codes() -> None:
    assert Period.QING == "QING"
    assert Period("E_JIN_16K") is Period.E_JIN_16K


def test_domain_guide_chronology() -> None:
    assert (Period.SHANG.start_year, Period.SHANG.end_year) == (-1600, -1046)
    assert (Period.W_HAN.start_year, Period.W_HAN.end_year) == (-202, 8)
    assert (Period.TANG.start_year, Period.TANG.end_year) == (618, 907)
    assert (Period.QING.start_year, Period.QING.end_year) == (1644, 1911)
    assert Period.ROC.label_zh == "中华民国"


def test_backbone_is_chronological_and_has_no_parallel_regimes() -> None:
    # given
    seq = backbone()

    # then
    assert list(seq) == sorted(seq, key=lambda p: p.start_year)
    assert Period.LIAO not in seq
    assert not any(p.regional for p in seq)


def test_sub_periods_have_parents() -> None:
    assert Period.N_WEI.parent is Period.N_S_DYNASTIES
    assert Period.SPRING_AUTUMN.parent is Period.E_ZHOU
    assert Period.CAO_WEI.parent is Period.THREE_KINGDOMS
    assert Period.TANG.parent is None
    assert Period.BOHAI.regional


@pytest.mark.parametrize(
    ("name", "periods", "start", "end"),
    [
        ("汉", (Period.W_HAN, Period.E_HAN), -202, 220),
        ("宋", (Period.N_SONG, Period.S_SONG), 960, 1279),
        ("北魏", (Period.N_WEI,), 386, 534),
        ("东魏", (Period.E_WEI,), 534, 550),
        ("西魏", (Period.W_WEI,), 535, 557),
        ("北齐", (Period.N_QI,), 550, 577),
        ("北周", (Period.N_ZHOU,), 557, 581),
        ("刘宋", (Period.LIU_SONG,), 420, 479),
        ("齐", (Period.S_QI,), 479, 502),
        ("梁", (Period.S_LIANG,), 502, 557),
        ("陈", (Period.S_CHEN,), 557, 589),
        ("隋唐", (Period.SUI, Period.TANG), 581, 907),
        ("五代", (Period.FIVE_DYN,), 907, 979),
        ("元", (Period.YUAN,), 1271, 1368),
        ("民国", (Period.ROC,), 1912, 1949),
        ("新石器时代", (Period.NEOLITHIC,), -10_000, -2_000),
        ("旧石器时代", (Period.PALEOLITHIC,), -3_000_000, -10_000),
        ("春秋战国", (Period.SPRING_AUTUMN, Period.WARRING_STATES), -770, -221),
        ("近现代", (Period.QING, Period.ROC, Period.PRC), 1840, None),
        ("现代", (Period.PRC,), 1949, None),
        ("中华人民共和国", (Period.PRC,), 1949, None),
        ("清代", (Period.QING,), 1644, 1911),
        ("清末", (Period.QING,), 1840, 1911),
        ("殷", (Period.SHANG,), -1600, -1046),
        ("北朝", (Period.N_S_DYNASTIES,), 386, 581),
        ("后周", (Period.FIVE_DYN,), 951, 960),
    ],
)
def test_lookup_aliases(
    name: str, periods: tuple[Period, ...], start: int, end: int | None
) -> None:
    # when
    match = lookup_period(name)

    # then
    assert match.periods == periods
    assert (match.start_year, match.end_year) == (start, end)


def test_lookup_range_fills_periods_in_between() -> None:
    # when
    match = lookup_period("战国至汉")

    # then
    assert match.periods == (
        Period.WARRING_STATES,
        Period.QIN,
        Period.W_HAN,
        Period.XIN,
        Period.E_HAN,
    )
    assert (match.start_year, match.end_year) == (-475, 220)


def test_qualifier_selects_a_third_of_the_period() -> None:
    # when
    early, middle, late = (lookup_period(n) for n in ("明初", "明代中期", "明晚期"))

    # then
    assert early.start_year == 1368
    assert early.end_year == middle.start_year
    assert middle.end_year == late.start_year
    assert late.end_year == 1644


def test_run_together_names_are_segmented() -> None:
    assert lookup_period("东汉三国").periods == (Period.E_HAN, Period.THREE_KINGDOMS)
    assert lookup_period("宋元明清").start_year == 960
    assert lookup_period("五代南汉").periods == (Period.FIVE_DYN,)


@pytest.mark.parametrize("name", ["", "  ", "唐王清", "胡", "至清", "明至", "Tang"])
def test_unknown_names_raise_coded_error(name: str) -> None:
    with pytest.raises(DomainValueError) as info:
        lookup_period(name)
    assert info.value.code == "PERIOD_UNKNOWN"
    assert find_period(name) is None


def test_every_alias_resolves_to_itself() -> None:
    for name in ALIASES:
        assert lookup_period(name).name == name


def test_periods_between_and_within() -> None:
    # a single boundary year belongs to both neighbours
    assert periods_between(1644, 1644) == (Period.MING, Period.QING)
    # a range that only touches a boundary does not pull in the neighbour
    assert Period.SUI not in periods_between(618, 907)
    assert periods_between(2000, None) == (Period.PRC,)
    # within = wholly contained
    assert periods_within(1271, 1949) == (Period.YUAN, Period.MING, Period.QING, Period.ROC)


def test_chronological_and_ancestors() -> None:
    assert chronological([Period.QING, Period.TANG, Period.QING]) == (Period.TANG, Period.QING)
    assert with_ancestors((Period.N_WEI, Period.TANG)) == (
        Period.N_WEI,
        Period.N_S_DYNASTIES,
        Period.TANG,
    )
