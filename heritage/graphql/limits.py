"""Limits checked before a query runs: depth, aliases and cost (with page-size multipliers).

Batch size and body size are checked by the HTTP view; these rules see one document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from heritage.graphql.connection import DEFAULT_PAGE

# Nested lists (a site's designations, plaques …) have no page size; count them as this many.
LIST_FACTOR = 10


@dataclass(frozen=True, slots=True)
class Limits:
    """The ceilings; defaults fit a list of 100 sites with their nested records."""

    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 50_000
    max_batch: int = 10
    max_body_bytes: int = 1_000_000


@dataclass
class _Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    by_variables: bool = False  # a variable's value (``first: $n``) entered the cost


def limit_rules(
    limits: Limits, variables: Mapping[str, Any] | None
) -> list[type[ASTValidationRule]]:
    """Validation rules enforcing ``limits``; ``variables`` resolve ``first: $n`` arguments."""

    class LimitsRule(ASTValidationRule):
        """Measure each operation once the document is known (fragments included)."""

        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            assert isinstance(self.context, ValidationContext)
            for error in limit_errors(self.context.schema, node, limits, variables):
                self.report_error(error)

    return [LimitsRule]


def limit_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: Limits,
    variables: Mapping[str, Any] | None,
) -> list[GraphQLError]:
    """What :func:`limit_rules` reports for ``document``, measured directly.

    The endpoint calls this rather than ``validate``: the measure walks the operations'
    selections itself, while ``validate`` would also walk every node of the document with
    type information, several times the cost of the measure, on every request.
    """
    return measured_limit_errors(schema, document, limits, variables)[0]


def measured_limit_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: Limits,
    variables: Mapping[str, Any] | None,
) -> tuple[list[GraphQLError], bool]:
    """:func:`limit_errors`, and whether the variables' values played a part (if not, the
    answer holds for every request of this document)."""
    values = dict(variables or {})
    by_variables = False
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    errors: list[GraphQLError] = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        root = schema.get_root_type(operation.operation)
        measure = _Measure()
        walk = _Walk(schema, fragments, values, measure)
        measure.cost = _cost(walk, operation.selection_set, root, 1, frozenset())
        by_variables = by_variables or measure.by_variables
        name = operation.name.value if operation.name else "the operation"
        for what, value, ceiling in (
            ("depth", measure.depth, limits.max_depth),
            ("aliases", measure.aliases, limits.max_aliases),
            ("cost", measure.cost, limits.max_cost),
        ):
            if value > ceiling:
                errors.append(
                    GraphQLError(
                        f"{name} exceeds the {what} limit: {value} > {ceiling}",
                        operation,
                        extensions={"code": f"QUERY_{what.upper()}_LIMIT"},
                    )
                )
    return errors, by_variables


@dataclass(frozen=True)
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    measure: _Measure


def _cost(
    walk: _Walk,
    selection_set: SelectionSetNode | None,
    parent: GraphQLNamedType | None,
    depth: int,
    visiting: frozenset[str],
) -> int:
    """Cost of a selection set: each field costs 1 plus its children times its page size."""
    if selection_set is None:
        return 0
    measure = walk.measure
    measure.depth = max(measure.depth, depth)  # 0 inside introspection: not counted
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.alias is not None:
                measure.aliases += 1
            child_type = _field_type(parent, selection.name.value)
            # Introspection nests ofType chains deeper than data queries do (GraphiQL's query
            # is 15 levels deep): its depth is not counted, its cost (lists x 10) still is.
            introspection = depth == 0 or selection.name.value.startswith("__")
            child_depth = 0 if introspection else depth + 1
            children = _cost(walk, selection.selection_set, child_type, child_depth, visiting)
            total += 1 + _multiplier(selection, parent, walk) * children
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = walk.schema.get_type(condition.name.value) if condition else parent
            total += _cost(walk, selection.selection_set, target or parent, depth, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in visiting:  # cycles are reported by the spec rules
                continue
            target = walk.schema.get_type(fragment.type_condition.name.value)
            total += _cost(walk, fragment.selection_set, target or parent, depth, visiting | {name})
    return total


def _field_type(parent: GraphQLNamedType | None, name: str) -> GraphQLNamedType | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) and name in parent.fields:
        named: GraphQLNamedType = get_named_type(parent.fields[name].type)
        return named
    return None


def _multiplier(field: FieldNode, parent: GraphQLNamedType | None, walk: _Walk) -> int:
    """``first``/``last`` multiply a field's children; bare connections use the default."""
    for argument in field.arguments:
        if argument.name.value in ("first", "last"):
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            if isinstance(value, VariableNode):
                walk.measure.by_variables = True
                given = walk.variables.get(value.name.value)
                return max(1, int(given)) if isinstance(given, int) else 100
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        definition = parent.fields.get(field.name.value)
        if definition is not None and "first" in definition.args:
            return DEFAULT_PAGE
        # A connection's edges are already counted by the page size of the connection field.
        is_edges = field.name.value == "edges" and "pageInfo" in parent.fields
        if (
            definition is not None
            and not is_edges
            and is_list_type(get_nullable_type(definition.type))
        ):
            return LIST_FACTOR
    return 1
