"""The mapping file of an import: which source column feeds which registry field, how source
values translate to the registry's vocabularies, and which column identifies a row.

A mapping is a TOML file (read with :mod:`tomllib`)::

    format = "csv"                # csv | jsonl; default: from the file name
    encoding = "auto"             # auto (UTF-8, else GB18030) | utf-8 | gb18030 | …
    record = "site"               # site | place | mixed (then object.record_type says)

    [key]                         # the column that identifies a row, for re-imports
    column = "编号"
    match = "official_code"       # official_code | external_key | public_id
    source = "shanxi-2004-list"   # stored with the key (external_source) to match it again

    [options]
    unparseable_era = "refuse"    # refuse | keep (keep the raw text, without years)
    merged_items = "refuse"       # refuse | link (国保 merged-item placeholders, 8-0000-…)
    national_batch_dates = false  # a 国保 without a date gets its batch's announcement date

    [object]                      # registry field = source column, or a table:
    name = "名称"
    era = "年代"
    kind = { value = "BUILDING" }                         # a constant
    category = { column = "类别", values = { "3" = "ANCIENT_BUILDING" } }
    lon = "经度"
    lat = "纬度"
    crs = { value = "GCJ02" }

    [designation]                 # at most one designation per row
    type = { column = "级别", values = { "国保" = "CPU_NATIONAL", "省保" = "CPU_PROVINCIAL" } }
    official_code = "编号"

Without a ``values`` entry, a vocabulary cell may hold the registry code (``ANCIENT_BUILDING``,
case-insensitive) or its Chinese label (``古建筑``). ``split`` cuts list cells (``alt_names``,
``periods``) at any of the given characters.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from heritage.models.vocab import (
    AnnouncementKind,
    ConditionGrade,
    CoordinateSystem,
    CoordinateVisibility,
    DesignationStatus,
    DesignationType,
    LocationMethod,
    ObjectKind,
    ObjectStatus,
    OwnershipType,
    Period,
    ProtectionLevel,
    RelicCategory,
    StructureType,
    UseStatus,
)

Kind = Literal["text", "int", "float", "date", "list", "enum", "record"]


@dataclass(frozen=True, slots=True)
class Target:
    """A registry field a column can feed: its value type and, for vocabularies, the enum."""

    name: str
    kind: Kind
    enum: type[Enum] | None = None
    records: frozenset[str] = frozenset({"site", "place"})


_SITE = frozenset({"site"})
_PLACE = frozenset({"place"})

#: Object fields a mapping may fill. ``region_*`` names are resolved to a region code,
#: ``lon``/``lat``/``crs`` are converted to WGS-84, ``era`` is parsed (raw text kept).
OBJECT_TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("public_id", "text"),
        Target("record_type", "record"),
        Target("name", "text"),
        Target("kind", "enum", ObjectKind),
        Target("status", "enum", ObjectStatus),
        Target("alt_names", "list"),
        Target("description", "text"),
        Target("region_code", "text"),
        Target("region_province", "text"),
        Target("region_city", "text"),
        Target("region_district", "text"),
        Target("region_address", "text"),
        Target("address_announced", "text"),
        Target("address_current", "text"),
        Target("lon", "float"),
        Target("lat", "float"),
        Target("crs", "enum", CoordinateSystem),
        Target("location_method", "enum", LocationMethod),
        Target("accuracy_m", "float"),
        Target("coordinate_visibility", "enum", CoordinateVisibility),
        Target("era", "text"),
        Target("era_start_year", "int"),
        Target("era_end_year", "int"),
        Target("periods", "list", Period),
        Target("category", "enum", RelicCategory, _SITE),
        Target("original_category", "text", None, _SITE),
        Target("subtype", "text", None, _SITE),
        Target("structure_type", "enum", StructureType, _SITE),
        Target("ownership", "enum", OwnershipType, _SITE),
        Target("use_status", "enum", UseStatus, _SITE),
        Target("use_function", "text", None, _SITE),
        Target("condition", "enum", ConditionGrade, _SITE),
        Target("dating_basis", "text", None, _SITE),
        Target("natural_village_name", "text", None, _PLACE),
        Target("external_source", "text"),
        Target("external_key", "text"),
    )
}

#: Designation fields a mapping may fill (``type`` is required when any is given).
DESIGNATION_TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("type", "enum", DesignationType),
        Target("level", "enum", ProtectionLevel),
        Target("status", "enum", DesignationStatus),
        Target("authority", "text"),
        Target("announcement_kind", "enum", AnnouncementKind),
        Target("batch_no", "int"),
        Target("announced_on", "date"),
        Target("doc_no", "text"),
        Target("official_code", "text"),
        Target("original_category", "text"),
        Target("valid_from", "date"),
        Target("source_url", "text"),
        Target("notes", "text"),
    )
}

Scalar = str | int | float | bool


class MappingError(ValueError):
    """The mapping file cannot be used; the message says where and why."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Model):
    """Where a registry field's value comes from."""

    column: str | None = None
    value: Scalar | None = None
    values: dict[str, Scalar] = Field(default_factory=dict)
    default: Scalar | None = None
    split: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # ``name = "名称"`` is short for ``name = { column = "名称" }``.
        return {"column": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        if (self.column is None) == (self.value is None):
            raise ValueError("give either a column or a constant value")
        return self


class KeySpec(_Model):
    """The column that identifies a row, and how it is matched against the registry."""

    column: str
    match: Literal["official_code", "external_key", "public_id"] = "external_key"
    source: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _source_for_external(self) -> KeySpec:
        if self.match == "external_key" and self.source is None:
            raise ValueError("matching on external_key needs a source name (key.source)")
        return self


class Options(_Model):
    """Row policies beyond the plain field mapping."""

    unparseable_era: Literal["refuse", "keep"] = "refuse"
    merged_items: Literal["refuse", "link"] = "refuse"
    national_batch_dates: bool = False
    delimiter: str = Field(default=",", min_length=1, max_length=1)


class Mapping(_Model):
    """A validated mapping file."""

    format: Literal["csv", "jsonl"] | None = None
    encoding: str = "auto"
    record: Literal["site", "place", "mixed"] = "site"
    key: KeySpec | None = None
    options: Options = Field(default_factory=Options)
    object: dict[str, FieldSpec]
    designation: dict[str, FieldSpec] = Field(default_factory=dict)

    @field_validator("object")
    @classmethod
    def _object_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        _check_names(value, OBJECT_TARGETS, "object")
        if "name" not in value:
            raise ValueError("object.name is required: every record needs a name")
        return value

    @field_validator("designation")
    @classmethod
    def _designation_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        _check_names(value, DESIGNATION_TARGETS, "designation")
        if value and "type" not in value:
            raise ValueError("designation.type is required when a designation is mapped")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Mapping:
        for name in self.object:
            records = OBJECT_TARGETS[name].records
            if self.record != "mixed" and self.record not in records:
                raise ValueError(f"object.{name} is not a field of a {self.record}")
        if (self.record == "mixed") != ("record_type" in self.object):
            raise ValueError(
                'record = "mixed" and object.record_type (a column of "site" or "place") '
                "go together"
            )
        if "kind" not in self.object:
            raise ValueError("object.kind is required (a column or a constant value)")
        if self.key is not None and self.key.match == "official_code" and not self.designation:
            raise ValueError("matching on official_code needs a mapped designation")
        if self.key is not None and self.key.match == "public_id":
            spec = self.object.get("public_id")
            if spec is None or spec.column != self.key.column:
                raise ValueError("matching on public_id needs object.public_id = the key column")
        for section, targets, specs in (
            ("object", OBJECT_TARGETS, self.object),
            ("designation", DESIGNATION_TARGETS, self.designation),
        ):
            for name, spec in specs.items():
                _check_vocabulary(f"{section}.{name}", targets[name], spec)
        return self

    def columns(self) -> list[str]:
        """Every source column the mapping reads (the key column first)."""
        names: list[str] = [self.key.column] if self.key else []
        for spec in [*self.object.values(), *self.designation.values()]:
            if spec.column is not None and spec.column not in names:
                names.append(spec.column)
        return names


def _check_names(specs: dict[str, FieldSpec], targets: dict[str, Target], section: str) -> None:
    unknown = sorted(set(specs) - set(targets))
    if unknown:
        raise ValueError(
            f"unknown {section} field(s) {', '.join(unknown)}; known: {', '.join(targets)}"
        )


def _check_vocabulary(where: str, target: Target, spec: FieldSpec) -> None:
    """Constants and ``values`` targets of vocabulary fields must be registry codes."""
    if target.enum is None:
        return
    wanted = [spec.value, spec.default, *spec.values.values()]
    for item in wanted:
        if item is not None and vocabulary_member(target.enum, str(item)) is None:
            raise ValueError(
                f"{where}: {item!r} is not a {target.enum.__name__} code "
                f"({', '.join(str(m.value) for m in target.enum)})"
            )


# Short names in everyday use (domain guide §1.8), besides the full labels.
_SHORT_NAMES: dict[type[Enum], dict[str, Enum]] = {
    ProtectionLevel: {
        "国保": ProtectionLevel.NATIONAL,
        "全国重点": ProtectionLevel.NATIONAL,
        "省保": ProtectionLevel.PROVINCIAL,
        "省级": ProtectionLevel.PROVINCIAL,
        "市保": ProtectionLevel.MUNICIPAL,
        "市级": ProtectionLevel.MUNICIPAL,
        "县保": ProtectionLevel.COUNTY,
        "县级": ProtectionLevel.COUNTY,
        "未定级": ProtectionLevel.UNGRADED,
    },
    DesignationType: {
        "国保": DesignationType.CPU_NATIONAL,
        "省保": DesignationType.CPU_PROVINCIAL,
        "市保": DesignationType.CPU_MUNICIPAL,
        "县保": DesignationType.CPU_COUNTY,
        "未定级": DesignationType.IMMOVABLE_UNGRADED,
    },
}


@functools.lru_cache(maxsize=4096)
def vocabulary_member(enum: type[Enum], text: str) -> Enum | None:
    """The member of ``enum`` whose code (any case), Chinese label or short name is ``text``."""
    cleaned = text.strip()
    short = _SHORT_NAMES.get(enum, {}).get(cleaned)
    if short is not None:
        return short
    for member in enum:
        code = str(member.value)
        if cleaned == code or cleaned.upper() == code:
            return member
    for member in enum:
        labels = {getattr(member, "label", None), getattr(member, "label_zh", None)}
        if cleaned in labels:
            return member
    return None


def parse_mapping(data: dict[str, Any], where: str = "mapping") -> Mapping:
    """Validate a mapping given as a dict (the parsed TOML)."""
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            path = ".".join(str(part) for part in error["loc"])
            lines.append(f"{path or '(top)'}: {error['msg']}")
        raise MappingError(f"{where}: " + "; ".join(lines)) from exc


def load_mapping(path: Path) -> Mapping:
    """Read and validate a TOML mapping file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the mapping file ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not a valid UTF-8 TOML file ({exc})") from exc
    return parse_mapping(data, str(path))
