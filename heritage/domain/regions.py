"""Administrative divisions: code lookup, validation and name resolution.

The table is the NBS 统计用区划代码 2023 shipped in ``heritage/data/divisions`` (see the
README there): provinces (2 digits), prefectures (4), county-level units (6 = GB/T 2260) and
townships (9). Codes are hierarchical prefixes, so ``110101`` lies in ``1101`` in ``11``.
12-digit village codes are accepted when their township and county exist; village names are
not shipped.

Codes padded with zeros, as GB/T 2260 writes higher levels (``110000``, ``110100``) or as
12-digit statistical codes do (``110101000000``), are folded to their short form.

Name resolution (:meth:`RegionTable.resolve`) takes the province / city / district texts of a
heritage record and finds the most specific current unit. It copes with what official lists
contain:

* suffix-free or different suffixes (``平遥`` = ``平遥县``; ``登封县`` = ``登封市``;
  ``临桂县`` = ``临桂区``), by comparing names with their administrative suffix removed;
* a county in the city field (``山西省`` / ``平遥县``) and municipalities whose city level is
  the ``市辖区`` pseudo-unit (``北京市`` / ``北京市`` / ``东城区``);
* city and county run together (``武汉市江岸区``, ``商洛市商州``);
* places listed under their province of the time (``四川省`` / ``重庆市``): when a name is not
  found inside the given province it is looked up nationwide and ``province_mismatch`` is set;
* historical names in ``aliases.csv`` (``广西僮族自治区``, ``宁冈县``, ``襄樊市`` …).

:meth:`RegionTable.resolve_address` does the same for a free-text address such as
``广西僮族自治区桂平县金田村``, matching names from its start.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from heritage.domain.errors import DomainValueError

__all__ = [
    "Region",
    "RegionAlias",
    "RegionLevel",
    "RegionMatch",
    "RegionTable",
    "ancestors",
    "level_of",
    "name_of",
    "normalise_region_code",
    "region_table",
    "resolve_name",
    "validate_region_code",
]


class RegionLevel(StrEnum):
    """Level of an administrative unit; the value is the storage code."""

    PROVINCE = "PROVINCE"
    CITY = "CITY"
    COUNTY = "COUNTY"
    TOWNSHIP = "TOWNSHIP"
    VILLAGE = "VILLAGE"

    @property
    def code_length(self) -> int:
        """Number of digits of a code at this level."""
        return _LENGTHS[self]


_LENGTHS: dict[RegionLevel, int] = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
_LEVEL_BY_LENGTH = {n: level for level, n in _LENGTHS.items()}
_DEPTH = {level: i for i, level in enumerate(RegionLevel)}

#: Province codes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao are valid but not shipped).
_PROVINCE_CODE_TEXT = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82"
)
PROVINCE_CODES = frozenset(_PROVINCE_CODE_TEXT.split())
# Statistical pseudo-units that stand in for a missing prefecture level.
_PSEUDO_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative unit.

    Attributes:
        code: the short code (2, 4, 6 or 9 digits).
        name: official name (``东城区``; municipalities' prefecture level is ``市辖区``).
        level: its level.
    """

    code: str
    name: str
    level: RegionLevel

    @property
    def parent_code(self) -> str | None:
        """Code of the enclosing unit, ``None`` for a province."""
        parent_length = {4: 2, 6: 4, 9: 6, 12: 9}.get(len(self.code))
        return None if parent_length is None else self.code[:parent_length]

    @property
    def is_pseudo(self) -> bool:
        """True for the statistical stand-ins ``市辖区``, ``县`` and ``省直辖县级行政区划``."""
        return self.level is RegionLevel.CITY and self.name in _PSEUDO_NAMES


@dataclass(frozen=True, slots=True)
class RegionAlias:
    """A historical or informal name (row of ``aliases.csv``).

    Attributes:
        name: the old name as written in sources.
        code: current code of the unit that covers the place.
        scope: province or city code inside which the alias applies; ``""`` = nationwide.
        note: what happened.
    """

    name: str
    code: str
    scope: str
    note: str


@dataclass(frozen=True, slots=True)
class RegionMatch:
    """The result of a name resolution.

    Attributes:
        code: most specific code found.
        level: its level.
        name: its official name.
        aliases: historical names (from ``aliases.csv``) used on the way.
        province_mismatch: a name was found outside the province (or city) given before it,
            typical of sites listed under the province of the time (四川省重庆市).
        unresolved: input parts that matched nothing and were skipped.
    """

    code: str
    level: RegionLevel
    name: str
    aliases: tuple[str, ...] = ()
    province_mismatch: bool = False
    unresolved: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        """True when every part resolved without alias, mismatch or leftovers."""
        return not (self.aliases or self.province_mismatch or self.unresolved)


# The 55 minority nationalities, plus 僮 (old name of 壮), for names like 巍山彝族回族自治县.
_ETHNIC_NAMES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 僮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
    "高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 "
    "普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 "
    "赫哲 门巴 珞巴 基诺 各"
)
_ETHNIC = _ETHNIC_NAMES.split()
_ETHNIC_TAIL = re.compile("(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + ")族$")
_AUTONOMOUS = re.compile(r"自治(?:区|州|县|旗)$")
_SUFFIXES = ("特别行政区", "地区", "林区", "矿区", "特区", "省", "市", "区", "县", "旗", "盟")
# Suffixes an old name of a county-level unit may carry (县 → 市 → 区 changes).
_COUNTY_VARIANTS = ("县", "市", "区")


def _stem(name: str) -> str:
    """Name without its administrative suffix: 平遥县 → 平遥, 巍山彝族回族自治县 → 巍山."""
    if _AUTONOMOUS.search(name):
        stem = name[:-3]
        while True:
            shorter = _ETHNIC_TAIL.sub("", stem)
            if shorter == stem:
                break
            stem = shorter
        # 新疆维吾尔自治区 writes the nationality without 族.
        stem = stem.removesuffix("维吾尔")
        return stem or name
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


_ANY_LEVEL = frozenset(RegionLevel)
_COUNTYISH = frozenset({RegionLevel.COUNTY})


def _levels_for_suffix(name: str) -> frozenset[RegionLevel]:
    """Levels a name may denote, judging by its suffix (朝阳区 is never the city 朝阳市)."""
    if name.endswith(("省", "自治区")) and not name.endswith("地区"):
        return frozenset({RegionLevel.PROVINCE})
    if name.endswith(("地区", "盟", "自治州")):
        return frozenset({RegionLevel.CITY})
    if name.endswith("市"):
        return frozenset({RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY})
    if name.endswith(("区", "县", "旗")):
        return _COUNTYISH
    return _ANY_LEVEL


def _keys(name: str) -> set[str]:
    return {name, _stem(name)}


def normalise_region_code(code: str) -> str:
    """Return the short form of a region code, checking only its shape.

    ``"110000"`` → ``"11"``, ``"110100"`` → ``"1101"``, ``"110101000000"`` → ``"110101"``.
    The NBS table has three county-level codes that end in ``00`` (``441900`` 东莞市,
    ``442000`` 中山市, ``460400`` 儋州市, cities without counties); this function folds them,
    while :func:`validate_region_code` keeps a code that exists as written.

    Raises:
        DomainValueError: ``REGION_CODE_FORMAT`` unless the code is 2, 4, 6, 9 or 12 ASCII
            digits starting with a GB/T 2260 province code.
    """
    text = code.strip()
    if not (text.isascii() and text.isdigit()) or len(text) not in _LEVEL_BY_LENGTH:
        raise DomainValueError(
            "REGION_CODE_FORMAT",
            f"region code must be 2, 4, 6, 9 or 12 digits, got {code!r}",
            field="admin_code",
        )
    if text[:2] not in PROVINCE_CODES:
        raise DomainValueError(
            "REGION_CODE_FORMAT",
            f"region code {code!r} does not start with a province code",
            field="admin_code",
        )
    return _folds(text)[-1]


def _folds(code: str) -> list[str]:
    """``code`` and its shorter forms with zero padding removed, longest first."""
    forms = [code]
    while len(code) > 2:
        shorter = {12: 9, 9: 6, 6: 4, 4: 2}[len(code)]
        if code[shorter:].strip("0"):
            break
        code = code[:shorter]
        forms.append(code)
    return forms


class RegionTable:
    """In-memory division table with code lookup and name resolution."""

    def __init__(self, regions: Iterable[Region], aliases: Iterable[RegionAlias] = ()) -> None:
        self._by_code: dict[str, Region] = {}
        self._by_key: dict[str, list[Region]] = defaultdict(list)
        self._by_name: dict[str, list[Region]] = defaultdict(list)
        for region in regions:
            self._by_code[region.code] = region
            if region.is_pseudo:
                continue
            self._by_name[region.name].append(region)
            if region.level is not RegionLevel.TOWNSHIP:
                for key in _keys(region.name):
                    self._by_key[key].append(region)
        self._aliases: dict[str, list[RegionAlias]] = defaultdict(list)
        for alias in aliases:
            if alias.code not in self._by_code:
                raise ValueError(f"alias {alias.name} points to unknown code {alias.code}")
            self._aliases[alias.name].append(alias)
        # County-level old-suffix variants for free text (桂平县 → 桂平市).
        self._variants: dict[str, list[Region]] = defaultdict(list)
        for region in self._by_code.values():
            if region.level is RegionLevel.COUNTY:
                stem = _stem(region.name)
                if len(stem) >= 2:
                    for suffix in _COUNTY_VARIANTS:
                        if stem + suffix != region.name:
                            self._variants[stem + suffix].append(region)
        self._max_name = max(len(n) for n in [*self._by_name, *self._aliases, *self._variants])

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._by_code.values())

    # -- codes -------------------------------------------------------------------------------

    def get(self, code: str) -> Region | None:
        """The unit with this code (any accepted form), ``None`` if unknown or malformed."""
        try:
            return self._by_code.get(self.validate(code))
        except DomainValueError:
            return None

    def validate(self, code: str) -> str:
        """Check a code and return its short form; see :func:`validate_region_code`."""
        folded = normalise_region_code(code)
        # Keep the longest form that exists: 441900 is a county-level code of its own.
        short = next((c for c in _folds(code.strip()) if c in self._by_code), folded)
        if len(short) == _LENGTHS[RegionLevel.VILLAGE]:
            # Villages are not shipped: the township and county must exist.
            known = short[:9] in self._by_code and short[:6] in self._by_code
        else:
            known = short in self._by_code
        if not known:
            extra = (
                " (Hong Kong, Macao and Taiwan are not in the tables)"
                if short[:2]
                in {
                    "71",
                    "81",
                    "82",
                }
                else ""
            )
            raise DomainValueError(
                "REGION_CODE_UNKNOWN",
                f"region code {code!r} is not in the 2023 division tables{extra}",
                field="admin_code",
            )
        return short

    def level_of(self, code: str) -> RegionLevel:
        """Level of a valid code (raises like :meth:`validate`)."""
        return _LEVEL_BY_LENGTH[len(self.validate(code))]

    def name_of(self, code: str) -> str | None:
        """Official name; ``None`` for a village code (village names are not shipped)."""
        short = self.validate(code)
        region = self._by_code.get(short)
        return None if region is None else region.name

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Codes of the enclosing units, province first, without the code itself.

        ``ancestors("110101001")`` == ``("11", "1101", "110101")``.
        """
        short = self.validate(code)
        return tuple(short[:n] for n in (2, 4, 6, 9) if n < len(short))

    def path(self, code: str) -> tuple[str, ...]:
        """:meth:`ancestors` plus the code itself (for prefix/hierarchy indexes)."""
        return (*self.ancestors(code), self.validate(code))

    def full_name(self, code: str) -> str:
        """Names from the province down, without pseudo-units: ``北京市东城区``."""
        parts = []
        for c in self.path(code):
            region = self._by_code.get(c)
            if region is not None and not region.is_pseudo:
                parts.append(region.name)
        return "".join(parts)

    def children(self, code: str | None) -> tuple[Region, ...]:
        """Units directly inside ``code`` (``None`` = provinces), in code order."""
        if code is None:
            return tuple(r for r in self._by_code.values() if r.level is RegionLevel.PROVINCE)
        short = self.validate(code)
        width = {2: 4, 4: 6, 6: 9}.get(len(short))
        if width is None:
            return ()
        return tuple(r for c, r in self._by_code.items() if len(c) == width and c.startswith(short))

    # -- names -------------------------------------------------------------------------------

    def _inside(self, region: Region, scope: Region | None) -> bool:
        return scope is None or (region.code.startswith(scope.code) and region != scope)

    def _alias_applies(self, alias: RegionAlias, scope: Region | None) -> bool:
        if scope is None or not alias.scope:
            return True
        return scope.code.startswith(alias.scope) or alias.scope.startswith(scope.code)

    def _pick(self, found: Iterable[Region]) -> Region | None:
        """The single shallowest candidate; ``None`` when empty or ambiguous."""
        unique = {r.code: r for r in found}
        if not unique:
            return None
        best = min(_DEPTH[r.level] for r in unique.values())
        top = [r for r in unique.values() if _DEPTH[r.level] == best]
        return top[0] if len(top) == 1 else None

    def _whole(self, text: str, scope: Region | None) -> tuple[Region, str | None] | None:
        """Match a whole name inside ``scope``: exact, then alias, then suffix-insensitive."""
        exact = self._pick(
            r
            for r in self._by_name.get(text, ())
            if r.level is not RegionLevel.TOWNSHIP and self._inside(r, scope)
        )
        if exact is not None:
            return exact, None
        aliased = [
            (self._by_code[a.code], a.name)
            for a in self._aliases.get(text, ())
            if self._alias_applies(a, scope) and self._inside(self._by_code[a.code], scope)
        ]
        if len(aliased) == 1:
            return aliased[0]
        levels = _levels_for_suffix(text)
        for key in sorted(_keys(text), key=len, reverse=True):
            loose = self._pick(
                r for r in self._by_key.get(key, ()) if self._inside(r, scope) and r.level in levels
            )
            if loose is not None:
                return loose, None
        return None

    def _token(self, text: str, scope: Region | None) -> tuple[list[Region], list[str]] | None:
        """Match one field, possibly several names run together (武汉市江岸区)."""
        whole = self._whole(text, scope)
        if whole is not None:
            return [whole[0]], [whole[1]] if whole[1] else []
        for i in range(len(text) - 1, 1, -1):
            head = self._whole(text[:i], scope)
            if head is None:
                continue
            tail = self._token(text[i:], head[0])
            if tail is not None:
                aliases = ([head[1]] if head[1] else []) + tail[1]
                return [head[0], *tail[0]], aliases
        return None

    def _same_place(self, text: str, scope: Region | None) -> bool:
        """True when ``text`` names ``scope`` itself (北京市 / 北京市 / 东城区)."""
        if scope is None:
            return False
        if _keys(text) & _keys(scope.name):
            return True
        return any(a.code == scope.code for a in self._aliases.get(text, ()))

    def resolve(
        self, province: str | None, city: str | None = None, district: str | None = None
    ) -> RegionMatch:
        """Resolve the location fields of a record to the most specific current unit.

        Raises:
            DomainValueError: ``REGION_NAME_UNKNOWN`` when no part resolves at all.
        """
        scope: Region | None = None
        aliases: list[str] = []
        unresolved: list[str] = []
        mismatch = False
        for raw in (province, city, district):
            text = re.sub(r"\s+", "", raw or "")
            if not text:
                continue
            found = self._token(text, scope)
            if found is None and self._same_place(text, scope):
                # 北京市 / 北京市, 东莞市 / 东莞市: the field repeats where we already are.
                continue
            if found is None and scope is not None:
                found = self._token(text, None)
                if found is not None:
                    if scope.code.startswith(found[0][-1].code):
                        # A coarser name of where we already are: nothing to learn.
                        continue
                    mismatch = True
            if found is None:
                unresolved.append(text)
                continue
            scope = found[0][-1]
            aliases.extend(found[1])
        if scope is None:
            given = "/".join(p for p in (province, city, district) if p)
            raise DomainValueError(
                "REGION_NAME_UNKNOWN", f"no division matches {given!r}", field="admin_code"
            )
        return RegionMatch(
            scope.code, scope.level, scope.name, tuple(aliases), mismatch, tuple(unresolved)
        )

    def resolve_name(
        self, province: str | None, city: str | None = None, district: str | None = None
    ) -> str:
        """Code of :meth:`resolve` (the most specific unit the names lead to)."""
        return self.resolve(province, city, district).code

    def resolve_address(self, text: str) -> RegionMatch:
        """Resolve the division names at the start of a free-text address.

        Names are matched from the left, each inside the previous one (falling back to a
        nationwide match, flagged as ``province_mismatch``); townships are matched by full
        name once a county is known. ``北京市东城区沙滩`` → ``110101``.

        Raises:
            DomainValueError: ``REGION_NAME_UNKNOWN`` when the address starts with no name.
        """
        rest = re.sub(r"\s+", "", text)
        scope: Region | None = None
        aliases: list[str] = []
        mismatch = False
        while rest:
            step = self._prefix(rest, scope)
            if step is None and scope is not None and scope.level is not RegionLevel.COUNTY:
                step = self._prefix(rest, None)
                if step is not None and not scope.code.startswith(step[0].code):
                    mismatch = True
            if step is None:
                break
            region, used, alias = step
            if alias:
                aliases.append(alias)
            rest = rest[used:]
            if scope is None or not scope.code.startswith(region.code):
                scope = region
        if scope is None:
            raise DomainValueError(
                "REGION_NAME_UNKNOWN", f"no division name at the start of {text!r}", field="address"
            )
        return RegionMatch(scope.code, scope.level, scope.name, tuple(aliases), mismatch)

    def _prefix(self, text: str, scope: Region | None) -> tuple[Region, int, str | None] | None:
        """Longest division name at the start of ``text`` inside ``scope`` (or ``scope``)."""
        for size in range(min(len(text), self._max_name), 1, -1):
            head = text[:size]
            if scope is not None and (head == scope.name or _stem(scope.name) == head == text):
                return scope, size, None
            allow_township = scope is not None and scope.level is RegionLevel.COUNTY
            exact = self._pick(
                r
                for r in self._by_name.get(head, ())
                if self._inside(r, scope)
                and (allow_township or r.level is not RegionLevel.TOWNSHIP)
            )
            if exact is not None:
                return exact, size, None
            aliased = [
                self._by_code[a.code]
                for a in self._aliases.get(head, ())
                if self._alias_applies(a, scope) and self._inside(self._by_code[a.code], scope)
            ]
            if len(aliased) == 1:
                return aliased[0], size, head
            variant = self._pick(r for r in self._variants.get(head, ()) if self._inside(r, scope))
            if variant is not None:
                return variant, size, None
        if scope is not None:
            # The whole remainder may be a name without its suffix (北京市 + 平谷).
            whole = self._whole(text, scope)
            if whole is not None and whole[0].level is not RegionLevel.TOWNSHIP:
                return whole[0], len(text), whole[1]
        return None

    @property
    def aliases(self) -> tuple[RegionAlias, ...]:
        """All historical names of ``aliases.csv``."""
        return tuple(a for group in self._aliases.values() for a in group)


def _read_csv(name: str) -> list[dict[str, str]]:
    base = resources.files("heritage.data") / "divisions"
    resource = base / name
    if name.endswith(".gz"):
        text = gzip.decompress(resource.read_bytes()).decode("utf-8")
    else:
        text = resource.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def region_table() -> RegionTable:
    """The shipped 2023 table with its aliases, loaded on first use and then shared."""
    regions: list[Region] = []
    for file, level in (
        ("provinces.csv", RegionLevel.PROVINCE),
        ("cities.csv", RegionLevel.CITY),
        ("areas.csv", RegionLevel.COUNTY),
        ("streets.csv.gz", RegionLevel.TOWNSHIP),
    ):
        regions.extend(Region(row["code"], row["name"], level) for row in _read_csv(file))
    aliases = [
        RegionAlias(row["name"], row["code"], row["scope"], row["note"])
        for row in _read_csv("aliases.csv")
    ]
    return RegionTable(regions, aliases)


def validate_region_code(code: str) -> str:
    """Check a division code against the shipped table and return its short form.

    12-digit village codes pass when their 9-digit township and 6-digit county exist.

    Raises:
        DomainValueError: ``REGION_CODE_FORMAT`` (shape) or ``REGION_CODE_UNKNOWN`` (not in
            the table).
    """
    return region_table().validate(code)


def level_of(code: str) -> RegionLevel:
    """Level of a valid division code (see :func:`validate_region_code` for errors)."""
    return region_table().level_of(code)


def name_of(code: str) -> str | None:
    """Official name of a division code; ``None`` for village codes."""
    return region_table().name_of(code)


def ancestors(code: str) -> tuple[str, ...]:
    """Province, city, county and township codes above ``code`` (province first)."""
    return region_table().ancestors(code)


def resolve_name(province: str | None, city: str | None = None, district: str | None = None) -> str:
    """Resolve location names to the most specific current division code.

    See :meth:`RegionTable.resolve` for what is understood.

    Raises:
        DomainValueError: ``REGION_NAME_UNKNOWN`` when nothing resolves.
    """
    return region_table().resolve_name(province, city, district)
