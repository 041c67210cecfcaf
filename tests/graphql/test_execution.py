"""The API's executor shortcuts answer exactly as graphql-core does, only cheaper."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import types
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import graphene
import pytest
from graphql import ExecutionContext, ExecutionResult, execute, parse
from graphql.pyutils import is_awaitable as graphql_is_awaitable

from heritage.graphql import execution
from heritage.graphql.execution import RegistryExecutionContext, ValidatedDocuments, is_awaitable
from heritage.graphql.fields import attribute
from heritage.graphql.ids import global_id
from heritage.graphql.prefetch import ready
from heritage.graphql.schema import build_schema
from heritage.models.vocab import DesignationType, UserRole
from tests.support.api import Api
from tests.support.factories import designate, make_site


class Colour(graphene.Enum):
    """A test enum."""

    RED = "red"
    BLUE = "blue"


class Item(graphene.ObjectType):
    """Plain column-like fields only."""

    name = graphene.String(required=True)
    note = graphene.String()
    colour = graphene.Field(Colour)
    size = graphene.Int(required=True)
    title = graphene.String(resolver=attribute("name"))  # another name for the same column


class Query(graphene.ObjectType):
    """Rows of every shape the default resolver meets."""

    items = graphene.List(Item)

    @staticmethod
    def resolve_items(root: None, info: Any) -> list[Any]:
        return [
            types.SimpleNamespace(name="塔", note="木", colour="red", size=3),
            {"name": "寺", "colour": "blue", "size": 1},
            types.SimpleNamespace(name="殿", size=2),  # no note, no colour attribute
            types.SimpleNamespace(name=None, note="x", colour=None, size=1),  # null in non-null
            types.SimpleNamespace(name="阁", note=None, colour="green", size=1),  # bad enum
            types.SimpleNamespace(name="楼", note=None, colour=None, size="large"),  # bad int
        ]


ITEMS = "{ items { name note colour size alias: name title } }"


def test_plain_fields_read_off_rows_as_graphql_core_reads_them() -> None:
    schema = graphene.Schema(query=Query).graphql_schema
    document = parse(ITEMS)

    stock = execute(schema, document, execution_context_class=ExecutionContext)
    fast = execute(schema, document, execution_context_class=RegistryExecutionContext)

    assert isinstance(stock, ExecutionResult)
    assert isinstance(fast, ExecutionResult)
    assert fast.data == stock.data
    assert [error.formatted for error in fast.errors or []] == [
        error.formatted for error in stock.errors or []
    ]
    assert fast.data is not None
    assert fast.data["items"][0] == {
        "name": "塔",
        "note": "木",
        "colour": "RED",
        "size": 3,
        "alias": "塔",
        "title": "塔",
    }
    assert len(stock.errors or []) == 3


def _leaf(name: Any, size: Any = 1, kind: str = "leaf", **extra: Any) -> Any:
    return types.SimpleNamespace(kind=kind, name=name, size=size, **extra)


def _field(root: Any, name: str) -> Any:
    return root.get(name) if isinstance(root, dict) else getattr(root, name)


class Leaf(graphene.ObjectType):
    """Checked by ``is_type_of``: a namespace of kind "leaf" or a dict."""

    name = graphene.String(required=True)
    size = graphene.Int()
    when = graphene.Date()

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, dict) or getattr(root, "kind", None) == "leaf"


async def _later(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


class Branch(graphene.ObjectType):
    """Objects, lists and resolvers of every completion graphql-core knows."""

    label = graphene.String()
    leaves = graphene.List(graphene.NonNull(Leaf), required=True)
    maybe = graphene.List(Leaf)
    first = graphene.Field(Leaf)
    strict = graphene.Field(graphene.NonNull(Leaf))
    later = graphene.List(Leaf)
    later_items = graphene.List(Leaf)
    shout = graphene.String(word=graphene.String(default_value="hi"))
    broken = graphene.String()
    count = graphene.Int(required=True)

    @staticmethod
    def resolve_later(root: Any, info: Any) -> Any:
        return _later(_field(root, "maybe"))

    @staticmethod
    def resolve_later_items(root: Any, info: Any) -> Any:
        return [_later(item) for item in _field(root, "maybe") or []]

    @staticmethod
    def resolve_shout(root: Any, info: Any, word: str) -> str:
        return f"{word}!"

    @staticmethod
    def resolve_broken(root: Any, info: Any) -> str:
        raise ValueError("broken on purpose")

    @staticmethod
    def resolve_count(root: Any, info: Any) -> Any:
        leaves = _field(root, "leaves")
        return len(leaves) if leaves is not None else None


class Tree(graphene.ObjectType):
    """The root."""

    branches = graphene.List(Branch)

    @staticmethod
    def resolve_branches(root: None, info: Any) -> list[Any]:
        def branch(**fields: Any) -> Any:
            values: dict[str, Any] = {
                "label": None,
                "leaves": [],
                "maybe": None,
                "first": None,
                "strict": None,
            }
            return types.SimpleNamespace(**{**values, **fields})

        day = dt.date(2020, 5, 1)
        return [
            branch(
                label="full",
                leaves=[_leaf("a", when=day), {"name": "b", "when": "not a date"}],
                maybe=[_leaf("c"), None, _leaf("d", size=2**40), _leaf("e", size=_later(3))],
                first=_leaf("e"),
                strict=_leaf("f"),
            ),
            branch(label="null in a non-null list", leaves=[_leaf("g"), None], strict=_leaf("h")),
            branch(label="wrong type", leaves=[_leaf("i", kind="stone")], strict=_leaf("j")),
            branch(label="no strict", maybe=[_leaf(None)], first=_leaf("k", size="big")),
            branch(label="no leaves", leaves=None, strict=_leaf("l")),
            {"label": "a dict", "leaves": [], "strict": {"name": "m"}, "maybe": None},
        ]


TREE = """
{
  branches {
    label shout loud: shout(word: "hey") broken count
    leaves { name size when } maybe { name size } first { name size }
    strict { name } later { name } laterItems { name } __typename
  }
}
"""


async def test_objects_lists_and_resolvers_complete_as_graphql_core_completes_them() -> None:
    schema = graphene.Schema(query=Tree).graphql_schema
    document = parse(TREE)

    answers = []
    for context_class in (ExecutionContext, RegistryExecutionContext):
        result = execute(schema, document, execution_context_class=context_class)
        if not isinstance(result, ExecutionResult):
            result = await result
        answers.append((result.data, [error.formatted for error in result.errors or []]))

    (stock_data, stock_errors), (fast_data, fast_errors) = answers
    assert fast_data == stock_data
    assert fast_errors == stock_errors
    assert stock_data is not None
    assert [branch and branch["label"] for branch in stock_data["branches"]] == [
        "full",
        None,  # a null leaf in a non-null list nulls the branch
        None,  # a leaf failing is_type_of too
        None,  # and a missing non-null object
        None,  # and a missing required list
        "a dict",
    ]
    assert stock_data["branches"][0]["maybe"] == [
        {"name": "c", "size": 1},
        None,
        {"name": "d", "size": None},  # out of Int's range
        {"name": "e", "size": 3},  # awaited
    ]
    assert len(stock_errors) >= 8


class _Round(types.SimpleNamespace):
    pass


class _Angular(types.SimpleNamespace):
    pass


class _Odd(types.SimpleNamespace):
    pass


class Shape(graphene.Interface):
    """An interface whose type follows the class of the value."""

    resolves_by_class = True
    name = graphene.String()

    @classmethod
    def resolve_type(cls, instance: Any, info: Any) -> Any:
        return Circle if isinstance(instance, _Round) else Square


class Circle(graphene.ObjectType):
    """One kind of shape."""

    class Meta:
        interfaces = (Shape,)

    radius = graphene.Int()

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, _Round)


class Square(graphene.ObjectType):
    """The other kind."""

    class Meta:
        interfaces = (Shape,)

    side = graphene.Int()

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, _Angular)


class Shapes(graphene.ObjectType):
    """Values of two classes and one that resolves to a type it is not."""

    shapes = graphene.List(Shape)

    @staticmethod
    def resolve_shapes(root: None, info: Any) -> list[Any]:
        return [
            _Round(name="a", radius=1),
            _Angular(name="b", side=2),
            _Round(name="c", radius=3),
            _Odd(name="d"),
            _Angular(name="e", side=5),
        ]


SHAPES = "{ shapes { __typename name ... on Circle { radius } ... on Square { side } } }"


async def test_an_abstract_type_resolving_by_class_completes_as_graphql_core_does() -> None:
    schema = graphene.Schema(query=Shapes, types=[Circle, Square]).graphql_schema
    answers = []
    for context_class in (ExecutionContext, RegistryExecutionContext, RegistryExecutionContext):
        result = execute(schema, parse(SHAPES), execution_context_class=context_class)
        assert isinstance(result, ExecutionResult)
        answers.append((result.data, [error.formatted for error in result.errors or []]))

    stock, fast, again = answers
    assert fast == stock
    assert again == stock  # with every class's type remembered
    assert stock[0] is not None
    assert [shape and shape["__typename"] for shape in stock[0]["shapes"]] == [
        "Circle",
        "Square",
        "Circle",
        None,  # resolved to Square, which it is not: an error
        "Square",
    ]
    assert len(stock[1]) == 1


async def _answer(schema: Any, document: Any, context_class: Any, **variables: Any) -> Any:
    result = execute(
        schema, document, variable_values=variables, execution_context_class=context_class
    )
    if not isinstance(result, ExecutionResult):
        result = await result
    return result.data, [error.formatted for error in result.errors or []]


CONDITIONAL = """
query Conditional($deep: Boolean!, $plain: Boolean!) {
  shapes { __typename ...Parts @include(if: $deep) name @skip(if: $plain) }
}
fragment Parts on Shape {
  name ... on Circle { radius } ... on Square { side @include(if: $plain) }
}
"""


async def test_a_kept_document_answers_each_execution_as_graphql_core_does() -> None:
    # The document is parsed once and executed again and again, as a kept query is: what is
    # planned for one execution serves the next only where no variable can change it.
    trees = graphene.Schema(query=Tree).graphql_schema
    shapes = graphene.Schema(query=Shapes, types=[Circle, Square]).graphql_schema
    tree, conditional = parse(TREE), parse(CONDITIONAL)
    runs: list[tuple[Any, Any, dict[str, bool]]] = [(trees, tree, {})] * 3 + [
        (shapes, conditional, {"deep": deep, "plain": plain})
        for deep, plain in [(True, False), (False, True), (True, True), (True, False)]
    ]
    for schema, document, variables in runs:
        stock = await _answer(schema, document, ExecutionContext, **variables)
        fast = await _answer(schema, document, RegistryExecutionContext, **variables)
        assert fast == stock, variables

    deep = await _answer(shapes, conditional, RegistryExecutionContext, deep=True, plain=False)
    plain = await _answer(shapes, conditional, RegistryExecutionContext, deep=False, plain=True)
    assert deep[0]["shapes"][:2] == [
        {"__typename": "Circle", "name": "a", "radius": 1},
        {"__typename": "Square", "name": "b"},
    ]
    assert plain[0]["shapes"][:2] == [{"__typename": "Circle"}, {"__typename": "Square"}]


async def test_plans_are_let_go_with_their_documents() -> None:
    schema = graphene.Schema(query=Shapes, types=[Circle, Square]).graphql_schema
    gc.collect()
    before = len(execution._plans_by_operation)
    for size in range(50):
        document = parse("{ shapes { " + "name " * (size + 1) + "} }")
        await _answer(schema, document, RegistryExecutionContext)
        assert len(execution._plans_by_operation) > before
    del document
    gc.collect()
    assert len(execution._plans_by_operation) == before


class _Awaitable:
    def __await__(self) -> Generator[None, None, None]:
        yield


@types.coroutine
def _generator_coroutine() -> Generator[None, None, None]:
    yield


def _plain_generator() -> Iterator[int]:
    yield 1


async def _coroutine() -> None:
    return None


async def test_is_awaitable_agrees_with_graphql_core() -> None:
    coroutine = _coroutine()
    loop = asyncio.get_running_loop()
    values: list[Any] = [
        1,
        "text",
        None,
        [1],
        {"a": 1},
        dt.date(2020, 1, 1),
        DesignationType.CPU_NATIONAL,
        coroutine,
        loop.create_future(),
        _Awaitable(),
        _plain_generator(),
        _generator_coroutine(),
        _plain_generator(),
    ]
    try:
        for _ in range(2):  # the second round answers from the memo
            assert [is_awaitable(value) for value in values] == [
                graphql_is_awaitable(value) for value in values
            ]
    finally:
        coroutine.close()
    assert is_awaitable(values[-2])
    assert not is_awaitable(values[-1])


def test_valid_documents_are_kept_invalid_and_long_ones_are_not() -> None:
    documents = ValidatedDocuments(build_schema().graphql_schema, size=2, longest=60)
    first, second, third = (
        "{ sites { totalCount } }",
        "{ places { totalCount } }",
        "{ buildings { totalCount } }",
    )

    kept, problems = documents.get(first)
    assert problems == []
    assert documents.get(first)[0] is kept

    invalid = "{ sites { noSuchField } }"
    assert documents.get(invalid)[1]
    assert documents.get(invalid)[0] is not documents.get(invalid)[0]

    long = "{ sites { totalCount edges { node { name nationalCode regionName } } } }"
    assert documents.get(long)[0] is not documents.get(long)[0]

    documents.get(second)
    documents.get(third)  # the least recently used, ``first``, goes
    assert documents.get(first)[0] is not kept


async def test_ready_answers_now_when_loaded_and_later_otherwise() -> None:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[list[int]] = loop.create_future()
    done.set_result([3, 1, 2])
    assert ready(done) == [3, 1, 2]
    assert ready(done, min) == 1

    pending: asyncio.Future[list[int]] = loop.create_future()
    derived = ready(pending, min)
    assert isinstance(derived, asyncio.Future)
    pending.set_result([5, 4])
    assert await derived == 4

    failing: asyncio.Future[list[int]] = loop.create_future()
    derived = ready(failing, min)
    failing.set_exception(LookupError("batch failed"))
    with pytest.raises(LookupError):
        await derived


COSTLY = """
query($first: Int!) { sites(first: $first) { edges { node { designations { officialCode } } } } }
"""


async def test_limits_apply_to_each_request_of_a_known_query(api: Api) -> None:
    assert "errors" not in await api.query(COSTLY, {"first": 5})

    answer = await api.query(COSTLY, {"first": 100_000})

    assert [error["extensions"]["code"] for error in answer["errors"]] == ["QUERY_COST_LIMIT"]


SURVEY_TWICE = """
mutation($first: SurveyRecordAddInput!, $second: SurveyRecordAddInput!) {
  first: surveyRecordAdd(input: $first) {
    surveyRecord { heritageObject { ... on Site { surveys { surveyedOn } } } }
    errors { code }
  }
  second: surveyRecordAdd(input: $second) {
    surveyRecord { heritageObject { ... on Site { surveys { surveyedOn } } } }
    errors { code }
  }
}
"""


async def test_a_mutation_sees_what_the_one_before_it_wrote(api: Api) -> None:
    async with api.session() as session:
        site = global_id("Site", (await make_site(session)).id)

    def survey(day: str) -> dict[str, Any]:
        return {
            "objectId": site,
            "surveyedOn": day,
            "surveyor": "张三",
            "conditionSystem": "CENSUS5",
            "conditionGrade": "poor",
        }

    data = await api.data(
        SURVEY_TWICE,
        {"first": survey("2023-05-01"), "second": survey("2024-05-01")},
        UserRole.SURVEYOR,
    )

    def days(payload: dict[str, Any]) -> list[str]:
        assert payload["errors"] == []
        surveys = payload["surveyRecord"]["heritageObject"]["surveys"]
        return [entry["surveyedOn"] for entry in surveys]

    assert days(data["first"]) == ["2023-05-01"]
    assert days(data["second"]) == ["2024-05-01", "2023-05-01"]


PAGE_THROUGH_FRAGMENTS = """
query {
  sites(first: 20) {
    edges { node { ...Listed } }
  }
}
fragment Listed on Site {
  name
  code: nationalCode
  ... on Site { protectionLevel designations { officialCode } plaques { media { sha256 } } }
  latestSurvey { surveyedOn }
}
"""

_measuring: ContextVar[bool] = ContextVar("measuring", default=False)


@contextmanager
def counting_tasks(loop: asyncio.AbstractEventLoop) -> Iterator[list[int]]:
    """Tasks created by the measured request (background work runs in other contexts)."""
    created = [0]
    previous = loop.get_task_factory()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> Any:
        if _measuring.get():
            created[0] += 1
        if previous is not None:
            return previous(loop, coro, **kwargs)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)
    token = _measuring.set(True)
    try:
        yield created
    finally:
        _measuring.reset(token)
        loop.set_task_factory(previous)


async def test_a_page_resolves_its_nodes_relations_without_a_task_per_node(api: Api) -> None:
    async with api.session() as session:
        for index in range(20):
            site = await make_site(session, f"塔{index:02d}")
            await designate(
                session,
                site.id,
                DesignationType.CPU_NATIONAL,
                official_code=f"6-{index + 1:04d}-3-{index + 1:03d}",
            )

    with counting_tasks(asyncio.get_running_loop()) as created:
        data = await api.data(PAGE_THROUGH_FRAGMENTS)

    nodes = [edge["node"] for edge in data["sites"]["edges"]]
    assert len(nodes) == 20
    assert nodes[19]["code"] == "6-0020-3-020"
    assert nodes[19]["protectionLevel"] == "NATIONAL"
    assert nodes[19]["latestSurvey"] is None
    # Without prefetching, each node's six relation fields made a task of their own.
    assert created[0] < 20, created[0]
