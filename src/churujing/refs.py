"""Names become places at one boundary: typed references in the facts.

A measure's facts declare each name of a place with one of the types below instead of
``str``. While the facts are validated, the name is resolved through :mod:`churujing.places`
— once, in the same way for every measure, the batch (which resolves each distinct value
of a column through :func:`resolve`) and every adapter — and the fact then holds the
:class:`~churujing.places.Resolved` outcome:

* a recognised name holds its place (``facts.nationality.value`` is a
  :class:`~churujing.places.Country`);
* an unrecognised name holds ``value=None`` and its close matches: the rule answers it as
  an unmet condition, and the facts carry a warning on that field (``not_recognised``);
* an ambiguous name is invalid on its own field, listing each candidate with where it lies;
* a name read one way that could have meant another (FRA: France, or Frankfurt's airport)
  holds its reading and a warning on that field (``read_as_country``);
* a name of several ports of which the measure's own list holds exactly one (磨憨: the rail
  and the road port, of which annex 2 lists the rail one) holds that port and a warning
  naming the others (``read_as_listed``); the fact's :class:`Ref` names the list (``among``).

In JSON (the schema, the API, the CLI) every such fact is a string, as before.

Kinds of reference: ``country`` (a country or region), ``abroad`` (a country or region, an
airport by IATA code, or a major city), ``airport`` (an IATA code, unambiguously), ``port``
(a port of the policy's registry, or an airport outside it), ``division`` (a division of
any level of GB/T 2260), ``province`` (preferring a provincial-level division) and ``city``
(preferring a prefecture-level one).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from churujing import places
from churujing.decision import Notice, Text
from churujing.errors import AmbiguousName
from churujing.i18n import T

if TYPE_CHECKING:
    from churujing.policy import Policy

__all__ = [
    "Abroad",
    "AirportCode",
    "CityName",
    "CountryName",
    "DivisionName",
    "DivisionNames",
    "Kind",
    "PortName",
    "ProvinceName",
    "Ref",
    "notices",
    "port_among",
    "ref_fields",
    "resolve",
    "warning_code",
]

Kind = Literal["country", "abroad", "airport", "port", "division", "province", "city"]

AMBIGUOUS = "ambiguous_name"


def _port(query: str, policy: Policy | None, among: str | None) -> places.Resolved[Any]:
    from churujing.policy import load_policy

    policy = policy or load_policy()
    listed = policy.table(among) if among else None
    return places.port(query, policy.table("ports"), among=listed)


def _airport(query: str, field: str) -> places.Resolved[Any]:
    code = query.strip().upper()
    found = places.by_iata_country(code) if len(code) == 3 and code.isalpha() else None
    if found is None:
        return places.Resolved(query, None, ())
    return places.Resolved(query, found, (), None, code)


_Resolver = Callable[[str, str, "Policy | None", "str | None"], places.Resolved[Any]]
_RESOLVERS: dict[Kind, _Resolver] = {
    "country": lambda q, f, p, a: places.country(q),
    "abroad": lambda q, f, p, a: places.place_abroad(q, field=f),
    "airport": lambda q, f, p, a: _airport(q, f),
    "port": lambda q, f, p, a: _port(q, p, a),
    "division": lambda q, f, p, a: places.division(q),
    # a name shared by divisions of several levels means the highest (海南 = 海南省, not
    # 海南藏族自治州; 吉林 = 吉林省: 吉林市 by its full name), whatever the fact asks for
    "province": lambda q, f, p, a: places.division(q),
    "city": lambda q, f, p, a: places.division(q),
}


def resolve(kind: Kind, query: str, *, field: str = "", policy: Policy | None = None,
            among: str | None = None) -> places.Resolved[Any]:
    """Resolve ``query`` as a reference of ``kind`` — the one function behind every fact of
    that kind (the batch calls it for each distinct value of a column). ``among``: the
    policy table of the measure's own ports (``m06.entry_ports``), which decides between
    ports of one name (:func:`churujing.places.port`).

    Raises :class:`~churujing.errors.AmbiguousName` on ``field`` when the name fits
    several places.
    """
    try:
        return _RESOLVERS[kind](query, field, policy, among)
    except AmbiguousName as exc:
        raise exc.at(field) from None


@dataclass(frozen=True, slots=True)
class Ref:
    """The annotation of a fact that names a place: its kind, what the fact is called in a
    warning (``T("国籍")``) and, for a port, the measure's list of ports that decides
    between ports of one name (``among``, a policy table: ``m06.entry_ports``)."""

    kind: Kind
    what: str  # the fact's name in Chinese, a msgid (国籍, 入境口岸…)
    among: str | None = None

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        kind, among = self.kind, self.among

        def validate(value: Any, info: core_schema.ValidationInfo) -> places.Resolved[Any]:
            if isinstance(value, places.Resolved):
                return value
            if not isinstance(value, str) or not value.strip():
                raise PydanticCustomError("name_type", "expected a name or code (a string)")
            field = info.field_name or ""
            context = info.context if isinstance(info.context, dict) else {}
            try:
                return resolve(kind, value.strip(), field=field, policy=context.get("policy"),
                               among=among)
            except AmbiguousName as exc:
                raise PydanticCustomError(AMBIGUOUS, "{message}",
                                          {"message": exc.message, "text": exc.message_text,
                                           "candidates": exc.candidates}) from None

        return core_schema.with_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda r: r.query if isinstance(r, places.Resolved) else r),
        )

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "minLength": 1}


CountryName = Annotated[places.Resolved[places.Country], Ref("country", "国籍")]
Abroad = Annotated[places.Resolved[places.Country], Ref("abroad", "地点")]
AirportCode = Annotated[places.Resolved[places.Country], Ref("airport", "机场代码")]
PortName = Annotated[places.Resolved[places.Port], Ref("port", "口岸")]
DivisionName = Annotated[places.Resolved[places.Division], Ref("division", "地区")]
ProvinceName = Annotated[places.Resolved[places.Division], Ref("province", "省份")]
CityName = Annotated[places.Resolved[places.Division], Ref("city", "城市")]
DivisionNames = list[DivisionName]


def port_among(table: str) -> Ref:
    """The reference of a port fact whose measure lists its ports in ``table``
    (``m06.entry_ports``): ``Annotated[places.Resolved[places.Port], port_among(...)]``."""
    return Ref("port", "口岸", table)

# What each fact is called in its warning, where the kind's word is not the fact's own.
_WHAT = {
    "nationality": "国籍",
    "origin": "出发地",
    "destination": "目的地",
    "origin_airport": "出发机场",
    "destination_airport": "目的地机场",
    "entry_port": "入境口岸",
    "exit_port": "出境口岸",
    "airport": "机场",
    "visit_areas": "拟前往地区",
    "work_city": "工作城市",
    "hukou_province": "户籍所在省份",
    "apply_city": "申请城市",
    "hukou_city": "户籍城市",
    "port": "口岸",
}


def _what(field: str, ref: Ref | None) -> Text:
    return T(_WHAT.get(field) or (ref.what if ref is not None else "地点"))


def ref_fields(model: type[Any]) -> tuple[tuple[str, Ref, bool], ...]:
    """The facts of ``model`` that name places: (name, its Ref, whether it is a list)."""
    out: list[tuple[str, Ref, bool]] = []
    for name, info in model.model_fields.items():
        ref = _ref_of(info.metadata)
        if ref is not None:
            out.append((name, ref, False))
            continue
        for arg in _args(info.annotation):  # Optional[Annotated[..., Ref]], list[...]
            is_list = typing.get_origin(arg) is list
            inner = typing.get_args(arg)[0] if is_list else arg
            found = _ref_of(getattr(inner, "__metadata__", ()))
            if found is not None:
                out.append((name, found, is_list))
                break
    return tuple(out)


def _ref_of(metadata: Any) -> Ref | None:
    return next((m for m in metadata if isinstance(m, Ref)), None)


def _args(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def warning_code(kind: Kind, value: Any, *, field: str, policy: Policy | None = None,
                 among: str | None = None) -> str | None:
    """The batch's warning for one value of a column of names: ``field:not_recognised``,
    ``field:read_as_country``, ``field:read_as_listed``, or None (recognised, or invalid:
    the row is rejected)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        found = resolve(kind, value.strip(), field=field, policy=policy, among=among)
    except AmbiguousName:
        return None
    if found.value is None:
        return f"{field}:not_recognised"
    if found.note is not None:
        return f"{field}:{found.note_code or 'read_as_country'}"
    return None


def notices(facts: Any) -> tuple[Notice, ...]:
    """The warnings the facts' references carry: names not recognised, and names read one
    way that could have meant another; each on its own field (``visit_areas.1``)."""
    out: list[Notice] = []
    for name, info in type(facts).model_fields.items():
        value = getattr(facts, name, None)
        if value is None:
            continue
        ref = _ref_of(info.metadata)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for n, item in items:
            if not isinstance(item, places.Resolved):
                continue
            field = name if n is None else f"{name}.{n}"
            if item.value is None:
                warning = item.warning(_what(name, ref))
                if warning is not None:
                    out.append(Notice.of(warning, code="not_recognised", field=field))
            elif item.note is not None:
                out.append(Notice.of(item.note, code=item.note_code or "read_as_country",
                                     field=field))
    return tuple(out)

