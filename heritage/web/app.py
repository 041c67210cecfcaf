"""``create_app``: the Starlette application, its routes as data and a lifespan owning I/O."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from heritage.db.engine import create_engine
from heritage.db.reads import open_readers
from heritage.db.session import make_session_factory
from heritage.graphql.schema import build_schema
from heritage.graphql.view import GraphQLView
from heritage.search.service import SearchService
from heritage.settings import Settings
from heritage.transfer.web import export_objects_csv, export_objects_geojson
from heritage.web import graphiql
from heritage.web.media import media_routes
from heritage.web.media_store import MediaStore
from heritage.web.state import AppState


def create_app(settings: Settings) -> Starlette:
    """Build the application for ``settings``; nothing is opened until the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        engine = create_engine(settings)
        search = SearchService.open(settings, engine)
        readers = open_readers(engine)
        state = AppState(
            settings=settings,
            engine=engine,
            read_sessions=make_session_factory(engine),
            readers=readers,
            write_sessions=make_session_factory(engine, write=True),
            media=MediaStore.open(settings),
            search=search,
            after_commit=search.after_commit,
        )
        search.start()
        try:
            yield {"app_state": state}
        finally:
            await graphql.drain()
            await search.close()
            await readers.dispose()
            await engine.dispose()

    graphql = GraphQLView(build_schema().graphql_schema)
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/graphql", graphql.handle, methods=["POST"]),
        Route("/graphql", graphiql.graphiql_page, methods=["GET"]),
        graphiql.static_mount(),
        *media_routes(),
        Route("/export/objects.csv", export_objects_csv, methods=["GET"]),
        Route("/export/objects.geojson", export_objects_geojson, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def app_state(request: Request) -> AppState:
    """The lifespan's state for this request."""
    state: AppState = request.state.app_state
    return state


async def health(request: Request) -> JSONResponse:
    """Liveness and database reachability, for load balancers and the test suite."""
    state = app_state(request)
    try:
        async with state.read_sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:  # a health check reports any failure, it never raises
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {type(exc).__name__}"},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok"})
