"""From GraphQL arguments to service inputs: camelCase keys, decoded IDs, named look-ups.

The keys are turned back into the API's camelCase names before validation, so a problem
found by the input model names the field as the client wrote it (``input.surveyedOn``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.db.base import Base
from heritage.graphql.ids import decode_id
from heritage.models import HeritageObject
from heritage.services.checks import not_found

ModelT = TypeVar("ModelT", bound=Base)

# Global ID types accepted for an object reference.
OBJECT_TYPES = ("Place", "Site")


def service_input(data: Any, ids: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """``data`` (a GraphQL input object) as a dict for a service model.

    ``ids`` names the fields (snake_case, at any depth) holding global IDs, with the types
    each may point at; they are decoded to database ids.
    """
    converted: dict[str, Any] = _convert(data, ids or {}, "")
    return converted


def _convert(value: Any, ids: Mapping[str, tuple[str, ...]], path: str) -> Any:
    if isinstance(value, Mapping):
        converted: dict[str, Any] = {}
        for key, item in value.items():
            name = to_camel(key)
            where = f"{path}.{name}" if path else name
            if key in ids and isinstance(item, str):
                converted[name] = decode_id(item, ids[key], where)
            else:
                converted[name] = _convert(item, ids, where)
        return converted
    if isinstance(value, list):
        return [_convert(item, ids, f"{path}.{index}") for index, item in enumerate(value)]
    return value


async def existing(
    session: AsyncSession, model: type[ModelT], db_id: int, field: str, what: str
) -> ModelT:
    """The row ``db_id`` of ``model``, or NOT_FOUND on ``field``.

    The row stays in the session's identity map, so the service loading it again by
    primary key costs no second query.
    """
    row = await session.get(model, db_id)
    if row is None:
        raise not_found(what, db_id, field)
    return row


async def ensure_object(session: AsyncSession, values: Mapping[str, Any]) -> None:
    """NOT_FOUND on ``objectId`` (not on the mutation's ``id``) for an unknown place or site."""
    if isinstance(values.get("objectId"), int):
        await existing(session, HeritageObject, values["objectId"], "objectId", "place or site")
