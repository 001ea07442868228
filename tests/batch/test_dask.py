"""The distributed runner: two worker processes give the single machine's answers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from churujing.batch.dask import run_dask
from churujing.batch.runner import run
from churujing.batch.synthetic import write_manifest

MEASURE = "visa-free-transit-240h"


def _read(path: Path) -> pl.DataFrame:
    df = pl.read_parquet(sorted(path.glob("*.parquet")))
    return df.with_columns(
        pl.col(n).cast(pl.List(pl.String)) if isinstance(t, pl.List) else pl.col(n).cast(
            pl.String) if isinstance(t, pl.Enum | pl.Categorical) else pl.col(n)
        for n, t in df.schema.items()
    )


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_two_workers_give_the_single_machine_answers(tmp_path: Path) -> None:
    from distributed import LocalCluster

    dataset = tmp_path / "manifest"
    write_manifest(dataset, 30_000, files=3, row_group_size=4_000)
    single = run(MEASURE, dataset, tmp_path / "single")
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        distributed = run_dask(MEASURE, dataset, tmp_path / "dask",
                               scheduler=cluster.scheduler_address)
    assert distributed.to_dict() == single.to_dict()
    assert single.rows == 30_000 and single.rejected > 0
    for part in ("single", "dask"):
        assert len(list((tmp_path / part).glob("*.parquet"))) == 3  # one part per file
    a = _read(tmp_path / "single").sort("passenger_id")
    b = _read(tmp_path / "dask").sort("passenger_id")
    assert a.equals(b)
    ra = _read(tmp_path / "single.rejects").sort("row")
    rb = _read(tmp_path / "dask.rejects").sort("row")
    assert ra.equals(rb) and ra.height == single.rejected


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_one_file_is_split_by_row_group(tmp_path: Path) -> None:
    write_manifest(tmp_path / "m.parquet", 12_000, row_group_size=3_000)
    summary = run_dask(MEASURE, tmp_path / "m.parquet", tmp_path / "out", scheduler="local",
                       n_workers=2)
    assert summary.rows == 12_000
    parts = sorted((tmp_path / "out").glob("*.parquet"))
    assert len(parts) == 4
    single = run(MEASURE, tmp_path / "m.parquet", tmp_path / "one.parquet")
    assert summary.to_dict() == single.to_dict()
    rejects = pl.read_parquet(sorted((tmp_path / "out.rejects").glob("*.parquet")))
    one = pl.read_parquet(tmp_path / "one.rejects.parquet")
    assert sorted(rejects["row"].to_list()) == one["row"].to_list()
