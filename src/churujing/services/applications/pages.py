"""The platform's web pages (server-rendered, Chinese first and English, usable on a phone).

Applicants: ``/applications/online-renewal`` (the pre-check and the form in one page: the
rule answers first), ``/applications/{number}`` (status, uploads with the check results as
they come, submit, payment, the letter, history, withdraw), ``/applications/track``
(number and secret), ``/payments/local/{reference}`` (the local provider's payment page).
Officers (the services' shared log-in, ``/officer/login``): ``/officer/applications``
(the queue by due date), ``/officer/applications/{number}`` (the case, its documents and
checks, claim, decision, dispatch, hand-over).

The applicant's session is ``number:secret`` in an HttpOnly, SameSite=Strict cookie, never
in a URL; the officer's is the shared officer cookie.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from churujing.http import request_lang
from churujing.services.common import csrf
from churujing.services.common.errors import ServiceError
from churujing.services.common.routes import body_limit
from churujing.text import T, Text
from churujing.web import add_templates
from churujing.web import render as web_render
from churujing.web.labels import EXIT_ENTRY_NOTE

from . import workflow
from .deps import ErrorRoute, app_service, form_upload_limit, officer_from_cookie
from .documents import KINDS
from .errors import ApplicationInvalid, NotAllowed, Refused

__all__ = ["SESSION_COOKIE", "web_router"]

SESSION_COOKIE = "ap_session"
add_templates(Path(__file__).parent / "templates")

_FACT_CHOICES = {
    "document": [("passport", "普通护照"), ("eep_hk_macau", "往来港澳通行证"),
                 ("eep_taiwan", "往来台湾通行证")],
    "application": [("renewal", "换发"), ("replacement", "补发")],
    "reason": [("expiring_within_6_months", "证件有效期不足6个月"),
               ("pages_full", "护照签证页用完"), ("damaged", "证件损毁"),
               ("lost_stolen", "证件遗失或被盗")],
}


def _lang(request: Request) -> str:
    return str(request_lang(request))


# What the pages call the codes they show (the workflow's states and events have their own
# labels in ``workflow``; the documents' kinds in ``documents.KINDS``).
_NAMES: dict[str, dict[str, Text]] = {
    "event": dict(workflow.EVENTS),
    "kind": dict(KINDS),
    "payment": {"pending": T("待支付"), "paid": T("已支付"), "failed": T("支付失败")},
    "role": {"officer": T("工作人员"), "reviewer": T("审核员"), "operator": T("系统管理员")},
    "actor": {"applicant": T("申请人"), "system": T("系统")},
    "delivery": {"ems": T("EMS邮寄"), "collect": T("到户籍地出入境管理机构领取")},
}


def _namer(lang: str) -> Any:
    def name(table: str, code: Any) -> Any:
        text = _NAMES.get(table, {}).get(code) if isinstance(code, str) else None
        return text.get("zh" if lang == "zh" else "en") if text is not None else code
    return name


def render(request: Request, template: str, context: dict[str, Any], *,
           status_code: int = 200) -> HTMLResponse:
    token, new = csrf.token_for(request)
    response = web_render(request, template, {"name": _namer(_lang(request)),
                                              "footer_note": EXIT_ENTRY_NOTE, **context,
                                              "csrf_token": token},
                          status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if new:
        csrf.remember(request, response, token)
    return response


async def _form(request: Request) -> Any:
    """The posted form, its CSRF token checked (403 when it does not match)."""
    form = await request.form()
    text = csrf.problem(request, form)
    if text is not None:
        raise NotAllowed(text)
    return form


class PageRoute(ErrorRoute):
    """The platform's error route for the pages: an error is a page with its status."""

    def respond(self, request: Request, exc: ServiceError) -> Response:
        return render(request, "applications/error.html",
                      {"error": exc, "text": exc.text}, status_code=exc.status)


web_router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _session(request: Request, number: str) -> str:
    value = request.cookies.get(SESSION_COOKIE, "")
    got, _, secret = value.partition(":")
    return secret if got == number else ""


def _to_case(number: str, lang: str) -> RedirectResponse:
    return RedirectResponse(f"/applications/{number}?lang={lang}", status_code=303)


def _with_session(response: Response, number: str, secret: str) -> Response:
    response.set_cookie(SESSION_COOKIE, f"{number}:{secret}", httponly=True,
                        samesite="strict", max_age=30 * 24 * 3600)
    return response


# --------------------------------------------------------------------------- applicants


@web_router.get("/applications/online-renewal", response_class=HTMLResponse)
def form_page(request: Request) -> Response:
    return render(request, "applications/form.html", {"choices": _FACT_CHOICES, "values": {}})


def _form_body(form: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"hukou_city": form.get("hukou_city", ""),
                             "document": form.get("document", ""),
                             "application": form.get("application", ""),
                             "state_functionary": form.get("state_functionary") == "yes",
                             "active_military": form.get("active_military") == "yes",
                             "holds_previous_document": form.get("holds_previous") == "yes",
                             "fingerprints_on_file": form.get("fingerprints") == "yes"}
    if form.get("reason"):
        facts["reason"] = form.get("reason")
    return {"applicant": {"name": form.get("name", ""), "id_number": form.get("id_number", ""),
                          "phone": form.get("phone", ""), "email": form.get("email") or None},
            "facts": facts,
            "delivery": {"method": form.get("delivery", ""),
                         "address": form.get("address") or None}}


@web_router.post("/applications/online-renewal", response_class=HTMLResponse)
async def form_post(request: Request) -> Response:
    form = await _form(request)
    svc = app_service(request.app)
    body = _form_body(form)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    ctx: dict[str, Any] = {"choices": _FACT_CHOICES, "values": values}
    if form.get("step") == "precheck":
        try:
            ctx["precheck"] = svc.precheck(body["facts"], body["applicant"]["id_number"])
        except ApplicationInvalid as exc:
            ctx["invalid"] = exc.invalid_fields
            return render(request, "applications/form.html", ctx, status_code=422)
        return render(request, "applications/form.html", ctx)
    try:
        made = svc.create(body)
    except Refused as exc:
        ctx["refused"] = exc.unmet
        return render(request, "applications/form.html", ctx, status_code=422)
    except ApplicationInvalid as exc:
        ctx["invalid"] = exc.invalid_fields
        return render(request, "applications/form.html", ctx, status_code=422)
    response = render(request, "applications/created.html", {"made": made})
    return _with_session(response, made["number"], made["secret"])


@web_router.get("/applications/track", response_class=HTMLResponse)
def track_page(request: Request) -> Response:
    return render(request, "applications/track.html", {})


@web_router.post("/applications/track", response_class=HTMLResponse)
async def track_post(request: Request) -> Response:
    form = await _form(request)
    number, secret = str(form.get("number", "")).strip(), str(form.get("secret", "")).strip()
    app_service(request.app).view(number, secret)  # 404 page when wrong
    return _with_session(_to_case(number, _lang(request)), number, secret)


@web_router.get("/applications/{number}", response_class=HTMLResponse)
def case_page(request: Request, number: str) -> Response:
    svc = app_service(request.app)
    view = svc.view(number, _session(request, number))
    return render(request, "applications/case.html",
                  {"app": view, "kinds": KINDS, "states": workflow.STATES})


@web_router.post("/applications/{number}/documents", response_class=HTMLResponse)
@body_limit(form_upload_limit)
async def upload_post(request: Request, number: str) -> Response:
    form = await _form(request)
    svc = app_service(request.app)
    secret = _session(request, number)
    results = []
    for kind in KINDS:
        item = form.get(kind)
        if item is None or isinstance(item, str):
            continue
        data = await item.read()
        if data:
            results.append(svc.put_document(number, secret, kind, data))
    view = svc.view(number, secret)
    return render(request, "applications/case.html",
                  {"app": view, "kinds": KINDS, "states": workflow.STATES,
                   "uploaded": results})


@web_router.post("/applications/{number}/{action}", response_class=HTMLResponse)
async def action_post(request: Request, number: str, action: str) -> Response:
    await _form(request)
    svc = app_service(request.app)
    secret = _session(request, number)
    if action == "submit":
        svc.submit(number, secret)
    elif action == "withdraw":
        svc.withdraw(number, secret)
    elif action == "pay":
        started = svc.start_payment(number, secret)
        return RedirectResponse(f"/payments/local/{started['reference']}?lang={_lang(request)}",
                                status_code=303)
    else:
        return render(request, "applications/error.html", {"text": None}, status_code=404)
    return _to_case(number, _lang(request))


@web_router.get("/applications/{number}/letter.pdf")
def letter_page(request: Request, number: str) -> Response:
    pdf = app_service(request.app).letter(number, _session(request, number))
    return Response(pdf, media_type="application/pdf", headers={"Cache-Control": "no-store"})


@web_router.get("/payments/local/{reference}", response_class=HTMLResponse)
def payment_page(request: Request, reference: str) -> Response:
    state = app_service(request.app).payment("local", reference)
    return render(request, "applications/pay.html", {"payment": state})


@web_router.post("/payments/local/{reference}", response_class=HTMLResponse)
async def payment_post(request: Request, reference: str) -> Response:
    from .payment import LocalProvider

    await _form(request)
    svc = app_service(request.app)
    local = svc.payments["local"]
    assert isinstance(local, LocalProvider)
    state = svc.payment("local", reference)
    svc.payment_callback("local", *local.callback(reference, int(state["amount"])))
    return _to_case(str(state["number"]), _lang(request))


# --------------------------------------------------------------------------- officers


def _login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/officer/login?lang={_lang(request)}", status_code=303)


@web_router.get("/officer/applications", response_class=HTMLResponse)
def queue_page(request: Request, stage: str = "review") -> Response:
    who = officer_from_cookie(request)
    if who is None:
        return _login(request)
    stage_ = stage if stage in ("review", "production", "all") else "review"
    rows = app_service(request.app).queue(who, stage=stage_)  # type: ignore[arg-type]
    return render(request, "applications/queue.html",
                  {"rows": rows, "stage": stage_, "who": who})


@web_router.get("/officer/applications/{number}", response_class=HTMLResponse)
def review_page(request: Request, number: str) -> Response:
    who = officer_from_cookie(request)
    if who is None:
        return _login(request)
    view = app_service(request.app).officer_view(who, number)
    return render(request, "applications/review.html",
                  {"app": view, "kinds": KINDS, "who": who})


@web_router.get("/officer/applications/{number}/documents/{kind}")
def document_image(request: Request, number: str, kind: str) -> Response:
    who = officer_from_cookie(request)
    if who is None:
        return _login(request)
    ctype, data = app_service(request.app).officer_document(who, number, kind)
    return Response(data, media_type=ctype, headers={"Cache-Control": "no-store"})


@web_router.post("/officer/applications/{number}/{action}", response_class=HTMLResponse)
async def officer_action(request: Request, number: str, action: str) -> Response:
    who = officer_from_cookie(request)
    if who is None:
        return _login(request)
    form = await _form(request)
    svc = app_service(request.app)
    if action == "claim":
        svc.claim(who, number)
    elif action == "decision":
        reasons = [r for r in str(form.get("reasons", "")).splitlines() if r.strip()]
        svc.decide(who, number, str(form.get("decision", "")), reasons)
    elif action == "dispatch":
        svc.dispatch(who, number, str(form.get("tracking_number", "")) or None)
    elif action == "collect":
        svc.collect(who, number)
    return RedirectResponse(f"/officer/applications/{number}?lang={_lang(request)}",
                            status_code=303)
