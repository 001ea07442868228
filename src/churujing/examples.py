"""Worked examples, one per measure: what `churujing demo` (and the README) show."""

from __future__ import annotations

from typing import Any

from churujing.decision import Text
from churujing.i18n import T

__all__ = ["EXAMPLES"]

EXAMPLES: tuple[tuple[str, Text, dict[str, Any]], ...] = (
    (
        "visa-free-transit-240h",
        T("德国游客经上海浦东入境、前往日本：240小时过境免签"),
        {
            "nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
            "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
            "departure_time": "2025-11-18T10:00:00", "onward_ticket": True,
            "purpose": "tourism",
        },
    ),
)
