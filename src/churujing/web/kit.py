"""The boarding kit: a printable bilingual PDF of a trip's answer, for the passenger and the
airline's agent — the verdict, the deadline, the map, the conditions with the clauses
quoted in Chinese and English, the data version, and a QR code carrying the answer signed
with Ed25519 (:mod:`churujing.trips.signing`), which ``churujing verify`` checks offline.

Rendered with WeasyPrint from ``web/templates/trip_kit.html``; the CJK text needs a
Chinese font on the machine (``make system-deps`` installs WenQuanYi Micro Hei).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, Any

import segno
import typer
from starlette.responses import Response

from churujing.decision import Text
from churujing.facts import BEIJING
from churujing.law import clause
from churujing.trips.engine import EntryAnswer, TripAnswer, deadline_of
from churujing.trips.regimes import REGIME_TITLES
from churujing.trips.signing import BadToken, payload_of, public_key_from, sign, verify
from churujing.trips.words import leave_by, verdict, weekday_date
from churujing.web import templates_env

__all__ = ["boarding_kit", "kit_html", "token_of", "verify_command"]


def token_of(answer: TripAnswer, issued: datetime | None = None) -> str:
    """The signed token of an answer (what the QR code carries)."""
    return sign(payload_of(answer, issued or datetime.now(BEIJING)))


def _both(text: Text) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def _entry(answer: EntryAnswer, n: int) -> dict[str, Any]:
    from churujing.trips.maps import area_svg

    deadline = deadline_of(answer)
    e = answer.entry
    quoted: dict[str, dict[str, str]] = {}
    for c in answer.best.conditions:
        if c.clause not in quoted:
            law = clause(c.clause)
            quoted[c.clause] = {"zh": law.text.zh, "en": law.text.en}
    card = answer.arrival_card.details
    exemption = card.get("exemption")
    return {
        "n": n + 1,
        "port": _both(e.port.text),
        "arrive": _both(weekday_date(e.arrive)),
        "arrive_time": e.arrive.strftime("%H:%M"),
        "route": {"zh": f"{e.origin.text.zh} → {e.destination.text.zh if e.destination else '—'}",
                  "en": f"{e.origin.text.en} → {e.destination.text.en if e.destination else '—'}"},
        "regime": _both(REGIME_TITLES[answer.best.regime]),
        "verdict": _both(verdict(answer)),
        "refused": deadline is None,
        "deadline": _both(leave_by(deadline)) if deadline else None,
        "map": area_svg(answer, "zh") if deadline is not None else "",
        "conditions": [{"met": c.met, "clause": c.clause, "zh": c.text.zh, "en": c.text.en}
                       for c in answer.best.conditions],
        "clauses": [{"id": k, **v} for k, v in quoted.items()],
        "card": {"required": card.get("required"),
                 "exemption": exemption},
    }


def kit_html(answer: TripAnswer, *, base_url: str = "", issued: datetime | None = None
             ) -> tuple[str, str]:
    """The kit's HTML and the token its QR code carries."""
    issued = issued or datetime.now(BEIJING)
    token = token_of(answer, issued)
    qr = segno.make(token, error="m")
    facts = answer.facts
    nationality = facts.nationality.value if facts is not None else None
    html = templates_env.get_template("trip_kit.html").render({
        "lang": "zh",
        "entries": [_entry(a, n) for n, a in enumerate(answer.entries)],
        "nationality": _both(nationality.text) if nationality else None,
        "passport_expiry": (facts.passport_expiry.isoformat()
                            if facts is not None and facts.passport_expiry else "—"),
        "data_version": answer.data_version,
        "issued": issued.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
        "token": token,
        "qr": qr.svg_data_uri(scale=3, border=2),
        "keys_url": base_url.rstrip("/") + "/v1/keys" if base_url else "/v1/keys",
        "warnings": [_both(w) for w in answer.warnings],
    })
    return html, token


def boarding_kit(answer: TripAnswer, *, base_url: str = "",
                 issued: datetime | None = None) -> bytes:
    """The boarding kit as PDF bytes."""
    from weasyprint import HTML

    html, _token = kit_html(answer, base_url=base_url, issued=issued)
    pdf: bytes = HTML(string=html, base_url=base_url or None).write_pdf()
    return pdf


def verify_command(
    token: Annotated[str, typer.Argument(help="the token a boarding kit's QR code carries")],
    key: Annotated[str | None, typer.Option(
        "--key", help="the public key to trust: `x` or PEM from GET /v1/keys, the JSON of "
        "GET /v1/keys, or a file holding one; default: this installation's own key")] = None,
) -> None:
    """Check a boarding kit's signed answer offline; print it (exit 0) or say why not (1)."""
    try:
        trusted = [public_key_from(key)] if key else None
        payload = verify(token, trusted)
    except (BadToken, ValueError) as exc:
        sys.stderr.write(f"invalid: {exc}\n")
        raise typer.Exit(1) from None
    sys.stdout.write(json.dumps({"valid": True, "answer": payload}, ensure_ascii=False) + "\n")


PDF = "application/pdf"
ICS = "text/calendar"


def kit_response(answer: TripAnswer, base_url: str) -> Response:
    """A trip's boarding kit as a PDF response (the API's and the trip page's)."""
    return Response(boarding_kit(answer, base_url=base_url), media_type=PDF,
                    headers={"Content-Disposition": 'inline; filename="boarding-kit.pdf"'})


def calendar_response(answer: TripAnswer) -> Response:
    """A trip's leave-by deadline as an iCalendar response."""
    from churujing.trips.calendar import leave_by_calendar

    return Response(leave_by_calendar(answer), media_type=f"{ICS}; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="leave-by.ics"'})
