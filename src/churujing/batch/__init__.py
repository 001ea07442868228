"""Batch checks of passenger manifests: vectorised, streaming, explained, distributed.

``churujing batch MEASURE INPUT -o OUTPUT`` (see :mod:`churujing.batch.cli`) checks every
row of a Parquet, CSV or JSON Lines manifest. Measures with a vectorised rule (Polars
expressions over lookup tables built from the policy data) run column-wise; the others
run row by row through the library, in the same command. A property test shows that
both paths give the same answers.

Modules: :mod:`~churujing.batch.io` (formats), :mod:`~churujing.batch.tables` (lookup
tables from the data), :mod:`~churujing.batch.columns` (typed input columns),
:mod:`~churujing.batch.m06` (240-hour transit, vectorised), :mod:`~churujing.batch.engine`
(:class:`Checker`), :mod:`~churujing.batch.runner` (one machine),
:mod:`~churujing.batch.dask` (a cluster), :mod:`~churujing.batch.synthetic` (manifests
for benchmarks and tests).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

# Arrow's jemalloc pool returns freed batches' memory sooner than its default (mimalloc):
# chosen before Arrow loads, as its variable asks (see churujing.batch.io.lean_memory_pool).
if "pyarrow" not in sys.modules:
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

if TYPE_CHECKING:
    from churujing.batch.engine import VECTORISED, Checker, Summary
    from churujing.batch.runner import run

__all__ = ["VECTORISED", "Checker", "Summary", "run"]


def __getattr__(name: str) -> Any:
    """The engine (Polars, Arrow) loads on first use, not when the CLI registers `batch`."""
    if name in ("VECTORISED", "Checker", "Summary"):
        from churujing.batch import engine

        return getattr(engine, name)
    if name == "run":
        from churujing.batch.runner import run

        return run
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
