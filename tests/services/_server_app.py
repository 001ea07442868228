"""The ASGI app the subprocess tests serve: the arrival-card routers (and the project's
static files when ``churujing.web`` is installed), configured from ``CHURUJING_*``."""

from __future__ import annotations

from fastapi import FastAPI


def make_app() -> FastAPI:
    from churujing.services.arrival_card.api import router
    from churujing.services.arrival_card.pages import web_router

    app = FastAPI(title="arrival card (test server)")
    app.include_router(router)
    app.include_router(web_router)
    try:
        from fastapi.staticfiles import StaticFiles

        from churujing.web import STATIC_DIR

        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    except ImportError:  # pragma: no cover
        pass
    return app
