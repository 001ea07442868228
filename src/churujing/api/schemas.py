"""Response models of the HTTP API.

They mirror the library's JSON (``Decision.to_dict()``, ``Clause.to_dict()``, the policy
tables' items) so that OpenAPI documents what the routes return; the routes build them
from the library's values and add ``data_version`` (the policy data's version hash).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AirportOut",
    "ChangeOut",
    "ChangesOut",
    "CheckManyOut",
    "CitiesOut",
    "CityOut",
    "ClauseOut",
    "ClauseSummary",
    "ClausesOut",
    "ConditionOut",
    "DecisionOut",
    "ErrorDetail",
    "HTTPErrorOut",
    "HealthOut",
    "ItemError",
    "ItemErrorOut",
    "ListOut",
    "MeasureOut",
    "MeasuresOut",
    "NationalitiesOut",
    "NationalityOut",
    "PortOut",
    "PortsOut",
    "RefOut",
    "StayAreaOut",
    "StayAreasOut",
    "TextOut",
    "ValidationErrorOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class TextOut(BaseModel):
    zh: str
    en: str


class RefOut(BaseModel):
    """A citation: a clause of the announcement and/or a public source."""

    clause: str | None = None
    source: str | None = None
    confidence: Literal["high", "med", "low"]
    note: str | None = None
    secondary: bool = Field(False, description="the source is not an accepted publisher "
                                                "(policy/data/publishers.yaml); confidence is low")


class ConditionOut(BaseModel):
    code: str
    clause: str
    met: bool
    zh: str
    en: str
    text: str = Field(description="the condition in the requested language")


class WarningOut(BaseModel):
    code: str = Field(description="what kind of warning: not_recognised (a name that matched "
                      "nothing), read_as_country (a code read one of two ways), read_as_listed "
                      "(a name of several ports read as the one the measure lists), unknown_fact "
                      "(an unknown key close to a fact's name); '' for a rule's own remark")
    field: str = Field(description="dotted path of the fact it is about ('' = the answer)")
    zh: str
    en: str
    text: str = Field(description="the warning in the requested language")


class DecisionOut(_Out):
    """``Decision.to_dict()`` plus the text in the requested language."""

    measure: str
    as_of: str = Field(description="YYYY-MM-DD")
    eligible: bool
    conditions: list[ConditionOut]
    details: dict[str, Any]
    warnings: list[WarningOut]
    data_version: str
    lang: Literal["zh", "en"]
    explanation: str = Field(description="a human explanation in the requested language")


class ItemError(BaseModel):
    field: str = Field(description="dotted path of the offending fact ('' = the whole item)")
    message: str = Field(description="what was expected, in the requested language")
    index: int = Field(description="position of the item in the request array (from 0)")


class FieldErrorOut(BaseModel):
    field: str = Field(description="dotted path of the offending fact ('' = the whole item)")
    message: str = Field(description="what was expected, in the requested language")


class ItemErrorOut(BaseModel):
    error: ItemError = Field(description="the first invalid field")
    errors: list[FieldErrorOut] = Field(description="every invalid field of the item")


class CheckManyOut(BaseModel):
    data_version: str
    count: int
    invalid: int
    results: list[DecisionOut | ItemErrorOut]


class MeasureOut(BaseModel):
    id: str
    clause: str
    title: TextOut
    text: str = Field(description="the title in the requested language")
    facts_schema: dict[str, Any] = Field(description="JSON Schema of the measure's facts")
    check: str = Field(description="path of the check endpoint")
    data_version: str


class MeasuresOut(BaseModel):
    data_version: str
    measures: list[MeasureOut]


class ClauseSummary(BaseModel):
    id: str
    parent: str | None
    title: TextOut | None = None


class ClauseOut(_Out):
    id: str
    parent: str | None
    zh: str
    en: str
    title: TextOut | None = None
    children: list[str]
    data_version: str


class ClausesOut(BaseModel):
    data_version: str
    clauses: list[ClauseSummary]


class MembershipOut(BaseModel):
    table: str
    title: TextOut
    since: str | None
    until: str | None
    ref: RefOut


class PortOut(BaseModel):
    id: str
    zh: str
    en: str
    kind: str
    iata: str | None = None
    province: str
    province_name: TextOut | None = None
    division: str
    division_name: TextOut | None = None
    lon: float | None = None
    lat: float | None = None
    memberships: list[MembershipOut] = Field(
        description="the measure tables that list this port on the date, with their citation"
    )


class NationalityOut(BaseModel):
    country: str
    zh: str
    en: str
    since: str | None
    ref: RefOut
    attrs: dict[str, Any]


class AreaOut(BaseModel):
    code: str
    zh: str
    en: str


class StayAreaOut(BaseModel):
    province: str
    zh: str
    en: str
    areas: list[AreaOut]
    entry_ports: list[str]
    since: str | None
    ref: RefOut
    attrs: dict[str, Any]


class CityOut(BaseModel):
    code: str
    zh: str
    short_zh: str
    en: str
    short_en: str
    level: Literal["province", "prefecture"]
    province: str
    lon: float | None
    lat: float | None
    in_stay_area: bool = Field(description="inside a 240-hour stay area on the date")


class AirportOut(BaseModel):
    iata: str
    name: str
    city: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    registry_port: str | None = Field(None, description="id of the port in the ports registry")
    listed: bool = Field(description="a 24-hour direct-transit airport on the date")
    memberships: list[MembershipOut]
    as_of: str
    data_version: str


class ListOut(BaseModel):
    """A list of policy items as of a date."""

    data_version: str
    as_of: str
    count: int
    items: list[Any]


class PortsOut(ListOut):
    items: list[PortOut]


class NationalitiesOut(ListOut):
    items: list[NationalityOut]


class StayAreasOut(ListOut):
    items: list[StayAreaOut]


class CitiesOut(ListOut):
    items: list[CityOut]


class ChangeOut(BaseModel):
    kind: Literal["table", "parameter"]
    name: str = Field(description="the table or parameter")
    title: TextOut
    on: str = Field(description="the date the change takes effect")
    change: Literal["added", "removed", "value"]
    key: str | None = Field(None, description="the item's key (tables)")
    item: dict[str, Any] | None = Field(None, description="the item's attributes (tables)")
    label: TextOut | None = Field(None, description="the item's name")
    value: Any = Field(None, description="the new value (parameters)")
    previous: Any = Field(None, description="the value before (parameters)")
    clause: str | None
    ref: RefOut


class ChangesOut(BaseModel):
    data_version: str
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    count: int
    changes: list[ChangeOut]

    model_config = ConfigDict(populate_by_name=True)


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    data_version: str
    measures: list[str]


class ErrorDetail(BaseModel):
    loc: list[str | int]
    msg: str
    type: str
    field: str | None = Field(default=None, description="dotted path of the offending fact "
                              "(invalid facts: one entry per invalid field)")


class ValidationErrorOut(BaseModel):
    detail: list[ErrorDetail]
    data_version: str | None = None


class HTTPErrorOut(BaseModel):
    detail: str
    data_version: str | None = None
