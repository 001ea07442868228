"""``churujing serve``: run the HTTP API and the web pages with uvicorn.

``--workers N`` starts N worker processes (default: the CPUs this process may use), each
with the whole application, behind one listening socket. The access log is scrubbed of
personal data (:mod:`churujing.api.logs`). Behind a TLS-terminating proxy, pass
``--proxy-headers --forwarded-allow-ips ADDR`` so that https requests get HSTS.

Keys are made explicitly (``churujing arrival-card bootstrap`` or ``init-keys``); ``serve``
in development makes a missing one and says so on stderr, in production refuses to start
without them (:func:`_preflight`).
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
    """Make sure of the keys before any worker starts (issue 12 item 4: creating keys is an
    explicit step). The arrival-card service is built once, so that a wrong key file or data
    folder stops ``serve`` with its reason instead of failing requests. In development a
    missing key is made here and announced on stderr, one line each (its file, that it is
    for development, what to run next); in production (``CHURUJING_PRODUCTION``) ``serve``
    refuses without keys given explicitly."""
    _arrival_card_keys()
    _trip_signing_key()


def _refuse(en: str, zh: str) -> typer.Exit:
    typer.echo(f"churujing: cannot start: {en} / {zh}", err=True)
    return typer.Exit(2)


def _arrival_card_keys() -> None:
    try:
        from churujing.services.arrival_card.service import ArrivalCardService
        from churujing.services.arrival_card.settings import Settings
        from churujing.services.common.errors import ServiceError
    except ModuleNotFoundError:  # the service is not part of this build
        return
    try:
        settings = Settings()
        absent = settings.keys is None and not settings.key_file.exists()
        ArrivalCardService.from_settings(settings).db.dispose()
    except ServiceError as exc:
        raise _refuse(exc.text.en, exc.text.zh) from None
    if absent and settings.key_file.exists():
        typer.echo(f"churujing: created the arrival card's key file {settings.key_file} "
                   "(for development; production needs CHURUJING_KEYS or CHURUJING_KEY_FILE "
                   "made with `churujing arrival-card init-keys`); to log in at "
                   "/officer/login, create an officer with `churujing arrival-card bootstrap`",
                   err=True)


def _trip_signing_key() -> None:
    """The boarding kit's signing key: made now (not at the first kit) and announced in
    development; in production it must be given (``CHURUJING_SIGNING_KEY``) or be there."""
    from churujing.trips import signing

    if os.environ.get("CHURUJING_SIGNING_KEY", "").strip():
        return
    path = signing.key_path()
    if path.exists():
        return
    if _production():
        raise _refuse(
            f"the boarding kit's signing key {path} does not exist: set CHURUJING_SIGNING_KEY "
            "(an Ed25519 private key in PEM, or its file)",
            f"登机材料的签名密钥 {path} 不存在：请设置 CHURUJING_SIGNING_KEY"
            "（Ed25519 私钥 PEM 或其文件）")
    signing.load_keys()
    typer.echo(f"churujing: created the boarding kit's signing key {path} (for development; "
               "production needs CHURUJING_SIGNING_KEY)", err=True)


def _production() -> bool:
    try:
        from churujing.services.common.settings import ServiceSettings
    except ModuleNotFoundError:  # no service in this build: its setting, read alike
        return os.environ.get("CHURUJING_PRODUCTION", "").lower() in ("1", "true", "yes", "on")
    return ServiceSettings().production


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the ``churujing`` CLI."""
    app.command("serve")(serve)
