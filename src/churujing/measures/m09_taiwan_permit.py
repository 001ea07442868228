"""Measure 9: ports that may issue the one-time Mainland Travel Permit for Taiwan residents.

References:
    M09.1, M09.2, M09.3.1 … M09.3.42; annex 3, A3.1 … A3.30 (law/announcement.yaml).
    policy/data/m09/ports.yaml (``m09.ports``): the 58 ports in force before 2025-11-20
    (start not recorded) and the 42 added on 2025-11-20, each citing its annex-3 line.
    policy/data/ports.yaml: the ports registry (names, province).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from churujing import places
from churujing.conditions import Conditions, Spec
from churujing.decision import Condition, Decision, Text
from churujing.facts import DayOrDateTime, FactsModel, day_of, day_of_event, port_of
from churujing.i18n import T
from churujing.measures._common import answer, policy_or_default
from churujing.policy import Policy
from churujing.policy.loader import Table
from churujing.refs import port_among

__all__ = ["CLAUSE", "CONDITIONS", "ID", "TITLE", "Facts", "decide"]

ID = "taiwan-one-time-permit"
CLAUSE = "M09"
TITLE = T("扩大可签发一次有效台湾居民来往大陆通行证口岸范围")

# The conditions, in the order answers report them, each under the words it rests on.
CONDITIONS = Conditions(
    # 附件3 签发一次有效台湾居民来往大陆通行证口岸范围 (M09.1: 由现有58个增加至100个)
    #   The port issues the permit on the day; a listed port cites its own line of annex 3.
    Spec("port", "A3", law="签发一次有效台湾居民来往大陆通行证口岸范围",
         unknown=T("未能识别口岸“{query}”，无法判断可否签发一次有效台湾居民来往大陆通行证")),
    # M09.2 未持有效来往大陆出入境证件的台湾居民抵达口岸时，可向口岸公安机关出入境管理机构申请……
    Spec("taiwan_resident", "M09.2", law="台湾居民抵达口岸时"),
    Spec("no_valid_document", "M09.2", law="未持有效来往大陆出入境证件"),
)
_PORT, _RESIDENT, _NO_DOCUMENT = (CONDITIONS["port"], CONDITIONS["taiwan_resident"],
                                  CONDITIONS["no_valid_document"])


#: the port of arrival: a name of several ports means the one annex 3 lists, if one
PermitPort = Annotated[places.Resolved[places.Port], port_among("m09.ports")]


class Facts(FactsModel):
    """Facts for applying for a one-time MTP at a port of arrival (M09)."""

    port: PermitPort = port_of("arrival", "皇岗, 天津港, TSN")
    date: DayOrDateTime = day_of_event("arrival")
    taiwan_resident: bool = Field(description="the traveller is a Taiwan resident (台湾居民)")
    holds_valid_permit: bool = Field(
        description="the traveller holds a valid exit-entry document for travel to and from "
        "the mainland (e.g. a valid 5-year MTP, 台胞证)"
    )


def _port_text(ports: Table, key: str) -> Text:
    found = places.port(key, ports).value
    return found.text if found is not None else Text(key, key)


def decide(facts: Facts, as_of: date | None = None, *, policy: Policy | None = None) -> Decision:
    """自2025年11月20日起，将可签发一次有效台湾居民来往大陆通行证的口岸范围由现有58个增加至100个。
    未持有效来往大陆出入境证件的台湾居民抵达口岸时，可向口岸公安机关出入境管理机构申请办理一次有效
    台湾居民来往大陆通行证，经批准后即可领取证件入境。（M09.1, M09.2；口岸见附件3）

    From 20 November 2025, the ports that may issue the one-time Mainland Travel Permit for
    Taiwan Residents increase from the existing 58 to 100. A Taiwan resident who arrives at
    a port without a valid exit-entry document for travel to and from the mainland may
    apply to the exit-entry administration of the public security organ at the port for a
    one-time MTP, and upon approval may collect the permit and enter. (Ports: annex 3.)

    Conditions, in this order: ``port`` (issues the permit on the day; cites the port's
    annex-3 line), ``taiwan_resident``, ``no_valid_document``.

    Limitations:
        * Eligible means "may apply at this port": the permit is issued only "经批准后"
          (upon approval), which this project cannot decide.
        * The 58 ports before 2025-11-20 are taken as annex 3 minus the 42 new ports of
          M09.3; when they started is not recorded, so they count as in force on any
          earlier date.
        * "未持有效来往大陆出入境证件" is read as: holds no valid document for travel to
          and from the mainland of any kind (a valid 5-year MTP is used instead).
        * The day whose rules apply is the day of arrival in Beijing time (or ``as_of``).
    """
    policy = policy_or_default(policy)
    day = as_of or day_of(facts.date)
    ports = policy.table("ports")
    table = policy.table("m09.ports")
    active = table.active(day)
    warnings: list[Text] = []
    conditions: list[Condition] = []

    resolved = facts.port
    port = resolved.value
    item = table.get(port.id) if port is not None else None
    port_clause = str(item.get("clause") or _PORT.clause) if item is not None else None
    port_since: date | None = None
    if item is not None:
        starts = [p.start for p in item.periods]
        port_since = None if None in starts else min(s for s in starts if s is not None)

    # 1. The port issues the one-time MTP on the day (M09.1, annex 3).
    if port is None:
        conditions.append(_PORT.unrecognised(query=resolved.query))
    elif item is not None and item.active(day):
        conditions.append(_PORT(True, T(
            "{port}可签发一次有效台湾居民来往大陆通行证（{day}共{n}个口岸）",
            port=port.text, day=str(day), n=len(active)), port_clause))
    elif item is not None and port_since is not None and day < port_since:
        conditions.append(_PORT(False, T(
            "{port}自{since}起才可签发一次有效台湾居民来往大陆通行证（{day}共{n}个口岸）",
            port=port.text, since=str(port_since), day=str(day), n=len(active)), port_clause))
    else:
        conditions.append(_PORT(False, T(
            "{port}不在可签发一次有效台湾居民来往大陆通行证的口岸之列（{day}共{n}个口岸）",
            port=port.text, day=str(day), n=len(active))))

    # 2. A Taiwan resident (M09.2).
    if facts.taiwan_resident:
        conditions.append(_RESIDENT(True, T("申请人为台湾居民")))
    else:
        conditions.append(_RESIDENT(False, T(
            "一次有效台湾居民来往大陆通行证仅签发给台湾居民")))

    # 3. Without a valid document for travel to and from the mainland (M09.2).
    if not facts.holds_valid_permit:
        conditions.append(_NO_DOCUMENT(True, T(
            "未持有效来往大陆出入境证件")))
    else:
        conditions.append(_NO_DOCUMENT(False, T(
            "已持有效来往大陆出入境证件，凭该证件入境，无须申请一次有效通行证")))

    province_ports: list[dict[str, str]] = []
    if port is not None and port.province:
        for other in active:
            if other.key == port.id:
                continue
            found = places.port(other.key, ports).value
            if found is not None and found.province == port.province:
                province_ports.append({"id": found.id, "zh": found.text.zh, "en": found.text.en})
    details: dict[str, Any] = {
        "port": {"id": port.id, "zh": port.text.zh, "en": port.text.en} if port else None,
        "port_clause": port_clause,
        "port_since": port_since,
        "port_count": len(active),
        "province_ports": province_ports,
    }
    return answer(ID, day, conditions, details, warnings, policy)
