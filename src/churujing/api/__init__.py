"""The HTTP API and web pages as an ASGI application: ``churujing.api:app``.

``uvicorn churujing.api:app`` (or ``churujing serve``) serves it; ``create_app(settings)``
builds another one (tests, other settings).
"""

from churujing.api.app import Settings, create_app

__all__ = ["Settings", "app", "create_app"]

app = create_app()
