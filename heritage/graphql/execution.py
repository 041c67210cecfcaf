"""graphql-core's executor with two shortcuts for the registry's long lists (same results).

A page of 100 sites with their records is about 2,500 fields, most of them columns read
straight off ORM rows by graphene's default resolver. For each, graphql-core builds a resolve
info, coerces (absent) arguments, calls the resolver through two wrappers and asks whether
the value is awaitable, which ``hasattr(value, "__await__")`` answers by raising and catching
an ``AttributeError`` for every string, number and row. So:

* :class:`RegistryExecutionContext` reads a field whose resolver is graphene's default
  attribute resolver and whose type is a scalar or enum directly from its source and
  serialises it, with graphql-core's own null checks and error handling;
* :func:`is_awaitable` gives graphql-core's answer memoised by type.

Everything else (objects, lists, fields with resolvers or arguments) takes graphql-core's path.
And :class:`ValidatedDocuments` keeps the parsed documents that passed the specification's
rules: clients send the same few query texts again and again.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from types import GeneratorType
from typing import Any, cast

from graphene.types.resolver import dict_or_attr_resolver
from graphql import (
    DocumentNode,
    ExecutionContext,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
    located_error,
    parse,
    specified_rules,
    validate,
)
from graphql.pyutils import Path
from graphql.pyutils import is_awaitable as graphql_is_awaitable

_awaitable_by_type: dict[type, bool] = {}


def is_awaitable(value: Any) -> bool:
    """graphql-core's :func:`~graphql.pyutils.is_awaitable`, memoised by the value's type.

    ``__await__`` is looked up on the type; only generator-based coroutines are told apart
    per object, so those are always asked afresh.
    """
    kind = type(value)
    known = _awaitable_by_type.get(kind)
    if known is not None:
        return known
    verdict: bool = graphql_is_awaitable(value)
    if kind is not GeneratorType:
        _awaitable_by_type[kind] = verdict
    return verdict


_Column = tuple[str, Any, GraphQLLeafType, bool]


def _column(field: GraphQLField | None) -> _Column | None:
    """(attribute, default, leaf type, non-null) of a plain column field, else ``None``."""
    if field is None:
        return None
    resolve = field.resolve
    if not (
        isinstance(resolve, partial)
        and resolve.func is dict_or_attr_resolver
        and len(resolve.args) == 2
        and not resolve.keywords
    ):
        return None
    non_null = isinstance(field.type, GraphQLNonNull)
    named = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not is_leaf_type(named):
        return None
    attribute, default = resolve.args
    return attribute, default, cast(GraphQLLeafType, named), non_null


class RegistryExecutionContext(ExecutionContext):
    """Executes plain column fields without a resolve info or a resolver call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._columns: dict[tuple[str, str], _Column | None] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        node = field_nodes[0]
        key = (parent_type.name, node.name.value)
        if key not in self._columns:
            self._columns[key] = _column(parent_type.fields.get(node.name.value))
        column = self._columns[key]
        if column is None or node.arguments or self.middleware_manager is not None:
            return super().execute_field(parent_type, source, field_nodes, path)
        attribute, default, leaf_type, non_null = column
        try:
            if isinstance(source, dict):
                value = source.get(attribute, default)
            else:
                value = getattr(source, attribute, default)
            if self.is_awaitable(value):  # not a column after all: the general path
                return super().execute_field(parent_type, source, field_nodes, path)
            if isinstance(value, Exception):
                raise value
            if value is None or value is Undefined:
                if non_null:
                    raise TypeError(
                        "Cannot return null for non-nullable field"
                        f" {parent_type.name}.{node.name.value}."
                    )
                return None
            return self.complete_leaf_value(leaf_type, value)
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, parent_type.fields[node.name.value].type, path)
            return None


class ValidatedDocuments:
    """Parsed documents that passed the specification's validation rules, by query text.

    Least recently used ones go first; invalid and very long texts are never kept. Rules that
    depend on the variables (the limits) are not part of this and run on every request.
    """

    def __init__(self, schema: GraphQLSchema, size: int = 256, longest: int = 20_000) -> None:
        self.schema = schema
        self.size = size
        self.longest = longest
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()

    def get(self, text: str) -> tuple[DocumentNode, list[GraphQLError]]:
        """The document and its validation problems; raises ``GraphQLError`` if unparsable."""
        document = self._documents.get(text)
        if document is not None:
            self._documents.move_to_end(text)
            return document, []
        document = parse(text)
        problems = validate(self.schema, document, specified_rules)
        if not problems and len(text) <= self.longest:
            self._documents[text] = document
            if len(self._documents) > self.size:
                self._documents.popitem(last=False)
        return document, problems
