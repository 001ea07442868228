"""The application workflow: the path and exits of issue 14, read from the machine itself."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from churujing.services.applications import TransitionNotAllowed
from churujing.services.applications import workflow as wf

DOC = Path(__file__).parents[2] / "docs" / "applications.md"

PATH = ["draft", "submitted", "correction_requested", "resubmitted", "approved", "paid",
        "in_production", "ready_for_collection", "collected"]


def test_the_whole_path_runs_from_draft_to_collection() -> None:
    state = "draft"
    for event in ["submit", "request_correction", "resubmit", "approve", "pay", "produce",
                  "ready", "collect"]:
        state = wf.fire(state, event)
    assert state == "collected"


@pytest.mark.parametrize(("state", "event", "target"), [
    ("in_production", "dispatch", "dispatched"),
    ("submitted", "refuse", "refused"),
    ("resubmitted", "refuse", "refused"),
    ("approved", "lapse", "lapsed"),
    ("draft", "withdraw", "withdrawn"),
    ("approved", "withdraw", "withdrawn"),
    ("resubmitted", "request_correction", "correction_requested"),
])
def test_the_exits_and_branches(state: str, event: str, target: str) -> None:
    assert wf.fire(state, event) == target


@pytest.mark.parametrize(("state", "event"), [
    ("draft", "approve"),            # a draft is not reviewed
    ("paid", "approve"),
    ("approved", "dispatch"),        # nothing is posted before payment and production
    ("paid", "withdraw"),            # once paid, the document is being made
    ("collected", "refuse"),         # final states allow nothing
    ("lapsed", "pay"),               # a lapsed application cannot be paid any more
    ("submitted", "resubmit"),       # only a requested correction is resubmitted
    ("submitted", "fly"),            # no such event
])
def test_a_step_the_machine_does_not_allow_is_a_409(state: str, event: str) -> None:
    with pytest.raises(TransitionNotAllowed) as info:
        wf.fire(state, event)
    assert info.value.status == 409
    assert list(info.value.allowed) == wf.allowed(state)


def test_final_states_allow_nothing_and_are_the_ends_of_the_issue() -> None:
    assert {"dispatched", "collected", "refused", "withdrawn", "lapsed"} == wf.FINAL
    for state in wf.FINAL:
        assert wf.allowed(state) == []


def test_every_state_and_event_has_zh_and_en_labels_and_an_actor() -> None:
    assert set(wf.STATES) == {s.id for s in wf.Flow.states}
    assert set(wf.EVENTS) == {e.id for e in wf.Flow.events}
    assert set(wf.ACTORS) == set(wf.EVENTS)
    for text in [*wf.STATES.values(), *wf.EVENTS.values()]:
        assert text.zh != text.en, text.zh


def test_every_state_of_the_path_is_reachable_in_order() -> None:
    targets = {(s, t) for s, _, t in wf.edges()}
    for a, b in itertools.pairwise(PATH):
        assert (a, b) in targets, (a, b)


def _block(text: str, marker: str) -> str:
    found = re.search(rf"<!-- {marker} -->\n(.*?)<!-- /{marker} -->", text, re.S)
    assert found, f"docs/applications.md has no {marker} block"
    return found.group(1)


def test_the_docs_draw_the_transitions_from_the_machine() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert _block(text, "workflow-diagram") == f"```mermaid\n{wf.mermaid()}```\n"
    assert _block(text, "workflow-table") == wf.table()
