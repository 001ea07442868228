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
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from churujing import places
from churujing.decision import Condition, Decision, Text
from churujing.facts import BEIJING, BeijingDateTime, FactsModel, day_of
from churujing.i18n import T
from churujing.measures._common import journey_end, journey_ends, journey_missing, policy_or_default
from churujing.places import Country
from churujing.policy import Policy
from churujing.policy.loader import Table
from churujing.refs import Abroad, AirportCode, CountryName, PortName

__all__ = ["CLAUSE", "ID", "TITLE", "Facts", "decide"]

ID = "direct-transit-24h"
CLAUSE = "M05"
TITLE = T("扩大24小时直接过境免办查验手续口岸范围")

_SECONDS_PER_HOUR = 3600


class Facts(FactsModel):
    """Facts for 24-hour direct transit without border inspection (M05)."""

    airport: PortName = Field(
        description="the transfer airport: IATA code, id, Chinese or English name "
        "(e.g. NKG, 南京禄口, Nanjing Lukou)",
    )
    arrival_time: BeijingDateTime = Field(
        description="arrival at the transfer airport, ISO 8601 (Beijing time when no "
        "offset is given)"
    )
    departure_time: BeijingDateTime = Field(
        description="departure of the onward flight, ISO 8601 (Beijing time when no "
        "offset is given)"
    )
    origin: Abroad | None = Field(
        default=None,
        description="where the inbound flight comes from: a country or region by ISO code or "
        "name (HK, MO, TW are regions), an airport by IATA code (NRT) or a major city; "
        "required unless origin_airport is given",
    )
    destination: Abroad | None = Field(
        default=None,
        description="where the onward flight goes: named as origin is; required unless "
        "destination_airport is given",
    )
    origin_airport: AirportCode | None = Field(
        default=None, description="the inbound flight's origin airport, by IATA code")
    destination_airport: AirportCode | None = Field(
        default=None, description="the onward flight's destination airport, by IATA code")
    connecting_ticket: bool = Field(
        description="holds an international interline (connecting) air ticket with a "
        "confirmed seat on the onward flight (国际联程机票)"
    )
    leaves_restricted_area: bool = Field(
        description="true if the passenger wants to leave the port restricted area (airside)"
    )
    nationality: CountryName | None = Field(
        default=None,
        description="optional: nationality (ISO code or name); the measure is open to "
        "every nationality, it only informs the alternatives",
    )

    _ends = model_validator(mode="after")(journey_ends)

    @classmethod
    def missing_together(cls, data: dict[str, Any]) -> list[tuple[str, Text]]:
        return journey_missing(data)

    @field_validator("departure_time")
    @classmethod
    def _after_arrival(cls, value: datetime, info: ValidationInfo) -> datetime:
        arrival = info.data.get("arrival_time")
        if isinstance(arrival, datetime) and value < arrival:
            raise ValueError("expected a departure_time not before arrival_time")
        return value


def _port_text(ports: Table, key: str) -> Text:
    found = places.port(key, ports).value
    return found.text if found is not None else Text(key, key)


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

    Conditions, in this order: ``airport`` (listed on the day), ``within_24h``,
    ``third_country``, ``connecting_ticket``, ``restricted_area``, ``nationality``
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
    ports = policy.table("ports")
    table = policy.table("m05.airports")
    warnings: list[Text] = []
    conditions: list[Condition] = []
    starts = [p.start for i in table for p in i.periods if p.start is not None]
    first = min(starts) if starts else None
    active = table.active(day)
    active_names = [_port_text(ports, i.key) for i in active]
    not_yet = T("{day}尚未实施24小时直接过境免办查验手续（自{first}起）",
                day=str(day), first=str(first))

    # 1. The airport is listed on the day (M05.1).
    resolved = facts.airport
    airport = resolved.value
    airport_since: date | None = None
    if airport is None:
        conditions.append(Condition("airport", CLAUSE + ".1", False, T(
            "未能识别机场“{query}”，无法判断是否实施24小时直接过境免办查验手续",
            query=resolved.query)))
    else:
        item = table.get(airport.id)
        period = item.period(day) if item is not None else None
        if item is not None:
            own = [p.start for p in item.periods if p.start is not None]
            airport_since = min(own) if own else None
        clause_id = (item.periods[-1].ref.clause if item is not None else None) or CLAUSE + ".1"
        if period is not None:
            conditions.append(Condition("airport", period.ref.clause or CLAUSE + ".1", True, T(
                "{airport}自{since}起实施24小时直接过境免办查验手续", airport=airport.text,
                since=str(period.start) if period.start else "—")))
        elif not active:
            conditions.append(Condition("airport", clause_id, False, T(
                "{day}尚无机场实施24小时直接过境免办查验手续（全国自{first}起实施）",
                day=str(day), first=str(first))))
        elif item is not None and airport_since is not None and day < airport_since:
            conditions.append(Condition("airport", clause_id, False, T(
                "{airport}自{since}起才实施24小时直接过境免办查验手续；{day}实施的{n}个机场：{list}",
                airport=airport.text, since=str(airport_since), day=str(day),
                n=len(active), list=active_names)))
        else:
            conditions.append(Condition("airport", CLAUSE + ".1", False, T(
                "{airport}不在实施24小时直接过境免办查验手续的机场之列；{day}实施的{n}个机场：{list}",
                airport=airport.text, day=str(day), n=len(active), list=active_names)))

    # 2. The onward flight leaves within the time limit (M05.2).
    max_hours = policy.value("m05.max_hours", day)
    layover = facts.departure_time - facts.arrival_time
    layover_hours = round(layover.total_seconds() / _SECONDS_PER_HOUR, 2)
    latest = None
    if max_hours is None:
        conditions.append(Condition("within_24h", CLAUSE + ".2", False, not_yet))
    else:
        latest = facts.arrival_time.astimezone(BEIJING) + timedelta(hours=float(max_hours))
        if layover <= timedelta(hours=float(max_hours)):
            conditions.append(Condition("within_24h", CLAUSE + ".2", True, T(
                "中转停留{hours}小时，不超过{max}小时", hours=layover_hours, max=max_hours)))
        else:
            conditions.append(Condition("within_24h", CLAUSE + ".2", False, T(
                "中转停留{hours}小时，超过{max}小时（最晚须于{latest}离境）",
                hours=layover_hours, max=max_hours, latest=latest.isoformat())))

    # 3. To a third country or region (M05.2).
    origin = journey_end(facts.origin, facts.origin_airport)
    destination = journey_end(facts.destination, facts.destination_airport)
    third = policy.value("m05.requires_third_country", day)
    o, d = origin.value, destination.value
    if third is None:
        conditions.append(Condition("third_country", CLAUSE + ".2", False, not_yet))
    elif o is None or d is None:
        conditions.append(Condition("third_country", CLAUSE + ".2", False, T(
            "未能识别始发地或目的地，无法判断是否前往第三国或地区")))
    elif "CN" in (o.code, d.code):
        conditions.append(Condition("third_country", CLAUSE + ".2", False, T(
            "始发地与目的地均不得为中国内地（{origin}→{destination}）",
            origin=o.text, destination=d.text)))
    elif third and o.code == d.code:
        conditions.append(Condition("third_country", CLAUSE + ".2", False, T(
            "须前往第三国或地区：目的地与始发地相同（{origin}）", origin=o.text)))
    else:
        conditions.append(Condition("third_country", CLAUSE + ".2", True, T(
            "由{origin}前往第三国或地区{destination}", origin=o.text, destination=d.text)))

    # 4. An interline ticket with a confirmed onward seat (M05.2).
    if max_hours is None:
        conditions.append(Condition("connecting_ticket", CLAUSE + ".2", False, not_yet))
    elif facts.connecting_ticket:
        conditions.append(Condition("connecting_ticket", CLAUSE + ".2", True, T(
            "持国际联程机票，已确认续程座位")))
    else:
        conditions.append(Condition("connecting_ticket", CLAUSE + ".2", False, T(
            "须持已确认续程座位的国际联程机票")))

    # 5. Does not leave the port restricted area (M05.2: 不出机场).
    if max_hours is None:
        conditions.append(Condition("restricted_area", CLAUSE + ".2", False, not_yet))
    elif not facts.leaves_restricted_area:
        conditions.append(Condition("restricted_area", CLAUSE + ".2", True, T(
            "不离开口岸限定区域，直接转机")))
    else:
        conditions.append(Condition("restricted_area", CLAUSE + ".2", False, T(
            "离开口岸限定区域须办理边检查验手续，不适用直接过境免办查验")))

    # 6. Nationality: not restricted (M05.2: 出入境旅客).
    restricted = policy.value("m05.nationality_restricted", day)
    if restricted is None:
        conditions.append(Condition("nationality", CLAUSE + ".2", False, not_yet))
    elif not restricted:
        conditions.append(Condition("nationality", CLAUSE + ".2", True, T(
            "不限国籍（出入境旅客均可适用）")))
    else:
        conditions.append(Condition("nationality", CLAUSE + ".2", False, T(
            "本措施限定国籍，本项目未收录适用国籍")))

    eligible = all(c.met for c in conditions)
    nat = facts.nationality
    alternatives = [] if eligible else _alternatives(
        policy, day, conditions, nat.value if nat is not None else None)
    details: dict[str, Any] = {
        "airport": ({"id": airport.id, "zh": airport.text.zh, "en": airport.text.en}
                    if airport is not None else None),
        "airport_since": airport_since,
        "layover_hours": layover_hours,
        "max_hours": max_hours,
        "latest_departure": latest,
        "airports": [{"id": i.key, "zh": t.zh, "en": t.en}
                     for i, t in zip(active, active_names, strict=True)],
        "alternatives": alternatives,
    }
    return Decision(
        measure=ID,
        as_of=day,
        conditions=tuple(conditions),
        details=details,
        warnings=tuple(warnings),
        data_version=policy.version,
    )


def _alternatives(policy: Policy, day: date, conditions: list[Condition],
                  nationality: Country | None) -> list[dict[str, Any]]:
    """What may apply instead when the direct transit is refused (pointers, not decisions)."""
    met = {c.code: c.met for c in conditions}
    out: list[dict[str, Any]] = []
    transit_ok = met["within_24h"] and met["third_country"] and met["connecting_ticket"]
    if transit_ok and not met["restricted_area"]:
        text = T("如需离开机场，可向出入境边防检查机关申请办理过境临时入境许可")
        out.append({"code": "temporary_entry_permit", "clause": None, **text.to_dict()})
    if transit_ok and not met["airport"] and met["restricted_area"]:
        text = T(
            "在任一对外开放口岸，{hours}小时内不离开口岸的过境旅客可依《出境入境管理法》"
            "第二十二条免办签证，但须接受边检查验",
            hours=policy.value("m05.art22_transit_hours", day),
        )
        out.append({"code": "transit_without_visa_art22", "clause": None, **text.to_dict()})
    if met["third_country"] and met["connecting_ticket"]:
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
