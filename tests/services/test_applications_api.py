"""The HTTP contract of the applications platform (issue 14, item 10), black-box over the
ASGI app: the two findings the issue asks for (a city outside the pilot is refused with the
measure-7 clause; a blank image fails the photo check), then the whole flow, the officers'
log-in shared with the arrival card, 409 for a step not allowed, idempotent creation, 413,
and 503 with Retry-After when the database is down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import photos as P
import pytest
from apps_helpers import body, database, documents, service, start_clock
from fastapi.testclient import TestClient

from churujing.api.application import create_app
from churujing.services.applications import api as apps_api
from churujing.services.applications.deps import app_service
from churujing.services.applications.service import ApplicationService
from churujing.services.applications.settings import ApplicationSettings
from churujing.services.arrival_card import api as ac_api
from churujing.services.arrival_card.service import ArrivalCardService
from churujing.services.arrival_card.settings import Settings as ACSettings
from churujing.services.common.crypto import KeyRing

PASSWORD = "correct horse battery"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'svc.sqlite3'}"
    app = create_app()
    accounts = ArrivalCardService.from_settings(
        ACSettings(database_url=url, key_file=tmp_path / "keys.json"))
    accounts.officers.add_officer("li.reviewer", PASSWORD, "reviewer")
    accounts.officers.add_officer("wang.officer", PASSWORD, "officer")
    ac_api.install(app, accounts)
    apps_api.install(app, service(url, start_clock()))
    with TestClient(app) as c:
        yield c
    accounts.db.dispose()


def token(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/v1/officers/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def created(client: TestClient, **over: Any) -> dict[str, Any]:
    r = client.post("/v1/applications/online-renewal", json=body(**over))
    assert r.status_code == 201, r.text
    return dict(r.json())


def upload(client: TestClient, made: dict[str, Any], kind: str, data: bytes) -> Any:
    return client.put(f"/v1/applications/{made['number']}/documents/{kind}", content=data,
                      headers={"X-Application-Secret": made["secret"],
                               "Content-Type": "image/jpeg"})


# --------------------------------------------------------------------------- the black box


def test_an_application_from_a_city_outside_the_pilot_is_refused_with_m07(
        client: TestClient) -> None:
    b = body()
    b["facts"]["hukou_city"] = "拉萨"
    r = client.post("/v1/applications/online-renewal", json=b)
    assert r.status_code == 422
    out = r.json()
    assert out["clause"] == "M07" and out["measure"] == "online-renewal"
    assert [(c["code"], c["clause"]) for c in out["unmet"]] == [("pilot_city", "M07.1")]


def test_a_blank_image_fails_the_photo_check(client: TestClient) -> None:
    made = created(client)
    r = upload(client, made, "photo", P.jpeg(P.blank()))
    assert r.status_code == 200
    out = r.json()
    assert out["kind"] == "photo" and out["accepted"] is False
    face = next(c for c in out["checks"] if c["code"] == "one_face")
    assert face["passed"] is False and face["zh"] and face["en"]


# --------------------------------------------------------------------------- the flow


def test_the_whole_flow_over_http(client: TestClient) -> None:
    made = created(client)
    assert made["status"] == "draft" and made["secret"]
    n, secret = made["number"], {"X-Application-Secret": made["secret"]}
    r = client.post(f"/v1/applications/{n}/submit", headers=secret)
    assert r.status_code == 422 and r.json()["missing"] == ["photo", "signature", "id_front",
                                                           "id_back"]
    for kind, data in documents().items():
        r = upload(client, made, kind, data)
        assert r.status_code == 200 and r.json()["accepted"], r.json()
    r = client.post(f"/v1/applications/{n}/submit", headers=secret)
    assert r.status_code == 200 and r.json() == {"number": n, "status": "submitted",
                                                  "due": "2025-12-10"}
    # a second submit is a step the workflow does not allow
    r = client.post(f"/v1/applications/{n}/submit", headers=secret)
    assert r.status_code == 409 and "withdraw" in r.json()["allowed"]
    rev = token(client, "li.reviewer")
    off = token(client, "wang.officer")
    assert client.get("/v1/officer/applications").status_code == 401
    q = client.get("/v1/officer/applications", headers=rev).json()["applications"]
    assert [a["number"] for a in q] == [n]
    case = client.get(f"/v1/officer/applications/{n}", headers=rev).json()
    assert case["applicant"]["name"] == "张三"
    assert {d["kind"] for d in case["documents"]} == {"photo", "signature", "id_front",
                                                     "id_back"}
    img = client.get(f"/v1/officer/applications/{n}/documents/photo", headers=rev)
    assert img.status_code == 200 and img.headers["content-type"] == "image/jpeg"
    r = client.post(f"/v1/officer/applications/{n}/decision", headers=off,
                    json={"decision": "approve"})
    assert r.status_code == 403                      # an officer does not decide
    r = client.post(f"/v1/officer/applications/{n}/decision", headers=rev,
                    json={"decision": "approve", "reasons": []})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    pay = client.post(f"/v1/applications/{n}/payment", headers=secret).json()
    assert pay["amount"] == 120 and pay["url"] == f"/v1/payments/local/{pay['reference']}"
    r = client.post(f"/v1/payments/local/{pay['reference']}/pay")
    assert r.status_code == 200 and r.json()["application_status"] == "in_production"
    r = client.post(f"/v1/officer/applications/{n}/dispatch", headers=off,
                    json={"tracking_number": "EA123456789CN"})
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    view = client.get(f"/v1/applications/{n}", headers=secret).json()
    assert view["status"] == "dispatched" and view["tracking_number"] == "EA123456789CN"
    assert [h["to"] for h in view["history"]] == ["draft", "submitted", "approved", "paid",
                                                   "in_production", "dispatched"]


def test_a_forged_callback_is_a_400(client: TestClient) -> None:
    r = client.post("/v1/payments/local/callback", content=b'{"reference":"x"}',
                    headers={"X-Payment-Signature": "sha256=00"})
    assert r.status_code == 400


def test_invalid_fields_are_422_naming_each(client: TestClient) -> None:
    b = body()
    b["applicant"]["id_number"] = "123"
    b["facts"]["age"] = 30
    r = client.post("/v1/applications/online-renewal", json=b)
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["body", "applicant", "id_number"],
                                                      ["body", "facts", "age"]]


def test_creation_is_idempotent(client: TestClient) -> None:
    h = {"Idempotency-Key": "abc-1"}
    a = client.post("/v1/applications/online-renewal", json=body(), headers=h)
    b = client.post("/v1/applications/online-renewal", json=body(), headers=h)
    assert a.status_code == 201 and b.status_code == 200
    assert b.headers["Idempotent-Replayed"] == "true" and a.json()["number"] == b.json()["number"]


def test_an_upload_over_the_limit_is_413(client: TestClient) -> None:
    made = created(client)
    r = upload(client, made, "photo", b"\xff\xd8\xff" + b"0" * (3 * 1024 * 1024))
    assert r.status_code == 413


def test_an_upload_over_the_global_body_limit_but_under_its_own_is_read(
        client: TestClient) -> None:
    """The application's body limit is 256 KiB; a document upload's own limit (2 MiB, a
    setting) replaces it on that route: a 1 MiB upload reaches the service (its checks
    answer), not a 413."""
    made = created(client)
    r = upload(client, made, "photo", b"\xff\xd8\xff" + b"0" * (1024 * 1024))
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "photo"


def test_the_upload_limit_is_read_per_request_and_refuses_before_the_body_is_read(
        client: TestClient) -> None:
    """The route's limit comes from the service's settings when the request comes; a
    declared Content-Length over it is a 413 before one byte of the body is received."""
    import anyio

    made = created(client)
    app: Any = client.app
    app_service(app).settings.upload_max_bytes = 4096
    assert upload(client, made, "photo", b"\xff\xd8\xff" + b"0" * 4000).status_code == 200
    assert upload(client, made, "photo", b"\xff\xd8\xff" + b"0" * 4100).status_code == 413
    received: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        message = {"type": "http.request", "body": b"0" * 5000, "more_body": False}
        received.append(message)
        return message

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    path = f"/v1/applications/{made['number']}/documents/photo"
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "PUT", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
             "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"), (b"content-length", b"5000"),
                         (b"content-type", b"image/jpeg"),
                         (b"x-application-secret", made["secret"].encode())]}
    anyio.run(app, scope, receive, send)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert received == []  # refused on the declared length: nothing was read


def test_the_database_down_is_503_with_retry_after(tmp_path: Path) -> None:
    db = database("postgresql+psycopg://nobody@127.0.0.1:9/none")
    svc = ApplicationService.build(db, KeyRing.generate(),
                                   ApplicationSettings(), clock=start_clock())
    app = create_app()
    apps_api.install(app, svc)
    with TestClient(app) as c:
        r = c.post("/v1/applications/online-renewal", json=body())
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"


def test_the_servers_scheduler_lapses_unpaid_applications(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from apps_helpers import REVIEWER

    monkeypatch.setenv("CHURUJING_APPLICATIONS_TICK_SECONDS", "0.2")
    clock = start_clock()
    svc = service(f"sqlite:///{tmp_path / 'ap.sqlite3'}", clock)
    made = svc.create(body())
    for kind, data in documents().items():
        svc.put_document(made["number"], made["secret"], kind, data)
    svc.submit(made["number"], made["secret"])
    svc.decide(REVIEWER, made["number"], "approve")
    clock.advance(days=8)
    app = create_app()
    apps_api.install(app, svc)
    with TestClient(app):                      # the lifespan starts the scheduler
        deadline = time.monotonic() + 10
        while svc.view(made["number"], made["secret"])["status"] != "lapsed":
            assert time.monotonic() < deadline, "the scheduler did not run"
            time.sleep(0.1)


def test_the_upload_form_takes_documents_over_the_global_body_limit(
        client: TestClient) -> None:
    """The pages' upload form may carry every document at its limit: an ID card photo of
    400 KB (over the application's 256 KiB) is read and checked, not refused with 413."""
    made = created(client)
    client.cookies.set("ap_session", f"{made['number']}:{made['secret']}")
    client.cookies.set("ac_csrf", "t" * 32)
    big = P.padded(documents()["id_front"], 400_000)
    r = client.post(f"/applications/{made['number']}/documents?lang=en",
                    data={"csrf_token": "t" * 32},
                    files={"id_front": ("front.jpg", big, "image/jpeg")})
    assert r.status_code == 200, r.text[:300]
    view = client.get(f"/v1/applications/{made['number']}",
                      headers={"X-Application-Secret": made["secret"]}).json()
    assert [d["size"] for d in view["documents"] if d["kind"] == "id_front"] == [len(big)]


# --------------------------------------------------------------------------- the pages


def _precheck(client: TestClient, lang: str, city: str) -> str:
    import re

    from apps_helpers import make_id

    page = client.get(f"/applications/online-renewal?lang={lang}").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    r = client.post(f"/applications/online-renewal?lang={lang}", data={
        "id_number": make_id(), "hukou_city": city, "document": "passport",
        "application": "renewal", "reason": "pages_full", "holds_previous": "yes",
        "fingerprints": "yes", "step": "precheck", "csrf_token": found.group(1)})
    return r.text


@pytest.mark.parametrize(("lang", "unmet", "authority"), [
    ("en", "not met", "the exit-entry administrations of the public security organs decide"),
    ("zh", "不满足", "以公安机关出入境管理机构的决定为准")])
def test_the_pre_check_marks_each_line_and_names_who_decides(
        client: TestClient, lang: str, unmet: str, authority: str) -> None:
    """Trial C11: a refused pre-check (Lhasa is not a pilot city) shows which line fails,
    with a mark and words for screen readers; passport renewal is decided by the public
    security organs' exit-entry administration (M07), not by border inspection."""
    import re

    html = _precheck(client, lang, "拉萨")
    section = re.search(r'<section id="precheck".*?</section>', html, re.S)
    assert section, html[-2000:]
    lines = re.findall(r'<li class="(met|unmet)"><span class="mark" aria-hidden="true">(.)</span>'
                       r'<span class="sr">([^<]*)</span>', section.group(0))
    assert ("unmet", "✗") in [(k, m) for k, m, _ in lines]
    assert ("met", "✓") in [(k, m) for k, m, _ in lines]
    assert all(unmet in words for k, _, words in lines if k == "unmet")
    footer = re.search(r'<p id="authority">(.*?)</p>', html, re.S)
    assert footer and authority in footer.group(1) and "border" not in footer.group(1)
    form = client.get(f"/applications/online-renewal?lang={lang}").text
    for name in ("id_number", "hukou_city", "document", "name", "phone", "email", "address"):
        assert f'<label for="{name}">' in form  # a label of its own, shown above its input
