"""Reading and writing manifests by extension: Parquet, CSV, JSON Lines; streaming.

Inputs are read in batches of rows (Parquet: row groups, its string columns kept as
dictionaries; CSV and JSON Lines: blocks), so memory stays bounded whatever the size.
A directory, or a glob, is a partitioned Parquet dataset: its files in name order.

Conventions for text formats: in CSV every cell is text, an empty cell is a missing
value, and a list fact (``visit_areas``) or list output (``unmet``) is joined with ``;``.
"""

from __future__ import annotations

import contextlib
import csv as _csv
import glob
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.json as pajson  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from churujing.errors import ChurujingError

__all__ = [
    "BatchInputError",
    "ParquetSink",
    "Reader",
    "Writer",
    "format_of",
    "input_files",
    "open_input",
]

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "jsonl"}


class BatchInputError(ChurujingError):
    """An input or output that cannot be read or written as a manifest."""


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise BatchInputError(
            f"{path}: unknown format {suffix or '(no extension)'!r}; expected "
            ".parquet, .csv or .jsonl"
        ) from None


def input_files(path: str | Path) -> list[Path]:
    """The files of an input: a file, a directory of Parquet files, or a glob."""
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in (".parquet", ".pq"))
    elif any(ch in str(path) for ch in "*?["):
        files = sorted(Path(f) for f in glob.glob(str(path), recursive=True))
    else:
        if not p.exists():
            raise BatchInputError(f"{path}: no such file")
        files = [p]
    if not files:
        raise BatchInputError(f"{path}: no input files")
    return files


class Reader:
    """Batches of rows of one input file, as Arrow tables."""

    def __init__(self, path: Path, *, strings: Sequence[str] = (), texts: Sequence[str] = (),
                 batch_size: int = 1 << 20):
        self.path = path
        self.format = format_of(path)
        self.batch_size = batch_size
        self.strings = tuple(strings)  # text columns worth keeping as dictionaries
        self.texts = tuple(texts)  # columns read as text from JSON (names, dates, instants)
        self.num_rows: int | None = None
        if self.format == "parquet":
            self._pf = pq.ParquetFile(path)
            self.num_rows = self._pf.metadata.num_rows
            self.schema: pa.Schema = self._pf.schema_arrow
            self.columns = list(self.schema.names)
        elif self.format == "csv":
            with path.open(encoding="utf-8", newline="") as fh:
                self.columns = next(_csv.reader(fh), [])
        else:
            self.columns = []

    def row_groups(self) -> int:
        return self._pf.num_row_groups if self.format == "parquet" else 1

    def __iter__(self) -> Iterator[pa.Table]:
        return self.batches()

    def batches(self, row_groups: Sequence[int] | None = None) -> Iterator[pa.Table]:
        if self.format == "parquet":
            dict_cols = [c for c in self.strings if c in self.columns and (
                pa.types.is_string(t := self.schema.field(c).type)
                or pa.types.is_large_string(t) or pa.types.is_dictionary(t))]
            # Stream the column chunks (no pre-buffering of whole row groups): memory stays
            # at a few batches whatever the row groups' size.
            pf = pq.ParquetFile(self.path, read_dictionary=dict_cols or None, pre_buffer=False,
                                buffer_size=1 << 20)
            for b in pf.iter_batches(batch_size=self.batch_size, row_groups=row_groups,
                                     use_threads=True):
                yield pa.Table.from_batches([b])
        elif self.format == "csv":
            types = {c: pa.string() for c in self.columns}
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(block_size=1 << 24),
                convert_options=pacsv.ConvertOptions(
                    column_types=types, strings_can_be_null=True, null_values=[""],
                    quoted_strings_can_be_null=True,
                ),
            )
            for b in reader:
                yield pa.Table.from_batches([b])
        else:
            # Facts that are text, dates or instants stay text: Arrow's JSON reader would
            # otherwise turn "2025-11-19T20:00:00Z" into a timestamp without its offset.
            reader = pajson.open_json(
                self.path,
                read_options=pajson.ReadOptions(block_size=1 << 24),
                parse_options=pajson.ParseOptions(
                    explicit_schema=pa.schema([(c, pa.string()) for c in self.texts]),
                    unexpected_field_behavior="infer",
                ),
            )
            for b in reader:
                yield pa.Table.from_batches([b])


def open_input(path: str | Path, **kwargs: Any) -> Reader:
    return Reader(Path(path), **kwargs)


def _text_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Lists joined with ``;`` and instants in ISO 8601 with their offset (CSV, JSON Lines)."""
    exprs = []
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.List):
            exprs.append(pl.col(name).cast(pl.List(pl.String)).list.join(";"))
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone:
            exprs.append(pl.col(name).dt.to_string("%Y-%m-%dT%H:%M:%S%:z"))
        else:
            exprs.append(pl.col(name))
    return df.select(exprs)


def _json_frame(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.col(n).dt.to_string("%Y-%m-%dT%H:%M:%S%:z")
        for n, t in df.schema.items() if isinstance(t, pl.Datetime) and t.time_zone
    )


PARQUET_OPTIONS: dict[str, Any] = {"compression": "lz4", "statistics": False}
#: the same for pyarrow's writer (dictionary-encoded codes, no statistics)
ARROW_PARQUET_OPTIONS: dict[str, Any] = {"compression": "lz4", "write_statistics": False}


class Writer:
    """Writes Polars frames to a Parquet, CSV or JSON Lines file (chosen by the extension)."""

    def __init__(self, path: str | Path, schema: pl.Schema) -> None:
        self.path = Path(path)
        self.format = format_of(self.path)
        self.schema = schema
        self.rows = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._pq: pq.ParquetWriter | None = None
        self._fh: Any = self.path.open("wb") if self.format != "parquet" else None
        self._header = True

    def write(self, df: pl.DataFrame) -> None:
        self.rows += df.height
        if self.format == "parquet":
            table = df.to_arrow()
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema, compression="lz4",
                                            write_statistics=False)
            self._pq.write_table(table, row_group_size=1 << 20)
        elif self.format == "csv":
            _text_frame(df).write_csv(self._fh, include_header=self._header)
            self._header = False
        else:
            _json_frame(df).write_ndjson(self._fh)

    def close(self) -> None:
        if self.format == "parquet":
            if self._pq is None:
                self.write(pl.DataFrame(schema=self.schema))
            assert self._pq is not None
            self._pq.close()
        else:
            if self.format == "csv" and self._header:
                _text_frame(pl.DataFrame(schema=self.schema)).write_csv(self._fh)
            self._fh.close()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def lean_memory_pool() -> None:
    """Arrow's jemalloc pool for this process, unless ``ARROW_DEFAULT_MEMORY_POOL`` chooses.

    The default (mimalloc) keeps freed batches' pages: streaming 10 M rows through the
    batch peaked ~110 MB higher with it than with jemalloc (measured, ``bench/``)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") or pa.default_memory_pool().backend_name \
            == "jemalloc":
        return
    with contextlib.suppress(NotImplementedError):  # an Arrow built without jemalloc
        pa.set_memory_pool(pa.jemalloc_memory_pool())


class ParquetSink:
    """Writes Arrow tables to one Parquet file from a thread of its own (Arrow's encoder
    releases the GIL), at most ``depth`` tables behind: the writing overlaps the next
    batch's reading and checking, in bounded memory."""

    def __init__(self, path: str | Path, schema: pa.Schema, depth: int = 2,
                 dictionary: Sequence[str] | None = None) -> None:
        self.path = Path(path)
        #: the columns written with dictionary encoding (default: the coded ones)
        self.dictionary = list(dictionary) if dictionary is not None else [
            f.name for f in schema if pa.types.is_dictionary(f.type) or (
                pa.types.is_large_list(f.type) and pa.types.is_dictionary(f.type.value_type))]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.rows = 0
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            with pq.ParquetWriter(self.path, self.schema,
                                  use_dictionary=self.dictionary or False,
                                  **ARROW_PARQUET_OPTIONS) as w:
                while (table := self._queue.get()) is not None:
                    w.write_table(table, row_group_size=1 << 20)
        except BaseException as exc:  # handed to the producer
            self._error = exc
            while self._queue.get() is not None:  # drain: the producer must not block
                pass

    def write(self, table: pa.Table) -> None:
        if self._error is not None:
            raise self._error
        self.rows += table.num_rows
        self._queue.put(table)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


def sink_parquet(frames: Iterator[pl.DataFrame], schema: pl.Schema, path: str | Path) -> None:
    """Stream ``frames`` into one Parquet file with Polars' writer (parallel encoding and
    compression, overlapping the production of the next frame)."""
    from polars.io.plugins import register_io_source

    def source(with_columns: list[str] | None, predicate: pl.Expr | None,
               n_rows: int | None, batch_size: int | None) -> Iterator[pl.DataFrame]:
        for df in frames:
            yield df if with_columns is None else df.select(with_columns)

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    lf = register_io_source(source, schema=schema, is_pure=False)
    lf.sink_parquet(path, **PARQUET_OPTIONS)
