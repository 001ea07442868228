"""The trip engine: the entries a trip makes into mainland China, every regime for each,
the best one, and the arrival card under it.

An entry starts at a leg from abroad (a country, or Hong Kong, Macau or Taiwan) to the
mainland and ends at the next leg from the mainland to abroad; legs inside the mainland
between are part of the stay. ``best`` is the most permissive regime that fits:

* for an airside connection (``stays_airside``, leaving from the port of arrival with no
  leg inside the mainland between): direct transit without inspection (M05), then transit
  under art. 22(3), then the others;
* otherwise the 30-day unilateral exemption and the mutual agreements, then 240-hour
  transit (M06), then the airside regimes;
* ``visa-required`` only when nothing fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from churujing.decision import Decision, Lang, Notice, Text, jsonable
from churujing.facts import BEIJING, parse_facts
from churujing.i18n import T
from churujing.measures import get_measure
from churujing.policy import Policy, load_policy
from churujing.trips.facts import TripFacts
from churujing.trips.regimes import (
    D30,
    DIRECT,
    ENTRY_MODES,
    MUTUAL,
    T240,
    TRANSIT,
    VISA,
    Entry,
    Option,
    decide_regimes,
)

__all__ = ["AIRSIDE_ORDER", "LANDSIDE_ORDER", "EntryAnswer", "TripAnswer", "check_trip",
           "entries_of"]

AIRSIDE_ORDER = (DIRECT, TRANSIT, D30, MUTUAL, T240)
LANDSIDE_ORDER = (D30, MUTUAL, T240, DIRECT, TRANSIT)
ARRIVAL_CARD = "arrival-card"

Areas = Literal["ref", "full"]


@dataclass(frozen=True)
class EntryAnswer:
    entry: Entry
    options: tuple[Option, ...]
    best: Option
    arrival_card: Decision

    def to_dict(self, *, areas: Areas = "ref", lang: Lang | None = None) -> dict[str, Any]:
        e = self.entry
        return {
            "port": e.port.to_dict(),
            "arrive": e.arrive.isoformat(),
            "depart": e.depart.isoformat() if e.depart else None,
            "exit_port": e.exit.to_dict() if e.exit else None,
            "origin": e.origin.to_dict(),
            "destination": e.destination.to_dict() if e.destination else None,
            "airside": e.airside,
            "legs": [e.arrive_leg] + ([e.leave_leg] if e.leave_leg is not None else []),
            "as_of": self.arrival_card.as_of.isoformat(),
            # a carrier's yes/no: a visa is needed (the best regime is visa-required)
            "needs_visa": self.best.regime == VISA and self.best.eligible,
            "best": _option(self.best, areas, full=True),
            "options": [_option(o, areas, full=False) for o in self.options],
            "arrival_card": _card(self.arrival_card),
        }


@dataclass(frozen=True)
class TripAnswer:
    as_of: date | None
    entries: tuple[EntryAnswer, ...]
    warnings: tuple[Text, ...] = ()
    data_version: str = ""
    facts: TripFacts | None = field(default=None, compare=False)

    @property
    def refused(self) -> bool:
        """True when some entry's best regime is a refusal (a visa is needed, or nothing
        applies)."""
        return any(not a.best.eligible or a.best.regime == VISA for a in self.entries)

    def to_dict(self, *, areas: Areas = "ref") -> dict[str, Any]:
        first = self.entries[0].arrival_card.as_of if self.entries else None
        day = self.as_of or first
        return {
            "as_of": day.isoformat() if day else None,
            "entries": [a.to_dict(areas=areas) for a in self.entries],
            "refused": self.refused,
            "warnings": [_warning(w) for w in self.warnings],
            "data_version": self.data_version,
        }


def _warning(w: Text) -> dict[str, str]:
    if isinstance(w, Notice):
        return w.to_dict()
    return {"code": "", "field": "", "zh": w.zh, "en": w.en}


def _areas(option: Option, mode: Areas, day: date) -> dict[str, Any]:
    areas = dict(option.allowed_areas)
    if areas.get("kind") == "m06_stay_areas":
        provinces = [a["province"] for a in areas.get("areas", [])]
        out: dict[str, Any] = {"kind": "m06_stay_areas", "provinces": provinces,
                               "href": f"/v1/stay-areas?as_of={day.isoformat()}"}
        if mode == "full":
            out["areas"] = jsonable(areas["areas"])
        return out
    return jsonable(areas)  # type: ignore[no-any-return]


def _option(o: Option, areas: Areas, *, full: bool) -> dict[str, Any]:
    day = o.decision.as_of if o.decision is not None else None
    out: dict[str, Any] = {
        "regime": o.regime,
        "clause": o.clause,
        "eligible": o.eligible,
        "unmet": [c.code for c in o.unmet],
        "why": o.why.to_dict(),
    }
    if full or o.eligible:
        out["stay_deadline"] = o.stay_deadline.isoformat() if o.stay_deadline else None
    if full:
        out["allowed_areas"] = (_areas(o, areas, day or date.today()) if o.eligible
                                and o.regime != VISA else None)
        out["conditions"] = [c.to_dict() for c in o.conditions]
        details = {k: v for k, v in o.details.items() if k != "grant"}
        out["details"] = jsonable(details)
    return out


def _card(d: Decision) -> dict[str, Any]:
    return {
        "required": d.details.get("required"),
        "exemption": d.details.get("exemption"),
        "channels": jsonable(d.details.get("channels", [])),
        "clause": "M10",
        "conditions": [c.to_dict() for c in d.conditions],
    }


def entries_of(trip: TripFacts) -> tuple[list[Entry], list[Text]]:
    """The entries into mainland China the legs make, and warnings about the legs."""
    out: list[Entry] = []
    warnings: list[Text] = []
    start: int | None = None
    for n, leg in enumerate(trip.legs):
        if n == 0 and leg.from_.mainland:
            warnings.append(Notice.of(T(
                "行程从中国内地出发：此前的入境不在本次询问之内"), code="starts_inside",
                field="legs.0.from"))
        if not leg.from_.mainland and leg.to.mainland:
            if start is not None:  # two arrivals without a departure between
                warnings.append(Notice.of(T(
                    "第{n}段行程再次从境外到达中国内地，而此前没有离境航段", n=n + 1),
                    code="arrives_twice", field=f"legs.{n}.from"))
            start = n
            if leg.to.port is None:
                warnings.append(Notice.of(T(
                    "“{query}”是城市而不是口岸：请填写入境口岸（如机场代码）以判断口岸适用的政策",
                    query=leg.to.query), code="city_not_port", field=f"legs.{n}.to"))
        elif leg.from_.mainland and not leg.to.mainland and start is not None:
            out.append(_entry(trip, len(out), start, n))
            start = None
    if start is not None:
        out.append(_entry(trip, len(out), start, None))
    return out, warnings


def _entry(trip: TripFacts, index: int, arrive_leg: int, leave_leg: int | None) -> Entry:
    a = trip.legs[arrive_leg]
    b = trip.legs[leave_leg] if leave_leg is not None else None
    same_port = (b is not None and leave_leg == arrive_leg + 1 and a.to.port is not None
                 and b.from_.port is not None and a.to.port.id == b.from_.port.id)
    # the facts require these instants in China (trips.facts.missing_times)
    assert a.arrive is not None and (b is None or b.depart is not None)
    return Entry(
        index=index, arrive_leg=arrive_leg, leave_leg=leave_leg,
        port=a.to, exit=b.from_ if b is not None else None,
        origin=a.from_, destination=b.to if b is not None else None,
        arrive=a.arrive.astimezone(BEIJING),
        depart=b.depart.astimezone(BEIJING) if b is not None and b.depart else None,
        same_port=same_port, airside=trip.stays_airside and same_port,
    )


def _best(entry: Entry, options: list[Option]) -> Option:
    by_regime = {o.regime: o for o in options}
    for regime in AIRSIDE_ORDER if entry.airside else LANDSIDE_ORDER:
        if by_regime[regime].eligible:
            return by_regime[regime]
    return by_regime[VISA]


def _arrival_card(trip: TripFacts, entry: Entry, best: Option, as_of: date | None,
                  policy: Policy) -> Decision:
    """Measure 10's own rule, for the entry mode of the regime chosen.

    A direct transit without inspection (M05.1: 免办出入境边防检查查验手续) never reaches the
    border inspection, where the arrival card is filed or handed in: it files no card on any
    day. From 2025-11-20 measure 10 says so itself (M10.3.4: 24小时直接过境不离开口岸限定区域);
    before, when the paper card was for those who pass inspection, the answer rests on M05.1.
    """
    card = get_measure(ARRIVAL_CARD).check({
        "nationality": trip.nationality, "entry_date": entry.arrive,
        "entry_mode": ENTRY_MODES[best.regime],
    }, as_of, policy=policy)
    if best.regime != DIRECT or not card.details.get("required"):
        return card
    return _not_inspected(card)


def _not_inspected(card: Decision) -> Decision:
    """The card answer of a direct-transit passenger on a day before M10.3's exemptions:
    not required, by M05.1. The online-filing condition keeps its verdict (not yet open)
    with words that do not send the passenger to the paper card; the warning that the
    situation is exempt only later is superseded (a recognised foreigner gets no other)."""
    reason = T("24小时直接过境免办出入境边防检查查验手续，不经边检查验，无须填写外国人入境卡")
    conditions = tuple(
        replace(c, text=T("{day}尚未开通外国人入境卡网上填报；纸质外国人入境卡在边检查验时"
                          "填交，直接过境旅客免办查验手续，无须填写", day=str(card.as_of)))
        if c.code == "policy_in_force" else c
        for c in card.conditions)
    details = {**card.details, "required": False, "exemption": {
        "code": "no_border_inspection", "clause": "M05.1", "zh": reason.zh, "en": reason.en}}
    return replace(card, conditions=conditions, details=details, warnings=())


def _dedupe(texts: list[Text]) -> tuple[Text, ...]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Text] = []
    for t in texts:
        key = (getattr(t, "code", ""), getattr(t, "field", ""), t.zh)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return tuple(out)


def answer(trip: TripFacts, as_of: date | None = None, *, policy: Policy | None = None,
           warnings: tuple[Text, ...] = ()) -> TripAnswer:
    """Answer validated trip facts."""
    policy = policy or load_policy()
    entries, notes = entries_of(trip)
    found: list[Text] = [*warnings, *notes]
    if not entries:
        found.append(Notice.of(T("行程中没有从境外进入中国内地的航段"), code="no_entry",
                               field="legs"))
    if trip.onward_ticket is None and any(e.exit is not None for e in entries):
        found.append(Notice.of(T("未填写是否持有离境客票：行程中离开中国内地的航段视为已订妥的客票"),
                               code="onward_ticket_from_legs", field="onward_ticket"))
    out = []
    for entry in entries:
        options = decide_regimes(trip, entry, as_of, policy)
        best = _best(entry, options)
        card = _arrival_card(trip, entry, best, as_of, policy)
        found.extend(w for o in options for w in o.warnings)
        found.extend(card.warnings)
        out.append(EntryAnswer(entry, tuple(options), best, card))
    return TripAnswer(as_of, tuple(out), _dedupe(found), policy.version, trip)


def check_trip(data: Any, as_of: date | None = None, *,
               policy: Policy | None = None) -> TripAnswer:
    """Validate a trip (a JSON-like mapping) and answer it. Raises
    :class:`~churujing.errors.FactsError` naming every invalid field."""
    trip, warnings = parse_facts(TripFacts, data, policy=policy)
    return answer(trip, as_of, policy=policy, warnings=warnings)


def deadline_of(entry: EntryAnswer) -> datetime | None:
    """The leave-by instant of the best regime, when it grants a stay."""
    best = entry.best
    return best.stay_deadline if best.eligible and best.regime != VISA else None
