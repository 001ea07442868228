"""Measure 10: online filing of the foreigner arrival card, its channels and exemptions.

References:
    M10.1, M10.1.1 … M10.1.5, M10.2, M10.3, M10.3.1 … M10.3.7; annex 4, A4.1, A4.2
    (law/announcement.yaml).
    policy/data/m10/channels.yaml (``m10.channels``): the online channels from 2025-11-20
    and the paper card (in force before the project's records begin).
    policy/data/m10/exemptions.yaml (``m10.exemptions``): the seven exempt groups from
    2025-11-20.
    research/facts.md §6.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from churujing.decision import Condition, Decision, Text
from churujing.facts import DayOrDateTime, FactsModel, canonical_document, day_of
from churujing.i18n import T
from churujing.measures._common import policy_or_default
from churujing.policy import Policy
from churujing.policy.loader import Item
from churujing.refs import CountryName

__all__ = ["CLAUSE", "ID", "TITLE", "VALUE_LABELS", "Facts", "decide"]

ID = "arrival-card"
CLAUSE = "M10"
TITLE = T("实施外国人入境卡网上填报")



Document = Annotated[
    Literal[
        "passport",
        "permanent_residence_id",
        "hk_macau_home_return_permit",
        "hk_macau_resident_permit",
        "travel_document",
        "other",
    ],
    AfterValidator(canonical_document),
]

EntryMode = Literal[
    "individual",
    "visa",
    "visa_free",
    "visa_free_transit_240h",
    "port_visa",
    "group_visa",
    "group_visa_free",
    "direct_transit_24h",
    "cruise_same_ship",
    "fast_track",
    "crew",
    "other",
]

# What each document and way of entry is called (the arrival-card service's words).
_HOME_RETURN_PERMIT = T("港澳居民来往内地通行证（非中国籍）")
VALUE_LABELS: Mapping[str, Mapping[str, Text]] = {
    "document": {
        "passport": T("护照"),
        "permanent_residence_id": T("外国人永久居留身份证"),
        "hk_macau_home_return_permit": _HOME_RETURN_PERMIT,
        "hk_macau_resident_permit": _HOME_RETURN_PERMIT,  # facts.DOCUMENT_ALIASES
        "travel_document": T("旅行证件"),
        "other": T("其他"),
    },
    "entry_mode": {
        "individual": T("个人入境（持签证或免签）"),
        "visa": T("签证"),
        "visa_free": T("免签"),
        "visa_free_transit_240h": T("240小时过境免签"),
        "port_visa": T("口岸签证"),
        "group_visa": T("持团体签证"),
        "group_visa_free": T("团体免签入境"),
        "direct_transit_24h": T("24小时直接过境（不离开口岸限定区域）"),
        "cruise_same_ship": T("乘坐邮轮入出境并随原邮轮返回"),
        "fast_track": T("快捷通道入境"),
        "crew": T("交通运输工具的外国籍员工"),
        "other": T("其他"),
    },
}

class Facts(FactsModel):
    """Facts for the foreigner arrival card (M10)."""

    nationality: CountryName = Field(
        description="nationality: ISO code or name (CN, and HK/MO/TW as regions of China, "
        "are Chinese citizens, who do not file the card)",
    )
    entry_date: DayOrDateTime = Field(
        description="day of entry: YYYY-MM-DD or an ISO 8601 date-time (Beijing time when "
        "no offset is given)"
    )
    document: Document = Field(
        default="passport",
        description="document of entry: passport, permanent_residence_id (外国人永久居留身份证), "
        "hk_macau_home_return_permit (港澳居民来往内地通行证, non-Chinese nationality; alias "
        "hk_macau_resident_permit), travel_document, other",
    )
    entry_mode: EntryMode = Field(
        default="individual",
        description="how the traveller enters: individual, visa, visa_free, "
        "visa_free_transit_240h, port_visa, group_visa (团体签证), group_visa_free (团体免签), "
        "direct_transit_24h (24小时直接过境，不离开口岸限定区域), cruise_same_ship (随原邮轮返回), "
        "fast_track (快捷通道), crew (交通运输工具外国籍员工), other",
    )


def _matches(item: Item, values: Mapping[str, str]) -> bool:
    """True if any ``matches`` field of the exemption names the traveller's value."""
    rule = item.get("matches") or {}
    for fact, accepted in rule.items():
        wanted = values.get(str(fact))
        if wanted is not None and wanted in {canonical_document(str(a)) for a in accepted}:
            return True
    return False


def _exemption(item: Item, day: date) -> dict[str, str]:
    period = item.period(day) or item.periods[-1]
    clause = str(item.get("clause") or period.ref.clause or CLAUSE + ".3")
    return {"code": item.key, "clause": clause, "zh": str(item.get("zh", "")),
            "en": str(item.get("en", ""))}


def _channel(item: Item) -> dict[str, Any]:
    return {"code": item.key, "zh": item.get("zh"), "en": item.get("en"),
            "stage": item.get("stage"), "online": bool(item.get("online")),
            "url": item.get("url")}


def _earliest(items: Iterable[Item]) -> date | None:
    starts = [p.start for i in items for p in i.periods if p.start is not None]
    return min(starts) if starts else None


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月20日起，外国人来华前，可通过中国国家移民管理局政府网站、政务服务平台、“移民局12367”APP
    和微信（支付宝）小程序、手机端扫描入境卡填报码等渠道，在网上填报入境相关信息。对于不具备网上填报条件
    的外国人，可在抵达中国口岸出入境边防检查现场时，通过手机扫描二维码或使用现场智能设备在网上填报入境
    信息，或者填写纸质外国人入境卡。以下7种情形的外国人可免于填报：持中华人民共和国外国人永久居留身份证、
    持港澳居民来往内地通行证（非中国籍）、持团体签证或者符合团体免签入境、24小时直接过境不离开口岸限定
    区域、乘坐邮轮入出境并随原邮轮返回、快捷通道入境、出入境交通运输工具的外国籍员工等。（M10.1–M10.3）

    From 20 November 2025, before coming to China, foreign nationals may file their entry
    information online through the NIA website and government service platform, the
    "NIA 12367" app, the WeChat (Alipay) mini-program, or by scanning the arrival-card
    filing code. Those unable to file online may, on arrival at the border inspection,
    file online by scanning a QR code or on the on-site smart devices, or fill in the paper
    foreigner arrival card. Foreign nationals in 7 situations may be exempted from filing:
    Foreign Permanent Resident ID Card holders; holders of the Mainland Travel Permit for HK
    and Macau residents (non-Chinese nationality); group visa or group visa-free entry;
    24-hour direct transit without leaving the port restricted area; cruise passengers
    leaving with the same ship; fast-track (e-channel) entry; foreign crew of means of
    transport.

    Conditions, in this order: ``foreign_national`` (the card is for foreigners),
    ``online_filing_open`` (online filing in force on the day of entry). ``eligible`` means
    online filing is open to this traveller. Details: ``required`` (must file),
    ``exemption`` (the M10.3 situation that exempts, or null; an exempt traveller may still
    file), ``channels`` (the channels in force on the day).

    Limitations:
        * Chinese citizens are refused: nationality CN, and Hong Kong, Macau and Taiwan
          given as a nationality (regions of China). A Hong Kong or Macau resident of
          foreign nationality gives that nationality.
        * An unrecognised nationality is reported unmet with a warning, and ``required``
          stays true (the project does not assume an exemption it cannot see).
        * Before 2025-11-20 the project records no exemption: ``m10.exemptions`` starts on
          that day, so every foreigner is reported as required to fill in the paper card
          (the only channel then). Earlier practice for crews, cruise or airside transit
          passengers is not modelled; a warning says when the traveller's situation is
          exempt from 2025-11-20.
        * The exemption "等" (and the like) is read as the exhaustive list of seven.
        * A 24-hour direct-transit passenger is exempt only while staying airside; one
          who leaves the restricted area enters in another mode and files.
        * The day whose rules apply is the day of entry in Beijing time (or ``as_of``).
    """
    policy = policy_or_default(policy)
    day = as_of or day_of(facts.entry_date)
    channels_table = policy.table("m10.channels")
    exemptions_table = policy.table("m10.exemptions")
    warnings: list[Text] = []
    conditions: list[Condition] = []

    # 1. A foreign national (M10.1: 外国人).
    resolved = facts.nationality
    country = resolved.value
    chinese = country is not None and (country.code == "CN" or country.is_region)
    if country is None:
        conditions.append(Condition("foreign_national", CLAUSE + ".1", False, T(
            "未能识别国籍“{query}”，无法判断是否为外国人", query=resolved.query)))
    elif chinese:
        conditions.append(Condition("foreign_national", CLAUSE + ".1", False, T(
            "外国人入境卡由外国人填报；中国公民（{country}）无须填报", country=country.text)))
    else:
        conditions.append(Condition("foreign_national", CLAUSE + ".1", True, T(
            "{country}公民为外国人", country=country.text)))

    # 2. Online filing in force on the day (M10.1).
    online = [i for i in channels_table if i.get("online")]
    online_since = _earliest(online)
    active_channels = channels_table.active(day)
    is_open = any(i.get("online") for i in active_channels)
    if is_open:
        conditions.append(Condition("online_filing_open", CLAUSE + ".1", True, T(
            "外国人入境卡自{since}起可网上填报", since=str(online_since))))
    else:
        conditions.append(Condition("online_filing_open", CLAUSE + ".1", False, T(
            "{day}尚未开通外国人入境卡网上填报（自{since}起）；当时填写纸质外国人入境卡",
            day=str(day), since=str(online_since))))

    # Exemptions (M10.3) in force on the day; and those that start later (a warning).
    values = {"document": facts.document, "entry_mode": facts.entry_mode}
    exemption: dict[str, str] | None = None
    if not chinese:
        for item in exemptions_table.active(day):
            if _matches(item, values):
                exemption = _exemption(item, day)
                break
        if exemption is None:
            for item in exemptions_table:
                start = _earliest([item])
                if start is not None and day < start and _matches(item, values):
                    found = _exemption(item, start)
                    warnings.append(T(
                        "此情形自{since}起可免于填报（{clause}）；此前的做法本项目未记录",
                        since=str(start), clause=found["clause"]))
                    break

    required = not chinese and exemption is None
    channels = [] if chinese else [_channel(i) for i in active_channels]
    details: dict[str, Any] = {
        "nationality": ({"code": country.code, "zh": country.zh, "en": country.en}
                        if country is not None else None),
        "required": required,
        "exemption": exemption,
        "channels": channels,
    }
    return Decision(
        measure=ID,
        as_of=day,
        conditions=tuple(conditions),
        details=details,
        warnings=tuple(warnings),
        data_version=policy.version,
    )
