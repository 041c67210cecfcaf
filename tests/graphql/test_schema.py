"""The committed SDL matches the code, and every part of the schema is documented."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from heritage.graphql.schema import build_schema, schema_sdl

SDL_FILE = Path(__file__).parents[2] / "schema" / "heritage.graphql"


def test_the_committed_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema/heritage.graphql is out of date: run `heritage schema print > "
        "schema/heritage.graphql` and commit it"
    )


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    schema = build_schema().graphql_schema
    missing: list[str] = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not named.description:
            missing.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, definition in field.args.items()
                    if not definition.description
                ]
        elif isinstance(named, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, d in named.fields.items() if not d.description]
        elif isinstance(named, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, d in named.values.items() if not d.description]

    assert missing == []
