"""``churujing applications``: commands for operators.

``migrate``        upgrade the platform's tables
``tick``           one run of the scheduler (for cron): lapse applications not paid in time,
                   send the notices due; prints what it did as JSON
``verify-logs``    check the hash chains of the transition and audit logs
``diagram``        print the workflow as a Mermaid state diagram, drawn from the machine

The database and keys are the services' shared ones (see :mod:`.settings`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from .errors import ApplicationError

__all__ = ["register"]

app = typer.Typer(help="Online applications (measure 7): operators' commands.",
                  no_args_is_help=True)


def _out(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _run(action: str) -> Any:
    from .service import ApplicationService  # the database stack loads only when used

    try:
        svc = ApplicationService.from_settings()
        try:
            if action == "migrate":
                return {"migrated": True}
            if action == "tick":
                return svc.tick()
            return svc.verify_chains()
        finally:
            svc.db.dispose()
    except ApplicationError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc.text.en} / {exc.text.zh}",
                                   highlight=False)
        raise typer.Exit(1) from None


@app.command()
def migrate() -> None:
    """Upgrade the platform's tables to the latest migration."""
    _out(_run("migrate"))


@app.command()
def tick() -> None:
    """One scheduler run: lapse what was not paid in time, send the due notices."""
    _out(_run("tick"))


@app.command("verify-logs")
def verify_logs() -> None:
    """Check the hash chains of the transition and audit logs (exit 1 when broken)."""
    report = _run("verify")
    _out(report)
    if not all(part["ok"] for part in report.values()):
        raise typer.Exit(1)


@app.command()
def diagram() -> None:
    """The workflow as a Mermaid state diagram, drawn from the state machine."""
    from .workflow import mermaid

    sys.stdout.write(mermaid())


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="applications")
