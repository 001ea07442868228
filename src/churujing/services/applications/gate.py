"""The gate of an online renewal: the measure-7 rule, before the form and at submission.

An application carries the applicant's identity number and the measure-7 facts *except*
``age`` and ``date``: the age is read from the identity number (GB 11643) on the day the
rule runs, and the day is the day of the pre-check or of the submission. The hukou city is
resolved to a GB/T 2260 division by the facts boundary (:data:`churujing.refs.CityName`); a
name that resolves to no division is an invalid field, not a refusal.

References:
    M07.1 (law/announcement.yaml): 试点城市16周岁以上户籍居民……可以通过国家移民管理局政务
    服务平台网上申请换发补发. :func:`churujing.measures.m07_online_renewal.decide`.

Limitations:
    * The rule runs on the submission day, not on the day the draft was made: a 15-year-old
      who makes a draft the day before the 16th birthday may submit on the birthday.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from churujing.decision import Decision
from churujing.errors import FactsError
from churujing.i18n import T
from churujing.measures import get_measure
from churujing.measures.m07_online_renewal import Facts as RenewalFacts
from churujing.policy import Policy

from .errors import ApplicationInvalid, Refused
from .idnumber import IdNumber, parse_id_number

__all__ = ["DERIVED", "MEASURE", "Gate", "check", "require"]

MEASURE = "online-renewal"
#: The facts the platform derives and the applicant does not give.
DERIVED = ("age", "date")


@dataclass(frozen=True, slots=True)
class Gate:
    """The rule's answer on a day, with the identity number and facts it was given."""

    decision: Decision
    identity: IdNumber
    facts: RenewalFacts
    day: date

    @property
    def hukou_code(self) -> str:
        city = self.facts.hukou_city.value
        assert city is not None
        return city.code


def _prefixed(exc: FactsError, prefix: str) -> list[FactsError]:
    return [e.at(f"{prefix}.{e.field}" if e.field else prefix) for e in exc.invalid_fields]


def check(facts: Mapping[str, Any], id_number: object, day: date, *,
          policy: Policy | None = None) -> Gate:
    """Run the measure-7 rule for ``facts`` and ``id_number`` on ``day``.

    Raises :class:`ApplicationInvalid` (every invalid field, named ``facts.…`` or
    ``applicant.id_number``); a refusal is an answer: ``Gate.decision.eligible`` is False.
    """
    errors: list[FactsError] = []
    identity: IdNumber | None = None
    try:
        identity = parse_id_number(id_number, today=day)
    except FactsError as exc:
        errors.append(exc)
    if not isinstance(facts, Mapping):
        text = T("应为由事实组成的 JSON 对象")
        errors.append(FactsError(text.en, field="facts", text=text))
        raise ApplicationInvalid(errors)
    for key in DERIVED:
        if key in facts:
            text = (T("年龄由公民身份号码按提交之日计算，不须填写") if key == "age"
                    else T("申请日期为提交之日，不须填写"))
            errors.append(FactsError(text.en, field=f"facts.{key}", text=text))
    if errors:
        raise ApplicationInvalid(errors)
    assert identity is not None
    data = {**facts, "age": identity.age_on(day), "date": day.isoformat()}
    measure = get_measure(MEASURE)
    try:
        parsed, _warnings = measure.parse(data, policy=policy)
    except FactsError as exc:
        raise ApplicationInvalid(_prefixed(exc, "facts")) from None
    assert isinstance(parsed, RenewalFacts)
    if parsed.hukou_city.value is None:
        text = T("户籍城市“{city}”不是GB/T 2260行政区划", city=parsed.hukou_city.query)
        raise ApplicationInvalid([FactsError(text.en, field="facts.hukou_city", text=text)])
    decision = measure.check(data, day, policy=policy)
    return Gate(decision, identity, parsed, day)


def require(facts: Mapping[str, Any], id_number: object, day: date, *,
            policy: Policy | None = None) -> Gate:
    """:func:`check`, raising :class:`Refused` (422, the unmet conditions) on a refusal."""
    gate = check(facts, id_number, day, policy=policy)
    if not gate.decision.eligible:
        raise Refused(MEASURE, gate.decision.unmet)
    return gate
