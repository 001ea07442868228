"""The ASGI app the applications' subprocess tests serve: the platform's router beside the
arrival card's (whose officer accounts the platform shares), configured from
``CHURUJING_*``."""

from __future__ import annotations

from fastapi import FastAPI


def make_app() -> FastAPI:
    from churujing.services.applications.api import router as applications
    from churujing.services.arrival_card.api import router as arrival_card

    app = FastAPI(title="applications (test server)")
    app.include_router(arrival_card)
    app.include_router(applications)
    return app
