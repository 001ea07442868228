"""The services' shared layer: the hash chain is byte for byte the arrival card's audit
scheme; the database raises each service's own 503 error; CSRF refuses a form without the
cookie's token; both services read one set of shared settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from churujing.services.applications.errors import DatabaseUnavailable as ApUnavailable
from churujing.services.applications.service import MIGRATIONS, VERSION_TABLE
from churujing.services.arrival_card import audit
from churujing.services.arrival_card.db import Database as ACDatabase
from churujing.services.arrival_card.errors import DatabaseUnavailable as ACUnavailable
from churujing.services.arrival_card.settings import Settings
from churujing.services.common import chain, csrf
from churujing.services.common.db import Database
from churujing.services.common.settings import ServiceSettings


def test_the_chain_is_the_arrival_cards_audit_scheme() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    h = audit.row_hash(chain.GENESIS, at=at, officer_id=3, username="李", action="lookup",
                       query="q", found="A,B", via="api", address="127.0.0.1")
    # the hash the service-grade branch's own audit.row_hash gives for this row
    assert h == "236475aac78911d50693b20cf4dcf308e2c335edf2da436a1cbbdbc2a67d1f28"
    assert h == chain.link(chain.GENESIS, {"at": chain.iso(at), "officer_id": 3,
                                           "username": "李", "action": "lookup", "query": "q",
                                           "found": "A,B", "via": "api",
                                           "address": "127.0.0.1"})


def test_a_changed_row_breaks_the_chain() -> None:
    rows, prev = [], chain.GENESIS
    for i in range(3):
        fields = {"n": i}
        h = chain.link(prev, fields)
        rows.append(SimpleNamespace(id=i + 1, prev_hash=prev, row_hash=h, n=i))
        prev = h
    assert chain.verify(rows, lambda r: {"n": r.n}).ok
    rows[1].n = 7
    report = chain.verify(rows, lambda r: {"n": r.n})
    assert report.broken_at == 2 and not report.ok


@pytest.mark.parametrize(("make", "error"), [
    (lambda url: ACDatabase(url), ACUnavailable),
    (lambda url: Database(url, migrations=MIGRATIONS, version_table=VERSION_TABLE,
                          unavailable=lambda _d: ApUnavailable(chain_text())), ApUnavailable),
])
def test_each_service_gets_its_own_unavailable_error(make, error) -> None:  # type: ignore[no-untyped-def]
    db = make("postgresql+psycopg://nobody@127.0.0.1:9/none")
    with pytest.raises(error) as info:
        db.ping()
    assert "127.0.0.1" not in str(info.value) and info.value.detail


def chain_text():  # type: ignore[no-untyped-def]
    from churujing.i18n import T

    return T("数据库暂时不可用，请稍后重试")


def test_a_form_without_the_cookies_token_is_refused() -> None:
    request = SimpleNamespace(headers={"host": "x"}, cookies={csrf.CSRF_COOKIE: "a" * 32})
    assert csrf.problem(request, {csrf.CSRF_FIELD: "a" * 32}) is None  # type: ignore[arg-type]
    assert csrf.problem(request, {}) is not None  # type: ignore[arg-type]
    other = SimpleNamespace(headers={"host": "x", "origin": "https://evil"}, cookies={})
    assert csrf.problem(other, {}) is not None  # type: ignore[arg-type]


def test_the_services_read_one_set_of_shared_settings(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHURUJING_DATA_DIR", str(tmp_path))
    shared, card = ServiceSettings(), Settings()
    assert shared.database_url == card.database_url == f"sqlite:///{tmp_path / 'churujing.sqlite3'}"
    assert shared.key_file == card.key_file == tmp_path / "keys.json"


def _table_of(op: Any) -> str:
    """The table an Alembic autogenerate difference is about."""
    if isinstance(op, list):  # column modifications: ("modify_…", schema, table, column, …)
        return str(op[0][2])
    kind, thing = op[0], op[1]
    if kind.endswith("_table"):
        return str(thing.name)
    if kind.endswith("_column"):
        return str(op[2])
    return str(thing.table.name)  # an index or constraint


def test_each_services_models_are_its_migrated_schema(db_url: str) -> None:
    """The shared columns (``common.models``: officers, tokens, audit) and naming changed no
    table: autogenerate finds nothing between each service's models and what its
    migrations made (the other service's tables, in the same database, left aside)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from churujing.services.applications.models import Base as ApBase
    from churujing.services.arrival_card.models import Base as AcBase

    card = ACDatabase(db_url)
    card.migrate()
    apps = Database(db_url, migrations=MIGRATIONS, version_table=VERSION_TABLE,
                    unavailable=lambda d: ApUnavailable(chain_text()))
    apps.migrate()
    try:
        with card.engine.connect() as conn:
            context = MigrationContext.configure(conn)
            for base, prefix in ((AcBase, "ac_"), (ApBase, "ap_")):
                found = [op for op in compare_metadata(context, base.metadata)
                         if _table_of(op).startswith(prefix)
                         and not _table_of(op).endswith("alembic_version")]
                assert found == [], (prefix, found)
    finally:
        card.dispose()
        apps.dispose()
