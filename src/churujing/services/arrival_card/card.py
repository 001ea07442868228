"""The arrival card: its fields, and validation that names the field and what was expected.

The fields are those of the paper foreigner arrival card (docs/readings.md, "Data that only
describes": family name, given names, sex, date of birth, nationality, passport number,
visa number and place of issue, flight / ship / train number, intended address in China, purpose of
visit from ``m10.purposes``) and those of online filing (arrival date and port, contact
phone and e-mail, intended length of stay, onward journey for transit travellers).

Validation runs in two steps, both pure:

1. :class:`Card` checks what a value says by itself (the character set of a name, the
   shape of a passport number, a phone number through ``phonenumbers``…);
2. :func:`check_card` checks what depends on the day and on the policy data: dates
   against *today* (given by the caller, read from an injected clock, never here),
   the port against the ports registry, the purpose against ``m10.purposes``, the
   transport number against the port's kind.

:func:`parse_card` does both and raises :class:`~.errors.CardInvalid` listing every
invalid field at once, each with its path and a zh/en message.

References:
    ICAO Doc 9303, Part 3 (8th ed., 2021), §6 "Transliterations" (the recommended
    transliteration of Latin characters with diacritics, used for names) and Part 4
    §4.2.2 (document number: up to 9 characters in the MRZ, longer numbers continue
    in the optional data element).
    IATA Resolution 762 / ICAO Doc 8585: airline designators (2 characters, IATA) and
    (3 letters, ICAO); a flight number is a designator and 1-4 digits, with an optional
    operational suffix letter.
    ITU-T E.164 through the ``phonenumbers`` package.

Limitations:
    Names are accepted in the Latin alphabet only (A-Z, space, hyphen, apostrophe after
    transliteration): a traveller whose passport prints a non-Latin name files it as the
    machine-readable zone spells it. Only the Latin diacritics of ICAO's table and those
    that Unicode decomposes are transliterated; the table's first (recommended) option is
    used (Ä → AE, Ü → UE, Ñ → N). The e-mail check is syntactic (no DNS look-up). Train
    numbers follow China Railway's pattern (an optional class letter and digits); a ship is
    named, not numbered; a road crossing needs no transport number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Literal

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from churujing.decision import Text
from churujing.errors import FactsError
from churujing.i18n import T
from churujing.policy import Policy, load_policy
from churujing.services.common.clock import Clock, system_clock, today

from .errors import CardInvalid, FieldError

__all__ = [
    "FIELDS",
    "TRANSIT_MODES",
    "Card",
    "Clock",
    "check_card",
    "field_label",
    "icao_name",
    "normalise_nationality",
    "normalise_passport",
    "parse_card",
    "purposes",
    "system_clock",
    "today",
]



#: Entry modes of travellers in transit, who give their onward journey.
TRANSIT_MODES = frozenset({"visa_free_transit_240h", "direct_transit_24h"})

#: The maximum intended stay the form accepts (a sanity bound of the form, not a policy:
#: the length of stay a traveller may have is decided by his visa or visa exemption).
MAX_STAY_DAYS = 3650
#: The oldest date of birth accepted: this many years before today (a sanity bound).
MAX_AGE_YEARS = 130




# --------------------------------------------------------------------------- labels


def _labels() -> dict[str, Text]:
    return {
        "family_name": T("姓"),
        "given_names": T("名"),
        "sex": T("性别"),
        "date_of_birth": T("出生日期"),
        "nationality": T("国籍"),
        "document": T("证件种类"),
        "passport_number": T("护照号码"),
        "passport_expiry": T("护照有效期至"),
        "visa_number": T("签证号码"),
        "visa_place_of_issue": T("签证签发地"),
        "entry_mode": T("入境方式"),
        "arrival_date": T("入境日期"),
        "arrival_port": T("入境口岸"),
        "transport_number": T("航班号/船名/车次"),
        "address_in_china": T("在华住址"),
        "phone": T("联系电话"),
        "email": T("电子邮箱"),
        "purpose": T("入境事由"),
        "intended_stay_days": T("拟停留天数"),
        "onward_destination": T("前往国家或地区"),
        "onward_transport_number": T("离境航班号/船名/车次"),
        "onward_date": T("离境日期"),
        "declaration": T("以上申明真实准确"),
    }


FIELDS: tuple[str, ...] = tuple(_labels())
"""The card's fields, in form order."""


def field_label(name: str) -> Text:
    """The zh/en label of a field."""
    return _labels().get(name, Text(name, name))


# --------------------------------------------------------------------------- helpers


def _bad(text: Text) -> PydanticCustomError:
    return PydanticCustomError("card", "{en}", {"en": text.en, "zh": text.zh})


# ICAO 9303-3 §6: the recommended transliteration of Latin characters that do not
# decompose into a base letter and combining marks, or whose recommended form is not
# the base letter. Everything else with a diacritic is reduced to its base letter.
_ICAO = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE",
    "ẞ": "SS", "ß": "SS", "Þ": "TH", "Ĳ": "IJ", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H",
    "Ŋ": "N", "Ŧ": "T", "Ŀ": "L",
}
_NAME_OK = re.compile(r"[A-Z][A-Z '\-]*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "‑": "-"})


def icao_name(value: str) -> str:
    """A name in the ICAO 9303 character set: upper-case A-Z, space, hyphen, apostrophe.

    Raises ValueError (with a zh/en message) when a character cannot be transliterated.
    """
    text = unicodedata.normalize("NFC", value).translate(_APOSTROPHES).upper()
    out: list[str] = []
    for ch in text:
        if ch in _ICAO:
            out.append(_ICAO[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base)
    name = re.sub(r"\s+", " ", "".join(out)).strip(" ")
    if not name:
        raise _bad(T("不能为空"))
    if not _NAME_OK.fullmatch(name):
        raise _bad(T("应使用拉丁字母（A–Z）、空格、连字符或撇号，按护照机读区的拼写填写"))
    return name


_DOC_NUMBER = re.compile(r"[A-Z0-9]{5,18}")
_VISA_NUMBER = re.compile(r"[A-Z0-9]{6,12}")
_FLIGHT = re.compile(r"(?:(?![0-9]{2})[A-Z0-9]{2}|[A-Z]{3})[0-9]{1,4}[A-Z]?")
_TRAIN = re.compile(r"[A-Z]{0,2}[0-9]{1,5}")
_SHIP = re.compile(r"[A-Z0-9][A-Z0-9 .'\-]{1,59}")
_VEHICLE = re.compile(r"[A-Z0-9][A-Z0-9 \-]{0,19}")
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]{1,64}@([A-Za-z0-9\-]{1,63}\.)+[A-Za-z]{2,63}")


def _compact(value: str) -> str:
    return re.sub(r"[\s\-]", "", value).upper()


def _printable(value: str, limit: int) -> str:
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise _bad(T("不能包含控制字符"))
    if len(value) > limit:
        raise _bad(T("最多{n}个字符", n=limit))
    return value


def normalise_nationality(value: str) -> str:
    """The ISO 3166-1 alpha-2 code of a foreign nationality given by code or name."""
    from churujing.places import country

    try:
        found = country(value)
    except FactsError as exc:
        raise _bad(Text(exc.message, exc.message)) from None
    if found.value is None:
        hint = "、".join(found.suggestions)
        raise _bad(T("应为 ISO 3166-1 国家代码或国名（如 DE、Germany）") if not hint
                   else T("未能识别；是否指：{hint}？", hint=hint))
    c = found.value
    if c.code == "CN" or c.is_region:
        raise _bad(T("入境卡仅供外国人填写；中国公民及港澳台居民无需填写"))
    return c.code


def normalise_passport(value: str) -> str:
    """A document number: upper case, without spaces and hyphens, 5-18 letters or digits."""
    n = _compact(value)
    if not _DOC_NUMBER.fullmatch(n) or not any(c.isdigit() for c in n):
        raise _bad(T("应为5至18位字母或数字（至少含一位数字），按证件所印填写"))
    return n


# --------------------------------------------------------------------------- the card


class Card(BaseModel):
    """One traveller's arrival card, as filed online (values normalised by validation)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    family_name: str = Field(max_length=64, description="姓 Family name (as in the passport's MRZ)")
    given_names: str = Field(
        "", max_length=64, description="名 Given names (empty if the passport has none)")
    sex: Literal["M", "F"] = Field(description="性别 M or F")
    date_of_birth: date = Field(description="出生日期 Date of birth")
    nationality: str = Field(max_length=64, description="国籍 Nationality: ISO 3166-1 code or name")
    document: str = Field(
        "passport", max_length=40, description="证件种类 Travel document (m10 facts)")
    passport_number: str = Field(max_length=20, description="护照号码 Passport (document) number")
    passport_expiry: date = Field(description="护照有效期至 Passport expiry date")
    visa_number: str | None = Field(None, max_length=20, description="签证号码 Visa number, if any")
    visa_place_of_issue: str | None = Field(
        None, max_length=60, description="签证签发地 Place of issue")
    entry_mode: str = Field(
        "individual", max_length=40, description="入境方式 Entry mode (m10 facts)")
    arrival_date: date = Field(description="入境日期 Date of arrival")
    arrival_port: str = Field(
        max_length=64, description="入境口岸 Port of entry: id, IATA code or name")
    transport_number: str | None = Field(
        None, max_length=60, description="航班号/船名/车次 Flight No. / ship's name / train No.")
    address_in_china: str = Field(max_length=200, description="在华住址 Intended address in China")
    phone: str = Field(
        max_length=32, description="联系电话 Phone, international format (+country code)")
    email: str = Field(max_length=254, description="电子邮箱 E-mail")
    purpose: str = Field(
        max_length=40, description="入境事由 Purpose of visit: a code of m10.purposes")
    intended_stay_days: int = Field(description="拟停留天数 Intended stay in days")
    onward_destination: str | None = Field(
        None, max_length=60, description="前往国家或地区 Onward destination (transit travellers)")
    onward_transport_number: str | None = Field(
        None, max_length=60,
        description="离境航班号/船名/车次 Onward flight / ship / train (transit)")
    onward_date: date | None = Field(None, description="离境日期 Onward departure date (transit)")
    declaration: bool = Field(description="以上申明真实准确 The statement is true and accurate")

    @field_validator("family_name")
    @classmethod
    def _family(cls, v: str) -> str:
        return icao_name(_printable(v, 64))

    @field_validator("given_names")
    @classmethod
    def _given(cls, v: str) -> str:
        return icao_name(_printable(v, 64)) if v.strip() else ""

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, v: Any) -> Any:
        if isinstance(v, str):
            return {"MALE": "M", "FEMALE": "F", "男": "M", "女": "F"}.get(v.strip().upper(),
                                                                        v.strip().upper())
        return v

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, v: str) -> str:
        return normalise_nationality(v)

    @field_validator("document", "entry_mode")
    @classmethod
    def _code(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]{1,40}", v):
            raise _bad(T("应为小写代码，如 passport、individual"))
        return v

    @field_validator("passport_number")
    @classmethod
    def _passport(cls, v: str) -> str:
        return normalise_passport(v)

    @field_validator("visa_number")
    @classmethod
    def _visa(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        n = _compact(v)
        if not _VISA_NUMBER.fullmatch(n):
            raise _bad(T("应为6至12位字母或数字"))
        return n

    @field_validator("visa_place_of_issue", "onward_destination", "transport_number",
                     "onward_transport_number")
    @classmethod
    def _optional(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        return _printable(v, 60)

    @field_validator("address_in_china")
    @classmethod
    def _address(cls, v: str) -> str:
        if not v:
            raise _bad(T("不能为空"))
        return _printable(v, 200)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        example = "+44 20 7946 0958"
        if not v.startswith(("+", "00")):
            raise _bad(T("应为带国家代码的国际格式，如 {example}", example=example))
        try:
            number = phonenumbers.parse("+" + v[2:] if v.startswith("00") else v, None)
        except phonenumbers.NumberParseException:
            raise _bad(T("应为带国家代码的国际格式，如 {example}", example=example)) from None
        if not phonenumbers.is_valid_number(number):
            raise _bad(T("不是有效的电话号码"))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if len(v) > 254 or not _EMAIL.fullmatch(v):
            raise _bad(T("应为电子邮箱地址，如 name@example.com"))
        local, domain = v.rsplit("@", 1)
        return f"{local}@{domain.lower()}"

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, v: str) -> str:
        return v.strip().lower()

    @field_validator("intended_stay_days")
    @classmethod
    def _stay(cls, v: int) -> int:
        if not 1 <= v <= MAX_STAY_DAYS:
            raise _bad(T("应为1至{n}之间的整数", n=MAX_STAY_DAYS))
        return v

    @field_validator("declaration")
    @classmethod
    def _declaration(cls, v: bool) -> bool:
        if v is not True:
            raise _bad(T("须确认以上申明真实准确"))
        return v

    # ------------------------------------------------------------------ views

    def public(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO text)."""
        return self.model_dump(mode="json")


def purposes(policy: Policy, day: date) -> tuple[dict[str, str], ...]:
    """The purposes of visit on the card (``m10.purposes``) in force on ``day``."""
    value = policy.value("m10.purposes", day, default=[]) or []
    return tuple(dict(p) for p in value)


# --------------------------------------------------------------------------- context


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _transport_error(kind: str, value: str) -> Text | None:
    compact = _compact(value)
    if kind == "air":
        if not _FLIGHT.fullmatch(compact):
            return T("应为航班号：航空公司代码（2位IATA或3位ICAO）加1至4位数字，如 CA982、LH720")
    elif kind == "rail":
        if not _TRAIN.fullmatch(compact):
            return T("应为车次，如 G6501、Z97")
    elif kind == "sea":
        if not _SHIP.fullmatch(value.upper()):
            return T("应为船名（拉丁字母、数字），如 STAR VOYAGER")
    elif not _VEHICLE.fullmatch(value.upper()):
        return T("应为车牌号等交通工具编号（拉丁字母、数字）")
    return None


def _normal_transport(kind: str, value: str) -> str:
    return _compact(value) if kind in ("air", "rail") else re.sub(r"\s+", " ", value.upper())


def check_card(card: Card, *, today: date, policy: Policy, window_days: int) -> Card:
    """The checks that depend on the day and the policy data; returns the card normalised.

    ``today`` is Beijing's date (from the caller's clock). The arrival date must be today
    or later, at most ``window_days`` days ahead, and on or after the start of online
    filing (``m10.online_filing_start``). Raises :class:`CardInvalid` with every problem.
    """
    from churujing.places import port as resolve_port

    errors: list[FieldError] = []
    update: dict[str, Any] = {}

    def bad(field: str, text: Text) -> None:
        errors.append(FieldError((field,), text))

    if card.date_of_birth >= today:
        bad("date_of_birth", T("应为过去的日期"))
    elif card.date_of_birth < _years_before(today, MAX_AGE_YEARS):
        bad("date_of_birth", T("应在{n}年以内", n=MAX_AGE_YEARS))

    last = today + timedelta(days=window_days)
    start = policy.value("m10.online_filing_start", today, default=None)
    if card.arrival_date < today:
        bad("arrival_date", T("不能早于今天（{today}）", today=today.isoformat()))
    elif card.arrival_date > last:
        bad("arrival_date", T("最多可提前{n}天填报：应不晚于{last}", n=window_days,
                              last=last.isoformat()))
    elif isinstance(start, date) and card.arrival_date < start:
        bad("arrival_date", T("网上填报自{start}起实施", start=start.isoformat()))
    if card.passport_expiry < card.arrival_date:
        bad("passport_expiry", T("护照在入境日期应仍有效"))

    codes = [p["code"] for p in purposes(policy, card.arrival_date)]
    if card.purpose not in codes:
        bad("purpose", T("应为以下之一：{codes}", codes=", ".join(codes)))

    kind = ""
    try:
        found = resolve_port(card.arrival_port, policy.table("ports"))
    except FactsError as exc:
        bad("arrival_port", Text(exc.message, exc.message))
    else:
        if found.value is None or not found.value.listed:
            hint = "、".join(found.suggestions)
            bad("arrival_port", T("应为本项目口岸数据中的对外开放口岸") if not hint
                else T("未能识别；是否指：{hint}？", hint=hint))
        else:
            item = policy.table("ports").get(found.value.id)
            if item is not None and not item.active(card.arrival_date):
                bad("arrival_port", T("该口岸在入境日期未对外开放"))
            update["arrival_port"] = found.value.id
            kind = found.value.kind

    if kind and card.transport_number:
        err = _transport_error(kind, card.transport_number)
        if err is not None:
            bad("transport_number", err)
        else:
            update["transport_number"] = _normal_transport(kind, card.transport_number)
    elif kind and kind != "land" and not card.transport_number:
        bad("transport_number", T("必填"))

    if card.visa_number and not card.visa_place_of_issue:
        bad("visa_place_of_issue", T("填写签证号码时必填"))

    if card.entry_mode in TRANSIT_MODES:
        if not card.onward_destination:
            bad("onward_destination", T("过境旅客必填"))
        if not card.onward_date:
            bad("onward_date", T("过境旅客必填"))
        if not card.onward_transport_number:
            bad("onward_transport_number", T("过境旅客必填"))
    if card.onward_destination:
        from churujing.places import country

        try:
            dest = country(card.onward_destination)
        except FactsError as exc:
            bad("onward_destination", Text(exc.message, exc.message))
        else:
            if dest.value is None:
                bad("onward_destination", T("应为 ISO 3166-1 国家或地区代码或名称"))
            else:
                update["onward_destination"] = dest.value.code
    if card.onward_date and card.onward_date < card.arrival_date:
        bad("onward_date", T("不能早于入境日期"))
    if card.onward_transport_number:
        compact = _compact(card.onward_transport_number)
        if not (_FLIGHT.fullmatch(compact) or _TRAIN.fullmatch(compact)
                or _SHIP.fullmatch(card.onward_transport_number.upper())):
            bad("onward_transport_number", T("应为航班号、车次或船名"))

    if errors:
        raise CardInvalid(errors)
    return card.model_copy(update=update) if update else card


# --------------------------------------------------------------------------- parsing

_GENERIC: dict[str, str] = {
    "missing": "必填",
    "extra_forbidden": "未知字段",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期 YYYY-MM-DD",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "literal_error": "应为以下之一：{expected}",
}


def _generic(msgid: str, **kw: Any) -> Text:
    # The catalogue holds these sentences: list them for extraction.
    return T(msgid, **kw)


def _extraction_markers() -> None:  # pragma: no cover - read by pybabel only
    T("必填")
    T("未知字段")
    T("应为日期 YYYY-MM-DD")
    T("应为整数")
    T("应为 true 或 false")
    T("应为文本")
    T("应为以下之一：{expected}")
    T("格式不正确：{msg}")


def field_errors(exc: ValidationError) -> list[FieldError]:
    """Pydantic's errors as :class:`FieldError` s with zh/en messages."""
    out: list[FieldError] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p != "__root__")
        ctx = err.get("ctx") or {}
        if err["type"] == "card":
            text = Text(str(ctx["zh"]), str(ctx["en"]))
        elif err["type"] == "string_too_long":
            text = T("最多{n}个字符", n=ctx.get("max_length", ""))
        elif err["type"] in _GENERIC:
            text = _generic(_GENERIC[err["type"]], expected=str(ctx.get("expected", "")))
        else:
            text = _generic("格式不正确：{msg}", msg=str(err.get("msg", "")))
        out.append(FieldError(loc, text, str(err["type"])))
    return out


def parse_card(data: Mapping[str, Any] | Card, *, today: date, policy: Policy | None = None,
               window_days: int = 30) -> Card:
    """Validate a card completely (its values, then against the day and the data).

    Raises :class:`CardInvalid` listing every invalid field.
    """
    pol = policy if policy is not None else load_policy()
    if isinstance(data, Card):
        card = data
    elif not isinstance(data, Mapping):
        raise CardInvalid([FieldError((), T("应为一张入境卡（JSON 对象）"))])
    else:
        try:
            card = Card.model_validate(dict(data))
        except ValidationError as exc:
            raise CardInvalid(field_errors(exc)) from None
    return check_card(card, today=today, policy=pol, window_days=window_days)
