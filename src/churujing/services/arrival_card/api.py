"""HTTP routes of the arrival-card service: ``router`` (the API). The pages' ``web_router``
is in :mod:`.pages`; what both use (the service, the officer, the error route) is in
:mod:`.deps`.

The API (JSON, OpenAPI-documented), under ``/v1/arrival-cards``:

=========================================  ======================================  ==========
route                                      what                                    who
=========================================  ======================================  ==========
``POST /v1/arrival-cards``                 file one card (``Idempotency-Key``)     anyone
``POST /v1/arrival-cards/groups``          file for several travellers             anyone
``POST /v1/arrival-cards/precheck``        the measure-10 decision for a card      anyone
``GET /v1/arrival-cards/{number}``         the filing (``X-Filing-Secret``)        its filer
``PATCH /v1/arrival-cards/{number}``       amend (a new version)                   its filer
``DELETE /v1/arrival-cards/{number}``      cancel (also ``POST …/cancel``)         its filer
``GET /v1/arrival-cards/{number}/qr.svg``  the receipt's QR code (also ``.png``)   its filer
``POST /v1/arrival-cards/verify``          check a receipt token's signature       anyone
``GET /v1/arrival-cards/keys``             the public keys, for offline devices    anyone
``POST /v1/officers/token``                log in (username, password): a token    officers
``GET|POST /v1/arrival-cards/lookup``      find by number, QR token, or            officer
                                           nationality + passport number (audited)
``GET /v1/arrival-cards/audit``            the audit log                           operator
=========================================  ======================================  ==========

401 without (valid) officer credentials, 403 for a role that may not do it, 404 for an
unknown filing or a wrong secret (the same answer), 409 when a filing is cancelled or its
arrival date has passed or an ``Idempotency-Key`` is reused for another card, 422 with
the path of every invalid field, 503 when the database is unavailable (with
``Retry-After``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Form, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from churujing.api.routes._common import read_json
from churujing.i18n import T

from .card import Card
from .deps import (
    AsyncServiceDep,
    BearerDep,
    ErrorRoute,
    IdemDep,
    OfficerDep,
    SecretDep,
    ServiceDep,
    client_address,
    get_service,
    install,
    ready,
)
from .errors import ArrivalCardError, CardInvalid, Conflict, DatabaseUnavailable, FieldError
from .qr import qr_png, qr_svg
from .service import ArrivalCardService, FilingView, OfficerIdentity, Receipt

__all__ = ["ErrorRoute", "client_address", "get_service", "install", "ready", "router"]

router = APIRouter(tags=["arrival-card"], route_class=ErrorRoute)


# --------------------------------------------------------------------------- schemas


class ExemptionOut(BaseModel):
    code: str
    clause: str
    zh: str
    en: str
    note: dict[str, str] | None = None


class ReceiptOut(BaseModel):
    """A filing's receipt. ``secret`` is returned once, at filing: keep it to view, amend
    or cancel the filing. ``token`` is what the QR code carries."""

    number: str
    group_id: str | None
    version: int
    status: str
    nationality: str
    arrival_date: str
    arrival_port: str
    token: str
    required: bool = Field(description="False when measure 10 exempts the traveller")
    exemption: ExemptionOut | None
    created_at: str
    secret: str | None
    qr_svg: str
    qr_png: str


class GroupOut(BaseModel):
    group_id: str | None
    receipts: list[ReceiptOut]


# Body limits (bytes), before any parsing: a card is about 1 KB.
CARD_BODY_LIMIT = 32 * 1024
GROUP_BODY_LIMIT = 256 * 1024
SMALL_BODY_LIMIT = 8 * 1024  # log-in, verify, look-up

GROUP_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "required": ["travellers"], "additionalProperties": False,
        "properties": {"travellers": {
            "type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Card"},
            "description": "One card per traveller, the filer first (at most "
                           "CHURUJING_GROUP_MAX, 10 by default)"}}}}}}}


class FilingOut(BaseModel):
    number: str
    group_id: str | None
    status: str
    version: int
    card: dict[str, Any]
    token: str
    required: bool
    exemption: ExemptionOut | None
    history: list[dict[str, Any]]
    created_at: str
    updated_at: str
    group: list[str]
    token_claims: dict[str, Any] | None = None


class LookupOut(BaseModel):
    count: int
    filings: list[FilingOut]


class TokenIn(BaseModel):
    token: str = Field(max_length=2048, description="The text of the receipt's QR code (ACR1.…)")


class VerifyOut(BaseModel):
    valid: bool = Field(description="the token is its filing's current version")
    status: Literal["current", "superseded", "cancelled", "unknown"] = Field(
        description="current; superseded (a later version or a later filing of the same "
                    "traveller and arrival date); cancelled; unknown (purged or not filed)")
    claims: dict[str, Any]


class LookupIn(BaseModel):
    number: str | None = Field(None, max_length=32)
    token: str | None = Field(None, max_length=2048)
    nationality: str | None = Field(None, max_length=64)
    passport: str | None = Field(None, max_length=32)


class OfficerTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str
    role: str


def _links(number: str) -> dict[str, str]:
    return {"qr_svg": f"/v1/arrival-cards/{number}/qr.svg",
            "qr_png": f"/v1/arrival-cards/{number}/qr.png"}


def receipt_out(r: Receipt) -> dict[str, Any]:
    return {**r.to_dict(), **_links(r.number)}


def filing_out(v: FilingView) -> dict[str, Any]:
    return v.to_dict()


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such filing, or a wrong secret"},
    409: {"description": "Cancelled, arrived, or an Idempotency-Key reused for another card"},
    422: {"description": "Invalid fields, each with its path"},
    503: {"description": "The database is unavailable; retry after Retry-After seconds"},
}


# --------------------------------------------------------------------------- filing


@router.post("/v1/arrival-cards", status_code=201, response_model=ReceiptOut,
             summary="File an arrival card", responses=_ERRORS, max_body_size=CARD_BODY_LIMIT)
async def file_card(card: Card, service: AsyncServiceDep, response: Response,
                    idempotency_key: IdemDep = None) -> dict[str, Any]:
    """File one traveller's arrival card. Measure 10 runs first: an exempt traveller gets
    ``required: false`` and the exemption's clause, and the card is filed all the same.
    The filing is acknowledged once committed, with the filings committed alongside it
    (group commit: ``Filings.file_async``)."""
    r = await service.filings.file_async(card, idempotency_key=idempotency_key, channel="api")
    if r.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return receipt_out(r)


@router.post("/v1/arrival-cards/groups", status_code=201, response_model=GroupOut,
             summary="File for a group of travellers", responses=_ERRORS,
             openapi_extra=GROUP_BODY, max_body_size=GROUP_BODY_LIMIT)
async def file_group(request: Request, service: ServiceDep, response: Response,
                     idempotency_key: IdemDep = None) -> dict[str, Any]:
    """One filer files for accompanying travellers (children, elderly people): one group,
    each traveller with his own number, QR code and secret. The group's size is checked
    before any traveller's card is validated; the cards are validated and filed in a
    worker thread."""
    body = await read_json(request)
    travellers = body.get("travellers") if isinstance(body, dict) else None
    if not isinstance(travellers, list) or set(body) != {"travellers"}:
        raise CardInvalid([FieldError(("travellers",), T("应为旅客入境卡的列表"))])
    if len(travellers) > service.settings.group_max:  # before validating any member
        raise CardInvalid([FieldError(("travellers",), T(
            "一次最多为{n}名旅客填报", n=service.settings.group_max))])
    rs = await run_in_threadpool(service.filings.file_group, travellers,
                                 idempotency_key=idempotency_key, channel="api")
    if rs and rs[0].replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return {"group_id": rs[0].group_id if rs else None, "receipts": [receipt_out(r) for r in rs]}


@router.post("/v1/arrival-cards/precheck", summary="Must this traveller file?",
             responses=_ERRORS, max_body_size=CARD_BODY_LIMIT)
def precheck(card: Card, service: ServiceDep) -> dict[str, Any]:
    """Validate a card and return the measure-10 decision, without filing."""
    c = service.filings.validate(card)
    return {"card": c.public(), "decision": service.filings.precheck(c).to_dict()}


@router.post("/v1/arrival-cards/verify", response_model=VerifyOut,
             summary="Verify a receipt token (offline-capable)", max_body_size=SMALL_BODY_LIMIT,
             responses={400: {"description": "Malformed, tampered or forged token"}})
def verify(body: TokenIn, service: ServiceDep) -> dict[str, Any]:
    """Check a QR token's Ed25519 signature and expiry with the public keys only — what an
    officer's device does offline with ``GET /v1/arrival-cards/keys`` — then say whether
    it is its filing's current version (``status``). A malformed, forged, tampered or
    expired token is 400."""
    return service.filings.token_status(body.token)


@router.get("/v1/arrival-cards/keys", summary="Public keys for offline verification")
def public_keys(service: ServiceDep) -> dict[str, Any]:
    """Key id -> base64url raw Ed25519 public key. A token is ``ACR1.<payload>.<sig>``;
    ``sig`` signs the ASCII ``ACR1.<payload>``; ``payload`` is base64url JSON with ``kid``."""
    return {"alg": "Ed25519", "format": "ACR1.<base64url(json claims)>.<base64url(sig)>",
            "active": service.keys.active_kid, "keys": service.keys.public_keys()}


# --------------------------------------------------------------------------- officers


@router.post("/v1/officers/token", response_model=OfficerTokenOut, tags=["officers"],
             summary="Officer log-in", max_body_size=SMALL_BODY_LIMIT,
             responses={401: {"description": "Wrong credentials"},
                        429: {"description": "Too many attempts (see Retry-After)"}})
def officer_token(request: Request, service: ServiceDep,
                  username: Annotated[str, Form(max_length=64)],
                  password: Annotated[str, Form(max_length=1024)]) -> dict[str, Any]:
    """Exchange an officer's username and password for an API token (Bearer). Attempts
    are limited per client address and per username (429 with ``Retry-After``)."""
    token, expires = service.officers.login(username, password, via="api",
                                   address=client_address(request))
    who = service.officers.authenticate(token)
    return {"access_token": token, "token_type": "bearer", "expires_at": expires.isoformat(),
            "role": who.role}


def _lookup(service: ArrivalCardService, who: OfficerIdentity, q: LookupIn,
            via: str, address: str = "") -> dict[str, Any]:
    if q.token:
        views = service.officers.lookup_token(who, q.token, via=via, address=address)
    elif q.number:
        views = service.officers.lookup_number(who, q.number, via=via, address=address)
    elif q.nationality and q.passport:
        views = service.officers.lookup_passport(who, q.nationality, q.passport, via=via,
                                        address=address)
    else:
        raise CardInvalid([FieldError(("query",), T(
            "请提供填报编号、二维码令牌，或国籍和护照号码"))])
    return {"count": len(views), "filings": [filing_out(v) for v in views]}


def _what(q: LookupIn | None) -> str:
    """What a refused look-up asked for, without a passport number (never in the log)."""
    if q is None:
        return "query=unreadable"
    if q.token:
        return "by=token"
    if q.number:
        return f"by=number number={q.number[:32]}"
    if q.passport:
        return f"by=passport nationality={(q.nationality or '')[:64]}"
    return "by=nothing"


def audited_lookup(service: ArrivalCardService, bearer: str | None, q: LookupIn | None,
                   refusal: ArrivalCardError | None, *, via: str,
                   address: str) -> dict[str, Any]:
    """A look-up with every attempt audited, the refused ones too (401 no or bad
    credentials, 403 a role that may not, 400 a forged token, 422 a bad query), each with
    the client's address."""
    who: OfficerIdentity | None = None
    try:
        who = service.officers.authenticate(bearer)
        if refusal is not None:
            raise refusal
        assert q is not None
        return _lookup(service, who, q, via, address)
    except ArrivalCardError as exc:
        if not isinstance(exc, DatabaseUnavailable):
            service.officers.audit_refused(who, "lookup", _what(q), exc, via=via, address=address)
        raise


@router.get("/v1/arrival-cards/lookup", response_model=LookupOut, tags=["officers"],
            summary="Find filings by number or QR token (officers)",
            responses={401: {"description": "Not authenticated"},
                       403: {"description": "Role may not look up"},
                       422: {"description": "A passport number in the URL (use POST)"}})
def lookup_get(request: Request, service: ServiceDep,
               bearer: BearerDep,
               number: Annotated[str | None, Query(max_length=32)] = None,
               token: Annotated[str | None, Query(max_length=2048)] = None) -> dict[str, Any]:
    """By filing number, or by QR token (its signature is checked first). Every look-up
    is written to the audit log, refused ones too. A passport number is never accepted
    in a URL (URLs end up in logs and browser histories): look up by passport with the
    POST form."""
    refusal = None
    if {"passport", "passport_number", "nationality"} & set(request.query_params):
        refusal = CardInvalid([FieldError(("query", "passport"), T(
            "护照号码不能出现在网址中：请用 POST 查询"))])
    q = LookupIn(number=number, token=token, passport="in URL" if refusal else None)
    return audited_lookup(service, bearer, q, refusal, via="api",
                          address=client_address(request))


@router.post("/v1/arrival-cards/lookup", response_model=LookupOut, tags=["officers"],
             summary="Find filings (officers; body)", max_body_size=SMALL_BODY_LIMIT,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": LookupIn.model_json_schema()}}}},
             responses={401: {"description": "Not authenticated"},
                        403: {"description": "Role may not look up"}})
async def lookup_post(request: Request, service: ServiceDep,
                      bearer: BearerDep) -> dict[str, Any]:
    """By number, by QR token, or by nationality and passport number (in the body, never
    in the URL). Every look-up is written to the audit log, refused ones too."""
    q: LookupIn | None = None
    refusal: ArrivalCardError | None = None
    try:
        q = LookupIn.model_validate(await read_json(request))
    except ValidationError as exc:
        refusal = CardInvalid([FieldError(tuple(e["loc"]), T("格式不正确：{msg}", msg=e["msg"]),
                                          str(e["type"])) for e in exc.errors()])
    except RequestValidationError as exc:  # the body is not JSON: audited too
        refusal = CardInvalid([FieldError((), T("格式不正确：{msg}", msg=str(
            exc.errors()[0].get("msg", "invalid JSON"))), "json_invalid")])
    return await run_in_threadpool(audited_lookup, service, bearer, q, refusal, via="api",
                                   address=client_address(request))


@router.post("/v1/officers/logout", status_code=204, tags=["officers"],
             summary="Log out: revoke this API token",
             responses={401: {"description": "Not authenticated"}})
def officer_logout(request: Request, service: ServiceDep,
                   bearer: BearerDep) -> Response:
    service.officers.authenticate(bearer)
    assert bearer is not None
    service.officers.logout(bearer, via="api", address=client_address(request))
    return Response(status_code=204)


# --------------------------------------------------------------------------- operators


class PasswordIn(BaseModel):
    password: str = Field(min_length=12, max_length=1024, description="The new password")


class OfficerOut(BaseModel):
    username: str
    role: str
    active: bool
    created_at: str


class OfficerChangeOut(BaseModel):
    username: str
    active: bool | None = None
    tokens_revoked: int


_OPERATOR: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not authenticated"}, 403: {"description": "Not an operator"},
    404: {"description": "No such officer"}}


def _operator(service: ArrivalCardService, bearer: str | None) -> OfficerIdentity:
    who = service.officers.authenticate(bearer)
    service.officers.require(who, "operator")
    return who


@router.get("/v1/operator/officers", response_model=list[OfficerOut], tags=["operators"],
            summary="Officer accounts (operators)", responses=_OPERATOR)
def operator_officers(service: ServiceDep,
                      bearer: BearerDep) -> list[dict[str, Any]]:
    _operator(service, bearer)
    return service.officers.officers()


@router.post("/v1/operator/officers/{username}/disable", response_model=OfficerChangeOut,
             tags=["operators"], summary="Disable an officer (tokens revoked)",
             responses=_OPERATOR)
def operator_disable(request: Request, username: str, service: ServiceDep,
                     bearer: BearerDep) -> dict[str, Any]:
    who = _operator(service, bearer)
    return service.officers.set_active(username, False, by=who.username, via="api",
                              address=client_address(request))


@router.post("/v1/operator/officers/{username}/enable", response_model=OfficerChangeOut,
             tags=["operators"], summary="Re-enable an officer", responses=_OPERATOR)
def operator_enable(request: Request, username: str, service: ServiceDep,
                    bearer: BearerDep) -> dict[str, Any]:
    who = _operator(service, bearer)
    return service.officers.set_active(username, True, by=who.username, via="api",
                              address=client_address(request))


@router.post("/v1/operator/officers/{username}/revoke-tokens",
             response_model=OfficerChangeOut, tags=["operators"],
             summary="Revoke every token of an officer", responses=_OPERATOR)
def operator_revoke(request: Request, username: str, service: ServiceDep,
                    bearer: BearerDep) -> dict[str, Any]:
    who = _operator(service, bearer)
    return service.officers.revoke_tokens(username, by=who.username, via="api",
                                 address=client_address(request))


@router.post("/v1/operator/officers/{username}/password", response_model=OfficerChangeOut,
             tags=["operators"], summary="Reset an officer's password (tokens revoked)",
             responses=_OPERATOR, max_body_size=SMALL_BODY_LIMIT)
def operator_password(request: Request, username: str, body: PasswordIn,
                      service: ServiceDep,
                      bearer: BearerDep) -> dict[str, Any]:
    who = _operator(service, bearer)
    return service.officers.reset_password(username, body.password, by=who.username, via="api",
                                  address=client_address(request))


@router.get("/v1/arrival-cards/audit", tags=["officers"], summary="Audit log (operators)")
def audit(service: ServiceDep, who: OfficerDep,
          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    return {"entries": service.officers.audit_log(who, limit)}


# --------------------------------------------------------------------------- the filer's


@router.get("/v1/arrival-cards/{number}", response_model=FilingOut,
            summary="The filing (its filer)", responses=_ERRORS)
def view(number: str, secret: SecretDep, service: ServiceDep) -> dict[str, Any]:
    return filing_out(service.filings.view(number, secret))


@router.patch("/v1/arrival-cards/{number}", response_model=ReceiptOut,
              summary="Amend a filing", responses=_ERRORS, max_body_size=CARD_BODY_LIMIT)
def amend(number: str, secret: SecretDep, service: ServiceDep,
          changes: Annotated[dict[str, Any], Body(
              description="The fields to change (any of the card's but nationality, document "
                          "and passport_number)",
              examples=[{"transport_number": "LH728", "arrival_date": "2025-12-02"}])],
          ) -> dict[str, Any]:
    """Amend before the end of the arrival day: a new version is stored (every version is
    kept with its time) and a new receipt token issued."""
    return receipt_out(service.filings.amend(number, secret, changes, channel="api"))


@router.delete("/v1/arrival-cards/{number}", response_model=FilingOut,
               summary="Cancel a filing", responses=_ERRORS)
def cancel(number: str, secret: SecretDep, service: ServiceDep) -> dict[str, Any]:
    return filing_out(service.filings.cancel(number, secret, channel="api"))


@router.post("/v1/arrival-cards/{number}/cancel", response_model=FilingOut,
             summary="Cancel a filing (POST)", responses=_ERRORS)
def cancel_post(number: str, secret: SecretDep, service: ServiceDep) -> dict[str, Any]:
    return filing_out(service.filings.cancel(number, secret, channel="api"))


def _with_token(v: FilingView) -> FilingView:
    """A cancelled or superseded filing has no token, hence no QR code: 409."""
    if not v.token:
        raise Conflict(T("该填报已取消或已被取代，没有有效的回执二维码"))
    return v


@router.get("/v1/arrival-cards/{number}/qr.svg", summary="The receipt's QR code (SVG)",
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def qr_code_svg(number: str, secret: SecretDep, service: ServiceDep) -> Response:
    v = _with_token(service.filings.view(number, secret))
    return Response(qr_svg(v.token, title=v.number), media_type="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@router.get("/v1/arrival-cards/{number}/qr.png", summary="The receipt's QR code (PNG)",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})
def qr_code_png(number: str, secret: SecretDep, service: ServiceDep) -> Response:
    v = _with_token(service.filings.view(number, secret))
    return Response(qr_png(v.token), media_type="image/png",
                    headers={"Cache-Control": "no-store"})
