"""The trip page: the form first on the home page, the verdict, the deadline as a person
reads it in both languages, the stay areas with their cities, refusals without a deadline,
and no text of the other language on either."""

from __future__ import annotations

import re
from typing import Any

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from churujing.i18n import catalogue

US_TRANSIT = {"go": "1", "nationality": "US", "passport_expiry": "2030-01-01",
              "purpose": "tourism", "onward_ticket": "on",
              "leg0_from": "ICN", "leg0_to": "PVG", "leg0_depart": "2026-12-10 08:00+09:00",
              "leg0_arrive": "2026-12-10 09:30",
              "leg1_from": "PVG", "leg1_to": "LAX", "leg1_depart": "2026-12-15 12:00",
              "leg1_arrive": "2026-12-15 08:00-08:00"}
US_ROUND_TRIP = {**US_TRANSIT, "leg0_from": "LAX"}
ALLOWED_CJK = {"中文", "出入境"}  # the language switch and the brand


def _text(html: str) -> str:
    html = re.sub(r'<select id="f-nationality".*?</select>', "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _page(client: TestClient, params: dict[str, Any], lang: str) -> str:
    r = client.get("/trip", params={**params, "lang": lang})
    assert r.status_code == 200, r.text[:2000]
    return r.text


def test_the_trip_form_is_the_home_page_s_first_block(fresh_client: TestClient) -> None:
    html = fresh_client.get("/?lang=en").text
    assert 'id="trip-form"' in html
    assert html.index('id="trip-form"') < html.index('class="measures"')


def test_the_deadline_reads_with_its_weekday_in_both_languages(client: TestClient) -> None:
    zh, en = _page(client, US_TRANSIT, "zh"), _page(client, US_TRANSIT, "en")
    assert "请于北京时间2026年12月20日星期日23:59前离境" in zh
    assert "Leave by 23:59 on Sunday 20 December 2026, Beijing time" in en
    assert "240-hour visa-free transit" in en and "240小时过境免签" in zh


def test_stay_areas_list_their_cities_in_each_language(client: TestClient) -> None:
    zh, en = _page(client, US_TRANSIT, "zh"), _page(client, US_TRANSIT, "en")
    sichuan_zh = re.search(r'data-province="510000">(.*?)</li>', zh, re.S)
    sichuan_en = re.search(r'data-province="510000">(.*?)</li>', en, re.S)
    assert sichuan_zh and "成都市" in sichuan_zh.group(1) and "全境" not in sichuan_zh.group(1)
    assert sichuan_en and "Chengdu" in sichuan_en.group(1)
    assert "Chengdu" not in _text(zh) and "成都" not in _text(en)


def test_a_refusal_shows_no_deadline_and_no_area_and_says_what_to_do(client: TestClient) -> None:
    for lang, advice in (("zh", "请在出行前向中国驻外使领馆申请签证。"),
                         ("en", "Apply for a visa at a Chinese embassy or consulate")):
        html = _page(client, US_ROUND_TRIP, lang)
        assert 'class="leave-by"' not in html and "stay-areas" not in html
        assert "<figure class=\"area-map\"" not in html and 'id="kit-ics"' not in html
        assert advice in html
        assert 'data-regime="visa-free-transit-240h"' in html  # why 240 hours does not fit


def test_no_text_of_the_other_language_on_either(client: TestClient) -> None:
    english = {v for k, v in catalogue("en").items() if len(v) > 6 and " " in v}
    with open(_TRIP_WEB, "rb") as fh:
        ours = {str(m.string) for m in read_po(fh) if m.id and m.string}
    for params in (US_TRANSIT, US_ROUND_TRIP, {}):
        en = _text(client.get("/trip" if params else "/", params={**params, "lang": "en"}).text)
        leaks = set(re.findall(r"[\u3400-\u9fff]+", en)) - ALLOWED_CJK
        assert not leaks, leaks
        zh = _text(client.get("/trip" if params else "/", params={**params, "lang": "zh"}).text)
        found = [s for s in ours | english if s in zh]
        assert not found, found[:5]


def test_an_invalid_leg_is_shown_at_its_input(client: TestClient) -> None:
    bad = {**US_TRANSIT, "leg1_to": "Xyzzyqq"}
    r = client.get("/trip", params={**bad, "lang": "en"})
    assert r.status_code == 422
    assert 'id="f-leg1_to"' in r.text and 'id="e-leg1_to"' in r.text
    assert "was not recognised" in r.text


_TRIP_WEB = (__import__("pathlib").Path(__file__).parents[2] / "src" / "churujing" / "locale"
             / "en" / "LC_MESSAGES" / "trip_web.po")


def test_the_240_hour_page_lists_the_open_cities_of_a_partly_open_province(
        client: TestClient) -> None:
    facts = {"go": "1", "nationality": "DE", "passport_expiry": "2030-01-01",
             "entry_port": "PVG", "entry_time": "2026-12-10T09:30", "origin": "KR",
             "destination": "US", "departure_time": "2026-12-15T12:00",
             "onward_ticket": "true", "purpose": "tourism"}
    zh = client.get("/measures/visa-free-transit-240h", params={**facts, "lang": "zh"}).text
    en = client.get("/measures/visa-free-transit-240h", params={**facts, "lang": "en"}).text
    assert "四川省（成都市、" in zh
    assert "Sichuan Province (Chengdu City, " in en


DEVELOPER_WORDS = ("ISO 8601", "required fact", "缺少必需的事实", "Invalid input", "输入有误",
                   "true 或 false", "true or false")


def test_errors_are_in_words_for_people_and_the_placeholder_is_a_format_accepted(
        client: TestClient) -> None:
    """Issue 13 / trial C14: no developer language on pages; the placeholder of a time is a
    format the form accepts, and an unreadable time is answered with that format."""
    form = client.get("/trip?lang=en").text
    placeholder = re.search(r'id="f-leg0_depart"[^>]*placeholder="([^"]+)"', form)
    assert placeholder
    ok = client.get("/trip", params={**US_TRANSIT, "leg0_depart": placeholder.group(1),
                                     "lang": "en"})
    assert ok.status_code == 200
    for lang, time_words, fill in (
            ("en", "Enter the date and time as 2025-12-10 14:30", "Fill this in"),
            ("zh", "请按 2025-12-10 14:30 的格式填写日期和时间", "请填写这一项")):
        bad = {**US_TRANSIT, "leg1_depart": "tomorrow", "leg1_to": ""}
        r = client.get("/trip", params={**bad, "lang": lang})
        assert r.status_code == 422
        error = re.search(r'id="e-leg1_depart"[^>]*>(.*?)<', r.text, re.S)
        assert error and time_words in error.group(1)
        error = re.search(r'id="e-leg1_to"[^>]*>(.*?)<', r.text, re.S)
        assert error and fill in error.group(1)
        assert not [w for w in DEVELOPER_WORDS if w in _text(r.text)]
        # the same words on a measure's page (a yes/no question left unanswered)
        m5 = client.get("/measures/direct-transit-24h", params={
            "airport": "SHA", "arrival_time": "2025-11-10T10:00",
            "departure_time": "2025-11-10T20:00", "origin": "US", "destination": "JP",
            "connecting_ticket": "true", "go": "1", "lang": lang})
        assert m5.status_code == 422
        assert not [w for w in DEVELOPER_WORDS if w in _text(m5.text)], _text(m5.text)[-600:]


def test_a_moment_in_a_why_reads_as_people_read_it(client: TestClient) -> None:
    """Trial C14: "must leave by 10:00 on Tuesday 11 November 2025, Beijing time", not an ISO
    instant, on the pages and in the API's text (churujing.moments, the trip's formatter)."""
    facts = {"airport": "PVG", "arrival_time": "2025-11-10T10:00",
             "departure_time": "2025-11-11T20:00", "origin": "US", "destination": "JP",
             "connecting_ticket": "true", "leaves_restricted_area": "false", "go": "1"}
    for lang, words in (("en", "must leave by 10:00 on Tuesday 11 November 2025, Beijing time"),
                        ("zh", "最晚须于北京时间2025年11月11日星期二10:00离境")):
        html = client.get("/measures/direct-transit-24h", params={**facts, "lang": lang}).text
        assert words in html and "2025-11-11T10:00:00" not in html


def test_nationality_lists_hold_nationalities_in_each_language_s_order(
        client: TestClient) -> None:
    """Trial C13 on the trip and measure forms: no Antarctica or Bouvet Island, pinyin
    order in Chinese (巴西 before 不丹 before 东帝汶)."""
    for url in ("/trip", "/measures/visa-free-transit-240h"):
        html = client.get(url, params={"lang": "zh"}).text
        select = re.search(r'<select id="f-nationality".*?</select>', html, re.S)
        assert select, url
        codes = re.findall(r'<option value="([A-Z]{2})"', select.group(0))
        assert "AQ" not in codes and "BV" not in codes and "DE" in codes, url
        names = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)<', select.group(0))
        order = [n for n in names if n.startswith(("巴西", "不丹", "东帝汶"))]
        assert [n[:2] for n in order] == ["巴西", "不丹", "东帝"], (url, order)


def test_the_arrival_card_line_groups_channels_by_when_they_are_used(
        client: TestClient) -> None:
    """Trial C15: the channels to use before travelling (online) are not mixed with those at
    the port (a QR code, a kiosk, the paper card)."""
    for lang, before, port in (("en", "Before you travel, online: ", "At the port: "),
                               ("zh", "来华前网上填报：", "抵达口岸时填报：")):
        html = _page(client, US_TRANSIT, lang)
        line = re.search(r'<p class="card-answer">(.*?)</p>', html, re.S)
        assert line, lang
        text = line.group(1)
        assert before in text and port in text, text
        first, second = text.split(before)[1].split(port)
        assert ("NIA 12367" in first) if lang == "en" else ("12367" in first)
        assert ("kiosk" not in first and "paper" not in first and "self-service" not in first
                and "口岸" not in first and "纸质" not in first), first
        assert ("paper" in second) if lang == "en" else ("纸质" in second), second


def test_english_names_take_their_article_and_the_breadcrumb_no_code(
        client: TestClient) -> None:
    """Trial C16: "Citizens of the United States", "From the United States through China";
    "No visa needed under: A, B" (not "A, B applies"); the breadcrumb names the measure in
    words, not "M06"."""
    text = _text(_page(client, US_TRANSIT, "en"))
    assert "Citizens of the United States" in text and "of United States" not in text
    assert "to the United States" in text
    text = _text(_page(client, US_ROUND_TRIP, "en"))
    assert "From the United States" in text and "The United States is not among" in text
    text = _text(_page(client, {**US_TRANSIT, "nationality": "DE"}, "en"))
    assert "No visa needed under: " in text and " applies" not in text
    page = _text(client.get("/measures/visa-free-transit-240h?lang=en").text)
    assert "The ten measures › Measure 6" in page
    zh = _text(client.get("/measures/visa-free-transit-240h?lang=zh").text)
    assert "十项措施 › 第六项" in zh
