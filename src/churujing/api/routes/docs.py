"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) served from the package, with no
third-party asset: the scripts and styles come from the pinned ``fastapi-offline`` wheel
(under ``/docs-assets``; ReDoc's with its vendor's logo pointed at our favicon), the
Swagger UI's start-up is a static file of ours
(``/static/swagger-init.js``), and neither page has an inline script, so both work offline
and under a Content-Security-Policy of ``script-src 'self'``."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS", "CSP", "install"]

ASSETS = "/docs-assets"


#: what the pages may load: their own origin only (ReDoc's "powered by" logo, which it
#: would fetch from its vendor's CDN, is refused); both UIs set styles from script
#: ('unsafe-inline' styles, no inline script) and ReDoc searches in a blob worker
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
       "frame-ancestors 'none'")


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(headers={"Content-Security-Policy": CSP}, content=
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title>"
        f"<link rel=\"icon\" type=\"image/png\" href=\"{ASSETS}/favicon.png\">{head}</head>"
        f"<body>{body}</body></html>")


#: the one asset ReDoc's script would fetch from its vendor: its "powered by" logo
REDOC_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'


@cache
def _redoc_js() -> bytes:
    """ReDoc's script with its logo pointed at our own favicon."""
    data = (files("fastapi_offline") / "static" / "redoc.standalone.js").read_bytes()
    return data.replace(REDOC_LOGO, f'"{ASSETS}/favicon.png"'.encode())


def install(app: FastAPI) -> None:
    """Serve the assets and the two pages (create the app with ``docs_url=None,
    redoc_url=None``)."""
    folder = str(files("fastapi_offline") / "static")

    @app.get(f"{ASSETS}/redoc.js", include_in_schema=False)
    def redoc_js() -> Response:
        return Response(_redoc_js(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount(ASSETS, StaticFiles(directory=folder), name="docs-assets")
    title = app.title
    spec = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return _page(
            f"{title} · Swagger UI",
            f"<link rel=\"stylesheet\" href=\"{ASSETS}/swagger-ui.css\">",
            f"<div id=\"swagger-ui\" data-spec=\"{escape(spec)}\"></div>"
            f"<script src=\"{ASSETS}/swagger-ui-bundle.js\"></script>"
            "<script src=\"/static/swagger-init.js\"></script>")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _page(f"{title} · ReDoc", "",
                     f"<redoc spec-url=\"{escape(spec)}\"></redoc>"
                     f"<script src=\"{ASSETS}/redoc.js\"></script>")
