"""``churujing serve``: run the HTTP API and the web pages with uvicorn.

``--workers N`` starts N worker processes (default: the CPUs this process may use), each
with the whole application, behind one listening socket. The access log is scrubbed of
personal data (:mod:`churujing.api.logs`). Behind a TLS-terminating proxy, pass
``--proxy-headers --forwarded-allow-ips ADDR`` so that https requests get HSTS.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

__all__ = ["default_workers", "register"]


def default_workers() -> int:
    """The number of CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def serve(
    host: Annotated[str, typer.Option("--host", help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, max=256,
        help="worker processes (default: the number of CPUs)")] = None,
    reload: Annotated[bool, typer.Option("--reload", help="restart on code changes")] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level")] = "info",
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="log each request (query strings scrubbed)")
    ] = True,
    proxy_headers: Annotated[bool, typer.Option(
        "--proxy-headers", help="trust X-Forwarded-Proto/For from --forwarded-allow-ips")
    ] = False,
    forwarded_allow_ips: Annotated[str, typer.Option(
        "--forwarded-allow-ips", help="proxies whose X-Forwarded-* headers are trusted")
    ] = "127.0.0.1",
) -> None:
    """Serve the API (/v1, /docs) and the web pages on http://HOST:PORT."""
    import uvicorn

    from churujing.api.logs import log_config

    _preflight()
    n = 1 if reload else (workers or default_workers())
    typer.echo(f"churujing: http://{host}:{port}/  (API docs: http://{host}:{port}/docs; "
               f"{n} worker{'s' if n > 1 else ''})")
    uvicorn.run("churujing.api:app", host=host, port=port, reload=reload, workers=n,
                log_level=log_level, access_log=access_log, log_config=log_config(),
                proxy_headers=proxy_headers, forwarded_allow_ips=forwarded_allow_ips,
                server_header=False)


def _preflight() -> None:
    """Build the arrival-card service once before any worker starts, so that a wrong key
    file or data folder stops ``serve`` with its reason instead of failing requests."""
    try:
        from churujing.services.arrival_card.service import ArrivalCardService
        from churujing.services.common.errors import ServiceError
    except ModuleNotFoundError:  # the service is not part of this build
        return
    try:
        ArrivalCardService.from_settings().db.dispose()
    except ServiceError as exc:
        typer.echo(f"churujing: cannot start: {exc.text.en} / {exc.text.zh}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the ``churujing`` CLI."""
    app.command("serve")(serve)
