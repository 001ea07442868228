"""Dated, cited policy data: every list and number of the announcement, as data."""

from churujing.policy.loader import (
    Change,
    Item,
    Parameter,
    Period,
    Policy,
    Ref,
    Table,
    Value,
    load_policy,
    load_policy_from,
)

__all__ = [
    "Change",
    "Item",
    "Parameter",
    "Period",
    "Policy",
    "Ref",
    "Table",
    "Value",
    "load_policy",
    "load_policy_from",
]
