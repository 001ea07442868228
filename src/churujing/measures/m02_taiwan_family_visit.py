"""Measure 2: the Taiwan family-visit endorsement, applied for anywhere in the country (全国通办).

References:
    M02.1 (law/announcement.yaml).
    policy/data/m02/params.yaml: ``m02.nationwide_from``, ``m02.before``,
    ``m02.outside_mainland``, ``m02.endorsement_validities``.
    research/facts.md §8 (往来台湾探亲签注: validities; the place of application before).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from churujing import places
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.facts import ApplicationDay, FactsModel, division_of
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default, required
from churujing.policy import Policy
from churujing.refs import CityName, ProvinceName

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "Facts", "decide"]

ID = "taiwan-family-visit"
CLAUSE = "M02"
TITLE = T("往来台湾探亲签注“全国通办”")

# The conditions, in the order answers report them, each under the words of M02.1 it rests on.
CONDITIONS = Conditions(
    # M02.1 大陆居民拟往来台湾地区探亲的，……
    #   The applicant is a mainland resident: the hukou province lies in the mainland.
    Spec("mainland_hukou", "M02.1", law="大陆居民",
         unknown=T("未能识别户籍所在省份“{province}”")),
    # M02.1 ……可向全国任意一个县级以上公安机关出入境管理机构……
    #   The city applied in has such an office: it lies in the mainland.
    Spec("apply_city_in_mainland", "M02.1", law="县级以上公安机关出入境管理机构",
         unknown=T("未能识别申请城市“{city}”")),
    # M02.1 自2025年11月5日起，……可向全国任意一个县级以上公安机关出入境管理机构提交探亲签注申请，
    #   申办手续与户籍地一致。  Where one may apply on the day: anywhere from the date, the
    #   place of household registration before it.
    Spec("apply_where", "M02.1",
         law="可向全国任意一个县级以上公安机关出入境管理机构提交探亲签注申请，申办手续与户籍地一致"),
)
_HUKOU, _CITY, _WHERE = (CONDITIONS["mainland_hukou"], CONDITIONS["apply_city_in_mainland"],
                          CONDITIONS["apply_where"])


class Facts(FactsModel):
    """Facts for applying for a Taiwan family-visit endorsement (M02)."""

    hukou_province: ProvinceName = division_of("province of household registration (户籍)",
                                               "四川, Sichuan, 510000")
    apply_city: CityName = division_of("the city where the applicant wants to apply",
                                       "上海, Shanghai")
    date: ApplicationDay


def _province(d: places.Division) -> places.Division:
    return places.division(d.province).value or d


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月5日起，大陆居民拟往来台湾地区探亲的，可向全国任意一个县级以上公安机关出入境管理机构
    提交探亲签注申请，申办手续与户籍地一致。（M02.1）

    From 5 November 2025, mainland residents who intend to travel to and from the Taiwan
    region to visit relatives may submit an application for a family-visit endorsement to
    the exit-entry administration of any public security organ at or above the county level
    anywhere in the country, with the same procedures as at the place of household
    registration.

    Conditions, in this order: ``mainland_hukou`` (the hukou province is a mainland
    province), ``apply_city_in_mainland`` (the city has a PSB exit-entry office of M02.1),
    ``apply_where`` (from ``m02.nationwide_from``: any such office; before: the hukou
    place, ``m02.before``). Details: ``where_to_apply``, ``nationwide``,
    ``endorsement_validities``.

    Limitations:
        * Before 2025-11-05 the application is read as having to be made at the office of
          the place of household registration: implied by the announcement's wording
          (全国通办; 申办手续与户籍地一致), not stated by it (facts §8, MED). Only the
          hukou province is a fact here, so an office in another city of that province is
          accepted, although the hukou city's (or county's) office was the usual one.
        * Every prefecture-level city is assumed to have a county-level or higher PSB
          exit-entry office.
        * The endorsement's conditions (relatives in Taiwan, the Taiwan side's entry permit
          入台许可 on which its validity depends) are not checked; the validities are given
          for information (MED).
    """
    day = as_of or facts.date
    pol = policy_or_default(policy)
    warnings: list[Text] = []
    conditions: list[Condition] = []
    outside: Sequence[str] = required(pol, "m02.outside_mainland", day)

    # --- mainland_hukou ---------------------------------------------------------------------
    hukou_res = facts.hukou_province
    hukou = _province(hukou_res.value) if hukou_res.value is not None else None
    if hukou is None:
        conditions.append(_HUKOU.unrecognised(province=hukou_res.query))
    elif hukou.code in outside:
        conditions.append(_HUKOU(False, T(
            "户籍所在地{province}不属于大陆；本措施适用于大陆居民", province=hukou.short_text)))
    else:
        conditions.append(_HUKOU(True, T(
            "大陆居民，户籍所在省份：{province}", province=hukou.short_text)))

    # --- apply_city_in_mainland --------------------------------------------------------------
    city_res = facts.apply_city
    city = city_res.value
    if city is None:
        conditions.append(_CITY.unrecognised(city=city_res.query))
    elif city.province in outside:
        conditions.append(_CITY(False, T(
            "{city}不在大陆，没有受理探亲签注申请的公安机关出入境管理机构", city=city.short_text)))
    else:
        conditions.append(_CITY(True, T(
            "申请地{city}设有县级以上公安机关出入境管理机构", city=city.short_text)))

    # --- apply_where ---------------------------------------------------------------------------
    start = pol.value("m02.nationwide_from", day)
    nationwide = isinstance(start, date) and start <= day
    before = pol.param("m02.before").at(day)
    where_to_apply: Text | None = None
    if nationwide:
        where_to_apply = T("全国任意一个县级以上公安机关出入境管理机构，申办手续与户籍地一致")
        conditions.append(_WHERE(True, T(
            "自{start}起可向全国任意一个县级以上公安机关出入境管理机构提交申请（全国通办）",
            start=start.isoformat())))
    else:
        since = T("；自{start}起可全国通办", start=start.isoformat()) if isinstance(
            start, date) else Text("", "")
        if hukou is not None:
            where_to_apply = T("户籍地（{province}）公安机关出入境管理机构",
                               province=hukou.short_text)
        if before is None or before.value != "hukou_place":
            conditions.append(_WHERE(False, T(
                "该日没有可适用的受理地规则")))
        elif hukou is None or city is None:
            conditions.append(_WHERE(False, T(
                "该日须向户籍地公安机关出入境管理机构申请，户籍地或申请城市未能识别，无法判断{since}",
                since=since)))
        elif city.province == hukou.code:
            conditions.append(_WHERE(True, T(
                "该日须向户籍地申请：申请城市{city}在户籍所在省份{province}内{since}",
                city=city.short_text, province=hukou.short_text, since=since)))
        else:
            conditions.append(_WHERE(False, T(
                "该日须向户籍地（{province}）公安机关出入境管理机构申请，不能在{city}申请{since}",
                province=hukou.short_text, city=city.short_text, since=since)))

    validities: Sequence[Any] = required(pol, "m02.endorsement_validities", day)
    details: dict[str, Any] = {
        "where_to_apply": where_to_apply,
        "nationwide": nationwide,
        "endorsement_validities": [Text(str(v["zh"]), str(v["en"])) for v in validities],
    }
    return answer(ID, day, conditions, details, warnings, pol)
