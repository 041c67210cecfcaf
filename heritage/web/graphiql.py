"""GraphiQL at ``GET /graphql``, with its scripts and styles served by the app itself.

Protection offices often run closed networks, so nothing is fetched from a CDN: the browser
builds of GraphiQL and React are vendored under ``static/graphiql`` (see its README and
``scripts/vendor-graphiql``), and a Content-Security-Policy keeps the page on its own origin.
"""

from __future__ import annotations

import base64
import hashlib
import html

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

GRAPHIQL_VERSION = "4.1.2"
STATIC_ROUTE = "graphiql-static"

# The page and the endpoint share a path, so the script needs no URL from the server and its
# hash (for the Content-Security-Policy) is fixed.
_START = """
const endpoint = window.location.pathname;
const defaultQuery = `# heritage-registry GraphQL API. Ctrl-Enter runs the query.
# To act with your role, open Headers below and enter
#   {"Authorization": "Bearer <your token>"}
# 以角色身份操作：在下方 Headers 中填写令牌（Bearer <token>）。
{
  sites(first: 5) {
    totalCount
    edges { node { name nationalCode protectionLevel regionName } }
  }
}
`;
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: endpoint }),
    defaultQuery: defaultQuery,
    defaultEditorToolsVisibility: "headers",
    shouldPersistHeaders: false,
  })
);
"""
_START_HASH = base64.b64encode(hashlib.sha256(_START.encode()).digest()).decode()

# Styles stay inline-able: GraphiQL and its components set style attributes and tags at run time.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'sha256-{_START_HASH}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>heritage-registry · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql}"></script>
<script>{start}</script>
</body>
</html>
"""


def static_mount() -> Mount:
    """``/static/graphiql``: the vendored files from the package, gzipped on the wire."""
    files = StaticFiles(packages=[("heritage.web", "static/graphiql")])
    return Mount("/static/graphiql", app=GZipMiddleware(files), name=STATIC_ROUTE)


def _asset(request: Request, name: str) -> str:
    # A path, not an absolute URL: behind a proxy the scheme and host seen here may be wrong.
    # The version in the query string makes browsers fetch new files after an update.
    path = request.url_for(STATIC_ROUTE, path=name).path
    return html.escape(f"{path}?v={GRAPHIQL_VERSION}")


async def graphiql_page(request: Request) -> Response:
    """GraphiQL for browsers; other clients are told to POST their operations."""
    if "text/html" not in request.headers.get("accept", ""):
        return JSONResponse(
            {
                "data": None,
                "errors": [
                    {
                        "message": "send GraphQL operations with POST and a JSON body "
                        '{"query": ..., "variables": {...}}; open this URL in a browser '
                        "for GraphiQL",
                        "extensions": {"code": "METHOD_NOT_ALLOWED"},
                    }
                ],
            },
            status_code=405,
            headers={"allow": "POST"},
        )
    page = _PAGE.format(
        css=_asset(request, "graphiql.min.css"),
        react=_asset(request, "react.production.min.js"),
        react_dom=_asset(request, "react-dom.production.min.js"),
        graphiql=_asset(request, "graphiql.min.js"),
        start=_START,
    )
    return HTMLResponse(
        page,
        headers={
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "x-content-type-options": "nosniff",
        },
    )
