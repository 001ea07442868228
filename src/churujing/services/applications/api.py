"""The HTTP contract of the applications platform (issue 14, item 10).

Applicants act by application number and the secret returned at creation (header
``X-Application-Secret``); officers by the services' shared log-in (``POST
/v1/officers/token``, a Bearer token; roles ``reviewer``, ``officer``, ``operator``).
Errors are JSON with the status of :mod:`.errors`: 422 for invalid fields (FastAPI's
``detail`` list, each ``loc`` ending with the field), for a refusal by the rule (the unmet
conditions with their clauses) and for missing documents; 409 for a step the workflow does
not allow; 503 with ``Retry-After`` when the database is down.

The server's scheduler (lapsing unpaid applications, sending the outbox) runs in the
background every ``CHURUJING_APPLICATIONS_TICK_SECONDS``; ``churujing applications tick``
does one run, for cron.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, Field

from churujing.services.common.routes import body_limit

from .deps import (
    ErrorRoute,
    IdemDep,
    NumberPath,
    OfficerDep,
    SecretDep,
    ServiceDep,
    app_service,
    get_service,
    install,
    upload_limit,
)
from .settings import ApplicationSettings

__all__ = ["get_service", "install", "router"]

_log = logging.getLogger("churujing.applications")


@contextlib.asynccontextmanager
async def _scheduler(app: Any) -> AsyncIterator[None]:
    """The background scheduler: one tick every ``TICK_SECONDS`` in a worker thread."""
    every = ApplicationSettings().tick_seconds

    async def loop() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await asyncio.to_thread(lambda: app_service(app).tick())
            except Exception:  # the next run tries again; the outbox keeps what failed
                _log.exception("applications scheduler run failed")

    task = asyncio.create_task(loop()) if every > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


#: A payment provider's callback: a small signed JSON document.
CALLBACK_BODY_LIMIT = 10_000

router = APIRouter(tags=["applications"], route_class=ErrorRoute, lifespan=_scheduler)

class Applicant(BaseModel):
    name: str = Field(description="name as on the identity card")
    id_number: str = Field(description="resident identity number (GB 11643, 18 characters)")
    phone: str = Field(description="mainland mobile number, for notices and recovery")
    email: str | None = Field(None, description="e-mail, for notices")


class Delivery(BaseModel):
    method: Literal["ems", "collect"]
    address: str | None = Field(None, description="postal address, for EMS")


class CreateIn(BaseModel):
    applicant: Applicant
    facts: dict[str, Any] = Field(description="the online-renewal facts except age and date")
    delivery: Delivery


class PrecheckIn(BaseModel):
    id_number: str
    facts: dict[str, Any]


class DecisionIn(BaseModel):
    decision: Literal["approve", "request_correction", "refuse"]
    reasons: list[str] = Field(default_factory=list, max_length=20)


class DispatchIn(BaseModel):
    tracking_number: str | None = Field(None, max_length=40)


class RecoverIn(BaseModel):
    id_number: str = Field(max_length=40)


class RecoverCodeIn(BaseModel):
    code: str = Field(max_length=12)


# --------------------------------------------------------------------------- applicants


@router.post("/v1/applications/online-renewal/precheck",
             summary="May this person apply online? (measure 7)")
def precheck(body: PrecheckIn, service: ServiceDep) -> dict[str, Any]:
    return service.precheck(body.facts, body.id_number)


@router.post("/v1/applications/online-renewal", status_code=201,
             summary="Start an online renewal or replacement (a draft)")
def create(body: Annotated[dict[str, Any], Body()], service: ServiceDep, response: Response,
           idempotency_key: IdemDep = None) -> dict[str, Any]:
    """The rule runs first: a refusal is a 422 citing M07 with the unmet conditions."""
    out = service.create(body, idempotency_key=idempotency_key)
    if out.get("replayed"):
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.put("/v1/applications/{number}/documents/{kind}",
            summary="Upload a document (the raw image as the body)",
            responses={413: {"description": "the body exceeds "
                                            "CHURUJING_APPLICATIONS_UPLOAD_MAX_BYTES"}})
@body_limit(upload_limit)
async def put_document(number: NumberPath, kind: str, request: Request,
                       secret: SecretDep) -> dict[str, Any]:
    """At most ``CHURUJING_APPLICATIONS_UPLOAD_MAX_BYTES`` (the route's body limit, read per
    request by the application's body limit: a larger body is a 413 before it is read)."""
    svc = app_service(request.app)
    data = await request.body()
    return await asyncio.to_thread(svc.put_document, number, secret, kind, data)


@router.post("/v1/applications/{number}/submit", summary="Submit (or resubmit) the application")
def submit(number: NumberPath, secret: SecretDep, service: ServiceDep) -> dict[str, Any]:
    return service.submit(number, secret)


@router.get("/v1/applications/{number}", summary="The application, its documents and history")
def view(number: NumberPath, secret: SecretDep, service: ServiceDep,
         response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"
    return service.view(number, secret)


@router.get("/v1/applications/{number}/letter.pdf", summary="The decision letter (PDF)",
            response_class=Response)
def letter(number: NumberPath, secret: SecretDep, service: ServiceDep) -> Response:
    return Response(service.letter(number, secret), media_type="application/pdf",
                    headers={"Cache-Control": "no-store",
                             "Content-Disposition": f'inline; filename="{number}.pdf"'})


@router.post("/v1/applications/{number}/withdraw", summary="Withdraw the application")
def withdraw(number: NumberPath, secret: SecretDep, service: ServiceDep) -> dict[str, Any]:
    return service.withdraw(number, secret)


@router.post("/v1/applications/{number}/payment", summary="Start paying the fee")
def payment(number: NumberPath, secret: SecretDep, service: ServiceDep,
            provider: str = "local") -> dict[str, Any]:
    return service.start_payment(number, secret, provider)


@router.post("/v1/applications/recover", summary="Send a recovery code to the phone")
def recover(body: RecoverIn, service: ServiceDep) -> dict[str, Any]:
    return service.recover_start(body.id_number)


@router.post("/v1/applications/{number}/recover", summary="Exchange a code for a new secret")
def recover_code(number: NumberPath, body: RecoverCodeIn, service: ServiceDep) -> dict[str, Any]:
    return service.recover_finish(number, body.code)


# --------------------------------------------------------------------------- payments


@router.post("/v1/payments/{provider}/callback", summary="A payment provider's callback",
             max_body_size=CALLBACK_BODY_LIMIT)
async def callback(provider: str, request: Request) -> dict[str, Any]:
    svc = app_service(request.app)
    body = await request.body()
    return await asyncio.to_thread(svc.payment_callback, provider, body,
                                   dict(request.headers))


@router.get("/v1/payments/{provider}/{reference}", summary="A payment's state")
def payment_state(provider: str, reference: str, service: ServiceDep) -> dict[str, Any]:
    return service.payment(provider, reference)


@router.post("/v1/payments/local/{reference}/pay",
             summary="Pay on the local provider's page (the built-in provider only)")
def pay_locally(reference: str, service: ServiceDep) -> dict[str, Any]:
    """What the local provider's payment page does when the payer confirms: the provider
    sends its signed callback, which the platform handles like any other."""
    from .payment import LocalProvider

    local = service.payments.get("local")
    assert isinstance(local, LocalProvider)
    state = service.payment("local", reference)
    body, headers = local.callback(reference, int(state["amount"]))
    return service.payment_callback("local", body, headers)


# --------------------------------------------------------------------------- officers


@router.get("/v1/officer/applications", summary="The review queue, by due date")
def queue(who: OfficerDep, service: ServiceDep,
          stage: Literal["review", "production", "all"] = "review") -> dict[str, Any]:
    return {"applications": service.queue(who, stage=stage)}


@router.get("/v1/officer/applications/{number}", summary="A case, its documents and checks")
def officer_view(number: NumberPath, who: OfficerDep, service: ServiceDep,
                 response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"
    return service.officer_view(who, number)


@router.get("/v1/officer/applications/{number}/documents/{kind}",
            summary="A document's image")
def officer_document(number: NumberPath, kind: str, who: OfficerDep,
                     service: ServiceDep) -> Response:
    ctype, data = service.officer_document(who, number, kind)
    return Response(data, media_type=ctype, headers={"Cache-Control": "no-store"})


@router.post("/v1/officer/applications/{number}/claim", summary="Claim a case for review")
def claim(number: NumberPath, who: OfficerDep, service: ServiceDep) -> dict[str, Any]:
    return service.claim(who, number)


@router.post("/v1/officer/applications/{number}/decision",
             summary="Approve, request a correction, or refuse (with reasons)")
def decision(number: NumberPath, body: DecisionIn, who: OfficerDep,
             service: ServiceDep) -> dict[str, Any]:
    return service.decide(who, number, body.decision, body.reasons)


@router.post("/v1/officer/applications/{number}/dispatch",
             summary="Post by EMS (tracking number) or mark ready for collection")
def dispatch(number: NumberPath, who: OfficerDep, service: ServiceDep,
             body: DispatchIn | None = None) -> dict[str, Any]:
    return service.dispatch(who, number, body.tracking_number if body else None)


@router.post("/v1/officer/applications/{number}/collect", summary="Hand the document over")
def collect(number: NumberPath, who: OfficerDep, service: ServiceDep) -> dict[str, Any]:
    return service.collect(who, number)

