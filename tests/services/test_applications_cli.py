"""``churujing applications``: tick (for cron), verify-logs, diagram."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apps_helpers import REVIEWER, body, documents, start_clock
from typer.testing import CliRunner

from churujing.cli import app
from churujing.services.applications import workflow
from churujing.services.applications.service import ApplicationService
from churujing.services.arrival_card.settings import Settings

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv("CHURUJING_DATABASE_URL", url)
    monkeypatch.setenv("CHURUJING_KEY_FILE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("CHURUJING_APPLICATIONS_SMS_LOG", str(tmp_path / "sms.log"))
    return Settings()


def test_tick_lapses_an_application_not_paid_in_time(env: Settings) -> None:
    clock = start_clock()
    svc = ApplicationService.from_settings(env, clock=clock)
    made = svc.create(body())
    for kind, data in documents().items():
        svc.put_document(made["number"], made["secret"], kind, data)
    svc.submit(made["number"], made["secret"])
    svc.decide(REVIEWER, made["number"], "approve")
    # the command runs on the real clock, long after the 7 days of 2025-12
    result = runner.invoke(app, ["applications", "tick"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["lapsed"] == 1 and out["sent"] >= 1
    assert svc.view(made["number"], made["secret"])["status"] == "lapsed"
    result = runner.invoke(app, ["applications", "verify-logs"])
    assert result.exit_code == 0 and json.loads(result.output)["transitions"]["ok"]


def test_diagram_is_the_machines(env: Settings) -> None:
    result = runner.invoke(app, ["applications", "diagram"])
    assert result.exit_code == 0 and result.output == workflow.mermaid()
