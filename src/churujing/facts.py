"""Facts: the typed, validated input of a measure.

Each measure declares a :class:`FactsModel` subclass. :func:`parse_facts` turns a JSON
object into it, or raises :class:`~churujing.errors.FactsError` naming the field and
what was expected. Unknown keys are ignored (they may be a caller's own columns); one
that is close to a known fact gets a warning suggesting it, as it is likely a typo.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from churujing.decision import Notice, Text
from churujing.errors import AmbiguousName, FactsError
from churujing.i18n import T
from churujing.refs import (
    AMBIGUOUS,
    Abroad,
    AirportCode,
    CountryName,
    DivisionNames,
    notices,
)

if TYPE_CHECKING:
    from churujing.policy import Policy

__all__ = [
    "BEIJING",
    "DOCUMENT_ALIASES",
    "EARLIEST",
    "LATEST",
    "ApplicationDay",
    "Arrival",
    "BeijingDateTime",
    "DayOrDateTime",
    "Departure",
    "Destination",
    "DestinationAirport",
    "FactsModel",
    "MaybeNationality",
    "MaybePassportExpiry",
    "Nationality",
    "Origin",
    "OriginAirport",
    "PassportExpiry",
    "VisitAreas",
    "age_on",
    "canonical_document",
    "day_of",
    "day_of_event",
    "division_of",
    "error_text",
    "in_order",
    "instant_of",
    "parse_facts",
    "port_of",
    "to_beijing",
]

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
#: the instants a fact may give (Beijing time): a travel date outside is a mistake, and
#: the rules' arithmetic on it (a deadline, months of validity) must stay in the calendar
EARLIEST = datetime(1900, 1, 1, tzinfo=BEIJING)
LATEST = datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=BEIJING)
_OUT_OF_RANGE = "expected a date-time between 1900 and 2999"

M = TypeVar("M", bound="FactsModel")


class FactsModel(BaseModel):
    """Base of every measure's facts."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    @classmethod
    def missing_together(cls, data: dict[str, Any]) -> list[tuple[str, Text]]:
        """Facts missing from ``data`` that the model's after-validators would report, as
        (field, message): listed beside the fields' own errors, which stop pydantic before
        those validators run (every invalid field is reported at once)."""
        return []


def to_beijing(value: Any) -> Any:
    """ISO 8601 text or datetime -> aware datetime in Beijing time (naive = Beijing time).

    A bare date is read as 00:00 Beijing time on that day.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "expected an ISO 8601 date-time such as 2025-11-10T14:30:00 "
                "(Beijing time when no offset is given) or 2025-11-10T14:30:00+01:00"
            ) from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if isinstance(value, datetime):
        try:
            value = (value.replace(tzinfo=BEIJING) if value.tzinfo is None
                     else value.astimezone(BEIJING))
        except OverflowError:  # past year 9999 in Beijing
            value = None
        if value is None or not EARLIEST <= value <= LATEST:
            raise ValueError(_OUT_OF_RANGE)
        return value
    raise ValueError("expected an ISO 8601 date-time")


BeijingDateTime = Annotated[datetime, BeforeValidator(to_beijing)]

# A day of an event, given as a date or as a date-time (Beijing time when naive).
DayOrDateTime = Annotated[
    datetime,
    BeforeValidator(to_beijing),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    ),
]


# The facts several measures (and the trip) ask for, each declared once with its one
# description: the OpenAPI schema, the forms and the CLI say the same of a fact wherever it
# is asked. A fact that is optional in one model and required in another has both types,
# under one description (``Maybe…``: absent is ``None``).


def instant_of(event: str) -> Any:
    """The declaration of a fact that gives the instant of ``event``, typed
    :data:`BeijingDateTime`."""
    return Field(description=f"{event}: an ISO 8601 date-time (Beijing time when no offset "
                             "is given)")


def day_of_event(event: str) -> Any:
    """The declaration of a fact that gives the day of ``event`` (crossing, arrival, entry)
    as a date or a date-time, typed :data:`DayOrDateTime`."""
    return Field(description=f"day of {event}: YYYY-MM-DD or an ISO 8601 date-time (Beijing "
                             "time when no offset is given)")


def port_of(event: str, examples: str, **field: Any) -> Any:
    """The declaration of a fact that names the port of ``event`` (crossing, arrival, entry),
    typed :data:`churujing.refs.PortName`; ``examples`` are names it accepts; ``field``:
    pydantic's other arguments (``default=None`` for an optional port)."""
    return Field(description=f"the port of {event}: id, IATA code, Chinese or English name "
                             f"(e.g. {examples})", **field)


def division_of(what: str, examples: str) -> Any:
    """The declaration of a fact that names a division of GB/T 2260 (``what``: the
    applicant's city of household registration, …), typed with a ``churujing.refs`` division
    type; ``examples`` are names it accepts."""
    return Field(description=f"{what}: GB/T 2260 code, Chinese or English name "
                             f"(e.g. {examples})")


def age_on(event: str) -> Any:
    """The declaration of the fact ``age``: whole years on the day of ``event``."""
    return Field(ge=0, le=150, description=f"age in full years on the day of {event}")


def in_order(later: str, earlier: str, message: str, *, strict: bool = False) -> Any:
    """A facts model's validator: the instant ``later`` is not before ``earlier`` (with
    ``strict``: after it), else the error ``message`` on ``later``."""

    def check(cls: type, value: datetime | None, info: ValidationInfo) -> datetime | None:
        before = info.data.get(earlier)
        if (isinstance(before, datetime) and isinstance(value, datetime)
                and (value <= before if strict else value < before)):
            raise ValueError(message)
        return value

    return field_validator(later)(check)


#: The fact ``date`` of a measure one applies under (M01, M02, M07): the day of application.
ApplicationDay = Annotated[date, Field(description="day of application, YYYY-MM-DD")]

#: The arrival in China (M05's at the transfer airport, M06's entry).
Arrival = Annotated[BeijingDateTime, instant_of("arrival in China")]
#: The departure of the onward journey from China (M05's onward flight, M06's).
Departure = Annotated[BeijingDateTime,
                      instant_of("scheduled departure of the onward journey from China")]

_NATIONALITY = ("nationality: an ISO 3166-1 alpha-2 or alpha-3 code, or the country's name in "
                "English or Chinese (e.g. DE, DEU, Germany, 德国); CN, and HK, MO or TW given "
                "as a nationality, are citizens of China")
Nationality = Annotated[CountryName, Field(description=_NATIONALITY)]
MaybeNationality = Annotated[CountryName | None, Field(description=_NATIONALITY)]

_PASSPORT_EXPIRY = "expiry date of the passport or other international travel document (YYYY-MM-DD)"
PassportExpiry = Annotated[date, Field(description=_PASSPORT_EXPIRY)]
MaybePassportExpiry = Annotated[date | None, Field(description=_PASSPORT_EXPIRY)]

#: The ends of a journey through China (M05, M06): each as a place, or as an airport code.
Origin = Annotated[Abroad | None, Field(
    description="where the inbound journey comes from: a country or region by code or name "
    "(HK, MO and TW are regions), an airport by IATA code (NRT) or a major city (Tokyo); "
    "required unless origin_airport is given. A 3-letter code that is also a country's "
    "alpha-3 (FRA) is read as the country, with a warning")]
Destination = Annotated[Abroad | None, Field(
    description="where the onward journey goes, named as origin is; required unless "
    "destination_airport is given")]
OriginAirport = Annotated[AirportCode | None, Field(
    description="the airport the inbound flight leaves from, by IATA code (FRA is Frankfurt "
    "here); it gives the origin's country")]
DestinationAirport = Annotated[AirportCode | None, Field(
    description="the airport the onward flight lands at, by IATA code; it gives the "
    "destination's country")]

#: The places to visit in China (M06, the trip).
VisitAreas = Annotated[DivisionNames | None, Field(
    description="places to visit: provinces, cities, counties or districts, by GB/T 2260 "
    "code or name (苏州, Suzhou, Jiangsu, 江阴, Pudong)")]


# Spellings accepted for a document, and the glossary's canonical id they stand for: the
# issue texts call the home-return permit ``hk_macau_resident_permit``.
DOCUMENT_ALIASES = {"hk_macau_resident_permit": "hk_macau_home_return_permit"}


def canonical_document(value: str) -> str:
    """The glossary's id for a document code (aliases mapped, others unchanged)."""
    return DOCUMENT_ALIASES.get(value, value)


def day_of(moment: datetime) -> date:
    """The calendar day of ``moment`` in Beijing."""
    return moment.astimezone(BEIJING).date()


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


# Pydantic's error types, in words a person reads, in Chinese (the English is the
# catalogue's): every type a JSON input can produce, so that no answer in Chinese carries
# pydantic's English. A type not listed (one pydantic adds later) is "值无效" in Chinese, with
# pydantic's message in English.
_DATE = "应为 YYYY-MM-DD 格式的日期"
_DATETIME = "应为 ISO 8601 日期时间"
_OBJECT = "应为 JSON 对象"
_LIST = "应为列表"
_NUMBER = "应为数字"
_TYPE_TEXTS = {
    "missing": "缺少必需的事实",
    "missing_argument": "缺少必需的事实",
    "missing_keyword_only_argument": "缺少必需的事实",
    "missing_positional_only_argument": "缺少必需的事实",
    "extra_forbidden": "不接受此字段",
    "unexpected_keyword_argument": "不接受此字段",
    "unexpected_positional_argument": "不接受此字段",
    "multiple_argument_values": "此字段给了不止一次",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "none_required": "应为 null",
    "string_type": "应为字符串",
    "bytes_type": "应为字符串",
    "string_unicode": "应为有效的 Unicode 文本",
    "bytes_invalid_encoding": "应为有效的 Unicode 文本",
    "string_not_ascii": "只能包含 ASCII 字符",
    "string_too_short": "不能为空",
    "string_too_long": "文本过长",
    "string_pattern_mismatch": "格式不符合要求",
    "list_type": _LIST,
    "tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "deque_type": _LIST,
    "iterable_type": _LIST,
    "iteration_error": _LIST,
    "set_item_not_hashable": "列表中有无法比较的项",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "int_parsing_size": "数字过大",
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_max_digits": "数字的位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数部分的位数过多",
    "finite_number": "应为有限的数字",
    "complex_type": _NUMBER,
    "complex_str_parsing": _NUMBER,
    "fraction_type": _NUMBER,
    "fraction_parsing": _NUMBER,
    "date_from_datetime_parsing": _DATE,
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_inexact": "应为日期，不带时刻（YYYY-MM-DD）",
    "date_past": "应为今天以前的日期",
    "date_future": "应为今天以后的日期",
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_past": "应为此前的时刻",
    "datetime_future": "应为此后的时刻",
    "timezone_naive": "不应带时区",
    "timezone_aware": "应带时区（如 +08:00）",
    "timezone_offset": "时区不符合要求",
    "time_type": "应为 HH:MM 格式的时刻",
    "time_parsing": "应为 HH:MM 格式的时刻",
    "time_delta_type": "应为时长",
    "time_delta_parsing": "应为时长",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "uuid_version": "UUID 的版本不符合要求",
    "url_type": "应为网址",
    "url_parsing": "应为网址",
    "url_syntax_violation": "应为网址",
    "url_too_long": "网址过长",
    "url_scheme": "网址的协议不被接受",
    "name_type": "应为名称或代码（字符串）",
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "dataclass_type": _OBJECT,
    "dataclass_exact_type": _OBJECT,
    "named_tuple_type": _OBJECT,
    "arguments_type": _OBJECT,
    "dict_type": _OBJECT,
    "frozen_dict_type": _OBJECT,
    "ordered_dict_type": _OBJECT,
    "counter_type": _OBJECT,
    "mapping_type": _OBJECT,
    "invalid_key": "键应为字符串",
    "union_tag_invalid": "类型标记不在所列之中",
    "union_tag_not_found": "缺少类型标记",
    "json_invalid": "JSON 格式有误",
    "json_type": "应为 JSON 文本",
    "json_too_deep": "JSON 嵌套过深",
    "body_invalid": "应为 UTF-8 编码的 JSON 请求体",
    "recursion_loop": "JSON 嵌套过深",
    "recursion_depth_exceeded": "JSON 嵌套过深",
    "frozen_field": "此字段不可更改",
    "frozen_instance": "不可更改",
}
_INVALID = "值无效"


# Pydantic's bounds on numbers and lengths: (Chinese msgid, the ctx key of the limit).
_BOUNDS = {
    "greater_than_equal": ("应不小于{limit}", "ge"),
    "greater_than": ("应大于{limit}", "gt"),
    "less_than_equal": ("应不大于{limit}", "le"),
    "less_than": ("应小于{limit}", "lt"),
    "multiple_of": ("应为{limit}的倍数", "multiple_of"),
    "too_short": ("至少{limit}项", "min_length"),
    "too_long": ("最多{limit}项", "max_length"),
    "string_too_short": ("至少{limit}个字符", "min_length"),
    "string_too_long": ("最多{limit}个字符", "max_length"),
    "bytes_too_short": ("至少{limit}个字符", "min_length"),
    "bytes_too_long": ("最多{limit}个字符", "max_length"),
}


@cache
def _reverse_catalogue() -> dict[str, str]:
    """English sentence -> its Chinese msgid, for messages written in English in validators."""
    from churujing.i18n import catalogue

    return {en: zh for zh, en in catalogue("en").items() if "{" not in zh}


def error_text(err: Any) -> Text:
    """An error of pydantic's (one of ``ValidationError.errors()``, or an entry of that
    shape) as a text in Chinese and English: its type in words a person reads, a bound with
    its limit, a list of accepted values; a validator's own message through the catalogue."""
    ctx = err.get("ctx") or {}
    text = ctx.get("text")
    if isinstance(text, Text):  # an ambiguous name: its own bilingual text
        return text
    kind = str(err.get("type", ""))
    if kind in ("literal_error", "enum") and ctx.get("expected"):
        expected = str(ctx["expected"])  # "'a', 'b' or 'c'"
        return Text(T("应为以下之一：{expected}",
                      expected=expected.replace(" or ", "、").replace(", ", "、")).zh,
                    T("应为以下之一：{expected}", expected=expected).en)
    bound = _BOUNDS.get(kind)
    if bound is not None and bound[1] in ctx:
        if ctx[bound[1]] == 1 and kind in ("too_short", "string_too_short"):
            return T("不能为空")
        return T(bound[0], limit=ctx[bound[1]])
    if kind == "string_pattern_mismatch" and ctx.get("pattern"):
        return T("格式不符合要求（应符合“{pattern}”）", pattern=ctx["pattern"])
    if kind in _TYPE_TEXTS:
        return T(_TYPE_TEXTS[kind])
    msg = str(err.get("msg", "invalid value"))
    if msg.startswith(("Value error, ", "Assertion failed, ")):
        msg = msg.split(", ", 1)[1]
    if ctx.get("expected") and "expected" not in msg:
        msg = f"{msg} (expected {ctx['expected']})"
    zh = _reverse_catalogue().get(msg)
    return Text(zh or T(_INVALID).zh, msg)


_text = error_text


def _policy_context(policy: Policy | None) -> dict[str, Any] | None:
    return {"policy": policy} if policy is not None else None


def parse_facts(model: type[M], data: Any, *,
                policy: Policy | None = None) -> tuple[M, tuple[Text, ...]]:
    """Validate ``data`` against ``model``; returns the facts and their warnings.

    Names of places are resolved here (:mod:`churujing.refs`, against ``policy``'s port
    registry or the packaged one). Raises :class:`FactsError` for the first invalid field,
    with ``errors`` listing every invalid field of the object, each message in Chinese
    and English. The warnings: names not recognised (or read one way that could mean
    another), each on its field, and unknown keys close to a known fact (likely typos).
    """
    if not isinstance(data, dict):
        text = T("应为由事实组成的 JSON 对象")
        raise FactsError(text.en, field="", text=text)
    try:
        facts = model.model_validate(data, context=_policy_context(policy))
    except ValidationError as exc:
        errors: list[FactsError] = []
        for err in exc.errors():
            text = _text(err)
            ctx = err.get("ctx") or {}
            field = _loc(err["loc"]) or str(ctx.get("field", ""))
            if err.get("type") == AMBIGUOUS:
                errors.append(AmbiguousName(text.en, field=field, text=text,
                                            query=str(err.get("input", "")),
                                            candidates=tuple(ctx.get("candidates", ()))))
            else:
                errors.append(FactsError(text.en, field=field, text=text))
        seen = {e.field for e in errors}
        for field, text in model.missing_together(data):
            if field not in seen:
                errors.append(FactsError(text.en, field=field, text=text))
        first = errors[0]
        first.invalid_fields = tuple(errors)
        raise first from None
    warnings: list[Text] = list(notices(facts))
    known = set(model.model_fields)
    aliases = {f.alias for f in model.model_fields.values() if f.alias}
    for key in data:
        if key in known or key in aliases:
            continue
        # Other keys (a caller's own ids, columns) pass silently; a near-miss is likely a typo.
        close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.75)
        if close:
            warnings.append(Notice.of(
                T("未知事实“{key}”已忽略；是否指“{guess}”？", key=key, guess=close[0]),
                code="unknown_fact", field=str(key)))
    return facts, tuple(warnings)
