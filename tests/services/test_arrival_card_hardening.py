"""Issue 12 for the arrival-card service: bounded work, throttled log-ins, CSRF, no
passport number in a URL or a log. Each test reproduces one defect of the audit; every
request is in-process (ASGI) or to loopback, bounded in count and time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from churujing.services.arrival_card.api import install, router
from churujing.services.arrival_card.models import Audit
from churujing.services.arrival_card.pages import web_router
from churujing.services.arrival_card.service import ArrivalCardService

Card = Callable[..., dict[str, Any]]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(service: ArrivalCardService) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(router)
    app.include_router(web_router)
    install(app, service)
    with TestClient(app) as c:
        yield c


def _login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/v1/officers/token", data={"username": username, "password": password})


def test_repeated_failed_log_ins_get_429_with_retry_after_and_lock_the_account(
    client: TestClient, service: ArrivalCardService,
) -> None:
    service.officers.add_officer("alice", PASSWORD)
    codes = [_login(client, "alice", "wrong password!").status_code for _ in range(5)]
    assert codes == [401] * 5
    locked = _login(client, "alice", PASSWORD)  # the right password, too late
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60
    with service.db.session() as s:
        actions = [a.action for a in s.scalars(select(Audit).where(Audit.username == "alice"))]
    assert actions.count("login_failed") == 5 and "login_throttled" in actions
    with service.db.session() as s:
        assert {a.address for a in s.scalars(select(Audit))} == {"testclient"}


def test_one_address_is_limited_whatever_the_usernames(
    client: TestClient, service: ArrivalCardService,
) -> None:
    service.officers.throttle = type(service.officers.throttle)("5 per 15 minutes", "8 per minute")
    codes = [_login(client, f"user{i}", "x").status_code for i in range(10)]
    assert codes[:8] == [401] * 8 and codes[8:] == [429, 429]


def test_a_successful_log_in_clears_the_failures(client: TestClient,
                                                 service: ArrivalCardService) -> None:
    service.officers.add_officer("bob", PASSWORD)
    for _ in range(4):
        assert _login(client, "bob", "nope").status_code == 401
    assert _login(client, "bob", PASSWORD).status_code == 200
    for _ in range(4):
        assert _login(client, "bob", "nope").status_code == 401
    assert _login(client, "bob", PASSWORD).status_code == 200


def test_argon2_runs_outside_any_write_transaction(
    service: ArrivalCardService, monkeypatch: pytest.MonkeyPatch, card: Card,
) -> None:
    """While a password is being checked, another request can file (no lock is held)."""
    from argon2 import PasswordHasher

    service.officers.add_officer("carol", PASSWORD)
    filed: list[float] = []
    real = PasswordHasher.verify

    def verify(self: PasswordHasher, hash: str, password: str) -> bool:
        t = threading.Thread(target=lambda: (service.filings.file(card()), filed.append(1)))
        start = time.perf_counter()
        t.start()
        t.join(5)
        filed.append(time.perf_counter() - start)
        return bool(real(self, hash, password))

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    service.officers.login("carol", PASSWORD, address="127.0.0.1")
    assert filed[0] == 1 and filed[1] < 2.0  # filed during the check, without waiting


def test_a_group_too_large_is_refused_before_its_members_are_validated(
    client: TestClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not one of the 50,000 members is validated: the group's size is checked first (a
    count of the validations, not a clock: bench/service.py times it, ~0.5 s)."""
    from churujing.services.arrival_card import card as card_mod
    from churujing.services.arrival_card import filings as service_mod

    validated: list[int] = []
    for module in (card_mod, service_mod):
        real = module.parse_card

        def counting(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            validated.append(1)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, "parse_card", counting)
    r = client.post("/v1/arrival-cards/groups", json={"travellers": [{}] * 50_000})
    assert validated == []
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert len(detail) == 1 and detail[0]["loc"] == ["body", "travellers"]


def test_a_group_files_and_validates_each_member(client: TestClient, card: Card) -> None:
    ok = client.post("/v1/arrival-cards/groups",
                     json={"travellers": [card(), card(passport_number="E12345678")]})
    assert ok.status_code == 201 and len(ok.json()["receipts"]) == 2
    bad = client.post("/v1/arrival-cards/groups", json={"travellers": [card(), {"x": 1}]})
    assert bad.status_code == 422
    assert all(e["loc"][:3] == ["body", "travellers", 1] for e in bad.json()["detail"])
    assert client.post("/v1/arrival-cards/groups", json=[card()]).status_code == 422
    twice = client.post("/v1/arrival-cards/groups", json={"travellers": [card(), card()]})
    assert twice.status_code == 422
    assert twice.json()["detail"][0]["loc"] == ["body", "travellers", 1, "passport_number"]
    for member in (1, "x", [card()], None):  # not a card: 422, never a 500
        r = client.post("/v1/arrival-cards/groups", json={"travellers": [member]})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "travellers", 0]


def test_a_text_field_longer_than_its_bound_is_422_naming_it(client: TestClient,
                                                             card: Card) -> None:
    r = client.post("/v1/arrival-cards", json=card(address_in_china="路" * 201))
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "address_in_china"]]
    r = client.post("/v1/arrival-cards/verify", json={"token": "A" * 3000})
    assert r.status_code == 422


def test_a_form_without_its_csrf_token_is_refused(client: TestClient,
                                                  service: ArrivalCardService) -> None:
    service.officers.add_officer("dave", PASSWORD)
    page = client.get("/officer/login")
    token = client.cookies["ac_csrf"]
    assert f'name="csrf_token" value="{token}"' in page.text
    form = {"username": "dave", "password": PASSWORD}
    assert client.post("/officer/login", data=form, follow_redirects=False).status_code == 403
    assert client.post("/officer/login", data=form | {"csrf_token": "x" * 32},
                       follow_redirects=False).status_code == 403
    other = client.post("/officer/login", data=form | {"csrf_token": token},
                        headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert other.status_code == 403
    ok = client.post("/officer/login", data=form | {"csrf_token": token},
                     follow_redirects=False)
    assert ok.status_code == 303 and "ac_officer=" in ok.headers["set-cookie"]


def test_every_post_form_of_the_pages_carries_the_token(client: TestClient,
                                                        service: ArrivalCardService,
                                                        card: Card) -> None:
    import re

    client.get("/officer/login")
    token = client.cookies["ac_csrf"]
    r = client.post("/v1/arrival-cards", json=card()).json()
    pages = [client.get("/arrival-card").text, client.get("/arrival-card/manage").text,
             client.post("/arrival-card/manage", data={"number": r["number"],
                         "secret": r["secret"], "csrf_token": token}).text]
    for html in pages:
        forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', html, re.S)
        assert forms
        assert all(f'name="csrf_token" value="{token}"' in f for f in forms)


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for url in ("/arrival-card", "/officer/login", "/arrival-card/manage"):
        html = client.get(url).text
        assert "<script>" not in html and "<style" not in html and " style=" not in html


def test_access_logs_never_show_a_passport_number() -> None:
    from churujing.api.logs import ScrubFilter, log_config, scrub_path

    assert scrub_path("/v1/arrival-cards/lookup?passport=C01X00T47&nationality=DE") == \
        "/v1/arrival-cards/lookup?passport=-&nationality=-"
    assert scrub_path("/ports?q=shanghai&token=abc") == "/ports?q=shanghai&token=-"
    assert scrub_path("/healthz") == "/healthz"
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/officer/lookup?passport=C01X00T47",
                                "1.1", 200), None)
    assert ScrubFilter().filter(record)
    assert "C01X00T47" not in record.getMessage()
    assert log_config()["handlers"]["access"]["filters"] == ["scrub"]


def test_database_and_key_files_are_readable_by_their_owner_only(
    tmp_path: Any, clock: Any, card: Card,
) -> None:
    import os
    import stat

    from churujing.services.arrival_card.settings import Settings

    os.umask(0o022)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'd' / 'a.sqlite3'}",
                        key_file=tmp_path / "d" / "keys.json")
    svc = ArrivalCardService.from_settings(settings, clock=clock)
    svc.filings.file(card())
    files = [tmp_path / "d" / n for n in ("a.sqlite3", "a.sqlite3-wal", "keys.json")]
    modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files if f.exists()}
    svc.db.dispose()
    assert modes == {"a.sqlite3": 0o600, "a.sqlite3-wal": 0o600, "keys.json": 0o600}


def test_the_lockout_holds_across_processes_it_is_read_from_the_audit_log(
    service: ArrivalCardService, settings: Any, clock: Any,
) -> None:
    """A second service over the same database (another worker) sees the lockout."""
    service.officers.add_officer("erin", PASSWORD)
    for _ in range(5):
        with pytest.raises(Exception, match="wrong username or password"):
            service.officers.login("erin", "wrong", address="10.0.0.1")
    other = ArrivalCardService.from_settings(settings, clock=clock)
    try:
        from churujing.services.arrival_card.errors import TooManyAttempts

        with pytest.raises(TooManyAttempts) as caught:
            other.officers.login("erin", PASSWORD, address="10.0.0.2")
        assert 1 <= caught.value.retry_after <= 15 * 60 + 1
        clock.advance(minutes=16)
        assert other.officers.login("erin", PASSWORD, address="10.0.0.2")[0].startswith("aco_")
    finally:
        other.db.dispose()


def test_the_service_refuses_a_fresh_key_ring_over_existing_data(
    service: ArrivalCardService, settings: Any, clock: Any, card: Card, tmp_path: Any,
) -> None:
    from churujing.services.arrival_card.errors import ArrivalCardError

    service.filings.file(card())
    elsewhere = settings.model_copy(update={"key_file": tmp_path / "other" / "keys.json"})
    with pytest.raises(ArrivalCardError, match="does not exist"):
        ArrivalCardService.from_settings(elsewhere, clock=clock)
    assert not (tmp_path / "other" / "keys.json").exists()  # no fresh ring was made
    from churujing.services.common.crypto import KeyRing, save_keyring

    save_keyring(KeyRing.generate(), tmp_path / "other" / "keys.json")
    with pytest.raises(ArrivalCardError, match="lacks keys"):
        ArrivalCardService.from_settings(elsewhere, clock=clock)


def test_production_mode_needs_explicit_keys_and_never_creates_them(tmp_path: Any) -> None:
    from churujing.services.arrival_card.errors import ArrivalCardError
    from churujing.services.arrival_card.settings import Settings

    implicit = Settings(data_dir=tmp_path, production=True)
    with pytest.raises(ArrivalCardError, match="explicitly"):
        ArrivalCardService.from_settings(implicit)
    explicit = Settings(data_dir=tmp_path, production=True, key_file=tmp_path / "k.json")
    with pytest.raises(ArrivalCardError, match="init-keys"):
        ArrivalCardService.from_settings(explicit)
    ArrivalCardService.from_settings(explicit, create_keys=True).db.dispose()  # init-keys
    ArrivalCardService.from_settings(explicit).db.dispose()


def test_paths_are_resolved_once_against_the_data_folder(tmp_path: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from churujing.services.arrival_card.settings import Settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHURUJING_DATA_DIR", "data")
    s = Settings()
    assert s.data_dir == tmp_path / "data" and s.key_file == tmp_path / "data" / "keys.json"
    assert s.database_url == f"sqlite:///{tmp_path / 'data' / 'churujing.sqlite3'}"


def test_readyz_says_whether_the_database_is_writable_and_recovers_by_itself(
    service: ArrivalCardService, db_url: str,
) -> None:
    """A PostgreSQL database made read-only under the running service: /readyz is 503;
    made writable again, /readyz is 200 without a restart (the pooled read-only
    sessions are dropped). On SQLite, the same with the file's writability."""
    api = pytest.importorskip("churujing.api", reason="the HTTP app is not installed")
    app = api.create_app()
    install(app, service)
    with TestClient(app) as c:
        r = c.get("/readyz")
        assert r.status_code == 200 and r.json()["checks"] == {
            "arrival_card_database": "writable"}
        if service.db.backend != "postgresql":
            return
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(db_url)
        admin = f"host=127.0.0.1 port={url.port} user=postgres dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
        service.db.engine.dispose()  # every session from now on is read-only
        down = c.get("/readyz")
        assert down.status_code == 503 and down.headers["Retry-After"] == "5"
        assert "not ready" in down.json()["checks"]["arrival_card_database"]
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = off')
        assert c.get("/readyz").status_code == 200


# --------------------------------------------------------------------------- tokens


def test_verify_says_superseded_after_an_amendment_and_cancelled_after_a_cancellation(
    client: TestClient, card: Card,
) -> None:
    r = client.post("/v1/arrival-cards", json=card()).json()
    h = {"X-Filing-Secret": r["secret"]}
    first = client.post("/v1/arrival-cards/verify", json={"token": r["token"]}).json()
    assert first["valid"] is True and first["status"] == "current"
    amended = client.patch(f"/v1/arrival-cards/{r['number']}", headers=h,
                           json={"transport_number": "CA932"}).json()
    old = client.post("/v1/arrival-cards/verify", json={"token": r["token"]}).json()
    assert old["valid"] is False and old["status"] == "superseded"
    assert client.post("/v1/arrival-cards/verify",
                       json={"token": amended["token"]}).json()["status"] == "current"
    client.delete(f"/v1/arrival-cards/{r['number']}", headers=h)
    gone = client.post("/v1/arrival-cards/verify", json={"token": amended["token"]}).json()
    assert gone["valid"] is False and gone["status"] == "cancelled"


def test_viewing_a_cancelled_filing_never_mints_a_token(client: TestClient,
                                                       card: Card) -> None:
    r = client.post("/v1/arrival-cards", json=card()).json()
    h = {"X-Filing-Secret": r["secret"]}
    assert client.delete(f"/v1/arrival-cards/{r['number']}", headers=h).json()["token"] == ""
    assert client.get(f"/v1/arrival-cards/{r['number']}", headers=h).json()["token"] == ""
    assert client.get(f"/v1/arrival-cards/{r['number']}/qr.svg", headers=h).status_code == 409
    assert client.get(f"/v1/arrival-cards/{r['number']}/qr.png", headers=h).status_code == 409


def test_a_token_expires_at_the_end_of_the_arrival_day_plus_the_grace(
    service: ArrivalCardService, card: Card, clock: Any,
) -> None:
    from datetime import UTC, datetime

    from churujing.services.arrival_card.errors import TokenInvalid

    r = service.filings.file(card(arrival_date="2025-12-01"))
    claims = service.filings.verify(r.token)
    # 2025-12-02 00:00 Beijing (16:00 UTC the day before) + 12 h grace
    assert claims["exp"] == int(datetime(2025, 12, 2, 4, tzinfo=UTC).timestamp())
    clock.now = datetime(2025, 12, 2, 3, 59, tzinfo=UTC)
    assert service.filings.verify(r.token)["n"] == r.number
    clock.now = datetime(2025, 12, 2, 4, 0, tzinfo=UTC)
    with pytest.raises(TokenInvalid, match="expired"):
        service.filings.verify(r.token)


def test_a_new_filing_for_the_same_traveller_and_arrival_supersedes_the_old_one(
    client: TestClient, service: ArrivalCardService, card: Card,
) -> None:
    first = client.post("/v1/arrival-cards", json=card(),
                        headers={"Idempotency-Key": "k1"}).json()
    second = client.post("/v1/arrival-cards", json=card(transport_number="CA932")).json()
    h1 = {"X-Filing-Secret": first["secret"]}
    old = client.get(f"/v1/arrival-cards/{first['number']}", headers=h1).json()
    assert old["status"] == "superseded" and old["token"] == ""
    assert old["history"][-1]["kind"] == "superseded"
    assert client.post("/v1/arrival-cards/verify",
                       json={"token": first["token"]}).json()["status"] == "superseded"
    assert client.patch(f"/v1/arrival-cards/{first['number']}", headers=h1,
                        json={"transport_number": "LH728"}).status_code == 409
    # an idempotent retry of the first is the first receipt, unchanged, superseding nothing
    replay = client.post("/v1/arrival-cards", json=card(), headers={"Idempotency-Key": "k1"})
    assert replay.status_code == 200 and replay.json()["number"] == first["number"]
    h2 = {"X-Filing-Secret": second["secret"]}
    assert client.get(f"/v1/arrival-cards/{second['number']}", headers=h2
                      ).json()["status"] == "filed"
    # another arrival date, or another traveller, is another filing
    other = client.post("/v1/arrival-cards", json=card(arrival_date="2025-12-03")).json()
    assert client.get(f"/v1/arrival-cards/{second['number']}", headers=h2
                      ).json()["status"] == "filed"
    assert other["status"] == "filed"


def test_concurrent_filings_of_one_traveller_leave_exactly_one_valid(
    service: ArrivalCardService, card: Card,
) -> None:
    from churujing.services.arrival_card.models import Filing

    errors: list[BaseException] = []

    def file_one(i: int) -> None:
        try:
            service.filings.file(card(transport_number=f"CA{900 + i}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=file_one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with service.db.session() as s:
        statuses = [f.status for f in s.scalars(select(Filing))]
    assert sorted(statuses) == ["filed"] + ["superseded"] * 5


# --------------------------------------------------------------------------- audit


def _bearer(client: TestClient, service: ArrivalCardService, role: str = "officer",
            name: str = "alice") -> dict[str, str]:
    service.officers.add_officer(name, PASSWORD, role)
    r = _login(client, name, PASSWORD)
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_every_look_up_attempt_is_audited_with_its_address_refused_ones_too(
    client: TestClient, service: ArrivalCardService, card: Card,
) -> None:
    r = client.post("/v1/arrival-cards", json=card()).json()
    officer = _bearer(client, service)
    operator = _bearer(client, service, "operator", "olga")
    attempts = [
        (client.post("/v1/arrival-cards/lookup", json={"number": r["number"]}), 401),
        (client.post("/v1/arrival-cards/lookup", json={"number": r["number"]},
                     headers={"Authorization": "Bearer aco_nope"}), 401),
        (client.post("/v1/arrival-cards/lookup", json={"number": r["number"]},
                     headers=operator), 403),
        (client.post("/v1/arrival-cards/lookup", json={}, headers=officer), 422),
        (client.post("/v1/arrival-cards/lookup", json={"number": "x" * 40},
                     headers=officer), 422),
        (client.post("/v1/arrival-cards/lookup", content=b"{not json",
                     headers=officer), 422),
        (client.post("/v1/arrival-cards/lookup", json={"token": r["token"][:-4] + "AAAA"},
                     headers=officer), 400),
        (client.get("/v1/arrival-cards/lookup", params={"passport": "C01X00T47",
                                                        "nationality": "DE"},
                    headers=officer), 422),
        (client.post("/v1/arrival-cards/lookup", json={"nationality": "DE",
                                                       "passport": "C01X00T47"},
                     headers=officer), 200),
    ]
    assert [a.status_code for a, _ in attempts] == [want for _, want in attempts]
    with service.db.session() as s:
        rows = [a for a in s.scalars(select(Audit).order_by(Audit.id))
                if a.action.startswith("lookup")]
    assert [a.action for a in rows] == ["lookup_refused"] * 8 + ["lookup_passport"]
    assert {a.address for a in rows} == {"testclient"}
    assert all("C01X00T47" not in a.query for a in rows)
    assert "status=403" in rows[2].query and rows[2].username == "olga"


def test_the_audit_log_is_hash_chained_append_only_and_verified(
    client: TestClient, service: ArrivalCardService, card: Card,
) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    officer = _bearer(client, service)
    number = client.post("/v1/arrival-cards", json=card()).json()["number"]
    for _ in range(3):
        client.post("/v1/arrival-cards/lookup", json={"number": number}, headers=officer)
    report = service.officers.verify_audit()
    assert report.ok and report.rows >= 4 and len(report.head) == 64
    for statement in ("UPDATE ac_audit SET username = 'mallory'", "DELETE FROM ac_audit"):
        with pytest.raises(DBAPIError, match="append-only"), service.db.session() as s:
            s.execute(text(statement))
    if service.db.backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), service.db.session() as s:
            s.execute(text("TRUNCATE ac_audit"))
        return
    # someone who can drop the trigger (the file's owner) and edits a row is found out
    with service.db.session() as s:
        s.execute(text("DROP TRIGGER ac_audit_no_update"))
        second = s.scalar(select(Audit.id).order_by(Audit.id).offset(1).limit(1))
        s.execute(text("UPDATE ac_audit SET found = '' WHERE id = :i"), {"i": second})
    broken = service.officers.verify_audit()
    assert not broken.ok and broken.broken_at == second and "changed" in broken.reason


# --------------------------------------------------------------------------- officers


def test_operators_disable_enable_reset_and_revoke_officers_over_the_api(
    client: TestClient, service: ArrivalCardService,
) -> None:
    officer = _bearer(client, service)
    operator = _bearer(client, service, "operator", "olga")
    lookup = {"number": "AC0000000000"}
    assert client.post("/v1/arrival-cards/lookup", json=lookup, headers=officer
                       ).status_code == 200
    assert client.post("/v1/operator/officers/alice/disable", headers=officer
                       ).status_code == 403
    off = client.post("/v1/operator/officers/alice/disable", headers=operator)
    assert off.status_code == 200 and off.json()["tokens_revoked"] == 1
    assert client.post("/v1/arrival-cards/lookup", json=lookup, headers=officer
                       ).status_code == 401
    assert _login(client, "alice", PASSWORD).status_code == 401  # disabled
    assert client.post("/v1/operator/officers/alice/enable", headers=operator
                       ).json()["active"] is True
    again = {"Authorization": f"Bearer {_login(client, 'alice', PASSWORD).json()['access_token']}"}
    new = "a brand new passphrase"
    reset = client.post("/v1/operator/officers/alice/password", headers=operator,
                        json={"password": new})
    assert reset.status_code == 200 and reset.json()["tokens_revoked"] == 1
    assert client.post("/v1/arrival-cards/lookup", json=lookup, headers=again
                       ).status_code == 401
    assert _login(client, "alice", PASSWORD).status_code == 401
    fresh = {"Authorization": f"Bearer {_login(client, 'alice', new).json()['access_token']}"}
    assert client.post("/v1/operator/officers/alice/revoke-tokens", headers=operator
                       ).json()["tokens_revoked"] == 1
    assert client.post("/v1/arrival-cards/lookup", json=lookup, headers=fresh
                       ).status_code == 401
    assert client.post("/v1/operator/officers/nobody/disable", headers=operator
                       ).status_code == 404
    listed = client.get("/v1/operator/officers", headers=operator).json()
    assert {o["username"] for o in listed} == {"alice", "olga"}
    with service.db.session() as s:
        actions = {a.action for a in s.scalars(select(Audit).where(Audit.username == "olga"))}
    assert {"officer_disabled", "officer_enabled", "password_reset", "tokens_revoked"} <= actions


def test_an_officer_logs_out_over_the_api(client: TestClient,
                                          service: ArrivalCardService) -> None:
    officer = _bearer(client, service)
    assert client.post("/v1/officers/logout", headers=officer).status_code == 204
    assert client.post("/v1/arrival-cards/lookup", json={"number": "AC0000000000"},
                       headers=officer).status_code == 401
    assert client.post("/v1/officers/logout", headers=officer).status_code == 401


def test_officer_administration_from_the_command_line(
    service: ArrivalCardService, settings: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    from typer.testing import CliRunner

    from churujing.cli import app

    monkeypatch.setenv("CHURUJING_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CHURUJING_KEY_FILE", str(settings.key_file))
    service.officers.add_officer("frank", PASSWORD)
    run = CliRunner().invoke
    token = json.loads(run(app, ["arrival-card", "officer", "token", "frank", "--hours", "2"]
                           ).stdout)
    assert token["access_token"].startswith("aco_")
    assert service.officers.authenticate(token["access_token"]).username == "frank"
    assert json.loads(run(app, ["arrival-card", "officer", "revoke", "frank"]).stdout
                      )["tokens_revoked"] == 1
    assert json.loads(run(app, ["arrival-card", "officer", "disable", "frank"]).stdout
                      )["active"] is False
    assert run(app, ["arrival-card", "officer", "token", "frank"]).exit_code == 1
    assert json.loads(run(app, ["arrival-card", "officer", "enable", "frank"]).stdout
                      )["active"] is True
    reset = run(app, ["arrival-card", "officer", "reset-password", "frank",
                      "--password-stdin"], input="another long password\n")
    assert reset.exit_code == 0, reset.output
    assert service.officers.login("frank", "another long password")[0].startswith("aco_")
    assert run(app, ["arrival-card", "officer", "disable", "nobody"]).exit_code == 1
