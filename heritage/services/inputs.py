"""Base of the typed inputs the use-cases accept, named as the API names them (camelCase)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from heritage.services.errors import ServiceError, from_validation


class Input(BaseModel):
    """Strict, immutable input: unknown fields are refused, strings are stripped."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        str_strip_whitespace=True,
        extra="forbid",
        frozen=True,
    )

    def given(self) -> set[str]:
        """Names of the fields the caller set (for partial updates)."""
        return set(self.model_fields_set)


InputT = TypeVar("InputT", bound=Input)


def parse_input(model: type[InputT], data: dict[str, Any], prefix: str = "") -> InputT:
    """Validate ``data`` into ``model``, raising a coded :class:`ServiceError` on bad input."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ServiceError(from_validation(exc, prefix)) from exc


def apply_given(target: object, data: Input, names: set[str] | None = None) -> None:
    """Copy the fields the caller set (optionally only ``names``) onto ``target``."""
    for name in data.given():
        if names is None or name in names:
            setattr(target, name, getattr(data, name))
