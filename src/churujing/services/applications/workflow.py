"""The workflow of an online application: states, the allowed transitions, who may fire each.

Built on python-statemachine: :class:`Flow` is the machine, and everything else here (the
allowed events of a state, the table and the diagram in ``docs/applications.md``) is read
from it, so the documentation cannot drift from the code.

The path (facts.md §11; issue 14)::

    draft → submitted → (correction_requested ↔ resubmitted) → approved (awaiting payment)
          → paid → in_production → dispatched (EMS tracking number)
                                 | ready_for_collection → collected

and the exits: ``refused`` (in writing, with reasons and the review rights), ``withdrawn``
(by the applicant), ``lapsed`` (no payment within 7 days of approval).

Limitations:
    * An applicant may withdraw until payment; after payment the document is being made, and
      a refund is outside this platform (our reading).
    * A reviewer may refuse a case waiting for a correction (the correction is not made, or
      cannot cure the problem): ``correction_requested → refused`` (our reading).
    * ``dispatched`` is final: EMS delivers, and delivery is tracked by EMS, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed as _NotAllowed

from churujing.decision import Text
from churujing.i18n import T

from .errors import TransitionNotAllowed

__all__ = [
    "ACTORS",
    "EVENTS",
    "FINAL",
    "STATES",
    "Actor",
    "Flow",
    "Transition",
    "allowed",
    "edges",
    "fire",
    "mermaid",
    "table",
]

Actor = Literal["applicant", "reviewer", "officer", "system"]


class Flow(StateMachine):
    """An application's life, from draft to collection or one of the exits."""

    draft = State("Draft", initial=True)
    submitted = State("Submitted")
    correction_requested = State("Correction requested")
    resubmitted = State("Resubmitted")
    approved = State("Approved, awaiting payment")
    paid = State("Paid")
    in_production = State("In production")
    dispatched = State("Dispatched", final=True)
    ready_for_collection = State("Ready for collection")
    collected = State("Collected", final=True)
    refused = State("Refused", final=True)
    withdrawn = State("Withdrawn", final=True)
    lapsed = State("Lapsed", final=True)

    submit = draft.to(submitted)
    request_correction = submitted.to(correction_requested) | resubmitted.to(
        correction_requested)
    resubmit = correction_requested.to(resubmitted)
    approve = submitted.to(approved) | resubmitted.to(approved)
    refuse = (submitted.to(refused) | resubmitted.to(refused)
              | correction_requested.to(refused))
    pay = approved.to(paid)
    lapse = approved.to(lapsed)
    produce = paid.to(in_production)
    dispatch = in_production.to(dispatched)
    ready = in_production.to(ready_for_collection)
    collect = ready_for_collection.to(collected)
    withdraw = (draft.to(withdrawn) | submitted.to(withdrawn)
                | correction_requested.to(withdrawn) | resubmitted.to(withdrawn)
                | approved.to(withdrawn))


#: The states, in the order of the path, each with its Chinese and English label.
STATES: Mapping[str, Text] = {
    "draft": T("草稿"),
    "submitted": T("已提交"),
    "correction_requested": T("退回修改"),
    "resubmitted": T("已重新提交"),
    "approved": T("审核通过，待缴费"),
    "paid": T("已缴费"),
    "in_production": T("制证中"),
    "dispatched": T("已寄出"),
    "ready_for_collection": T("待领取"),
    "collected": T("已领取"),
    "refused": T("未通过"),
    "withdrawn": T("已撤回"),
    "lapsed": T("逾期未缴费，申请失效"),
}

#: The events, each with its label.
EVENTS: Mapping[str, Text] = {
    "submit": T("提交申请"),
    "request_correction": T("要求补正"),
    "resubmit": T("重新提交"),
    "approve": T("审核通过"),
    "refuse": T("不予批准"),
    "pay": T("缴费"),
    "lapse": T("逾期失效"),
    "produce": T("开始制证"),
    "dispatch": T("邮寄"),
    "ready": T("通知领取"),
    "collect": T("领取"),
    "withdraw": T("撤回申请"),
}

#: Who may fire each event. ``reviewer`` decides on the case; ``officer`` (or ``operator``)
#: runs production and hand-over; ``system`` is the payment callback and the scheduler.
ACTORS: Mapping[str, frozenset[Actor]] = {
    "submit": frozenset({"applicant"}),
    "resubmit": frozenset({"applicant"}),
    "withdraw": frozenset({"applicant"}),
    "request_correction": frozenset({"reviewer"}),
    "approve": frozenset({"reviewer"}),
    "refuse": frozenset({"reviewer"}),
    "pay": frozenset({"system"}),
    "lapse": frozenset({"system"}),
    "produce": frozenset({"officer", "system"}),
    "dispatch": frozenset({"officer"}),
    "ready": frozenset({"officer"}),
    "collect": frozenset({"officer"}),
}

FINAL: frozenset[str] = frozenset(s.id for s in Flow.final_states)


@dataclass(frozen=True, slots=True)
class Transition:
    """One step taken: from, to, by which event, who fired it, when and why."""

    event: str
    source: str
    target: str
    actor: Actor
    who: str
    at: datetime
    reasons: tuple[str, ...] = ()


def edges() -> list[tuple[str, str, str]]:
    """Every allowed transition as ``(source, event, target)``, read from :class:`Flow`."""
    out: list[tuple[str, str, str]] = []
    for state in Flow.states:
        for t in state.transitions:
            for event in t.events:
                out.append((t.source.id, str(event), t.target.id))
    return out


def allowed(state: str) -> list[str]:
    """The events allowed from ``state``, in the machine's order."""
    seen: list[str] = []
    for source, event, _ in edges():
        if source == state and event not in seen:
            seen.append(event)
    return seen


def fire(state: str, event: str) -> str:
    """The state after ``event`` from ``state``; :class:`TransitionNotAllowed` (409) otherwise."""
    if state not in STATES:
        raise TransitionNotAllowed(event, state, [])
    label = EVENTS.get(event, Text(event, event))
    if event not in EVENTS:
        raise TransitionNotAllowed(label, STATES[state], allowed(state))
    machine = Flow(start_value=state)
    try:
        machine.send(event)
    except _NotAllowed:
        raise TransitionNotAllowed(label, STATES[state], allowed(state)) from None
    return str(machine.current_state_value)


def mermaid() -> str:
    """The machine drawn as a Mermaid state diagram, by python-statemachine itself."""
    return format(Flow, "mermaid").rstrip() + "\n"


def table() -> str:
    """The allowed transitions as a Markdown table: from, event, to, who."""
    rows = ["| from | event | to | who |", "| --- | --- | --- | --- |"]
    for source, event, target in edges():
        who = ", ".join(sorted(ACTORS[event]))
        rows.append(f"| `{source}` {STATES[source].zh} | `{event}` {EVENTS[event].zh} "
                    f"| `{target}` {STATES[target].zh} | {who} |")
    return "\n".join(rows) + "\n"


def _write_docs(path: str) -> None:
    """Rewrite the generated blocks of ``path`` (docs/applications.md) from the machine."""
    from pathlib import Path

    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    for marker, body in (("workflow-diagram", f"```mermaid\n{mermaid()}```\n"),
                         ("workflow-table", table())):
        start, end = f"<!-- {marker} -->\n", f"<!-- /{marker} -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        text = head + start + body + end + tail
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import sys

    _write_docs(sys.argv[1] if len(sys.argv) > 1 else "docs/applications.md")
