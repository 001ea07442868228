"""``churujing arrival-card``: commands for officers and operators.

=====================================  ======================================================
``migrate``                            upgrade the database schema
``init-keys``                          create the key file (explicit; production needs it)
``bootstrap``                          migrate, create the key file, and create an officer
                                       account (password printed once) if there is none
``officer add USER [--role]``          add an officer (password asked, or ``--password-stdin``)
``officer list``                       list the accounts
``officer token USER [--hours N]``     issue an API token for an officer
``officer disable|enable USER``        disable (tokens revoked) or re-enable an account
``officer reset-password USER``        a new password (tokens revoked)
``officer revoke USER``                revoke every token of an officer
``lookup``                             find filings (``--number``, ``--token``, or
                                       ``--nationality`` and ``--passport``), authenticated
                                       by an officer's token (``CHURUJING_OFFICER_TOKEN``)
``purge [--days N]``                   delete filings N days after arrival (default
                                       ``CHURUJING_PURGE_DAYS``)
``rotate-keys``                        new active key; re-encrypt and re-hash every record
``audit verify``                       check the audit log's hash chain (exit 1 if broken)
=====================================  ======================================================

The database and keys are those of the environment (see :mod:`.settings`).
"""

from __future__ import annotations

import json
import secrets
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from churujing.services.common.errors import ServiceError
from churujing.services.common.roles import ROLES

if TYPE_CHECKING:
    from .service import ArrivalCardService

__all__ = ["register"]

EXIT_ERROR = 1
EXIT_AUTH = 3


def _service_class() -> type[ArrivalCardService]:
    from .service import ArrivalCardService  # the database stack loads only when used

    return ArrivalCardService


def _service() -> ArrivalCardService:
    return _service_class().from_settings()


def _fail(exc: ServiceError) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {exc.text.en} / {exc.text.zh}",
                               highlight=False)
    return typer.Exit(EXIT_AUTH if exc.status in (401, 403) else EXIT_ERROR)


def _password(from_stdin: bool) -> str:
    """The password from stdin (one line) or typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


def _out(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def register(app: typer.Typer) -> None:
    """Add the ``arrival-card`` command group to the ``churujing`` CLI."""
    group = typer.Typer(name="arrival-card", no_args_is_help=True,
                        help="The online arrival card service (measure 10): operations.")
    officers = typer.Typer(name="officer", no_args_is_help=True,
                           help="Officer accounts and API tokens.")
    group.add_typer(officers)
    audit = typer.Typer(name="audit", no_args_is_help=True, help="The audit log.")
    group.add_typer(audit)
    app.add_typer(group)

    @audit.command("verify")
    def audit_verify() -> None:
        """Check the audit log's hash chain; prints the rows checked and the head hash
        (record it elsewhere), or the first row that breaks the chain (exit 1)."""
        try:
            report = _service().officers.verify_audit()
        except ServiceError as exc:
            raise _fail(exc) from None
        _out(report.to_dict())
        if not report.ok:
            raise typer.Exit(EXIT_ERROR)

    @group.command()
    def migrate() -> None:
        """Upgrade the database schema to the latest version."""
        try:
            _service_class().from_settings(migrate=True)
        except ServiceError as exc:
            raise _fail(exc) from None
        Console(stderr=True).print("database schema is up to date")

    @group.command()
    def bootstrap(
        username: Annotated[str, typer.Option(help="officer account to create")] = "officer",
    ) -> None:
        """Migrate and create the key file; create an officer account (its password is
        printed once) when there is none. Safe to run again."""
        try:
            service = _service_class().from_settings(migrate=True, create_keys=True)
            if any(o["role"] == "officer" for o in service.officers.officers()):
                Console(stderr=True).print("arrival card: database ready; officers exist")
                return
            password = secrets.token_urlsafe(12)
            service.officers.add_officer(username, password, "officer")
        except ServiceError as exc:
            raise _fail(exc) from None
        Console(stderr=True, soft_wrap=True).print(
            f"arrival card: created officer [bold]{username}[/bold] with password "
            f"[bold]{password}[/bold] (shown once; log in at /officer/login)", highlight=False)

    @group.command("init-keys")
    def init_keys() -> None:
        """Create the key file (CHURUJING_KEY_FILE, or DATA_DIR/keys.json) with fresh keys,
        mode 0600; refuses when it exists or when the database already holds data."""
        from .settings import Settings

        settings = Settings()
        if settings.key_file.exists():
            Console(stderr=True).print(f"[red]error:[/red] {settings.key_file} exists")
            raise typer.Exit(EXIT_ERROR)
        try:
            _service_class().from_settings(settings, migrate=True, create_keys=True)
        except ServiceError as exc:
            raise _fail(exc) from None
        Console(stderr=True).print(f"created {settings.key_file}")

    @officers.command("add")
    def officer_add(
        username: Annotated[str, typer.Argument()],
        role: Annotated[str, typer.Option(help=f"one of {', '.join(ROLES)}")] = "officer",
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="read the password from stdin")] = False,
    ) -> None:
        """Add an officer account (argon2-hashed password, at least 12 characters)."""
        password = _password(password_stdin)
        try:
            _service().officers.add_officer(username, password, role)
        except ServiceError as exc:
            raise _fail(exc) from None
        Console(stderr=True).print(f"added {role} {username}")

    @officers.command("list")
    def officer_list() -> None:
        """List officer accounts (JSON)."""
        try:
            _out(_service().officers.officers())
        except ServiceError as exc:
            raise _fail(exc) from None

    @officers.command("token")
    def officer_token(
        username: Annotated[str, typer.Argument()],
        label: Annotated[str, typer.Option(help="what the token is for")] = "cli",
        hours: Annotated[int | None, typer.Option(
            min=1, max=2160, help="lifetime (default CHURUJING_OFFICER_TOKEN_HOURS)")] = None,
    ) -> None:
        """Issue an API token for an officer (printed once; stored hashed)."""
        try:
            token, expires = _service().officers.issue_token(username, label=label, hours=hours)
        except ServiceError as exc:
            raise _fail(exc) from None
        _out({"access_token": token, "token_type": "bearer", "expires_at": expires.isoformat()})

    @officers.command("disable")
    def officer_disable(username: Annotated[str, typer.Argument()]) -> None:
        """Disable an account; its tokens and web sessions are revoked at once."""
        try:
            _out(_service().officers.set_active(username, False, by="cli"))
        except ServiceError as exc:
            raise _fail(exc) from None

    @officers.command("enable")
    def officer_enable(username: Annotated[str, typer.Argument()]) -> None:
        """Re-enable a disabled account."""
        try:
            _out(_service().officers.set_active(username, True, by="cli"))
        except ServiceError as exc:
            raise _fail(exc) from None

    @officers.command("reset-password")
    def officer_reset_password(
        username: Annotated[str, typer.Argument()],
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="read the password from stdin")] = False,
    ) -> None:
        """Set a new password (at least 12 characters); every token is revoked."""
        password = _password(password_stdin)
        try:
            _out(_service().officers.reset_password(username, password, by="cli"))
        except ServiceError as exc:
            raise _fail(exc) from None

    @officers.command("revoke")
    def officer_revoke(username: Annotated[str, typer.Argument()]) -> None:
        """Revoke every API token and web session of an officer."""
        try:
            _out(_service().officers.revoke_tokens(username, by="cli"))
        except ServiceError as exc:
            raise _fail(exc) from None

    @group.command()
    def lookup(
        number: Annotated[str | None, typer.Option(help="filing number")] = None,
        token: Annotated[str | None, typer.Option(help="the QR code's token")] = None,
        nationality: Annotated[str | None, typer.Option(help="ISO code or name")] = None,
        passport: Annotated[str | None, typer.Option(help="passport number")] = None,
        officer_token: Annotated[str | None, typer.Option(
            "--officer-token", envvar="CHURUJING_OFFICER_TOKEN",
            help="an officer's API token (or CHURUJING_OFFICER_TOKEN)")] = None,
    ) -> None:
        """Find filings as an officer (audited); prints JSON."""
        try:
            service = _service()
            who = service.officers.authenticate(officer_token)
            if token:
                views = service.officers.lookup_token(who, token, via="cli")
            elif number:
                views = service.officers.lookup_number(who, number, via="cli")
            elif nationality and passport:
                views = service.officers.lookup_passport(who, nationality, passport, via="cli")
            else:
                Console(stderr=True).print(
                    "[red]error:[/red] give --number, --token, or --nationality and --passport")
                raise typer.Exit(2)
        except ServiceError as exc:
            raise _fail(exc) from None
        _out({"count": len(views), "filings": [v.to_dict() for v in views]})

    @group.command()
    def purge(
        days: Annotated[int | None, typer.Option(
            help="days after the arrival date (default CHURUJING_PURGE_DAYS)")] = None,
    ) -> None:
        """Delete filings whose arrival date is more than DAYS days ago (every version)."""
        try:
            _out(_service().maintenance.purge(days))
        except ServiceError as exc:
            raise _fail(exc) from None

    @group.command("rotate-keys")
    def rotate_keys() -> None:
        """Make a new key set active and re-encrypt and re-hash every stored record.
        Old key sets stay in the key file (older receipts keep verifying)."""
        try:
            _out(_service().maintenance.rotate_keys())
        except ServiceError as exc:
            raise _fail(exc) from None
