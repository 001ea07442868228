"""Measure 6 and annexes 1–2: 240-hour visa-free transit (240小时过境免签)."""

from __future__ import annotations

import calendar as _cal
import weakref
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field

from churujing import places, predicates
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Lang, Text, freeze, jsonable
from churujing.facts import (
    BEIJING,
    Arrival,
    Departure,
    Destination,
    DestinationAirport,
    Nationality,
    Origin,
    OriginAirport,
    PassportExpiry,
    VisitAreas,
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
    required_or_first,
)
from churujing.policy import Policy
from churujing.predicates import area_allowed, chinese_citizen, outside_mainland
from churujing.refs import port_among

__all__ = [
    "CLAUSE",
    "CONDITIONS",
    "ID",
    "TITLE",
    "VALUE_LABELS",
    "DayRules",
    "Facts",
    "StayArea",
    "StayAreas",
    "add_months",
    "decide",
    "finer_clauses",
    "rules_on",
    "stay_deadline",
    "third_country",
]

ID = "visa-free-transit-240h"
CLAUSE = "M06"
TITLE = T("240小时过境免签")

Purpose = Literal["tourism", "business", "visit", "family", "work", "study", "journalism", "other"]

#: The conditions, in the order an answer reports them, each beside the words of its clause.
CONDITIONS = Conditions(
    # M06 自2025年11月5日起，……240小时过境免签政策……（the policy, in force from 2024-12-17）
    Spec("policy_in_force", "M06", law="240小时过境免签政策"),
    # A1.1 一是属于55个适用过境免签政策国家的公民
    Spec("nationality", "A1.1", law="属于55个适用过境免签政策国家的公民",
         unknown=T("未能识别国籍，无法确认是否属于适用国家。")),
    # A1.2 二是需持本人有效国际旅行证件，有效期不少于3个月
    Spec("passport_validity", "A1.2", law="需持本人有效国际旅行证件，有效期不少于3个月"),
    # A2 240小时过境免签政策适用口岸（each port's row of annex 2 is the finer clause）
    Spec("entry_port", "A2", law="240小时过境免签政策适用口岸",
         unknown=T("未能识别入境口岸，无法确认是否属于适用口岸。")),
    # M06.2 从中国过境前往第三国（地区）
    Spec("third_country", "M06.2", law="从中国过境前往第三国（地区）",
         unknown=T("未能识别出发地或目的地，无法确认是否前往第三国（地区）。")),
    # A1.3 三是需持240小时内已确定日期及行程的前往第三国（地区）的联程客票或相关证明
    Spec("onward_ticket", "A1.3",
         law="需持240小时内已确定日期及行程的前往第三国（地区）的联程客票或相关证明"),
    # A1.4 免签停留时间自入境次日零时起算
    Spec("within_stay", "A1.4", law="免签停留时间自入境次日零时起算"),
    # M06.3 停留期间可从事旅游、商务、访问、探亲等活动，工作、学习、新闻采访等需事先批准的活动
    #       仍应办妥签证方可入境
    Spec("purpose", "M06.3", law="停留期间可从事旅游、商务、访问、探亲等活动，工作、学习、"
         "新闻采访等需事先批准的活动仍应办妥签证方可入境"),
    # A2.66 过境免签人员可在24个省（区、市）允许停留活动区域内跨省域停留240小时
    Spec("visit_areas", "A2.66", law="可在24个省（区、市）允许停留活动区域内跨省域停留"),
    # A2 240小时过境免签政策适用口岸（Guangdong's row, A2.39: 可从全省所有对外开放口岸出境）
    Spec("exit_port", "A2", law="240小时过境免签政策适用口岸",
         unknown=T("未能识别出境口岸，无法确认能否从该口岸出境。")),
)


#: a port of entry or exit: a name of several ports means the one annex 2 lists, if one
ListedPort = Annotated[places.Resolved[places.Port], port_among("m06.entry_ports")]


class Facts(JourneyFacts):
    """What a carrier or a traveller knows about the trip."""

    nationality: Nationality
    passport_expiry: PassportExpiry
    entry_port: ListedPort = port_of("entry",
                                   "PVG, 上海浦东国际机场口岸, 琶洲, Pazhou ferry terminal")
    entry_time: Arrival
    origin: Origin = None
    destination: Destination = None
    origin_airport: OriginAirport = None
    destination_airport: DestinationAirport = None
    departure_time: Departure
    onward_ticket: bool = Field(
        description="A confirmed onward ticket (air, ship or train) with a fixed date to the third "
        "country or region, held before entry."
    )
    purpose: Purpose = Field(description="Purpose of the stay.")
    visit_areas: VisitAreas = None
    exit_port: ListedPort | None = port_of("exit, if known", "PVG, 白云, Luohu", default=None)

    _departure_after_entry = in_order("departure_time", "entry_time",
                                      "expected a departure after entry_time", strict=True)


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months; the 31st becomes the last day of a shorter month."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def stay_deadline(entry_day: date, hours: int) -> datetime:
    """The instant the permitted stay ends: ``hours`` from 00:00 of the day after the entry
    day (Beijing time) (A1.4)."""
    start = datetime.combine(entry_day + timedelta(days=1), time(), BEIJING)
    return start + timedelta(hours=hours)


class StayArea(Mapping[str, Any]):
    """One province's stay area as a decision detail (``allowed_areas``): read-only, and
    said in one line of an explanation (``decision.Plain``) as the province, with its
    listed areas when only some of the province is open."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = {k: freeze(v) for k, v in data.items()}  # shared by a day's answers

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def items(self) -> ItemsView[str, Any]:  # the dict's own views: as fast as a dict's
        return self._data.items()

    def keys(self) -> KeysView[str]:
        return self._data.keys()

    def values(self) -> ValuesView[Any]:
        return self._data.values()

    def __repr__(self) -> str:
        return f"StayArea({self._data!r})"

    def to_dict(self) -> dict[str, Any]:
        """The JSON of the detail (as a plain mapping's)."""
        out: dict[str, Any] = jsonable(self._data)
        return out

    def plain(self, lang: Lang) -> str:
        name: str = self._data["name"].get(lang)
        if self._data["areas"] and not self._data["whole_province"]:
            return f"{name} ({', '.join(a[lang] for a in self._data['areas'])})"
        return name


@dataclass(frozen=True, slots=True)
class StayAreas:
    """The stay areas in force on a day (A2): the listed areas (GB/T 2260 codes; a
    province's own code stands for the whole province), the provinces whose stay-area row
    allows leaving from any open port (Guangdong, A2.39), each province's row of annex 2,
    and the detail shown to the user."""

    listed: frozenset[str]
    exit_any_port_provinces: frozenset[str]
    detail: tuple[Mapping[str, Any], ...]
    clause_of: Mapping[str, str]  # province code -> its annex-2 row

    @property
    def exit_any_port_names(self) -> Text | None:
        """The names of the provinces left from any open port (广东省), or ``None``."""
        if not self.exit_any_port_provinces:
            return None
        return Text.join(_province_text(p) for p in sorted(self.exit_any_port_provinces))

    @classmethod
    def on(cls, policy: Policy, day: date) -> StayAreas:
        """The stay areas of ``policy`` in force on ``day``."""
        listed: set[str] = set()
        exit_any: set[str] = set()
        detail = []
        clause_of = {}
        for item in policy.table("m06.stay_areas").active(day):
            province = item.key
            codes = [str(c) for c in item["areas"]]
            clause_of[province] = (item.get("clause") or item.ref.clause
                                   or CONDITIONS["exit_port"].clause)
            if item.get("exit_any_open_port"):
                exit_any.add(province)
            names = []
            for code in codes:
                listed.add(code)
                d = places.division(code).value
                names.append(d.text if d else Text(code, code))
            prov = places.division(province).value
            detail.append(StayArea(
                {
                    "province": province,
                    "name": prov.text if prov else Text(str(item.get("zh", province)), province),
                    "whole_province": province in codes,
                    "areas": [{"code": c, **n.to_dict()}
                              for c, n in zip(codes, names, strict=True)],
                    "exit_any_open_port": bool(item.get("exit_any_open_port")),
                    "clause": clause_of[province],
                }
            ))
        return cls(frozenset(listed), frozenset(exit_any), freeze(detail), freeze(clause_of))

    def allows(self, place: places.Division) -> bool:
        """``place`` lies inside the stay areas (:func:`churujing.predicates.area_allowed`)."""
        return area_allowed(place, self.listed)


def _province_text(code: str) -> Text:
    """A province's name by its GB/T 2260 code (the code itself if unknown)."""
    d = places.division(code).value
    return d.text if d else Text(code, code)


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """适用过境免签政策的55国公民持有效国际旅行证件和确定日期及行程的联程客票，从中国过境前往
    第三国（地区），可从24个省（自治区、直辖市）65个开放口岸中任一口岸免签入境，并在规定区域停留
    活动不超过240小时。（M06.2；附件1、附件2）

    Citizens of the 55 countries to which visa-free transit applies, holding a valid international
    travel document and an onward ticket with a confirmed date and itinerary, transiting China to
    a third country (region), may enter visa-free at any of the 65 open ports in 24 provinces and
    stay within the permitted areas for no more than 240 hours. (M06.2; annexes 1 and 2)

    The conditions, in order: the policy is in force (``policy_in_force``); nationality among
    annex 1's (``nationality``, A1.1.x); document valid at least 3 months (``passport_validity``,
    A1.2); entry at a listed port (``entry_port``, A2.n / M06.1.j); a third country or region
    (``third_country``, M06.2); an onward ticket (``onward_ticket``, A1.3); departure within the
    stay (``within_stay``, A1.4); a permitted purpose (``purpose``, M06.3); the places to visit
    inside the stay areas (``visit_areas``, A2.66); the exit port (``exit_port``, A2.39).

    Limitations:
        * The 3 months of validity are counted from the entry date: the document must still be
          valid on the same calendar day three months after entry (the 31st maps to the last
          day of a shorter month). The annex does not say from when; this is the reading of
          facts.md §3 (confidence med), the moment the temporary entry permit is issued.
        * "Third country (region)": origin and destination must differ, and neither may be the
          mainland; Hong Kong, Macau and Taiwan each count as a region of their own (their own
          ISO 3166-1 codes, ``predicates.third_country``). Nationality plays no part in the
          route test.
        * Exit: at any of the listed ports (the 2024-12-17 announcement calls them 入出境口岸),
          or at any open port of a province whose stay-area row allows it (Guangdong, A2.39);
          only ports in the project's registry count as open ports (confidence med).
        * Purposes: tourism, business, visit and family are permitted; work, study and
          journalism need a visa (M06.3). ``other`` is accepted with a caution, because the
          list ends in 等 (and the like): only activities needing prior approval are excluded.
        * ``visit_areas`` that name a whole province where only some cities are open (e.g.
          Sichuan) are refused, naming the open cities.
        * Before the policy's start (2024-12-17) the 72/144-hour schemes applied; they are not
          modelled: such dates are refused with ``policy_in_force`` unmet.
    """
    policy = policy_or_default(policy)
    entry_day = day_of(facts.entry_time)
    day = as_of or entry_day
    rules = rules_on(policy, day)
    conditions: list[Condition] = [rules.in_force]
    warnings: list[Text] = []
    details: dict[str, Any] = {}

    # nationality
    nat = facts.nationality
    conditions.append(_NATIONALITY.unrecognised() if nat.value is None
                      else rules.nationality(nat.value))

    # passport_validity
    needed = _needed(entry_day, rules.months)
    conditions.append(_PASSPORT(
        facts.passport_expiry >= needed,
        T(
            "国际旅行证件有效期须自入境之日起不少于{months}个月（至少至{needed}），"
            "证件有效期至{expiry}。",
            months=rules.months_value,
            needed=_Iso(needed),
            expiry=_Iso(facts.passport_expiry),
        ),
    ))

    # entry_port
    port_r = facts.entry_port
    if port_r.value is None:
        conditions.append(_ENTRY_PORT.unrecognised())
    else:
        condition, port_detail = rules.entry_port(port_r.value)
        conditions.append(condition)
        details["entry_port"] = dict(port_detail)

    # third_country
    origin, dest = journey_end(facts.origin, facts.origin_airport), journey_end(
        facts.destination, facts.destination_airport)
    if origin.value is None or dest.value is None:
        conditions.append(_THIRD_COUNTRY.unrecognised())
    else:
        conditions.append(third_country(origin.value, dest.value))

    # onward_ticket
    conditions.append(_TICKET[facts.onward_ticket])

    # within_stay
    if rules.hours is not None:
        deadline, deadline_iso, last_day, deadline_min = _deadline(entry_day, rules.hours)
        details["stay_deadline"] = deadline_iso
        details["stay_hours"] = rules.hours
        conditions.append(_WITHIN_STAY(
            facts.departure_time <= deadline,
            T(
                "停留时间自入境次日零时起算，不超过{hours}小时，须于{last_day} 24:00"
                "（即{deadline}）前离境；计划离境时间{departure}。",
                hours=rules.hours_value,
                last_day=last_day,
                deadline=deadline_min,
                departure=_Minute(facts.departure_time),
            ),
        ))
    else:
        details["stay_deadline"] = None
        conditions.append(_NO_STAY_LIMIT)

    # purpose
    conditions.append(rules.purpose(facts.purpose))

    # visit_areas
    areas = rules.areas
    details["allowed_areas"] = areas.detail  # frozen: shared by every answer of the day
    if not facts.visit_areas:
        conditions.append(_VISIT_AREAS(True, T(
            "未填写拟前往地区；可在{n}个省（区、市）的允许停留活动区域内跨省域停留。",
            n=len(areas.detail),
        )))
    else:
        outside: list[Text] = []
        for area in facts.visit_areas:
            if area.value is None:
                outside.append(Text(area.query, area.query))
            elif not areas.allows(area.value):
                outside.append(area.value.text)
        if outside:
            text = T("以下地区不在允许停留活动区域内：{areas}。", areas=outside)
        else:
            text = T("拟前往地区均在允许停留活动区域内（可跨省域停留）。")
        conditions.append(_VISIT_AREAS(not outside, text))

    # exit_port
    exit_r = facts.exit_port
    if exit_r is None:
        conditions.append(rules.exit_port(None))
    elif exit_r.value is None:
        conditions.append(_EXIT_PORT.unrecognised())
    else:
        conditions.append(rules.exit_port(exit_r.value))

    details["alternatives"] = rules.alternatives(nat.value)
    return answer(ID, day, conditions, details, warnings, policy)


class _Iso:
    """A date shown as ISO 8601, formatted only when the text is read."""

    __slots__ = ("value",)

    def __init__(self, value: date) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return self.value.isoformat()

    def __str__(self) -> str:
        return self.value.isoformat()


class _Minute:
    """A moment shown as ``YYYY-MM-DD HH:MM``, formatted only when the text is read."""

    __slots__ = ("value",)

    def __init__(self, value: datetime) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return self.value.strftime("%Y-%m-%d %H:%M")

    def __str__(self) -> str:
        return self.value.strftime("%Y-%m-%d %H:%M")


_NATIONALITY = CONDITIONS["nationality"]
_ENTRY_PORT = CONDITIONS["entry_port"]
_THIRD_COUNTRY = CONDITIONS["third_country"]
_EXIT_PORT = CONDITIONS["exit_port"]
# built on every answer: bound once (``CONDITIONS[code](met, text)`` without a call of its own)
_PASSPORT = CONDITIONS["passport_validity"].make
_WITHIN_STAY = CONDITIONS["within_stay"].make
_VISIT_AREAS = CONDITIONS["visit_areas"].make
_TICKET = {
    True: CONDITIONS["onward_ticket"](
        True, T("持有入境前已确定日期及行程、前往第三国（地区）的联程客票。")),
    False: CONDITIONS["onward_ticket"](
        False, T("须持有入境前已确定日期及行程、前往第三国（地区）的联程客票或相关证明。")),
}
_NO_STAY_LIMIT = _WITHIN_STAY(False, T("该日期没有适用的停留时限。"))


@lru_cache(maxsize=65536)
def third_country(origin: places.Country, destination: places.Country) -> Condition:
    """The route test (M06.2, :func:`churujing.predicates.third_country`) with its text;
    it depends only on the two places, so it is memoised (a Condition is immutable)."""
    if not (outside_mainland(origin) and outside_mainland(destination)):
        ok, text = False, T("过境须从中国境外来、往中国境外去；出发地和目的地均不得为中国内地。")
    elif not predicates.third_country(origin, destination):
        ok = False
        text = T("从{origin}来又返回{dest}，不是前往第三国（地区）。",
                 origin=origin.text, dest=destination.text)
    else:
        ok = True
        text = T("从{origin}经中国前往{dest}，属于前往第三国（地区）。",
                 origin=origin.text, dest=destination.text)
    return _THIRD_COUNTRY(ok, text)


@lru_cache(maxsize=65536)
def _needed(entry_day: date, months: int) -> date:
    """:func:`add_months`, memoised: the day a document must still be valid on."""
    return add_months(entry_day, months)


@lru_cache(maxsize=65536)
def _deadline(entry_day: date, hours: int) -> tuple[datetime, str, str, str]:
    """The stay deadline for an entry day, with its ISO form, last day and minute form."""
    deadline = stay_deadline(entry_day, hours)
    return (
        deadline,
        deadline.isoformat(),
        (deadline - timedelta(days=1)).date().isoformat(),
        deadline.strftime("%Y-%m-%d %H:%M"),
    )


class DayRules:
    """Measure 6's rules on one day: what it reads from the policy data, and each
    condition that depends on one value of a fact (a canonical country, port, purpose or
    place), memoised. Get one with :func:`rules_on` (computed once per policy and day).

    :func:`decide` and the vectorised rule (:mod:`churujing.batch.m06`) both ask these;
    the facts of a trip are not kept, so the answers are exactly those of evaluating the
    data afresh. A fact whose name matched nothing is the caller's: its condition is the
    declared fallback (``CONDITIONS[code].unrecognised()``).
    """

    #: the policy data the rules read: a day on which none of them changes has the same rules
    TABLES = ("m06.nationalities", "m06.entry_ports", "m06.stay_areas", "ports")
    PARAMETERS = (
        "m06.policy_start",
        "m06.stay_hours",
        "m06.passport_min_validity_months",
        "m06.permitted_purposes",
        "m06.visa_required_purposes",
    )

    def __init__(self, policy: Policy, day: date) -> None:
        self.policy = policy
        self.day = day
        start = policy.param("m06.policy_start").at(day)
        hours = policy.value("m06.stay_hours", day)
        in_force = start is not None and hours is not None
        first = policy.param("m06.policy_start").values[0]
        self.in_force = CONDITIONS["policy_in_force"](
            in_force,
            T("240小时过境免签政策自{start}起实施。", start=str(first.value))
            if in_force
            else T(
                "{day}时240小时过境免签政策尚未实施（自{start}起实施）。",
                day=day.isoformat(),
                start=str(first.value),
            ),
        )
        self.hours_value = hours
        self.hours = int(hours) if hours is not None else None
        self.months_value = required_or_first(policy, "m06.passport_min_validity_months", day)
        self.months = int(self.months_value)
        self.nationalities = policy.table("m06.nationalities")
        self.n_nationalities = len(self.nationalities.active(day))
        self.entry_ports = policy.table("m06.entry_ports")
        self.n_ports = len(self.entry_ports.active(day))
        self.ports = policy.table("ports")
        self.permitted = policy.value("m06.permitted_purposes", day, []) or []
        self.needs_visa = policy.value("m06.visa_required_purposes", day, []) or []
        self.areas = StayAreas.on(policy, day)
        self._nationality: dict[places.Country, Condition] = {}
        self._entry_port: dict[places.Port, tuple[Condition, dict[str, Any]]] = {}
        self._exit_port: dict[places.Port | None, Condition] = {}
        self._purpose: dict[str, Condition] = {}
        self._alternatives: dict[places.Country, list[dict[str, Any]]] = {}

    def nationality(self, country: places.Country) -> Condition:
        """Annex 1's nationality condition (its own row, A1.1.x, when listed)."""
        hit = self._nationality.get(country)
        if hit is not None:
            return hit
        day, nationalities, n = self.day, self.nationalities, self.n_nationalities
        period = nationalities.period(country.code, day)
        item = nationalities.get(country.code)
        clause = str(item.get("clause")) if item is not None and item.get("clause") else None
        if period is not None:
            text = T("{country}公民属于适用过境免签政策的{n}国之一。", country=country.text, n=n)
        elif chinese_citizen(country):
            text = T("{country}居民不是外国人，不适用过境免签政策。", country=country.text)
        else:
            text = T("{country}不在适用过境免签政策的{n}国之列。", country=country.text, n=n)
        out = _NATIONALITY(period is not None, text, clause)
        self._nationality[country] = out
        return out

    def entry_port(self, port: places.Port) -> tuple[Condition, dict[str, Any]]:
        """The entry-port condition (the port's row of annex 2, or the clause of measure 6
        that added it), and the port's detail (do not change it: copy it)."""
        hit = self._entry_port.get(port)
        if hit is not None:
            return hit
        day, entry_ports = self.day, self.entry_ports
        p_period = entry_ports.period(port.id, day)
        p_item = entry_ports.get(port.id)
        if p_period is not None and p_period.ref.clause:
            p_clause = p_period.ref.clause  # e.g. M06.1.1 for a port added by measure 6
        elif p_item is not None:
            p_clause = str(p_item.get("clause") or p_item.ref.clause)
        else:
            p_clause = _ENTRY_PORT.clause
        if p_period is not None:
            text = T("{port}是{n}个适用入境口岸之一。", port=port.text, n=self.n_ports)
        elif p_item is not None:
            since = next((p.start for p in p_item.periods if p.start and p.start > day), None)
            text = T(
                "{day}时{port}尚不是适用入境口岸（自{since}起适用）。",
                day=day.isoformat(),
                port=port.text,
                since=since.isoformat() if since else "—",
            )
        else:
            text = T("{port}不在{n}个适用入境口岸之列。", port=port.text, n=self.n_ports)
        out = (
            _ENTRY_PORT(p_period is not None, text, p_clause),
            {"id": port.id, "clause": p_clause, **port.text.to_dict()},
        )
        self._entry_port[port] = out
        return out

    def exit_port(self, xp: places.Port | None) -> Condition:
        """The exit-port condition: a listed port, or any open port of a province whose row
        allows it (A2.39); ``None``: no exit port given (met)."""
        hit = self._exit_port.get(xp)
        if hit is not None:
            return hit
        anywhere = self.areas.exit_any_port_names  # 广东省 (A2.39), from the data
        if xp is None:
            text = T("未填写出境口岸；须从适用口岸出境。") if anywhere is None else T(
                "未填写出境口岸；须从适用口岸出境，在{provinces}可从全省所有对外开放口岸出境。",
                provinces=anywhere)
            none = _EXIT_PORT(True, text)
            self._exit_port[None] = none
            return none
        day, areas = self.day, self.areas
        listed = self.entry_ports.period(xp.id, day) is not None
        open_port = xp.listed and self.ports.period(xp.id, day) is not None
        gd = xp.province in areas.exit_any_port_provinces and open_port
        clause = areas.clause_of.get(xp.province) if gd and not listed else None
        if listed:
            text = T("可从适用口岸{port}出境。", port=xp.text)
        elif gd:
            text = T("{port}是{province}对外开放口岸，可从该口岸出境。", port=xp.text,
                     province=_province_text(xp.province))
        elif anywhere is not None:
            text = T("{port}不是适用口岸；须从适用口岸出境，或从{provinces}对外开放口岸出境。",
                     port=xp.text, provinces=anywhere)
        else:
            text = T("{port}不是适用口岸；须从适用口岸出境。", port=xp.text)
        out = _EXIT_PORT(listed or gd, text, clause)
        self._exit_port[xp] = out
        return out

    def purpose(self, purpose: str) -> Condition:
        """The purpose condition (M06.3)."""
        hit = self._purpose.get(purpose)
        if hit is not None:
            return hit
        text_of = _PURPOSE_TEXT[purpose]
        if purpose in self.needs_visa:
            ok, text = False, T("{purpose}属于需事先批准的活动，须办妥签证方可入境。",
                                purpose=text_of)
        elif purpose in self.permitted:
            ok, text = True, T("停留期间可从事{purpose}活动。", purpose=text_of)
        else:
            ok = True
            text = T(
                "其他目的：可从事旅游、商务、访问、探亲等活动；工作、学习、新闻采访等需事先批准的"
                "活动须办妥签证。"
            )
        out = CONDITIONS["purpose"](ok, text)
        self._purpose[purpose] = out
        return out

    def area_allowed(self, place: places.Division) -> bool:
        """``place`` lies inside the stay areas in force (:meth:`StayAreas.allows`)."""
        return self.areas.allows(place)

    def alternatives(self, country: places.Country | None) -> list[Any]:
        """A fresh copy of the memoised alternatives (callers may change what they get)."""
        if country is None:
            return []
        found = self._alternatives.get(country)
        if found is None:
            found = _alternatives(self.policy, self.day, country)
            self._alternatives[country] = found
        return [{**a, "ref": dict(a["ref"])} for a in found]


#: per policy, by its id (the entry is dropped with the policy), its rules per day; a
#: plain dictionary: a weak-keyed one makes a reference per look-up
_DAY_RULES: dict[int, dict[date, DayRules]] = {}


def rules_on(policy: Policy, day: date) -> DayRules:
    """Measure 6's rules on ``day`` (memoised per policy and day)."""
    by_day = _DAY_RULES.get(id(policy))
    if by_day is None:
        by_day = _DAY_RULES.setdefault(id(policy), {})
        weakref.finalize(policy, _DAY_RULES.pop, id(policy), None)
    rules = by_day.get(day)
    if rules is None:
        rules = DayRules(policy, day)
        if len(by_day) < 4096:
            by_day[day] = rules
    return rules


def finer_clauses(policy: Policy) -> frozenset[str]:
    """The clauses finer than the declared ones that a condition may cite, as the data
    give them: the rows of annexes 1 and 2 and the clauses that added a port."""
    out: set[str] = set()
    for table in ("m06.nationalities", "m06.entry_ports", "m06.stay_areas"):
        for item in policy.table(table):
            out.update(p.ref.clause for p in item.periods if p.ref.clause)
            if item.get("clause"):
                out.add(str(item.get("clause")))
    return frozenset(out)


_PURPOSE_TEXT: dict[str, Text] = {
    "tourism": T("旅游"),
    "business": T("商务"),
    "visit": T("访问"),
    "family": T("探亲"),
    "work": T("工作"),
    "study": T("学习"),
    "journalism": T("新闻采访"),
    "other": T("其他"),
}
VALUE_LABELS: Mapping[str, Mapping[str, Text]] = {"purpose": _PURPOSE_TEXT}


def _last_day(end: date | None) -> str | None:
    """The last day in force of a period whose ``end`` is exclusive."""
    return (end - timedelta(days=1)).isoformat() if end else None


def _alternatives(policy: Policy, day: date, country: places.Country | None) -> list[Any]:
    """Other visa-free routes open to this nationality (M06.4: 可从其规定)."""
    if country is None:
        return []
    out: list[dict[str, Any]] = []
    unilateral = policy.table("visa_free_30d.countries").period(country.code, day)
    if unilateral is not None:
        days = policy.value("visa_free_30d.max_stay_days", day)
        out.append(
            {
                "code": "visa_free_30d",
                "clause": "M06.4",
                "max_stay_days": days,
                "until": _last_day(unilateral.end),
                "ref": unilateral.ref.to_dict(),
                **T(
                    "{country}公民可适用单方面免签政策，入境停留不超过{days}天，不限口岸，"
                    "无须联程客票。",
                    country=country.text,
                    days=days,
                ).to_dict(),
            }
        )
    mutual = policy.table("mutual_visa_exemption.countries")
    m_period = mutual.period(country.code, day)
    if m_period is not None:
        item = mutual.get(country.code)
        days = item.get("max_stay_days") if item is not None else None
        out.append(
            {
                "code": "mutual_visa_exemption",
                "clause": "M06.4",
                "max_stay_days": days,
                "until": _last_day(m_period.end),
                "ref": m_period.ref.to_dict(),
                **T(
                    "{country}与中国互免签证，可按互免签证协定入境。",
                    country=country.text,
                ).to_dict(),
            }
        )
    return out
