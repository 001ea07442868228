"""The ``churujing`` command line: a thin layer over the library.

``churujing check MEASURE`` reads facts from stdin (one JSON object, or JSON Lines),
writes one JSON decision per input line, in order; an invalid line gets
``{"error": {"field", "message", "line"}}`` on its own output line and the exit status
is 2; so does empty input (a message on stderr), and a document nested deeper, or with
a longer text, than the bounds of :mod:`churujing.jsonio` (32 levels, 4,096
characters). ``--text`` prints a human explanation instead, ``--lang zh|en`` picks its
language.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table as RichTable

from churujing import jsonio
from churujing.decision import Decision, Lang, Text
from churujing.errors import ChurujingError, FactsError, UnknownMeasureError
from churujing.i18n import T
from churujing.jsonio import JSONLimitError
from churujing.measures import MEASURES, get_measure

__all__ = ["app", "main"]

app = typer.Typer(
    name="churujing",
    help="NIA Announcement 2025 No. 4, executable: check the ten exit-entry measures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_INVALID = 2


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(EXIT_INVALID)



def write_error(out: TextIO, exc: ChurujingError, line_no: int, language: Lang, *,
                text: bool) -> None:
    """One input line's error on its own output line (JSON, or text with ``--text``):
    every invalid field of the line, the first also as ``error``."""
    field = exc.field if isinstance(exc, FactsError) else ""
    message = exc.message_in(language) if isinstance(exc, FactsError) else str(exc)
    each = (exc.all_dicts(language) if isinstance(exc, FactsError)
            else [{"field": field, "message": message}])
    if text:
        for e in each:
            where = f"{e['field']}: " if e["field"] else ""
            out.write(f"line {line_no}: error: {where}{e['message']}\n")
        out.write("\n")
        return
    err = {"error": {"field": field, "message": message, "line": line_no}, "errors": each}
    out.write(json.dumps(err, ensure_ascii=False) + "\n")

def no_input(lang: Lang) -> typer.Exit:
    """The exit (2) of a command that read nothing from stdin, saying so in ``lang``."""
    return _fail(T("没有输入：每行应为一个 JSON 对象").get(lang))


def _lang(value: str) -> Lang:
    if value not in ("zh", "en"):
        raise _fail(f"--lang: expected zh or en, got {value!r}")
    return "zh" if value == "zh" else "en"


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--as-of: expected a date YYYY-MM-DD, got {value!r}") from None


def read_documents(stream: TextIO) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed JSON or the JSON error) from one object or JSON Lines.

    A document that spans several lines (a pretty-printed object) is read whole; otherwise
    each non-blank line is one document, read as it arrives.
    """
    first_line_no = 0
    first = ""
    for first_line_no, line in enumerate(stream, start=1):  # noqa: B007
        if line.strip():
            first = line
            break
    if not first:
        return
    try:
        yield first_line_no, _strict(first)
    except JSONLimitError as exc:
        if exc.kind != "json_invalid":  # JSON, but beyond a bound: that line's error
            yield first_line_no, _where(exc)
            for n, line in enumerate(stream, start=first_line_no + 1):
                if line.strip():
                    yield n, _loads(line)
            return
        rest = stream.read()
        whole = first + rest
        try:
            doc = _strict(whole)
        except JSONLimitError as whole_exc:
            if whole_exc.kind != "json_invalid":
                yield first_line_no, _where(whole_exc)
                return
            # Not one document: fall back to line by line, reporting each bad line.
            for n, line in enumerate(whole.splitlines(), start=first_line_no):
                if line.strip():
                    yield n, _loads(line)
            return
        if isinstance(doc, list):
            for n, item in enumerate(doc, start=1):
                yield n, item
        else:
            yield first_line_no, doc
        return
    for n, line in enumerate(stream, start=first_line_no + 1):
        if line.strip():
            yield n, _loads(line)


class _BadJSON:
    def __init__(self, text: Text, field: str = "") -> None:
        self.text = text
        self.field = field


def _strict(text: str) -> Any:
    """One JSON document within the bounds of :mod:`churujing.jsonio` (depth, text)."""
    return jsonio.loads(text.encode("utf-8", "surrogatepass"))


def _where(exc: JSONLimitError) -> _BadJSON:
    return _BadJSON(Text(exc.message, exc.message), exc.field)


def _loads(line: str) -> Any:
    try:
        return _strict(line)
    except JSONLimitError as exc:
        if exc.kind != "json_invalid":
            return _where(exc)
        try:
            json.loads(line)
        except json.JSONDecodeError as bad:
            return _BadJSON(T("JSON 格式有误：{detail}（第{column}列）", detail=bad.msg,
                              column=bad.colno))
        except RecursionError:
            pass
        return _BadJSON(Text(f"JSON 格式有误：{exc.message}", f"invalid JSON: {exc.message}"))


@app.command()
def check(
    measure: Annotated[str, typer.Argument(help="measure id (see `churujing measures`)")],
    text: Annotated[bool, typer.Option("--text", help="print a human explanation")] = False,
    lang: Annotated[str, typer.Option(
        "--lang", help="zh or en: the language of --text and of error messages")] = "zh",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="decide as of this date (YYYY-MM-DD)")
    ] = None,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="exit 1 when any answer is a refusal (2 still wins: a line "
        "was invalid)")] = False,
) -> None:
    """Decide MEASURE for facts read from stdin (a JSON object or JSON Lines)."""
    refused = False
    try:
        m = get_measure(measure)
    except UnknownMeasureError as exc:
        raise _fail(str(exc)) from None
    language = _lang(lang)
    day = _as_of(as_of)
    out = sys.stdout
    invalid = read = False
    for line_no, doc in read_documents(sys.stdin):
        read = True
        try:
            if isinstance(doc, _BadJSON):
                raise FactsError(doc.text.en, field=doc.field, text=doc.text)
            decision = m.check(doc, day)
        except ChurujingError as exc:
            # Invalid facts (FactsError names the field), or a line the data cannot answer
            # (e.g. a date beyond the working-day calendars): an error on its own line.
            invalid = True
            write_error(out, exc, line_no, language, text=text)
            continue
        _write(out, decision, text, language)
        out.flush()
        refused = refused or not decision.eligible
    if not read:
        raise no_input(language)
    if invalid:
        raise typer.Exit(EXIT_INVALID)
    if exit_code and refused:
        raise typer.Exit(1)


def _write(out: TextIO, decision: Decision, text: bool, lang: Lang) -> None:
    if text:
        out.write(decision.explain(lang) + "\n\n")
    else:
        out.write(json.dumps(decision.to_dict(), ensure_ascii=False) + "\n")


@app.command()
def measures(
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable list")] = False,
) -> None:
    """List the measures."""
    language = _lang(lang)
    if as_json:
        rows = [{"id": m.id, "clause": m.clause, "title": m.title.to_dict()}
                for m in MEASURES.values()]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = RichTable("id", "clause", "title")
    for m in MEASURES.values():
        table.add_row(m.id, m.clause, m.title.get(language))
    Console().print(table)


@app.command()
def facts(measure: Annotated[str, typer.Argument(help="measure id")]) -> None:
    """Print the JSON Schema of MEASURE's facts."""
    try:
        m = get_measure(measure)
    except UnknownMeasureError as exc:
        raise _fail(str(exc)) from None
    sys.stdout.write(json.dumps(m.schema(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def clause(
    clause_id: Annotated[str, typer.Argument(help="clause ID, e.g. M06.2 or A2.44")],
    lang: Annotated[str, typer.Option("--lang", help="zh, en or both")] = "both",
) -> None:
    """Print a clause of the announcement."""
    from churujing.law import clause as get_clause

    try:
        c = get_clause(clause_id)
    except KeyError:
        raise _fail(f"unknown clause {clause_id!r}") from None
    if lang in ("zh", "both"):
        sys.stdout.write(f"[{c.id}] {c.text.zh}\n")
    if lang in ("en", "both"):
        sys.stdout.write(f"[{c.id}] {c.text.en}\n")


@app.command()
def demo(lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh") -> None:
    """Run a worked example of each measure and print the explained answers."""
    from churujing.examples import EXAMPLES

    language = _lang(lang)
    for measure_id, title, facts_ in EXAMPLES:
        if measure_id not in MEASURES:
            continue
        d = MEASURES[measure_id].check(facts_)
        sys.stdout.write(f"## {title.get(language)}\n{json.dumps(facts_, ensure_ascii=False)}\n")
        sys.stdout.write(d.explain(language) + "\n\n")


# Adapters that add their own commands (`serve`, `batch`, `arrival-card`) register here,
# each from its own module exposing ``register(app: typer.Typer) -> None``.
_PLUGINS = (
    "churujing.api.cli",
    "churujing.batch.cli",
    "churujing.services.arrival_card.cli",
    "churujing.services.applications.cli",
    "churujing.trips.cli",
)


def _register_plugins() -> None:
    from importlib import import_module

    for name in _PLUGINS:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that adapter is not part of this build
            raise
        module.register(app)


_register_plugins()


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
