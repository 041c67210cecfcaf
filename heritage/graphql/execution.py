"""graphql-core's executor with shortcuts for the registry's long lists (same results).

A page of 100 sites with their records is about 2,500 fields, most of them columns read
straight off records by graphene's default resolver. graphql-core gives each a path, a resolve
info, coerced (absent) arguments, a resolver call through two wrappers and awaitable checks,
and walks every value through a chain of type tests. :class:`RegistryExecutionContext`:

* plans each selection once: which of its fields are plain columns (graphene's default
  resolver, a scalar or enum type, no arguments) and which take no arguments. The plans and
  graphql-core's collected sub-selections are kept with the operation for its next
  executions (documents are kept, see below), unless ``@skip``/``@include`` make them
  depend on the variables;
* reads a column off its source and serialises it inline, and sends anything unusual (a null
  for a non-null field, a value that fails to serialise, an awaitable or an exception) down
  graphql-core's own path, which reads the attribute again and reports exactly as it would;
* resolves fields without arguments without coercing arguments;
* completes non-null, object and list values with one type test each, and checks
  ``is_type_of`` once.

* finds the object type of an abstract type's value once per class, where the abstract
  type says its ``resolve_type`` looks at nothing else (``resolves_by_class``: a search's
  every hit is a ``HeritageObject``).

Other abstract types, leaves returned by resolvers, other iterables and awaitable items take
graphql-core's path. :func:`is_awaitable` gives graphql-core's answer memoised by type. And
:class:`ValidatedDocuments` keeps the parsed documents that passed the specification's rules:
clients send the same few query texts again and again.
"""

from __future__ import annotations

import weakref
from asyncio import gather
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from types import GeneratorType
from typing import Any, NamedTuple, cast

from graphene.types.resolver import dict_or_attr_resolver
from graphql import (
    BREAK,
    DirectiveNode,
    DocumentNode,
    ExecutionContext,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLSkipDirective,
    GraphQLUnionType,
    OperationDefinitionNode,
    Undefined,
    Visitor,
    is_leaf_type,
    located_error,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.execution.execute import invalid_return_type_error
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


# Object types of abstract types that resolve by the class of the value alone, by abstract
# type and class (see ``RegistryExecutionContext._runtime_type``).
_runtime_by_class: dict[tuple[GraphQLAbstractType, type], GraphQLObjectType] = {}

# Types whose values a column field may serialise directly: not awaitable, not an exception.
_plain_by_type: dict[type, bool] = {}
# What serialisers of the registry's scalars and enums return: JSON values, never awaitable.
_SERIALISED = frozenset({str, int, float, bool})


def _plain(kind: type) -> bool:
    known = _plain_by_type.get(kind)
    if known is None:
        known = _plain_by_type[kind] = not (
            issubclass(kind, BaseException) or kind is GeneratorType or hasattr(kind, "__await__")
        )
    return known


class _Column(NamedTuple):
    """A field read straight off its source by graphene's default resolver: a scalar or enum."""

    attribute: str
    default: Any
    serialize: Callable[[Any], Any]
    non_null: bool


def _column(field: GraphQLField | None) -> _Column | None:
    """The :class:`_Column` of a plain column field, else ``None``."""
    if field is None:
        return None
    resolve = field.resolve
    if not (
        isinstance(resolve, partial)
        and resolve.func is dict_or_attr_resolver
        and len(resolve.args) == 2
        and not resolve.keywords
        and not field.args
    ):
        return None
    non_null = isinstance(field.type, GraphQLNonNull)
    named = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not is_leaf_type(named):
        return None
    attribute, default = resolve.args
    return _Column(attribute, default, cast(GraphQLLeafType, named).serialize, non_null)


class _Step(NamedTuple):
    """How one response key of a selection is executed."""

    name: str
    field_nodes: list[FieldNode]
    column: _Column | None
    # The field, when it takes no arguments: resolved without coercing any.
    field: GraphQLField | None


# The steps planned for each selection, by the identity of its collected fields (kept with
# the fields and the type they were planned for, to check the identity against).
_StepsBySelection = dict[int, tuple[object, GraphQLObjectType, list[_Step]]]


class _Plans:
    """What executing one operation works out before it reads a value, kept for its next
    executions: graphql-core's sub-selections by type and field nodes, and the steps planned
    from them (:meth:`RegistryExecutionContext._plan`).

    Both are keyed by the identity of the operation's nodes, so the plans hold the
    fragments (the operation holds the rest of its nodes) and live no longer than the
    operation.
    """

    __slots__ = ("fragments", "steps", "subfields")

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.subfields: dict[tuple[Any, ...], dict[str, list[FieldNode]]] = {}
        self.steps: _StepsBySelection = {}


# Plans by operation node (``None``: its selections depend on variables), while it lives.
_plans_by_operation: dict[int, _Plans | None] = {}


def _plans_of(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> _Plans | None:
    """The plans shared by every execution of ``operation``; ``None`` when they may differ.

    A parsed document is kept and executed again and again (:class:`ValidatedDocuments`),
    and what is selected below each field depends only on the document and the types,
    unless ``@skip`` or ``@include`` say otherwise per execution.
    """
    key = id(operation)
    if key in _plans_by_operation:
        return _plans_by_operation[key]
    plans = None if _has_conditions(operation, fragments) else _Plans(fragments)
    _plans_by_operation[key] = plans
    weakref.finalize(operation, _plans_by_operation.pop, key, None)
    return plans


def _has_conditions(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> bool:
    """Whether a ``@skip`` or ``@include`` appears in the operation or its fragments."""
    found = False

    class Conditions(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
            nonlocal found
            if node.name.value in _CONDITIONS:
                found = True
                return BREAK
            return None

    for node in (operation, *fragments.values()):
        visit(node, Conditions())
        if found:
            return True
    return False


_CONDITIONS = frozenset({GraphQLSkipDirective.name, GraphQLIncludeDirective.name})


class RegistryExecutionContext(ExecutionContext):
    """graphql-core's execution with the shortcuts described above; same answers, same errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = (
            _plans_of(self.operation, self.fragments) if self.middleware_manager is None else None
        )
        if plans is None:
            self._steps: _StepsBySelection = {}
        else:
            # graphql-core's own cache of sub-selections, kept from one execution to the next.
            self._subfields_cache = plans.subfields
            self._steps = plans.steps

    def _plan(
        self, parent_type: GraphQLObjectType, fields: dict[str, list[FieldNode]], *, root: bool
    ) -> list[_Step]:
        # Below the root, ``fields`` comes from graphql-core's cache of sub-selections (one
        # dict per selection and type, alive as long as that cache), so its identity names
        # the selection. The root's fields are collected afresh by each execution: planned
        # each time, never kept.
        known = None if root else self._steps.get(id(fields))
        if known is not None and known[0] is fields and known[1] is parent_type:
            return known[2]
        steps = []
        plain = self.middleware_manager is None
        for name, field_nodes in fields.items():
            field_name = field_nodes[0].name.value
            field = None if field_name.startswith("__") else parent_type.fields.get(field_name)
            column = _column(field) if plain else None
            lean = field if plain and field is not None and not field.args else None
            steps.append(_Step(name, field_nodes, column, lean))
        if not root:
            self._steps[id(fields)] = (fields, parent_type, steps)
        return steps

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list[FieldNode]],
    ) -> Any:
        results: dict[str, Any] = {}
        pending: list[str] = []
        is_awaitable = self.is_awaitable
        from_dict = isinstance(source_value, dict)
        type_name = parent_type.name
        for name, field_nodes, column, field in self._plan(parent_type, fields, root=path is None):
            if column is not None:
                # Read and serialise directly; whatever needs a null check's error, an
                # awaitable or an exception goes through graphql-core's path, which reads
                # the attribute again (plain attributes: no side effects) and reports.
                try:
                    if from_dict:
                        value = source_value.get(column.attribute, column.default)
                    else:
                        value = getattr(source_value, column.attribute, column.default)
                    if value is None or value is Undefined:
                        if not column.non_null:
                            results[name] = None
                            continue
                    elif _plain(type(value)):
                        serialised = column.serialize(value)
                        if type(serialised) in _SERIALISED:
                            results[name] = serialised
                            continue
                except Exception:  # reported by graphql-core's path below
                    pass
            field_path = Path(path, name, type_name)
            if field is not None:
                result = self._resolve(parent_type, field, source_value, field_nodes, field_path)
            else:
                result = self.execute_field(parent_type, source_value, field_nodes, field_path)
            if result is not Undefined:
                results[name] = result
                if is_awaitable(result):
                    pending.append(name)
        if not pending:
            return results
        if len(pending) == 1:  # e.g. a query's one root field: no task to gather it in
            (only,) = pending

            async def awaited() -> dict[str, Any]:
                results[only] = await results[only]
                return results

            return awaited()

        async def gathered() -> dict[str, Any]:
            values = await gather(*(results[name] for name in pending))
            results.update(zip(pending, values, strict=True))
            return results

        return gathered()

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        # graphql-core's order of checks, with one isinstance per step for the usual types.
        if isinstance(result, Exception):
            raise result
        if isinstance(return_type, GraphQLNonNull):
            completed = self.complete_value(return_type.of_type, field_nodes, info, path, result)
            if completed is None:
                raise TypeError(
                    "Cannot return null for non-nullable field"
                    f" {info.parent_type.name}.{info.field_name}."
                )
            return completed
        if result is None or result is Undefined:
            return None
        if isinstance(return_type, GraphQLObjectType):
            return self.complete_object_value(return_type, field_nodes, info, path, result)
        if isinstance(return_type, GraphQLList) and type(result) is list:
            return self._complete_list(return_type, field_nodes, info, path, result)
        if isinstance(return_type, GraphQLInterfaceType | GraphQLUnionType) and getattr(
            getattr(return_type, "graphene_type", None), "resolves_by_class", False
        ):
            runtime_type = self._runtime_type(return_type, field_nodes, info, result)
            return self.complete_object_value(runtime_type, field_nodes, info, path, result)
        return super().complete_value(return_type, field_nodes, info, path, result)

    def _runtime_type(
        self,
        return_type: GraphQLAbstractType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        result: Any,
    ) -> GraphQLObjectType:
        """The object type of ``result`` for an abstract type whose ``resolve_type`` depends
        on the class of the value alone (its graphene type says ``resolves_by_class``):
        resolved and checked as graphql-core does, once per class."""
        key = (return_type, type(result))
        known = _runtime_by_class.get(key)
        if known is None:
            name = (return_type.resolve_type or self.type_resolver)(result, info, return_type)
            if self.is_awaitable(name):
                raise TypeError(f"{return_type.name} resolves by class, but not at once")
            known = self.ensure_valid_runtime_type(name, return_type, field_nodes, info, result)
            _runtime_by_class[key] = known
        return known

    def _complete_list(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        items: list[Any],
    ) -> Any:
        """``complete_list_value`` of a list holding no awaitables (else graphql-core's)."""
        is_awaitable = self.is_awaitable
        if any(is_awaitable(item) for item in items):
            return self.complete_list_value(return_type, field_nodes, info, path, items)
        item_type = return_type.of_type
        completed: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(items):
            item_path = Path(path, index, None)
            try:
                value = self.complete_value(item_type, field_nodes, info, item_path, item)
            except Exception as raw_error:
                value = self._report(raw_error, field_nodes, item_type, item_path)
            else:
                if is_awaitable(value):
                    value = self._settle_later(item_type, field_nodes, item_path, value)
                    pending.append(index)
            completed.append(value)
        if not pending:
            return completed

        async def gathered() -> list[Any]:
            values = await gather(*(completed[index] for index in pending))
            for index, value in zip(pending, values, strict=True):
                completed[index] = value
            return completed

        return gathered()

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        if return_type.is_type_of is not None:
            verdict = return_type.is_type_of(result, info)
            if verdict is not True:
                if self.is_awaitable(verdict):
                    return self._check_later(return_type, field_nodes, path, result, verdict)
                if not verdict:
                    raise invalid_return_type_error(return_type, result, field_nodes)
        fields = self.collect_subfields(return_type, field_nodes)
        return self.execute_fields(return_type, result, path, fields)

    async def _check_later(
        self,
        return_type: GraphQLObjectType,
        field_nodes: list[FieldNode],
        path: Path,
        result: Any,
        verdict: Any,
    ) -> Any:
        if not await verdict:
            raise invalid_return_type_error(return_type, result, field_nodes)
        fields = self.collect_subfields(return_type, field_nodes)
        completed = self.execute_fields(return_type, result, path, fields)
        return await completed if self.is_awaitable(completed) else completed

    def _resolve(
        self,
        parent_type: GraphQLObjectType,
        field: GraphQLField,
        source: Any,
        field_nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        """graphql-core's ``execute_field`` for a field that takes no arguments."""
        return_type = field.type
        info = self.build_resolve_info(field, field_nodes, parent_type, path)
        try:
            result = (field.resolve or self.field_resolver)(source, info)
            if self.is_awaitable(result):
                return self._complete_later(return_type, field_nodes, info, path, result)
            completed = self.complete_value(return_type, field_nodes, info, path, result)
            if self.is_awaitable(completed):
                return self._settle_later(return_type, field_nodes, path, completed)
            return completed
        except Exception as raw_error:
            return self._report(raw_error, field_nodes, return_type, path)

    async def _complete_later(
        self,
        return_type: GraphQLOutputType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        try:
            completed = self.complete_value(return_type, field_nodes, info, path, await result)
        except Exception as raw_error:
            return self._report(raw_error, field_nodes, return_type, path)
        if self.is_awaitable(completed):
            return await self._settle_later(return_type, field_nodes, path, completed)
        return completed

    async def _settle_later(
        self,
        return_type: GraphQLOutputType,
        field_nodes: list[FieldNode],
        path: Path,
        completed: Any,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            return self._report(raw_error, field_nodes, return_type, path)

    def _report(
        self,
        raw_error: Exception,
        field_nodes: list[FieldNode],
        return_type: GraphQLOutputType,
        path: Path,
    ) -> Any:
        """Record a field's error as graphql-core does (raising it on for a non-null field);
        the field's value is then null."""
        error = located_error(raw_error, field_nodes, path.as_list())
        self.handle_field_error(error, return_type, path)
        return None


class ValidatedDocuments:
    """Parsed documents that passed the specification's validation rules, by query text.

    Least recently used ones go first; invalid and very long texts are never kept. The limits
    are not part of this: they are measured per request, except for documents found within
    them whatever the variables (:meth:`mark_within_limits`).
    """

    def __init__(self, schema: GraphQLSchema, size: int = 256, longest: int = 20_000) -> None:
        self.schema = schema
        self.size = size
        self.longest = longest
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        self._within_limits: set[str] = set()

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
                dropped, _ = self._documents.popitem(last=False)
                self._within_limits.discard(dropped)
        return document, problems

    def within_limits(self, text: str) -> bool:
        """True when the kept document of ``text`` is within the limits for any variables."""
        return text in self._within_limits

    def mark_within_limits(self, text: str) -> None:
        """Remember that ``text``'s document is within the limits whatever its variables."""
        if text in self._documents:
            self._within_limits.add(text)
