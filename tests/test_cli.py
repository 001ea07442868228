"""The CLI contract (issue 2 §5): stdin JSON or JSON Lines in, one decision per line out."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from churujing.cli import app

runner = CliRunner()

TRIP = {
    "nationality": "DE",
    "passport_expiry": "2027-06-30",
    "entry_port": "PVG",
    "entry_time": "2025-11-10T14:30:00",
    "origin": "US",
    "destination": "JP",
    "departure_time": "2025-11-18T10:00:00",
    "onward_ticket": True,
    "purpose": "tourism",
}


def run(args: list[str], stdin: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, args, input=stdin)
    return result.exit_code, [line for line in result.stdout.splitlines() if line.strip()]


def test_one_object_gives_one_decision() -> None:
    code, lines = run(["check", "visa-free-transit-240h"], json.dumps(TRIP))
    assert code == 0
    (out,) = lines
    d = json.loads(out)
    assert d["measure"] == "visa-free-transit-240h"
    assert d["as_of"] == "2025-11-10"
    assert d["eligible"] is True
    assert d["details"]["stay_deadline"] == "2025-11-21T00:00:00+08:00"
    for c in d["conditions"]:
        assert set(c) == {"code", "clause", "met", "zh", "en"}


def test_a_pretty_printed_object_is_one_document() -> None:
    code, lines = run(["check", "visa-free-transit-240h"], json.dumps(TRIP, indent=2))
    assert code == 0 and len(lines) == 1


def test_json_lines_are_answered_in_order_and_a_bad_line_does_not_stop_the_rest() -> None:
    back_home = {**TRIP, "destination": "US"}
    bad = {**TRIP, "entry_time": "yesterday"}
    stdin = "\n".join([json.dumps(TRIP), json.dumps(bad), "{not json", json.dumps(back_home)])
    code, lines = run(["check", "visa-free-transit-240h"], stdin)
    assert code == 2
    assert len(lines) == 4
    first, second, third, fourth = (json.loads(x) for x in lines)
    assert first["eligible"] is True
    assert second["error"]["field"] == "entry_time" and second["error"]["line"] == 2
    assert third["error"]["field"] == "" and "JSON" in third["error"]["message"]
    assert fourth["eligible"] is False
    unmet = [c["code"] for c in fourth["conditions"] if not c["met"]]
    assert unmet == ["third_country"]


def test_text_explains_in_the_chosen_language() -> None:
    code, lines = run(
        ["check", "visa-free-transit-240h", "--text", "--lang", "en"], json.dumps(TRIP)
    )
    assert code == 0
    text = "\n".join(lines)
    assert "eligible" in text and "[A1.4]" in text and "2025-11-21" in text
    code, lines = run(["check", "visa-free-transit-240h", "--text"], json.dumps(TRIP))
    assert "符合条件" in "\n".join(lines)


def test_as_of_overrides_the_event_date() -> None:
    code, lines = run(
        ["check", "visa-free-transit-240h", "--as-of", "2025-11-04"], json.dumps(TRIP)
    )
    assert code == 0
    assert json.loads(lines[0])["as_of"] == "2025-11-04"


def test_unknown_measure_and_bad_options_exit_2_with_a_message() -> None:
    result = runner.invoke(app, ["check", "no-such-measure"], input="{}")
    assert result.exit_code == 2
    assert "unknown measure" in result.output
    result = runner.invoke(app, ["check", "visa-free-transit-240h", "--lang", "fr"], input="{}")
    assert result.exit_code == 2
    result = runner.invoke(app, ["check", "visa-free-transit-240h", "--as-of", "soon"], input="{}")
    assert result.exit_code == 2 and "--as-of" in result.output


def test_a_line_that_is_not_an_object_is_an_error_line() -> None:
    code, lines = run(["check", "visa-free-transit-240h"], "[1, 2]\n")
    assert code == 2
    assert all("error" in json.loads(x) for x in lines)


def test_measures_and_facts() -> None:
    result = runner.invoke(app, ["measures", "--json"])
    assert result.exit_code == 0
    ids = [m["id"] for m in json.loads(result.stdout)]
    assert "visa-free-transit-240h" in ids
    result = runner.invoke(app, ["facts", "visa-free-transit-240h"])
    schema = json.loads(result.stdout)
    assert {"nationality", "entry_port", "entry_time", "onward_ticket"} <= set(schema["properties"])


def test_clause_prints_the_law() -> None:
    result = runner.invoke(app, ["clause", "A1.4"])
    assert result.exit_code == 0 and "次日零时" in result.stdout


@pytest.mark.slow
def test_the_installed_command_never_prints_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "churujing.cli", "check", "visa-free-transit-240h"],
        input='{"nationality": 5}\n\x00\n',
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_document_nested_2000_deep_is_an_error_line_and_exit_2_not_a_traceback() -> None:
    runner = CliRunner()
    for doc in ("[" * 2000 + "]" * 2000, '{"a":' * 1000 + "1" + "}" * 1000,
                '{"purpose": "' + "x" * 5000 + '"}'):
        result = runner.invoke(app, ["check", "visa-free-transit-240h"], input=doc + "\n")
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        error = json.loads(result.stdout.splitlines()[0])["error"]
        assert "levels deep" in error["message"] or "longer than" in error["message"]


def test_exit_code_says_whether_any_answer_is_a_refusal() -> None:
    """``--exit-code``: 1 when an answer is a refusal, 0 when all are eligible; an invalid
    line still exits 2. Chinese is written as it is, not escaped."""
    from typer.testing import CliRunner

    from churujing.cli import app

    ok = json.dumps({"nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
                     "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
                     "departure_time": "2025-11-18T10:00:00", "onward_ticket": True,
                     "purpose": "tourism"})
    refused = ok.replace('"JP"', '"US"')
    runner = CliRunner()
    args = ["check", "visa-free-transit-240h", "--exit-code"]
    assert runner.invoke(app, args, input=ok + "\n").exit_code == 0
    result = runner.invoke(app, args, input=ok + "\n" + refused + "\n")
    assert result.exit_code == 1 and "上海浦东" in result.stdout
    assert runner.invoke(app, args, input=refused + "\n{bad\n").exit_code == 2
    assert runner.invoke(app, args[:2], input=refused + "\n").exit_code == 0
