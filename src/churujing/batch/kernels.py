"""Compiled row kernels: the per-row arithmetic of the vectorised rules, in one pass.

The vectorised rules (:mod:`churujing.batch.m06`) reduce every condition to a read of a
small lookup table (filled from the policy data by the library, per epoch and per
distinct input value) or a comparison of integers. NumPy does that one operation at a
time, each a pass over memory with its own temporaries; these kernels, compiled by
Numba, do all of a row's reads and comparisons at once, over the rows in parallel.
They hold no policy: every number they compare with comes from the tables they are
given, and ``tests/batch`` checks their answers against the Polars plan and the single
path.

The kernels run on Numba's ``workqueue`` threading layer unless ``NUMBA_THREADING_LAYER``
says otherwise: its OpenMP layer spin-waits, and beside Arrow's and Polars' own threads
on two cores that made a kernel up to 30 times slower (measured). The workqueue layer
must not be entered from two threads at once, so every call goes through :func:`call`
(one lock per process); the kernels release the GIL, so reading and writing threads go
on meanwhile. Compiled code is cached beside this file
(``__pycache__``) when the folder is writable.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numba
import numpy as np

__all__ = [
    "answer_counts",
    "answer_fill",
    "answer_rows",
    "call",
    "day_span",
    "list_masks",
    "m06_rows",
    "readonly",
    "warm",
]

if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"  # type: ignore[attr-defined]
_LOCK = threading.Lock()
R = TypeVar("R")

_US_PER_DAY = 86_400_000_000
_BEIJING_US = 8 * 3_600_000_000
#: rows per piece of work handed to a thread (answers, day span)
_PIECE = 1 << 16

_jit = numba.njit(parallel=True, nogil=True, cache=True, boundscheck=False,
                  error_model="numpy")


def readonly(array: np.ndarray) -> np.ndarray:
    """A read-only view of ``array`` (one compiled version of a kernel serves every call:
    Numba compiles read-only and writable arguments separately)."""
    if not array.flags.writeable:
        return array
    view = array.view()
    view.flags.writeable = False
    return view


def call(kernel: Callable[..., R], *inputs: Any, out: tuple[np.ndarray, ...] = ()) -> R:
    """``kernel(*inputs, *out)``, one call at a time per process (see the module
    docstring), the input arrays read-only."""
    args = tuple(readonly(a) if isinstance(a, np.ndarray) else a for a in inputs)
    with _LOCK:
        return kernel(*args, *out)


@_jit
def m06_rows(nat: Any, nat_t: Any, port: Any, port_t: Any, origin: Any, dest: Any,
             pair_t: Any, purpose: Any, purpose_t: Any, exit_: Any, exit_t: Any,
             expiry: Any, entry_us: Any, dep_us: Any, ticket: Any, areas: Any, bad: Any,
             day_lo: int, day_index: Any, day_epoch: Any, day_in_force: Any,
             day_needed: Any, day_deadline: Any, fixed_epoch: int, epoch_bits: Any,
             first_lut: Any, constant_clause: Any, nat_c: Any, port_c: Any, exit_c: Any,
             passport_bit: int, ticket_bit: int, stay_bit: int, areas_bit: int, nat_k: int,
             port_k: int, exit_k: int, invalid_bit: int,
             mask_out: Any, first_out: Any, clause_out: Any, deadline_out: Any,
             invalid_out: Any) -> None:  # pragma: no cover - compiled
    """Measure 6's answer for every row (see ``m06.Rule.kernel``, which prepares the
    arguments: per-row dictionary indices and values; per-(epoch, dictionary entry)
    tables of unmet bits, ``invalid_bit`` set where the value does not validate, and of
    clauses; per-day tables from ``day_lo`` (or through ``day_index`` when it is not
    empty); ``bad``, when not empty, the rows whose dates, instants, ticket or areas do
    not validate; from the measure's declaration, the unmet bits of the conditions
    compared here and the positions of those whose clause the tables give). Writes the
    unmet mask, first unmet condition (``first_lut``'s, for none too), its clause, the
    stay deadline (µs; the minimum int64 where none is in force) and the invalid rows."""
    n = len(nat)
    by_index = len(day_index) > 0
    any_bad = len(bad) > 0
    conditions = invalid_bit - 1  # every condition's bit (they are all below the flag)
    for r in numba.prange(n):
        d = day_index[r] if by_index else (entry_us[r] + _BEIJING_US) // _US_PER_DAY - day_lo
        e = fixed_epoch if fixed_epoch >= 0 else day_epoch[d]
        i_nat = nat[r]
        i_port = port[r]
        i_exit = exit_[r]
        m = np.int64(day_in_force[d]) | nat_t[e, i_nat] | port_t[e, i_port]
        m |= pair_t[origin[r], dest[r]] | purpose_t[e, purpose[r]] | exit_t[e, i_exit]
        if expiry[r] < day_needed[d]:
            m |= passport_bit
        if not ticket[r]:
            m |= ticket_bit
        deadline = day_deadline[d]
        if dep_us[r] > deadline:
            m |= stay_bit
        if areas[r] & epoch_bits[e] == 0:
            m |= areas_bit
        invalid = (m & invalid_bit) != 0 or dep_us[r] <= entry_us[r]
        if any_bad and bad[r]:
            invalid = True
        m &= conditions
        k = first_lut[m]
        if k == nat_k:
            c = nat_c[e, i_nat]
        elif k == port_k:
            c = port_c[e, i_port]
        elif k == exit_k:
            c = exit_c[e, i_exit]
        else:
            c = constant_clause[k]
        mask_out[r] = m
        first_out[r] = k
        clause_out[r] = c
        deadline_out[r] = deadline
        invalid_out[r] = invalid


@_jit
def answer_counts(mask: Any, invalid: Any, lut_start: Any
                  ) -> tuple[Any, Any, Any]:  # pragma: no cover - compiled
    """For :func:`answer_fill`: per piece of rows, where its valid rows and their unmet
    items start in the answers (a cumulative count, one more entry than pieces), and the
    histogram of the valid rows' masks (for the summary's counts)."""
    n = len(mask)
    pieces = (n + _PIECE - 1) // _PIECE
    kept = np.zeros(pieces + 1, np.int64)
    items = np.zeros(pieces + 1, np.int64)
    hists = np.zeros((pieces, len(lut_start) - 1), np.int64)
    for p in numba.prange(pieces):
        k = 0
        i = 0
        for r in range(p * _PIECE, min(n, (p + 1) * _PIECE)):
            if not invalid[r]:
                m = mask[r]
                k += 1
                i += lut_start[m + 1] - lut_start[m]
                hists[p, m] += 1
        kept[p + 1] = k
        items[p + 1] = i
    for p in range(pieces):
        kept[p + 1] += kept[p]
        items[p + 1] += items[p]
    return kept, items, hists.sum(axis=0)


@_jit
def answer_fill(mask: Any, invalid: Any, first: Any, clause: Any, detail: Any,
                lut_start: Any, lut_flat: Any, kept: Any, items: Any, first_o: Any,
                clause_o: Any, eligible_o: Any, detail_o: Any, offsets: Any,
                items_o: Any) -> None:  # pragma: no cover - compiled
    """The answers of the valid rows, in order, into the given arrays (sized from
    :func:`answer_counts`' totals; allocated by NumPy, whose large arrays fault in huge
    pages: Numba's own allocations cost ~10 ms of page faults per 1 M rows here): the
    first unmet condition and clause, whether eligible, the detail, and the offsets and
    items of every row's unmet conditions (mask ``m``'s items:
    ``lut_flat[lut_start[m]:lut_start[m + 1]]``)."""
    n = len(mask)
    pieces = len(kept) - 1
    offsets[0] = 0
    for p in numba.prange(pieces):
        w = kept[p]
        j = items[p]
        for r in range(p * _PIECE, min(n, (p + 1) * _PIECE)):
            if invalid[r]:
                continue
            m = mask[r]
            first_o[w] = first[r]
            clause_o[w] = clause[r]
            eligible_o[w] = m == 0
            detail_o[w] = detail[r]
            for s in range(lut_start[m], lut_start[m + 1]):
                items_o[j] = lut_flat[s]
                j += 1
            w += 1
            offsets[w] = j


def answer_rows(mask: np.ndarray, invalid: np.ndarray, first: np.ndarray,
                clause: np.ndarray, detail: np.ndarray, lut_start: np.ndarray,
                lut_flat: np.ndarray) -> tuple[np.ndarray, ...]:
    """The answers of the valid rows, in order: first unmet condition and clause, whether
    eligible, the detail (int64), the offsets and items of every row's unmet conditions,
    and the histogram of their masks (:func:`answer_counts`, then :func:`answer_fill`)."""
    kept, items, hist = call(answer_counts, mask, invalid, lut_start)
    total = int(kept[-1])
    out = (np.empty(total, np.uint8), np.empty(total, np.uint8), np.empty(total, np.bool_),
           np.empty(total, np.int64), np.empty(total + 1, np.int64),
           np.empty(int(items[-1]), np.uint8))
    call(answer_fill, mask, invalid, first, clause, detail, lut_start, lut_flat, kept,
         items, out=out)
    return (*out, hist)


@_jit
def day_span(entry_us: Any) -> tuple[int, int]:  # pragma: no cover - compiled
    """The first and last Beijing day (days since 1970) of instants in µs (0, -1: none)."""
    n = len(entry_us)
    pieces = (n + _PIECE - 1) // _PIECE
    los = np.empty(pieces, np.int64)
    his = np.empty(pieces, np.int64)
    for p in numba.prange(pieces):
        lo = entry_us[p * _PIECE]
        hi = lo
        for r in range(p * _PIECE, min(n, (p + 1) * _PIECE)):
            v = entry_us[r]
            if v < lo:
                lo = v
            elif v > hi:
                hi = v
        los[p] = lo
        his[p] = hi
    if pieces == 0:
        return 0, -1
    return ((los.min() + _BEIJING_US) // _US_PER_DAY,
            (his.max() + _BEIJING_US) // _US_PER_DAY)


@_jit
def list_masks(offsets: Any, element: Any, allowed: Any, bad: Any, row_valid: Any,
               full: int, masks_out: Any, bad_out: Any) -> None:  # pragma: no cover
    """Per row of a list column (its ``offsets``; ``element`` indexes the tables
    ``allowed`` (a bit mask) and ``bad`` per element value): the AND of its elements'
    masks and the OR of their ``bad`` (``full`` and False for an empty or null row;
    ``row_valid``, when not empty, says which rows are not null)."""
    n = len(offsets) - 1
    base = offsets[0]
    check_valid = len(row_valid) > 0
    for r in numba.prange(n):
        m = full
        b = False
        if not check_valid or row_valid[r]:
            for j in range(offsets[r] - base, offsets[r + 1] - base):
                m &= allowed[element[j]]
                b |= bad[element[j]]
        masks_out[r] = m
        bad_out[r] = b


def warm() -> None:
    """Load (or compile, the first time) every kernel for the argument types the engine
    gives them, on tiny arrays: a :class:`~churujing.batch.engine.Checker` does this in a
    thread of its own while the policy tables are built and the first batch is read."""
    i32, u8, u16 = np.zeros(1, np.int32), np.zeros(1, np.uint8), np.zeros(1, np.uint16)
    i64, yes, no = np.zeros(1, np.int64), np.zeros(1, np.bool_), np.zeros(0, np.bool_)
    t16, t8 = np.zeros((1, 1), np.uint16), np.zeros((1, 1), np.uint8)
    lut = np.zeros(16, np.uint8)  # every mask of the four bits below the flag (16)
    call(day_span, i64)
    call(m06_rows, i32, t16, i32, t16, i32, i32, t16, i32, t16, i32, t16, i32, i64, i64,
         yes, i32, no, 0, np.zeros(0, np.int32), np.zeros(1, np.uint32), u16, i32, i64, -1,
         i32, lut, u8, t8, t8, t8, 1, 2, 4, 8, 1, 2, 3, 16,
         out=(u16.copy(), u8.copy(), u8.copy(), i64.copy(), yes.copy()))
    call(list_masks, np.zeros(2, np.int64), i32, i32, yes, no, 1, out=(i32.copy(), yes.copy()))
    answer_rows(u16, yes, u8, u8, i64, np.zeros(2, np.int64), u8)
