"""The web pages through the ASGI client: language, generated forms, answers, errors,
and the web catalogue's completeness."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from fastapi.testclient import TestClient

from churujing.i18n import catalogue
from churujing.measures import MEASURES, Measure
from churujing.web import add_templates, templates_env

WEB = Path(__file__).parents[2] / "src" / "churujing" / "web"
PAGE_240H = "/measures/visa-free-transit-240h"


def test_language_from_accept_language_then_query_then_cookie(fresh_client: TestClient) -> None:
    r = fresh_client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert '<html lang="en">' in r.text and "Ten exit-entry measures" in r.text
    r = fresh_client.get("/", headers={"Accept-Language": "de"})
    assert '<html lang="zh-CN">' in r.text and "十项出入境便利措施" in r.text
    r = fresh_client.get("/?lang=en")
    assert r.cookies.get("lang") == "en"
    r = fresh_client.get("/", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in r.text  # the cookie set by ?lang= wins over the header
    assert 'href="/?lang=zh"' in r.text  # the switch back


def test_home_lists_the_ten_measures_in_plain_words(client: TestClient) -> None:
    html = client.get("/?lang=zh").text
    assert len(re.findall(r'<li class="card">', html)) == 10
    for mid in MEASURES:
        assert f'href="/measures/{mid}?lang=zh"' in html
    assert "{" not in re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)


def test_the_240h_form_asks_in_the_users_terms(client: TestClient,
                                               trip: dict[str, object]) -> None:
    html = client.get(PAGE_240H + "?lang=en").text
    assert '<select id="f-nationality" name="nationality"' in html
    assert '<optgroup label="Eligible countries">' in html
    assert 'list="f-entry_port-list"' in html and "Shanghai Pudong" in html
    assert 'type="datetime-local" id="f-entry_time"' in html
    assert 'type="date" id="f-passport_expiry"' in html
    assert 'type="radio" id="f-onward_ticket-true" name="onward_ticket" value="true">' in html
    assert '<option value="tourism">Tourism</option>' in html
    assert 'for="f-visit_areas"' in html


def test_the_240h_answer_verdict_deadline_conditions_and_clauses(
    client: TestClient, trip: dict[str, object],
) -> None:
    query = {**{k: str(v) for k, v in trip.items()}, "onward_ticket": "true", "go": "1",
             "lang": "en"}
    r = client.get(PAGE_240H, params=query)
    assert r.status_code == 200
    assert '<h2 id="verdict">You are eligible</h2>' in r.text
    # the trip page's words (trips/words.leave_by): the last minute, with its weekday
    assert ('<strong id="deadline">Leave by 23:59 on Thursday 20 November 2025, Beijing time'
            '</strong>') in r.text
    zh = client.get(PAGE_240H, params={**query, "lang": "zh"}).text
    assert '<strong id="deadline">请于北京时间2025年11月20日星期四23:59前离境</strong>' in zh
    assert r.text.count('<li class="met"') == len(MEASURES["visa-free-transit-240h"]
                                                   .check(trip).conditions)
    assert 'href="/clauses/A1.4?lang=en"' in r.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refusal_shows_no_deadline_and_no_stay_area_and_says_what_to_do_instead(
    client: TestClient, trip: dict[str, object], lang: str,
) -> None:
    """Issue 13: a refusal shows no deadline and no stay area; it says what to do instead:
    the option that would fit (the decision's alternatives, M06.4), or that a visa is
    needed."""
    query = {**{k: str(v) for k, v in trip.items()}, "onward_ticket": "true", "go": "1",
             "lang": lang}
    words = {"en": ("Leave by", "Where you may stay", "What to do",
                    "unilateral visa exemption", "Apply for a visa"),
             "zh": ("请于北京时间", "可停留活动区域", "您该怎么办", "单方面免签", "申请签证")}[lang]
    leave, area, todo, unilateral, visa = words
    # a German tourist flying Japan-China-Japan: no transit, but the 30-day exemption fits
    back = client.get(PAGE_240H, params={**query, "destination": "JP", "origin": "JP"}).text
    assert 'id="verdict"' in back and 'id="deadline"' not in back and leave not in back
    assert area not in back and 'class="stay-areas"' not in back
    section = re.search(r'<div class="instead".*?</div>', back, re.S)
    assert section and todo in section.group(0) and unilateral in section.group(0)
    assert visa not in section.group(0)
    # an Indian citizen: nothing visa-free fits, so a visa is needed
    india = client.get(PAGE_240H, params={**query, "nationality": "IN", "origin": "JP",
                                          "destination": "JP"}).text
    assert 'id="deadline"' not in india and area not in india
    section = re.search(r'<div class="instead".*?</div>', india, re.S)
    assert section and todo in section.group(0) and visa in section.group(0)


def test_errors_are_shown_next_to_their_field_and_the_form_keeps_the_input(
    client: TestClient, trip: dict[str, object],
) -> None:
    query = {**{k: str(v) for k, v in trip.items()}, "go": "1", "lang": "zh",
             "entry_time": "2025-11-31T10:00", "passport_expiry": "2027-06-30"}
    r = client.get(PAGE_240H, params=query)
    assert r.status_code == 422
    field = re.search(r'data-field="entry_time">(.*?)</div>', r.text, re.S)
    assert field and 'class="error" id="f-entry_time-error"' in field.group(1)
    assert 'value="2025-11-31T10:00"' in field.group(1)
    assert 'value="PVG"' in r.text and 'id="answer"' not in r.text


def test_forms_are_generated_from_the_schema(client: TestClient, stand_in: Measure) -> None:
    html = client.get("/measures/stand-in?lang=en").text
    assert '<select id="f-colour" name="colour"' in html
    assert 'type="date" id="f-day"' in html
    assert 'type="number" inputmode="numeric" step="any" id="f-count"' in html
    assert 'value="1"' in html  # the schema's default
    assert 'type="radio" id="f-sure-unsure" name="sure" value="" checked>' in html
    r = client.get("/measures/stand-in", params={"go": "1", "lang": "zh", "colour": "green",
                                                 "day": "2025-11-05", "count": "x"})
    assert r.status_code == 422 and "请输入数字" in r.text
    r = client.get("/measures/stand-in", params={"go": "1", "lang": "zh", "colour": "green",
                                                 "day": "2025-11-05", "tags": "a, b，c"})
    assert "您符合条件" in r.text and "a、b、c" in r.text


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_every_measure_page_renders_and_an_empty_form_names_a_field(
    client: TestClient, measure: str,
) -> None:
    assert client.get(f"/measures/{measure}").status_code == 200
    r = client.get(f"/measures/{measure}", params={"go": "1"})
    assert r.status_code == 422
    assert 'class="error"' in r.text


def test_ports_page_lists_the_ports_and_draws_them(client: TestClient) -> None:
    html = client.get("/ports?as_of=2025-11-06&lang=en").text
    assert re.search(r'id="m06.entry_ports">\s*<h2>[^<]*<span class="count" data-total="65">',
                     html)
    assert html.count('class="port s') > 60 and "<svg" in html
    assert client.get("/ports?as_of=2025-11-04").text.count('data-total="60"') == 1
    bad = client.get("/ports?as_of=yesterday&lang=en")
    assert bad.status_code == 422 and 'id="as_of-error"' in bad.text


def test_clause_pages_and_html_errors(client: TestClient) -> None:
    html = client.get("/clauses/A2?lang=en").text
    assert 'href="/clauses/A2.1?lang=en"' in html and "A2.65" in html
    r = client.get("/clauses/Z9", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "<html" in r.text
    assert client.get("/measures/nope", headers={"Accept": "text/html"}).status_code == 404


def test_other_packages_add_their_templates(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ _("查询") }}{% endblock %}')
    add_templates(tmp_path)
    add_templates(tmp_path)  # idempotent
    html = templates_env.get_template("svc/page.html").render(
        lang="en", other_lang="zh", lang_url=lambda c: "/", data_version="x",
        static=lambda p: p)
    assert "Check" in html and "churujing" in html


def test_every_string_of_the_pages_has_an_english_translation() -> None:
    method_map = [("**.py", "python"), ("**.html", "jinja2")]
    found = {m for _f, _l, m, _c, _x in extract_from_dir(str(WEB), method_map=method_map,
                                                          keywords={"_": None})
             if isinstance(m, str)}
    assert len(found) > 100
    english = catalogue("en")
    missing = sorted(m for m in found if not english.get(m))
    assert not missing, missing[:10]


# ------------------------------------------------------------------ yes/no facts (issue 10)

PAGE_M03 = "/measures/smart-clearance"
PAGE_M07 = "/measures/online-renewal"


def _radios(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" id="f-{name}-\w+" name="{name}"[^>]*>', html)


def test_optional_yes_no_facts_offer_not_sure_and_nothing_is_answered_in_advance(
    client: TestClient,
) -> None:
    html = client.get(PAGE_M03 + "?lang=en").text
    for name in ("full_legal_capacity", "lives_on_own_labour_income", "guardian_present"):
        radios = _radios(html, name)
        assert [re.findall(r'value="(\w*)"', r) for r in radios] == [
            ["true"], ["false"], [""]], name
        assert [("checked" in r) for r in radios] == [False, False, True], name
    assert "Not sure" in html
    # a required fact: yes and no, neither chosen, no "not sure"
    consent = _radios(html, "biometric_consent")
    assert len(consent) == 2 and not any("checked" in r for r in consent)
    assert "checked" not in "".join(_radios(html, "endorsement.multiple"))
    assert 'type="checkbox"' not in html


def test_not_sure_on_the_web_means_the_fact_is_left_out_as_in_the_api(
    client: TestClient,
) -> None:
    """A Suzhou passport renewal: the optional facts left "not sure" are not sent as false."""
    facts = {"hukou_city": "苏州", "age": "30", "document": "passport",
             "application": "renewal", "date": "2025-11-21"}
    query = {**facts, "state_functionary": "false", "active_military": "false",
             "holds_previous_document": "", "fingerprints_on_file": "", "go": "1", "lang": "en"}
    r = client.get(PAGE_M07, params=query)
    assert r.status_code == 200 and '<h2 id="verdict">You are eligible</h2>' in r.text
    api = client.post("/v1/measures/online-renewal/check",
                      json={**facts, "age": 30, "state_functionary": False,
                            "active_military": False}).json()
    assert api["eligible"] is True
    # only a chosen "no" is sent as false (and refuses, as in the API)
    no = client.get(PAGE_M07, params={**query, "holds_previous_document": "false"})
    assert "You are not eligible" in no.text
    # a required yes/no fact left unanswered is named as missing, not taken as "no"
    missing = client.get(PAGE_M07, params={k: v for k, v in query.items()
                                           if k != "state_functionary"})
    assert missing.status_code == 422
    assert re.search(r'data-field="state_functionary"[^>]*>.*?class="error"', missing.text,
                     re.S)


def test_a_15_year_old_on_the_web_is_told_a_guardian_must_accompany_them(
    client: TestClient,
) -> None:
    query = {"port": "皇岗", "date": "2025-11-10", "age": "15", "traveller": "mainland",
             "document": "eep_hk_macau", "endorsement.type": "business",
             "endorsement.multiple": "true", "biometric_consent": "true", "go": "1",
             "lang": "en"}
    html = client.get(PAGE_M03, params=query).text
    assert "You are eligible" in html
    assert "must be accompanied by a legal guardian" in html
    assert "limited capacity for civil conduct (Civil Code art. 19)" in html
    # the answer keeps the user's choices
    assert 'id="f-guardian_present-unsure" name="guardian_present" value="" checked' in html
    alone = client.get(PAGE_M03, params={**query, "guardian_present": "false"}).text
    assert "You are not eligible" in alone
    assert 'id="f-guardian_present-false" name="guardian_present" value="false" checked' in alone
