"""Relay global IDs (base64 of ``Type:id``) and their checked decoding."""

from __future__ import annotations

from graphql_relay import from_global_id, to_global_id

from heritage.services.errors import ErrorCode, ServiceError


def global_id(type_name: str, db_id: int) -> str:
    """The global ID of row ``db_id`` shown as ``type_name``."""
    return to_global_id(type_name, str(db_id))


def decode_id(value: str, expected: tuple[str, ...], field: str = "id") -> int:
    """The database id inside a global ID of one of ``expected`` types, or a coded error.

    A plain integer is accepted too, so scripts may pass database ids.
    """
    if value.isdigit():
        return int(value)
    try:
        type_name, raw = from_global_id(value)
    except Exception as exc:  # graphql_relay raises bare errors on bad base64
        raise ServiceError.single(field, ErrorCode.INVALID, f"{value!r} is not an ID") from exc
    if type_name not in expected or not raw.isdigit():
        raise ServiceError.single(
            field,
            ErrorCode.INVALID,
            f"{value!r} is not the ID of a {' or '.join(expected)}",
        )
    return int(raw)
