"""Load a page's relations before its nodes resolve, so their resolvers answer synchronously.

graphql-core turns every awaitable a resolver returns into an asyncio task: a page of 100
sites asking for designations, the latest survey, plaques with their media and photos made
about a thousand tasks per request, and that bookkeeping cost more than the SQL. So:

* relation resolvers start their DataLoader load and return :func:`ready` of it: the value
  itself when the load is already done, else the loader's future (still batched as before);
* they are marked :func:`batched`: safe to call early, with the connection's ``info``, since
  they only start loads (no arguments, no role checks, no other I/O);
* a connection resolver calls :func:`prefetch_nodes` with its page: it reads the query's
  selection under ``edges { node { … } }``, calls the batched resolvers of the requested fields
  for every node (one batch per loader), waits, and repeats one level down for the objects
  they returned (a site's plaques, then the plaques' media).

The loaders memoise per request, so the nodes' resolvers then find done futures. Fields whose
resolvers are not marked, or that take arguments, resolve as before; a failed batch is left
for the field's own resolver to report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    get_named_type,
)

T = TypeVar("T")
R = TypeVar("R")
ResolverT = TypeVar("ResolverT", bound=Callable[..., Any])

_MARK = "__heritage_batched__"


def ready(future: asyncio.Future[T], then: Callable[[T], R] | None = None) -> Any:
    """The loaded value (through ``then``) when ``future`` is done, else a future of it.

    Never a coroutine: a done load costs no task, and a pending one only a callback.
    """
    if future.done():
        value = future.result()  # a failed batch raises here, as an awaited load would
        return then(value) if then is not None else value
    if then is None:
        return future
    derived: asyncio.Future[R] = future.get_loop().create_future()

    def settle(source: asyncio.Future[T]) -> None:
        if derived.done():
            return
        if source.cancelled():
            derived.cancel()
            return
        error = source.exception()
        if error is not None:
            derived.set_exception(error)
            return
        try:
            derived.set_result(then(source.result()))
        except Exception as failure:  # the field's error, as if raised by the resolver
            derived.set_exception(failure)

    future.add_done_callback(settle)
    return derived


def batched(resolver: ResolverT) -> ResolverT:
    """Mark a resolver that only starts DataLoader loads (and returns :func:`ready` of them)."""
    setattr(resolver, _MARK, True)
    return resolver


async def prefetch_nodes(info: GraphQLResolveInfo, nodes: Sequence[Any]) -> None:
    """Load what the query asks of a connection's ``nodes`` before they resolve."""
    connection = get_named_type(info.return_type)
    if not isinstance(connection, GraphQLObjectType) or "edges" not in connection.fields:
        return
    edge = get_named_type(connection.fields["edges"].type)
    if not isinstance(edge, GraphQLObjectType) or "node" not in edge.fields:
        return
    edges = _selected(info.field_nodes, info.fragments).get("edges", [])
    selection = _selected(edges, info.fragments).get("node", [])
    await _prefetch(info, get_named_type(edge.fields["node"].type), selection, nodes)


async def _prefetch(
    info: GraphQLResolveInfo, parent: Any, selection: list[FieldNode], roots: Sequence[Any]
) -> None:
    if not roots or not selection or not isinstance(parent, GraphQLObjectType):
        return
    started = []
    for name, field_nodes in _selected(selection, info.fragments).items():
        field = parent.fields.get(name)
        if field is None or not getattr(field.resolve, _MARK, False):
            continue
        if any(node.arguments for node in field_nodes):
            continue
        results = [field.resolve(root, info) for root in roots]
        started.append((get_named_type(field.type), field_nodes, results))
    # A batch settles all its futures at once: wait on each unsettled one, not on all of them.
    for _, _, results in started:
        for result in results:
            if isinstance(result, asyncio.Future) and not result.done():
                await asyncio.wait((result,))
    await asyncio.gather(
        *(
            _prefetch(info, child, field_nodes, list(_values(results)))
            for child, field_nodes, results in started
            if any(node.selection_set for node in field_nodes)
        )
    )


def _values(results: Iterable[Any]) -> Iterator[Any]:
    """The objects the resolvers produced, lists flattened; failed loads left out."""
    for result in results:
        if isinstance(result, asyncio.Future):
            if result.cancelled() or result.exception() is not None:
                continue
            result = result.result()
        if isinstance(result, list):
            yield from (item for item in result if item is not None)
        elif result is not None:
            yield result


def _selected(
    field_nodes: Iterable[FieldNode], fragments: dict[str, FragmentDefinitionNode]
) -> dict[str, list[FieldNode]]:
    """The fields selected under ``field_nodes`` by name, through fragments of any type.

    A fragment on another type only makes this load a little more than needed.
    """
    selected: dict[str, list[FieldNode]] = {}

    def collect(selections: Iterable[Any]) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                selected.setdefault(selection.name.value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set.selections)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    collect(fragment.selection_set.selections)

    for node in field_nodes:
        if node.selection_set is not None:
            collect(node.selection_set.selections)
    return selected
