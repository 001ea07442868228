"""Measure 8: renewing a family-visit endorsement (探亲签注) while in Hong Kong or Macau.

References:
    M08.1 (law/announcement.yaml).
    policy/data/m08/params.yaml: ``m08.start``, ``m08.min_working_days``, ``m08.channels``,
    ``m08.endorsement_types``, ``m08.default_calendar``.
    churujing.calendar: working days of CN (with 调休), HK and MO.
    research/facts.md §8 (the family-visit endorsement rules this measure builds on).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from churujing import places
from churujing.calendar import Calendar, calendar
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Notice, Text
from churujing.errors import DataError, FactsError
from churujing.facts import FactsModel
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default, required, required_or_first
from churujing.policy import Policy

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "VALUE_LABELS", "Facts", "decide"]

ID = "family-visit-extension"
CLAUSE = "M08"
TITLE = T("为持探亲签注往来港澳地区的内地居民在港澳地区续办同类型探亲签注提供便利")

# The conditions, in the order answers report them, each under the words of M08.1 it rests on.
CONDITIONS = Conditions(
    # M08.1 自2025年11月20日起，……
    Spec("policy_in_force", "M08.1", law="自2025年11月20日起"),
    # M08.1 ……内地居民持探亲签注往来香港、澳门探亲，……提交续办同类型探亲签注的申请。
    Spec("endorsement", "M08.1", law="内地居民持探亲签注往来香港、澳门探亲"),
    # M08.1 ……分别通过香港中旅集团、澳门中国旅行社……
    Spec("channel", "M08.1", law="分别通过香港中旅集团、澳门中国旅行社"),
    # M08.1 ……可于逗留期届满前，提前不少于7个工作日……
    Spec("filed_in_time", "M08.1", law="可于逗留期届满前，提前不少于7个工作日"),
)
_IN_FORCE, _ENDORSEMENT, _CHANNEL, _IN_TIME = (
    CONDITIONS["policy_in_force"], CONDITIONS["endorsement"], CONDITIONS["channel"],
    CONDITIONS["filed_in_time"])

Region = Literal["HK", "MO"]
CalendarName = Literal["CN", "HK", "MO"]
EndorsementType = Literal[
    "family", "stay", "business", "talent", "tourism", "group_tour", "other"
]

# Names accepted for an endorsement (generous), and the canonical code. Places resolve
# through churujing.places (香港, Hong Kong, HKG, Macao…); the mainland has its own words.
_MAINLAND_WORDS = frozenset({"mainland", "内地", "大陆", "中国内地"})
_ENDORSEMENT_ALIASES: Mapping[str, str] = {
    "探亲": "family", "family_visit": "family", "family-visit": "family",
    "逗留": "stay", "商务": "business", "人才": "talent", "个人旅游": "tourism",
    "团队旅游": "group_tour", "group tour": "group_tour", "group-tour": "group_tour",
    "其他": "other",
}

_REGIONS: Mapping[str, Text] = {"HK": T("香港"), "MO": T("澳门")}
_CALENDARS: Mapping[str, Text] = {
    "CN": T("按内地工作日"), "HK": T("按香港工作日"), "MO": T("按澳门工作日"),
}
_ENDORSEMENTS: Mapping[str, Text] = {
    "stay": T("逗留签注"),
    "family": T("探亲签注"),
    "business": T("商务签注"),
    "talent": T("人才签注"),
    "other": T("其他签注"),
    "tourism": T("个人旅游签注"),
    "group_tour": T("团队旅游签注"),
}
VALUE_LABELS: Mapping[str, Mapping[str, Text]] = {
    "region": _REGIONS, "endorsement": _ENDORSEMENTS, "calendar": _CALENDARS,
}


def _alias(table: Mapping[str, str]) -> Any:
    def normalise(value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip()
            return table.get(key.lower(), table.get(key, key))
        return value

    return BeforeValidator(normalise)


def _place_code(value: Any) -> Any:
    """HK, MO or CN for any name of Hong Kong, Macau or the mainland (else left to fail)."""
    if not isinstance(value, str):
        return value
    if value.strip().lower() in _MAINLAND_WORDS:
        return "CN"
    try:
        found = places.country(value).value
    except FactsError:
        return value
    return found.code if found is not None else value


_PLACE = BeforeValidator(_place_code)


class Facts(FactsModel):
    """Facts for renewing a family-visit endorsement in Hong Kong or Macau (M08)."""

    region: Annotated[Region, _PLACE] = Field(
        description="where the applicant is staying: HK (香港, Hong Kong) or MO (澳门, Macau)"
    )
    endorsement: Annotated[EndorsementType, _alias(_ENDORSEMENT_ALIASES)] = Field(
        description="the endorsement the applicant travelled on: family 探亲, stay 逗留, "
        "business 商务, talent 人才, tourism 个人旅游, group_tour 团队旅游, other 其他"
    )
    stay_expiry: date = Field(
        description="the last day of the stay permitted by the endorsement (YYYY-MM-DD)"
    )
    filing_date: date = Field(
        description="the day the renewal application is (or would be) filed (YYYY-MM-DD)"
    )
    calendar: Annotated[CalendarName | None, _PLACE] = Field(
        default=None,
        description="whose working days count: CN (mainland, with 调休 make-up days; the "
        "default), HK or MO (the agency's own working days)",
    )


def _text(value: Any, where: str) -> Text:
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str) and isinstance(
        value.get("en"), str
    ):
        return Text(value["zh"], value["en"])
    raise DataError(f"{where}: expected {{zh, en}}, got {value!r}")


def _special_days(cal: Calendar, start: date, end: date) -> list[dict[str, Any]]:
    """Days in ``[start, end]`` that break the ordinary week: weekday holidays, 调休 days,
    and days an unpublished arrangement may move (``working`` None)."""
    out: list[dict[str, Any]] = []
    day = start
    while day <= end:
        status = cal.status(day)
        working = None if status == "unknown" else status == "working"
        if working != (day.weekday() < 5):
            reason = cal.reason(day) or Text("", "")
            out.append({
                "date": day,
                "working": working,
                "zh": f"{day.isoformat()} {reason.zh}",
                "en": f"{day.isoformat()} {reason.en}",
            })
        day += timedelta(days=1)
    return out


def _years(years: list[int]) -> str:
    return "、".join(str(y) for y in years)


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月20日起，内地居民持探亲签注往来香港、澳门探亲，签注允许的逗留期限不能满足继续在港澳
    逗留需求的，可于逗留期届满前，提前不少于7个工作日，分别通过香港中旅集团、澳门中国旅行社提交续办
    同类型探亲签注的申请。（M08.1）

    From 20 November 2025, a mainland resident visiting relatives in Hong Kong or Macau on a
    family-visit endorsement whose permitted stay is too short may, no less than 7 working
    days before the stay expires, apply to renew a family-visit endorsement of the same
    type through China Travel Service (Holdings) Hong Kong (in Hong Kong) or China Travel
    Service (Macau) (in Macau).

    Conditions, in this order: ``policy_in_force`` (the filing is on or after 2025-11-20),
    ``endorsement`` (the applicant holds a family-visit endorsement), ``channel`` (the
    agency of the region), ``filed_in_time`` (at least 7 working days left).

    Whose working days: by default the mainland's (``CN``: the State Council holiday
    arrangement, make-up working days 调休 included). The renewal is an endorsement issued
    by the mainland public security exit-entry administration; 香港中旅集团 and 澳门中国
    旅行社 only receive the application on its behalf and forward it, and the lead time
    exists for the mainland authority to process it. Mainland law counts an authority's
    time limits in working days excluding statutory holidays (《行政许可法》第八十二条).
    The caller may choose ``HK`` or ``MO`` (the agency's own working days) with the fact
    ``calendar``; the answer says which calendar it used and why (``m08.default_calendar``).

    Limitations:
        * "提前不少于7个工作日" is read as: the working days from the filing day (counted
          when it is a working day) up to the day before the last day of the permitted stay
          (the last day not counted) must be at least 7. The latest filing date is the 7th
          working day before the last day of stay (``Calendar.subtract_working_days``).
          Not counting the filing day would move it one working day earlier; counting the
          last day instead of the filing day gives the same date when the last day is a
          working day, one working day later otherwise.
        * ``stay_expiry`` is the last day on which the stay is permitted (逗留期届满之日).
        * The need to stay longer ("逗留期限不能满足继续在港澳逗留需求") is assumed: it is
          why one asks.
        * "同类型" is read as the family-visit endorsement (``m08.endorsement_types``); its
          sub-types (3个月一次, 3个月多次, 1年多次; facts.md §8) and the relatives visited
          are not facts here, nor is whether the applicant is a mainland resident.
        * Before 2025-11-20 the measure is not in force (``policy_in_force`` unmet); the other
          conditions and the details are then those of the rule as it applies from that
          date. The rule is read on ``as_of`` (default: the filing date).
        * Days the agency is closed (its own holidays, when the mainland calendar is used)
          are not conditions: a warning says when the filing date or the latest filing date
          is not a working day of the region. Office hours and branches are not modelled.
        * Past the last published State Council holiday arrangement (2026 with holidays
          0.109), the statutory holidays are known but the adjusted days (调休) are not:
          the working days are counted twice, with every day the arrangement may move taken
          as a day off and as a working day (``churujing.calendar``). When both give the
          same answer it is given, marked ``details.provisional`` (``decided`` true, the
          reason, the uncertain range) with a warning; ``latest_filing_date`` and
          ``working_days_before_expiry`` are then the cautious ones (fewest working days).
          When they differ, ``filed_in_time`` is unmet and says the answer cannot be
          decided until the State Council publishes that year's arrangement
          (``decided`` false).
        * Outside the years whose statutory holidays are known (2001 to 2099), the facts
          are refused with a :class:`~churujing.errors.FactsError` naming the date.
    """
    policy = policy_or_default(policy)
    day = as_of or facts.filing_date
    start: date = required_or_first(policy, "m08.start", day)
    rule_day = max(day, start)

    min_days = int(required(policy, "m08.min_working_days", rule_day))
    channels: Mapping[str, Any] = required(policy, "m08.channels", rule_day)
    types: list[str] = list(required(policy, "m08.endorsement_types", rule_day))
    default_name = str(required(policy, "m08.default_calendar", rule_day))

    region = _REGIONS[facts.region]
    chosen_by = "caller" if facts.calendar else "default"
    cal = calendar(facts.calendar or default_name)
    for field, when in (("stay_expiry", facts.stay_expiry), ("filing_date", facts.filing_date)):
        if not cal.covers(when):  # the calendar does not guess: say which dates it can answer
            raise FactsError(
                f"expected a date in {cal.first_year}–{cal.horizon_year}: the {cal.name} "
                "working-day calendar knows the statutory holidays of no other year",
                field=field,
            )
    # Past the published holiday arrangements, count under both extremes (every unknown day
    # off, every unknown day worked): every possible arrangement lies between them.
    fewest, most = cal.assuming("fewest"), cal.assuming("most")
    latest = fewest.subtract_working_days(facts.stay_expiry, min_days)
    latest_most = most.subtract_working_days(facts.stay_expiry, min_days)
    left = fewest.working_days_between(facts.filing_date, facts.stay_expiry)
    left_most = most.working_days_between(facts.filing_date, facts.stay_expiry)
    in_time = left >= min_days
    decided = in_time == (left_most >= min_days)
    span = (min(facts.filing_date, latest), max(facts.stay_expiry, facts.filing_date))
    pending = cal.pending_years(*span)
    unsettled = cal.unsettled(*span) if pending else []
    conditions: list[Condition] = []
    warnings: list[Text] = []

    # In force from 2025-11-20 (M08.1).
    if day >= start:
        conditions.append(_IN_FORCE(True, T(
            "自{start}起可在港澳续办同类型探亲签注", start=start.isoformat())))
    else:
        conditions.append(_IN_FORCE(False, T(
            "{day}本措施尚未实施：自{start}起方可在港澳续办同类型探亲签注",
            day=day.isoformat(), start=start.isoformat())))

    # A family-visit endorsement, renewed as the same type (M08.1).
    kind = _ENDORSEMENTS[facts.endorsement]
    if facts.endorsement in types:
        conditions.append(_ENDORSEMENT(True, T(
            "持{kind}往来{region}，可续办同类型签注", kind=kind, region=region)))
    else:
        conditions.append(_ENDORSEMENT(False, T(
            "仅持{types}者可在港澳续办同类型签注（所持为{kind}）",
            types=[_ENDORSEMENTS.get(t, Text(t, t)) for t in types], kind=kind)))

    # The agency of the region (M08.1).
    raw_channel = channels.get(facts.region)
    channel = _text(raw_channel, f"m08.channels.{facts.region}") if raw_channel else None
    if channel is not None:
        conditions.append(_CHANNEL(True, T(
            "在{region}通过{channel}提交续办申请", region=region, channel=channel)))
    else:
        conditions.append(_CHANNEL(False, T(
            "{region}未指定受理续办申请的机构", region=region)))

    # No less than 7 working days before the stay expires (M08.1).
    args: dict[str, Any] = {
        "filing": facts.filing_date.isoformat(), "expiry": facts.stay_expiry.isoformat(),
        "left": left, "min": min_days, "latest": latest.isoformat(),
        "calendar": _CALENDARS[cal.name],
    }
    if not decided:
        conditions.append(_IN_TIME(False, T(
            "须待{publisher}公布{years}年节假日安排后方可确定：按可能的安排，提交日{filing}距逗留期"
            "最后一日{expiry}有{left}至{most}个工作日（{calendar}），须不少于{min}个；最迟提交日"
            "在{latest}至{latest_most}之间", publisher=cal.publisher, years=_years(pending),
            most=left_most,
            latest_most=latest_most.isoformat(), **args)))
    elif in_time:
        conditions.append(_IN_TIME(True, T(
            "提交日{filing}距逗留期最后一日{expiry}尚有{left}个工作日（{calendar}），"
            "不少于{min}个；最迟提交日为{latest}", **args)))
    elif facts.filing_date >= facts.stay_expiry:
        conditions.append(_IN_TIME(False, T(
            "提交日{filing}不在逗留期最后一日{expiry}之前；须于逗留期届满前提前不少于{min}个"
            "工作日提交（{calendar}），最迟提交日为{latest}", **args)))
    else:
        args["left"] = left_most  # the most the filing could have: still too few
        conditions.append(_IN_TIME(False, T(
            "提交日{filing}距逗留期最后一日{expiry}仅有{left}个工作日（{calendar}），"
            "须不少于{min}个；最迟提交日为{latest}", **args)))

    provisional: dict[str, Any] | None = None
    if pending:
        windows = cal.windows()
        if decided:
            reason = T(
                "暂定答复：{publisher}尚未公布{years}年节假日安排；按{first}年以来已公布安排的"
                "调整幅度（节假日前后{off}日内的工作日可能放假、{work}日内的周末可能上班），"
                "无论如何安排答复相同", publisher=cal.publisher, years=_years(pending),
                first=windows.years[0],
                off=windows.day_off, work=windows.make_up)
        else:
            reason = T(
                "须待{publisher}公布{years}年节假日安排后方可确定：答复取决于{days}等日期是放假"
                "还是上班", publisher=cal.publisher, years=_years(pending),
                days=[d.isoformat() for d in unsettled[:3]] if unsettled else "—")
        warnings.append(Notice.of(reason, code="provisional" if decided else "undecided",
                                  field="filing_date"))
        provisional = {
            "decided": decided,
            "years": pending,
            "reason": reason,
            "uncertain": {
                "from": unsettled[0] if unsettled else max(span[0], date(pending[0], 1, 1)),
                "to": unsettled[-1] if unsettled else span[1],
            },
            "unsettled_days": unsettled,
            "latest_filing_date": {"earliest": latest, "latest": latest_most},
            "working_days_before_expiry": {"fewest": left, "most": left_most},
        }

    # Days the agency may be closed, when they are not working days of the region.
    local = calendar(facts.region)
    if local != cal:
        for label, when in ((T("提交日"), facts.filing_date), (T("最迟提交日"), latest)):
            if local.covers(when) and local.status(when) == "rest":
                reason = local.reason(when) or Text("", "")
                warnings.append(Notice.of(T(
                    "{label}{day}在{region}不是工作日（{reason}），受理机构可能不办公",
                    label=label, day=when.isoformat(), region=region, reason=reason),
                    code="not_working_day", field="filing_date"))
                break

    if chosen_by == "default":
        why = T("默认：续办的签注由内地公安机关出入境管理机构签发，港澳中旅社代为受理，"
                "办理时限按内地工作日计算（《行政许可法》第八十二条）")
    else:
        why = T("按申请人（调用方）的选择")
    counting = T(
        "“提前不少于{min}个工作日”的读法：自提交日（为工作日时计入）至逗留期最后一日的前一日"
        "（最后一日不计入）须有不少于{min}个工作日；最迟提交日即逗留期最后一日之前的第{min}个"
        "工作日", min=min_days)
    details: dict[str, Any] = {
        # undecided: no single value (the range is in ``provisional``)
        "latest_filing_date": latest if decided else None,
        "working_days_before_expiry": left if decided else None,
        "min_working_days": min_days,
        "channel": channel.to_dict() if channel else None,
        "calendar": {
            "name": cal.name,
            "chosen_by": chosen_by,
            "zh": f"{cal.title.zh}；{why.zh}",
            "en": f"{cal.title.en}; {why.en}",
        },
        "counting": counting,
        "special_days": _special_days(
            cal, min(facts.filing_date, latest), max(facts.stay_expiry, facts.filing_date)),
        "region": {"code": facts.region, "zh": region.zh, "en": region.en},
        "provisional": provisional,
    }
    return answer(ID, day, conditions, details, warnings, policy)
