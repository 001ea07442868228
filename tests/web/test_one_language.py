"""Every page and form in one language (issue 13, item 2): each HTML route the app serves is
rendered in Chinese and in English, with its forms empty, answered (eligible and refused)
and wrong, and its visible text holds no word of the other language and no internal code.

The routes are read from the app itself: a page route with no case below fails
``test_every_page_route_is_rendered`` by name, so a new page is covered or the test says so.

Visible text is what a person sees or hears: text nodes outside ``script``, ``style`` and
``template``, and the attributes a browser shows or reads aloud (``title``,
``placeholder``, ``alt``, ``aria-label``, an optgroup's ``label``, a button input's
``value``). Other attribute values (ids, names, values sent by a form) are not text.

What may stay, and why (each entry is argued; nothing else passes):

* on an English page, Chinese script only as
  - what is marked with ``lang="zh-CN"`` on purpose: the language switch (``中文``: a
    language is offered in its own name, so that its reader finds it) and, on a clause's
    page, the announcement's own words beside their translation (the Chinese is the
    authentic text); no other element may be marked so;
  - ``出入境``, the brand ("出入境 · churujing"), a name, the same on every page;
  - a place's Chinese name in brackets right after its English name, where a page lists
    candidates to choose between (an ambiguous name): signs, tickets and addresses in China
    show the Chinese name, which is how a traveller tells 苏州 from 宿州. Only names of the
    places registry pass (divisions and ports), never a gloss;
* on a Chinese page, Latin script only as
  - the same two marked elements in English (the switch, a clause's translation), and
    ``churujing``, the brand (as above);
  - codes that are the data: capitals and digits (IATA ``PVG``, ISO ``DE`` / ``DEU``,
    flight ``LH728``, ``QR``, ``PDF``, ``API``, ``EMS``, ``YYYY-MM-DD``), clause IDs
    (``M06.1``, ``A2.11``), URLs, e-mail addresses, and a ``<code>`` element holding one
    word of letters and digits to copy (a receipt's token, an application's secret, the data
    version);
  - a unit written as Chinese readers write it: ``km``;
  - what the person typed, shown back as typed (a name, a place written in English): the
    inputs of the case are taken out before the page is read;
* on neither: snake_case words (``policy_in_force``, ``pages_full``) or an enumerated value
  shown alone as it is sent (``tourism``, ``general``).
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.responses import HTMLResponse  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from churujing.measures import MEASURES  # noqa: E402
from churujing.places import countries, divisions  # noqa: E402
from churujing.policy import load_policy  # noqa: E402
from churujing.views import ports  # noqa: E402

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"
sys.path.insert(0, str(HERE.parent / "services"))  # the services' own test helpers

PASSWORD = "correct horse battery staple"

# --------------------------------------------------------------------------- visible text

_SHOWN_ATTRS = frozenset({"title", "placeholder", "alt", "aria-label"})
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        if tag == "code":
            self._code += 1
        got = dict(attrs)
        for name, value in attrs:
            if value and (name in _SHOWN_ATTRS or (tag == "optgroup" and name == "label")):
                self.texts.append(value)
        if tag == "input" and got.get("type") in ("submit", "button") and got.get("value"):
            self.texts.append(str(got["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS and self._hidden:
            self._hidden -= 1
        if tag == "code" and self._code:
            self._code -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            text = " ".join(data.split())
            # a <code> holds data to copy (a receipt's token, a secret, the data version)
            self.texts.append(_CODE_MARK + text if self._code else text)


# Elements deliberately in the other language, marked with their ``lang``: the language
# switch (a language offered in its own name) and, on a clause's page, the announcement's
# words beside their translation (the Chinese is the authentic text).
_MARKED = re.compile(r'<(a|section)\b[^>]*\b(?:id="lang-switch"|class="law-version")[^>]*'
                     r'\blang="(zh-CN|en)"[^>]*>.*?</\1>', re.S)


def visible_texts(html: str, lang: str = "") -> list[str]:
    """The visible text of a page; in ``lang``, what is marked as the other language's is
    left out (``_MARKED``)."""
    page = "zh-CN" if lang == "zh" else lang
    if page:
        html = _MARKED.sub(lambda m: "" if m.group(2) != page else m.group(0), html)
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.texts


# Chinese punctuation outside Chinese words, on an English page ("Date of entry：")
_FULL_WIDTH = re.compile(r"[：；，。、（）【】]")
_CODE_MARK = "\x00"  # marks a text read from a <code> element
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_URL = re.compile(r"(?:https?://|/)[\w./?=&%#:-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’.-][A-Za-z0-9]+)*")
_CODE = re.compile(r"[A-Z0-9]+(?:[-.][A-Z0-9]+)*")  # PVG, DEU, LH728, YYYY-MM-DD
_CLAUSE = re.compile(r"[AM]\d+(?:\.\d+)*")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ALLOWED_CJK = frozenset({"出入境"})
ALLOWED_LATIN = frozenset({"churujing", "km"})


@dataclass(frozen=True)
class Page:
    """One rendered page: how it was asked for and what the person typed into it."""

    name: str
    lang: str
    status: int
    html: str
    typed: tuple[str, ...] = ()


@cache
def _place_names() -> dict[str, frozenset[str]]:
    """A place's Chinese name -> its English names (countries, divisions, ports)."""
    names: dict[str, set[str]] = {}
    for c in countries():
        names.setdefault(c.zh, set()).add(c.en)
    for d in divisions(counties=True):
        for zh in (d.zh, d.short_zh):
            if zh:
                names.setdefault(zh, set()).update(n for n in (d.en, d.short_en) if n)
    for p in ports(load_policy(), date.today()):
        names.setdefault(p.zh, set()).add(p.en)
    return {k: frozenset(v) for k, v in names.items()}


# "Suzhou, Anhui (宿州市)", "Germany (德国)": a place's English name, then its Chinese one
_PAIR = re.compile(r"([A-Z][\w'’.–-]*(?:[ ,]+[A-Za-z][\w'’.–-]*)*) ?[(（]([\u3400-\u9fff]+)[)）]")


def _without_name_pairs(text: str) -> str:
    """``text`` without the pairs of a place's English and Chinese names, where a page
    offers places to choose between (candidates of an ambiguous name, suggestions for one
    it did not recognise): the person picks by the name they typed, and signs, tickets and
    addresses in China show the Chinese one."""
    names = _place_names()

    def drop(m: re.Match[str]) -> str:
        english = names.get(m.group(2), frozenset())
        return " " if any(m.group(1).startswith(e) or e.startswith(m.group(1))
                          for e in english) else m.group(0)
    return _PAIR.sub(drop, text)


def _enum_values() -> frozenset[str]:
    """Every enumerated value a form sends (the measures' facts, the trip's purposes)."""
    from churujing.trips.facts import PURPOSES

    out: set[str] = set(PURPOSES)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for v in node.get("enum", ()):
                if isinstance(v, str):
                    out.add(v)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for m in MEASURES.values():
        walk(m.schema())
    return frozenset(v for v in out if v.islower())


def _without_typed(text: str, typed: tuple[str, ...]) -> str:
    for value in sorted(typed, key=len, reverse=True):
        if value and len(value) > 1:
            text = text.replace(value, " ")
    return text


def leaks(page: Page) -> list[str]:
    """The pieces of visible text in the other language, or internal codes."""
    found: list[str] = []
    version = load_policy().version
    enums = _enum_values()
    for raw in visible_texts(page.html, page.lang):
        in_code = raw.startswith(_CODE_MARK)
        raw = raw.lstrip(_CODE_MARK)
        text = _without_typed(_without_name_pairs(raw), page.typed).replace(version, " ")
        if in_code and re.fullmatch(r"[\w.=+/-]+", raw) and not _SNAKE.search(raw):
            continue  # a code to copy: a token, a secret, the data version
        if text.strip() in enums:
            found.append(f"an enumerated value as text: {raw!r}")
        for word in _SNAKE.findall(_URL.sub(" ", text)):
            found.append(f"a code {word!r} in {raw!r}")
        if page.lang == "en":
            for run in _CJK.findall(text):
                if run not in ALLOWED_CJK:
                    found.append(f"Chinese {run!r} in {raw!r}")
            for mark in _FULL_WIDTH.findall(_CJK.sub(" ", text)):
                found.append(f"Chinese punctuation {mark!r} in {raw!r}")
        else:
            words = [w for w in _LATIN.findall(_URL.sub(" ", text))
                     if not (w in ALLOWED_LATIN or _CODE.fullmatch(w) or _CLAUSE.fullmatch(w))]
            if words:
                found.append(f"English {' '.join(words)!r} in {raw!r}")
    return found


# --------------------------------------------------------------------------- the app


@dataclass
class World:
    """The app with both services on a fresh database, and what the cases need."""

    client: TestClient
    card: dict[str, Any] = field(default_factory=dict)
    application: dict[str, Any] = field(default_factory=dict)
    payment: str = ""


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form has no CSRF token"
    return found.group(1)


def _post_form(client: TestClient, form_url: str, url: str, data: dict[str, str],
               ) -> Any:
    token = _csrf(client.get(form_url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def _arrival(days: int = 3) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


CARD = {"family_name": "Müller", "given_names": "Anna Maria", "sex": "F",
        "date_of_birth": "1990-04-01", "nationality": "DE", "passport_number": "C01X00T47",
        "passport_expiry": "2035-01-01", "arrival_port": "pvg", "transport_number": "LH728",
        "address_in_china": "上海市静安区南京西路1号", "phone": "+49 30 901820",
        "email": "anna@example.de", "purpose": "business", "intended_stay_days": "10",
        "declaration": "on"}
# What the cases type: a traveller's and an applicant's names and addresses, officers'
# user names.
TYPED = ("Müller", "Anna Maria", "Anna", "anna@example.de", "+49 30 901820",
         "上海市静安区南京西路1号", "张三", "苏州", "江苏省苏州市姑苏区人民路100号",
         "zhang@example.com", "li.reviewer", "wang.officer", "alice", "Germany")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from apps_helpers import body, documents, service

    from churujing.api import create_app
    from churujing.services.applications import api as apps_api
    from churujing.services.arrival_card import api as ac_api
    from churujing.services.arrival_card.service import ArrivalCardService
    from churujing.services.arrival_card.settings import Settings as ACSettings

    folder = tmp_path_factory.mktemp("one-language")
    url = f"sqlite:///{folder / 'svc.sqlite3'}"
    app = create_app()
    accounts = ArrivalCardService.from_settings(
        ACSettings(database_url=url, key_file=folder / "keys.json"))
    accounts.officers.add_officer("alice", PASSWORD, "officer")
    accounts.officers.add_officer("li.reviewer", PASSWORD, "reviewer")
    ac_api.install(app, accounts)

    class Now:
        def __call__(self) -> Any:
            from datetime import UTC, datetime

            return datetime.now(UTC)

    apps_api.install(app, service(url, Now()))  # type: ignore[arg-type]
    with TestClient(app) as client:
        w = World(client)
        r = client.post("/v1/arrival-cards", json={
            **{k: v for k, v in CARD.items() if k not in ("declaration", "intended_stay_days")},
            "arrival_port": "PVG", "arrival_date": _arrival(), "intended_stay_days": 10,
            "declaration": True})
        assert r.status_code == 201, r.text
        w.card = r.json()
        r = client.post("/v1/applications/online-renewal", json=body())
        assert r.status_code == 201, r.text
        w.application = made = r.json()
        secret = {"X-Application-Secret": made["secret"]}
        for kind, data in documents().items():
            r = client.put(f"/v1/applications/{made['number']}/documents/{kind}",
                           content=data, headers={**secret, "Content-Type": "image/jpeg"})
            assert r.status_code == 200 and r.json()["accepted"], r.text
        assert client.post(f"/v1/applications/{made['number']}/submit",
                           headers=secret).status_code == 200
        token = client.post("/v1/officers/token", data={"username": "li.reviewer",
                                                         "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        n = made["number"]
        assert client.post(f"/v1/officer/applications/{n}/claim",
                           headers=bearer).status_code == 200
        r = client.post(f"/v1/officer/applications/{n}/decision", headers=bearer,
                        json={"decision": "approve"})
        assert r.status_code == 200, r.text
        r = client.post(f"/v1/applications/{n}/payment", headers=secret)
        assert r.status_code == 200, r.text
        w.payment = str(r.json()["reference"])
        yield w
    accounts.db.dispose()


# --------------------------------------------------------------------------- the cases

Ask = Callable[[World, str], Any]  # (world, lang) -> the response


@dataclass(frozen=True)
class Case:
    route: tuple[str, str]  # (method, path template) as the app declares it
    name: str
    ask: Ask
    typed: tuple[str, ...] = ()


def _get(path: str, params: dict[str, str] | None = None) -> Ask:
    def ask(w: World, lang: str) -> Any:
        w.client.cookies.set("lang", lang)
        return w.client.get(path, params={**(params or {}), "lang": lang})
    return ask


def _form_values(facts: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """A measure's facts as its form sends them (a nested fact as ``parent.child``)."""
    out: dict[str, str] = {}
    for key, value in facts.items():
        if isinstance(value, dict):
            out.update(_form_values(value, prefix + key + "."))
        elif isinstance(value, bool):
            out[prefix + key] = "true" if value else "false"
        elif isinstance(value, list):
            out[prefix + key] = ", ".join(str(v) for v in value)
        elif value is not None:
            out[prefix + key] = str(value)
    return out


def _typed(values: dict[str, str]) -> tuple[str, ...]:
    """What a person typed (free text), as opposed to a choice's value or a date."""
    out = []
    for value in values.values():
        for part in re.split(r",\s*", value):
            if (re.search(r"[A-Za-z\u3400-\u9fff]", part) and part not in _enum_values()
                    and part not in ("true", "false")):
                out.append(part)
    return tuple(out)


def _measure_cases() -> list[Case]:
    """Each measure's page: empty, then answered with the scenarios' first eligible, first
    refused, first invalid and first warned case of that measure. (Every scenario case,
    758 pages, takes over a minute here; these 50 cover each kind of answer.)"""
    route = ("GET", "/measures/{measure_id}")
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        mid = doc["measure"]
        out.append(Case(route, f"{mid}: the empty form", _get(f"/measures/{mid}")))
        picked: dict[str, dict[str, Any]] = {}
        for case in doc["cases"]:
            expect = case["expect"]
            kind = ("invalid" if "error" in expect else
                    "eligible" if expect["eligible"] else "refused")
            picked.setdefault(kind, case)
            if expect.get("warnings"):  # a warning: a name not recognised, a fact ignored
                picked.setdefault("warned", case)
        for kind, case in sorted(picked.items()):
            values = {"go": "1", **_form_values(case["facts"])}
            if case.get("as_of"):
                values["as_of"] = str(case["as_of"])
            out.append(Case(route, f"{mid}: {kind}: {case['name']}",
                            _get(f"/measures/{mid}", values), _typed(values)))
    return out


US_TRANSIT = {"go": "1", "nationality": "US", "passport_expiry": "2030-01-01",
              "purpose": "tourism", "onward_ticket": "on",
              "leg0_from": "ICN", "leg0_to": "PVG", "leg0_depart": "2026-12-10 08:00+09:00",
              "leg0_arrive": "2026-12-10 09:30",
              "leg1_from": "PVG", "leg1_to": "LAX", "leg1_depart": "2026-12-15 12:00",
              "leg1_arrive": "2026-12-15 08:00-08:00"}


def _post_card(w: World, lang: str, **changes: str) -> Any:
    w.client.cookies.set("lang", lang)
    return _post_form(w.client, f"/arrival-card?lang={lang}", f"/arrival-card?lang={lang}",
                      {**CARD, "arrival_date": _arrival(4), **changes})


def _manage(w: World, lang: str) -> Any:
    w.client.cookies.set("lang", lang)
    return _post_form(w.client, f"/arrival-card/manage?lang={lang}",
                      f"/arrival-card/manage?lang={lang}",
                      {"number": w.card["number"], "secret": w.card["secret"]})


def _amend(w: World, lang: str) -> Any:
    _manage(w, lang)
    return _post_form(w.client, f"/arrival-card/manage?lang={lang}",
                      f"/arrival-card/amend?lang={lang}",
                      {"number": w.card["number"], "secret": w.card["secret"],
                       "transport_number": "CA932", "action": "save"})


def _cancel_asked(w: World, lang: str) -> Any:
    """The question before a card is cancelled (not confirmed: the card stays)."""
    w.client.cookies.set("lang", lang)
    return _post_form(w.client, f"/arrival-card/manage?lang={lang}",
                      f"/arrival-card/cancel?lang={lang}",
                      {"number": w.card["number"], "secret": w.card["secret"]})


def _officer(w: World, lang: str, username: str = "alice") -> None:
    w.client.cookies.set("lang", lang)
    r = _post_form(w.client, f"/officer/login?lang={lang}", f"/officer/login?lang={lang}",
                   {"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text[:500]


def _login_refused(w: World, lang: str) -> Any:
    w.client.cookies.set("lang", lang)
    return _post_form(w.client, f"/officer/login?lang={lang}", f"/officer/login?lang={lang}",
                      {"username": "nobody", "password": "wrong password"})


def _lookup_page(w: World, lang: str) -> Any:
    _officer(w, lang)
    return w.client.get(f"/officer/lookup?lang={lang}")


def _lookup(w: World, lang: str) -> Any:
    _officer(w, lang)
    return _post_form(w.client, f"/officer/lookup?lang={lang}", f"/officer/lookup?lang={lang}",
                      {"number": w.card["number"]})


def _apply(w: World, lang: str, **changes: str) -> Any:
    from apps_helpers import make_id

    w.client.cookies.set("lang", lang)
    form = {"id_number": make_id(), "hukou_city": "苏州", "document": "passport",
            "application": "renewal", "reason": "pages_full", "name": "张三",
            "phone": "13800138000", "email": "zhang@example.com", "delivery": "collect",
            **changes}
    return _post_form(w.client, f"/applications/online-renewal?lang={lang}",
                      f"/applications/online-renewal?lang={lang}", form)


def _case(w: World, lang: str) -> Any:
    w.client.cookies.set("lang", lang)
    w.client.cookies.set("ap_session", f"{w.application['number']}:{w.application['secret']}")
    return w.client.get(f"/applications/{w.application['number']}?lang={lang}")


def _track(w: World, lang: str) -> Any:
    w.client.cookies.set("lang", lang)
    return _post_form(w.client, f"/applications/track?lang={lang}",
                      f"/applications/track?lang={lang}",
                      {"number": w.application["number"], "secret": w.application["secret"]})


def _withdraw_refused(w: World, lang: str) -> Any:
    _case(w, lang)  # the session cookie; an approved application cannot be submitted again
    return _post_form(w.client, f"/applications/{w.application['number']}?lang={lang}",
                      f"/applications/{w.application['number']}/submit?lang={lang}", {})


def _upload_refused(w: World, lang: str) -> Any:
    _case(w, lang)
    token = _csrf(w.client.get(f"/applications/{w.application['number']}?lang={lang}").text)
    return w.client.post(f"/applications/{w.application['number']}/documents?lang={lang}",
                         data={"csrf_token": token})


def _queue(w: World, lang: str) -> Any:
    _officer(w, lang, "li.reviewer")
    return w.client.get(f"/officer/applications?lang={lang}")


def _review(w: World, lang: str) -> Any:
    _officer(w, lang, "li.reviewer")
    return w.client.get(f"/officer/applications/{w.application['number']}?lang={lang}")


def _officer_step_refused(w: World, lang: str) -> Any:
    _officer(w, lang, "li.reviewer")
    n = w.application["number"]
    return _post_form(w.client, f"/officer/login?lang={lang}",
                      f"/officer/applications/{n}/claim?lang={lang}", {})


def _pay_page(w: World, lang: str) -> Any:
    w.client.cookies.set("lang", lang)
    return w.client.get(f"/payments/local/{w.payment}?lang={lang}")


def _pay_unknown(w: World, lang: str) -> Any:
    w.client.cookies.set("lang", lang)
    return _post_form(w.client, f"/payments/local/{w.payment}?lang={lang}",
                      f"/payments/local/NOSUCHREFERENCE?lang={lang}", {})


def _cases() -> list[Case]:
    top = [c.id for c in __import__("churujing.law", fromlist=["clauses"]).clauses()]
    return [
        Case(("GET", "/"), "the home page", _get("/")),
        Case(("GET", "/ports"), "ports and stay areas", _get("/ports")),
        Case(("GET", "/ports"), "ports on an unreadable date", _get("/ports", {"as_of": "x"})),
        *[Case(("GET", "/clauses/{clause_id}"), f"clause {c}", _get(f"/clauses/{c}"))
          for c in top],
        Case(("GET", "/trip"), "the trip form", _get("/trip")),
        Case(("GET", "/trip"), "a 240-hour transit", _get("/trip", US_TRANSIT), ("ICN",)),
        Case(("GET", "/trip"), "a refusal", _get("/trip", {**US_TRANSIT, "leg0_from": "LAX"})),
        Case(("GET", "/trip"), "a leg that names no place",
             _get("/trip", {**US_TRANSIT, "leg1_to": "Xyzzyqq"}), ("Xyzzyqq",)),
        Case(("GET", "/trip"), "a trip with no legs", _get("/trip", {"go": "1"})),
        *_measure_cases(),
        Case(("GET", "/arrival-card"), "the arrival card form", _get("/arrival-card")),
        Case(("POST", "/arrival-card"), "a card filed", _post_card, TYPED),
        Case(("POST", "/arrival-card"), "a card with errors",
             lambda w, lang: _post_card(w, lang, passport_expiry="2020-01-01", email="x"),
             TYPED),
        Case(("GET", "/arrival-card/manage"), "the manage form", _get("/arrival-card/manage")),
        Case(("POST", "/arrival-card/manage"), "a card opened", _manage, TYPED),
        Case(("POST", "/arrival-card/amend"), "a card amended", _amend, TYPED),
        Case(("POST", "/arrival-card/cancel"), "cancelling a card: the question",
             _cancel_asked, TYPED),
        Case(("GET", "/officer/login"), "the officers' log-in", _get("/officer/login")),
        Case(("POST", "/officer/login"), "a log-in refused", _login_refused, ("nobody",)),
        Case(("GET", "/officer/lookup"), "the officers' look-up", _lookup_page, TYPED),
        Case(("POST", "/officer/lookup"), "a card looked up", _lookup, TYPED),
        Case(("GET", "/applications/online-renewal"), "the application form",
             _get("/applications/online-renewal")),
        Case(("POST", "/applications/online-renewal"), "an application made", _apply, TYPED),
        Case(("POST", "/applications/online-renewal"), "a pre-check",
             lambda w, lang: _apply(w, lang, step="precheck"), TYPED),
        Case(("POST", "/applications/online-renewal"), "a pre-check with a fee not confirmed",
             lambda w, lang: _apply(w, lang, step="precheck", document="eep_taiwan"), TYPED),
        Case(("POST", "/applications/online-renewal"), "an application refused",
             lambda w, lang: _apply(w, lang, hukou_city="拉萨"), TYPED),
        Case(("GET", "/applications/track"), "the tracking form", _get("/applications/track")),
        Case(("POST", "/applications/track"), "an application tracked", _track, TYPED),
        Case(("GET", "/applications/{number}"), "the applicant's page", _case, TYPED),
        Case(("POST", "/applications/{number}/documents"), "an upload with no file",
             _upload_refused, TYPED),
        Case(("POST", "/applications/{number}/{action}"), "a step not allowed",
             _withdraw_refused, TYPED),
        Case(("GET", "/payments/local/{reference}"), "the payment page", _pay_page, TYPED),
        Case(("POST", "/payments/local/{reference}"), "paying an unknown payment",
             _pay_unknown, TYPED),
        Case(("GET", "/officer/applications"), "the reviewers' queue", _queue, TYPED),
        Case(("GET", "/officer/applications/{number}"), "a case under review", _review,
             TYPED),
        Case(("POST", "/officer/applications/{number}/{action}"), "an officer's step refused",
             _officer_step_refused, TYPED),
    ]


CASES = _cases()


def _page_routes(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route that answers with an HTML page, included routers'
    routes with their prefixes."""
    out: set[tuple[str, str]] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is not None:  # FastAPI's included router
                walk(inner.routes, prefix + (r.include_context.prefix or ""))
                continue
            kind = getattr(r, "response_class", None)
            kind = getattr(kind, "value", kind)  # a DefaultPlaceholder
            if isinstance(kind, type) and issubclass(kind, HTMLResponse):
                for method in getattr(r, "methods", ()) or ():
                    if method != "HEAD":
                        out.add((method, prefix + r.path))

    walk(app.routes, "")
    return out


def test_every_page_route_is_rendered(world: World) -> None:
    served = _page_routes(world.client.app)
    assert len(served) > 20, served  # the walk found the pages
    covered = {c.route for c in CASES}
    missing = sorted(served - covered)
    assert not missing, f"page routes with no case in tests/web/test_one_language.py: {missing}"
    stale = sorted(covered - served)
    assert not stale, f"cases for routes the app does not serve: {stale}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_page_is_in_one_language(world: World, case: Case, lang: str) -> None:
    r = case.ask(world, lang)
    assert r.status_code < 500, r.text[:2000]
    assert "text/html" in r.headers.get("content-type", ""), r.headers
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}"' in r.text
    page = Page(case.name, lang, r.status_code, r.text, case.typed)
    found = leaks(page)
    assert not found, "\n".join(found)


# --------------------------------------------------------------------------- the test's teeth


@pytest.mark.parametrize(("lang", "html", "expected"), [
    ("en", "<p>Holds a talent certificate (人才证明)</p>", "人才证明"),
    ("en", '<input placeholder="例如：广州">', "广州"),
    ("zh", "<p>Works In Park</p>", "Works"),
    ("zh", '<span title="validity years">3</span>', "validity"),
    ("zh", "<dd>general</dd>", "general"),
    ("en", "<li>policy_in_force</li>", "policy_in_force"),
    ("en", "<p>Suzhou (苏州市的)</p>", "苏州市的"),
    ("en", "<p>Hangzhou (苏州市)</p>", "苏州市"),  # a Chinese name beside another's English
    ("zh", "<p>您是否指：Germany (德国)、Grmany？</p>", "Grmany"),
    ("en", '<p lang="zh-CN">中文</p>', "中文"),
    ("en", "<p>Date of entry：2026-12-04</p>", "："),  # marked, but not an element allowed to be
])
def test_the_scan_finds_a_leak(lang: str, html: str, expected: str) -> None:
    found = leaks(Page("made up", lang, 200, f"<html><body>{html}</body></html>"))
    assert any(expected in f for f in found), found


@pytest.mark.parametrize(("lang", "html"), [
    ("en", '<p>Suzhou, Jiangsu (苏州市)</p><a class="lang" id="lang-switch" lang="zh-CN">中文</a>'),
    ("zh", "<p>您是否指：Germany (德国)、Guernsey (根西岛)？</p>"),
    ("zh", "<p>上海浦东国际机场口岸 PVG，依据 M06.1，见 https://www.nia.gov.cn/</p>"),
    ("en", "<script>var x = '中文字';</script><p>Leave by 23:59</p>"),
    ("zh", '<input name="passport_expiry" value="tourism"><p>护照</p>'),
])
def test_the_scan_passes_what_is_allowed(lang: str, html: str) -> None:
    assert leaks(Page("made up", lang, 200, f"<html><body>{html}</body></html>")) == []


def test_the_countries_are_named_in_the_page_language() -> None:
    """The drop-downs' country names: CLDR's, in each language (no other script)."""
    for c in countries():
        assert not _CJK.search(c.en), c


def _form_fields(lang: str) -> list[tuple[str, Any, str]]:
    """(measure, field, schema description) of every input of every measure's form."""
    from churujing.web import forms

    out = []
    for m in MEASURES.values():
        schema = m.schema()

        def walk(fields: list[Any], props: dict[str, Any], mid: str = m.id,
                 schema: dict[str, Any] = schema) -> None:
            for f in fields:
                raw = props.get(f.name.split(".")[-1], {})
                if f.widget == "fieldset":
                    ref = raw.get("$ref", "") or next(
                        (o.get("$ref", "") for o in raw.get("anyOf", ()) if "$ref" in o), "")
                    sub = schema.get("$defs", {}).get(ref.split("/")[-1], {})
                    walk(f.children, sub.get("properties", {}))
                else:
                    out.append((mid, f, str(raw.get("description", ""))))

        walk(forms.fields_from_schema(schema, lang, values=m.value_labels(), measure_id=m.id),
             schema.get("properties", {}))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_of_every_form_has_a_label_and_a_hint_for_people(lang: str) -> None:
    """Labels from ``labels.FACTS``, hints from ``labels.HINTS`` / ``MEASURE_HINTS`` in the
    page's language; never the schema's description (written for programmers)."""
    fields = _form_fields(lang)
    assert len(fields) > 60, len(fields)
    for mid, f, description in fields:
        where = f"{mid}: {f.name}"
        assert f.hint, f"{where} has no hint"
        assert f.hint.strip(". ") != description.strip(". "), where
        assert not _SNAKE.search(f.hint) and not _SNAKE.search(f.label), where
        if lang == "en":
            assert not _CJK.search(f.hint + f.label), f"{where}: {f.hint!r}"
            assert f.label[:1].isupper(), f"{where}: {f.label!r}"
        else:
            assert _CJK.search(f.hint) and _CJK.search(f.label), f"{where}: {f.hint!r}"
    measures = {mid for mid, _f, _d in fields}
    assert measures == set(MEASURES), measures


def test_the_trip_form_has_a_hint_under_every_field() -> None:
    from churujing.web import templates_env

    loader = templates_env.loader
    assert loader is not None
    source = loader.get_source(templates_env, "_trip_form.html")[0]
    for name in ("nationality", "passport_expiry", "purpose", "legs", "onward_ticket",
                 "stays_airside", "visit_areas", "as_of"):
        assert f'id="h-{name}"' in source, name
