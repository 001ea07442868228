"""Each regime under which a foreigner may enter (or pass through) mainland China, asked for
one entry of a trip.

Two regimes are the announcement's measures, decided by the measures' own rules through
their public ``check`` (``direct-transit-24h``: measure 5; ``visa-free-transit-240h``:
measure 6). The others rest on the Exit-Entry Administration Law (law/exit_entry_law.yaml)
and on cited data, and are stated here once:

* ``transit-24h``: art. 22(3), transit for at most 24 hours without leaving the port, at any
  open port, with inspection (``exit_entry_law.transit_hours``);
* ``visa-free-30d``: art. 22(4), the State Council's unilateral exemption
  (``visa_free_30d.*``);
* ``mutual-visa-exemption``: art. 22(1), the agreements (``mutual_visa_exemption.*``);
* ``visa-required``: art. 15, when nothing else fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from churujing.decision import Condition, Decision, Notice, Text
from churujing.errors import DataError
from churujing.i18n import T
from churujing.measures import get_measure
from churujing.measures.m06_visa_free_transit import stay_deadline
from churujing.places import Country
from churujing.policy import Policy
from churujing.predicates import chinese_citizen, foreign_national, third_country
from churujing.trips.facts import TripFacts
from churujing.trips.stops import Stop

__all__ = ["REGIMES", "REGIME_TITLES", "Entry", "Option", "decide_regimes"]

DIRECT = "direct-transit-24h"
TRANSIT = "transit-24h"
T240 = "visa-free-transit-240h"
D30 = "visa-free-30d"
MUTUAL = "mutual-visa-exemption"
VISA = "visa-required"
REGIMES = (DIRECT, TRANSIT, T240, D30, MUTUAL, VISA)

REGIME_TITLES: dict[str, Text] = {
    DIRECT: T("24小时直接过境免办查验手续"),
    TRANSIT: T("24小时过境免办签证（《出境入境管理法》第二十二条）"),
    T240: T("240小时过境免签"),
    D30: T("单方面免签（30日）"),
    MUTUAL: T("互免签证协定"),
    VISA: T("须办理签证"),
}

#: the arrival card's entry mode (measure 10's facts) under each regime. Art. 22(3) transit
#: without leaving the port is M10.3.4's "24小时直接过境不离开口岸限定区域" too.
ENTRY_MODES = {DIRECT: "direct_transit_24h", TRANSIT: "direct_transit_24h",
               T240: "visa_free_transit_240h", D30: "visa_free", MUTUAL: "visa_free",
               VISA: "visa"}
CLAUSES = {DIRECT: "M05", TRANSIT: "EEL.22.3", T240: "M06", D30: "EEL.22.4",
           MUTUAL: "EEL.22.1", VISA: "EEL.15"}
#: measure 6's purposes: a transit passenger's purpose is none of its named ones
_M06_PURPOSE = {"transit": "other"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry into mainland China, from the legs: the leg that arrives and the leg that
    leaves (None when no leg leaves)."""

    index: int
    arrive_leg: int
    leave_leg: int | None
    port: Stop
    exit: Stop | None
    origin: Stop
    destination: Stop | None
    arrive: datetime
    depart: datetime | None
    same_port: bool  # leaves from the port it arrived at, with no leg inside the mainland
    airside: bool  # stays_airside and same_port: the traveller does not enter China

    @property
    def day(self) -> date:
        return self.arrive.date()


@dataclass(frozen=True)
class Option:
    """One regime for one entry: whether it fits, and why."""

    regime: str
    conditions: tuple[Condition, ...]
    stay_deadline: datetime | None = None
    allowed_areas: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    decision: Decision | None = None  # the measure's own decision, when a measure decides
    warnings: tuple[Text, ...] = ()

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.conditions)

    @property
    def clause(self) -> str:
        return CLAUSES[self.regime]

    @property
    def unmet(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if not c.met)

    @property
    def why(self) -> Text:
        """One sentence: the first unmet condition's text, or the regime's grant."""
        unmet = self.unmet
        return unmet[0].text if unmet else self.details.get("grant") or T("符合条件")


def ticket(trip: TripFacts, entry: Entry) -> bool:
    """The onward ticket: as stated, else the legs' (a leg out of the mainland is booked)."""
    return trip.onward_ticket if trip.onward_ticket is not None else entry.exit is not None


def _no_exit(regime: str) -> Option:
    return Option(regime, (Condition("onward_leg", CLAUSES[regime], False, T(
        "行程中没有离开中国内地的航段，无法判断过境：请填写离境航段")),))


def _foreigner(nationality: Any, clause_id: str) -> Condition:
    country = nationality.value
    if country is None:
        return Condition("foreign_national", clause_id, False, T(
            "未能识别国籍“{query}”", query=nationality.query))
    if not foreign_national(country):
        return Condition("foreign_national", clause_id, False, T(
            "免办签证的规定适用于外国人；中国公民（{country}）凭本人有效证件出入境",
            country=country.text))
    return Condition("foreign_national", clause_id, True, T(
        "{country}公民为外国人", country=country.text))


def _measure(regime: str, data: dict[str, Any], as_of: date | None,
             policy: Policy) -> Decision:
    return get_measure(regime).check(data, as_of, policy=policy)


def direct_transit(trip: TripFacts, entry: Entry, as_of: date | None,
                   policy: Policy) -> Option:
    """Measure 5, decided by its own rule."""
    if entry.exit is None or entry.depart is None or entry.destination is None:
        return _no_exit(DIRECT)
    decision = _measure(DIRECT, {
        "airport": entry.port.resolved_port(),
        "arrival_time": entry.arrive, "departure_time": entry.depart,
        "origin": entry.origin.resolved_country(),
        "destination": entry.destination.resolved_country(),
        "connecting_ticket": ticket(trip, entry),
        "leaves_restricted_area": not entry.airside,
        "nationality": trip.nationality,
    }, as_of, policy)
    latest = decision.details.get("latest_departure")
    return Option(DIRECT, decision.conditions,
                  stay_deadline=latest if decision.eligible else None,
                  allowed_areas=_restricted_area(entry),
                  details={"grant": T("可在{port}不出机场直接转机，免办边检查验手续",
                                      port=entry.port.text)},
                  decision=decision, warnings=decision.warnings)


def _restricted_area(entry: Entry) -> dict[str, Any]:
    return {"kind": "port_restricted_area", "port": entry.port.to_dict()}


def transit_24h(trip: TripFacts, entry: Entry, as_of: date | None,
                policy: Policy) -> Option:
    """出境入境管理法第二十二条第（三）项：持联程客票搭乘国际航行的航空器、船舶、列车从中国
    过境前往第三国或者地区，在中国境内停留不超过二十四小时且不离开口岸的，可以免办签证。
    (EEL.22.3)

    Transit to a third country or region with a connecting ticket, staying at most 24 hours
    without leaving the port: no visa, at any port open to foreigners, with inspection.

    Conditions, in this order (the codes of measure 5's for the same ideas):
    ``foreign_national``, ``port`` (the entry port is an open port of the registry on the
    day), ``within_stay``, ``third_country``, ``onward_ticket``, ``restricted_area``.

    Limitations:
        * "二十四小时" is read as at most 24 hours from arrival to the onward departure
          (24 h 00 min is within), as measure 5's "24小时内" is.
        * "第三国或者地区", "外国人": :mod:`churujing.predicates`, as measures 5, 6 and 10 read
          them (Hong Kong, Macau and Taiwan are regions outside the mainland).
        * "不离开口岸": the traveller stays airside (``stays_airside``) and leaves from the
          port of arrival with no leg inside the mainland between.
    """
    if entry.exit is None or entry.depart is None or entry.destination is None:
        return _no_exit(TRANSIT)
    day = as_of or entry.day
    clause_id = CLAUSES[TRANSIT]
    conditions = [_foreigner(trip.nationality, clause_id)]
    port = entry.port.port
    ports = policy.table("ports")
    if port is None:
        conditions.append(Condition("port", clause_id, False, T(
            "“{query}”不是口岸名称，无法判断是否为对外开放口岸", query=entry.port.query)))
    elif port.listed and ports.period(port.id, day) is not None:
        conditions.append(Condition("port", clause_id, True, T(
            "{port}是对外开放口岸", port=port.text)))
    else:
        conditions.append(Condition("port", clause_id, False, T(
            "{day}时{port}不在本项目收录的对外开放口岸之列", day=str(day), port=port.text)))
    hours = policy.value("exit_entry_law.transit_hours", day)
    inspected = bool(policy.value("exit_entry_law.transit_needs_inspection", day))
    stay = entry.depart - entry.arrive
    stay_hours = round(stay.total_seconds() / 3600, 2)
    latest = entry.arrive + timedelta(hours=float(hours)) if hours is not None else None
    if latest is None:
        conditions.append(Condition("within_stay", clause_id, False, T(
            "{day}时《出境入境管理法》尚未施行", day=str(day))))
    elif entry.depart <= latest:
        conditions.append(Condition("within_stay", clause_id, True, T(
            "在中国境内停留{hours}小时，不超过{max}小时", hours=stay_hours, max=hours)))
    else:
        conditions.append(Condition("within_stay", clause_id, False, T(
            "在中国境内停留{hours}小时，超过{max}小时", hours=stay_hours, max=hours)))
    o, d = entry.origin.country, entry.destination.country
    if o is None or d is None:
        conditions.append(Condition("third_country", clause_id, False, T(
            "须从中国内地以外来、往中国内地以外去")))
    elif not third_country(o, d):
        conditions.append(Condition("third_country", clause_id, False, T(
            "须前往第三国或者地区：目的地与出发地相同（{origin}）", origin=o.text)))
    else:
        conditions.append(Condition("third_country", clause_id, True, T(
            "由{origin}过境前往第三国或者地区{destination}", origin=o.text,
            destination=d.text)))
    held = ticket(trip, entry)
    conditions.append(Condition("onward_ticket", clause_id, held, T(
        "持联程客票") if held else T("须持联程客票")))
    if entry.airside:
        conditions.append(Condition("restricted_area", clause_id, True, T(
            "不离开口岸，在{port}转乘", port=entry.port.text)))
    elif entry.same_port:
        conditions.append(Condition("restricted_area", clause_id, False, T(
            "须不离开口岸；您打算离开口岸")))
    else:
        conditions.append(Condition("restricted_area", clause_id, False, T(
            "须不离开口岸：入境口岸{port}与离境口岸{exit}不同，或中途在中国内地另有行程",
            port=entry.port.text, exit=entry.exit.text)))
    return Option(TRANSIT, tuple(conditions),
                  stay_deadline=latest if all(c.met for c in conditions) else None,
                  allowed_areas=_restricted_area(entry),
                  details={"grant": _transit_grant(entry, hours, inspected),
                           "inspection": inspected, "max_hours": hours,
                           "stay_hours": stay_hours})


def _transit_grant(entry: Entry, hours: Any, inspected: bool) -> Text:
    if inspected:
        return T("可免办签证过境，在{port}不离开口岸停留不超过{hours}小时，须接受边检查验",
                 port=entry.port.text, hours=hours)
    return T("可免办签证过境，在{port}不离开口岸停留不超过{hours}小时", port=entry.port.text,
             hours=hours)


def transit_240h(trip: TripFacts, entry: Entry, as_of: date | None,
                 policy: Policy) -> Option:
    """Measure 6, decided by its own rule."""
    if entry.exit is None or entry.depart is None or entry.destination is None:
        return _no_exit(T240)
    if trip.passport_expiry is None:
        return Option(T240, (Condition("passport_expiry", "A1.2", False, T(
            "须填写护照有效期，才能判断240小时过境免签")),))
    data: dict[str, Any] = {
        "nationality": trip.nationality, "passport_expiry": trip.passport_expiry,
        "entry_port": entry.port.resolved_port(), "entry_time": entry.arrive,
        "origin": entry.origin.resolved_country(),
        "destination": entry.destination.resolved_country(),
        "departure_time": entry.depart, "onward_ticket": ticket(trip, entry),
        "purpose": _M06_PURPOSE.get(trip.purpose, trip.purpose),
        "exit_port": entry.exit.resolved_port(),
    }
    if trip.visit_areas:
        data["visit_areas"] = trip.visit_areas
    decision = _measure(T240, data, as_of, policy)
    deadline = decision.details.get("stay_deadline")
    hours = decision.details.get("stay_hours")
    return Option(T240, decision.conditions,
                  stay_deadline=datetime.fromisoformat(deadline)
                  if deadline and decision.eligible else None,
                  allowed_areas={"kind": "m06_stay_areas",
                                 "areas": decision.details.get("allowed_areas", [])},
                  details={"grant": T("可免签入境，在允许停留活动区域内停留不超过{hours}小时",
                                      hours=hours)},
                  decision=decision, warnings=decision.warnings)


NEXT_DAY = "next_day_midnight"


def _clock(policy: Policy, name: str, day: date) -> None:
    """The stay counts from 00:00 of the day after entry: the one counting the data
    record (``*.clock_start``); another value is a data error, not a silent default."""
    clock = policy.value(name, day)
    if clock is not None and clock != NEXT_DAY:
        raise DataError(f"{name}: unknown way of counting a stay {clock!r} "
                        f"(expected {NEXT_DAY!r})")


def _within_days(entry: Entry, days: int | None, clause_id: str, *,
                 none: Text | None = None) -> tuple[Condition, datetime | None]:
    if days is None:
        return Condition("within_stay", clause_id, False,
                         none or T("该日期没有适用的停留期限")), None
    deadline = stay_deadline(entry.day, int(days) * 24)
    last_day = (deadline - timedelta(days=1)).date()
    if entry.depart is None:
        return Condition("within_stay", clause_id, True, T(
            "停留期限自入境次日零时起算，不超过{days}日，须于{last_day} 24:00前离境"
            "（行程中没有离境航段）", days=days, last_day=str(last_day))), deadline
    ok = entry.depart <= deadline
    text = T("停留期限自入境次日零时起算，不超过{days}日，须于{last_day} 24:00前离境；"
             "计划离境时间{departure}", days=days, last_day=str(last_day),
             departure=entry.depart.strftime("%Y-%m-%d %H:%M"))
    return Condition("within_stay", clause_id, ok, text), deadline


def _purpose(purpose: str, allowed: list[str] | None, needs_visa: list[str] | None,
             clause_id: str) -> Condition:
    word = _PURPOSE_TEXT[purpose]
    if needs_visa is not None and purpose in needs_visa:
        return Condition("purpose", clause_id, False, T(
            "{purpose}须事先办妥签证", purpose=word))
    if allowed is not None and purpose not in allowed and purpose != "other":
        return Condition("purpose", clause_id, False, T(
            "{purpose}不在免签入境事由之列", purpose=word))
    return Condition("purpose", clause_id, True, T("入境事由：{purpose}", purpose=word))


def unilateral_30d(trip: TripFacts, entry: Entry, as_of: date | None,
                   policy: Policy) -> Option:
    """出境入境管理法第二十二条第（四）项：国务院规定的可以免办签证的其他情形（单方面免签）。
    (EEL.22.4; visa_free_30d.*)

    The State Council's unilateral visa exemption: citizens of the listed countries holding
    ordinary passports may enter visa-free for business, tourism, visiting relatives and
    friends, exchanges and transit, and stay up to 30 days.

    Conditions, in this order: ``nationality`` (listed on the day of entry, with the
    country's own dates), ``purpose``, ``within_stay``.

    Limitations:
        * The list's dates apply to the day of entry: a traveller who enters on its last day
          may stay the whole period.
        * The stay counts from 00:00 of the day after entry (``visa_free_30d.clock_start``).
        * The passport is taken to be an ordinary passport; ``other`` purposes are accepted
          (the list of purposes is not exhaustive), work, study and journalism are not.
    """
    day = as_of or entry.day
    clause_id = CLAUSES[D30]
    table = policy.table("visa_free_30d.countries")
    country = trip.nationality.value
    conditions: list[Condition] = []
    details: dict[str, Any] = {}
    if country is None:
        conditions.append(Condition("nationality", clause_id, False, T(
            "未能识别国籍“{query}”", query=trip.nationality.query)))
    else:
        period = table.period(country.code, day)
        item = table.get(country.code)
        if period is not None:
            until = (period.end - timedelta(days=1)).isoformat() if period.end else None
            details.update(since=period.start, until=until, ref=period.ref.to_dict())
            conditions.append(Condition("nationality", clause_id, True, T(
                "{country}公民适用单方面免签政策（{since}至{until}）", country=country.text,
                since=str(period.start), until=until or "—")))
        elif item is not None and item.periods:
            spans = Text.join(Text(_span(p.start, p.end), _span(p.start, p.end))
                              for p in item.periods)
            conditions.append(Condition("nationality", clause_id, False, T(
                "{day}时{country}公民不适用单方面免签政策（适用期间：{spans}）",
                day=str(day), country=country.text, spans=spans)))
        else:
            conditions.append(Condition("nationality", clause_id, False, T(
                "{country}不在单方面免签国家之列", country=country.text)))
    purposes = policy.value("visa_free_30d.purposes", day)
    conditions.append(_purpose(trip.purpose, purposes, None, clause_id))
    days = policy.value("visa_free_30d.max_stay_days", day)
    _clock(policy, "visa_free_30d.clock_start", day)
    stay, deadline = _within_days(entry, days, clause_id)
    conditions.append(stay)
    details["max_stay_days"] = days
    details["grant"] = T("可免签入境，停留不超过{days}日，不限口岸，无须联程客票",
                         days=days)
    ok = all(c.met for c in conditions)
    return Option(D30, tuple(conditions), stay_deadline=deadline if ok else None,
                  allowed_areas={"kind": "mainland"}, details=details)


def _span(start: date | None, end: date | None) -> str:
    last = (end - timedelta(days=1)).isoformat() if end else "…"
    return f"{start.isoformat() if start else '…'}–{last}"


def mutual(trip: TripFacts, entry: Entry, as_of: date | None, policy: Policy) -> Option:
    """出境入境管理法第二十二条第（一）项：根据中国政府与其他国家政府签订的互免签证协议，属于
    免办签证人员的，可以免办签证。(EEL.22.1; mutual_visa_exemption.*)

    A person exempted from a visa by an agreement between China and their country.

    Conditions, in this order: ``nationality`` (an agreement for ordinary passports in force
    on the day of entry), ``purpose``, ``within_stay`` (the agreement's stay).

    Limitations:
        * Only the agreements in ``mutual_visa_exemption.countries`` are known.
        * The 90 days in any 180 cannot be checked from one trip: a warning says so.
        * The stay counts from 00:00 of the day after entry (a reading, confidence low).
    """
    day = as_of or entry.day
    clause_id = CLAUSES[MUTUAL]
    table = policy.table("mutual_visa_exemption.countries")
    country = trip.nationality.value
    conditions: list[Condition] = []
    details: dict[str, Any] = {}
    warnings: list[Text] = []
    days: int | None = None
    if country is None:
        conditions.append(Condition("nationality", clause_id, False, T(
            "未能识别国籍“{query}”", query=trip.nationality.query)))
    else:
        period = table.period(country.code, day)
        item = table.get(country.code)
        if period is not None and item is not None:
            days = item.get("max_stay_days")
            details.update(since=period.start, ref=period.ref.to_dict(),
                           max_days_per_180=item.get("max_days_per_180"))
            conditions.append(Condition("nationality", clause_id, True, T(
                "中国与{country}互免普通护照签证（协定自{since}起生效）",
                country=country.text, since=str(period.start))))
            if item.get("max_days_per_180"):
                warnings.append(Notice.of(T(
                    "互免签证协定规定每180日累计停留不超过{days}日，本项目无法据单次行程核对",
                    days=item.get("max_days_per_180")), code="days_per_180",
                    field="nationality"))
        elif item is not None:
            since = next((p.start for p in item.periods if p.start and p.start > day), None)
            conditions.append(Condition("nationality", clause_id, False, T(
                "{day}时中国与{country}的互免签证协定尚未生效（自{since}起）", day=str(day),
                country=country.text, since=str(since) if since else "—")))
        else:
            conditions.append(Condition("nationality", clause_id, False, T(
                "本项目未收录中国与{country}的普通护照互免签证协定", country=country.text)))
    needs_visa = policy.value("mutual_visa_exemption.visa_required_purposes", day)
    conditions.append(_purpose(trip.purpose, None, needs_visa, clause_id))
    _clock(policy, "mutual_visa_exemption.clock_start", day)
    stay, deadline = _within_days(entry, days, clause_id,
                                  none=T("没有适用的互免签证协定，停留期限无从确定"))
    conditions.append(stay)
    details["max_stay_days"] = days
    details["grant"] = T("可按互免签证协定免签入境，停留不超过{days}日", days=days)
    ok = all(c.met for c in conditions)
    return Option(MUTUAL, tuple(conditions), stay_deadline=deadline if ok else None,
                  allowed_areas={"kind": "mainland"}, details=details,
                  warnings=tuple(warnings) if ok else ())


def visa_required(trip: TripFacts, others: list[Option], policy: Policy) -> Option:
    """出境入境管理法第十五条：外国人入境，应当向驻外签证机关申请办理签证，但是本法另有规定的
    除外。(EEL.15) Fits when no other regime does.

    When it fits and the project records no mutual visa-exemption agreement for the
    nationality, a warning (``agreements_incomplete``) says the project's list of agreements
    is incomplete and names the MFA's list as where to check: the refusal is then no more
    certain than the data (EEL.22.1)."""
    clause_id = CLAUSES[VISA]
    country = trip.nationality.value
    if country is not None and chinese_citizen(country):
        return Option(VISA, (Condition("foreign_national", clause_id, False, T(
            "中国公民（{country}）入出境无须签证，凭本人有效出入境证件", country=country.text)),),
            details={"grant": T("须办妥签证")})
    fits = [o.regime for o in others if o.eligible]
    warnings: tuple[Text, ...] = ()
    if fits:
        cond = Condition("nothing_else_fits", clause_id, False, T(
            "无须签证：{regimes}适用", regimes=[REGIME_TITLES[r] for r in fits]))
    else:
        cond = Condition("nothing_else_fits", clause_id, True, T(
            "没有适用的免签政策：须在入境前向中国驻外签证机关申请办理签证"))
        if country is not None and _no_agreement_recorded(country, policy):
            warnings = (_agreements_incomplete(country),)
    return Option(VISA, (cond,), details={"grant": T(
        "须在入境前向中国驻外签证机关申请办理签证")}, warnings=warnings)


def _no_agreement_recorded(country: Country, policy: Policy) -> bool:
    """True if the project's list (``mutual_visa_exemption.countries``) has no agreement
    for the nationality, in force or not."""
    return policy.table("mutual_visa_exemption.countries").get(country.code) is None


def _agreements_incomplete(country: Country) -> Text:
    """EEL.22.1: the agreements are the MFA's; the project records only some of them
    (countries.yaml says which). A refusal resting on that gap says so and where to look."""
    return Notice.of(T(
        "本项目只收录了部分互免签证协定，未收录中国与{country}的协定：是否须办签证，请以外交部"
        "中国领事服务网的《中外互免签证协定一览表》为准",
        country=country.text), code="agreements_incomplete", field="nationality")


_PURPOSE_TEXT: dict[str, Text] = {
    "tourism": T("旅游"), "business": T("商务"), "visit": T("访问"), "family": T("探亲"),
    "transit": T("过境"), "work": T("工作"), "study": T("学习"), "journalism": T("新闻采访"),
    "other": T("其他"),
}

_RULES = {DIRECT: direct_transit, TRANSIT: transit_24h, T240: transit_240h,
          D30: unilateral_30d, MUTUAL: mutual}


def decide_regimes(trip: TripFacts, entry: Entry, as_of: date | None,
                   policy: Policy) -> list[Option]:
    """Every regime for this entry, in :data:`REGIMES` order (visa-required last)."""
    options = [_RULES[r](trip, entry, as_of, policy) for r in REGIMES if r != VISA]
    options.append(visa_required(trip, options, policy))
    return options
