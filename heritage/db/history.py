"""Write hooks: a change record for every write and a search-outbox row for every object whose
search document changes, both inserted in the flush that makes the change (same transaction).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.base import NO_VALUE

from heritage.context import Actor, current_actor, current_request_id
from heritage.db.base import Base, utcnow
from heritage.models.history import ChangeRecord, SearchOutbox
from heritage.models.vocab import ChangeAction

REDACTED = "<redacted>"


class MissingActorError(RuntimeError):
    """A write was flushed with no actor set: every change must be attributable."""


class RefusedDeleteError(RuntimeError):
    """A row that the registry keeps for ever (a heritage object, a designation) was deleted."""


# Rows the registry never deletes; the database refuses it too (triggers in the migrations).
UNDELETABLE_TABLES = frozenset({"heritage_object", "designation", "status_change"})


def install_history_hooks(session_class: type[Session]) -> None:
    """Register the hooks on ``session_class`` (the registry's own session class only)."""
    event.listen(session_class, "before_flush", _refuse_deletes)
    event.listen(session_class, "after_flush", _record_changes)


def _refuse_deletes(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    for obj in session.deleted:
        table = getattr(obj, "__tablename__", "")
        if table in UNDELETABLE_TABLES:
            raise RefusedDeleteError(
                f"{table} rows are never deleted; record a status change instead"
            )


def _record_changes(session: Session, flush_context: UOWTransaction) -> None:
    changes: list[dict[str, Any]] = []
    roots: set[int] = set()
    # An actor pinned on the session (background jobs, tests) wins over the request's.
    actor: Actor | None = session.info.get("actor")
    for obj in session.new:
        if _tracked(obj):
            changes.append(_change(obj, ChangeAction.CREATE, None, _snapshot(obj), actor))
            roots |= obj.search_roots()
    for obj in session.dirty:
        if _tracked(obj) and session.is_modified(obj, include_collections=False):
            before, after = _diff(obj)
            if after:
                changes.append(_change(obj, ChangeAction.UPDATE, before, after, actor))
                roots |= obj.search_roots()
    for obj in session.deleted:
        if _tracked(obj):
            changes.append(_change(obj, ChangeAction.DELETE, _snapshot(obj), None, actor))
            roots |= obj.search_roots()
    if not changes:
        return
    connection = session.connection()
    connection.execute(insert(ChangeRecord), changes)
    if roots:
        connection.execute(insert(SearchOutbox), outbox_values(roots))


def _tracked(obj: object) -> bool:
    return isinstance(obj, Base) and obj.__tracked__


def _change(
    obj: Base,
    action: ChangeAction,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    session_actor: Actor | None,
) -> dict[str, Any]:
    actor = writing_actor(session_actor, f"{action.value} of {obj.__tablename__}")
    (object_id,) = inspect(obj).mapper.primary_key_from_instance(obj)
    return change_values(
        actor,
        action,
        obj.__tablename__,
        object_id,
        getattr(obj, "version", None),
        before,
        after,
    )


def writing_actor(session_actor: Actor | None, what: str) -> Actor:
    """The actor a write is attributed to: the session's, else the request's; never none."""
    actor = session_actor or current_actor()
    if actor is None:
        raise MissingActorError(f"{what} with no actor: wrap writes in acting_as()")
    return actor


def change_values(
    actor: Actor,
    action: ChangeAction,
    object_type: str,
    object_id: int,
    object_version: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    """The ``change_record`` row for one write (also for rows written in bulk with Core)."""
    return {
        "occurred_at": utcnow(),
        "actor_id": actor.user_id,
        "actor_label": actor.label,
        "request_id": current_request_id(),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_version": object_version,
        "before": before,
        "after": after,
    }


def outbox_values(object_ids: Iterable[int]) -> list[dict[str, Any]]:
    """``search_outbox`` rows for the objects whose search documents a write changed."""
    now = utcnow()
    return [
        {"object_id": r, "enqueued_at": now, "next_attempt_at": now} for r in sorted(object_ids)
    ]


def snapshot_of_values(model: type[Base], values: Mapping[str, Any]) -> dict[str, Any]:
    """What :func:`_snapshot` records for a row of ``model`` inserted with these column values.

    Rows inserted in bulk with Core pass every column value, as the ORM would have loaded it.
    """
    redacted = model.__redacted__
    snapshot: dict[str, Any] = {}
    for key in _column_keys(model):
        if key not in values:
            continue
        value = values[key]
        kind = type(value)
        # Plain scalars and enum codes (most columns) directly; the rest as _snapshot does.
        if key in redacted:
            snapshot[key] = _jsonable(model, key, value)
        elif value is None or kind in _PLAIN:
            snapshot[key] = value
        elif kind in _ENUMS:
            snapshot[key] = value.value
        else:
            if isinstance(value, enum.Enum):
                _ENUMS.add(kind)
            snapshot[key] = _jsonable(model, key, value)
    return snapshot


_PLAIN = frozenset({str, int, float, bool})
# Enum classes met so far: bulk writes snapshot thousands of their members.
_ENUMS: set[type] = set()


@functools.cache
def _column_keys(model: type[Base]) -> tuple[str, ...]:
    return tuple(attr.key for attr in inspect(model).column_attrs)


def _snapshot(obj: Base) -> dict[str, Any]:
    state = inspect(obj)
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        value = state.attrs[attr.key].loaded_value
        if value is not NO_VALUE:
            values[attr.key] = _jsonable(obj, attr.key, value)
    return values


def _diff(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in ("version", "updated_at"):
            continue
        history = state.attrs[attr.key].history
        if not history.added:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0]
        if old == new:
            continue
        before[attr.key] = _jsonable(obj, attr.key, old)
        after[attr.key] = _jsonable(obj, attr.key, new)
    return before, after


def _jsonable(obj: Base | type[Base], key: str, value: Any) -> Any:
    if key in obj.__redacted__ and value is not None:
        return REDACTED
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(obj, key, v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(obj, key, v) for k, v in value.items()}
    return str(value)
