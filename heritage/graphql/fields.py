"""Graphene fields built from the ORM columns and the service inputs, so the API mirrors them
without a second hand-kept copy; descriptions come from :mod:`heritage.graphql.docs`.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import Any

import graphene
from graphene.types.resolver import dict_or_attr_resolver
from pydantic import BaseModel
from sqlalchemy import Boolean, Date, Float, Integer, Numeric, String, Text
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.orm import Mapper

from heritage.db.base import JsonType, UTCDateTime
from heritage.graphql.docs import FIELD_DOCS
from heritage.graphql.enums import graphql_enum


def doc(name: str) -> str:
    """The description of field ``name``; a missing one is a defect caught at import."""
    try:
        return FIELD_DOCS[name]
    except KeyError:
        raise KeyError(f"no description for field {name!r} in heritage.graphql.docs") from None


def attribute(name: str) -> Callable[..., Any]:
    """The resolver of a field that reads the root's attribute (or key) ``name``, as
    graphene's default resolver reads the field's own name.

    The executor reads such a field straight off its root, without a resolver call
    (:mod:`heritage.graphql.execution`), as it reads columns.
    """
    return partial(dict_or_attr_resolver, name, None)


def _scalar_for_column(column: Any) -> Any:
    col_type = column.type
    if isinstance(col_type, SqlEnum) and col_type.enum_class is not None:
        return graphql_enum(col_type.enum_class)
    if isinstance(col_type, UTCDateTime):
        return graphene.DateTime
    if isinstance(col_type, Date):
        return graphene.Date
    if isinstance(col_type, Boolean):
        return graphene.Boolean
    if isinstance(col_type, Numeric) and not isinstance(col_type, Float):
        return graphene.Decimal
    if isinstance(col_type, Float):
        return graphene.Float
    if isinstance(col_type, Integer):
        return graphene.Int
    if isinstance(col_type, String | Text):
        return graphene.String
    raise TypeError(f"no GraphQL type for column {column.key} ({col_type!r}); give an override")


def column_fields(
    mapper: Mapper[Any], names: list[str], overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Graphene fields for the named columns; ``overrides`` gives types (e.g. for JSON)."""
    overrides = overrides or {}
    fields: dict[str, Any] = {}
    for name in names:
        column = mapper.columns[name]
        if name in overrides:
            graph_type = overrides[name]
        elif column.type is JsonType or isinstance(column.type, type(JsonType)):
            raise TypeError(f"JSON column {name} needs an override")
        else:
            graph_type = _scalar_for_column(column)
        if not column.nullable and not isinstance(graph_type, graphene.NonNull):
            graph_type = graphene.NonNull(graph_type)
        fields[name] = graphene.Field(graph_type, description=doc(name))
    return fields


def _graph_type(annotation: Any, input_types: Mapping[type[BaseModel], Any]) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _graph_type(args[0], input_types)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _graph_type(inner[0], input_types)
    if origin is list:
        return graphene.List(graphene.NonNull(_graph_type(args[0], input_types)))
    if origin is dict:
        return graphene.JSONString
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return graphql_enum(annotation)
        if issubclass(annotation, BaseModel):
            return input_types[annotation]
        simple = {
            bool: graphene.Boolean,
            int: graphene.Int,
            float: graphene.Float,
            str: graphene.String,
            Decimal: graphene.Decimal,
            dt.datetime: graphene.DateTime,
            dt.date: graphene.Date,
        }
        for python_type, graph_type in simple.items():
            if issubclass(annotation, python_type):
                return graph_type
    raise TypeError(f"no GraphQL input type for {annotation!r}")


_input_types: dict[str, Any] = {}


def input_type(
    model: type[BaseModel],
    name: str,
    *,
    ids: dict[str, str] | None = None,
    exclude: tuple[str, ...] = (),
    nested: Mapping[type[BaseModel], Any] | None = None,
    optional: tuple[str, ...] = (),
) -> Any:
    """A graphene ``InputObjectType`` mirroring a service input model.

    ``ids`` marks fields holding database ids, exposed as global ``ID``s (name → the
    GraphQL type(s) they point at, e.g. ``"Site|Place"``). Required-ness follows the model;
    names in ``optional`` are optional in GraphQL even if required there.
    """
    if name in _input_types:
        return _input_types[name]
    ids = ids or {}
    nested = nested or {}
    attrs: dict[str, Any] = {"__doc__": (model.__doc__ or name).strip().splitlines()[0]}
    for field_name, info in model.model_fields.items():
        if field_name in exclude:
            continue
        graph_type = graphene.ID if field_name in ids else _graph_type(info.annotation, nested)
        required = info.is_required() and field_name not in optional
        if field_name in ids:
            description = f"{doc(field_name)} (ID of a {ids[field_name].replace('|', ' or ')})."
        else:
            description = doc(field_name)
        attrs[field_name] = graphene.InputField(
            graphene.NonNull(graph_type) if required else graph_type, description=description
        )
    made = type(name, (graphene.InputObjectType,), attrs)
    _input_types[name] = made
    return made


def columns_mixin(
    name: str, mapper: Mapper[Any], names: list[str], overrides: dict[str, Any] | None = None
) -> Any:
    """A plain class carrying :func:`column_fields`, to mix into a graphene type."""
    return type(name, (), column_fields(mapper, names, overrides))
