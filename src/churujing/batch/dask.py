"""Running a batch on a ``dask.distributed`` cluster: one task per file or row group.

The same :class:`~churujing.batch.engine.Checker` runs in every worker, over one input
file of a partitioned Parquet dataset (or one row group, when the input is a single
file), writing one part of a partitioned output (``OUTPUT/part-NNNNN.parquet``, and its
rejects in ``OUTPUT.rejects/``). The workers must see the input and the output paths
(a shared file system, or a local cluster). Rows are numbered as in a single-machine run.

Point it at an existing cluster with its scheduler's address
(``churujing batch ... --dask tcp://scheduler:8786``), or start a local one for the run
(``--dask local``: a ``LocalCluster`` of worker processes, one thread each).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path

from churujing.batch.engine import Checker, Summary
from churujing.batch.io import input_files
from churujing.batch.runner import DEFAULT_BATCH, Target, check_file, targets

__all__ = ["run_dask"]


@lru_cache(maxsize=8)
def _checker(measure: str, as_of: date | None, keys: tuple[str, ...] | None) -> Checker:
    """One checker per worker process (its lookup tables grow as values are met)."""
    return Checker(measure, as_of=as_of, keys=keys)


def _task(target: Target, measure: str, as_of: date | None, keys: tuple[str, ...] | None,
          batch_size: int) -> Summary:
    return check_file(_checker(measure, as_of, keys), target, batch_size=batch_size)


def run_dask(
    measure: str,
    input_path: str | Path,
    output: str | Path,
    *,
    scheduler: str = "local",
    as_of: date | None = None,
    rejects: str | Path | None = None,
    keys: list[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
    n_workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Check ``input_path`` on a Dask cluster (``"local"`` starts one) into the directory
    ``output``; returns the summary of every part."""
    from distributed import Client, LocalCluster, as_completed

    Checker(measure, as_of=as_of, keys=keys)  # fail early on a bad measure
    out = Path(output)
    if out.suffix:
        out = out.with_suffix("")
    single = len(input_files(input_path)) == 1
    work = targets(input_path, out, rejects if rejects is not None else None,
                   split_row_groups=single)
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n_workers or 2, threads_per_worker=1, processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    else:
        client = Client(scheduler)  # type: ignore[no-untyped-call]
    summary = Summary()
    try:
        key_tuple = tuple(keys) if keys is not None else None
        futures = [
            client.submit(_task, t, measure, as_of, key_tuple, batch_size, pure=False)
            for t in work
        ]
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            part: Summary = future.result()
            summary.add(part)
            if progress is not None:
                progress(part.rows)
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
    return summary
