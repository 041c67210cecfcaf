"""Tests for 国保 numbers and document numbers."""

import pytest

from heritage.domain.errors import DomainValueError
from heritage.domain.official_codes import (
    DOC_NUMBER_PATTERN,
    DocNumber,
    NationalCode,
    normalise_doc_number,
    parse_doc_number,
    parse_national_code,
    validate_national_code,
)
from tests.support.national_sites import national_site_rows


def test_parse_full_code() -> None:
    # when
    code = parse_national_code("7-0708-3-006")

    # then
    assert code == NationalCode(batch=7, running=708, category_digit=3, category_running=6)
    assert code.full == "7-0708-3-006"
    assert code.short == "7-708"
    assert str(code) == "7-0708-3-006"


def test_parse_short_code() -> None:
    # when
    code = parse_national_code("5-205")

    # then
    assert code == NationalCode(5, 205)
    assert code.full is None
    assert code.short == "5-205"
    assert str(code) == "5-205"


def test_full_and_short_forms_share_a_key() -> None:
    assert parse_national_code("1-0071-3-024").key == parse_national_code("1-71").key


def test_tolerates_width_dash_and_space_variants() -> None:
    assert parse_national_code(" ７－0708—3–006 ").full == "7-0708-3-006"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "7",
        "0-0708-3-006",
        "7-708-3-006",
        "7-0708-7-006",
        "7-0708-0-006",
        "7-0708-3-06",
        "7-0708-3-000",
        "7-0",
        "7-12345",
        "10-1",
        "A-0708-3-006",
        "7_0708_3_006",
    ],
)
def test_bad_codes_raise_format_error(text: str) -> None:
    with pytest.raises(DomainValueError) as info:
        parse_national_code(text)
    assert info.value.code == "NATIONAL_CODE_FORMAT"
    assert info.value.field == "official_code"


def test_validate_checks_category_digit() -> None:
    # given a 古建筑 number
    code = "1-0071-3-024"

    # then it matches category 3, given as int or str, and no category skips the check
    assert validate_national_code(code, 3).category_digit == 3
    assert validate_national_code(code, "3").running == 71
    assert validate_national_code(code, None).batch == 1
    # and a short code cannot be checked, so it passes
    assert validate_national_code("1-71", 5).category_digit is None

    with pytest.raises(DomainValueError) as info:
        validate_national_code(code, 1)
    assert info.value.code == "NATIONAL_CODE_CATEGORY_MISMATCH"
    assert "古建筑" in info.value.message


@pytest.mark.parametrize("category", [0, 7, "x", ""])
def test_validate_refuses_bad_category(category: int | str) -> None:
    with pytest.raises(DomainValueError) as info:
        validate_national_code("1-0071-3-024", category)
    assert info.value.code == "NATIONAL_CODE_FORMAT"


def test_every_real_number_validates_against_its_category() -> None:
    # given
    rows = list(national_site_rows())

    # when
    codes: list[NationalCode] = []
    failures: list[str] = []
    for r in rows:
        try:
            code = validate_national_code(r["number"], r["category_code"])
        except DomainValueError as err:
            failures.append(err.code)
            continue
        assert code.batch == r["batch"]
        codes.append(code)
    merged = failures.count("NATIONAL_CODE_MERGED_ITEM")

    # then: all numbers are valid; the 50 sites merged in batch 8 carry the placeholder
    assert merged == len(failures) == 50
    assert len({c.full for c in codes}) == 5059
    assert {c.batch for c in codes} == set(range(1, 9))


def test_merged_item_placeholder_has_its_own_code() -> None:
    with pytest.raises(DomainValueError) as info:
        parse_national_code("8-0000-3-001")
    assert info.value.code == "NATIONAL_CODE_MERGED_ITEM"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("国发[2019]22号", "国发〔2019〕22号"),
        ("国发〔2019〕22号", "国发〔2019〕22号"),
        ("国发（2019）22号", "国发〔2019〕22号"),
        ("国发(2019)22号", "国发〔2019〕22号"),
        ("国发【2019】22号", "国发〔2019〕22号"),
        ("国发［2019］22号", "国发〔2019〕22号"),
        ("国发﹝2019﹞22号", "国发〔2019〕22号"),
        (" 建办村函 〔2020〕 227 号", "建办村函〔2020〕227号"),
        ("建村〔２０１２〕１８９号", "建村〔2012〕189号"),
        ("国函〔2024〕第189号", "国函〔2024〕189号"),
        ("国发〔1988〕05号", "国发〔1988〕5号"),
    ],
)
def test_normalise_doc_number(raw: str, expected: str) -> None:
    # when
    result = normalise_doc_number(raw)

    # then
    assert result == expected
    assert DOC_NUMBER_PATTERN.match(result)


def test_parse_doc_number_parts() -> None:
    assert parse_doc_number("国发[2019]22号") == DocNumber("国发", 2019, 22)
    assert str(DocNumber("国函", 2015, 93)) == "国函〔2015〕93号"


@pytest.mark.parametrize(
    "raw",
    ["", "国发2019年22号", "国文习字40号", "〔2019〕22号", "国发〔19〕22号", "国发〔2019〕号",
     "国发〔2019〕22", "国发〔2019〕0号", "国发〔2019〕22号文"],
)  # fmt: skip
def test_bad_doc_numbers_raise(raw: str) -> None:
    with pytest.raises(DomainValueError) as info:
        normalise_doc_number(raw)
    assert info.value.code == "DOC_NUMBER_FORMAT"
    assert info.value.field == "doc_no"
