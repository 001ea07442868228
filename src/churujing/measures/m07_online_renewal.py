"""Measure 7: fully-online renewal and replacement of exit-entry documents (出入境证件"全程网办").

References:
    M07.1, M07.2, M07.2.1 … M07.2.30 (law/announcement.yaml).
    policy/data/m07/pilot_cities.yaml (``m07.pilot_cities``): the 20 original pilot cities
    (from 2024-05-06) and the 30 of M07.2 (from 2025-11-20).
    policy/data/m07/params.yaml: ``m07.min_age``, ``m07.documents``, ``m07.applications``,
    ``m07.excluded``, ``m07.qualifying_situations``, ``m07.requires_previous_document``,
    ``m07.requires_fingerprints_on_file``, ``m07.processing_working_days``, ``m07.channels``.
    research/facts.md §1 (the 2024 pilot; conditions, channels, 7 working days).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import Field

from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.facts import ApplicationDay, FactsModel, age_on, division_of
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default, required, required_or_first
from churujing.policy import Policy
from churujing.refs import CityName

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "VALUE_LABELS", "Facts", "decide"]

ID = "online-renewal"
CLAUSE = "M07"
TITLE = T("出入境证件换发补发“全程网办”")

# The conditions, in the order answers report them, each under the words of M07.1 it rests on.
CONDITIONS = Conditions(
    # M07.1 自2025年11月20日起，将现有的20个试点城市增加至50个，试点城市……户籍居民……
    #   The city of household registration is a pilot city on the day; a city of M07.2 cites
    #   its own line there.
    Spec("pilot_city", "M07.1", law="试点城市16周岁以上户籍居民",
         unknown=T("未能识别户籍城市“{city}”，无法判断是否为试点城市")),
    # M07.1 ……16周岁以上……
    Spec("min_age", "M07.1", law="16周岁以上"),
    # M07.1 ……（登记备案的国家工作人员和现役军人除外）……
    Spec("not_state_functionary", "M07.1", law="登记备案的国家工作人员"),
    Spec("not_active_military", "M07.1", law="现役军人除外"),
    # M07.1 ……网上申请换发补发普通护照、往来港澳通行证、往来台湾通行证……
    Spec("document", "M07.1", law="普通护照、往来港澳通行证、往来台湾通行证"),
    Spec("application", "M07.1", law="网上申请换发补发"),
    # Not printed in the announcement: the situations that call for renewal or replacement,
    #   the document held before and the fingerprints on file are the 2024 pilot's
    #   conditions of the same online service (research/facts.md §1).
    Spec("reason", "M07.1", law="换发补发"),
    Spec("previous_document", "M07.1", law="换发补发"),
    Spec("fingerprints", "M07.1", law="可以通过国家移民管理局政务服务平台网上申请"),
)
_PILOT_CITY, _MIN_AGE, _FUNCTIONARY, _MILITARY, _DOCUMENT, _APPLICATION = (
    CONDITIONS[c] for c in ("pilot_city", "min_age", "not_state_functionary",
                            "not_active_military", "document", "application"))
_REASON, _PREVIOUS, _FINGERPRINTS = (
    CONDITIONS[c] for c in ("reason", "previous_document", "fingerprints"))

Day = date
Document = Literal["passport", "eep_hk_macau", "eep_taiwan"]
Application = Literal["renewal", "replacement", "first"]
Reason = Literal["damaged", "lost_stolen", "pages_full", "expiring_within_6_months", "other"]

_DOCUMENTS: Mapping[str, Text] = {
    "passport": T("普通护照"),
    "eep_hk_macau": T("往来港澳通行证"),
    "eep_taiwan": T("往来台湾通行证"),
}
_APPLICATIONS: Mapping[str, Text] = {
    "renewal": T("换发"),
    "replacement": T("补发"),
    "first": T("首次申领"),
}
_REASONS: Mapping[str, Text] = {
    "damaged": T("证件损毁"),
    "lost_stolen": T("证件遗失或被盗"),
    "pages_full": T("护照签证页用完"),
    "expiring_within_6_months": T("证件有效期不足6个月"),
    "other": T("其他情形"),
}
VALUE_LABELS: Mapping[str, Mapping[str, Text]] = {
    "document": _DOCUMENTS, "application": _APPLICATIONS, "reason": _REASONS,
}


class Facts(FactsModel):
    """Facts for renewing or replacing an exit-entry document online (M07)."""

    hukou_city: CityName = division_of("city of household registration (户籍)", "苏州, 320500")
    age: int = age_on("application")
    document: Document = Field(
        description="passport (普通护照), eep_hk_macau (往来港澳通行证) or eep_taiwan "
        "(往来台湾通行证)",
    )
    application: Application = Field(
        description="renewal (换发), replacement (补发) or first (首次申领)",
    )
    state_functionary: bool = Field(
        description="a registered state functionary (登记备案的国家工作人员)",
    )
    active_military: bool = Field(description="an active serviceman (现役军人)")
    date: ApplicationDay
    reason: Reason | None = Field(
        default=None,
        description="why: damaged (证件损毁), lost_stolen (遗失被盗), pages_full (护照签证页用完), "
        "expiring_within_6_months (有效期不足6个月) or other; absent: to be confirmed",
    )
    holds_previous_document: bool | None = Field(
        default=None,
        description="a document of the same kind was issued before and is still within its "
        "validity (for a replacement: the lost or stolen one); absent: to be confirmed",
    )
    fingerprints_on_file: bool | None = Field(
        default=None,
        description="fingerprints were taken at an earlier application; absent: to be "
        "confirmed",
    )


def _either(texts: Sequence[Text]) -> Text:
    """换发、补发 / renewal and replacement."""
    en = [t.en for t in texts]
    return Text("、".join(t.zh for t in texts),
                " and ".join([", ".join(en[:-1]), en[-1]] if len(en) > 2 else en))


def _label(labels: Mapping[str, Text], code: str) -> Text:
    return labels.get(code, Text(code, code))


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月20日起，将现有的20个试点城市增加至50个，试点城市16周岁以上户籍居民（登记备案的国家
    工作人员和现役军人除外），可以通过国家移民管理局政务服务平台网上申请换发补发普通护照、往来港澳通行证、
    往来台湾通行证，可不必前往出入境窗口办理，为中国公民办理出入境证件提供更大便利。（M07.1；新增30个
    试点城市见M07.2）

    From 20 November 2025, the 20 pilot cities are increased to 50; residents aged 16 or
    above with household registration in a pilot city (except registered state
    functionaries and active servicemen) may apply online through the NIA government
    service platform for renewal or replacement of an ordinary passport, an Exit-Entry
    Permit for travelling to and from HK and Macau or an Exit-Entry Permit for travelling to
    and from Taiwan, without going to an exit-entry service window.

    Conditions, in this order: ``pilot_city``, ``min_age``, ``not_state_functionary``,
    ``not_active_military``, ``document``, ``application``, ``reason``,
    ``previous_document``, ``fingerprints``. Details: ``channels``,
    ``processing_working_days``, ``pilot_cities`` (how many on the day), ``instead`` (what
    to do when refused: apply at an exit-entry window).

    Limitations:
        * Optional facts that are absent (``reason``, ``holds_previous_document``,
          ``fingerprints_on_file``) are conditions "to be confirmed": reported as met, with
          a text saying the applicant must confirm them before applying. Only a fact given
          as false (or ``reason: other``) refuses.
        * The four qualifying situations, the previous document and the fingerprints are
          not printed in the announcement; they come from the 2024 pilot and a 2025 city
          guide (facts §1; fingerprints MED). Which situation calls for renewal (换发) and
          which for replacement (补发) follows the Passport Law, art. 11 (our reading for
          all three documents): a reason that does not match the application refuses.
        * A first application (``first``) is never online: ``application`` is unmet, and
          ``reason`` and ``previous_document`` cannot be met either (there is no document
          to renew or replace), reported as such.
        * "16周岁以上" is read as age ≥ 16 in full years on the day of application.
        * Before the pilot began (2024-05-06) only ``pilot_city`` refuses for that reason;
          the other conditions are checked against the pilot's first rules.
        * The pilot city is the city of household registration; where the applicant lives
          does not matter. The 20 original cities are in force from 2024-05-06 (facts §1).
    """
    day = as_of or facts.date
    pol = policy_or_default(policy)
    warnings: list[Text] = []
    conditions: list[Condition] = []
    cities = pol.table("m07.pilot_cities")

    # --- pilot_city (M07.1, M07.2.j) ----------------------------------------------------------
    resolved = facts.hukou_city
    city = resolved.value
    count = len(cities.active(day))
    if city is None:
        conditions.append(_PILOT_CITY.unrecognised(city=resolved.query))
    else:
        # a county or district answers through its prefecture-level city: its residents
        # are the city's 户籍居民 (docs/readings.md)
        key = city.code if cities.get(city.code) is not None else city.prefecture
        name = city.short_text
        period = cities.period(key, day)
        item = cities.get(key)
        later = min((p.start for p in item.periods if p.start and p.start > day),
                    default=None) if item is not None else None
        if period is not None:
            conditions.append(_PILOT_CITY(True, T(
                "户籍城市{city}是“全程网办”试点城市（该日共{count}个）", city=name, count=count),
                period.ref.clause))
        elif later is not None:
            conditions.append(_PILOT_CITY(False, T(
                "户籍城市{city}在{day}尚不是“全程网办”试点城市；自{start}起成为试点城市",
                city=name, day=day.isoformat(), start=later.isoformat())))
        else:
            conditions.append(_PILOT_CITY(False, T(
                "户籍城市{city}在{day}不是“全程网办”试点城市（该日共{count}个）",
                city=name, day=day.isoformat(), count=count)))

    # --- min_age (M07.1) -----------------------------------------------------------------------
    # Before the pilot (2024-05-06) only pilot_city refuses for that reason; the other
    # conditions are checked against the pilot's first rules (required_or_first), so the
    # answer still says what else would be needed.
    min_age = required_or_first(pol, "m07.min_age", day)
    if facts.age >= min_age:
        conditions.append(_MIN_AGE(True, T(
            "年满{min}周岁（{age}岁）", min=min_age, age=facts.age)))
    else:
        conditions.append(_MIN_AGE(False, T(
            "未满{min}周岁（{age}岁）", min=min_age, age=facts.age)))

    # --- not_state_functionary, not_active_military (M07.1) ----------------------------------
    excluded: Sequence[str] = required_or_first(pol, "m07.excluded", day)
    if "state_functionary" in excluded and facts.state_functionary:
        conditions.append(_FUNCTIONARY(False, T(
            "登记备案的国家工作人员不适用网上办理")))
    else:
        conditions.append(_FUNCTIONARY(True, T(
            "不是登记备案的国家工作人员")))
    if "active_military" in excluded and facts.active_military:
        conditions.append(_MILITARY(False, T(
            "现役军人不适用网上办理")))
    else:
        conditions.append(_MILITARY(True, T("不是现役军人")))

    # --- document (M07.1) ----------------------------------------------------------------------
    documents: Sequence[str] = required_or_first(pol, "m07.documents", day)
    doc = _label(_DOCUMENTS, facts.document)
    if facts.document in documents:
        conditions.append(_DOCUMENT(True, T(
            "{document}可网上换发补发", document=doc)))
    else:
        conditions.append(_DOCUMENT(False, T(
            "{document}在该日不能网上换发补发", document=doc)))

    # --- application (M07.1) -------------------------------------------------------------------
    applications: Sequence[str] = required_or_first(pol, "m07.applications", day)
    kind = _label(_APPLICATIONS, facts.application)
    online_kind = facts.application in applications
    if online_kind:
        conditions.append(_APPLICATION(True, T(
            "申请种类：{kind}", kind=kind)))
    else:
        conditions.append(_APPLICATION(False, T(
            "{kind}不能网上办理，只有{online}可以", kind=kind,
            online=_either([_label(_APPLICATIONS, a) for a in applications]))))

    # --- reason (the qualifying situations; facts §1) -------------------------------------------
    situations: Mapping[str, str] = required_or_first(pol, "m07.qualifying_situations", day)
    listed = Text.join([_label(_REASONS, r) for r in situations])
    if not online_kind:
        conditions.append(_REASON(False, T(
            "{kind}没有可换发补发的原证件，不适用换发补发的情形", kind=kind)))
    elif facts.reason is None:
        conditions.append(_REASON(True, T(
            "待申请人确认：须属于以下情形之一：{situations}", situations=listed)))
    elif situations.get(facts.reason) == facts.application:
        conditions.append(_REASON(True, T(
            "情形：{reason}，可申请{kind}", reason=_label(_REASONS, facts.reason), kind=kind)))
    elif facts.reason in situations:
        conditions.append(_REASON(False, T(
            "{reason}应申请{right}，而不是{kind}", reason=_label(_REASONS, facts.reason),
            right=_label(_APPLICATIONS, situations[facts.reason]), kind=kind)))
    else:
        conditions.append(_REASON(False, T(
            "{reason}不属于可网上换发补发的情形（{situations}）",
            reason=_label(_REASONS, facts.reason), situations=listed)))

    # --- previous_document (facts §1) ------------------------------------------------------------
    if not online_kind:
        conditions.append(_PREVIOUS(False, T(
            "{kind}：此前没有领取过同类证件", kind=kind)))
    elif not required_or_first(pol, "m07.requires_previous_document", day):
        conditions.append(_PREVIOUS(True, T(
            "无须此前领取过同类证件")))
    elif facts.holds_previous_document is None:
        conditions.append(_PREVIOUS(True, T(
            "待申请人确认：此前领取过{document}且仍在有效期内", document=doc)))
    elif facts.holds_previous_document:
        conditions.append(_PREVIOUS(True, T(
            "此前领取过{document}且仍在有效期内", document=doc)))
    else:
        conditions.append(_PREVIOUS(False, T(
            "此前没有领取过{document}，或原证件已过有效期", document=doc)))

    # --- fingerprints (facts §1) -----------------------------------------------------------------
    if not required_or_first(pol, "m07.requires_fingerprints_on_file", day):
        conditions.append(_FINGERPRINTS(True, T("无须此前已采集指纹")))
    elif facts.fingerprints_on_file is None:
        conditions.append(_FINGERPRINTS(True, T(
            "待申请人确认：此前申请出入境证件时已采集指纹")))
    elif facts.fingerprints_on_file:
        conditions.append(_FINGERPRINTS(True, T(
            "此前申请出入境证件时已采集指纹")))
    else:
        conditions.append(_FINGERPRINTS(False, T(
            "此前未采集指纹，须到出入境窗口采集")))

    eligible = all(c.met for c in conditions)
    channels: Sequence[Mapping[str, Any]] = required(pol, "m07.channels", day) if eligible else ()
    details: dict[str, Any] = {
        "channels": [
            {"code": c["code"], "zh": c["zh"], "en": c["en"], **({"url": c["url"]} if
                                                                   c.get("url") else {})}
            for c in channels
        ],
        "processing_working_days": required(pol, "m07.processing_working_days", day)
        if eligible else None,
        "pilot_cities": count,
        "instead": None if eligible else T(
            "到公安机关出入境管理机构窗口申请办理{document}", document=doc),
    }
    return answer(ID, day, conditions, details, warnings, pol)
