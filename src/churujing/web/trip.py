"""The trip page: one question (who, why, the legs), every entry's answer in a person's words.

Thin like the other pages: the form becomes a trip (the API's JSON), the trip goes to
:func:`churujing.trips.check_trip`, and the answer is shown: the verdict, the deadline with
its weekday, the map of the allowed area, the stay areas with their cities, the conditions
with their clauses; a refusal shows no deadline and no area, and says what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from churujing import places
from churujing.choices import NOT_NATIONALITIES, sort_key
from churujing.decision import Lang, Text
from churujing.errors import FactsError
from churujing.http import request_lang
from churujing.i18n import T, translate
from churujing.trips import EntryAnswer, TripAnswer, check_trip, deadline_of
from churujing.trips.facts import PURPOSES
from churujing.trips.regimes import D30, DIRECT, MUTUAL, T240, TRANSIT, VISA
from churujing.trips.words import REGIME_TITLES, leave_by, verdict, weekday_date
from churujing.web import render
from churujing.web.forms import people_words
from churujing.web.kit import calendar_response, kit_response
from churujing.web.labels import _

__all__ = ["LEG_ROWS", "TripForm", "router", "trip_form"]

router = APIRouter(include_in_schema=False)

LEG_ROWS = 4
SUBMIT = "go"

PURPOSE_LABELS = {
    "tourism": _("旅游"), "business": _("商务"), "visit": _("交流访问"), "family": _("探亲访友"),
    "transit": _("过境"), "work": _("工作"), "study": _("学习"), "journalism": _("新闻采访"),
    "other": _("其他"),
}


@dataclass
class TripForm:
    """What the form shows: the values typed, the choices, the errors by input name."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    countries: list[tuple[str, str]] = field(default_factory=list)
    purposes: list[tuple[str, str]] = field(default_factory=list)
    rows: int = LEG_ROWS


def _countries(lang: Lang) -> list[tuple[str, str]]:
    out = [(c.code, c.zh if lang == "zh" else c.en) for c in places.countries()
           if c.code != "CN" and c.code not in NOT_NATIONALITIES]
    return sorted(out, key=lambda c: sort_key(c[1], lang))


def trip_form(lang: Lang, values: dict[str, str] | None = None,
              errors: dict[str, str] | None = None) -> TripForm:
    """The form, with its choices in ``lang``."""
    return TripForm(values=dict(values or {}), errors=dict(errors or {}),
                    countries=_countries(lang),
                    purposes=[(p, translate(PURPOSE_LABELS[p], lang)) for p in PURPOSES])


def _names(raw: str) -> list[str]:
    for sep in ("、", "，", ";", "；"):
        raw = raw.replace(sep, ",")
    return [x.strip() for x in raw.split(",") if x.strip()]


def trip_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The trip, as the API takes it, from the form's inputs (empty leg rows skipped)."""
    trip: dict[str, Any] = {
        "nationality": form.get("nationality", "").strip() or None,
        "passport_expiry": form.get("passport_expiry", "").strip() or None,
        "purpose": form.get("purpose", "tourism") or "tourism",
        "onward_ticket": form.get("onward_ticket") == "on",
        "stays_airside": form.get("stays_airside") == "on",
        "legs": [],
    }
    areas = _names(form.get("visit_areas", ""))
    if areas:
        trip["visit_areas"] = areas
    for n in range(LEG_ROWS):
        leg = {k: form.get(f"leg{n}_{k}", "").strip() for k in ("from", "to", "depart",
                                                               "arrive")}
        if any(leg.values()):
            trip["legs"].append({k: (v or None) for k, v in leg.items()})
    return {k: v for k, v in trip.items() if v is not None}


def _input_of(error_field: str, rows: list[int]) -> str:
    """The form input that holds the fact ``legs.1.to`` (its row among the filled ones)."""
    parts = error_field.split(".")
    if parts[0] == "legs" and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        row = rows[index] if index < len(rows) else 0
        return f"leg{row}_{parts[2]}" if len(parts) >= 3 else f"leg{row}_from"
    if parts[0] == "legs":
        return "leg0_from"
    return parts[0]


def _filled_rows(form: dict[str, str]) -> list[int]:
    return [n for n in range(LEG_ROWS)
            if any(form.get(f"leg{n}_{k}", "").strip() for k in ("from", "to", "depart",
                                                                 "arrive"))]


def _pick(text: Text | dict[str, str], lang: Lang) -> str:
    return text.get(lang) if isinstance(text, Text) else str(text[lang])


def _areas(answer: EntryAnswer, lang: Lang) -> dict[str, Any]:
    """The allowed area in words: the provinces with their open cities, the whole mainland,
    or the port's restricted area."""
    best = answer.best
    kind = best.allowed_areas.get("kind")
    if kind == "m06_stay_areas":
        provinces = []
        for a in best.allowed_areas.get("areas", []):
            name = _pick(a["name"], lang)
            cities = [] if a["whole_province"] else [x[lang] for x in a["areas"]]
            provinces.append({"code": a["province"], "name": name, "cities": cities,
                              "whole": a["whole_province"]})
        return {"kind": kind, "provinces": provinces}
    if kind == "mainland":
        text = translate(_("中国内地各地（前往西藏等地另需办理许可）"), lang)
        return {"kind": kind, "text": text}
    if kind == "port_restricted_area":
        return {"kind": kind, "text": T("仅限{port}的口岸限定区域", port=answer.entry.port.text
                                        ).get(lang)}
    return {"kind": "none"}


def _card(answer: EntryAnswer, lang: Lang) -> str:
    d = answer.arrival_card.details
    exemption = d.get("exemption")
    if exemption:
        return T("免于填报外国人入境卡：{why}（{clause}）",
                 why=Text(exemption["zh"], exemption["en"]), clause=exemption["clause"]
                 ).get(lang)
    if not d.get("required"):
        return translate(_("无须填报外国人入境卡。"), lang)
    channels = d.get("channels", [])
    before = [c for c in channels if c.get("stage") == "before_travel" and c.get("online")]
    at_port = [c for c in channels if c.get("stage") != "before_travel"]
    if not before:
        return translate(_("须填写纸质外国人入境卡。"), lang)
    parts = [translate(_("须填报外国人入境卡。"), lang),
             T("来华前网上填报：{channels}", channels=_channel_list(before)).get(lang)]
    if at_port:
        parts.append(T("抵达口岸时填报：{channels}", channels=_channel_list(at_port)).get(lang))
    return (" " if lang == "en" else "").join(parts)


def _channel_list(channels: list[dict[str, Any]]) -> Text:
    """Channels in a sentence: "…、…。" / "…, … or …." (a gerund not capitalised mid-list)."""
    def en(name: str, first: bool) -> str:
        word = name.split(" ", 1)[0]
        return name if first or not word.endswith("ing") else name[:1].lower() + name[1:]

    zh = "、".join(str(c["zh"]) for c in channels) + "。"
    names = [en(str(c["en"]), n == 0) for n, c in enumerate(channels)]
    english = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return Text(zh, english + ".")


def _instead(answer: EntryAnswer, lang: Lang) -> list[dict[str, Any]]:
    """For a refusal: each visa-free regime and what keeps it from fitting."""
    out = []
    for o in answer.options:
        if o.regime == VISA:
            continue
        out.append({"regime": o.regime, "title": REGIME_TITLES[o.regime].get(lang),
                    "reasons": [{"text": c.text.get(lang), "clause": c.clause}
                                for c in o.unmet]})
    return out


def entry_view(answer: EntryAnswer, n: int, total: int, lang: Lang,
               map_svg: str = "") -> dict[str, Any]:
    e = answer.entry
    deadline = deadline_of(answer)
    best = answer.best
    refused = deadline is None
    heading = T("第{n}次入境：{port}，{day}", n=n + 1, port=e.port.text,
                day=weekday_date(e.arrive)) if total > 1 else T(
        "入境：{port}，{day}", port=e.port.text, day=weekday_date(e.arrive))
    return {
        "heading": heading.get(lang),
        "verdict": verdict(answer).get(lang),
        "refused": refused,
        "regime": best.regime,
        "title": REGIME_TITLES[best.regime].get(lang),
        "deadline": leave_by(deadline).get(lang) if deadline else None,
        "deadline_iso": deadline.isoformat() if deadline else None,
        "map": "" if refused else map_svg,
        "legend": _legend(lang),
        "areas": None if refused else _areas(answer, lang),
        "conditions": [{"met": c.met, "clause": c.clause, "text": c.text.get(lang),
                        "code": c.code} for c in best.conditions],
        "instead": _instead(answer, lang) if refused and best.eligible else [],
        "visa": refused and best.eligible,
        "options": [{"regime": o.regime, "title": REGIME_TITLES[o.regime].get(lang),
                     "eligible": o.eligible, "why": o.why.get(lang)}
                    for o in answer.options],
        "card": _card(answer, lang),
        "route": T("从{origin}来，往{destination}去", origin=e.origin.text,
                   destination=e.destination.text if e.destination else Text("—", "—")
                   ).get(lang),
    }


def _legend(lang: Lang) -> str:
    from churujing.trips.maps import LEGEND

    return LEGEND[lang]


def _map_of(answer: EntryAnswer, lang: Lang) -> str:
    from churujing.trips.maps import area_svg

    return "" if deadline_of(answer) is None else area_svg(answer, lang)


def answer_view(answer: TripAnswer, lang: Lang) -> dict[str, Any]:
    total = len(answer.entries)
    return {
        "entries": [entry_view(a, n, total, lang, _map_of(a, lang))
                    for n, a in enumerate(answer.entries)],
        "warnings": [w.get(lang) for w in answer.warnings],
        "data_version": answer.data_version,
    }


REGIMES_SHOWN = (DIRECT, TRANSIT, T240, D30, MUTUAL)


def _answer_of(request: Request) -> TripAnswer | None:
    form = dict(request.query_params)
    raw = form.get("as_of", "").strip()
    try:
        as_of = date.fromisoformat(raw) if raw else None
        return check_trip(trip_from_form(form), as_of)
    except (FactsError, ValueError):
        return None


@router.get("/trip/kit.pdf")
def trip_kit(request: Request) -> Response:
    """The boarding kit of the trip the query describes (the trip page's link)."""
    answer = _answer_of(request)
    if answer is None:
        return RedirectResponse(f"/trip?{request.url.query}", status_code=303)
    return kit_response(answer, str(request.base_url))


@router.get("/trip/leave-by.ics")
def trip_calendar(request: Request) -> Response:
    """The leave-by deadline of the trip the query describes, as an iCalendar event."""
    answer = _answer_of(request)
    if answer is None:
        return RedirectResponse(f"/trip?{request.url.query}", status_code=303)
    return calendar_response(answer)


@router.get("/trip", response_class=HTMLResponse)
def trip_page(request: Request) -> HTMLResponse:
    lang = request_lang(request)
    form = {k: v for k, v in request.query_params.items()}
    errors: dict[str, str] = {}
    form_error = ""
    view = None
    as_of: date | None = None
    if SUBMIT in form:
        raw = form.get("as_of", "").strip()
        if raw:
            try:
                as_of = date.fromisoformat(raw)
            except ValueError:
                errors["as_of"] = translate(_("请输入有效日期，格式为 YYYY-MM-DD"), lang)
        rows = _filled_rows(form)
        if not rows:
            errors["leg0_from"] = translate(_("请至少填写一段行程"), lang)
        if not errors:
            try:
                view = answer_view(check_trip(trip_from_form(form), as_of), lang)
            except FactsError as exc:
                for e in exc.invalid_fields:
                    errors.setdefault(_input_of(e.field, rows),
                                      people_words(e, lang) or e.message_in(lang))
    query = {k: v for k, v in form.items() if k != "lang"}
    return render(request, "trip.html", {
        "form": trip_form(lang, form, errors), "view": view, "submit": SUBMIT,
        "form_error": form_error, "kit_query": urlencode(query),
        "regimes": [(r, REGIME_TITLES[r].get(lang)) for r in REGIMES_SHOWN],
    }, status_code=422 if errors else 200)
