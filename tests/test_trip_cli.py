"""``churujing trip`` as a person reads it (``--text``), and empty input to the commands
that read stdin (``check``, ``trip``): exit 2 with a message in the asker's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from churujing.cli import app

#: a German tourist, Frankfurt → Shanghai → Tokyo (one trip, shared with test_trips.py)
_GERMAN = json.loads((Path(__file__).parent / "trips" / "german_tourist.json").read_text(
    encoding="utf-8"))


def test_trip_text_explains_each_entry_in_english() -> None:
    result = CliRunner().invoke(app, ["trip", "--text", "--lang", "en"],
                                input=json.dumps(_GERMAN))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not out.lstrip().startswith("{")  # words, not JSON
    assert "Unilateral visa exemption (30 days)" in out
    assert "[EEL.22.4]" in out
    assert "Leave by 23:59 on Friday 9 January 2026, Beijing time" in out
    assert "240-hour visa-free transit" in out  # the other regimes, each with why
    assert "arrival card" in out.lower()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in out.replace("苏州", "")), out


def test_trip_text_in_chinese() -> None:
    result = CliRunner().invoke(app, ["trip", "--text"], input=json.dumps(_GERMAN))
    assert result.exit_code == 0, result.output
    assert "单方面免签（30日）" in result.stdout
    assert "请于北京时间2026年1月9日星期五23:59前离境" in result.stdout
    assert "Leave by" not in result.stdout


def test_trip_text_lists_every_invalid_field_and_exits_2() -> None:
    bad = {"nationality": "DE", "purpose": "fun", "legs": []}
    result = CliRunner().invoke(app, ["trip", "--text", "--lang", "en"], input=json.dumps(bad))
    assert result.exit_code == 2
    assert "line 1: error: purpose:" in result.stdout
    assert "line 1: error: legs:" in result.stdout


@pytest.mark.parametrize(("args", "lang", "words"), [
    (["check", "visa-free-transit-240h", "--lang", "en"], "en",
     "no input: expected one JSON object per line"),
    (["check", "visa-free-transit-240h"], "zh", "没有输入"),
    (["trip", "--lang", "en"], "en", "no input: expected one JSON object per line"),
    (["trip", "--text"], "zh", "没有输入"),
])
@pytest.mark.parametrize("stdin", ["", "\n  \n"])
def test_empty_input_exits_2_saying_so(args: list[str], lang: str, words: str,
                                       stdin: str) -> None:
    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert words in result.stderr
