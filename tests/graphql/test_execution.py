"""The API's executor shortcuts answer exactly as graphql-core does, only cheaper."""

from __future__ import annotations

import asyncio
import datetime as dt
import types
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import graphene
import pytest
from graphql import ExecutionContext, ExecutionResult, execute, parse
from graphql.pyutils import is_awaitable as graphql_is_awaitable

from heritage.graphql.execution import RegistryExecutionContext, ValidatedDocuments, is_awaitable
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


ITEMS = "{ items { name note colour size alias: name } }"


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
    }
    assert len(stock.errors or []) == 3


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
