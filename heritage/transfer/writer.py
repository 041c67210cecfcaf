"""Writing checked rows in batches: new records with Core bulk inserts, matched records through
the ORM, and the change history and search outbox for both, in the import's transaction.

Per batch of rows:

1. rows are matched to registry records by official code, external key or public id;
2. a row repeating an earlier row of the file is refused (``DUPLICATE_KEY``): it matches a
   record this import created (their ids are kept as ranges), or the key of a record that
   existed before, which was remembered in a temporary table; memory does not grow;
3. matched records are loaded, changed where the row differs, and flushed: the session's history
   hook writes their ``UPDATE`` change records and outbox rows;
4. new records are inserted with one multi-row ``INSERT … RETURNING`` per table, and their
   ``CREATE`` change records and outbox rows are built with the same helpers the hook uses
   (:mod:`heritage.db.history`) and inserted in bulk.

The database rules that single rows cannot check are checked here: a 国保 number already used
by another site (``NATIONAL_CODE_TAKEN``), and the designations already in force on a matched
record (``DUPLICATE_ACTIVE_LEVEL``, ``HISTORIC_BUILDING_CONFLICT`` …).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from heritage.context import Actor
from heritage.db.history import change_values, outbox_values
from heritage.models import ChangeRecord, Designation, HeritageObject, SearchOutbox, Site
from heritage.models.vocab import (
    AnnouncementKind,
    ChangeAction,
    DesignationStatus,
    DesignationType,
)
from heritage.services.atomic import atomically
from heritage.services.designations import check_designation_entry
from heritage.services.errors import ErrorCode, Problems, ServiceError
from heritage.services.objects import SiteFields, update_object
from heritage.transfer.mapping import Mapping
from heritage.transfer.problems import ImportCode, Issue
from heritage.transfer.rows import PlannedRow

IN_FORCE = (DesignationStatus.ACTIVE, DesignationStatus.ENDANGERED)
_KEYS_TABLE = "heritage_import_keys"
_MERGED_SUFFIXES = ("增补点",)
_BOOKKEEPING = frozenset({"version", "created_at", "updated_at"})
_SQLITE_CACHE = -65536  # KiB: 64 MiB


@dataclass
class WriteCounts:
    """What the writer did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0


class Writer:
    """Writes the rows of one import into ``session``'s transaction."""

    def __init__(self, session: AsyncSession, mapping: Mapping, actor: Actor) -> None:
        self.session = session
        self.mapping = mapping
        self.actor = actor
        self.counts = WriteCounts()
        self._sqlite_cache: int | None = None
        self._created = IdRanges()

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Create the table of keys seen in this file (temporary: private to the connection)."""
        await self.session.execute(
            text(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {_KEYS_TABLE} "
                "(match_key VARCHAR(400) PRIMARY KEY, line INTEGER NOT NULL)"
            )
        )
        await self.session.execute(text(f"DELETE FROM {_KEYS_TABLE}"))
        if self.session.bind is not None and self.session.bind.dialect.name == "sqlite":
            # A long transaction touches many index pages; a larger page cache (bounded)
            # keeps them in memory instead of spilling them to the log and reading them back.
            result = await self.session.execute(text("PRAGMA cache_size"))
            self._sqlite_cache = int(result.scalar() or -2000)
            await self.session.execute(text(f"PRAGMA cache_size = {_SQLITE_CACHE}"))

    async def finish(self) -> list[Issue]:
        """Link merged items to their parents; drop the key table. Returns issues to report."""
        issues = await self._link_merged_items()
        await self.session.execute(text(f"DROP TABLE IF EXISTS {_KEYS_TABLE}"))
        if self._sqlite_cache is not None:
            await self.session.execute(text(f"PRAGMA cache_size = {self._sqlite_cache}"))
        return issues

    # -- batches -----------------------------------------------------------------------------

    async def write(self, rows: Sequence[PlannedRow]) -> None:
        """Write one batch; refused rows get their issues appended."""
        self._refuse_repeats_in_batch(rows)
        candidates = [r for r in rows if r.ok]
        matched = await self._match(candidates)
        # A key matching a record this import created repeats an earlier row of the file; keys
        # of records that existed before are remembered in the key table (kept small: a first
        # import creates all its records and remembers nothing but merged items' lines).
        existing: list[PlannedRow] = []
        for row in candidates:
            object_id = matched.get(id(row))
            if object_id is not None and object_id in self._created:
                self._duplicate(row, "the same record as an earlier row of this file")
            elif object_id is not None:
                existing.append(row)
        await self._refuse_repeated_matches(existing)
        candidates = [r for r in candidates if r.ok]
        await self._remember(
            [
                {"key": r.match_key, "line": r.line}
                for r in candidates
                if r.merged_item and r.match_key is not None and id(r) not in matched
            ]
        )
        owners = await self._code_owners(candidates)
        new: list[PlannedRow] = []
        updates: list[tuple[PlannedRow, int]] = []
        for row in candidates:
            object_id = matched.get(id(row))
            owner = owners.get(row.official_code) if row.official_code else None
            if owner is not None and owner != object_id:
                row.issues.append(
                    _issue(
                        row,
                        ErrorCode.NATIONAL_CODE_TAKEN,
                        f"{row.official_code} is already the number of another site "
                        f"(record {owner})",
                        "designation.official_code",
                        row.official_code,
                    )
                )
                continue
            if object_id is None:
                new.append(row)
            else:
                updates.append((row, object_id))
        if updates:
            await self._update(updates)
        if new:
            await self._insert(new)
        self.counts.refused += sum(1 for r in rows if not r.ok)

    def _refuse_repeats_in_batch(self, rows: Sequence[PlannedRow]) -> None:
        first: dict[str, int] = {}
        for row in rows:
            if row.match_key is None:
                continue
            line = first.setdefault(row.match_key, row.line)
            if line != row.line:
                self._duplicate(row, f"the same record as line {line}")

    def _duplicate(self, row: PlannedRow, what: str) -> None:
        assert row.match_key is not None
        row.issues.append(
            _issue(
                row,
                ImportCode.DUPLICATE_KEY,
                f"{what} ({_describe_key(row.match_key)}); each record may appear once in a file",
                "key",
                row.key,
                field=self.mapping.key.column if self.mapping.key else None,
            )
        )

    async def _refuse_repeated_matches(self, rows: Sequence[PlannedRow]) -> None:
        """Rows matching records that existed before the import: their keys go in the key
        table, and a key found there was matched by an earlier row of the file."""
        keys = list({r.match_key for r in rows if r.match_key is not None})
        earlier: dict[str, int] = {}
        for chunk in _chunks(keys, 500):
            result = await self.session.execute(
                text(
                    f"SELECT match_key, line FROM {_KEYS_TABLE} WHERE match_key IN :keys"
                ).bindparams(bindparam("keys", expanding=True)),
                {"keys": chunk},
            )
            earlier.update({k: line for k, line in result.all()})
        fresh: list[dict[str, Any]] = []
        for row in rows:
            if row.match_key is None:
                continue
            line = earlier.get(row.match_key)
            if line is not None:
                self._duplicate(row, f"the same record as line {line}")
                continue
            fresh.append({"key": row.match_key, "line": row.line})
        await self._remember(fresh)

    async def _remember(self, keys: list[dict[str, Any]]) -> None:
        if keys:
            await self.session.execute(
                text(f"INSERT INTO {_KEYS_TABLE} (match_key, line) VALUES (:key, :line)"), keys
            )

    async def _match(self, rows: Sequence[PlannedRow]) -> dict[int, int]:
        """Registry record id for each row that matches one, by ``id(row)``."""
        key = self.mapping.key
        found: dict[int, int] = {}
        if key is None:
            return found
        if key.match == "official_code":
            by_code: dict[tuple[DesignationType, str], list[PlannedRow]] = {}
            for row in rows:
                if row.official_code and row.designation_values:
                    dtype = row.designation_values["designation_type"]
                    by_code.setdefault((dtype, row.official_code), []).append(row)
            for dtype in {d for d, _ in by_code}:
                codes = [c for d, c in by_code if d == dtype]
                for chunk in _chunks(codes, 500):
                    result = await self.session.execute(
                        select(Designation.official_code, Designation.object_id).where(
                            Designation.designation_type == dtype,
                            Designation.official_code.in_(chunk),
                            Designation.status.in_(IN_FORCE),
                        )
                    )
                    for code, object_id in result.all():
                        for row in by_code.get((dtype, code or ""), []):
                            found[id(row)] = object_id
        if key.match == "public_id":
            column = HeritageObject.public_id
            wanted = {r.object_values["public_id"]: r for r in rows if r.key}
            for chunk in _chunks([k for k in wanted if k], 500):
                result = await self.session.execute(
                    select(column, HeritageObject.id).where(column.in_(chunk))
                )
                for public_id, object_id in result.all():
                    found[id(wanted[public_id])] = object_id
        if key.source is not None:
            rest = {r.key: r for r in rows if id(r) not in found and r.key}
            for chunk in _chunks(list(rest), 500):
                result = await self.session.execute(
                    select(HeritageObject.external_key, HeritageObject.id).where(
                        HeritageObject.external_source == key.source,
                        HeritageObject.external_key.in_(chunk),
                    )
                )
                for external_key, object_id in result.all():
                    found[id(rest[external_key or ""])] = object_id
        return found

    async def _code_owners(self, rows: Sequence[PlannedRow]) -> dict[str, int]:
        """Objects holding the 国保 numbers of ``rows`` (a number names one site)."""
        codes = list(
            {
                r.official_code
                for r in rows
                if r.official_code
                and r.designation_values
                and r.designation_values["designation_type"] == DesignationType.CPU_NATIONAL
            }
        )
        owners: dict[str, int] = {}
        for chunk in _chunks(codes, 500):
            result = await self.session.execute(
                select(Designation.official_code, Designation.object_id).where(
                    Designation.designation_type == DesignationType.CPU_NATIONAL,
                    Designation.official_code.in_(chunk),
                    Designation.status.in_(IN_FORCE),
                )
            )
            owners.update({code: object_id for code, object_id in result.all() if code})
        return owners

    # -- matched records ---------------------------------------------------------------------

    async def _update(self, updates: list[tuple[PlannedRow, int]]) -> None:
        ids = list({object_id for _, object_id in updates})
        objects: dict[int, HeritageObject] = {}
        for chunk in _chunks(ids, 500):
            result = await self.session.scalars(
                select(HeritageObject)
                .where(HeritageObject.id.in_(chunk))
                .options(selectinload(HeritageObject.designations))
            )
            objects.update({obj.id: obj for obj in result})
        changed_ids: set[int] = set()
        for row, object_id in updates:
            obj = objects[object_id]
            plan = self._plan_update(row, obj)
            if plan is None:
                continue
            changes, designation, designation_changes = plan
            for column, value in changes.items():
                setattr(obj, column, value)
            if designation is None and row.designation_values is not None:
                values = {k: v for k, v in row.designation_values.items() if k not in _BOOKKEEPING}
                self.session.add(Designation(object_id=obj.id, **values))
                designation_changes = values
            elif designation is not None:
                for column, value in designation_changes.items():
                    setattr(designation, column, value)
            if changes or designation_changes:
                changed_ids.add(obj.id)
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
        if changed_ids:
            await self.session.flush()
        self.session.expunge_all()

    def _plan_update(
        self, row: PlannedRow, obj: HeritageObject
    ) -> tuple[dict[str, Any], Designation | None, dict[str, Any]] | None:
        """The changes a row makes to a matched record, or ``None`` (with issues) if refused."""
        if obj.record_type != row.record_type:
            row.issues.append(
                _issue(
                    row,
                    ImportCode.RECORD_TYPE_MISMATCH,
                    f"the key matches record {obj.id}, which is a {obj.record_type}, "
                    f"not a {row.record_type}",
                    "key",
                    row.key,
                )
            )
            return None
        if obj.kind != row.object_values.get("kind"):
            row.issues.append(
                _issue(
                    row,
                    ErrorCode.KIND_MISMATCH,
                    f"record {obj.id} is a {obj.kind.value}; a re-import does not change the "
                    "kind of a record",
                    "kind",
                    row.object_values.get("kind"),
                    severity="warning",
                )
            )
        changes = {
            column: row.object_values[column]
            for column in sorted(row.object_given)
            if getattr(obj, column) != row.object_values[column]
        }
        if obj.external_key is None and row.object_values.get("external_key") is not None:
            changes["external_source"] = row.object_values["external_source"]
            changes["external_key"] = row.object_values["external_key"]
        if row.designation_values is None:
            return changes, None, {}
        dtype: DesignationType = row.designation_values["designation_type"]
        in_force = [d for d in obj.designations if d.status.is_in_force]
        same = [d for d in in_force if d.designation_type == dtype]
        code = row.official_code
        target = next((d for d in same if code and d.official_code == code), None)
        target = target or (same[0] if same else None)
        if target is None:
            problems = Problems()
            check_designation_entry(
                problems,
                obj.kind,
                dtype,
                row.designation_values.get("protection_level"),
                {d.designation_type for d in in_force},
            )
            if problems.items:
                for problem in problems.items:
                    row.issues.append(
                        _issue(
                            row,
                            problem.code,
                            f"record {obj.id}: {problem.message}",
                            "designation.type",
                            dtype.value,
                        )
                    )
                return None
            return changes, None, {}
        designation_changes = {
            column: row.designation_values[column]
            for column in sorted(row.designation_given)
            if getattr(target, column) != row.designation_values[column]
        }
        return changes, target, designation_changes

    # -- new records -------------------------------------------------------------------------

    async def _insert(self, rows: list[PlannedRow]) -> None:
        object_rows = [row.object_values for row in rows]
        # RETURNING in any order (a multi-row INSERT per batch), matched back by the unique
        # public id; asking for the parameters' order makes SQLite insert row by row.
        table = cast(Table, HeritageObject.__table__)
        result = await self.session.execute(
            insert(table).returning(table.c.id, table.c.public_id), object_rows
        )
        id_of = {public_id: object_id for object_id, public_id in result.all()}
        object_ids = [id_of[values["public_id"]] for values in object_rows]
        self._created.add(object_ids)
        changes = []
        for object_id, row in zip(object_ids, rows, strict=True):
            changes.append(
                change_values(
                    self.actor,
                    ChangeAction.CREATE,
                    "heritage_object",
                    object_id,
                    row.object_values.get("version"),
                    None,
                    {"id": object_id, **row.object_snapshot},
                )
            )
        designation_rows = []
        snapshots = {}
        for object_id, row in zip(object_ids, rows, strict=True):
            if row.designation_values is not None:
                designation_rows.append({**row.designation_values, "object_id": object_id})
                snapshots[object_id] = row.designation_snapshot
        if designation_rows:
            dtable = cast(Table, Designation.__table__)
            result = await self.session.execute(
                insert(dtable).returning(dtable.c.id, dtable.c.object_id), designation_rows
            )
            # One designation per new record: the record's id tells them apart.
            designation_of = {object_id: d_id for d_id, object_id in result.all()}
            for values in designation_rows:
                object_id = values["object_id"]
                designation_id = designation_of[object_id]
                changes.append(
                    change_values(
                        self.actor,
                        ChangeAction.CREATE,
                        "designation",
                        designation_id,
                        values.get("version"),
                        None,
                        {"id": designation_id, "object_id": object_id, **snapshots[object_id]},
                    )
                )
        # Core inserts on the tables, as the history hook does (not the ORM's bulk path).
        await self.session.execute(insert(_table(ChangeRecord)), changes)
        await self.session.execute(insert(_table(SearchOutbox)), outbox_values(object_ids))
        self.counts.created += len(rows)

    # -- merged items ------------------------------------------------------------------------

    async def _link_merged_items(self) -> list[Issue]:
        """Link 国保 merged items of this source to the site whose name their name extends.

        A merged item (合并项目) such as 中东铁路建筑群增补点 or 筇竹寺墓塔 joins an existing
        site; the parent is the national site of the same category from an earlier batch whose
        name is the longest prefix of the item's name (a 增补点 suffix dropped). Items with no
        single such site stay unlinked, with a warning.
        """
        key = self.mapping.key
        if key is None or key.source is None or self.mapping.options.merged_items != "link":
            return []
        merged = list(
            await self.session.scalars(
                select(Designation)
                .where(
                    Designation.designation_type == DesignationType.CPU_NATIONAL,
                    Designation.announcement_kind == AnnouncementKind.MERGE_INTO_EXISTING,
                    Designation.parent_designation_id.is_(None),
                    Designation.status.in_(IN_FORCE),
                )
                .order_by(Designation.id)
            )
        )
        sites: dict[int, Site] = {}
        for chunk in _chunks([d.object_id for d in merged], 500):
            for found in await self.session.scalars(
                select(Site).where(Site.id.in_(chunk), Site.external_source == key.source)
            ):
                sites[found.id] = found
        items = [(d, sites[d.object_id]) for d in merged if d.object_id in sites]
        issues = []
        for designation, site in items:
            line = await self._line_of(f"external:{site.external_key}")
            if line is None:
                continue  # not in this file
            parent = await self._merged_parent(designation, site)
            if parent is None:
                issues.append(
                    Issue(
                        line=line,
                        code=ImportCode.MERGED_PARENT_NOT_FOUND,
                        message=f"{site.name} is a merged item (合并项目); no single national "
                        "site of its category has a name it extends, so it is not linked",
                        target="designation.parent_designation_id",
                        value=site.name,
                        severity="warning",
                        key=site.external_key,
                    )
                )
                continue
            parent_designation, parent_site = parent
            designation.parent_designation_id = parent_designation.id
            note = f"linked to {parent_site.name} ({parent_designation.official_code})"
            try:
                await atomically(
                    self.session,
                    functools.partial(
                        update_object,
                        self.session,
                        site.id,
                        site.version,
                        SiteFields(parent_id=parent_site.id),
                    ),
                )
            except ServiceError as exc:
                note += f"; not placed inside it: {exc}"
            await self.session.flush()
            issues.append(
                Issue(
                    line=line,
                    code=ImportCode.MERGED_PARENT_LINKED,
                    message=f"{site.name} is a merged item (合并项目), {note}",
                    target="designation.parent_designation_id",
                    value=site.name,
                    severity="warning",
                    key=site.external_key,
                )
            )
        return issues

    async def _line_of(self, match_key: str) -> int | None:
        result = await self.session.execute(
            text(f"SELECT line FROM {_KEYS_TABLE} WHERE match_key = :key"), {"key": match_key}
        )
        line = result.scalar()
        return int(line) if line is not None else None

    async def _merged_parent(
        self, designation: Designation, site: Site
    ) -> tuple[Designation, Site] | None:
        name = site.name
        for suffix in _MERGED_SUFFIXES:
            name = name.removesuffix(suffix)
        prefixes = [name[:i] for i in range(2, len(name) + 1)]
        if not prefixes:
            return None
        # Two index look-ups rather than a join: right after a bulk insert the planner has no
        # statistics and may join two large tables the slow way.
        sites = {
            s.id: s
            for s in await self.session.scalars(
                select(Site).where(
                    Site.name.in_(prefixes), Site.id != site.id, Site.category == site.category
                )
            )
        }
        if not sites:
            return None
        result = await self.session.scalars(
            select(Designation).where(
                Designation.object_id.in_(list(sites)),
                Designation.designation_type == DesignationType.CPU_NATIONAL,
                Designation.official_code.is_not(None),
                Designation.status.in_(IN_FORCE),
            )
        )
        found = [(d, sites[d.object_id]) for d in result]
        candidates = [
            (d, s)
            for d, s in found
            if designation.batch_no is None or (d.batch_no or 0) < designation.batch_no
        ]
        if not candidates:
            return None
        longest = max(len(s.name) for _, s in candidates)
        best = [(d, s) for d, s in candidates if len(s.name) == longest]
        return best[0] if len(best) == 1 else None


class IdRanges:
    """A set of record ids kept as sorted ranges: ids inserted in bulk are consecutive, so a
    million of them take a few ranges, not a million set entries."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, ids: Sequence[int]) -> None:
        """Add ``ids``."""
        for value in sorted(ids):
            if self._ends and self._ends[-1] + 1 == value:
                self._ends[-1] = value
            elif not self._ends or value > self._ends[-1]:
                self._starts.append(value)
                self._ends.append(value)
            elif value not in self:
                at = bisect.bisect_left(self._starts, value)
                self._starts.insert(at, value)
                self._ends.insert(at, value)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        at = bisect.bisect_right(self._starts, value) - 1
        return at >= 0 and value <= self._ends[at]

    def __len__(self) -> int:
        return len(self._starts)


def _issue(
    row: PlannedRow,
    code: str,
    message: str,
    target: str | None,
    value: Any,
    *,
    field: str | None = None,
    severity: str = "error",
) -> Issue:
    return Issue(
        line=row.line,
        code=str(code),
        message=message,
        field=field,
        target=target,
        value=value,
        severity="warning" if severity == "warning" else "error",
        key=row.key,
    )


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _describe_key(match_key: str) -> str:
    kind, _, value = match_key.partition(":")
    if kind == "code":
        return f"official code {value.partition(':')[2]}"
    return f"key {value}"


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
