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

from churujing import predicates
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.facts import (
    DayOrDateTime,
    FactsModel,
    Nationality,
    canonical_document,
    day_of,
    day_of_event,
)
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default
from churujing.places import Country
from churujing.policy import Policy
from churujing.policy.loader import Item
from churujing.predicates import chinese_citizen

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "VALUE_LABELS", "DayRules", "Facts", "decide",
           "foreign_national", "rules_on"]

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
    """Facts for the foreigner arrival card (M10). Chinese citizens (CN, and HK, MO or TW
    given as a nationality) do not file the card."""

    nationality: Nationality
    entry_date: DayOrDateTime = day_of_event("entry")
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


#: The conditions, in the order an answer reports them, each beside the words of its clause.
CONDITIONS = Conditions(
    # M10.1 自2025年11月20日起，外国人来华前，……
    Spec("foreign_national", "M10.1", law="外国人来华前",
         unknown=T("未能识别国籍“{query}”，无法判断是否为外国人")),
    # M10.1 ……可通过……等渠道，在网上填报入境相关信息
    Spec("policy_in_force", "M10.1", law="在网上填报入境相关信息"),
)
_FOREIGN = CONDITIONS["foreign_national"]
_ONLINE = CONDITIONS["policy_in_force"]


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


def foreign_national(country: Country) -> Condition:
    """The card is for foreigners (M10.1; :func:`churujing.predicates.foreign_national`);
    it depends on the nationality alone."""
    if not predicates.foreign_national(country):
        return _FOREIGN(False, T("外国人入境卡由外国人填报；中国公民（{country}）无须填报",
                                 country=country.text))
    return _FOREIGN(True, T("{country}公民为外国人", country=country.text))


class DayRules:
    """Measure 10's rules on one day: the channels and exemptions in force, and the
    answers that depend on them. :func:`decide` and the vectorised rule
    (:mod:`churujing.batch.m10`) both ask these (:func:`rules_on`)."""

    #: the policy data the rules read: a day on which none of them changes has the same rules
    TABLES = ("m10.channels", "m10.exemptions")
    PARAMETERS: tuple[str, ...] = ()

    def __init__(self, policy: Policy, day: date) -> None:
        self.day = day
        channels = policy.table("m10.channels")
        self.exemptions = policy.table("m10.exemptions")
        online_since = _earliest(i for i in channels if i.get("online"))
        self.channels = channels.active(day)
        self.active_exemptions = self.exemptions.active(day)
        if any(i.get("online") for i in self.channels):
            self.online_filing_open = _ONLINE(True, T(
                "外国人入境卡自{since}起可网上填报", since=str(online_since)))
        else:
            self.online_filing_open = _ONLINE(False, T(
                "{day}尚未开通外国人入境卡网上填报（自{since}起）；当时填写纸质外国人入境卡",
                day=str(day), since=str(online_since)))

    def exemption(self, document: str, entry_mode: str) -> dict[str, str] | None:
        """The situation of M10.3 in force on the day that exempts a foreigner entering
        with ``document`` in ``entry_mode`` (a fresh dict), or None."""
        values = {"document": document, "entry_mode": entry_mode}
        for item in self.active_exemptions:
            if _matches(item, values):
                return _exemption(item, self.day)
        return None

    def later_exemption(self, document: str, entry_mode: str) -> Text | None:
        """A warning when the situation is exempt only from a later day."""
        values = {"document": document, "entry_mode": entry_mode}
        for item in self.exemptions:
            start = _earliest([item])
            if start is not None and self.day < start and _matches(item, values):
                found = _exemption(item, start)
                return T("此情形自{since}起可免于填报（{clause}）；此前的做法本项目未记录",
                         since=str(start), clause=found["clause"])
        return None

    def channel_details(self) -> list[dict[str, Any]]:
        """The channels in force on the day (fresh dicts)."""
        return [_channel(i) for i in self.channels]


def rules_on(policy: Policy, day: date) -> DayRules:
    """Measure 10's rules on ``day``."""
    return DayRules(policy, day)


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
    ``policy_in_force`` (online filing in force on the day of entry). ``eligible`` means
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
    rules = rules_on(policy, day)
    warnings: list[Text] = []
    conditions: list[Condition] = []

    # 1. A foreign national (M10.1: 外国人).
    resolved = facts.nationality
    country = resolved.value
    chinese = country is not None and chinese_citizen(country)
    if country is None:
        conditions.append(_FOREIGN.unrecognised(query=resolved.query))
    else:
        conditions.append(foreign_national(country))

    # 2. Online filing in force on the day (M10.1).
    conditions.append(rules.online_filing_open)

    # Exemptions (M10.3) in force on the day; and those that start later (a warning).
    exemption: dict[str, str] | None = None
    if not chinese:
        exemption = rules.exemption(facts.document, facts.entry_mode)
        if exemption is None:
            later = rules.later_exemption(facts.document, facts.entry_mode)
            if later is not None:
                warnings.append(later)

    required = not chinese and exemption is None
    channels = [] if chinese else rules.channel_details()
    details: dict[str, Any] = {
        "nationality": ({"code": country.code, "zh": country.zh, "en": country.en}
                        if country is not None else None),
        "required": required,
        "exemption": exemption,
        "channels": channels,
    }
    return answer(ID, day, conditions, details, warnings, policy)
