"""The platform's workflows end to end, on SQLite and on PostgreSQL (the ``db_url`` fixture of
conftest.py): gate, documents, submission, review, payment (HMAC callback, idempotent), the
7-day deadline, dispatch and collection, the outbox, recovery, the chained logs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apps_helpers import OFFICER, REVIEWER, body, documents, make_id, service, start_clock

from churujing.services.applications import (
    ApplicationInvalid,
    DocumentsMissing,
    Refused,
    SignatureInvalid,
    TransitionNotAllowed,
)
from churujing.services.applications.errors import Conflict, NotAllowed, NotFound
from churujing.services.applications.payment import LocalProvider
from churujing.services.applications.service import ApplicationService, Officer


@pytest.fixture
def svc(db_url: str) -> ApplicationService:
    return service(db_url, start_clock())


@pytest.fixture
def lite(tmp_path: Path) -> ApplicationService:
    """A service over a SQLite file the test reads itself."""
    return service(f"sqlite:///{tmp_path / 'ap.sqlite3'}", start_clock())


def _submitted(svc: ApplicationService) -> dict[str, str]:
    made = svc.create(body())
    for kind, data in documents().items():
        svc.put_document(made["number"], made["secret"], kind, data)
    svc.submit(made["number"], made["secret"])
    return made


def test_a_draft_is_made_after_the_gate_m07_1(svc: ApplicationService) -> None:
    made = svc.create(body())
    assert made["status"] == "draft" and made["number"].startswith("M07")
    assert made["fee"]["amount"] == 120 and made["fee"]["confirmed"]
    assert made["identity"]["status"] == "to_confirm"      # never "verified" by itself
    view = svc.view(made["number"], made["secret"])
    assert view["applicant"]["id_number"] == make_id()[:6] + "********" + make_id()[14:]
    assert view["history"][0]["to"] == "draft"


def test_a_city_outside_the_pilot_is_refused_before_any_draft_m07_1(
        svc: ApplicationService) -> None:
    b = body()
    b["facts"]["hukou_city"] = "拉萨"
    with pytest.raises(Refused) as info:
        svc.create(b)
    assert [(c.code, c.clause) for c in info.value.unmet] == [("pilot_city", "M07.1")]


def test_bad_fields_are_named(svc: ApplicationService) -> None:
    b = body(delivery={"method": "ems"})
    b["applicant"]["phone"] = "12345"
    with pytest.raises(ApplicationInvalid) as info:
        svc.create(b)
    assert [e.field for e in info.value.invalid_fields] == ["applicant.phone",
                                                           "delivery.address"]


def test_the_taiwan_permit_fee_is_marked_unconfirmed(svc: ApplicationService) -> None:
    b = body()
    b["facts"]["document"] = "eep_taiwan"
    b["facts"]["reason"] = "expiring_within_6_months"
    made = svc.create(b)
    assert made["fee"]["amount"] == 30 and made["fee"]["confirmed"] is False


def test_submission_needs_every_document(svc: ApplicationService) -> None:
    made = svc.create(body())
    svc.put_document(made["number"], made["secret"], "photo", documents()["photo"])
    with pytest.raises(DocumentsMissing) as info:
        svc.submit(made["number"], made["secret"])
    assert info.value.kinds == ("signature", "id_front", "id_back")


def test_a_wrong_secret_finds_nothing(svc: ApplicationService) -> None:
    made = svc.create(body())
    with pytest.raises(NotFound):
        svc.view(made["number"], "wrong")


def test_the_whole_path_with_a_correction_payment_and_ems(svc: ApplicationService) -> None:
    made = _submitted(svc)
    n, secret = made["number"], made["secret"]
    view = svc.view(n, secret)
    assert view["status"] == "submitted"
    assert view["due"] == "2025-12-10"       # 7 working days from Monday 2025-12-01
    queue = svc.queue(REVIEWER)
    assert [q["number"] for q in queue] == [n] and queue[0]["overdue"] is False
    svc.claim(REVIEWER, n)
    svc.decide(REVIEWER, n, "request_correction", ["照片背景不符合要求"])
    assert svc.view(n, secret)["status"] == "correction_requested"
    svc.put_document(n, secret, "photo", documents()["photo"])
    assert svc.submit(n, secret)["status"] == "resubmitted"
    out = svc.decide(REVIEWER, n, "approve")
    assert out == {"number": n, "status": "approved", "pay_by": "2025-12-08"}
    pay = svc.start_payment(n, secret)
    local = svc.payments["local"]
    assert isinstance(local, LocalProvider)
    body_, headers = local.callback(pay["reference"], pay["amount"], event_id="EV1")
    assert svc.payment_callback("local", body_, headers)["application_status"] == \
        "in_production"
    # the same callback again changes nothing and answers the same
    again = svc.payment_callback("local", body_, headers)
    assert again["replayed"] is True and again["application_status"] == "in_production"
    with pytest.raises(ApplicationInvalid):
        svc.dispatch(OFFICER, n)                     # EMS needs a tracking number
    assert svc.dispatch(OFFICER, n, "EA123456789CN")["status"] == "dispatched"
    history = [h["to"] for h in svc.view(n, secret)["history"]]
    assert history == ["draft", "submitted", "correction_requested", "resubmitted",
                       "approved", "paid", "in_production", "dispatched"]
    officer_view = svc.officer_view(REVIEWER, n)
    assert officer_view["history"][2]["by"] == "li.reviewer"
    assert officer_view["history"][2]["reasons"] == ["照片背景不符合要求"]
    assert svc.verify_chains()["transitions"]["ok"] is True


def test_collection_instead_of_ems(svc: ApplicationService) -> None:
    made = svc.create(body(delivery={"method": "collect"}))
    for kind, data in documents().items():
        svc.put_document(made["number"], made["secret"], kind, data)
    svc.submit(made["number"], made["secret"])
    svc.decide(REVIEWER, made["number"], "approve")
    pay = svc.start_payment(made["number"], made["secret"])
    local = svc.payments["local"]
    assert isinstance(local, LocalProvider)
    svc.payment_callback("local", *local.callback(pay["reference"], pay["amount"]))
    assert svc.dispatch(OFFICER, made["number"])["status"] == "ready_for_collection"
    assert svc.collect(OFFICER, made["number"])["status"] == "collected"


def test_a_forged_callback_is_refused(svc: ApplicationService) -> None:
    made = _submitted(svc)
    svc.decide(REVIEWER, made["number"], "approve")
    pay = svc.start_payment(made["number"], made["secret"])
    forged = LocalProvider(b"someone else's secret")
    with pytest.raises(SignatureInvalid):
        svc.payment_callback("local", *forged.callback(pay["reference"], pay["amount"]))
    assert svc.view(made["number"], made["secret"])["status"] == "approved"


def test_unpaid_after_7_days_the_application_lapses(db_url: str) -> None:
    clock = start_clock()
    svc = service(db_url, clock)
    made = _submitted(svc)
    svc.decide(REVIEWER, made["number"], "approve")       # pay by 2025-12-08
    clock.advance(days=7)                                  # 2025-12-08: still in time
    assert svc.tick()["lapsed"] == 0
    clock.advance(days=1)                                  # 2025-12-09
    assert svc.tick()["lapsed"] == 1
    assert svc.view(made["number"], made["secret"])["status"] == "lapsed"
    with pytest.raises(TransitionNotAllowed):
        svc.start_payment(made["number"], made["secret"])


def test_a_refusal_states_its_reasons(svc: ApplicationService) -> None:
    made = _submitted(svc)
    with pytest.raises(ApplicationInvalid):
        svc.decide(REVIEWER, made["number"], "refuse", [])
    svc.decide(REVIEWER, made["number"], "refuse", ["身份信息与登记不符"])
    view = svc.view(made["number"], made["secret"])
    assert view["status"] == "refused" and view["history"][-1]["reasons"] == ["身份信息与登记不符"]


def test_roles_are_enforced(svc: ApplicationService) -> None:
    made = _submitted(svc)
    with pytest.raises(NotAllowed):
        svc.decide(OFFICER, made["number"], "approve")
    with pytest.raises(NotAllowed):
        svc.dispatch(REVIEWER, made["number"], "EA123456789CN")


def test_a_case_claimed_by_one_reviewer_is_not_decided_by_another(
        svc: ApplicationService) -> None:
    made = _submitted(svc)
    svc.claim(REVIEWER, made["number"])
    with pytest.raises(Conflict):
        svc.decide(Officer("zhao", "reviewer"), made["number"], "approve")


def test_documents_are_stored_encrypted(lite: ApplicationService, tmp_path: Path) -> None:
    svc = lite
    made = _submitted(svc)
    raw = (tmp_path / "ap.sqlite3").read_bytes()
    assert "张三".encode() not in raw and make_id().encode() not in raw
    assert documents()["photo"][200:260] not in raw
    ctype, data = svc.officer_document(REVIEWER, made["number"], "photo")
    assert ctype == "image/jpeg" and data == documents()["photo"]


def test_documents_cannot_change_once_submitted(svc: ApplicationService) -> None:
    made = _submitted(svc)
    with pytest.raises(Conflict):
        svc.put_document(made["number"], made["secret"], "photo", documents()["photo"])


def test_idempotent_creation(svc: ApplicationService) -> None:
    a = svc.create(body(), idempotency_key="k1")
    b = svc.create(body(), idempotency_key="k1")
    assert b["number"] == a["number"] and b["secret"] == a["secret"] and b["replayed"]
    with pytest.raises(Conflict):
        svc.create(body(delivery={"method": "collect"}), idempotency_key="k1")


def test_the_due_date_flags_overdue_cases(db_url: str) -> None:
    clock = start_clock()
    svc = service(db_url, clock)
    made = _submitted(svc)
    clock.advance(days=10)                                 # 2025-12-11 > due 2025-12-10
    assert svc.queue(REVIEWER)[0]["overdue"] is True
    assert svc.officer_view(REVIEWER, made["number"])["overdue"] is True


def test_every_change_queues_a_notice_and_the_sms_log_gets_it(db_url: str,
                                                               tmp_path: Path) -> None:
    log = tmp_path / "sms.log"
    svc = service(db_url, start_clock(), sms_log=log)
    made = _submitted(svc)
    out = svc.deliver()
    # draft + submitted, by SMS and e-mail; no SMTP server configured: e-mail retried later
    assert out == {"sent": 2, "failed": 2}
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and made["number"] in lines[1] and "已提交" in lines[1]


def test_recovery_by_id_number_and_a_code_sent_to_the_phone(db_url: str,
                                                            tmp_path: Path) -> None:
    log = tmp_path / "sms.log"
    svc = service(db_url, start_clock(), sms_log=log)
    made = svc.create(body())
    assert svc.recover_start(make_id()) == {"sent": True}
    assert svc.recover_start(make_id(seq="999")) == {"sent": True}   # reveals nothing
    svc.deliver()
    code = log.read_text(encoding="utf-8").splitlines()[-1].split("：")[1][:6]
    with pytest.raises(NotFound):
        svc.recover_finish(made["number"], "000000" if code != "000000" else "111111")
    new = svc.recover_finish(made["number"], code)
    assert svc.view(made["number"], new["secret"])["status"] == "draft"
    with pytest.raises(NotFound):
        svc.view(made["number"], made["secret"])


def test_the_transition_log_is_append_only_and_chained(lite: ApplicationService,
                                                       tmp_path: Path) -> None:
    import sqlite3

    svc = lite
    _submitted(svc)
    con = sqlite3.connect(tmp_path / "ap.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE ap_transitions SET who = 'x'")
    con.close()
    report = svc.verify_chains()["transitions"]
    assert report["ok"] and report["rows"] == 2


def test_submission_runs_the_rule_again_on_the_day(db_url: str) -> None:
    clock = start_clock()
    svc = service(db_url, clock)
    b = body()
    b["applicant"]["id_number"] = make_id(born="20091201")          # 16 on 2025-12-01
    made = svc.create(b)
    assert json.dumps(made["decision"]).count('"met": false') == 0
    assert date(2025, 12, 1) == svc.today()


@pytest.mark.postgres
def test_on_postgresql_the_logs_are_append_only_too(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    svc = service(db_url, start_clock())
    _submitted(svc)
    with pytest.raises(DBAPIError, match="append-only"), svc.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM ap_transitions"))
    assert svc.verify_chains()["transitions"]["ok"]


def test_recovery_codes_cannot_be_guessed_or_asked_for_without_end(
        lite: ApplicationService) -> None:
    from churujing.services.applications.errors import TooManyAttempts

    made = lite.create(body())
    for _ in range(3):
        lite.recover_start(make_id())
    with pytest.raises(TooManyAttempts) as info:
        lite.recover_start(make_id())
    assert info.value.status == 429 and info.value.retry_after > 0
    for code in ("000001", "000002", "000003", "000004", "000005"):
        with pytest.raises(NotFound):
            lite.recover_finish(made["number"], code)
    with pytest.raises(TooManyAttempts):
        lite.recover_finish(made["number"], "000006")


def test_asking_to_pay_twice_gives_the_same_payment(lite: ApplicationService) -> None:
    made = _submitted(lite)
    lite.decide(REVIEWER, made["number"], "approve")
    a = lite.start_payment(made["number"], made["secret"])
    b = lite.start_payment(made["number"], made["secret"])
    assert a["reference"] == b["reference"]


def test_a_running_service_seals_with_keys_rotated_by_another_process(
        tmp_path: Path) -> None:
    """``rotate-keys`` run elsewhere (here: a second ring over the same file): the running
    platform seals new applications with the new active key and still opens the old ones,
    without a restart (issue 12 item 4, through the shared key ring of services/common)."""
    from churujing.services.common.crypto import KeyRing, LiveKeys, save_keyring
    from churujing.services.common.settings import ServiceSettings
    from churujing.text import T

    key_file = tmp_path / "keys.json"
    save_keyring(KeyRing.generate(), key_file)
    settings = ServiceSettings(database_url=f"sqlite:///{tmp_path / 'ap.sqlite3'}",
                               key_file=key_file, data_dir=tmp_path)
    running = ApplicationService.from_settings(settings, clock=start_clock())
    before = running.keys.active_kid
    first = running.create(body())
    elsewhere = LiveKeys(KeyRing.from_json(key_file.read_text()), key_file)
    after = elsewhere.rotate(T("x")).active_kid
    assert after != before
    second = running.create(body(applicant={**body()["applicant"],
                                            "id_number": make_id(seq="124")}))
    assert running.keys.active_kid == after
    assert running.view(first["number"], first["secret"])["status"] == "draft"
    assert running.view(second["number"], second["secret"])["status"] == "draft"
    with running.db.session() as s:
        from sqlalchemy import text
        kids = dict(s.execute(text("SELECT number, kid FROM ap_applications")).all())
    assert kids == {first["number"]: before, second["number"]: after}
