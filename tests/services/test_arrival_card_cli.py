"""``churujing arrival-card``: bootstrap, officers, look-up, purge, rotation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from churujing.cli import app
from churujing.services.arrival_card.service import ArrivalCardService
from churujing.services.arrival_card.settings import Settings


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CHURUJING_DATABASE_URL", db_url)
    monkeypatch.setenv("CHURUJING_KEY_FILE", str(tmp_path / "keys.json"))
    return Settings()


def test_operator_commands(env: Settings, card: Callable[..., dict[str, Any]],
                           clock: Any) -> None:
    run = CliRunner().invoke
    first = run(app, ["arrival-card", "bootstrap"])
    assert first.exit_code == 0, first.output
    assert "password" in first.output
    again = run(app, ["arrival-card", "bootstrap"])
    assert again.exit_code == 0 and "officers exist" in again.output
    added = run(app, ["arrival-card", "officer", "add", "bob", "--role", "operator",
                      "--password-stdin"], input="a long enough password\n")
    assert added.exit_code == 0, added.output
    listed = json.loads(run(app, ["arrival-card", "officer", "list"]).stdout)
    assert {o["username"] for o in listed} == {"officer", "bob"}

    service = ArrivalCardService.from_settings(env, clock=clock)
    r = service.filings.file(card())
    service.db.dispose()
    denied = run(app, ["arrival-card", "lookup", "--number", r.number])
    assert denied.exit_code == 3
    token = json.loads(run(app, ["arrival-card", "officer", "token", "officer"]).stdout)
    found = run(app, ["arrival-card", "lookup", "--nationality", "DE", "--passport",
                      "C01X00T47", "--officer-token", token["access_token"]])
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["filings"][0]["number"] == r.number
    op_token = json.loads(run(app, ["arrival-card", "officer", "token", "bob"]).stdout)
    assert run(app, ["arrival-card", "lookup", "--number", r.number, "--officer-token",
                     op_token["access_token"]]).exit_code == 3
    rotated = run(app, ["arrival-card", "rotate-keys"])
    assert rotated.exit_code == 0 and json.loads(rotated.stdout)["filings"] == 1
    assert run(app, ["arrival-card", "lookup", "--token", r.token, "--officer-token",
                     token["access_token"]]).exit_code == 0
    purged = run(app, ["arrival-card", "purge", "--days", "3650"])
    assert purged.exit_code == 0 and json.loads(purged.stdout)["filings"] == 0
    chain = run(app, ["arrival-card", "audit", "verify"])
    assert chain.exit_code == 0, chain.output
    assert json.loads(chain.stdout)["ok"] is True and json.loads(chain.stdout)["rows"] >= 4


def test_a_malformed_key_file_is_a_clear_error_not_a_traceback(
        env: Settings, tmp_path: Path) -> None:
    """The key ring's errors are the shared layer's (``KeyRingError``, a ServiceError): the
    arrival card's commands report them as any other error of the service."""
    (tmp_path / "keys.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["arrival-card", "officer", "list"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "key ring" in result.output.lower() or "密钥环" in result.output
