"""Small pieces every measure uses: the policy default, name-resolution warnings."""

from __future__ import annotations

from typing import Any

from churujing.decision import Text
from churujing.places import Resolved
from churujing.policy import Policy, load_policy

__all__ = ["not_recognised", "policy_or_default"]


def policy_or_default(policy: Policy | None) -> Policy:
    """The given policy data, or the packaged one."""
    return policy if policy is not None else load_policy()


def not_recognised(what: Text, resolved: Resolved[Any]) -> Text:
    """The warning for a name that matched nothing known, with close matches if any."""
    warning = resolved.warning(what)
    if warning is None:
        raise ValueError(f"{resolved.query!r} was recognised; there is nothing to warn about")
    return warning
