"""Running a batch on one machine: read, check, write, overlapped, in bounded memory.

Batches of rows are read ahead by one thread, checked on the calling thread and written
by another, so reading, evaluating and writing overlap (Arrow, Polars and the Parquet
writer release the GIL); at most three batches are in memory at a time.
"""

from __future__ import annotations

import gc
import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from churujing.batch.engine import Checker, Summary
from churujing.batch.io import (
    ParquetSink,
    Reader,
    Writer,
    format_of,
    input_files,
    lean_memory_pool,
    sink_parquet,
)

__all__ = ["Target", "check_file", "rejects_path", "run", "targets"]

T = TypeVar("T")
#: rows per batch: 10 M rows end to end ran at ~3.9-4.8 M rows/s with 256 Ki-row batches,
#: ~5.0-5.4 M with 384 Ki (peak ~520 MB) and about the same with 512 Ki (peak ~580 MB)
DEFAULT_BATCH = 3 << 17


def rejects_path(output: str | Path) -> Path:
    """``<output stem>.rejects.<ext>`` (a directory output: ``<output>.rejects``)."""
    p = Path(output)
    if not p.suffix:
        return p.with_name(p.name + ".rejects")
    return p.with_name(f"{p.stem}.rejects{p.suffix}")


def _prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Iterate ``items`` in a thread, ``depth`` items ahead."""
    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                q.put(("item", item))
            q.put(("end", None))
        except BaseException as exc:  # handed to the consumer
            q.put(("error", exc))

    t = threading.Thread(target=work, daemon=True)
    t.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


@dataclass(frozen=True)
class Target:
    """One unit of work: an input file (some of its row groups) and where its answers go."""

    source: Path
    output: Path
    rejects: Path
    row_groups: tuple[int, ...] | None = None
    first_row: int = 0


def targets(input_path: str | Path, output: str | Path, rejects: str | Path | None = None,
            *, split_row_groups: bool = False) -> list[Target]:
    """The units of work of a run: one file to one file, or a dataset to a directory of
    parts (one per input file, or per row group with ``split_row_groups``)."""
    files = input_files(input_path)
    out = Path(output)
    rej = Path(rejects) if rejects is not None else rejects_path(out)
    if out.suffix and not split_row_groups:
        format_of(out)
        if len(files) == 1:
            return [Target(files[0], out, rej)]
        raise ValueError(  # several files into one: use a directory
            f"{input_path} holds {len(files)} files: give a directory as the output"
        )
    ext = ".parquet"
    found: list[Target] = []
    first = 0
    n = 0
    for f in files:
        reader = Reader(f)
        groups = range(reader.row_groups()) if split_row_groups else [None]
        for g in groups:
            name = f"part-{n:05d}{ext}"
            found.append(Target(f, out / name, rej / name,
                                None if g is None else (g,), first))
            if g is not None and reader.format == "parquet":
                first += reader._pf.metadata.row_group(g).num_rows
            n += 1
        if not split_row_groups:
            first += reader.num_rows or 0
    return found


def check_file(
    checker: Checker,
    target: Target,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Check one unit of work: stream its rows through ``checker`` into its outputs."""
    lean_memory_pool()
    reader = Reader(target.source, strings=checker.string_facts(), texts=checker.text_facts(),
                    batch_size=batch_size)
    batches = _prefetch(reader.batches(target.row_groups))
    first = next(batches, None)
    head = checker.normalise(first if first is not None else _empty_input(reader, checker))
    checker.check_columns(head.column_names)
    schema = checker.output_schema(head.schema)
    summary = Summary()
    rejects = Writer(target.rejects, checker.rejects_schema(head.schema))
    tables: Iterator[pa.Table] = (
        itertools.chain([first], batches) if first is not None else iter(())
    )

    def answers() -> Iterator[pl.DataFrame]:
        row = target.first_row
        for table in tables:
            out, rejected, s = checker.check(table, row)
            row += table.num_rows
            summary.add(s)
            if rejected.height:
                rejects.write(rejected)
            # Invalid rows leave pydantic's errors in reference cycles; collecting the young
            # generations per batch keeps the peak memory at a few batches.
            gc.collect(1)
            if progress is not None:
                progress(table.num_rows)
            yield out

    def arrow_answers() -> Iterator[pa.Table]:
        row = target.first_row
        for table in tables:
            out, rejected, s = checker.check_arrow(table, row)
            row += table.num_rows
            summary.add(s)
            if rejected.height:
                rejects.write(rejected)
            if rejected.height:
                gc.collect(1)
            if progress is not None:
                progress(table.num_rows)
            yield out

    try:
        if format_of(target.output) == "parquet" and checker.kernel:
            # dictionaries for the answers (few distinct values: codes, clauses, a day's
            # deadline), not for the keys (mostly distinct)
            out_schema = checker.arrow_schema(head.schema)
            keys = checker.key_columns(head.column_names)
            sink = ParquetSink(target.output, out_schema,
                               dictionary=[c for c in out_schema.names if c not in keys])
            try:
                for out in arrow_answers():
                    sink.write(out)
            finally:
                sink.close()
        elif format_of(target.output) == "parquet":
            sink_parquet(answers(), schema, target.output)
        else:
            with Writer(target.output, schema) as out:
                for df in answers():
                    out.write(df)
    finally:
        rejects.close()
    return summary


def _empty_input(reader: Reader, checker: Checker) -> pa.Table:
    if reader.format == "parquet":
        return reader.schema.empty_table()
    return pa.table({c: pa.array([], pa.string()) for c in reader.columns})


def run(
    measure: str,
    input_path: str | Path,
    output: str | Path,
    *,
    as_of: date | None = None,
    rejects: str | Path | None = None,
    keys: list[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Check every row of ``input_path`` for ``measure``; answers to ``output``, invalid
    rows to ``rejects`` (default :func:`rejects_path`)."""
    checker = Checker(measure, as_of=as_of, keys=keys)
    summary = Summary()
    for target in targets(input_path, output, rejects):
        summary.add(check_file(checker, target, batch_size=batch_size, progress=progress))
    return summary


def total_rows(input_path: str | Path) -> int | None:
    """The number of rows of an input when its format says so (Parquet), else None."""
    total = 0
    for f in input_files(input_path):
        r = Reader(f)
        if r.num_rows is None:
            return None
        total += r.num_rows
    return total
