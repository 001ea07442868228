"""Measure 5: 24-hour direct transit without exit-entry border inspection at listed airports.

References:
    M05.1, M05.1.1 … M05.1.10, M05.2 (law/announcement.yaml).
    policy/data/m05/airports.yaml (``m05.airports``): the 9 airports from 2024-01-11 and
    the 10 of M05.1 from 2025-11-05.
    policy/data/m05/params.yaml: ``m05.max_hours``, ``m05.requires_third_country``,
    ``m05.nationality_restricted``.
    policy/data/m06 (``m06.nationalities``, ``m06.stay_hours``) for the 240-hour
    alternative.
    research/facts.md §2 (conditions as stated by NIA on 2024-01-11; the Exit-Entry Law
    art. 22 transit at every open port; the temporary entry permit for leaving the airport).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import Field

from churujing import places, predicates
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.facts import (
    BEIJING,
    Arrival,
    Departure,
    Destination,
    DestinationAirport,
    MaybeNationality,
    Origin,
    OriginAirport,
    day_of,
    in_order,
    port_of,
)
from churujing.i18n import T
from churujing.measures._common import (
    JourneyFacts,
    answer,
    journey_end,
    policy_or_default,
)
from churujing.moments import at
from churujing.places import Country
from churujing.policy import Policy
from churujing.policy.loader import Table
from churujing.predicates import outside_mainland
from churujing.refs import port_among

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "DayRules", "Facts", "decide", "finer_clauses",
           "rules_on"]

ID = "direct-transit-24h"
CLAUSE = "M05"
TITLE = T("扩大24小时直接过境免办查验手续口岸范围")

_SECONDS_PER_HOUR = 3600


#: the airport: a name of several ports means the one M05.1 lists, if one
TransferAirport = Annotated[places.Resolved[places.Port], port_among("m05.airports")]


class Facts(JourneyFacts):
    """Facts for 24-hour direct transit without border inspection (M05). The measure is open
    to every nationality: the nationality, when given, only informs the alternatives."""

    airport: TransferAirport = port_of("transfer (an airport)", "NKG, 南京禄口, Nanjing Lukou")
    arrival_time: Arrival
    departure_time: Departure
    origin: Origin = None
    destination: Destination = None
    origin_airport: OriginAirport = None
    destination_airport: DestinationAirport = None
    connecting_ticket: bool = Field(
        description="holds an international interline (connecting) air ticket with a "
        "confirmed seat on the onward flight (国际联程机票)"
    )
    leaves_restricted_area: bool = Field(
        description="true if the passenger wants to leave the port restricted area (airside)"
    )
    nationality: MaybeNationality = None

    _departure_not_before_arrival = in_order(
        "departure_time", "arrival_time", "expected a departure_time not before arrival_time")


#: The conditions, in the order an answer reports them, each beside the words of its clause.
CONDITIONS = Conditions(
    # M05.1 ……10个国际机场复制推广24小时直接过境免办出入境边防检查查验手续措施
    Spec("port", "M05.1", law="10个国际机场复制推广24小时直接过境免办出入境边防检查查验手续措施",
         unknown=T("未能识别机场“{query}”，无法判断是否实施24小时直接过境免办查验手续")),
    # M05.2 对于持24小时内国际联程机票……
    Spec("within_stay", "M05.2", law="持24小时内国际联程机票"),
    # M05.2 ……直接转机前往第三国或地区……
    Spec("third_country", "M05.2", law="直接转机前往第三国或地区",
         unknown=T("未能识别始发地或目的地，无法判断是否前往第三国或地区")),
    # M05.2 ……国际联程机票……
    Spec("onward_ticket", "M05.2", law="国际联程机票"),
    # M05.2 ……经上述任一机场不出机场直接转机……
    Spec("restricted_area", "M05.2", law="经上述任一机场不出机场直接转机"),
    # M05.2 ……的出入境旅客，可以免办出入境边防检查查验手续
    Spec("nationality", "M05.2", law="出入境旅客，可以免办出入境边防检查查验手续"),
)
_AIRPORT = CONDITIONS["port"]
_WITHIN = CONDITIONS["within_stay"]
_THIRD = CONDITIONS["third_country"]
_TICKET = CONDITIONS["onward_ticket"]
_RESTRICTED = CONDITIONS["restricted_area"]
_NATIONALITY = CONDITIONS["nationality"]


def _port_text(ports: Table, key: str) -> Text:
    found = places.port(key, ports).value
    return found.text if found is not None else Text(key, key)


class DayRules:
    """Measure 5's rules on one day: what it reads from the policy data, and each
    condition as a function of the facts it reads. :func:`decide` and the vectorised rule
    (:mod:`churujing.batch.m05`) both ask these (:func:`rules_on`). A name that matched
    nothing is the caller's: its condition is the declared fallback
    (``CONDITIONS[code].unrecognised()``)."""

    #: the policy data the conditions read: a day on which none of them changes has the
    #: same rules
    TABLES = ("m05.airports", "ports")
    PARAMETERS = ("m05.max_hours", "m05.requires_third_country", "m05.nationality_restricted")

    def __init__(self, policy: Policy, day: date) -> None:
        self.policy = policy
        self.day = day
        ports = policy.table("ports")
        self.airports = table = policy.table("m05.airports")
        starts = [p.start for i in table for p in i.periods if p.start is not None]
        self.first = min(starts) if starts else None
        self.active = table.active(day)
        self.active_names = [_port_text(ports, i.key) for i in self.active]
        self.not_yet = T("{day}尚未实施24小时直接过境免办查验手续（自{first}起）",
                         day=str(day), first=str(self.first))
        self.max_hours = policy.value("m05.max_hours", day)
        #: the longest connection (None: not in force on the day)
        self.max_stay = (timedelta(hours=float(self.max_hours))
                         if self.max_hours is not None else None)
        self.requires_third_country = policy.value("m05.requires_third_country", day)
        self.nationality_restricted = policy.value("m05.nationality_restricted", day)

    def port(self, airport: places.Port) -> tuple[Condition, date | None]:
        """The airport is listed on the day (M05.1, or its own clause), and since when the
        airport is listed (None: never)."""
        day, active = self.day, self.active
        item = self.airports.get(airport.id)
        period = item.period(day) if item is not None else None
        since: date | None = None
        if item is not None:
            own = [p.start for p in item.periods if p.start is not None]
            since = min(own) if own else None
        clause_id = item.periods[-1].ref.clause if item is not None else None
        if period is not None:
            return _AIRPORT(True, T(
                "{airport}自{since}起实施24小时直接过境免办查验手续", airport=airport.text,
                since=str(period.start) if period.start else "—"), period.ref.clause), since
        if not active:
            return _AIRPORT(False, T(
                "{day}尚无机场实施24小时直接过境免办查验手续（全国自{first}起实施）",
                day=str(day), first=str(self.first)), clause_id), since
        if item is not None and since is not None and day < since:
            return _AIRPORT(False, T(
                "{airport}自{since}起才实施24小时直接过境免办查验手续；{day}实施的{n}个机场：{list}",
                airport=airport.text, since=str(since), day=str(day),
                n=len(active), list=self.active_names), clause_id), since
        return _AIRPORT(False, T(
            "{airport}不在实施24小时直接过境免办查验手续的机场之列；{day}实施的{n}个机场：{list}",
            airport=airport.text, day=str(day), n=len(active), list=self.active_names)), since

    def within_stay(self, arrival: datetime, departure: datetime) -> Condition:
        """The onward flight leaves within the time limit (M05.2)."""
        if self.max_stay is None:
            return _WITHIN(False, self.not_yet)
        hours = _layover_hours(arrival, departure)
        if departure - arrival <= self.max_stay:
            return _WITHIN(True, T("中转停留{hours}小时，不超过{max}小时",
                                   hours=hours, max=self.max_hours))
        latest = self.latest_departure(arrival)
        assert latest is not None
        return _WITHIN(False, T("中转停留{hours}小时，超过{max}小时（最晚须于{latest}离境）",
                                hours=hours, max=self.max_hours, latest=at(latest)))

    def latest_departure(self, arrival: datetime) -> datetime | None:
        """The latest onward departure (Beijing time; None: not in force)."""
        if self.max_stay is None:
            return None
        return arrival.astimezone(BEIJING) + self.max_stay

    def third_country(self, origin: Country, destination: Country) -> Condition:
        """To a third country or region (M05.2; :func:`churujing.predicates.third_country`,
        or only outside the mainland where the data do not require a third country)."""
        third = self.requires_third_country
        if third is None:
            return _THIRD(False, self.not_yet)
        if not (outside_mainland(origin) and outside_mainland(destination)):
            return _THIRD(False, T("始发地与目的地均不得为中国内地（{origin}→{destination}）",
                                   origin=origin.text, destination=destination.text))
        if third and not predicates.third_country(origin, destination):
            return _THIRD(False, T("须前往第三国或地区：目的地与始发地相同（{origin}）",
                                   origin=origin.text))
        return _THIRD(True, T("由{origin}前往第三国或地区{destination}",
                              origin=origin.text, destination=destination.text))

    def onward_ticket(self, held: bool) -> Condition:
        """An interline ticket with a confirmed onward seat (M05.2)."""
        if self.max_stay is None:
            return _TICKET(False, self.not_yet)
        if held:
            return _TICKET(True, T("持国际联程机票，已确认续程座位"))
        return _TICKET(False, T("须持已确认续程座位的国际联程机票"))

    def restricted_area(self, leaves: bool) -> Condition:
        """Does not leave the port restricted area (M05.2: 不出机场)."""
        if self.max_stay is None:
            return _RESTRICTED(False, self.not_yet)
        if not leaves:
            return _RESTRICTED(True, T("不离开口岸限定区域，直接转机"))
        return _RESTRICTED(False, T("离开口岸限定区域须办理边检查验手续，不适用直接过境免办查验"))

    def nationality(self) -> Condition:
        """Nationality: not restricted (M05.2: 出入境旅客)."""
        restricted = self.nationality_restricted
        if restricted is None:
            return _NATIONALITY(False, self.not_yet)
        if not restricted:
            return _NATIONALITY(True, T("不限国籍（出入境旅客均可适用）"))
        return _NATIONALITY(False, T("本措施限定国籍，本项目未收录适用国籍"))


def rules_on(policy: Policy, day: date) -> DayRules:
    """Measure 5's rules on ``day``."""
    return DayRules(policy, day)


def finer_clauses(policy: Policy) -> frozenset[str]:
    """The clauses finer than the declared ones that a condition may cite, as the data
    give them: each airport's clause of M05.1."""
    return frozenset(p.ref.clause for item in policy.table("m05.airports")
                     for p in item.periods if p.ref.clause)


def _layover_hours(arrival: datetime, departure: datetime) -> float:
    return round((departure - arrival).total_seconds() / _SECONDS_PER_HOUR, 2)


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月5日起，在天津滨海、大连周水子、南京禄口、福州长乐、青岛胶东、武汉天河、南宁吴圩、
    海口美兰、重庆江北、昆明长水10个国际机场复制推广24小时直接过境免办出入境边防检查查验手续措施。
    对于持24小时内国际联程机票，经上述任一机场不出机场直接转机前往第三国或地区的出入境旅客，可以免办
    出入境边防检查查验手续。（M05.1, M05.2）

    From 5 November 2025, 24-hour direct transit without exit-entry border inspection is
    extended to 10 international airports: Tianjin Binhai, Dalian Zhoushuizi, Nanjing
    Lukou, Fuzhou Changle, Qingdao Jiaodong, Wuhan Tianhe, Nanning Wuxu, Haikou Meilan,
    Chongqing Jiangbei and Kunming Changshui. Passengers holding an international
    connecting air ticket within 24 hours who transfer directly at any of these airports,
    without leaving the airport, to a third country or region are exempted from border
    inspection procedures.

    Conditions, in this order: ``port`` (the airport listed on the day), ``within_stay``
    (24 hours), ``third_country``, ``onward_ticket``, ``restricted_area``, ``nationality``
    (always met: not restricted).

    Limitations:
        * "24小时内" is read as a connection of at most 24 hours from arrival to the
          onward departure (24 h 00 min is within).
        * The day whose rules apply is the day of arrival in Beijing time (or ``as_of``).
        * The 9 airports of the national measure are recorded from 2024-01-11; Beijing
          Capital's local scheme of 2015-04-15 (which allowed return-to-origin routings)
          is not modelled, so before 2024-01-11 no airport qualifies.
        * "第三国或地区" is read as: origin and destination both outside the mainland of
          China (Hong Kong, Macau and Taiwan count as regions outside it) and different
          from each other; a return to the origin is not a transit.
        * "国际联程机票" is read as an interline ticket with a confirmed onward seat (NIA,
          2024-01-11); the validity of the passenger's own travel document is assumed.
        * The measure is open to every nationality and to Chinese citizens (出入境旅客).
        * The alternatives are pointers, not decisions: the Exit-Entry Law art. 22 transit
          (with inspection, at any open port), the temporary entry permit for leaving the
          airport, and the 240-hour visa-free transit for its nationalities (decide it with
          ``visa-free-transit-240h``).
    """
    policy = policy_or_default(policy)
    day = as_of or day_of(facts.arrival_time)
    rules = rules_on(policy, day)
    warnings: list[Text] = []
    conditions: list[Condition] = []

    # 1. The airport is listed on the day (M05.1).
    resolved = facts.airport
    airport = resolved.value
    airport_since: date | None = None
    if airport is None:
        conditions.append(_AIRPORT.unrecognised(query=resolved.query))
    else:
        condition, airport_since = rules.port(airport)
        conditions.append(condition)

    # 2. The onward flight leaves within the time limit (M05.2).
    conditions.append(rules.within_stay(facts.arrival_time, facts.departure_time))

    # 3. To a third country or region (M05.2).
    o = journey_end(facts.origin, facts.origin_airport).value
    d = journey_end(facts.destination, facts.destination_airport).value
    if rules.requires_third_country is not None and (o is None or d is None):
        conditions.append(_THIRD.unrecognised())
    elif o is None or d is None:
        conditions.append(_THIRD(False, rules.not_yet))
    else:
        conditions.append(rules.third_country(o, d))

    # 4. An interline ticket with a confirmed onward seat (M05.2).
    conditions.append(rules.onward_ticket(facts.connecting_ticket))

    # 5. Does not leave the port restricted area (M05.2: 不出机场).
    conditions.append(rules.restricted_area(facts.leaves_restricted_area))

    # 6. Nationality: not restricted (M05.2: 出入境旅客).
    conditions.append(rules.nationality())

    eligible = all(c.met for c in conditions)
    nat = facts.nationality
    alternatives = [] if eligible else _alternatives(
        policy, day, conditions, nat.value if nat is not None else None)
    details: dict[str, Any] = {
        "airport": ({"id": airport.id, "zh": airport.text.zh, "en": airport.text.en}
                    if airport is not None else None),
        "airport_since": airport_since,
        "layover_hours": _layover_hours(facts.arrival_time, facts.departure_time),
        "max_hours": rules.max_hours,
        "latest_departure": rules.latest_departure(facts.arrival_time),
        "airports": [{"id": i.key, "zh": t.zh, "en": t.en}
                     for i, t in zip(rules.active, rules.active_names, strict=True)],
        "alternatives": alternatives,
    }
    return answer(ID, day, conditions, details, warnings, policy)


def _alternatives(policy: Policy, day: date, conditions: list[Condition],
                  nationality: Country | None) -> list[dict[str, Any]]:
    """What may apply instead when the direct transit is refused (pointers, not decisions)."""
    met = {c.code: c.met for c in conditions}
    out: list[dict[str, Any]] = []
    transit_ok = met["within_stay"] and met["third_country"] and met["onward_ticket"]
    if transit_ok and not met["restricted_area"]:
        text = T("如需离开机场，可向出入境边防检查机关申请办理过境临时入境许可")
        out.append({"code": "temporary_entry_permit", "clause": None, **text.to_dict()})
    if transit_ok and not met["port"] and met["restricted_area"]:
        text = T(
            "在任一对外开放口岸，{hours}小时内不离开口岸的过境旅客可依《出境入境管理法》"
            "第二十二条免办签证，但须接受边检查验",
            hours=policy.value("m05.art22_transit_hours", day),
        )
        out.append({"code": "transit_without_visa_art22", "clause": None, **text.to_dict()})
    if met["third_country"] and met["onward_ticket"]:
        out.extend(_transit_240h(policy, day, nationality))
    if not out:
        text = T("办妥签证（或符合其他免签政策）后，经出入境边防检查查验入境")
        out.append({"code": "visa", "clause": None, **text.to_dict()})
    return out


def _transit_240h(policy: Policy, day: date, nationality: Country | None) -> list[dict[str, Any]]:
    if "m06.nationalities" not in policy.tables:
        return []
    hours = policy.value("m06.stay_hours", day)
    countries = policy.table("m06.nationalities").keys(day)
    if hours is None or not countries:
        return []
    if nationality is None:
        text = T("{n}个适用国家的公民可考虑{hours}小时过境免签（另需入境查验）",
                 n=len(countries), hours=hours)
    elif nationality.code in countries:
        text = T("{country}公民可考虑{hours}小时过境免签（另需入境查验）",
                 country=nationality.text, hours=hours)
    else:
        return []
    return [{"code": "visa_free_transit_240h", "clause": "M06", **text.to_dict()}]
