"""Small pieces every measure uses: the policy default, name-resolution warnings."""

from __future__ import annotations

from typing import Any, Protocol

from churujing.decision import Text
from churujing.i18n import T
from churujing.policy import Policy, load_policy

__all__ = ["not_recognised", "policy_or_default"]


class _Resolved(Protocol):
    query: str
    value: Any
    suggestions: tuple[str, ...]


def policy_or_default(policy: Policy | None) -> Policy:
    """The given policy data, or the packaged one."""
    return policy if policy is not None else load_policy()


def not_recognised(what: Text, resolved: _Resolved) -> Text:
    """The warning for a name that matched nothing known, with close matches if any."""
    if resolved.suggestions:
        return T(
            "未能识别{what}“{query}”；您是否指：{suggestions}？",
            what=what,
            query=resolved.query,
            suggestions=Text.join(Text(s, s) for s in resolved.suggestions),
        )
    return T("未能识别{what}“{query}”。", what=what, query=resolved.query)
