"""``churujing trip``: trips read from stdin (one JSON object or JSON Lines), one answer
per line, in order (``--text``: in words, in ``--lang``); an invalid line gets
``{"error": {...}, "errors": [...]}`` on its own line (every invalid field) and the exit
status is 2, as it is on empty input (a message on stderr). ``--exit-code`` also exits 1
when an answer is a refusal (and no line was invalid). ``churujing verify TOKEN`` checks a
boarding kit's signed answer offline."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from churujing.errors import ChurujingError, FactsError

__all__ = ["register"]

EXIT_INVALID = 2  # as `churujing check`
EXIT_REFUSED = 1


def trip(
    text: Annotated[bool, typer.Option("--text", help="print the answer in words "
                                       "(in --lang) instead of JSON")] = False,
    lang: Annotated[str, typer.Option(
        "--lang", help="zh or en: the language of --text and of error messages")] = "zh",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="decide as of this date (YYYY-MM-DD); "
                                 "default: each entry's day of arrival")] = None,
    areas: Annotated[str, typer.Option(
        "--areas", help="ref: stay areas by reference to /v1/stay-areas (default); "
        "full: listed in each answer")] = "ref",
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="exit 1 when any answer is a refusal")] = False,
) -> None:
    """Answer trips read from stdin: every entry into mainland China, each regime, the best."""
    # imported here: `python -m churujing.cli` runs the CLI module as __main__
    from churujing.cli import _as_of, _BadJSON, _fail, _lang, no_input, read_documents, write_error
    from churujing.trips import check_trip
    from churujing.trips.engine import Areas
    from churujing.trips.explain import explain

    language = _lang(lang)
    day = _as_of(as_of)
    if areas not in ("ref", "full"):
        raise _fail(f"--areas: expected ref or full, got {areas!r}")
    mode: Areas = "full" if areas == "full" else "ref"
    out = sys.stdout
    invalid = refused = read = False
    for line_no, doc in read_documents(sys.stdin):
        read = True
        try:
            if isinstance(doc, _BadJSON):
                raise FactsError(doc.text.en, field="", text=doc.text)
            answer = check_trip(doc, day)
        except ChurujingError as exc:
            invalid = True
            write_error(out, exc, line_no, language, text=text)
            continue
        refused = refused or answer.refused
        if text:
            out.write(explain(answer, language) + "\n\n")
        else:
            out.write(json.dumps(answer.to_dict(areas=mode), ensure_ascii=False) + "\n")
        out.flush()
    if not read:
        raise no_input(language)
    if invalid:
        raise typer.Exit(EXIT_INVALID)
    if exit_code and refused:
        raise typer.Exit(EXIT_REFUSED)


def register(app: typer.Typer) -> None:
    app.command("trip")(trip)
    from churujing.web.kit import verify_command

    app.command("verify")(verify_command)
