"""Every error of the API is in the asker's language (trial B4): pydantic's error types,
produced by real bad inputs across the measures' and the trip's facts, a model with
pydantic's other constraints, and the API's own parameters and bodies, say no English
in Chinese."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, Literal

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from churujing.errors import FactsError
from churujing.examples import EXAMPLES
from churujing.facts import FactsModel, error_text, parse_facts
from churujing.measures import MEASURES
from churujing.trips import TripFacts

# Bad values of every JSON kind: each field of each schema gets each of them.
BAD: list[Any] = [None, {}, [], "", "x" * 300, "not-a-date", -1, 10**6, 1.5, True,
                  "2025-13-45", ["x"] * 200, "2025-11-10T25:00", {"a": 1}, 1e308,
                  "2025-11-10T10:00:00", 2**70]
TRIP = {"nationality": "DE", "passport_expiry": "2029-06-30",
        "legs": [{"from": "FRA", "to": "PVG", "depart": "2025-12-09T20:00:00+01:00",
                  "arrive": "2025-12-10T14:30:00"},
                 {"from": "PVG", "to": "NRT", "depart": "2025-12-18T10:00:00",
                  "arrive": "2025-12-18T14:00:00+09:00"}]}

# Words a Chinese message may carry: formats, codes, names of fields, values quoted.
_ALLOWED = re.compile(r"'[^']*'|“[^”]*”|\"[^\"]*\"|YYYY-MM-DD|HH:MM|ISO 8601|JSON|UTF-8|UUID|"
                      r"Unicode|ASCII|true|false|null|[a-z]+(?:_[a-z0-9]+)+|"
                      r"(?<![A-Za-z])[A-Z]{2,3}(?![A-Za-z])")


def english_in(zh: str, fields: set[str]) -> list[str]:
    """The English words left in a Chinese message."""
    rest = _ALLOWED.sub(" ", zh)
    return [w for w in re.findall(r"[A-Za-z]{2,}", rest) if w not in fields]


def _errors(model: type[FactsModel], data: dict[str, Any]) -> list[tuple[str, str, str]]:
    try:
        parse_facts(model, data)
    except FactsError as exc:
        return [(e.field, e.message_in("zh"), e.message_in("en")) for e in exc.invalid_fields]
    return []


def _pydantic_types(model: type[FactsModel], data: dict[str, Any]) -> set[str]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return {str(e["type"]) for e in exc.errors()}
    return set()


def _cases() -> list[tuple[str, type[FactsModel], dict[str, Any]]]:
    out: list[tuple[str, type[FactsModel], dict[str, Any]]] = []
    models = [(mid, MEASURES[mid].facts, facts) for mid, _t, facts in EXAMPLES]
    models.append(("trip", TripFacts, TRIP))
    for name, model, base in models:
        for key in model.model_json_schema().get("properties", {}):
            out.append((f"{name}.{key}", model, {k: v for k, v in base.items() if k != key}))
            out.extend((f"{name}.{key}", model, {**base, key: bad}) for bad in BAD)
    for key in ("from", "to", "depart", "arrive"):
        for bad in BAD:
            legs = json.loads(json.dumps(TRIP["legs"]))
            legs[1][key] = bad
            out.append((f"trip.legs.{key}", TripFacts, {**TRIP, "legs": legs}))
    return out


CASES = _cases()


def test_the_bad_inputs_produce_pydantics_error_types_generally() -> None:
    found: set[str] = set()
    for _name, model, data in CASES:
        found |= _pydantic_types(model, data)
    want = {"missing", "too_short", "literal_error", "bool_parsing", "int_parsing",
            "int_from_float", "int_parsing_size", "greater_than_equal", "less_than_equal",
            "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type",
            "list_type", "model_type", "name_type", "bool_type", "int_type", "value_error",
            "unknown_place", "legs_order"}
    assert want <= found, sorted(want - found)


def test_no_english_in_any_chinese_error_of_the_facts() -> None:
    english: dict[str, tuple[str, str]] = {}
    for name, model, data in CASES:
        fields = set(model.model_fields) | {"origin_airport", "destination_airport"}
        for field, zh, en in _errors(model, data):
            if english_in(zh, fields):
                english.setdefault(zh, (name, field))
            assert en and not re.search("[\u4e00-\u9fff]", en), (name, zh, en)
    assert not english, english


class _Constraints(BaseModel):
    """Pydantic's other constraints, each on a field: the errors a schema may produce."""

    model_config = ConfigDict(extra="forbid", strict=False)

    code: str = Field(default="AB", pattern=r"^[A-Z]{2}$")
    name: str = Field(default="ab", min_length=2, max_length=4)
    count: int = Field(default=1, gt=0, lt=10, multiple_of=1)
    ratio: float = Field(default=0.5, allow_inf_nan=False)
    when: date = date(2025, 1, 1)
    kind: Literal["a", "b"] = "a"
    items: Annotated[list[int], Field(max_length=2)] = []
    nested: dict[str, int] = {}


@pytest.mark.parametrize("bad", [
    {"code": "abc"}, {"name": "a"}, {"name": "abcdef"}, {"count": 0}, {"count": 10},
    {"ratio": "inf"}, {"ratio": "x"}, {"when": "2025-02-30"}, {"kind": "c"},
    {"items": [1, 2, 3]}, {"items": "x"}, {"nested": []}, {"unexpected": 1},
    {"count": "x"}, {"nested": {"a": "x"}},
])
def test_pydantics_other_constraints_say_no_english_in_chinese(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        _Constraints.model_validate(bad)
    for err in info.value.errors():
        text = error_text(err)
        assert not english_in(text.zh, set(_Constraints.model_fields)), (err["type"], text.zh)
        assert text.en, err


@pytest.fixture(scope="module")
def zh_client() -> Any:
    from churujing.api import Settings, create_app

    with TestClient(create_app(Settings(check_many_limit=5))) as c:
        yield c


ZH = {"Accept-Language": "zh"}
FIELDS = {f for m in MEASURES.values() for f in m.facts.model_fields} | set(TripFacts.model_fields)


@pytest.mark.parametrize(("method", "url", "body"), [
    ("POST", "/v1/trips/check", {"nationality": "DE", "legs": []}),
    ("POST", "/v1/trips/check", {"nationality": "DE", "legs": [{"from": 1}], "purpose": 3}),
    ("POST", "/v1/trips/check?as_of=2025-13-01", TRIP),
    ("POST", "/v1/trips/check?areas=some", TRIP),
    ("POST", "/v1/measures/visa-free-transit-240h/check", {"nationality": []}),
    ("POST", "/v1/measures/visa-free-transit-240h/check", [1, 2]),
    ("POST", "/v1/measures/visa-free-transit-240h/check?detail=most", {}),
    ("POST", "/v1/measures/visa-free-transit-240h/check-many", {"a": 1}),
    ("POST", "/v1/measures/online-renewal/check", {"age": 1.5, "reason": "bored"}),
    ("GET", "/v1/stay-areas?as_of=tomorrow", None),
])
def test_every_422_of_the_api_is_chinese_on_zh(zh_client: TestClient, method: str, url: str,
                                               body: Any) -> None:
    r = zh_client.request(method, url, json=body, headers=ZH)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail
    for d in detail:
        assert not english_in(d["msg"], FIELDS), d
    en = zh_client.request(method, url, json=body, headers={"Accept-Language": "en"})
    assert all(not re.search("[\u4e00-\u9fff]", d["msg"]) for d in en.json()["detail"])


def test_a_body_that_is_not_json_is_chinese_on_zh(zh_client: TestClient) -> None:
    r = zh_client.post("/v1/trips/check", content=b"{not json", headers=ZH)
    assert r.status_code == 422
    assert not english_in(r.json()["detail"][0]["msg"], set()), r.json()


def test_the_trial_case_says_the_legs_must_not_be_empty(zh_client: TestClient) -> None:
    r = zh_client.post("/v1/trips/check", json={"nationality": "DE", "legs": []}, headers=ZH)
    (d,) = r.json()["detail"]
    assert d["loc"] == ["body", "legs"] and d["msg"] == "不能为空"


def test_an_empty_check_many_is_a_422_in_the_askers_language(zh_client: TestClient) -> None:
    url = "/v1/measures/visa-free-transit-240h/check-many"
    zh = zh_client.post(url, json=[], headers=ZH)
    assert zh.status_code == 422
    assert zh.json()["detail"][0]["msg"] == "不能为空"
    en = zh_client.post(url, json=[], headers={"Accept-Language": "en"})
    assert en.json()["detail"][0]["msg"].startswith("no input")
