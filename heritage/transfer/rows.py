"""From a source record to a checked row: values converted, rules of the services applied.

Nothing here touches the database. Each record is turned into the same inputs the services take
(:class:`~heritage.services.objects.SiteCreate` / ``PlaceCreate`` and the designation fields),
validated by the same pydantic models, and checked by the same rule functions the services
call (``check_new_site``, ``assign_object_fields``, ``check_designation_entry``,
``assign_designation_fields``); the conversions a real file needs come from the domain modules
(region names → codes, GCJ-02/BD-09 → WGS-84, dating text → years). Rules that need the
database (a key or number already used, designations already in force) are checked by the
writer, per batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from types import SimpleNamespace
from typing import Any, cast

from pydantic import Field, ValidationError

from heritage.db.history import snapshot_of_values
from heritage.domain import regions
from heritage.domain.dating import Dating, parse_dating
from heritage.domain.errors import DomainValueError
from heritage.domain.official_codes import parse_national_code
from heritage.models import Designation, HeritageObject, Place, Site
from heritage.models.vocab import (
    AnnouncementKind,
    DesignationStatus,
    DesignationType,
    ObjectStatus,
    ProtectionLevel,
)
from heritage.services.designations import (
    NATIONAL_BATCH_WINDOWS,
    DesignationFields,
    assign_designation_fields,
    check_designation_entry,
    check_opening_status,
)
from heritage.services.errors import ErrorCode, Problem, Problems, RuleWarning, from_validation
from heritage.services.objects import (
    PlaceCreate,
    SiteCreate,
    assign_object_fields,
    check_new_place,
    check_new_site,
)
from heritage.transfer.mapping import (
    DESIGNATION_TARGETS,
    OBJECT_TARGETS,
    FieldSpec,
    Mapping,
    Target,
    vocabulary_member,
)
from heritage.transfer.problems import ImportCode, Issue
from heritage.transfer.sources import Record

#: Edition date of the shipped division table (NBS 2023, cut-off 2023-06-30): the date of
#: region codes resolved from names.
DIVISION_TABLE_AS_OF = dt.date(2023, 6, 30)

_DEFAULT_SPLIT = ";；|"
_JSON_LEFT_OUT = ("boundary",)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
# Object columns never changed by a re-import: identity, bookkeeping and fields that have
# their own use-cases (a kind change is a new record; status changes need approvals).
_NOT_UPDATED = frozenset(
    {"id", "public_id", "record_type", "kind", "status", "version", "created_at", "updated_at"}
)


class DesignationRow(DesignationFields):
    """A designation as a row gives it (the service's fields plus type, level and status)."""

    designation_type: DesignationType
    protection_level: ProtectionLevel | None = None
    status: DesignationStatus = DesignationStatus.ACTIVE
    batch_no: int | None = Field(default=None, gt=0)


@dataclass(slots=True)
class PlannedRow:
    """A converted and checked row, ready for the writer.

    ``object_values`` holds every column of a new ``heritage_object`` row; ``object_given``
    the columns the row actually sets (an update changes only those: an empty cell never
    erases what the registry holds). The same goes for the designation.
    """

    line: int
    key: str | None
    match_key: str | None
    record_type: str
    object_values: dict[str, Any] = field(default_factory=dict)
    object_given: set[str] = field(default_factory=set)
    designation_values: dict[str, Any] | None = None
    designation_given: set[str] = field(default_factory=set)
    merged_item: bool = False
    # The change records' "after" of the new rows, as the history hook would write them (with
    # the ids, known once inserted): computed here, so a worker process does this work too.
    object_snapshot: dict[str, Any] = field(default_factory=dict)
    designation_snapshot: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error so far."""
        return not any(issue.is_error for issue in self.issues)

    @property
    def official_code(self) -> str | None:
        """The designation's normalised official code."""
        if self.designation_values is None:
            return None
        code: str | None = self.designation_values.get("official_code")
        return code


class Draft(SimpleNamespace):
    """A record or designation being checked: the attributes of its table, not yet an ORM
    instance. The services' rule functions only read and set attributes, and a plain object
    spares the ORM's attribute instrumentation, most of the per-row cost of a bulk import.
    """

    @classmethod
    def of(cls, columns: list[str], **values: Any) -> Draft:
        """A draft with every column ``None`` except ``values``."""
        return cls(**{**dict.fromkeys(columns), **values})


@functools.lru_cache(maxsize=16384)
def _parse_dating(raw: str) -> Dating | DomainValueError:
    try:
        return parse_dating(raw)
    except DomainValueError as exc:
        return exc


@dataclass(frozen=True, slots=True)
class _Region:
    code: str | None
    error: DomainValueError | None = None
    notes: tuple[tuple[str, str], ...] = ()


@functools.lru_cache(maxsize=16384)
def _resolve_region(
    province: str | None, city: str | None, district: str | None, address: str | None
) -> _Region:
    """Region code from names (old names included), else from the start of an address."""
    table = regions.region_table()
    error: DomainValueError | None = None
    if province or city or district:
        try:
            match = table.resolve(province, city, district)
        except DomainValueError as exc:
            error = exc
        else:
            notes = []
            given = "/".join(p for p in (province, city, district) if p)
            if match.province_mismatch:
                notes.append(
                    (
                        ImportCode.REGION_PROVINCE_MISMATCH.value,
                        f"{given} resolves to {table.full_name(match.code)} ({match.code}), "
                        "outside the province given first (a place listed under its province "
                        "of the time?)",
                    )
                )
            if match.unresolved:
                notes.append(
                    (
                        ImportCode.REGION_PARTLY_RESOLVED.value,
                        f"{'/'.join(match.unresolved)} matched no division; the region is "
                        f"{table.full_name(match.code)} ({match.code})",
                    )
                )
            return _Region(match.code, None, tuple(notes))
    if address:
        try:
            found = table.resolve_address(address)
        except DomainValueError as exc:
            error = error or exc
        else:
            note = (
                ImportCode.REGION_PARTLY_RESOLVED.value,
                f"region taken from the address: {table.full_name(found.code)} ({found.code})",
            )
            return _Region(found.code, None, (note,) if error else ())
    return _Region(None, error)


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


class RowConverter:
    """Converts records of one file with one mapping."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        # Every column of the table, so rows of sites and places insert together.
        self._columns = [c.key for c in HeritageObject.__table__.columns]
        self._defaults = _python_defaults(HeritageObject)
        self._designation_columns = [c.key for c in Designation.__mapper__.column_attrs]
        self._designation_defaults = _python_defaults(Designation)
        self._object_fields = [
            _Field.of(name, name, OBJECT_TARGETS[name], spec)
            for name, spec in mapping.object.items()
        ]
        self._designation_fields = [
            _Field.of(name, f"designation.{name}", DESIGNATION_TARGETS[name], spec)
            for name, spec in mapping.designation.items()
        ]

    # -- columns -----------------------------------------------------------------------------

    def missing_columns(self, header: list[str]) -> list[Issue]:
        """Columns the mapping reads that the CSV header lacks (line 1 issues)."""
        present = set(header)
        return [
            Issue(
                line=1,
                code=ImportCode.MISSING_COLUMN,
                message=f"the mapping reads column {name!r}, which the file does not have "
                f"(columns: {', '.join(header)})",
                field=name,
            )
            for name in self.mapping.columns()
            if name not in present
        ]

    # -- cells -------------------------------------------------------------------------------

    def _read(
        self, fields: list[_Field], record: Record
    ) -> tuple[dict[str, Any], dict[str, Any], list[Issue]]:
        """Typed values and raw cells by target name, and conversion issues."""
        typed: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        issues: list[Issue] = []
        cells = record.values
        for f in fields:
            if f.column is None:
                raw[f.name] = f.constant
                typed[f.name] = f.typed_constant
                continue
            cell = cells.get(f.column)
            if type(cell) is str:
                cell = cell.strip() or None
            if cell is None:
                cell = f.default
            raw[f.name] = cell
            if cell is None:
                typed[f.name] = None
                continue
            try:
                typed[f.name] = f.convert(cell)
            except _BadValueError as bad:
                typed[f.name] = None
                issues.append(
                    Issue(
                        line=None,
                        code=bad.code,
                        message=bad.message,
                        field=f.column,
                        target=f.where,
                        value=cell,
                    )
                )
        return typed, raw, issues

    # -- issues from rule problems -----------------------------------------------------------

    def _locate(self, section: str, problem_field: str | None) -> tuple[list[str], str | None]:
        """Registry targets a service problem is about, and its registry field name."""
        if problem_field is None:
            return [], None
        head = _camel_to_snake(problem_field.split(".")[0])
        if section == "designation":
            name = {
                "designation_type": "type",
                "protection_level": "level",
            }.get(head, head)
            return [name], f"designation.{name}"
        groups = {
            "location": ["lon", "lat", "crs"],
            "region_code": ["region_code", "region_province", "region_city", "region_district"],
            "region_code_as_of": ["region_code"],
            "era_raw": ["era"],
            "era_start_year": ["era_start_year", "era"],
            "era_end_year": ["era_end_year", "era"],
            "periods": ["periods", "era"],
        }
        return groups.get(head, [head]), head

    def _issues(
        self,
        section: str,
        problems: list[Problem] | list[RuleWarning],
        raw: dict[str, Any],
        severity: str = "error",
    ) -> list[Issue]:
        specs = self.mapping.designation if section == "designation" else self.mapping.object
        issues = []
        for problem in problems:
            names, target = self._locate(section, problem.field)
            mapped = [n for n in names if n in specs]
            columns = [specs[n].column for n in mapped if specs[n].column]
            values = [raw[n] for n in mapped if raw.get(n) is not None]
            issues.append(
                Issue(
                    line=None,
                    code=problem.code.value,
                    message=problem.message,
                    field=",".join(dict.fromkeys(c for c in columns if c)) or None,
                    target=target,
                    value=values[0] if len(values) == 1 else (values or None),
                    severity="warning" if severity == "warning" else "error",
                )
            )
        return issues

    # -- the row -----------------------------------------------------------------------------

    def convert(self, record: Record) -> PlannedRow:
        """Convert and check one record."""
        record_type = "site" if self.mapping.record == "mixed" else self.mapping.record
        row = PlannedRow(record.line, None, None, record_type)
        row.issues.extend(record.issues)
        if record.values or not record.issues:
            self._convert(record, row)
        row.issues = [
            Issue(
                line=record.line,
                code=i.code,
                message=i.message,
                field=i.field,
                target=i.target,
                value=i.value,
                severity=i.severity,
                key=row.key,
            )
            for i in row.issues
        ]
        return row

    def _convert(self, record: Record, row: PlannedRow) -> None:
        mapping = self.mapping
        if mapping.key is not None:
            key = record.values.get(mapping.key.column)
            row.key = _value_key(key).strip() if key is not None else None
            if not row.key:
                row.key = None
                row.issues.append(
                    Issue(
                        line=None,
                        code=ImportCode.KEY_MISSING,
                        message=f"the key column {mapping.key.column!r} is empty",
                        field=mapping.key.column,
                        target="key",
                    )
                )
        values, raw, issues = self._read(self._object_fields, record)
        row.issues.extend(issues)
        # Designation cells are read even when the object is refused: the report then lists
        # every bad cell of the row at once.
        designation = self._read(self._designation_fields, record) if mapping.designation else None
        if designation is not None:
            row.issues.extend(designation[2])
        obj = self._object(values, raw, row)
        if obj is not None and designation is not None and row.ok:
            self._designation(obj, designation[0], designation[1], row)
        if row.key is not None and mapping.key is not None:
            row.match_key = self._match_key(row)
        if row.ok:
            self._snapshots(row)

    def _snapshots(self, row: PlannedRow) -> None:
        model = Site if row.record_type == "site" else Place
        row.object_snapshot = snapshot_of_values(model, row.object_values)
        # A JSON column given None would store JSON null; left out of the INSERT it is SQL
        # NULL, as the ORM writes it. No import fills these.
        for column in _JSON_LEFT_OUT:
            row.object_values.pop(column, None)
        if row.designation_values is not None:
            row.designation_snapshot = snapshot_of_values(Designation, row.designation_values)

    def _match_key(self, row: PlannedRow) -> str | None:
        assert self.mapping.key is not None
        assert row.key is not None
        match = self.mapping.key.match
        if match == "public_id":
            return f"public_id:{row.key}"
        if match == "official_code" and row.official_code:
            dtype = row.designation_values["designation_type"] if row.designation_values else None
            code = row.official_code
            if dtype == DesignationType.CPU_NATIONAL:
                with contextlib.suppress(DomainValueError):
                    code = parse_national_code(code).key
            return f"code:{dtype}:{code}"
        return f"external:{row.key}"

    def _object(self, values: dict[str, Any], raw: dict[str, Any], row: PlannedRow) -> Draft | None:
        mapping = self.mapping
        data: dict[str, Any] = {}
        for name in (
            "name",
            "kind",
            "status",
            "alt_names",
            "description",
            "address_announced",
            "address_current",
            "coordinate_visibility",
            "era_start_year",
            "era_end_year",
            "periods",
            "category",
            "original_category",
            "subtype",
            "structure_type",
            "ownership",
            "use_status",
            "use_function",
            "condition",
            "dating_basis",
            "natural_village_name",
        ):
            if values.get(name) is not None:
                data[name] = values[name]
        public_id = values.get("public_id")
        if public_id is not None:
            try:
                public_id = str(uuid.UUID(str(public_id)))
            except ValueError:
                row.issues.append(
                    Issue(
                        line=None,
                        code=ErrorCode.INVALID.value,
                        message=f"{public_id!r} is not a public id (a UUID)",
                        field=mapping.object["public_id"].column,
                        target="public_id",
                        value=public_id,
                    )
                )
                public_id = None
        self._region(values, data, row)
        if values.get("lon") is not None or values.get("lat") is not None:
            location = {k: values[k] for k in ("lon", "lat") if values.get(k) is not None}
            for name, key in (("crs", "crs"), ("location_method", "method")):
                if values.get(name) is not None:
                    location[key] = values[name]
            if values.get("accuracy_m") is not None:
                location["accuracy_m"] = values["accuracy_m"]
            data["location"] = location
        keep_raw_era = self._era(values, data, row)
        if "name" not in data:
            row.issues.append(
                Issue(
                    line=None,
                    code=ErrorCode.REQUIRED.value,
                    message="a record needs a name",
                    field=mapping.object["name"].column,
                    target="name",
                )
            )
        if not row.ok:
            return None
        problems = Problems()
        if "record_type" in mapping.object:
            row.record_type = values.get("record_type") or ""
            if row.record_type not in ("site", "place"):
                row.issues.append(
                    Issue(
                        line=None,
                        code=ImportCode.VALUE_UNKNOWN.value,
                        message="the record type must be site or place",
                        field=mapping.object["record_type"].column,
                        target="record_type",
                        value=raw.get("record_type"),
                    )
                )
                return None
        if row.record_type == "place" and data.get("status") == ObjectStatus.EXTANT:
            # Places are registered as they stand (their input has no status): an export's
            # EXTANT says no more than that.
            del data["status"]
        model = SiteCreate if row.record_type == "site" else PlaceCreate
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            row.issues.extend(self._issues("object", from_validation(exc), raw))
            return None
        given = parsed.given() | {"name"}
        obj = Draft.of(self._columns, kind=parsed.kind, name=parsed.name)
        if isinstance(parsed, SiteCreate):
            check_new_site(problems, parsed)
            obj.status = parsed.status
        else:
            assert isinstance(parsed, PlaceCreate)
            check_new_place(problems, parsed)
        if keep_raw_era:
            given.discard("era_raw")
        assign_object_fields(cast(HeritageObject, obj), parsed, given, problems)
        if keep_raw_era:
            obj.era_raw = parsed.era_raw
            obj.era_start_year = obj.era_end_year = None
            obj.period_codes = []
        row.issues.extend(self._issues("object", problems.items, raw))
        if not row.ok:
            return None
        if "region_code" in data and "region_code" not in mapping.object:
            obj.region_code_as_of = DIVISION_TABLE_AS_OF
        row.object_values = self._values(obj, row.record_type, public_id, row.key, values)
        row.object_given = self._given_columns(parsed.given(), obj)
        return obj

    def _values(
        self,
        obj: Draft,
        record_type: str,
        public_id: str | None,
        key: str | None,
        external: dict[str, Any],
    ) -> dict[str, Any]:
        values = vars(obj).copy()
        values.pop("id", None)
        values["record_type"] = record_type
        for column, default in self._defaults.items():
            if values.get(column) is None:
                values[column] = default()
        if public_id is not None:
            values["public_id"] = public_id
        spec = self.mapping.key
        if "external_key" in self.mapping.object:
            values["external_source"] = external.get("external_source")
            values["external_key"] = external.get("external_key")
        elif spec is not None and spec.source is not None:
            values["external_source"] = spec.source
            values["external_key"] = key
        return values

    def _given_columns(self, given: set[str], obj: Draft) -> set[str]:
        columns = set(given) - {"location", "periods"}
        if "location" in given:
            columns |= {"lon", "lat", "source_lon", "source_lat", "source_crs"}
            columns |= {"location_method", "accuracy_m"} & {
                k for k in ("location_method", "accuracy_m") if getattr(obj, k) is not None
            }
        if given & {"era_raw", "era_start_year", "era_end_year", "periods"}:
            columns |= {"era_raw", "era_start_year", "era_end_year", "period_codes"}
        if obj.region_code_as_of is not None:
            columns.add("region_code_as_of")
        return {c for c in columns if c in self._columns} - _NOT_UPDATED

    def _region(self, values: dict[str, Any], data: dict[str, Any], row: PlannedRow) -> None:
        if values.get("region_code") is not None:
            data["region_code"] = values["region_code"]
            return
        names = [values.get(n) for n in ("region_province", "region_city", "region_district")]
        address = values.get("region_address")
        if not any(names) and not address:
            return
        found = _resolve_region(names[0], names[1], names[2], address)
        specs = self.mapping.object
        columns = [
            specs[n].column
            for n in ("region_province", "region_city", "region_district", "region_address")
            if n in specs and specs[n].column
        ]
        given = "/".join(str(p) for p in [*names, address] if p)
        if found.code is None:
            assert found.error is not None
            row.issues.append(
                Issue(
                    line=None,
                    code=found.error.code,
                    message=found.error.message,
                    field=",".join(c for c in columns if c) or None,
                    target="region_code",
                    value=given,
                )
            )
            return
        data["region_code"] = found.code
        for code, message in found.notes:
            row.issues.append(
                Issue(
                    line=None,
                    code=code,
                    message=message,
                    field=",".join(c for c in columns if c) or None,
                    target="region_code",
                    value=given,
                    severity="warning",
                )
            )

    def _era(self, values: dict[str, Any], data: dict[str, Any], row: PlannedRow) -> bool:
        """Put the dating into ``data``; True when unreadable text is kept raw (no years)."""
        raw = values.get("era")
        if raw is None:
            return False
        data["era_raw"] = raw
        if {"era_start_year", "era_end_year", "periods"} & data.keys():
            return False
        parsed = _parse_dating(raw)
        if isinstance(parsed, Dating):
            # Parsed once per distinct text; the service's check_era validates the years.
            data["era_start_year"] = parsed.start_year
            data["era_end_year"] = parsed.end_year
            data["periods"] = [p.value for p in parsed.periods]
            return False
        if self.mapping.options.unparseable_era == "keep" and parsed.code in (
            ErrorCode.DATING_UNPARSEABLE,
            ErrorCode.DATING_INDETERMINATE,
        ):
            row.issues.append(
                Issue(
                    line=None,
                    code=parsed.code,
                    message=f"{parsed.message}; the text is kept, without years",
                    field=self.mapping.object["era"].column,
                    target="era",
                    value=raw,
                    severity="warning",
                )
            )
            return True
        # Refused: the service's own check reports it.
        return False

    def _designation(
        self, obj: Draft, values: dict[str, Any], raw: dict[str, Any], row: PlannedRow
    ) -> None:
        specs = self.mapping.designation
        dtype: DesignationType | None = values.get("type")
        read = [f.name for f in self._designation_fields if f.column is not None]
        if dtype is None and not any(values.get(name) is not None for name in read):
            return  # no designation in this row
        if dtype is None:
            row.issues.append(
                Issue(
                    line=None,
                    code=ErrorCode.REQUIRED.value,
                    message="the designation type is empty",
                    field=specs["type"].column,
                    target="designation.type",
                )
            )
            return
        data: dict[str, Any] = {"designation_type": dtype}
        for name in DESIGNATION_TARGETS:
            if name in ("type",) or values.get(name) is None:
                continue
            data[{"level": "protection_level"}.get(name, name)] = values[name]
        if dtype == DesignationType.CPU_NATIONAL:
            self._national(data, row)
        try:
            parsed = DesignationRow.model_validate(data)
        except ValidationError as exc:
            row.issues.extend(self._issues("designation", from_validation(exc), raw))
            return
        problems = Problems()
        warnings: list[RuleWarning] = []
        check_opening_status(problems, parsed.status)
        check_designation_entry(problems, obj.kind, dtype, parsed.protection_level, set())
        designation = Draft.of(
            self._designation_columns,
            designation_type=dtype,
            protection_level=dtype.protection_level,
            scope=dtype.scope,
            status=parsed.status,
        )
        category = getattr(obj, "category", None)
        given = parsed.given() - {"designation_type", "protection_level", "status"}
        assign_designation_fields(
            cast(Designation, designation), category, parsed, given, problems, warnings
        )
        row.issues.extend(self._issues("designation", problems.items, raw))
        row.issues.extend(self._issues("designation", warnings, raw, "warning"))
        if not row.ok:
            return
        values_out = vars(designation).copy()
        values_out.pop("id", None)
        values_out.pop("object_id", None)
        for key, default in self._designation_defaults.items():
            if values_out.get(key) is None:
                values_out[key] = default()
        row.designation_values = values_out
        row.designation_given = (
            {k for k in given if getattr(designation, k) is not None}
            | ({"batch_no"} if designation.batch_no is not None else set())
        ) - {"id", "version", "created_at", "updated_at"}

    def _national(self, data: dict[str, Any], row: PlannedRow) -> None:
        """国保 specifics: merged-item placeholders, and the batch's announcement date."""
        options = self.mapping.options
        code_text = data.get("official_code")
        batch = data.get("batch_no")
        if code_text is not None:
            try:
                code = parse_national_code(str(code_text))
            except DomainValueError as exc:
                if exc.code == ErrorCode.NATIONAL_CODE_MERGED_ITEM and options.merged_items == (
                    "link"
                ):
                    # A merged item (合并项目) has no number of its own: it is recorded as
                    # merged into an existing site, linked to it once the file is in.
                    row.merged_item = True
                    data.pop("official_code")
                    data["announcement_kind"] = AnnouncementKind.MERGE_INTO_EXISTING
            else:
                batch = batch or code.batch
        if options.national_batch_dates and data.get("announced_on") is None:
            window = NATIONAL_BATCH_WINDOWS.get(batch) if isinstance(batch, int) else None
            if window is not None:
                data["announced_on"] = window[0]


class _BadValueError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class _Field:
    """A mapped field, its converter built once: source cell → registry value."""

    name: str
    where: str
    column: str | None
    constant: Any
    typed_constant: Any
    default: Any
    convert: Callable[[Any], Any]

    @classmethod
    def of(cls, name: str, where: str, target: Target, spec: FieldSpec) -> _Field:
        convert = _converter(target, spec)
        typed = convert(spec.value) if spec.value is not None else None
        return cls(name, where, spec.column, spec.value, typed, spec.default, convert)


def _converter(target: Target, spec: FieldSpec) -> Callable[[Any], Any]:
    """The function turning a non-empty cell into the target's type (raises ``_BadValueError``)."""
    mapped = {key: _value_key(value) for key, value in spec.values.items()}
    enum = target.enum

    def member(text: str, shown: Any) -> Enum:
        assert enum is not None
        found = vocabulary_member(enum, text)
        if found is None:
            raise _BadValueError(ImportCode.VALUE_UNKNOWN, _unknown(enum, shown))
        return found

    if target.kind == "list":

        def as_list(raw: Any) -> list[str]:
            items = raw if isinstance(raw, list) else _split(str(raw), spec.split)
            out = []
            for item in items:
                text = _value_key(item).strip()
                text = mapped.get(text, text)
                if text:
                    out.append(str(member(text, item).value) if enum is not None else text)
            return out

        return as_list

    def text_of(raw: Any) -> str:
        key = raw if type(raw) is str else _value_key(raw)
        return mapped.get(key, key)

    if target.kind == "record":

        def as_record(raw: Any) -> str:
            text = text_of(raw).strip().lower()
            if text not in ("site", "place"):
                raise _BadValueError(ImportCode.VALUE_UNKNOWN, f"{raw!r} is not site or place")
            return text

        return as_record
    if target.kind == "enum":
        table = {key: member(value, value) for key, value in mapped.items()}

        def as_member(raw: Any) -> Enum:
            key = raw if type(raw) is str else _value_key(raw)
            found = table.get(key)
            return found if found is not None else member(key, raw)

        return as_member
    if target.kind == "int":

        def as_int(raw: Any) -> int:
            number = _to_int(mapped.get(_value_key(raw), raw) if mapped else raw)
            if number is None:
                raise _BadValueError(ImportCode.NUMBER_INVALID, f"{raw!r} is not a whole number")
            return number

        return as_int
    if target.kind == "float":

        def as_float(raw: Any) -> float:
            number = _to_float(mapped.get(_value_key(raw), raw) if mapped else raw)
            if number is None:
                raise _BadValueError(ImportCode.NUMBER_INVALID, f"{raw!r} is not a number")
            return number

        return as_float
    if target.kind == "date":

        def as_date(raw: Any) -> dt.date:
            date = _to_date(mapped.get(_value_key(raw), raw) if mapped else raw)
            if date is None:
                raise _BadValueError(
                    ImportCode.DATE_INVALID, f"{raw!r} is not a date (e.g. 2019-10-07)"
                )
            return date

        return as_date
    return text_of


def _python_defaults(model: type[Any]) -> dict[str, Any]:
    """Column defaults evaluated in Python, for non-nullable columns a row leaves empty."""
    defaults: dict[str, Any] = {}
    for column in model.__table__.columns:
        default = column.default
        if column.nullable or default is None or column.key == "id":
            continue
        if default.is_callable:
            defaults[column.key] = functools.partial(default.arg, None)
        elif default.is_scalar:
            defaults[column.key] = functools.partial(lambda v: v, default.arg)
    return defaults


def _split(text: str, chars: str | None) -> list[str]:
    separators = chars or _DEFAULT_SPLIT
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", text)]


def _value_key(value: Any) -> str:
    """A cell as text, for ``values`` look-ups: 3 and 3.0 are "3"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unknown(enum: type[Enum], value: Any) -> str:
    codes = ", ".join(str(m.value) for m in enum)
    return f"{value!r} is not a {enum.__name__} (codes: {codes}; Chinese labels are accepted)"


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return None


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None
