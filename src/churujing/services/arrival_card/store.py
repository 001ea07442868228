"""New filings written in bulk: one transaction, a few Core statements, for a batch of
filing requests (issue 12: durable filings at the targets).

:meth:`ArrivalCardService._insert` prepares each request outside any transaction (the
filing number, the secret, the encrypted card, the keyed hashes, the receipt tokens, the
encrypted idempotency record) as a :class:`Pending`, and hands it to the service's
:class:`~churujing.services.common.writer.GroupCommit`, whose leader calls :func:`write`
with every request waiting. In that one transaction:

1. on PostgreSQL, one statement takes the advisory lock of every traveller and arrival
   date of the batch, in ascending order (two batches never wait on each other in a
   cycle): filings of one traveller from several worker processes queue, not collide;
2. the filings are written in *layers*: the first filing of each traveller in the batch,
   then the second (a traveller filing twice in one batch), and so on; for each layer
   one statement finds the valid filings of its travellers (any key's passport hash),
   ``supersede`` marks them superseded (the ORM path of
   :meth:`ArrivalCardService._supersede`, rare), then one multi-row ``INSERT … RETURNING``
   writes the filings and one the first versions: the later filing of a traveller
   supersedes the earlier, in the batch as across batches;
3. one multi-row ``INSERT`` writes the idempotency records.

The partial unique index ``uq_ac_filings_one_valid`` stays the last guard: a collision is
an ``IntegrityError``, the batch is written again one request at a time and the request
that collided is retried by its caller (``_file_many``).

On PostgreSQL through psycopg 3 the same steps wait on the server four times instead of
seven or eight (:func:`_write_postgresql`): BEGIN; the lock and the search in one pipeline; the
filings with their first versions (one statement) and the idempotency records in another;
COMMIT. No ping either (:mod:`churujing.services.common.db` pings only a connection
that has been idle). Each statement's text is the same whatever the batch's size (a batch arrives
as one array per column), so psycopg prepares it once per connection. Elsewhere (SQLite,
another PostgreSQL driver) the Core statements above run one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, text
from sqlalchemy import exc as sa
from sqlalchemy.orm import Session

from churujing.services.common.crypto import sha256_hex

from .models import Filing, FilingVersion, Idempotency

__all__ = ["NewFiling", "Pending", "lock_key", "write"]

_FILINGS: Table = Filing.__table__  # type: ignore[assignment]
_VERSIONS: Table = FilingVersion.__table__  # type: ignore[assignment]
_IDEMPOTENCY: Table = Idempotency.__table__  # type: ignore[assignment]

#: the valid filings among some passport hashes (one cached statement, any number of them)
_VALID = select(_FILINGS.c.id, _FILINGS.c.passport_hash, _FILINGS.c.nationality,
                _FILINGS.c.arrival_date).where(
    _FILINGS.c.passport_hash.in_(bindparam("hashes", expanding=True)),
    _FILINGS.c.status == "filed")
_INSERT_FILINGS = insert(_FILINGS).returning(_FILINGS.c.id, sort_by_parameter_order=True)
_INSERT_VERSIONS = insert(_VERSIONS)
_INSERT_IDEMPOTENCY = insert(_IDEMPOTENCY)
#: advisory locks in the order given (the array is sorted): one round trip for a batch
_LOCK_ALL = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")


# ------------------------------------------------------------------ PostgreSQL, pipelined
# psycopg's own SQL (``%(name)s``), its columns and types read from the models.


def _pg_type(column: Any) -> str:
    from sqlalchemy.dialects.postgresql.psycopg import dialect

    return str(column.type.compile(dialect=dialect()))  # type: ignore[no-untyped-call]


#: the columns a new filing and its first version give (the ids come from the database)
_FILING_COLUMNS = [c for c in _FILINGS.c if c.name != "id"]
_VERSION_COLUMNS = [c for c in _VERSIONS.c if c.name not in ("id", "filing_id")]


def _pg_insert_filings() -> str:
    """One statement for the filings of a layer and their first versions: the rows
    arrive as one array per column (``unnest``), the filings' ids come back from the
    first insert and go into the second, matched by filing number."""
    filing, version = _FILING_COLUMNS, _VERSION_COLUMNS
    arrays = [f"CAST(%(f_{c.name})s AS {_pg_type(c)}[])" for c in filing] + \
             [f"CAST(%(v_{c.name})s AS {_pg_type(c)}[])" for c in version]
    names = [f"f_{c.name}" for c in filing] + [f"v_{c.name}" for c in version]
    return (f"WITH rows ({', '.join(names)}) AS (SELECT * FROM unnest({', '.join(arrays)})), "
            f"new AS (INSERT INTO {_FILINGS.name} ({', '.join(c.name for c in filing)}) "
            f"SELECT {', '.join(f'f_{c.name}' for c in filing)} FROM rows "
            f"RETURNING id, number) "
            f"INSERT INTO {_VERSIONS.name} (filing_id, {', '.join(c.name for c in version)}) "
            f"SELECT new.id, {', '.join(f'rows.v_{c.name}' for c in version)} "
            f"FROM new JOIN rows ON rows.f_number = new.number")


_PG_LOCK = "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(%(keys)s AS bigint[])) AS k"
_PG_VALID = (f"SELECT id, passport_hash, nationality, arrival_date FROM {_FILINGS.name} "
             f"WHERE passport_hash = ANY(CAST(%(hashes)s AS text[])) AND status = 'filed'")
_PG_INSERT = _pg_insert_filings()
_PG_IDEMPOTENCY = (
    f"INSERT INTO {_IDEMPOTENCY.name} ({', '.join(c.name for c in _IDEMPOTENCY.c)}) "
    f"SELECT * FROM unnest("
    f"{', '.join(f'CAST(%({c.name})s AS {_pg_type(c)}[])' for c in _IDEMPOTENCY.c)})")


def _columns(layer: Layer) -> dict[str, list[Any]]:
    """A layer's rows as one list per column (the parameters of :data:`_PG_INSERT`)."""
    out = {f"f_{c.name}": [new.filing[c.name] for new, _ in layer] for c in _FILING_COLUMNS}
    out.update({f"v_{c.name}": [new.version[c.name] for new, _ in layer]
                for c in _VERSION_COLUMNS})
    return out


def _pipelines(conn: Connection) -> bool:
    """Whether ``conn`` is psycopg 3's, with a libpq that has pipeline mode (14 or later)."""
    if conn.dialect.driver != "psycopg":
        return False
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


def _write_postgresql(s: Session, batch: Sequence[Pending], supersede: Supersede) -> None:
    """:func:`write` on PostgreSQL, through the session's psycopg connection in pipeline
    mode (its errors become SQLAlchemy's, as if SQLAlchemy had run the statements: an
    ``IntegrityError`` makes the writer retry the batch one request at a time)."""
    import psycopg

    raw: psycopg.Connection[Any] = s.connection().connection.driver_connection  # type: ignore[assignment]
    layers, travellers = _layers(batch)
    statement = _PG_LOCK
    try:
        cur = raw.cursor()
        for n, layer in enumerate(layers):
            wanted = sorted({h for new, _ in layer for h in new.hashes})
            statement = _PG_VALID
            with raw.pipeline():
                if n == 0:
                    cur.execute(_PG_LOCK, {"keys": sorted({lock_key(h, day)
                                                           for _, h, day in travellers})})
                found = raw.cursor()
                found.execute(_PG_VALID, {"hashes": wanted})
            _supersede_valid(s, layer, found.fetchall(), supersede)
            statement = _PG_INSERT
            records = [p.idempotency for p in batch if p.idempotency is not None]
            with raw.pipeline():
                cur.execute(_PG_INSERT, _columns(layer))
                if records and n == len(layers) - 1:
                    statement = _PG_IDEMPOTENCY
                    cur.execute(_PG_IDEMPOTENCY, {c.name: [r[c.name] for r in records]
                                                  for c in _IDEMPOTENCY.c})
    except psycopg.IntegrityError as exc:
        raise sa.IntegrityError(statement, None, exc) from exc
    except psycopg.OperationalError as exc:
        raise sa.OperationalError(statement, None, exc, connection_invalidated=raw.closed
                                  ) from exc
    except psycopg.Error as exc:
        raise sa.DBAPIError(statement, None, exc) from exc


@dataclass(frozen=True)
class NewFiling:
    """One traveller's new filing: its ``ac_filings`` row, its first version's row (without
    ``filing_id``), and the traveller's passport hash under every key of the ring."""

    filing: dict[str, Any]
    version: dict[str, Any]
    hashes: tuple[str, ...]

    @property
    def traveller(self) -> tuple[str, str, date]:
        """Nationality, passport hash (active key), arrival date: one valid filing each."""
        f = self.filing
        return f["nationality"], f["passport_hash"], f["arrival_date"]


@dataclass(frozen=True)
class Pending:
    """One filing request (a card or a group) ready to write, at ``now``."""

    filings: tuple[NewFiling, ...]
    idempotency: dict[str, Any] | None
    now: datetime


def lock_key(passport_hash: str, arrival: date) -> int:
    """The PostgreSQL advisory lock of a traveller and an arrival date (60 bits)."""
    return int(sha256_hex(f"{passport_hash}:{arrival}")[:15], 16)


Layer = list[tuple[NewFiling, datetime]]
Supersede = Callable[[Session, Sequence[int], datetime], None]


def _layers(batch: Sequence[Pending]) -> tuple[list[Layer], set[tuple[str, str, date]]]:
    """The batch's filings in layers (the first filing of each traveller, the second…),
    and its travellers."""
    layers: list[Layer] = []
    seen: dict[tuple[str, str, date], int] = {}
    for pending in batch:
        for new in pending.filings:
            n = seen.get(new.traveller, 0)
            seen[new.traveller] = n + 1
            if n == len(layers):
                layers.append([])
            layers[n].append((new, pending.now))
    return layers, set(seen)


def _supersede_valid(s: Session, layer: Layer, rows: Any, supersede: Supersede) -> None:
    """Supersede the valid filings (``rows``: id, passport hash, nationality, arrival date)
    of the layer's travellers."""
    valid: dict[tuple[str, date, str], list[int]] = {}
    for row in rows:
        valid.setdefault((row[2], row[3], row[1]), []).append(row[0])
    if valid:
        for new, now in layer:
            nat, _, day = new.traveller
            old = [i for h in new.hashes for i in valid.get((nat, day, h), ())]
            if old:
                supersede(s, old, now)


def write(s: Session, batch: Sequence[Pending], *, backend: str,
          supersede: Supersede) -> None:
    """Write every request of ``batch`` in the session's transaction (see the module)."""
    conn = s.connection()
    if backend == "postgresql" and _pipelines(conn):
        _write_postgresql(s, batch, supersede)
        return
    layers, travellers = _layers(batch)
    if backend == "postgresql":
        conn.execute(_LOCK_ALL, {"keys": sorted({lock_key(h, day) for _, h, day in travellers})})
    for layer in layers:
        wanted = {h for new, _ in layer for h in new.hashes}
        _supersede_valid(s, layer, conn.execute(_VALID, {"hashes": sorted(wanted)}), supersede)
        ids = conn.execute(_INSERT_FILINGS, [new.filing for new, _ in layer]).scalars().all()
        conn.execute(_INSERT_VERSIONS, [{**new.version, "filing_id": filing_id}
                                        for (new, _), filing_id in zip(layer, ids, strict=True)])
    records = [p.idempotency for p in batch if p.idempotency is not None]
    if records:
        conn.execute(_INSERT_IDEMPOTENCY, records)
