"""The pages: home, one page per measure (a form, then the answer), ports and areas, clauses.

Thin like the API: forms are generated from the facts' JSON Schema (``web.forms``),
facts go to ``Measure.check``, the decision is shown as it comes back; the data shown
comes from the library's views (:mod:`churujing.views`), as the API's does. Nothing here
imports ``churujing.api``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from churujing import views
from churujing.choices import NOT_NATIONALITIES, sort_key
from churujing.decision import Decision, Lang
from churujing.errors import FactsError
from churujing.http import request_lang, today
from churujing.law import children, clause, clauses
from churujing.measures import MEASURES, Measure
from churujing.moments import leave_by
from churujing.places import countries
from churujing.policy import Policy, load_policy
from churujing.text import Text, translate
from churujing.views import ENTRY_PORTS, PORTS, division_index, port_tables, ports, stay_areas
from churujing.web import forms, render
from churujing.web.labels import (
    DETAIL_VALUES,
    DETAILS,
    FACTS,
    FOOTER_NOTES,
    HIDDEN_DETAILS,
    KINDS,
    REFUSAL_HIDDEN_DETAILS,
    SUMMARIES,
    _,
)
from churujing.web.trip import router as trip_router
from churujing.web.trip import trip_form

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(trip_router)  # the trip page (web/trip.py)

SUBMIT = "go"  # the hidden input that marks a submitted form


def _day(request: Request) -> tuple[date, str]:
    """The as-of date of a page (``?as_of=``, default today) and an error if unreadable."""
    raw = request.query_params.get("as_of", "").strip()
    if raw:
        try:
            return date.fromisoformat(raw), ""
        except ValueError:
            return today(), translate(_("请输入有效日期，格式为 YYYY-MM-DD"), request_lang(request))
    return today(), ""


def _count(policy: Policy, table: str, day: date) -> int | str:
    n = views.table_size(policy, table, day)
    return n if n is not None else "—"


def _param(policy: Policy, name: str, day: date) -> Any:
    value = views.parameter(policy, name, day)
    return value if value is not None else "—"


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    lang = request_lang(request)
    policy, day = load_policy(), today()
    numbers = {
        "M05": {"hours": _param(policy, "m05.max_hours", day)},
        "M06": {"countries": _count(policy, "m06.nationalities", day),
                "ports": _count(policy, ENTRY_PORTS, day),
                "hours": _param(policy, "m06.stay_hours", day)},
        "M09": {"ports": _count(policy, "m09.ports", day)},
    }
    by_clause = {m.clause: m for m in MEASURES.values()}
    items = []
    for c in clauses():
        if c.parent is not None or not c.id.startswith("M"):
            continue
        summary = SUMMARIES.get(c.id, "")
        text = translate(summary, lang).format(**numbers.get(c.id, {})) if summary else ""
        items.append({"clause": c.id, "title": c.title.get(lang) if c.title else c.id,
                      "summary": text, "measure": by_clause.get(c.id)})
    return render(request, "home.html", {"items": items, "form": trip_form(lang),
                                         "submit": "go"})


def _country_choices(m: Measure, policy: Policy, day: date, lang: Lang,
                     ) -> tuple[list[forms.Choice], list[forms.Choice]]:
    """(choices for nationality: the measure's list first; choices for any country)."""
    everyone = [forms.Choice(c.code, f"{c.zh}（{c.code}）" if lang == "zh"
                             else f"{c.en} ({c.code})") for c in countries()]
    everyone.sort(key=lambda c: sort_key(c.label, lang))
    people = [c for c in everyone if c.value not in NOT_NATIONALITIES]  # churujing.choices
    listed = views.listed_countries(policy, m.clause, day)
    if not listed:
        return people, everyone
    group_listed = translate(_("适用国家"), lang)
    group_other = translate(_("其他国家和地区"), lang)
    first = [forms.Choice(c.value, c.label, group_listed) for c in people if c.value in listed]
    rest = [forms.Choice(c.value, c.label, group_other) for c in people
            if c.value not in listed]
    return first + rest, everyone


def _port_choices(m: Measure, policy: Policy, day: date, lang: Lang) -> list[forms.Choice]:
    """Ports for a datalist: the measure's ports, else every open port."""
    items = ports(policy, day, measure=m.clause) or ports(policy, day)
    out = []
    for p in items:
        name = p.zh if lang == "zh" else p.en
        extra = f" · {p.iata}" if p.iata else ""
        province = p.province_name.get(lang) if p.province_name else ""
        out.append(forms.Choice(name, f"{province}{extra}"))
    return out


def _fields(m: Measure, policy: Policy, day: date, lang: Lang) -> list[forms.FormField]:
    nationality, anyone = _country_choices(m, policy, day, lang)
    fields = forms.fields_from_schema(m.schema(), lang, countries=anyone,
                                      ports=_port_choices(m, policy, day, lang),
                                      values=m.value_labels(policy, day), measure_id=m.id)
    for f in fields:
        if f.name == "nationality" and f.widget == "select":
            f.choices = nationality
    return fields


def _detail_label(key: str, lang: Lang) -> str:
    msgid = DETAILS.get(key) or FACTS.get(key)
    return forms.label(msgid, lang) if msgid else key.replace("_", " ")


def _codes(m: Measure, policy: Policy) -> dict[str, Text]:
    """Every code a measure names (the values of its enumerated facts) -> its words, and
    the names its details give in Chinese only (a free trade zone's areas) -> both."""
    out: dict[str, Text] = {}
    for names in m.value_labels().values():
        out.update(names)
    if m.clause == "M01":
        for zone in policy.table("m01.free_trade_zones"):
            for area in zone.get("areas", ()):
                out[str(area["zh"])] = Text(str(area["zh"]), str(area["en"]))
    return out


def _readable(key: str, value: Any, codes: dict[str, Text], lang: Lang) -> Any:
    """A detail's value with its codes put in words (a code alone, in a list, or as the
    keys of a mapping such as traveller -> documents); what ``plain`` renders."""
    own = DETAIL_VALUES.get(key, {})
    if isinstance(value, str):
        if value in own:
            return forms.label(own[value], lang)
        if value in codes:
            return forms.label(codes[value], lang)
        return value
    if isinstance(value, list):
        return [_readable(key, v, codes, lang) for v in value]
    if isinstance(value, dict):
        if "zh" in value and "en" in value:
            text = str(value[lang])
            return text[:1].upper() + text[1:] if lang == "en" else text
        if isinstance(value.get("reason"), dict):  # a provisional answer: why it is one
            return _readable(key, value["reason"], codes, lang)
        if value and all(k in codes for k in value):
            sep = "：" if lang == "zh" else ": "
            return [f"{forms.label(codes[k], lang)}{sep}"
                    f"{_plain_list(_readable(key, v, codes, lang), lang)}"
                    for k, v in value.items()]
        if "name" in value:
            return value
        return value
    return value


def _plain_list(value: Any, lang: Lang) -> str:
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(str(v) for v in value)
    return str(value)


def _answer(decision: Decision, lang: Lang, codes: dict[str, Text] | None = None,
            fields: list[forms.FormField] | None = None) -> dict[str, Any]:
    codes = codes or {}
    details = {k: _readable(k, v, codes, lang)
               for k, v in decision.to_dict()["details"].items() if k not in HIDDEN_DETAILS}
    deadline = details.pop("stay_deadline", None)
    carries_alternatives = "alternatives" in details
    alternatives = details.pop("alternatives", None)
    if not decision.eligible:  # issue 13: a refusal shows no deadline and no stay area
        deadline = None
        details = {k: v for k, v in details.items() if k not in REFUSAL_HIDDEN_DETAILS}
    return {
        "eligible": decision.eligible,
        "as_of": decision.as_of.isoformat(),
        # the trip page's words: the last minute with its weekday (trips/words.leave_by)
        "deadline": leave_by(datetime.fromisoformat(deadline)).get(lang) if deadline else None,
        # an entry measure that found no other way in: a visa is needed
        "visa": not decision.eligible and carries_alternatives and not alternatives,
        "conditions": [{"met": c.met, "clause": c.clause, "text": c.text.get(lang),
                        "code": c.code} for c in decision.conditions],
        "unmet": [{"clause": c.clause, "text": c.text.get(lang)} for c in decision.unmet],
        "alternatives": alternatives,
        "details": [{"key": k, "label": _detail_label(k, lang), "value": v}
                    for k, v in details.items()],
        "warnings": [forms.name_facts(w.get(lang), fields or []) for w in decision.warnings],
        "explanation": decision.explain(lang),
    }


@router.get("/measures/{measure_id}", response_class=HTMLResponse)
def measure_page(request: Request, measure_id: str) -> HTMLResponse:
    m = MEASURES.get(measure_id)
    if m is None:
        raise HTTPException(404, f"unknown measure {measure_id!r}")
    lang = request_lang(request)
    policy = load_policy()
    day, as_of_error = _day(request)
    fields = _fields(m, policy, day, lang)
    form = dict(request.query_params)
    answer = None
    form_error = as_of_error
    if SUBMIT in form:
        forms.fill(fields, form)
        facts, errors = forms.facts_from_form(fields, form, lang)
        if not errors and not as_of_error:
            as_of = date.fromisoformat(form["as_of"]) if form.get("as_of") else None
            try:
                answer = _answer(m.check(facts, as_of), lang, _codes(m, policy),
                                 fields)
            except FactsError as exc:  # every invalid field at its own input
                names = forms.input_names(fields)
                for e in exc.invalid_fields:
                    target = forms.error_field(e.field, names)
                    message = forms.people_words(e, lang) or translate(
                        _("输入有误："), lang) + forms.readable_message(
                        e.message_in(lang), fields, target, lang)
                    if target:
                        errors.setdefault(target, message)
                    else:
                        form_error = message  # a fact with no input of its own
        forms.attach_errors(fields, errors)
        status = 422 if (errors or form_error) else 200
    else:
        forms.defaults(fields)
        status = 200
    return render(request, "measure.html", {
        "measure": m, "title": m.title.get(lang), "fields": fields, "answer": answer,
        "form_error": form_error, "as_of": form.get("as_of", ""), "submit": SUBMIT,
        "clause_text": clause(m.clause).text.get(lang),
        "footer_note": FOOTER_NOTES.get(m.clause),
        "crumb": _measure_number(m.clause, lang),
    }, status_code=status)


_NUMERALS = "一二三四五六七八九十"


def _measure_number(clause_id: str, lang: Lang) -> str:
    """"第六项" / "Measure 6" for M06: a clause's place among the ten, in words."""
    n = int(clause_id[1:3])
    return translate(_("第{n}项"), lang).format(n=_NUMERALS[n - 1] if lang == "zh" else n)


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection of China's extent onto a 640 x 480 box."""
    x = (lon - 72.0) * 10.0
    y = (54.5 - lat) * 12.6
    return round(x, 1), round(y, 1)


def _map(policy: Policy, day: date, sections: list[dict[str, Any]], lang: Lang,
         ) -> dict[str, Any]:
    provinces = []
    for d in division_index().values():
        if d.level == "province" and d.lon is not None and d.lat is not None:
            x, y = _project(d.lon, d.lat)
            provinces.append({"x": x, "y": y, "name": d.short_zh if lang == "zh"
                              else d.short_en, "code": d.code})
    points: dict[str, dict[str, Any]] = {}
    for n, section in enumerate(sections):
        for p in section["ports"]:
            if p["lon"] is None or p["lat"] is None:
                continue
            point = points.setdefault(p["id"], {"port": p, "sections": []})
            point["sections"].append(n)
    dots = []
    seen: dict[tuple[float, float], int] = {}
    for point in points.values():
        p = point["port"]
        x, y = _project(p["lon"], p["lat"])
        k = seen.get((x, y), 0)
        seen[(x, y)] = k + 1
        dots.append({"x": round(x + 4 * (k % 4), 1), "y": round(y + 4 * (k // 4), 1),
                     "name": p["zh"] if lang == "zh" else p["en"], "id": p["id"],
                     "section": min(point["sections"])})
    counts: dict[str, int] = {}
    for p in sections[0]["ports"] if sections else []:
        name = (p.get("province_name") or {}).get(lang, p["province"])
        counts[name] = counts.get(name, 0) + 1
    bars = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"provinces": provinces, "dots": dots, "bars": bars,
            "max": max(counts.values(), default=1)}


@router.get("/ports", response_class=HTMLResponse)
def ports_page(request: Request) -> HTMLResponse:
    lang = request_lang(request)
    policy = load_policy()
    day, as_of_error = _day(request)
    areas = {s.province: s for s in stay_areas(policy, day)}
    tables = sorted(port_tables(policy), key=lambda t: (t.name != ENTRY_PORTS, t.name))
    sections = []
    for t in tables:
        rows = []
        for p in ports(policy, day, measure=t.name.split(".")[0]):
            membership = p.membership(t.name)
            if membership is None:
                continue
            rows.append({**p.to_dict(), "since": membership.to_dict()["since"],
                         "clause": membership.ref.clause})
        rows.sort(key=lambda r: (r["province"], r["id"]))
        sections.append({"name": t.name, "title": t.title.get(lang), "ports": rows,
                         "stay": t.name == ENTRY_PORTS})
    return render(request, "ports.html", {
        "day": day.isoformat(), "as_of_error": as_of_error, "sections": sections,
        "areas": areas, "map": _map(policy, day, sections, lang),
        "registry_count": views.table_size(policy, PORTS, day) or 0,
        "kind_label": lambda k: forms.label(KINDS[k], lang) if k in KINDS else k,
    }, status_code=422 if as_of_error else 200)


@router.get("/clauses/{clause_id}", response_class=HTMLResponse)
def clause_page(request: Request, clause_id: str) -> HTMLResponse:
    try:
        c = clause(clause_id)
    except KeyError:
        raise HTTPException(404, f"unknown clause {clause_id!r}") from None
    parent = clause(c.parent) if c.parent else None
    kids = [clause(k) for k in children(c.id)]
    return render(request, "clause.html", {"c": c, "parent": parent, "kids": kids})
