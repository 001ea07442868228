"""``churujing serve``: run the HTTP API and the web pages with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["register"]


def serve(
    host: Annotated[str, typer.Option("--host", help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    reload: Annotated[bool, typer.Option("--reload", help="restart on code changes")] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level")] = "info",
) -> None:
    """Serve the API (/v1, /docs) and the web pages on http://HOST:PORT."""
    import uvicorn

    typer.echo(f"churujing: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    uvicorn.run("churujing.api:app", host=host, port=port, reload=reload, log_level=log_level)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the ``churujing`` CLI."""
    app.command("serve")(serve)
