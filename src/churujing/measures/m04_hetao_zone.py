"""Measure 4: the facilities of the Shenzhen Park of the Hetao Cooperation Zone.

References:
    M04.1 … M04.5 (law/announcement.yaml).
    policy/data/m04/facilities.yaml (``m04.facilities``): the eight facilities, each with the
    subject it serves, the facts it requires and its sentence.
    policy/data/m04/params.yaml: ``m04.start``.
    policy/data/m01/params.yaml: ``m01.hetao_validity_years`` (the park's talent endorsement,
    shared with measure 1).
    research/facts.md §5 (the talent endorsement; the park's special rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.errors import DataError
from churujing.facts import FactsModel
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default, required_or_first
from churujing.policy import Policy
from churujing.policy.loader import Item

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "VALUE_LABELS", "Facts", "decide"]

ID = "hetao-zone"
CLAUSE = "M04"
TITLE = T("支持促进河套深港科技创新合作区深圳园区生产要素高效跨境流动")

# The conditions, in the order answers report them, each under the words it rests on.
CONDITIONS = Conditions(
    # M04.1 自2025年11月5日起，在河套深港科技创新合作区深圳园区实施以下便利措施。
    Spec("policy_in_force", "M04.1", law="自2025年11月5日起"),
    # M04 ……实施以下便利措施 (M04.2 the talent endorsement, M04.3 the business filing, M04.4
    #   the lanes and clearance, M04.5 the green channel): at least one applies to the
    #   subject; it cites the facilities' own clause when they share one.
    Spec("facility", "M04", law="在河套深港科技创新合作区深圳园区实施以下便利措施"),
)
_IN_FORCE, _FACILITY = CONDITIONS["policy_in_force"], CONDITIONS["facility"]

Subject = Literal["person", "enterprise", "vehicle"]
Day = date  # the fact named `date` would shadow the type inside the model

_SUBJECT_ALIASES: Mapping[str, str] = {
    "人员": "person", "个人": "person", "人才": "person", "员工": "person",
    "people": "person", "individual": "person", "staff": "person",
    "企业": "enterprise", "机构": "enterprise", "企业机构": "enterprise", "公司": "enterprise",
    "company": "enterprise", "institution": "enterprise", "organisation": "enterprise",
    "organization": "enterprise",
    "车辆": "vehicle", "车": "vehicle", "car": "vehicle", "truck": "vehicle",
}

_SUBJECTS: Mapping[str, Text] = {
    "person": T("人员"),
    "enterprise": T("企业机构"),
    "vehicle": T("车辆"),
}
VALUE_LABELS: Mapping[str, Mapping[str, Text]] = {"subject": _SUBJECTS}

# The facts, by subject, and how each reads in an answer.
_FACTS: Mapping[str, Mapping[str, Text]] = {
    "person": {
        "works_in_park": T("在合作区深圳园区科研院所、科技创新企业等机构工作"),
        "filed_with_park_authority": T("已经合作区深圳园区管理部门备案"),
        "mainland_resident": T("为内地居民"),
        "employer_in_park": T("为深圳园区内企业机构工作人员"),
        "frequent_crossing": T("经常进出合作区"),
        "urgent_entry": T("因重大项目、重要活动等需紧急进出合作区"),
    },
    "enterprise": {
        "in_park": T("位于合作区深圳园区"),
        "emerging_or_startup": T("为新兴、初创企业"),
        "first_year": T("处于首年度"),
        "key_enterprise": T("为高新技术、高端制造等重点企业机构"),
        "wants_business_filing": T("办理往来港澳商务备案"),
    },
    "vehicle": {
        "carries_research_materials": T("运输科研物资"),
        "serves_park": T("进出合作区"),
    },
}


def _subject(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip()
        return _SUBJECT_ALIASES.get(key.lower(), _SUBJECT_ALIASES.get(key, key.lower()))
    return value


class Facts(FactsModel):
    """Facts for the Hetao Shenzhen park (M04). Unstated booleans are false."""

    subject: Annotated[Subject, BeforeValidator(_subject)] = Field(
        description="who asks: person (人员), enterprise (企业机构) or vehicle (车辆)"
    )
    date: Day = Field(description="the day the facility would be used (YYYY-MM-DD)")
    # person
    works_in_park: bool = Field(
        default=False,
        description="person: works at a research institute, science and technology "
        "innovation enterprise or similar institution in the Shenzhen park (implies "
        "employer_in_park)",
    )
    filed_with_park_authority: bool = Field(
        default=False,
        description="person: filed (备案) with the administrative authority of the Shenzhen park",
    )
    mainland_resident: bool = Field(
        default=False, description="person: a mainland resident (内地居民)"
    )
    employer_in_park: bool = Field(
        default=False,
        description="person: staff of an enterprise or institution in the Shenzhen park",
    )
    frequent_crossing: bool = Field(
        default=False, description="person: frequently enters and leaves the zone"
    )
    urgent_entry: bool = Field(
        default=False,
        description="person: must enter or leave the zone urgently for a major project, an "
        "important event or a similar reason",
    )
    # enterprise
    in_park: bool = Field(
        default=False, description="enterprise: located in the Shenzhen park"
    )
    emerging_or_startup: bool = Field(
        default=False, description="enterprise: an emerging or start-up enterprise (新兴、初创企业)"
    )
    first_year: bool = Field(
        default=False, description="enterprise: in its first year (首年度)"
    )
    key_enterprise: bool = Field(
        default=False,
        description="enterprise: a key enterprise or institution in high and new technology, "
        "high-end manufacturing or a similar field",
    )
    wants_business_filing: bool = Field(
        default=True,
        description="enterprise: completes the HK/Macau business filing (往来港澳商务备案), "
        "which both enterprise facilities concern; default true",
    )
    # vehicle
    carries_research_materials: bool = Field(
        default=False, description="vehicle: transports scientific research materials"
    )
    serves_park: bool = Field(
        default=False, description="vehicle: travels into or out of the zone"
    )


def _values(facts: Facts) -> dict[str, bool]:
    values = {name: bool(getattr(facts, name)) for group in _FACTS.values() for name in group}
    # A research institute or technology enterprise in the park is an institution in the park.
    values["employer_in_park"] = values["employer_in_park"] or values["works_in_park"]
    return values


def _requires(item: Item) -> Sequence[str]:
    requires = item.get("requires")
    subject = item.get("subject")
    if subject not in _FACTS or not isinstance(requires, list) or not requires:
        raise DataError(f"m04.facilities {item.key}: needs a subject and a list `requires`")
    unknown = [r for r in requires if r not in _FACTS[subject]]
    if unknown:
        raise DataError(f"m04.facilities {item.key}: unknown facts {unknown} for {subject}")
    return [str(r) for r in requires]


def _join(texts: Sequence[Text]) -> Text:
    return Text.join(texts, zh_sep="；", en_sep="; ")


def _clause(items: Sequence[Item]) -> str:
    clauses = {str(i.get("clause") or CLAUSE) for i in items}
    return clauses.pop() if len(clauses) == 1 else CLAUSE


def _facility(item: Item, policy: Policy, day: date) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": item.key,
        "clause": item.get("clause") or CLAUSE,
        "zh": item["zh"],
        "en": item["en"],
    }
    if item.get("ports"):
        ports = policy.table("ports")
        named = []
        for key in item["ports"]:
            port = ports.get(key)
            if port is None:
                raise DataError(f"m04.facilities {item.key}: unknown port {key!r}")
            named.append({"id": key, "zh": port["zh"], "en": port["en"]})
        out["ports"] = named
    if item.key == "talent_endorsement" and "m01.hetao_validity_years" in policy.parameters:
        out["validity_years"] = policy.value("m01.hetao_validity_years", day)
        out["multiple_entry"] = True
        out["talent_certificate_required"] = False
    return out


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月5日起，在河套深港科技创新合作区深圳园区实施以下便利措施。对于在合作区科研院所、科技
    创新企业等机构工作的内地人才，经合作区深圳园区管理部门备案后，公安机关出入境管理机构可予签发3年多次
    有效往来香港、澳门人才签注，申请时免于提交人才证明。允许新兴、初创企业首年度免纳税额办理往来港澳商务
    备案，对高新技术、高端制造等重点企业机构往来港澳备案人数名额予以倾斜。在皇岗、福田口岸设置合作区专用
    通道，允许深圳园区内企业机构工作人员经福田保税区一号通道入出境，为经常进出合作区的企业机构工作人员
    提供边检快捷通关便利，为因重大项目、重要活动等需紧急进出合作区人员提供预约通关服务。为运输科研物资
    进出合作区车辆开设绿色通道，优化通关查验方式，提升科研物资通关效率。（M04.1–M04.5）

    From 5 November 2025, in the Shenzhen Park of the Hetao Cooperation Zone: mainland talent
    working at its research institutes and technology enterprises may, after filing with
    the park authority, get a 3-year multiple-entry talent endorsement for Hong Kong and
    Macau without a talent certificate (M04.2); emerging and start-up enterprises may
    complete the HK/Macau business filing in their first year without a tax threshold, and
    key enterprises get a larger filing quota (M04.3); dedicated lanes at Huanggang and
    Futian, Channel No. 1 of the Futian Bonded Zone for staff of park institutions,
    fast-track clearance for frequent crossers, appointment clearance for urgent entry
    (M04.4); a green channel for vehicles carrying research materials (M04.5).

    Contract: the answer is *eligible when at least one facility applies* to the subject.
    Conditions, in this order: ``policy_in_force`` (on or after 2025-11-05, M04.1) and
    ``facility`` (at least one facility of ``m04.facilities`` for the subject has all its
    ``requires`` facts true). ``details.facilities`` lists the facilities that apply, each
    ``{code, clause, zh, en}`` (the talent endorsement with ``validity_years`` from
    ``m01.hetao_validity_years``, the lanes with their ports), ``details.facility_codes``
    their codes; ``details.other_facilities``
    lists the subject's other facilities with the ``missing`` facts that would make them
    apply.

    Limitations:
        * The facilities are stated in one line each, without criteria: who is "talent",
          what is "emerging", "key", "frequent" or "urgent" is the caller's fact, as the
          park authority decides it.
        * Who may use the dedicated lanes at Huanggang and Futian is not stated; read as
          staff of enterprises and institutions in the park (like the rest of M04.4).
        * ``works_in_park`` implies ``employer_in_park``. The talent endorsement also
          needs ``mainland_resident`` (内地人才) and ``filed_with_park_authority``.
        * Both enterprise facilities concern the HK/Macau business filing;
          ``wants_business_filing`` defaults to true.
        * Facts about another subject than ``subject`` are ignored, with a warning.
        * Before 2025-11-05 ``policy_in_force`` is unmet; the facilities listed are those that
          would apply from that date. The rule is read on ``as_of`` (default: ``date``).
    """
    policy = policy_or_default(policy)
    day = as_of or facts.date
    start: date = required_or_first(policy, "m04.start", day)
    rule_day = max(day, start)
    values = _values(facts)
    subject = _SUBJECTS[facts.subject]
    conditions: list[Condition] = []
    warnings: list[Text] = []

    # In force from 2025-11-05 (M04.1).
    if day >= start:
        conditions.append(_IN_FORCE(True, T(
            "自{start}起在河套深港科技创新合作区深圳园区实施便利措施", start=start.isoformat())))
    else:
        conditions.append(_IN_FORCE(False, T(
            "{day}尚未实施：河套深港科技创新合作区深圳园区便利措施自{start}起实施",
            day=day.isoformat(), start=start.isoformat())))

    # At least one facility for the subject (M04.2–M04.5).
    own = [i for i in policy.table("m04.facilities").active(rule_day)
           if i.get("subject") == facts.subject]
    applies: list[Item] = []
    others: list[tuple[Item, list[str]]] = []
    for item in own:
        missing = [r for r in _requires(item) if not values[r]]
        if missing:
            others.append((item, missing))
        else:
            applies.append(item)
    if applies:
        conditions.append(_FACILITY(True, T(
            "适用于该{subject}的便利措施：{facilities}", subject=subject,
            facilities=_join([Text(i["zh"], i["en"]) for i in applies])), _clause(applies)))
    elif others:
        closest, missing = min(others, key=lambda pair: len(pair[1]))
        labels = _FACTS[facts.subject]
        conditions.append(_FACILITY(False, T(
            "没有适用于该{subject}的便利措施；最接近的是“{facility}”，尚需：{missing}",
            subject=subject, facility=Text(closest["zh"], closest["en"]),
            missing=_join([labels[m] for m in missing])), _clause([i for i, _ in others])))
    else:
        conditions.append(_FACILITY(False, T(
            "{day}没有面向{subject}的便利措施", day=rule_day.isoformat(), subject=subject)))

    # Facts given for another subject are ignored.
    foreign = [name for group, names in _FACTS.items() if group != facts.subject
               for name in names
               if name in facts.model_fields_set and getattr(facts, name) is True
               and name != "wants_business_filing"]
    if foreign:
        warnings.append(T(
            "以下事实不适用于{subject}，已忽略：{facts}", subject=subject,
            facts=", ".join(foreign)))

    details: dict[str, Any] = {
        "subject": {"code": facts.subject, "zh": subject.zh, "en": subject.en},
        "facility_codes": [i.key for i in applies],
        "facilities": [_facility(i, policy, rule_day) for i in applies],
        "other_facilities": [
            {**_facility(i, policy, rule_day), "missing": missing} for i, missing in others
        ],
    }
    return answer(ID, day, conditions, details, warnings, policy)
