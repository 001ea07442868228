"""The arrival-card web pages (server-rendered, Chinese and English).

Travellers: ``/arrival-card`` (the form), the receipt with its QR code (shown right
after filing, with the secret, once), ``/arrival-card/manage`` (number + secret: the
filing, amend, cancel). Officers: ``/officer/login``, ``/officer/lookup`` (by number,
by pasting or scanning the QR token, by nationality + passport number), ``/officer/logout``.

The pages use the project's page chrome (:mod:`churujing.web`) when it is installed,
else a minimal one of their own. An officer's session is his API token in an HttpOnly,
SameSite=Strict cookie.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.concurrency import run_in_threadpool

from churujing.choices import nationalities, sort_key
from churujing.decision import Text
from churujing.http import request_lang as web_lang
from churujing.i18n import T, translate
from churujing.services.common.errors import ServiceError

from . import csrf
from .card import FIELDS, field_label, purposes
from .deps import OFFICER_COOKIE, ErrorRoute, ServiceDep, client_address, get_service
from .errors import ArrivalCardError, CardInvalid, NotAuthenticated, TooManyAttempts
from .qr import qr_svg
from .service import ArrivalCardService, OfficerIdentity

__all__ = ["OFFICER_COOKIE", "web_router"]

_HERE = Path(__file__).parent
TEMPLATES = _HERE / "templates"

# --------------------------------------------------------------------------- rendering

try:  # the project's page chrome
    from churujing.web import add_templates as _add_templates
    from churujing.web import render as _web_render

    _add_templates(TEMPLATES)
    _HAVE_WEB = True
except ImportError:  # pragma: no cover - only without churujing.web
    _HAVE_WEB = False


@pass_context
def _gettext(ctx: Context, msgid: str, /, **params: Any) -> str:
    text = translate(msgid, str(ctx.get("lang", "zh")))
    return text.format(**params) if params else text


_fallback_env = Environment(
    loader=FileSystemLoader([str(TEMPLATES), str(_HERE / "templates_fallback")]),
    autoescape=select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True)
_fallback_env.globals["_"] = _gettext
_fallback_env.globals["colon"] = pass_context(
    lambda ctx: "：" if str(ctx.get("lang", "zh")) == "zh" else ": ")


def request_lang(request: Request) -> str:
    q = request.query_params.get("lang") or ""
    if q in ("zh", "en"):
        return q
    cookie = request.cookies.get("lang") or ""
    if cookie in ("zh", "en"):
        return cookie
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("zh", "en"):
            return tag
    return "zh"


_ROLES = {"officer": T("工作人员"), "operator": T("系统管理员"), "reviewer": T("审核员")}
_KINDS = {"filed": T("已填报"), "amended": T("已修改"), "cancelled": T("已取消"),
          "superseded": T("已被新的填报取代")}
_CHANNELS = {"web": T("网页"), "api": T("接口"), "system": T("系统")}


def _names(request: Request) -> Callable[[str, Any], Any]:
    """``name(field, code)``: what a coded value of a card (a port's id, a purpose…), an
    officer's role or a history entry is called in the page's language; other values as
    they are (what the traveller typed)."""
    lang = _lang(request)
    tables: dict[str, dict[str, str]] = {
        "document": {v: _pick(t, lang) for v, t in _documents()},
        "entry_mode": {v: _pick(t, lang) for v, t in _entry_modes()},
        "role": {v: _pick(t, lang) for v, t in _ROLES.items()},
        "kind": {v: _pick(t, lang) for v, t in _KINDS.items()},
        "channel": {v: _pick(t, lang) for v, t in _CHANNELS.items()},
        "sex": {"M": translate("男", lang), "F": translate("女", lang)},  # the form's words
    }
    try:
        service = get_service(request)
    except ArrivalCardError:  # no service: the codes stay as they are
        service = None
    if service is not None:
        day = service.filings.today()
        tables["arrival_port"] = {
            item.key: str(item.get("en") if lang != "zh" else item.get("zh"))
            for item in service.policy.table("ports").active(day)}
        tables["purpose"] = {p["code"]: p["en"] if lang != "zh" else p["zh"]
                             for p in purposes(service.policy, day)}

    def name(field: str, code: Any) -> Any:
        return tables.get(field, {}).get(code, code) if isinstance(code, str) else code
    return name


def render(request: Request, template: str, context: dict[str, Any], *,
           status_code: int = 200) -> HTMLResponse:
    token, new = csrf.token_for(request)
    context = {"name": _names(request), **context, "csrf_token": token}
    if _HAVE_WEB:
        response = _web_render(request, template, context, status_code=status_code)
    else:  # pragma: no cover - only without churujing.web
        lang = request_lang(request)
        other = "en" if lang == "zh" else "zh"
        html = _fallback_env.get_template(template).render(
            request=request, lang=lang, other_lang=other,
            lang_url=lambda code: f"{request.url.path}?lang={code}", **context)
        response = HTMLResponse(html, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if new:
        csrf.remember(request, response, token)
    return response


async def _form(request: Request) -> dict[str, str]:
    """The posted form, its CSRF token checked (:mod:`.csrf`: 403 when it does not match)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    csrf.check(request, form)
    return form


def _lang(request: Request) -> str:
    if _HAVE_WEB:
        return str(web_lang(request))
    return request_lang(request)  # pragma: no cover


def _pick(text: Text | Mapping[str, str], lang: str) -> str:
    if isinstance(text, Text):
        return text.get("zh" if lang == "zh" else "en")
    return str(text["zh" if lang == "zh" else "en"])


# --------------------------------------------------------------------------- choices


def _labels(lang: str) -> dict[str, str]:
    """The fields' labels, capitalised (the merged catalogues may give a lower-case one)."""
    out = {}
    for f in FIELDS:
        text = _pick(field_label(f), lang)
        out[f] = text[:1].upper() + text[1:]
    return out


# The codes of the measure-10 facts contract (docs/ARCHITECTURE.md, issue 2): the
# traveller's document and the way he enters. Their labels are the form's.
def _documents() -> list[tuple[str, Text]]:
    return [
        ("passport", T("护照")),
        ("permanent_residence_id", T("外国人永久居留身份证")),
        ("hk_macau_home_return_permit", T("港澳居民来往内地通行证（非中国籍）")),
    ]


def _entry_modes() -> list[tuple[str, Text]]:
    return [
        ("individual", T("个人入境（持签证或免签）")),
        ("visa_free_transit_240h", T("240小时过境免签")),
        ("direct_transit_24h", T("24小时直接过境（不离开口岸限定区域）")),
        ("group_visa", T("持团体签证")),
        ("group_visa_free", T("团体免签入境")),
        ("cruise_same_ship", T("乘坐邮轮入出境并随原邮轮返回")),
        ("fast_track", T("快捷通道入境")),
        ("crew", T("交通运输工具的外国籍员工")),
    ]


def _choices(service: ArrivalCardService, lang: str) -> dict[str, Any]:
    day = service.filings.today()
    en = lang != "zh"
    kinds = {"air": T("航空口岸"), "sea": T("水运口岸"), "land": T("陆路口岸"),
             "rail": T("铁路口岸")}
    ports = []
    for item in service.policy.table("ports").active(day):
        name = str(item.get("en") if en else item.get("zh"))
        iata = item.get("iata")
        ports.append({"value": item.key, "label": f"{name} ({iata})" if iata else name,
                      "group": _pick(kinds.get(str(item.get("kind")), Text("", "")), lang),
                      "kind": str(item.get("kind"))})
    ports.sort(key=lambda p: (list(kinds).index(p["kind"]) if p["kind"] in kinds else 9,
                              sort_key(p["label"], lang)))
    nats = sorted(({"value": c.code, "label": f"{c.en if en else c.zh} ({c.code})"}
                   for c in nationalities()),
                  key=lambda c: sort_key(c["label"], lang))
    return {
        "ports": ports,
        "nationalities": nats,
        "purposes": [{"value": p["code"], "label": p["en"] if en else p["zh"]}
                     for p in purposes(service.policy, day)],
        "documents": [{"value": v, "label": _pick(t, lang)} for v, t in _documents()],
        "entry_modes": [{"value": v, "label": _pick(t, lang)} for v, t in _entry_modes()],
        "labels": _labels(lang),
        "window_days": service.settings.arrival_window_days,
        "today": day.isoformat(),
        "last_day": (day + timedelta(days=service.settings.arrival_window_days)).isoformat(),
    }


# --------------------------------------------------------------------------- forms

_BOOL = {"declaration"}
_OPTIONAL = {"visa_number", "visa_place_of_issue", "transport_number", "onward_destination",
             "onward_transport_number", "onward_date"}


def _card_data(form: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in FIELDS:
        if name in _BOOL:
            if not partial:
                data[name] = form.get(name) in ("on", "true", "1", "yes")
            continue
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            data[name] = value.strip()
        elif partial and name in form:  # cleared in the amend form
            data[name] = None if name in _OPTIONAL else ""
    return data


def _errors(exc: CardInvalid, lang: str) -> dict[str, Any]:
    by_field: dict[str, str] = {}
    general: list[str] = []
    for e in exc.errors:
        name = str(e.loc[-1]) if e.loc else ""
        text = _pick(e.text, lang)
        text = text[:1].upper() + text[1:]  # a sentence of its own, in the summary too
        if name in FIELDS:
            by_field.setdefault(name, text)
        else:
            general.append(text)
    return {"errors": by_field, "general_errors": general}


def _receipt_context(receipt: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"receipt": receipt, "qr": qr_svg(receipt["token"], title=receipt["number"])}


def _error_page(request: Request, exc: ServiceError, status: int | None = None
                ) -> HTMLResponse:
    lang = _lang(request)
    if isinstance(exc, CardInvalid):
        message = "；".join(_pick(e.text, lang) for e in exc.errors)
    else:
        message = _pick(exc.text, lang)
    return render(request, "arrival_card/error.html", {"message": message,
                                                       "status": status or exc.status},
                  status_code=status or exc.status)


class PageRoute(ErrorRoute):
    """The service's error route for the pages: an error (database unavailable…) is a
    page with its status."""

    def respond(self, request: Request, exc: ServiceError) -> Response:
        return _error_page(request, exc)


web_router = APIRouter(include_in_schema=False, route_class=PageRoute)


# --------------------------------------------------------------------------- traveller


@web_router.get("/arrival-card", response_class=HTMLResponse)
def form_page(request: Request) -> Response:
    ctx = _choices(get_service(request), _lang(request))
    return render(request, "arrival_card/form.html",
                  {**ctx, "values": {"document": "passport", "entry_mode": "individual"},
                   "errors": {}, "general_errors": [], "mode": "file",
                   "idempotency_key": secrets.token_urlsafe(16)})


@web_router.post("/arrival-card", response_class=HTMLResponse)
async def file_page(request: Request) -> Response:
    form = await _form(request)
    lang = _lang(request)
    try:
        service = get_service(request)
        data = _card_data(form)
        key = str(form.get("idempotency_key") or "") or None
        receipt = await run_in_threadpool(service.filings.file, data, idempotency_key=key,
                                          channel="web")
    except CardInvalid as exc:
        return render(request, "arrival_card/form.html",
                      {**_choices(get_service(request), lang), "values": form,
                       **_errors(exc, lang), "mode": "file",
                       "idempotency_key": form.get("idempotency_key", "")},
                      status_code=422)
    return render(request, "arrival_card/receipt.html",
                  {**_receipt_context(receipt.to_dict(), lang), "fresh": True},
                  status_code=201)


@web_router.get("/arrival-card/manage", response_class=HTMLResponse)
def manage_form(request: Request) -> Response:
    return render(request, "arrival_card/manage_login.html",
                  {"number": request.query_params.get("number", ""), "error": ""})


@web_router.post("/arrival-card/manage", response_class=HTMLResponse)
async def manage_page(request: Request) -> Response:
    form = await _form(request)
    number, secret = str(form.get("number", "")), str(form.get("secret", ""))
    try:
        view = await run_in_threadpool(get_service(request).filings.view, number, secret)
    except ArrivalCardError as exc:
        if exc.status == 404:
            return render(request, "arrival_card/manage_login.html",
                          {"number": number, "error": _pick(exc.text, _lang(request))},
                          status_code=404)
        raise
    return render(request, "arrival_card/manage.html",
                  {"filing": view.to_dict(), "secret": secret,
                   "qr": qr_svg(view.token, title=view.number) if view.token else ""})


@web_router.post("/arrival-card/amend", response_class=HTMLResponse)
async def amend_page(request: Request) -> Response:
    form = await _form(request)
    lang = _lang(request)
    number, secret = str(form.get("number", "")), str(form.get("secret", ""))
    try:
        service = get_service(request)
        ctx = _choices(service, lang)
        if form.get("action") != "save":
            view = await run_in_threadpool(service.filings.view, number, secret)
            return render(request, "arrival_card/form.html",
                          {**ctx, "values": view.card.public(), "errors": {},
                           "general_errors": [], "mode": "amend", "number": view.number,
                           "secret": secret})
        changes = _card_data(form, partial=True)
        for immutable in ("nationality", "document", "passport_number"):
            changes.pop(immutable, None)
        receipt = await run_in_threadpool(service.filings.amend, number, secret, changes,
                                          channel="web")
    except CardInvalid as exc:
        return render(request, "arrival_card/form.html",
                      {**_choices(get_service(request), lang), "values": form,
                       **_errors(exc, lang), "mode": "amend", "number": number,
                       "secret": secret}, status_code=422)
    return render(request, "arrival_card/receipt.html",
                  {**_receipt_context(receipt.to_dict(), lang), "fresh": False,
                   "amended": True, "secret": secret})


@web_router.post("/arrival-card/cancel", response_class=HTMLResponse)
async def cancel_page(request: Request) -> Response:
    form = await _form(request)
    number, secret = str(form.get("number", "")), str(form.get("secret", ""))
    service = get_service(request)
    if form.get("confirm") != "yes":
        view = await run_in_threadpool(service.filings.view, number, secret)
        return render(request, "arrival_card/cancel.html",
                      {"filing": view.to_dict(), "secret": secret})
    view = await run_in_threadpool(service.filings.cancel, number, secret, channel="web")
    return render(request, "arrival_card/manage.html",
                  {"filing": view.to_dict(), "secret": secret, "qr": "", "cancelled": True})


# --------------------------------------------------------------------------- officers


def _officer(request: Request,
             service: ArrivalCardService = Depends(get_service)) -> OfficerIdentity | None:  # noqa: B008
    token = request.cookies.get(OFFICER_COOKIE)
    if not token:
        return None
    try:
        return service.officers.authenticate(token)
    except NotAuthenticated:
        return None


@web_router.get("/officer/login", response_class=HTMLResponse)
def officer_login_form(request: Request) -> Response:
    return render(request, "arrival_card/officer_login.html", {"error": "", "username": ""})


@web_router.post("/officer/login", response_class=HTMLResponse)
async def officer_login(request: Request) -> Response:
    form = await _form(request)
    username, password = form.get("username", "")[:64], form.get("password", "")[:1024]
    try:
        # argon2 takes tens of milliseconds: in a worker thread, not on the event loop
        token, expires = await run_in_threadpool(
            get_service(request).officers.login, username, password, via="web",
            address=client_address(request))
    except (NotAuthenticated, TooManyAttempts) as exc:
        page = render(request, "arrival_card/officer_login.html",
                      {"error": _pick(exc.text, _lang(request)), "username": username},
                      status_code=exc.status)
        if isinstance(exc, TooManyAttempts):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = RedirectResponse(f"/officer/lookup?lang={_lang(request)}", status_code=303)
    response.set_cookie(OFFICER_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/",
                        expires=expires.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    return response


@web_router.post("/officer/logout")
async def officer_logout(request: Request, service: ServiceDep) -> Response:
    await _form(request)
    token = request.cookies.get(OFFICER_COOKIE)
    if token:
        await run_in_threadpool(service.officers.logout, token, via="web",
                                address=client_address(request))
    response = RedirectResponse(f"/officer/login?lang={_lang(request)}", status_code=303)
    response.delete_cookie(OFFICER_COOKIE, path="/")
    return response


def _lookup_page(request: Request, who: OfficerIdentity | None,
                 ctx: dict[str, Any], status: int = 200) -> Response:
    if who is None:
        return RedirectResponse(f"/officer/login?lang={_lang(request)}", status_code=303)
    return render(request, "arrival_card/officer_lookup.html",
                  {"officer": who, "results": None, "error": "", "query": {}, **ctx},
                  status_code=status)


@web_router.get("/officer/lookup", response_class=HTMLResponse)
def officer_lookup_form(request: Request,
                        who: OfficerIdentity | None = Depends(_officer)) -> Response:  # noqa: B008
    return _lookup_page(request, who, {})


@web_router.post("/officer/lookup", response_class=HTMLResponse)
async def officer_lookup(request: Request,
                         who: OfficerIdentity | None = Depends(_officer)) -> Response:  # noqa: B008
    form = await _form(request)
    if who is None:
        return _lookup_page(request, None, {})
    service = get_service(request)
    by = form.get("by", "")
    try:
        if by == "token":
            views = await run_in_threadpool(service.officers.lookup_token, who,
                                            form.get("token", ""),
                                            via="web")
        elif by == "passport":
            views = await run_in_threadpool(service.officers.lookup_passport, who,
                                            form.get("nationality", ""),
                                            form.get("passport", ""), via="web")
        else:
            views = await run_in_threadpool(service.officers.lookup_number, who,
                                            form.get("number", ""), via="web")
    except ArrivalCardError as exc:
        status = exc.status if exc.status in (400, 403, 422, 503) else 400
        return _lookup_page(request, who, {"error": _pick(exc.text, _lang(request)),
                                           "query": form}, status)
    return _lookup_page(request, who, {"results": [v.to_dict() for v in views],
                                       "query": form,
                                       "labels": _labels(_lang(request))})
