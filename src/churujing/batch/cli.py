"""``churujing batch MEASURE INPUT -o OUTPUT``: check a manifest (registered by the core CLI)."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table as RichTable

from churujing.errors import ChurujingError

if TYPE_CHECKING:  # the batch engine (Polars, Arrow) loads only when `batch` runs
    from churujing.batch.engine import Summary

__all__ = ["register"]

EXIT_INVALID = 2
#: the summary gives rows per second from this many rows on
RATE_FROM_ROWS = 10_000


class _RateColumn(TextColumn):
    """Rows per second."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        from rich.text import Text

        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed else "— rows/s", style="progress.data.speed")


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(EXIT_INVALID)


def batch(
    measure: Annotated[str, typer.Argument(help="measure id (see `churujing measures`)")],
    input_path: Annotated[Path, typer.Argument(
        metavar="INPUT",
        help="manifest: .parquet, .csv or .jsonl; or a directory (glob) of Parquet files")],
    output: Annotated[Path, typer.Option(
        "-o", "--output",
        help="answers: .parquet, .csv or .jsonl; a directory for a partitioned output")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="decide every row as of this date (YYYY-MM-DD)")] = None,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="invalid rows (default: OUTPUT_STEM.rejects.EXT)")] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="ADDR|local",
        help="run on a Dask cluster: its scheduler address, or `local` to start one")] = None,
    key: Annotated[list[str] | None, typer.Option(
        "--key", help="input column to keep in the output (repeatable; default: every "
        "column that is not a fact of the measure)")] = None,
    batch_rows: Annotated[int, typer.Option(
        "--batch-rows", help="rows per batch (memory vs. speed)",
        hidden=True)] = 3 << 17,  # runner.DEFAULT_BATCH (not imported before it runs)
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Check every row of a manifest for MEASURE: answers, rejects and a summary."""
    from churujing.batch.runner import rejects_path, run, total_rows

    day: date | None = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise _fail(f"--as-of: expected a date YYYY-MM-DD, got {as_of!r}") from None
    err = Console(stderr=True)
    started = time.perf_counter()
    try:
        total = total_rows(input_path)
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
            transient=False,
        ) as bar:
            task = bar.add_task(f"{measure}", total=total)

            def advance(rows: int) -> None:
                bar.advance(task, rows)

            if dask is not None:
                from churujing.batch.dask import run_dask

                summary = run_dask(measure, input_path, output, scheduler=dask, as_of=day,
                                   rejects=rejects, keys=key, batch_size=batch_rows,
                                   progress=advance)
                out_dir = output.with_suffix("") if output.suffix else output
                rejects_at = rejects or rejects_path(out_dir)
                output = out_dir
            else:
                summary = run(measure, input_path, output, as_of=day, rejects=rejects,
                              keys=key, batch_size=batch_rows, progress=advance)
                rejects_at = rejects or rejects_path(output)
    except (ChurujingError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    seconds = time.perf_counter() - started
    if as_json:
        doc = summary.to_dict() | {"output": str(output), "rejects": str(rejects_at),
                                   "seconds": round(seconds, 3)}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return
    _print_summary(Console(), summary, output, rejects_at, seconds)


def _print_summary(console: Console, s: Summary, output: Path, rejects: Path,
                   seconds: float) -> None:
    rate = (f" ({s.rows / seconds:,.0f} rows/s)" if s.rows >= RATE_FROM_ROWS and seconds
            else "")  # below, the figure is the start-up time, not the throughput
    table = RichTable("", "rows", title=f"{s.rows:,} rows in {seconds:.1f} s{rate}")
    table.add_row("eligible", f"{s.eligible:,}")
    table.add_row("refused", f"{s.refused:,}")
    for code, n in sorted(s.first_unmet.items(), key=lambda kv: -kv[1]):
        table.add_row(f"  first unmet: {code}", f"{n:,}")
    for code, n in sorted(s.unmet.items(), key=lambda kv: -kv[1]):
        table.add_row(f"  unmet (any): {code}", f"{n:,}")
    table.add_row("rejected (invalid)", f"{s.rejected:,}")
    console.print(table)
    console.print(f"answers: {output}", highlight=False)
    console.print(f"rejects: {rejects}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``batch`` to the ``churujing`` command line."""
    app.command("batch")(batch)
