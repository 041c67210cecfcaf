"""Tests for division codes and name resolution."""

from collections import Counter

import pytest

from heritage.domain.errors import DomainValueError
from heritage.domain.regions import (
    Region,
    RegionLevel,
    RegionTable,
    ancestors,
    level_of,
    name_of,
    normalise_region_code,
    region_table,
    resolve_name,
    validate_region_code,
)
from tests.support.national_sites import national_site_rows


def test_shipped_table_sizes() -> None:
    # when
    levels = Counter(r.level for r in region_table())

    # then the 2023 tables are complete
    assert levels == {
        RegionLevel.PROVINCE: 31,
        RegionLevel.CITY: 342,
        RegionLevel.COUNTY: 2978,
        RegionLevel.TOWNSHIP: 41352,
    }


def test_table_is_loaded_once() -> None:
    assert region_table() is region_table()


@pytest.mark.parametrize(
    ("code", "level", "name"),
    [
        ("11", RegionLevel.PROVINCE, "北京市"),
        ("1101", RegionLevel.CITY, "市辖区"),
        ("110101", RegionLevel.COUNTY, "东城区"),
        ("110101001", RegionLevel.TOWNSHIP, "东华门街道"),
        ("140728", RegionLevel.COUNTY, "平遥县"),
    ],
)
def test_lookup_by_code(code: str, level: RegionLevel, name: str) -> None:
    assert level_of(code) is level
    assert name_of(code) == name
    assert validate_region_code(code) == code


def test_village_code_is_checked_through_its_prefixes() -> None:
    # given a 12-digit village code in 东华门街道
    code = "110101001001"

    # then it is valid, has no shipped name, and its ancestors go down to the township
    assert validate_region_code(code) == code
    assert level_of(code) is RegionLevel.VILLAGE
    assert name_of(code) is None
    assert ancestors(code) == ("11", "1101", "110101", "110101001")


def test_ancestors_and_path() -> None:
    table = region_table()
    assert ancestors("11") == ()
    assert ancestors("110101") == ("11", "1101")
    assert table.path("110101") == ("11", "1101", "110101")
    assert table.full_name("110101001") == "北京市东城区东华门街道"
    assert table.full_name("140728") == "山西省晋中市平遥县"


def test_padded_codes_are_folded() -> None:
    assert normalise_region_code("110000") == "11"
    assert normalise_region_code("110100") == "1101"
    assert normalise_region_code("110101000000") == "110101"
    assert normalise_region_code("110101001000") == "110101001"
    assert normalise_region_code(" 140728 ") == "140728"
    assert validate_region_code("140700") == "1407"


@pytest.mark.parametrize(
    "code", ["", "1", "123", "11010", "1101011", "abcdef", "１１", "001101", "991101", "11-01"]
)
def test_malformed_codes(code: str) -> None:
    with pytest.raises(DomainValueError) as info:
        validate_region_code(code)
    assert info.value.code == "REGION_CODE_FORMAT"
    assert region_table().get(code) is None


@pytest.mark.parametrize("code", ["1199", "110199", "110101999", "110101999001", "71", "810000"])
def test_unknown_codes(code: str) -> None:
    with pytest.raises(DomainValueError) as info:
        validate_region_code(code)
    assert info.value.code == "REGION_CODE_UNKNOWN"
    assert info.value.field == "admin_code"


def test_children() -> None:
    table = region_table()
    assert len(table.children(None)) == 31
    assert [r.name for r in table.children("11")] == ["市辖区"]
    assert "东城区" in {r.name for r in table.children("1101")}
    assert table.children("110101001") == ()


def test_region_properties() -> None:
    assert Region("110101", "东城区", RegionLevel.COUNTY).parent_code == "1101"
    assert Region("11", "北京市", RegionLevel.PROVINCE).parent_code is None
    assert Region("1101", "市辖区", RegionLevel.CITY).is_pseudo
    assert not Region("1407", "晋中市", RegionLevel.CITY).is_pseudo
    assert RegionLevel.TOWNSHIP.code_length == 9


@pytest.mark.parametrize(
    ("province", "city", "district", "code"),
    [
        ("北京市", "北京市", "东城区", "110101"),
        ("北京市", None, None, "11"),
        ("山西省", "晋中市", "平遥县", "140728"),
        ("山西省", "平遥", None, "140728"),
        ("山西省", "平遥县", None, "140728"),
        ("山西省", None, "平遥", "140728"),
        ("河南省", "济源市", "济源市", "419001"),
        ("湖北省", "武汉市江岸区", None, "420102"),
        ("陕西省", "商洛市商州", None, "611002"),
        ("河南省", "登封县", None, "410185"),
        ("云南省", "巍山彝族回族自治县", None, "532927"),
        ("辽宁省", "朝阳市", "朝阳县", "211321"),
        ("广东省", "东莞市", "东莞市", "441900"),
        ("广西僮族自治区", None, None, "45"),
        ("江西省", "宁冈县", None, "360881"),
        ("湖北省", "襄樊市", None, "4206"),
        ("贵州省", "遵义市遵义县", None, "520304"),
    ],
)
def test_resolve_names_found_in_the_national_list(
    province: str, city: str | None, district: str | None, code: str
) -> None:
    assert resolve_name(province, city, district) == code


def test_old_province_is_flagged_as_mismatch() -> None:
    # given a site announced as 四川省重庆市 (before 1997)
    match = region_table().resolve("四川省", "重庆市", "巫山县")

    # then it resolves to today's 重庆市巫山县, with the mismatch flagged
    assert match.code == "500237"
    assert match.province_mismatch
    assert not match.exact


def test_alias_use_is_reported() -> None:
    match = region_table().resolve("江西省", "宁冈县")
    assert match.aliases == ("宁冈县",)
    assert match.name == "井冈山市"


def test_unresolved_parts_are_kept() -> None:
    match = region_table().resolve("重庆市", "重庆市", "两江新区")
    assert match.code == "50"
    assert match.unresolved == ("两江新区",)


def test_nothing_resolves() -> None:
    with pytest.raises(DomainValueError) as info:
        resolve_name("火星", "奥林匹斯", None)
    assert info.value.code == "REGION_NAME_UNKNOWN"
    with pytest.raises(DomainValueError):
        resolve_name(None, None, None)
    with pytest.raises(DomainValueError):
        resolve_name("", " ", "")


def test_ambiguous_name_without_province_is_not_guessed() -> None:
    # 朝阳区 exists in 北京 and in 长春
    with pytest.raises(DomainValueError):
        resolve_name(None, None, "朝阳区")


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("北京市东城区沙滩", "110101"),
        ("广西僮族自治区桂平县金田村", "450881"),
        ("四川省重庆市红岩村及曾家岩", "50"),
        ("四川省涪陵市", "500102"),
        ("江西省宁冈县", "360881"),
        ("天津市蓟县", "120119"),
        ("北京市东城区东华门街道", "110101001"),
        ("北京市朝阳门内大街", "11"),
    ],
)
def test_resolve_address(address: str, code: str) -> None:
    assert region_table().resolve_address(address).code == code


def test_resolve_address_without_names() -> None:
    with pytest.raises(DomainValueError) as info:
        region_table().resolve_address("天安门广场")
    assert info.value.code == "REGION_NAME_UNKNOWN"


def test_aliases_point_to_known_codes() -> None:
    table = region_table()
    assert len(table.aliases) >= 40
    for alias in table.aliases:
        assert table.get(alias.code) is not None, alias
        assert alias.note


def test_table_rejects_alias_to_unknown_code() -> None:
    from heritage.domain.regions import RegionAlias

    with pytest.raises(ValueError, match="unknown code"):
        RegionTable(
            [Region("11", "北京市", RegionLevel.PROVINCE)], [RegionAlias("x", "12", "", "")]
        )


def test_real_rows_resolution_rate() -> None:
    # given
    rows = list(national_site_rows())
    table = region_table()

    # when
    levels = Counter(table.resolve(r["province"], r["city"], r["district"]).level for r in rows)

    # then 99 % reach a county; the rest name only a city or province in the source
    assert levels[RegionLevel.COUNTY] >= 5070
    assert levels[RegionLevel.COUNTY] + levels[RegionLevel.CITY] + levels[
        RegionLevel.PROVINCE
    ] == len(rows)


def test_county_codes_ending_in_00_are_kept() -> None:
    # 东莞市 has no counties; NBS gives it the county-level code 441900
    assert validate_region_code("441900") == "441900"
    assert level_of("441900") is RegionLevel.COUNTY
    assert normalise_region_code("441900") == "4419"
    assert validate_region_code("441900000000") == "441900"
