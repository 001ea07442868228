"""Synthetic passenger manifests for 240-hour transit, for benchmarks, demos and tests.

A realistic mix: about 60 % of the rows are eligible, and every refusal reason of
measure 6 is present (each condition fails on a few per cent of the rows, sometimes
together), with a sprinkling of invalid rows (an unknown purpose, a departure before
the arrival) that go to the rejects file. Names are written the way carriers write
them: codes mostly, sometimes English or Chinese names, sometimes misspelt.

The values are drawn with NumPy from small pools and written as Arrow dictionary
arrays, so that the file looks like what Parquet writers produce for such columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

__all__ = ["manifest_table", "write_manifest"]

_EPOCH = date(1970, 1, 1)
_DAY_US = 86_400_000_000
_MIN_US = 60_000_000
_BEIJING_US = 8 * 3_600_000_000

# (value, weight): eligible values first, then the refused ones with a small weight.
_NATIONALITY = [
    ("DE", 14), ("US", 14), ("GB", 10), ("FR", 8), ("KR", 8), ("JP", 6), ("RU", 6),
    ("AU", 5), ("Germany", 2), ("德国", 2), ("DEU", 2), ("Indonesia", 2), ("SGP", 2),
    ("IN", 2), ("中国", 0.5), ("HK", 0.5), ("Germny", 0.3), ("NG", 0.7),
]
_PORT = [
    ("PVG", 18), ("PEK", 14), ("CAN", 10), ("SZX", 6), ("PKX", 6), ("CTU", 5), ("KMG", 4),
    ("上海浦东国际机场口岸", 2), ("West Kowloon", 2), ("琶洲", 1.0), ("HGH", 4), ("XMN", 3),
    ("LXA", 0.8), ("Atlantis Harbour", 0.3), ("URC", 0.7),
]
_PLACES = [
    ("US", 12), ("JP", 12), ("KR", 10), ("SG", 10), ("TH", 8), ("GB", 6), ("DE", 6),
    ("HK", 8), ("MO", 3), ("AU", 5), ("Canada", 2), ("新加坡", 2), ("CN", 0.4),
]
_PURPOSE = [
    ("tourism", 60), ("business", 25), ("visit", 5), ("family", 4), ("other", 3),
    ("work", 1.5), ("study", 0.8), ("journalism", 0.4),
]
_EXIT = [("PVG", 4), ("CAN", 3), ("深圳湾", 2), ("PEK", 3), ("五通码头", 0.6), ("SZX", 2)]
_AREAS = [
    (["北京"], 3), (["Chengdu", "西双版纳"], 2), (["上海", "苏州"], 2), (["四川"], 0.4),
    (["Lhasa"], 0.4), (["广东"], 2),
]


def _pick(rng: np.random.Generator, pool: Sequence[tuple[object, float]], n: int) -> np.ndarray:
    weights = np.array([w for _, w in pool], dtype=np.float64)
    return rng.choice(len(pool), size=n, p=weights / weights.sum()).astype(np.int32)


def _dict_column(rng: np.random.Generator, pool: list[tuple[str, float]], n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(_pick(rng, pool, n), pa.int32()), pa.array([v for v, _ in pool], pa.string())
    )


def manifest_table(n: int, *, seed: int = 0, start: int = 0) -> pa.Table:
    """``n`` synthetic rows (passenger ids from ``start``) as an Arrow table."""
    rng = np.random.default_rng(seed)
    first = (date(2025, 1, 1) - _EPOCH).days
    last = (date(2026, 6, 30) - _EPOCH).days
    day = rng.integers(first, last, n)
    early = rng.random(n) < 0.01  # before the policy started (2024-12-17)
    day[early] = (date(2024, 12, 1) - _EPOCH).days + rng.integers(0, 16, early.sum())
    minute = rng.integers(0, 1440, n)
    entry_us = day * _DAY_US + minute * _MIN_US - _BEIJING_US  # Beijing wall time -> UTC
    stay_min = rng.integers(60, 10 * 1440, n)
    late = rng.random(n) < 0.03  # beyond the deadline
    stay_min[late] = 12 * 1440 + rng.integers(0, 1440, late.sum())
    departure_us = entry_us + stay_min * _MIN_US
    invalid = rng.random(n) < 0.0002  # a departure before the arrival: rejected
    departure_us[invalid] = entry_us[invalid] - _MIN_US
    months = rng.integers(4, 120, n) * 30
    short = rng.random(n) < 0.03  # less than three months of validity
    months[short] = rng.integers(60, 92, short.sum())
    expiry = (day + months).astype("int32")

    origin_i = _pick(rng, _PLACES, n)
    dest_i = _pick(rng, _PLACES, n)
    same = rng.random(n) < 0.02  # back where the journey came from
    dest_i[same] = origin_i[same]
    places = pa.array([v for v, _ in _PLACES], pa.string())
    purpose = _dict_column(rng, _PURPOSE, n)
    bad_purpose = rng.random(n) < 0.0001
    if bad_purpose.any():
        idx = np.asarray(purpose.indices).copy()
        idx[bad_purpose] = len(_PURPOSE)
        purpose = pa.DictionaryArray.from_arrays(
            pa.array(idx, pa.int32()),
            pa.array([v for v, _ in _PURPOSE] + ["holiday"], pa.string()),
        )
    exit_i = _pick(rng, _EXIT, n)
    exit_valid = rng.random(n) < 0.15
    area_i = _pick(rng, _AREAS, n)
    area_valid = rng.random(n) < 0.10
    areas = pa.array(
        [_AREAS[i][0] if v else None for i, v in zip(area_i.tolist(), area_valid.tolist(),
                                                     strict=True)],
        pa.list_(pa.string()),
    )
    ts = pa.timestamp("us", tz="Asia/Shanghai")
    return pa.table(
        {
            "passenger_id": pa.array(np.arange(start, start + n, dtype=np.int64)),
            "nationality": _dict_column(rng, _NATIONALITY, n),
            "passport_expiry": pa.array(expiry, pa.date32()),
            "entry_port": _dict_column(rng, _PORT, n),
            "entry_time": pa.array(entry_us, ts),
            "origin": pa.DictionaryArray.from_arrays(pa.array(origin_i), places),
            "destination": pa.DictionaryArray.from_arrays(pa.array(dest_i), places),
            "departure_time": pa.array(departure_us, ts),
            "onward_ticket": pa.array(rng.random(n) >= 0.03),
            "purpose": purpose,
            "visit_areas": areas,
            "exit_port": pa.DictionaryArray.from_arrays(
                exit_i, pa.array([v for v, _ in _EXIT], pa.string()), mask=~exit_valid
            ),
        }
    )


def write_manifest(
    path: str | Path, n: int, *, seed: int = 0, row_group_size: int = 1_000_000,
    files: int = 1,
) -> list[Path]:
    """Write ``n`` rows to ``path`` (a file; or, with ``files`` > 1, a directory of parts)."""
    path = Path(path)
    out: list[Path] = []
    if files > 1:
        path.mkdir(parents=True, exist_ok=True)
    per = -(-n // files)
    for k in range(files):
        rows = min(per, n - k * per)
        if rows <= 0:
            break
        target = path / f"part-{k:05d}.parquet" if files > 1 else path
        writer = pq.ParquetWriter(target, manifest_table(1, seed=seed).schema,
                                  compression="zstd")
        with writer:
            done = 0
            while done < rows:
                m = min(row_group_size, rows - done)
                chunk = manifest_table(m, seed=seed + 7919 * k + done, start=k * per + done)
                writer.write_table(chunk, row_group_size=row_group_size)
                done += m
        out.append(target)
    return out


