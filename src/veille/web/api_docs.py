"""The API's Swagger UI (/docs) and ReDoc (/redoc) pages, from assets installed with the package.

FastAPI's own pages load their scripts from a CDN and start them with an inline script;
here the scripts come from ``fastapi-offline``'s bundled copies (served under
``/docs-assets``) and Swagger UI is started by ``static/api-docs.js``, so the app's
Content-Security-Policy (``script-src 'self'``) holds on /docs as on every page. ReDoc
injects its styles at run time and searches in a worker it builds from a blob, so /redoc
alone allows inline styles and blob workers; scripts stay 'self' only. ReDoc's sidebar
footer always loads Redocly's logo from cdn.redoc.ly: the served bundle has that URL
replaced by an empty image, which the footer hides.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import escape

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
REDOC_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} API: Swagger UI</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"><link rel="icon" href="{assets}/favicon.png">
</head><body><div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script><script src="{root}/static/api-docs.js"></script>
</body></html>"""

REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} API: ReDoc</title>
<link rel="icon" href="{assets}/favicon.png"></head>
<body><redoc spec-url="{openapi}"></redoc><script src="{assets}/redoc.standalone.js"></script></body></html>"""


@lru_cache(maxsize=1)
def redoc_bundle() -> bytes:
    """ReDoc's bundle without its one request to a CDN (the footer logo; ``data:,`` fails and hides)."""
    return (ASSETS_DIR / "redoc.standalone.js").read_bytes().replace(REDOC_LOGO, b"data:,")


def add_api_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Serve the offline docs pages on ``app`` (created with ``docs_url=None, redoc_url=None``)."""

    @app.get(ASSETS_URL + "/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:  # before the mount, which would serve the file as it is
        return Response(redoc_bundle(), media_type="text/javascript")

    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS_DIR)), name="docs-assets")

    def fill(page: str, request: Request) -> str:
        root = str(request.scope.get("root_path", ""))
        return page.format(
            title=escape(app.title), assets=escape(root + ASSETS_URL), root=escape(root),
            openapi=escape(root + (app.openapi_url or "/openapi.json")),
        )  # fmt: skip

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return HTMLResponse(fill(SWAGGER_PAGE, request))

    @app.get(redoc_url, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return HTMLResponse(fill(REDOC_PAGE, request), headers={"content-security-policy": REDOC_CSP})
