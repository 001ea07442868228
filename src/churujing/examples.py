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
    (
        "talent-endorsement",
        T("在杭州工作、持人才证明的科研人才：往来港澳人才签注"),
        {
            "work_city": "杭州", "in_free_trade_zone": False, "talent_category": "research",
            "talent_certificate": True, "date": "2025-11-10",
        },
    ),
    (
        "taiwan-family-visit",
        T("户籍在四川、在上海申请往来台湾探亲签注"),
        {"hukou_province": "四川", "apply_city": "上海", "date": "2025-11-10"},
    ),
    (
        "online-renewal",
        T("苏州户籍居民网上换发普通护照"),
        {
            "hukou_city": "苏州", "age": 30, "document": "passport", "application": "renewal",
            "state_functionary": False, "active_military": False, "date": "2025-11-21",
            "reason": "expiring_within_6_months",
        },
    ),
    (
        "smart-clearance",
        T("持多次有效商务签注的内地居民经深圳皇岗口岸“刷脸”通关"),
        {
            "port": "皇岗", "date": "2025-11-10", "age": 35, "traveller": "mainland",
            "document": "eep_hk_macau", "endorsement": {"type": "business", "multiple": True},
            "biometric_consent": True,
        },
    ),
    (
        "direct-transit-24h",
        T("东京经南京禄口转机前往洛杉矶：24小时直接过境免办查验手续"),
        {
            "airport": "NKG", "arrival_time": "2025-11-10T08:00:00",
            "departure_time": "2025-11-10T20:00:00", "origin": "JP", "destination": "US",
            "connecting_ticket": True, "leaves_restricted_area": False,
        },
    ),
    (
        "taiwan-one-time-permit",
        T("未持有效台胞证的台湾居民抵达天津港：申请一次有效台胞证"),
        {"port": "天津港", "date": "2025-11-20", "taiwan_resident": True,
         "holds_valid_permit": False},
    ),
    (
        "arrival-card",
        T("美国游客2025年11月20日入境：网上填报外国人入境卡"),
        {"nationality": "US", "entry_date": "2025-11-20", "document": "passport",
         "entry_mode": "visa"},
    ),
    (
        "family-visit-extension",
        T("持探亲签注在香港逗留至2026年2月27日：最迟何日经香港中旅集团续办（跨春节）"),
        {"region": "HK", "endorsement": "family", "stay_expiry": "2026-02-27",
         "filing_date": "2026-02-11"},
    ),
    (
        "hetao-zone",
        T("在河套深圳园区科研院所工作并已备案的内地科研人员：可享哪些便利"),
        {"subject": "person", "date": "2025-11-10", "works_in_park": True,
         "filed_with_park_authority": True, "mainland_resident": True},
    ),
)
