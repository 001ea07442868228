"""Measure 1: the multiple-entry talent endorsement for Hong Kong and Macau (往来港澳人才签注).

References:
    M01.1, M01.2; M04.1, M04.2 for the Hetao Shenzhen park (law/announcement.yaml).
    policy/data/m01/regions.yaml (``m01.regions``): the GBA's 9 mainland cities (from
    2023-02-20), Beijing and Shanghai (from 2024-05-06), the whole Yangtze River Delta and
    Beijing–Tianjin–Hebei (from 2025-11-05).
    policy/data/m01/free_trade_zones.yaml (``m01.free_trade_zones``): the 22 pilot FTZs.
    policy/data/m01/params.yaml: ``m01.categories``, ``m01.region_groups``,
    ``m01.validity_years``, ``m01.max_stay_days``, ``m01.hetao_validity_years``,
    ``m01.hetao_park_division``, ``m01.apply_where``.
    research/facts.md §4 (FTZs, regions), §5 (the 2023 pilot and the 2024 extension).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import Field

from churujing import places
from churujing.decision import Condition, Decision, Text
from churujing.facts import FactsModel
from churujing.i18n import T
from churujing.measures._common import policy_or_default
from churujing.policy import Policy
from churujing.policy.loader import Item, Period
from churujing.refs import CityName

__all__ = ["CLAUSE", "ID", "TITLE", "Facts", "decide"]

ID = "talent-endorsement"
CLAUSE = "M01"
TITLE = T("往来港澳人才签注")

Day = date
Category = Literal["outstanding", "research", "education", "health", "legal", "other"]


class Facts(FactsModel):
    """Facts for the talent endorsement for Hong Kong and Macau (M01)."""

    work_city: CityName = Field(
        description="the city where the applicant works: GB/T 2260 code, Chinese or English "
        "name (e.g. 杭州, Hangzhou, 330100)",
    )
    in_free_trade_zone: bool = Field(
        description="the applicant works inside a pilot free trade zone (自由贸易试验区), "
        "by their own statement",
    )
    in_hetao_park: bool | None = Field(
        default=None,
        description="the applicant works at an institution in the Shenzhen Park of the Hetao "
        "Shenzhen–Hong Kong Science and Technology Innovation Cooperation Zone (measure 4)",
    )
    talent_category: Category = Field(
        description="outstanding 杰出, research 科研, education 文教, health 卫健, "
        "legal 法律 or other 其他 talent",
    )
    talent_certificate: bool = Field(
        description="holds a talent certificate (人才证明) issued by a competent talent "
        "authority, an eligible employer or a similar body",
    )
    date: Day = Field(description="day of application, YYYY-MM-DD")


def _name(d: places.Division) -> Text:
    return Text(d.zh, d.short_en)


def _item_text(item: Item) -> Text:
    return Text(str(item["zh"]), str(item["en"]))


def _membership(policy: Policy, city: places.Division, day: Day) -> tuple[Item, Period] | None:
    """The region item (the city, or its whole province) in force on ``day``."""
    regions = policy.table("m01.regions")
    for code in dict.fromkeys((city.code, city.prefecture, city.province)):
        item = regions.get(code)
        period = item.period(day) if item is not None else None
        if item is not None and period is not None:
            return item, period
    return None


def _next_start(policy: Policy, city: places.Division, day: Day) -> Day | None:
    """The first day after ``day`` on which the city (or its province) becomes a member."""
    regions = policy.table("m01.regions")
    starts = [
        p.start
        for code in dict.fromkeys((city.code, city.prefecture, city.province))
        if (item := regions.get(code)) is not None
        for p in item.periods
        if p.start is not None and p.start > day
    ]
    return min(starts) if starts else None


def _zone(policy: Policy, city: places.Division) -> Item | None:
    """The pilot free trade zone of the city's province, whatever the date."""
    for item in policy.table("m01.free_trade_zones"):
        if item["province"] == city.province:
            return item
    return None


def _group(policy: Policy, item: Item, day: Day) -> Mapping[str, Any] | None:
    groups = policy.value("m01.region_groups", day) or {}
    group = groups.get(item["group"])
    return group if isinstance(group, Mapping) else None


def _region_text(policy: Policy, item: Item, day: Day) -> Text:
    group = _group(policy, item, day)
    if group is None or group.get("scope") == "member":
        return _item_text(item)
    return T("{group}（{member}）", group=Text(group["zh"], group["en"]), member=_item_text(item))


def _scope_text(policy: Policy, item: Item, day: Day) -> Text:
    """The area in which an outstanding talent may apply: the whole group or the member."""
    group = _group(policy, item, day)
    if group is None or group.get("scope") == "member":
        return _item_text(item)
    return Text(str(group["zh"]), str(group["en"]))


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月5日起，在北京、上海、粤港澳大湾区的基础上，在长三角、京津冀地区全域，以及全国所有
    自由贸易试验区实施往来港澳人才签注政策。在上述区域工作的内地杰出人才、科研人才、文教人才、卫健人才、
    法律人才以及其他人才，可凭人才主管部门、符合条件的用人单位等出具的有关人才证明，申请办理有效期1至5年
    不等的多次往来香港或者澳门人才签注，每次在香港或者澳门停留不超过30天。（M01.1, M01.2）

    From 5 November 2025, building on Beijing, Shanghai and the Greater Bay Area, the talent
    endorsement policy for travel to and from Hong Kong and Macau is implemented throughout
    the Yangtze River Delta and Beijing–Tianjin–Hebei regions and in all pilot free trade
    zones. Mainland outstanding, research, education, health, legal and other talent working
    there may, with a talent certificate issued by a competent talent authority, an
    eligible employer or a similar body, apply for a multiple-entry endorsement valid 1 to 5
    years, each stay in Hong Kong or Macau not exceeding 30 days.

    Conditions, in this order: ``work_place`` (the work city, or its whole province, is in
    ``m01.regions`` on the day, or the applicant works in the free trade zone of the city's
    province), ``talent_category``, ``hetao_park`` (only when ``in_hetao_park`` is true),
    ``talent_certificate``. Details: ``validity_years``, ``max_stay_days``, ``apply_where``,
    ``region``, ``zone_areas`` (the FTZ's 片区 when it qualified), ``route`` (``general`` or
    ``hetao``).

    Limitations:
        * A pilot free trade zone is a set of designated areas (片区), not a city or a
          province (Hainan excepted). ``in_free_trade_zone`` is the applicant's own
          statement; the rule only checks that the work city's province has an FTZ in force
          on the day, a plausibility check. The zone's 片区 (MED) are in ``zone_areas``.
        * The years per category (5 outstanding; 3 research, education, health; 1 legal,
          other) are those of the 2023 GBA pilot; M01.2 says only "1至5年不等" and is read
          as leaving them unchanged. The competent authority may issue less.
        * Where to apply (outstanding talent: any county-level or higher PSB exit-entry
          office of the region; others: the office of the place of work) is the GBA pilot's
          rule, read as unchanged for the later regions. For Beijing and Shanghai the region
          is the municipality alone; for an FTZ, the zone's province.
        * The Hetao Shenzhen park (M04.2, from 2025-11-05, work city Shenzhen only): after
          filing with the park authority a 3-year endorsement is issued without a talent
          certificate. A certificate holder whose category gives more years (outstanding: 5)
          keeps the general route; otherwise the park's 3 years apply. Whether the filing
          was made is not a fact here: the answer says it is needed.
        * "内地人才" (mainland talent: a mainland resident with household registration) and
          whether the certificate's issuer qualifies are not checked.
    """
    day = as_of or facts.date
    pol = policy_or_default(policy)
    warnings: list[Text] = []
    conditions: list[Condition] = []

    city = facts.work_city.value

    # --- work_place (M01.1) -----------------------------------------------------------
    region: Text | None = None
    scope: Text | None = None
    areas: tuple[str, ...] = ()
    zone = _zone(pol, city) if city is not None else None
    zone_period = zone.period(day) if zone is not None else None
    member = _membership(pol, city, day) if city is not None else None
    if city is None:
        conditions.append(Condition("work_place", "M01.1", False, T(
            "未能识别工作城市“{city}”，无法判断是否在实施区域内", city=facts.work_city.query)))
    elif member is not None:
        item, period = member
        region = _region_text(pol, item, day)
        scope = _scope_text(pol, item, day)
        conditions.append(Condition("work_place", period.ref.clause or "M01.1", True, T(
            "工作地{city}属于往来港澳人才签注实施区域：{region}", city=_name(city),
            region=region)))
    elif facts.in_free_trade_zone and zone is not None and zone_period is not None:
        zone_name = _item_text(zone)
        region = zone_name
        areas = tuple(str(a) for a in zone.get("areas_zh", ()))
        scope = _name(places.division(city.province).value or city)
        conditions.append(Condition("work_place", zone_period.ref.clause or "M01.1", True, T(
            "据申请人所述，其在{zone}内工作；全国所有自由贸易试验区自{start}起实施往来港澳人才签注政策",
            zone=zone_name, start=(zone_period.start or day).isoformat())))
    else:
        province = places.division(city.province).value or city
        later = _next_start(pol, city, day)
        zone_start = min((p.start for p in zone.periods if p.start), default=None) if zone else None
        if later is not None:
            text = T("工作地{city}在{day}尚不属于往来港澳人才签注实施区域；自{start}起实施",
                     city=_name(city), day=day.isoformat(), start=later.isoformat())
        elif facts.in_free_trade_zone and zone is None:
            text = T("工作地{city}不属于往来港澳人才签注实施区域，且{province}没有自由贸易试验区",
                     city=_name(city), province=_name(province))
        elif facts.in_free_trade_zone and zone is not None and zone_start and zone_start > day:
            text = T("工作地{city}不属于往来港澳人才签注实施区域；{zone}自{start}起才实施该政策",
                     city=_name(city), zone=_item_text(zone), start=zone_start.isoformat())
        elif not facts.in_free_trade_zone and zone is not None and zone_period is not None:
            text = T("工作地{city}不属于往来港澳人才签注实施区域；如在{zone}内工作，则可申请",
                     city=_name(city), zone=_item_text(zone))
        else:
            text = T("工作地{city}在{day}不属于往来港澳人才签注实施区域",
                     city=_name(city), day=day.isoformat())
        conditions.append(Condition("work_place", "M01.1", False, text))

    # --- talent_category (M01.2) --------------------------------------------------------
    # Before the pilot (2023-02-20) only work_place refuses; the categories are its first ones.
    param = pol.param("m01.categories")
    categories: Mapping[str, Any] = (param.at(day) or param.values[0]).value
    category = categories.get(facts.talent_category)
    if category is None:
        conditions.append(Condition("talent_category", "M01.2", False, T(
            "人才类别“{category}”不在该日的人才类别之列", category=facts.talent_category)))
    else:
        conditions.append(Condition("talent_category", "M01.2", True, T(
            "人才类别：{category}", category=Text(category["zh"], category["en"]))))

    # --- hetao_park (M04.2), only when the applicant says so ----------------------------
    hetao_years = pol.value("m01.hetao_validity_years", day)
    hetao_code = pol.value("m01.hetao_park_division", day)
    hetao = bool(facts.in_hetao_park) and hetao_years is not None and city is not None \
        and city.code == hetao_code
    if facts.in_hetao_park:
        if hetao:
            conditions.append(Condition("hetao_park", "M04.2", True, T(
                "在河套深港科技创新合作区深圳园区工作：经园区管理部门备案后，可签发{years}年多次有效"
                "往来港澳人才签注，申请时免于提交人才证明（举措四）", years=hetao_years)))
        else:
            param = pol.param("m01.hetao_park_division")
            first = param.values[0]
            park_city = places.division(str(first.value)).value
            if hetao_code is None:
                why = T("该便利自{start}起实施",
                        start=(first.start.isoformat() if first.start else "—"))
            else:
                why = T("园区位于{park}，而工作城市为{city}",
                        park=_name(park_city) if park_city else Text(str(first.value),
                                                                     str(first.value)),
                        city=_name(city) if city else Text(facts.work_city.query,
                                                                       facts.work_city.query))
            if facts.talent_certificate:
                conditions.append(Condition("hetao_park", "M04.2", True, T(
                    "河套合作区深圳园区免于提交人才证明的便利不适用（{why}）；可按一般规定凭人才证明申请",
                    why=why)))
            else:
                conditions.append(Condition("hetao_park", "M04.2", False, T(
                    "河套合作区深圳园区免于提交人才证明的便利不适用：{why}", why=why)))

    # --- talent_certificate (M01.2) -----------------------------------------------------
    if facts.talent_certificate:
        conditions.append(Condition("talent_certificate", "M01.2", True, T(
            "持有人才主管部门、符合条件的用人单位等出具的人才证明")))
    elif hetao:
        conditions.append(Condition("talent_certificate", "M04.2", True, T(
            "经河套合作区深圳园区管理部门备案后，免于提交人才证明")))
    else:
        conditions.append(Condition("talent_certificate", "M01.2", False, T(
            "未持有人才证明（须由人才主管部门、符合条件的用人单位等出具）")))

    # --- details --------------------------------------------------------------------------
    validity: Mapping[str, Any] = pol.value("m01.validity_years", day) or {}
    years = validity.get(facts.talent_category)
    route = "general"
    if hetao and not (facts.talent_certificate and years is not None and years > hetao_years):
        years, route = hetao_years, "hetao"
    eligible = all(c.met for c in conditions)
    apply_where: Text | None = None
    if eligible and city is not None:
        where = (pol.value("m01.apply_where", day) or {}).get(facts.talent_category)
        if route == "hetao":
            apply_where = T("经河套合作区深圳园区管理部门备案后，向公安机关出入境管理机构申请")
        elif where == "region" and scope is not None:
            apply_where = T("可向{region}任一县级以上公安机关出入境管理机构申请", region=scope)
        else:
            apply_where = T("向工作地（{city}）公安机关出入境管理机构申请", city=_name(city))
    details: dict[str, Any] = {
        "validity_years": years,
        "max_stay_days": pol.value("m01.max_stay_days", day),
        "apply_where": apply_where,
        "region": region,
        "zone_areas": list(areas),
        "route": route if eligible else None,
    }
    return Decision(ID, day, tuple(conditions), details, tuple(warnings), pol.version)
