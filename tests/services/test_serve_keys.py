"""``churujing serve`` creates no key silently (issue 12 item 4, trial B9): in development
it may make the missing keys, and says so on stderr, one line each, with the file's path,
that it is for development, and the command that creates an officer; in production it
refuses without explicit keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from churujing.api.cli import _preflight
from churujing.trips import signing


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("CHURUJING_DATABASE_URL", "CHURUJING_KEY_FILE", "CHURUJING_KEYS",
                 "CHURUJING_SIGNING_KEY", "CHURUJING_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHURUJING_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CHURUJING_KEY_DIR", str(tmp_path))
    signing.load_keys.cache_clear()
    yield tmp_path
    signing.load_keys.cache_clear()


def test_development_creates_the_keys_and_says_so_one_line_each(
        fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _preflight()
    err = capsys.readouterr().err.strip().splitlines()
    ring, trip_key = fresh / "keys.json", fresh / signing.KEY_FILE
    assert ring.exists() and trip_key.exists()
    (card,) = [line for line in err if str(ring) in line]
    assert "development" in card and "churujing arrival-card bootstrap" in card
    assert "/officer/login" in card
    (kit,) = [line for line in err if str(trip_key) in line]
    assert "development" in kit and "CHURUJING_SIGNING_KEY" in kit
    assert len(err) == 2, err
    _preflight()  # the keys are there now: nothing to say
    assert capsys.readouterr().err == ""


def test_keys_made_explicitly_are_not_announced(fresh: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from typer.testing import CliRunner

    from churujing.cli import app

    result = CliRunner().invoke(app, ["arrival-card", "init-keys"])
    assert result.exit_code == 0, result.output
    capsys.readouterr()
    _preflight()
    err = capsys.readouterr().err
    assert "keys.json" not in err
    assert signing.KEY_FILE in err  # the kit's key was still missing


def test_production_refuses_without_explicit_keys(fresh: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CHURUJING_PRODUCTION", "true")
    with pytest.raises(typer.Exit) as info:
        _preflight()
    assert info.value.exit_code == 2
    assert "CHURUJING_KEYS" in capsys.readouterr().err
    assert not (fresh / "keys.json").exists() and not (fresh / signing.KEY_FILE).exists()


def test_production_refuses_without_the_kits_signing_key(
        fresh: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from typer.testing import CliRunner

    from churujing.cli import app

    monkeypatch.setenv("CHURUJING_KEY_FILE", str(fresh / "keys.json"))
    assert CliRunner().invoke(app, ["arrival-card", "init-keys"]).exit_code == 0
    monkeypatch.setenv("CHURUJING_PRODUCTION", "true")
    capsys.readouterr()
    with pytest.raises(typer.Exit):
        _preflight()
    assert "CHURUJING_SIGNING_KEY" in capsys.readouterr().err
    assert not (fresh / signing.KEY_FILE).exists()
