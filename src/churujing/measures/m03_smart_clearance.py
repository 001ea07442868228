"""Measure 3: smart clearance ("刷脸", face scan) at ports linked with Hong Kong, Macau and Taiwan.

References:
    M03.1, M03.1.1 … M03.1.12, M03.2 (law/announcement.yaml).
    policy/data/m03/ports.yaml (``m03.ports``): the 2024 pilot ports (深圳湾, 拱北, from
    2024-11-20) and the 12 port sites of the rollout of 2025-11-05.
    policy/data/m03/params.yaml: ``m03.min_age``, ``m03.documents``,
    ``m03.endorsement_types``, ``m03.requires_multiple_entry``,
    ``m03.requires_biometric_consent``, ``m03.guardian_required_without_full_capacity``,
    ``m03.civil_capacity`` (the Civil Code's age limits, arts. 17-22).
    《中华人民共和国民法典》第十七条至第二十二条 (npc.gov.cn): capacity for civil conduct.
    research/facts.md §9 (the 2024 pilot, the one-time MTP excluded).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from churujing import places
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.errors import DataError, FactsError
from churujing.facts import (
    DayOrDateTime,
    FactsModel,
    age_on,
    canonical_document,
    day_of,
    day_of_event,
    port_of,
)
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default, required
from churujing.policy import Policy
from churujing.policy.loader import Table
from churujing.refs import port_among

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "VALUE_LABELS", "Endorsement", "Facts", "decide"]

ID = "smart-clearance"
CLAUSE = "M03"
TITLE = T("在部分与港澳台通航通行口岸推广应用智能通关")

# The conditions, in the order answers report them, each under the words it rests on.
CONDITIONS = Conditions(
    # M03.1 自2025年11月5日起，在深圳市深圳湾口岸、珠海市拱北口岸实施“刷脸”智能通关的基础上，
    #   在上海虹桥机场，……珠海横琴、港珠澳大桥等口岸推广应用; a listed port cites its own line
    #   (M03.1.n).
    Spec("port", "M03.1", law="等口岸推广应用",
         unknown=T("未能识别口岸“{query}”，无法判断是否实施“刷脸”智能通关")),
    # M03.1 ……年满14周岁以上……
    Spec("min_age", "M03.1", law="年满14周岁以上"),
    # M03.1 ……持有效往来港澳通行证……的内地居民，以及持有效港澳居民来往内地通行证（含非中国籍）的
    #   港澳居民、持5年有效台湾居民来往大陆通行证的台湾居民……
    Spec("document", "M03.1",
         law="持有效港澳居民来往内地通行证（含非中国籍）的港澳居民、持5年有效台湾居民来往大陆通行证的台湾居民"),
    # M03.1 ……和多次有效逗留、探亲、商务、人才、其他类赴港澳签注的内地居民……
    Spec("endorsement", "M03.1", law="多次有效逗留、探亲、商务、人才、其他类赴港澳签注"),
    # M03.1 ……且同意采集核验面相、指纹等信息用于出入境边防检查核验的……
    Spec("biometric_consent", "M03.1", law="同意采集核验面相、指纹等信息用于出入境边防检查核验"),
    # M03.2 限制或无民事行为能力人，经智能快捷通道出境入境时应由法定监护人陪同。
    Spec("guardian", "M03.2",
         law="限制或无民事行为能力人，经智能快捷通道出境入境时应由法定监护人陪同"),
)
_PORT, _MIN_AGE, _DOCUMENT, _ENDORSEMENT, _CONSENT, _GUARDIAN = (
    CONDITIONS[c] for c in ("port", "min_age", "document", "endorsement", "biometric_consent",
                            "guardian"))

Traveller = Literal["mainland", "hk_macau", "taiwan"]
EndorsementType = Literal["stay", "family", "business", "talent", "other", "tourism", "group_tour"]


_TRAVELLERS: Mapping[str, Text] = {
    "mainland": T("内地居民"),
    "hk_macau": T("港澳居民"),
    "taiwan": T("台湾居民"),
}
_DOCUMENTS: Mapping[str, Text] = {
    "eep_hk_macau": T("往来港澳通行证"),
    "hk_macau_home_return_permit": T("港澳居民来往内地通行证"),
    "taiwan_mtp_5y": T("5年有效台湾居民来往大陆通行证"),
    "taiwan_mtp_one_time": T("一次有效台湾居民来往大陆通行证"),
}
_ENDORSEMENTS: Mapping[str, Text] = {
    "stay": T("逗留签注"),
    "family": T("探亲签注"),
    "business": T("商务签注"),
    "talent": T("人才签注"),
    "other": T("其他类签注"),
    "tourism": T("个人旅游签注"),
    "group_tour": T("团队旅游签注"),
}
VALUE_LABELS: Mapping[str, Mapping[str, Text]] = {
    "traveller": _TRAVELLERS,
    # hk_macau_resident_permit: another name of the home-return permit (facts.DOCUMENT_ALIASES)
    "document": {**_DOCUMENTS,
                 "hk_macau_resident_permit": _DOCUMENTS["hk_macau_home_return_permit"]},
    "endorsement.type": _ENDORSEMENTS,
}


Document = Annotated[
    Literal[
        "eep_hk_macau",
        "hk_macau_home_return_permit",
        "hk_macau_resident_permit",
        "taiwan_mtp_5y",
        "taiwan_mtp_one_time",
    ],
    AfterValidator(canonical_document),
]

class Endorsement(FactsModel):
    """An endorsement for Hong Kong and Macau on the EEP (mainland residents)."""

    type: EndorsementType = Field(
        description="endorsement type: stay 逗留, family 探亲, business 商务, talent 人才, "
        "other 其他, tourism 个人旅游, group_tour 团队旅游"
    )
    multiple: bool = Field(description="true if the endorsement is multiple-entry (多次有效)")


#: the port of crossing: a name of several ports means the one M03.1 lists, if one
CrossingPort = Annotated[places.Resolved[places.Port], port_among("m03.ports")]


class Facts(FactsModel):
    """Facts for smart clearance at a port (M03)."""

    port: CrossingPort = port_of("crossing", "皇岗, Luohu, SHA")
    date: DayOrDateTime = day_of_event("crossing")
    age: int = age_on("crossing")
    traveller: Traveller = Field(
        description="mainland (内地居民), hk_macau (港澳居民, of any nationality) or "
        "taiwan (台湾居民)"
    )
    document: Document = Field(
        description="the document presented: eep_hk_macau (往来港澳通行证), "
        "hk_macau_home_return_permit (港澳居民来往内地通行证; alias "
        "hk_macau_resident_permit), taiwan_mtp_5y (5年有效台胞证), taiwan_mtp_one_time "
        "(一次有效台胞证); assumed valid"
    )
    endorsement: Endorsement | None = Field(
        default=None,
        description="mainland residents: the HK/Macau endorsement on the EEP, "
        '{"type": ..., "multiple": true|false}',
    )
    biometric_consent: bool = Field(
        description="consents to the collection and verification of face, fingerprints "
        "and other information (同意采集核验面相、指纹等信息)"
    )
    full_legal_capacity: bool | None = Field(
        default=None,
        description="has full capacity for civil conduct; leave out to let the age decide "
        "(Civil Code arts. 17-22: under 8 none, 8-17 limited, 18 and over full); false for "
        "an adult who cannot, or cannot fully, discern their own conduct (arts. 21-22)",
    )
    lives_on_own_labour_income: bool | None = Field(
        default=None,
        description="aged 16 or 17 and living mainly on their own labour income (以自己的劳动"
        "收入为主要生活来源), which gives full capacity (Civil Code art. 18); unknown when "
        "left out",
    )
    guardian_present: bool | None = Field(
        default=None,
        description="accompanied by a legal guardian (法定监护人) through the lane; unknown "
        "when left out (the answer then says a guardian must accompany the traveller)",
    )

Capacity = Literal["full", "limited", "none", "not_full"]


def _capacity(facts: Facts, limits: Mapping[str, int]) -> tuple[Capacity, Text]:
    """The traveller's capacity for civil conduct under the Civil Code, and why.

    ``limits`` is ``m03.civil_capacity``: ``none_below`` (8, art. 20), ``full_from`` (18,
    arts. 17-18) and ``full_with_own_labour_income_from`` (16, art. 18 para. 2). A fact
    ``full_legal_capacity`` that the law rules out for the age is an error naming it.
    """
    age = facts.age
    none_below = int(limits["none_below"])
    full_from = int(limits["full_from"])
    income_from = int(limits["full_with_own_labour_income_from"])
    said = facts.full_legal_capacity
    income = facts.lives_on_own_labour_income
    if age >= full_from:
        if said is False:
            return "not_full", T(
                "{age}周岁的成年人，据所给事实为限制或无民事行为能力人（民法典第二十一条、"
                "第二十二条）", age=age)
        return "full", T("{age}周岁，成年人为完全民事行为能力人（民法典第十七条、第十八条）",
                         age=age)
    if age >= income_from:
        if said is False:
            return "not_full", T(
                "{age}周岁的未成年人，据所给事实为限制或无民事行为能力人（民法典第十九条、"
                "第二十一条）",
                age=age)
        if income or said:
            if income is False:
                raise FactsError(
                    f"a person of {age} has full capacity for civil conduct only when living "
                    f"mainly on their own labour income (Civil Code art. 18); "
                    "full_legal_capacity is true but lives_on_own_labour_income is false",
                    field="full_legal_capacity")
            return "full", T(
                "{age}周岁，以自己的劳动收入为主要生活来源，视为完全民事行为能力人"
                "（民法典第十八条第二款）", age=age)
        return "limited", T(
            "{age}周岁的未成年人为限制民事行为能力人（民法典第十九条）；{income}周岁以上以自己的"
            "劳动收入为主要生活来源的，视为完全民事行为能力人（第十八条第二款）",
            age=age, income=income_from)
    if said:
        raise FactsError(
            f"a person of {age} does not have full capacity for civil conduct (Civil Code "
            f"arts. 18-20: full from {full_from}, or from {income_from} when living mainly on "
            f"their own labour income); expected full_legal_capacity false or left out",
            field="full_legal_capacity")
    if age >= none_below:
        return "limited", T("{age}周岁的未成年人为限制民事行为能力人（民法典第十九条）",
                            age=age)
    return "none", T("不满{none}周岁（{age}周岁）的未成年人为无民事行为能力人（民法典第二十条）",
                     none=none_below, age=age)


def _label(labels: Mapping[str, Text], code: str) -> Text:
    return labels.get(code, Text(code, code))


def _labels(labels: Mapping[str, Text], codes: Sequence[str]) -> list[Text]:
    return [_label(labels, c) for c in codes]


def _port_text(ports: Table, key: str) -> Text:
    found = places.port(key, ports).value
    return found.text if found is not None else Text(key, key)


def _first_start(table: Table) -> date | None:
    starts = [p.start for item in table for p in item.periods if p.start is not None]
    return min(starts) if starts else None


def _since(policy: Policy, name: str, test: Any) -> date | None:
    """The first start date of parameter ``name`` whose value passes ``test``."""
    for v in policy.param(name).values:
        if v.start is not None and test(v.value):
            return v.start
    return None


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月5日起，在深圳市深圳湾口岸、珠海市拱北口岸实施“刷脸”智能通关的基础上，在上海虹桥机场，
    厦门高崎机场、五通码头，广州琶洲客运港、南沙客运港，深圳皇岗、罗湖、莲塘、福田、文锦渡，珠海横琴、
    港珠澳大桥等口岸推广应用，年满14周岁以上，持有效往来港澳通行证和多次有效逗留、探亲、商务、人才、其他
    类赴港澳签注的内地居民，以及持有效港澳居民来往内地通行证（含非中国籍）的港澳居民、持5年有效台湾居民
    来往大陆通行证的台湾居民，且同意采集核验面相、指纹等信息用于出入境边防检查核验的，可选择使用上述口岸
    出入境边防检查现场智能快捷通道“刷脸”通行。限制或无民事行为能力人，经智能快捷通道出境入境时应由法定
    监护人陪同。（M03.1, M03.2）

    From 5 November 2025, building on the "face scan" smart clearance at the Shenzhen Bay
    port and the Gongbei port, smart clearance is extended to Shanghai Hongqiao Airport;
    Xiamen Gaoqi Airport and Wutong Ferry Terminal; Guangzhou Pazhou and Nansha Passenger
    Ports; Shenzhen Huanggang, Luohu, Liantang, Futian and Wenjindu; Zhuhai Hengqin and the
    Hong Kong–Zhuhai–Macao Bridge. Persons aged 14 or above — mainland residents with a
    valid EEP and a multiple-entry stay, family-visit, business, talent or other endorsement
    for HK and Macau; HK and Macau residents with a valid home-return permit (including
    non-Chinese nationals); Taiwan residents with a 5-year MTP — who consent to the
    collection and verification of face, fingerprints and other information may choose the
    smart fast-track lanes. Persons with limited or no capacity for civil conduct shall be
    accompanied by their legal guardian.

    Conditions, in this order: ``port`` (the port offers smart clearance on the day),
    ``min_age``, ``document`` (the traveller's group and document are accepted on the day),
    ``endorsement`` (mainland residents only), ``biometric_consent``, ``guardian``.

    Limitations:
        * "年满14周岁以上" is read as age ≥ 14 in full years on the day of crossing.
        * The document is assumed valid (有效); its expiry is not a fact here.
        * The 2024 pilot (深圳湾, 拱北 from 2024-11-20) admitted mainland and HK/Macau
          residents only; Taiwan residents with the 5-year MTP from 2025-11-05. The
          one-time MTP never qualifies.
        * Capacity for civil conduct (M03.2) follows the Civil Code (arts. 17-22,
          ``m03.civil_capacity``): under 8 none, 8 to 17 limited, 16 and 17 full when living
          mainly on their own labour income (``lives_on_own_labour_income``), adults full
          unless ``full_legal_capacity`` is false (arts. 21-22). ``full_legal_capacity``
          true where the law rules it out for the age is an error naming that fact.
        * ``guardian_present`` left out is unknown: a traveller without full capacity is
          then eligible, and the guardian condition says a legal guardian must accompany
          them (``details.guardian_required``); ``guardian_present`` false is unmet. M03.2
          governs how the lane is used (经…通道出境入境时应由…陪同), not who may use it.
        * The guardian rule (M03.2) is recorded from 2025-11-05; for the pilot before that
          date it is not recorded, and the condition is reported as met with that note.
        * 因公 (official) documents, excluded since the pilot, are not among the documents
          this measure accepts as facts.
        * "等口岸" (ports including…) is read as the exhaustive list of ``m03.ports``.
        * Before 2024-11-20 no port offered smart clearance: every condition is reported
          unmet, saying so.
    """
    policy = policy_or_default(policy)
    day = as_of or day_of(facts.date)
    ports = policy.table("ports")
    table = policy.table("m03.ports")
    first = _first_start(table)
    documents: Mapping[str, Sequence[str]] | None = policy.value("m03.documents", day)
    in_force = documents is not None
    warnings: list[Text] = []
    conditions: list[Condition] = []

    resolved = facts.port
    port = resolved.value
    active = table.active(day)
    active_names = [_port_text(ports, i.key) for i in active]
    port_since: date | None = None
    if port is None:
        conditions.append(_PORT.unrecognised(query=resolved.query))
    else:
        item = table.get(port.id)
        period = item.period(day) if item is not None else None
        if item is not None:
            starts = [p.start for p in item.periods if p.start is not None]
            port_since = min(starts) if starts else None
        if period is not None:
            conditions.append(_PORT(True, T(
                "{port}自{since}起实施“刷脸”智能通关", port=port.text,
                since=str(period.start) if period.start else "—"), period.ref.clause))
        elif not active:
            pilot = [_port_text(ports, i.key) for i in table.active(first)] if first else []
            conditions.append(_PORT(False, T(
                "{day}尚无口岸实施“刷脸”智能通关（自{first}起在{pilot}试点）",
                day=str(day), first=str(first), pilot=pilot)))
        elif item is not None and port_since is not None and day < port_since:
            conditions.append(_PORT(False, T(
                "{port}自{since}起才实施“刷脸”智能通关；{day}实施的口岸：{ports}",
                port=port.text, since=str(port_since), day=str(day), ports=active_names),
                item.get("clause")))
        else:
            conditions.append(_PORT(False, T(
                "{port}不在“刷脸”智能通关口岸之列；{day}实施的口岸：{ports}",
                port=port.text, day=str(day), ports=active_names)))

    not_yet = T("{day}尚未实施“刷脸”智能通关（自{first}起）", day=str(day), first=str(first))

    # Age (M03.1).
    min_age = policy.value("m03.min_age", day)
    if min_age is None:
        conditions.append(_MIN_AGE(False, not_yet))
    elif facts.age >= int(min_age):
        conditions.append(_MIN_AGE(True, T(
            "年满{min}周岁（{age}周岁）", min=min_age, age=facts.age)))
    else:
        conditions.append(_MIN_AGE(False, T(
            "未满{min}周岁（{age}周岁）", min=min_age, age=facts.age)))

    # Traveller group and document (M03.1).
    traveller = _label(_TRAVELLERS, facts.traveller)
    document = _label(_DOCUMENTS, facts.document)
    if documents is None:
        conditions.append(_DOCUMENT(False, not_yet))
    elif facts.traveller not in documents:
        since = _since(policy, "m03.documents", lambda v: facts.traveller in v)
        conditions.append(_DOCUMENT(False, T(
            "{day}“刷脸”智能通关尚不适用于{traveller}（自{since}起适用）",
            day=str(day), traveller=traveller, since=str(since) if since else "—")))
    elif facts.document in documents[facts.traveller]:
        conditions.append(_DOCUMENT(True, T(
            "{traveller}持{document}", traveller=traveller, document=document)))
    else:
        conditions.append(_DOCUMENT(False, T(
            "{traveller}须持{accepted}（所持：{document}）", traveller=traveller,
            accepted=_labels(_DOCUMENTS, documents[facts.traveller]), document=document)))

    # Endorsement for Hong Kong and Macau (mainland residents, M03.1).
    types: Sequence[str] | None = policy.value("m03.endorsement_types", day)
    e = facts.endorsement
    if types is None:
        conditions.append(_ENDORSEMENT(False, not_yet))
    elif facts.traveller != "mainland":
        conditions.append(_ENDORSEMENT(True, T(
            "{traveller}无须赴港澳签注", traveller=traveller)))
    elif e is None:
        conditions.append(_ENDORSEMENT(False, T(
            "内地居民须持以下多次有效赴港澳签注之一：{types}（未提供签注）",
            types=_labels(_ENDORSEMENTS, types))))
    elif e.type not in types:
        conditions.append(_ENDORSEMENT(False, T(
            "{kind}不适用；须持以下多次有效赴港澳签注之一：{types}",
            kind=_label(_ENDORSEMENTS, e.type), types=_labels(_ENDORSEMENTS, types))))
    elif required(policy, "m03.requires_multiple_entry", day) and not e.multiple:
        conditions.append(_ENDORSEMENT(False, T(
            "{kind}须为多次有效（所持为一次有效）", kind=_label(_ENDORSEMENTS, e.type))))
    else:
        kind = _label(_ENDORSEMENTS, e.type)
        conditions.append(_ENDORSEMENT(True, T(
            "持多次有效{kind}", kind=kind) if e.multiple else T("持一次有效{kind}", kind=kind)))

    # Consent to biometric collection (M03.1).
    consent_required = policy.value("m03.requires_biometric_consent", day)
    if consent_required is None:
        conditions.append(_CONSENT(False, not_yet))
    elif facts.biometric_consent or not consent_required:
        conditions.append(_CONSENT(True, T(
            "同意采集核验面相、指纹等信息用于出入境边防检查核验")))
    else:
        conditions.append(_CONSENT(False, T(
            "未同意采集核验面相、指纹等信息；须同意方可使用智能快捷通道")))

    # Guardian for persons without full civil capacity (M03.2), capacity by the Civil Code.
    guardian_rule = policy.value("m03.guardian_required_without_full_capacity", day)
    limits: Mapping[str, int] | None = policy.value("m03.civil_capacity", day)
    capacity: Capacity | None = None
    capacity_text: Text | None = None
    if limits is not None:
        capacity, capacity_text = _capacity(facts, limits)
    guardian_required = bool(guardian_rule) and capacity not in (None, "full")
    if not in_force:
        conditions.append(_GUARDIAN(False, not_yet))
    elif guardian_rule is None:
        since = _since(policy, "m03.guardian_required_without_full_capacity", bool)
        conditions.append(_GUARDIAN(True, T(
            "法定监护人陪同的要求自{since}起载明；此前的试点规则未见此项",
            since=str(since) if since else "—")))
    elif capacity is None or capacity_text is None:
        raise DataError(f"policy parameter 'm03.civil_capacity' has no value on {day}")
    elif capacity == "full":
        conditions.append(_GUARDIAN(True, T(
            "{capacity}，无须法定监护人陪同", capacity=capacity_text)))
    elif not guardian_rule or facts.guardian_present:
        conditions.append(_GUARDIAN(True, T(
            "{capacity}；由法定监护人陪同，可经智能快捷通道出入境", capacity=capacity_text)))
    elif facts.guardian_present is None:
        # Unknown: the answer can be acted on — yes, with a guardian (docs/readings.md).
        conditions.append(_GUARDIAN(True, T(
            "{capacity}；经智能快捷通道出入境时须由法定监护人陪同", capacity=capacity_text)))
    else:
        conditions.append(_GUARDIAN(False, T(
            "{capacity}；经智能快捷通道出入境时须由法定监护人陪同，无监护人陪同不可使用",
            capacity=capacity_text)))

    details: dict[str, Any] = {
        "port": {"id": port.id, "zh": port.text.zh, "en": port.text.en} if port else None,
        "port_since": port_since,
        "ports": [{"id": i.key, "zh": t.zh, "en": t.en} for i, t in zip(active, active_names,
                                                                       strict=True)],
        "min_age": min_age,
        "accepted_documents": {k: list(v) for k, v in documents.items()} if documents else {},
        "endorsement_types": list(types) if types else [],
        "capacity": {"level": capacity, "zh": capacity_text.zh, "en": capacity_text.en}
        if capacity is not None and capacity_text is not None else None,
        "guardian_required": guardian_required,
    }
    return answer(ID, day, conditions, details, warnings, policy)
