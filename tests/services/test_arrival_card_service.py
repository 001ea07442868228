"""The workflows, on SQLite and on PostgreSQL (every test runs on both)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from ac_helpers import Clock
from sqlalchemy import select, text

from churujing.services.arrival_card.errors import (
    CardInvalid,
    Conflict,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TokenInvalid,
)
from churujing.services.arrival_card.models import Audit, FilingVersion
from churujing.services.arrival_card.service import ArrivalCardService

Card = Callable[..., dict[str, Any]]
PASSWORD = "correct horse battery staple"


def _officer(service: ArrivalCardService, role: str = "officer", name: str = "alice") -> Any:
    service.officers.add_officer(name, PASSWORD, role)
    token, _ = service.officers.login(name, PASSWORD)
    return service.officers.authenticate(token)


def test_file_and_view(service: ArrivalCardService, card: Card) -> None:
    r = service.filings.file(card())
    assert r.number.startswith("AC") and len(r.number) == 12
    assert r.required and r.exemption is None and r.secret
    v = service.filings.view(r.number, r.secret)
    assert v.card.family_name == "MUELLER" and v.card.arrival_port == "pvg"
    assert [h["kind"] for h in v.history] == ["filed"]
    assert service.filings.verify(r.token)["n"] == r.number


def test_an_exempt_traveller_is_told_so_and_may_still_file(service: ArrivalCardService,
                                                            card: Card) -> None:
    r = service.filings.file(card(document="permanent_residence_id"))
    assert r.required is False
    assert r.exemption is not None and r.exemption["clause"] == "M10.3.1"
    assert "M10.3.1" in r.exemption["note"]["en"] and "may still file" in r.exemption["note"]["en"]
    assert service.filings.view(r.number, r.secret or "").exemption is not None
    cruise = service.filings.file(card(entry_mode="cruise_same_ship", passport_number="X1234567"))
    assert cruise.exemption is not None and cruise.exemption["clause"] == "M10.3.5"


def test_the_measure_refuses_unknown_codes_with_the_field(service: ArrivalCardService,
                                                          card: Card) -> None:
    with pytest.raises(CardInvalid) as info:
        service.filings.file(card(entry_mode="teleport"))
    assert info.value.errors[0].field == "entry_mode"


def test_a_retry_with_the_same_key_returns_the_first_receipt(service: ArrivalCardService,
                                                             card: Card) -> None:
    first = service.filings.file(card(), idempotency_key="k-1")
    again = service.filings.file(card(), idempotency_key="k-1")
    assert again.number == first.number and again.secret == first.secret and again.replayed
    assert service.maintenance.stats()["filings"] == 1
    with pytest.raises(Conflict):
        service.filings.file(card(given_names="Other"), idempotency_key="k-1")


def test_a_group_filing_gives_each_traveller_a_receipt(service: ArrivalCardService,
                                                       card: Card) -> None:
    rs = service.filings.file_group([card(), card(given_names="Ben", passport_number="C01X00T48",
                                          date_of_birth="2015-06-01")])
    assert len({r.number for r in rs}) == 2 and len({r.secret for r in rs}) == 2
    assert rs[0].group_id and rs[0].group_id == rs[1].group_id
    view = service.filings.view(rs[1].number, rs[1].secret or "")
    assert view.group == tuple(r.number for r in rs)
    with pytest.raises(CardInvalid) as info:
        service.filings.file_group([card(), card(email="nope")])
    assert info.value.errors[0].loc == ("travellers", 1, "email")


def test_amend_keeps_every_version(service: ArrivalCardService, card: Card,
                                   clock: Clock) -> None:
    r = service.filings.file(card())
    clock.advance(hours=1)
    a = service.filings.amend(r.number, r.secret or "", {"transport_number": "CA932"})
    assert a.version == 2 and a.token != r.token
    clock.advance(hours=1)
    service.filings.amend(r.number, r.secret or "", {"arrival_date": "2025-12-02"})
    v = service.filings.view(r.number, r.secret or "")
    assert v.version == 3 and v.card.transport_number == "CA932"
    assert v.card.arrival_date == date(2025, 12, 2)
    times = [h["at"] for h in v.history]
    assert [h["kind"] for h in v.history] == ["filed", "amended", "amended"]
    assert times == sorted(times) and len(set(times)) == 3
    same = service.filings.amend(r.number, r.secret or "", {"transport_number": "CA932"})
    assert same.version == 3  # nothing changed, no new version


def test_identity_fields_cannot_be_amended(service: ArrivalCardService, card: Card) -> None:
    r = service.filings.file(card())
    with pytest.raises(CardInvalid) as info:
        service.filings.amend(r.number, r.secret or "", {"passport_number": "X9999999"})
    assert info.value.errors[0].field == "passport_number"
    with pytest.raises(CardInvalid):
        service.filings.amend(r.number, r.secret or "", {"arrival_date": "2025-11-01"})


def test_cancel_before_arrival_only(service: ArrivalCardService, card: Card,
                                    clock: Clock) -> None:
    r = service.filings.file(card(arrival_date="2025-11-26"))
    clock.advance(days=1)  # the arrival day: still open
    service.filings.amend(r.number, r.secret or "", {"transport_number": "CA932"})
    clock.advance(days=1)  # the day after arrival
    with pytest.raises(Conflict):
        service.filings.cancel(r.number, r.secret or "")
    with pytest.raises(Conflict):
        service.filings.amend(r.number, r.secret or "", {"transport_number": "CA933"})
    r2 = service.filings.file(card(arrival_date="2025-12-20"))
    v = service.filings.cancel(r2.number, r2.secret or "")
    assert v.status == "cancelled" and [h["kind"] for h in v.history] == ["filed", "cancelled"]
    with pytest.raises(Conflict):
        service.filings.cancel(r2.number, r2.secret or "")


def test_the_public_sees_only_with_the_secret(service: ArrivalCardService, card: Card) -> None:
    r = service.filings.file(card())
    for number, secret in ((r.number, "wrong"), ("AC0000000000", r.secret), (r.number, "")):
        with pytest.raises(NotFound):
            service.filings.view(number, secret or "")
    assert service.filings.view(r.number.lower(), r.secret or "").number == r.number


def test_officers_authenticate_and_every_lookup_is_audited(service: ArrivalCardService,
                                                           card: Card) -> None:
    r = service.filings.file(card())
    with pytest.raises(NotAuthenticated):
        service.officers.authenticate(None)
    with pytest.raises(NotAuthenticated):
        service.officers.authenticate("aco_forged")
    with pytest.raises(NotAuthenticated):
        service.officers.login("alice", "wrong password!")
    who = _officer(service)
    assert [v.number for v in service.officers.lookup_number(who, r.number)] == [r.number]
    found = service.officers.lookup_passport(who, "Germany", "c01x00t47")
    assert [v.number for v in found] == [r.number]
    assert found[0].card.passport_number == "C01X00T47"
    assert service.officers.lookup_passport(who, "FR", "C01X00T47") == []
    t = service.officers.lookup_token(who, r.token)
    assert t[0].token_claims is not None and t[0].token_claims["ver"] == 1
    i = len(r.token) - 10  # one signature character changed in full (the last carries padding)
    tampered = r.token[:i] + ("A" if r.token[i] != "A" else "B") + r.token[i + 1 :]
    with pytest.raises(TokenInvalid):
        service.officers.lookup_token(who, tampered)
    operator = _officer(service, "operator", "olga")
    with pytest.raises(NotAllowed):
        service.officers.lookup_number(operator, r.number)
    with pytest.raises(NotAllowed):
        service.officers.audit_log(who)
    log = service.officers.audit_log(operator)
    actions = [e["action"] for e in log]
    assert actions.count("lookup_number") == 1 and "lookup_passport" in actions
    assert "lookup_token" in actions and "login_failed" in actions
    assert all("C01X00T47" not in e["query"] for e in log)


def test_expired_officer_tokens_are_refused(service: ArrivalCardService, clock: Clock) -> None:
    service.officers.add_officer("bob", PASSWORD)
    token, _ = service.officers.login("bob", PASSWORD)
    clock.advance(hours=13)
    with pytest.raises(NotAuthenticated):
        service.officers.authenticate(token)


def _raw_contents(service: ArrivalCardService) -> bytes:
    """Everything the database holds, as bytes (SQLite: its files; PostgreSQL: every row)."""
    if service.db.backend == "sqlite":
        path = service.db.engine.url.database or ""
        out = b""
        for suffix in ("", "-wal", "-shm"):
            try:
                with open(path + suffix, "rb") as fh:
                    out += fh.read()
            except FileNotFoundError:
                pass
        return out
    out = b""
    with service.db.engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
        for t in tables:
            for row in conn.execute(text(f'SELECT t::text FROM "{t}" t')):
                out += row[0].encode()
            for row in conn.execute(text(
                    f"SELECT encode(convert_to(t::text, 'UTF8'), 'escape') FROM \"{t}\" t")):
                out += row[0].encode()
    return out


def test_personal_data_is_encrypted_at_rest(service: ArrivalCardService, card: Card) -> None:
    r = service.filings.file(card(), idempotency_key="rest-1")
    service.filings.amend(r.number, r.secret or "", {"transport_number": "CA932"})
    raw = _raw_contents(service)
    assert r.number.encode() in raw  # the file holds the data ...
    for secret in (b"C01X00T47", b"MUELLER", b"ANNA", b"1990-04-01", b"4930901820",
                   b"anna@example.de", "南京西路".encode(), (r.secret or "").encode()):
        assert secret not in raw, secret  # ... but none of it in clear


def test_key_rotation_keeps_every_filing_readable(service: ArrivalCardService, card: Card,
                                                  settings: Any, clock: Clock) -> None:
    rs = [service.filings.file(card(passport_number=f"P{i:07d}"), idempotency_key=f"rot-{i}")
          for i in range(5)]
    service.filings.amend(rs[0].number, rs[0].secret or "", {"transport_number": "CA932"})
    old = service.keys.active_kid
    counts = service.maintenance.rotate_keys(batch=2)
    assert counts["filings"] == 5 and counts["versions"] == 6 and counts["idempotency"] == 5
    assert service.keys.active_kid != old
    with service.db.session() as s:
        assert {v.kid for v in s.scalars(select(FilingVersion))} == {service.keys.active_kid}
    # a fresh process (keys from the file) reads everything
    fresh = ArrivalCardService.from_settings(settings, clock=clock)
    for i, r in enumerate(rs):
        assert fresh.filings.view(r.number, r.secret or "").card.passport_number == f"P{i:07d}"
        assert fresh.filings.verify(r.token)["n"] == r.number  # old receipts still verify
    assert fresh.filings.file(card(passport_number="P0000000"), idempotency_key="rot-0").replayed
    who = _officer(fresh)
    assert len(fresh.officers.lookup_passport(who, "DE", "P0000003")) == 1
    fresh.db.dispose()


def test_a_running_service_reads_rows_rotated_by_another_process(
        service: ArrivalCardService, card: Card, settings: Any, clock: Clock) -> None:
    r = service.filings.file(card())
    other = ArrivalCardService.from_settings(settings, clock=clock)
    other.maintenance.rotate_keys()
    other.db.dispose()
    assert service.filings.view(r.number, r.secret or "").card.family_name == "MUELLER"


def test_a_running_service_finds_passports_rehashed_and_signs_with_rotated_keys(
        service: ArrivalCardService, card: Card, settings: Any, clock: Clock) -> None:
    """rotate-keys in another process re-hashes every filing under the new key: the
    running service's passport look-up must still find them, and it files under it."""
    r = service.filings.file(card())
    other = ArrivalCardService.from_settings(settings, clock=clock)
    new = other.maintenance.rotate_keys()["active"]
    other.db.dispose()
    who = _officer(service)
    found = service.officers.lookup_passport(who, "DE", card()["passport_number"])
    assert [v.number for v in found] == [r.number]
    later = service.filings.file(card(passport_number="Q7654321"))
    assert service.filings.verify(later.token)["kid"] == new


def test_purge_after_the_retention(service: ArrivalCardService, card: Card,
                                   clock: Clock) -> None:
    early = service.filings.file(card(arrival_date="2025-11-26"))
    late = service.filings.file(card(arrival_date="2025-12-20", passport_number="Z7654321"))
    clock.advance(days=10)
    assert service.maintenance.purge(days=30)["filings"] == 0
    clock.advance(days=30)  # 2026-01-04: 39 days after the early arrival
    assert service.maintenance.purge(days=30)["filings"] == 1
    with pytest.raises(NotFound):
        service.filings.view(early.number, early.secret or "")
    assert service.filings.view(late.number, late.secret or "").status == "filed"
    with service.db.session() as s:
        assert s.scalar(select(Audit.action).where(Audit.action == "purge").limit(1))


# --------------------------------------------------------------------------- concurrency


def _threads(n: int, target: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_concurrent_retries_of_one_submission_make_one_filing(service: ArrivalCardService,
                                                              card: Card) -> None:
    numbers: list[str] = []
    errors = _threads(12, lambda i: numbers.append(
        service.filings.file(card(), idempotency_key="same-key").number))
    assert not errors
    assert len(set(numbers)) == 1 and len(numbers) == 12
    assert service.maintenance.stats()["filings"] == 1


def test_concurrent_submissions_are_all_kept(service: ArrivalCardService, card: Card) -> None:
    receipts: list[Any] = []
    errors = _threads(16, lambda i: receipts.append(service.filings.file(
        card(passport_number=f"Q{i:07d}"), idempotency_key=f"c-{i}")))
    assert not errors
    assert service.maintenance.stats()["filings"] == 16
    assert len({r.number for r in receipts}) == 16


def test_concurrent_amendments_lose_no_version(service: ArrivalCardService,
                                               card: Card) -> None:
    r = service.filings.file(card())
    errors = _threads(10, lambda i: service.filings.amend(
        r.number, r.secret or "", {"intended_stay_days": 20 + i}))
    assert not errors
    v = service.filings.view(r.number, r.secret or "")
    assert v.version == 11
    assert [h["version"] for h in v.history] == list(range(1, 12))
    with service.db.session() as s:
        payload_days = set()
        for fv in s.scalars(select(FilingVersion).order_by(FilingVersion.version)):
            data = service.keys.decrypt_json(fv.kid, fv.payload,
                                             f"filing:{r.number}:{fv.version}".encode())
            payload_days.add(data["intended_stay_days"])
    assert payload_days == {10, *range(20, 30)}  # every amendment is stored
