"""The HTTP API and pages through the ASGI client, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ac_helpers import free_port
from fastapi import FastAPI
from fastapi.testclient import TestClient

from churujing.services.arrival_card.api import install, router
from churujing.services.arrival_card.db import Database
from churujing.services.arrival_card.pages import web_router
from churujing.services.arrival_card.service import ArrivalCardService
from churujing.services.arrival_card.settings import Settings

Card = Callable[..., dict[str, Any]]
PASSWORD = "correct horse battery staple"


def _app(service: ArrivalCardService | None = None) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.include_router(web_router)
    if service is not None:
        install(app, service)
    return app


@pytest.fixture
def client(service: ArrivalCardService) -> Iterator[TestClient]:
    with TestClient(_app(service)) as c:
        yield c


def _bearer(client: TestClient, service: ArrivalCardService, role: str = "officer",
            name: str = "alice") -> dict[str, str]:
    service.officers.add_officer(name, PASSWORD, role)
    r = client.post("/v1/officers/token", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == role
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_file_view_amend_cancel(client: TestClient, card: Card) -> None:
    r = client.post("/v1/arrival-cards", json=card())
    assert r.status_code == 201
    body = r.json()
    n, secret = body["number"], body["secret"]
    assert body["qr_svg"] == f"/v1/arrival-cards/{n}/qr.svg"
    h = {"X-Filing-Secret": secret}
    assert client.get(f"/v1/arrival-cards/{n}", headers=h).json()["card"]["nationality"] == "DE"
    assert client.get(f"/v1/arrival-cards/{n}").status_code == 422  # no secret header
    assert client.get(f"/v1/arrival-cards/{n}", headers={"X-Filing-Secret": "x"}
                      ).status_code == 404
    a = client.patch(f"/v1/arrival-cards/{n}", headers=h, json={"transport_number": "CA932"})
    assert a.status_code == 200 and a.json()["version"] == 2 and a.json()["secret"] is None
    svg = client.get(f"/v1/arrival-cards/{n}/qr.svg", headers=h)
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text
    png = client.get(f"/v1/arrival-cards/{n}/qr.png", headers=h)
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    c = client.post(f"/v1/arrival-cards/{n}/cancel", headers=h)
    assert c.status_code == 200 and c.json()["status"] == "cancelled"
    assert client.delete(f"/v1/arrival-cards/{n}", headers=h).status_code == 409


def test_idempotency_key_returns_the_first_receipt(client: TestClient, card: Card) -> None:
    h = {"Idempotency-Key": "3f1c"}
    first = client.post("/v1/arrival-cards", json=card(), headers=h)
    again = client.post("/v1/arrival-cards", json=card(), headers=h)
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    other = client.post("/v1/arrival-cards", json=card(given_names="X"), headers=h)
    assert other.status_code == 409


def test_422_names_every_field_path(client: TestClient, card: Card) -> None:
    r = client.post("/v1/arrival-cards", json=card(family_name="Иванов", phone="12"))
    assert r.status_code == 422
    locs = [tuple(e["loc"]) for e in r.json()["detail"]]
    assert ("body", "family_name") in locs and ("body", "phone") in locs
    r = client.post("/v1/arrival-cards", json=card(arrival_date="2025-11-01"))
    assert r.status_code == 422
    d = r.json()["detail"][0]
    assert d["loc"] == ["body", "arrival_date"] and d["zh"] and d["en"]
    g = client.post("/v1/arrival-cards/groups", json={"travellers": [card(), card(email="x")]})
    assert g.status_code == 422
    assert g.json()["detail"][0]["loc"][:4] == ["body", "travellers", 1, "email"]


def test_group_filing(client: TestClient, card: Card) -> None:
    r = client.post("/v1/arrival-cards/groups",
                    json={"travellers": [card(), card(given_names="Ben",
                                                      passport_number="C01X00T48")]})
    assert r.status_code == 201
    body = r.json()
    assert len(body["receipts"]) == 2 and body["group_id"]


def test_exempt_traveller_is_told_with_the_clause(client: TestClient, card: Card) -> None:
    r = client.post("/v1/arrival-cards", json=card(entry_mode="crew"))
    assert r.status_code == 201
    assert r.json()["required"] is False and r.json()["exemption"]["clause"] == "M10.3.7"
    p = client.post("/v1/arrival-cards/precheck", json=card(entry_mode="crew"))
    assert p.json()["decision"]["details"]["required"] is False


def test_officer_lookup_needs_auth_and_the_right_role(client: TestClient,
                                                      service: ArrivalCardService,
                                                      card: Card) -> None:
    r = client.post("/v1/arrival-cards", json=card()).json()
    q = {"nationality": "DE", "passport": "C01X00T47"}
    unauth = client.post("/v1/arrival-cards/lookup", json=q)
    assert unauth.status_code == 401 and unauth.headers["WWW-Authenticate"] == "Bearer"
    bad = client.post("/v1/arrival-cards/lookup", json=q,
                      headers={"Authorization": "Bearer aco_nope"})
    assert bad.status_code == 401
    assert client.post("/v1/officers/token", data={"username": "x", "password": "y"}
                       ).status_code == 401
    op = _bearer(client, service, "operator", "olga")
    assert client.post("/v1/arrival-cards/lookup", json=q, headers=op).status_code == 403
    officer = _bearer(client, service)
    found = client.post("/v1/arrival-cards/lookup", json=q, headers=officer).json()
    assert found["count"] == 1 and found["filings"][0]["number"] == r["number"]
    in_url = client.get("/v1/arrival-cards/lookup", params=q, headers=officer)
    assert in_url.status_code == 422  # a passport number is never taken from a URL
    assert client.get("/v1/arrival-cards/lookup", params={"number": r["number"]},
                      headers=officer).json()["count"] == 1
    by_token = client.post("/v1/arrival-cards/lookup", json={"token": r["token"]},
                           headers=officer).json()
    assert by_token["filings"][0]["token_claims"]["n"] == r["number"]
    forged = client.post("/v1/arrival-cards/lookup", json={"token": r["token"][:-4] + "AAAA"},
                         headers=officer)
    assert forged.status_code == 400
    assert client.post("/v1/arrival-cards/lookup", json={}, headers=officer).status_code == 422
    audit = client.get("/v1/arrival-cards/audit", headers=op).json()["entries"]
    assert {"lookup_passport", "lookup_token"} <= {e["action"] for e in audit}
    assert client.get("/v1/arrival-cards/audit", headers=officer).status_code == 403


def test_verify_and_public_keys(client: TestClient, card: Card, clock: Any) -> None:
    from churujing.services.arrival_card.tokens import verify_token

    token = client.post("/v1/arrival-cards", json=card()).json()["token"]
    keys = client.get("/v1/arrival-cards/keys").json()
    # offline, with the public keys (and the device's clock: tokens expire)
    assert verify_token(token, keys["keys"], now=clock())["nat"] == "DE"
    assert client.post("/v1/arrival-cards/verify", json={"token": token}).json()["valid"]
    bad = client.post("/v1/arrival-cards/verify", json={"token": token.replace(".", ".x", 1)})
    assert bad.status_code == 400


def test_openapi_documents_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/v1/arrival-cards", "/v1/arrival-cards/groups", "/v1/arrival-cards/{number}",
              "/v1/arrival-cards/{number}/qr.svg", "/v1/arrival-cards/verify",
              "/v1/arrival-cards/lookup", "/v1/officers/token"):
        assert p in paths, p
    assert "Idempotency-Key" in str(paths["/v1/arrival-cards"]["post"]["parameters"])


def _csrf(client: TestClient) -> str:
    """The browser's CSRF token: set with the first page shown."""
    client.get("/officer/login")
    return str(client.cookies["ac_csrf"])


def test_pages_in_both_languages(client: TestClient, card: Card) -> None:
    zh = client.get("/arrival-card?lang=zh")
    en = client.get("/arrival-card?lang=en")
    assert zh.status_code == en.status_code == 200
    assert "入境口岸" in zh.text and "Port of entry" in en.text
    form = {k: str(v) for k, v in card().items()} | {"declaration": "on",
                                                      "idempotency_key": "web-1",
                                                      "csrf_token": _csrf(client)}
    r = client.post("/arrival-card?lang=en", data=form)
    assert r.status_code == 201 and 'id="filing-number"' in r.text and "<svg" in r.text
    again = client.post("/arrival-card?lang=en", data=form)  # a double submit
    assert again.status_code == 201 and 'id="filing-secret"' in again.text
    bad = client.post("/arrival-card?lang=en", data=form | {"phone": "12",
                                                          "idempotency_key": "web-2"})
    assert bad.status_code == 422 and 'id="e-phone"' in bad.text
    assert client.get("/officer/lookup", follow_redirects=False).status_code == 303


# --------------------------------------------------------------------------- unavailable


def _dead_url() -> str:
    return f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"


def test_503_when_the_database_is_unavailable(card: Card, clock: Any) -> None:
    from churujing.services.common.crypto import KeyRing

    dead = ArrivalCardService(Database(_dead_url()), KeyRing.generate(), Settings(),
                              clock=clock)
    with TestClient(_app(dead)) as c:
        r = c.post("/v1/arrival-cards", json=card())
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        assert "unavailable" in r.json()["en"]
        page = c.post("/arrival-card", data={k: str(v) for k, v in card().items()}
                      | {"declaration": "on", "csrf_token": _csrf(c)})
        assert page.status_code == 503


def test_503_when_the_service_cannot_start(card: Card, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHURUJING_DATABASE_URL", _dead_url())
    monkeypatch.setenv("CHURUJING_KEY_FILE", str(tmp_path / "keys.json"))
    with TestClient(_app()) as c:
        assert c.post("/v1/arrival-cards", json=card()).status_code == 503
        assert c.get("/arrival-card").status_code == 503


def test_the_project_app_mounts_the_service(service: ArrivalCardService) -> None:
    api = pytest.importorskip("churujing.api", reason="the HTTP app is not installed")
    app = api.create_app()
    install(app, service)
    with TestClient(app) as c:
        assert "/v1/arrival-cards" in c.get("/openapi.json").json()["paths"]
        assert c.get("/v1/arrival-cards/keys").status_code == 200
        page = c.get("/arrival-card?lang=en")
        assert page.status_code == 200 and "Port of entry" in page.text


def _options(html: str, select: str) -> list[tuple[str, str]]:
    import re

    found = re.search(rf'<select id="f-{select}".*?</select>', html, re.S)
    assert found, select
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', found.group(0))


def test_the_nationality_list_holds_nationalities_sorted_as_each_language_reads(
        client: TestClient) -> None:
    """Trial C13: no Antarctica, Bouvet Island, Heard Island... (churujing.choices, each
    left out with its reason); Chinese lists by pinyin (巴西 ba1 before 不丹 bu4 before 东帝汶
    dong1; ports: 三亚 san1 before 万州 wan4), English ones alphabetically."""
    from pypinyin import Style, lazy_pinyin

    from churujing.choices import NOT_NATIONALITIES

    zh = client.get("/arrival-card?lang=zh").text
    en = client.get("/arrival-card?lang=en").text
    for html in (zh, en):
        codes = {v for v, _ in _options(html, "nationality")}
        assert not codes & {"AQ", "BV", "HM", "TF", "UM"} and not codes & set(NOT_NATIONALITIES)
        assert {"DE", "US", "JP", "IN"} <= codes
    names = [label for _, label in _options(zh, "nationality")]
    pos = {n.split("（")[0].split(" (")[0]: i for i, n in enumerate(names)}
    assert pos["巴西"] < pos["不丹"] < pos["东帝汶"]
    assert names == sorted(names, key=lambda n: lazy_pinyin(n, style=Style.TONE3))
    english = [label for _, label in _options(en, "nationality")]
    def folded(name: str) -> str:  # Côte d’Ivoire with the Co's, before Croatia
        import unicodedata

        return "".join(c for c in unicodedata.normalize("NFKD", name)
                       if not unicodedata.combining(c)).casefold()

    assert english == sorted(english, key=folded)
    assert english.index("Côte d’Ivoire (CI)") < english.index("Croatia (HR)")
    ports = [label for _, label in _options(zh, "arrival_port")]
    air = [p for p in ports if p.startswith(("三亚", "万州"))]
    assert air and air[0].startswith("三亚"), air
