"""Forms generated from a measure's facts JSON Schema, and form data turned back into facts.

Enums become selects, yes/no facts radio buttons (see below), ``format: date`` date
inputs, ``date-time`` datetime-local inputs, integers number inputs, arrays of strings
comma-separated text, nested objects fieldsets (inputs named ``parent.child``). Facts that
name a country or a port (by their public names: ``nationality``, ``origin``,
``destination``, ``*port``, ``airport``) get the data's choices. Labels: ``labels.FACTS``,
else the schema's title or description; the values of a select are named by the
measure's own table (``Measure.value_labels``).

Yes/no facts never default to an answer (issue 10): a required one offers yes and no with
neither chosen (``yesno``: left unanswered, the library says it is missing); an optional
one — a fact the rule accepts as unknown — offers yes, no and not sure (``tristate``), "not
sure" chosen at first. "Not sure" sends nothing, exactly like leaving the fact out of an
API request; only a chosen "no" sends ``false``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from churujing.errors import FactsError
from churujing.places import division
from churujing.text import Text, translate
from churujing.web.labels import FACTS, _, hint_for

__all__ = ["Choice", "FormField", "facts_from_form", "fields_from_schema", "label",
           "people_words"]

_COUNTRY_FACTS = ("nationality",)
# facts naming a place abroad: typed (a country, an airport code, a city), countries suggested
_PLACE_FACTS = ("origin", "destination")
_SPLIT = re.compile(r"[,，、;；\n]+")


@dataclass
class Choice:
    value: str
    label: str
    group: str = ""


@dataclass
class FormField:
    name: str  # input name, dotted inside fieldsets
    label: str
    # select | yesno | tristate | date | datetime | number | list | text | fieldset | port
    widget: str
    required: bool = False
    hint: str = ""
    choices: list[Choice] = field(default_factory=list)
    children: list[FormField] = field(default_factory=list)
    value: Any = None
    error: str = ""
    default: Any = None

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` and collapse ``anyOf [X, null]`` to X."""
    s = dict(schema)
    ref = s.pop("$ref", None)
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = root.get("$defs", {}).get(ref.split("/")[-1], {})
        s = {**target, **s}
    options = s.get("anyOf") or s.get("oneOf")
    if isinstance(options, list):
        real = [o for o in options if o.get("type") != "null"]
        if len(real) == 1:
            merged = {k: v for k, v in s.items() if k not in ("anyOf", "oneOf")}
            s = {**_resolve(real[0], root), **merged}
    return s


def label(msgid: str | Text, lang: str) -> str:
    """A label in ``lang`` (a msgid, or a Text), capitalised in English (catalogues share
    msgids across parts of the code base, and another part may translate a word in lower
    case)."""
    text = translate(msgid, lang) if isinstance(msgid, str) else msgid.get(
        "zh" if lang == "zh" else "en")
    return text[:1].upper() + text[1:] if lang == "en" else text


def _formats(s: Mapping[str, Any]) -> set[str]:
    """The string formats a union accepts (``date`` or ``date-time`` → a date input)."""
    options = s.get("anyOf") or s.get("oneOf") or []
    return {str(o.get("format")) for o in options if isinstance(o, dict) and o.get("format")}


def _label(name: str, s: Mapping[str, Any], lang: str) -> str:
    leaf = name.split(".")[-1]
    if leaf in FACTS:
        return label(FACTS[leaf], lang)
    title = s.get("title") or leaf.replace("_", " ")  # a fact labels.FACTS does not name yet
    return translate(str(title), lang)


def _value_label(labels: Mapping[str, Text], value: Any, lang: str) -> str:
    text = str(value)
    return label(labels[text], lang) if text in labels else text


def fields_from_schema(schema: Mapping[str, Any], lang: str, *,
                       countries: list[Choice] | None = None,
                       ports: list[Choice] | None = None,
                       values: Mapping[str, Mapping[str, Text]] | None = None,
                       prefix: str = "", root: Mapping[str, Any] | None = None,
                       measure_id: str = "",
                       ) -> list[FormField]:
    """The form fields of a JSON Schema object (pydantic's ``model_json_schema()``);
    ``values`` names the values of enumerated facts (``Measure.value_labels``: fact path ->
    value -> Text), a value without a name is shown as it is. Hints are the pages' own
    (``labels.hint_for``, for ``measure_id``), never the schema's descriptions, which are
    written for programmers."""
    root = root if root is not None else schema
    values = values if values is not None else {}
    required = set(schema.get("required") or ())
    out: list[FormField] = []
    for key, raw in (schema.get("properties") or {}).items():
        s = _resolve(raw, root)
        name = prefix + key
        msgid = hint_for(measure_id, name)
        hint = translate(msgid, lang) if msgid else ""
        f = FormField(name=name, label=_label(name, s, lang), widget="text",
                      required=key in required, hint=hint, default=s.get("default"))
        kind = s.get("type")
        if "enum" in s:
            f.widget = "select"
            names = values.get(name, {})
            f.choices = [Choice(str(v), _value_label(names, v, lang)) for v in s["enum"]]
        elif kind == "boolean":
            f.widget = "yesno" if f.required else "tristate"
            f.choices = [Choice(_TRUE, label(_("是"), lang)),
                         Choice(_FALSE, label(_("否"), lang))]
            if not f.required:
                f.choices.append(Choice(_UNSURE, label(_("不确定"), lang)))
            f.value = _UNSURE
        elif kind == "object" and s.get("properties"):
            f.widget = "fieldset"
            f.children = fields_from_schema(s, lang, countries=countries, ports=ports,
                                            values=values, prefix=name + ".", root=root,
                                            measure_id=measure_id)
        elif kind == "array":
            f.widget = "list"
        elif kind == "integer" or kind == "number":
            f.widget = "number"
        elif s.get("format") == "date" or "date" in _formats(s):
            f.widget = "date"
        elif s.get("format") == "date-time":
            f.widget = "datetime"
        elif key in _COUNTRY_FACTS and countries:
            f.widget = "select"
            f.choices = countries
        elif key in _PLACE_FACTS and countries:
            f.widget = "port"  # a text input with suggestions
            f.choices = countries
        elif (key.endswith("port") or key == "airport") and ports is not None:
            f.widget = "port"
            f.choices = ports
        out.append(f)
    return out


_TRUE, _FALSE, _UNSURE = "true", "false", ""
_YES_WORDS = frozenset({"true", "on", "1", "yes"})  # "on": links made when these were checkboxes
_NO_WORDS = frozenset({"false", "0", "no"})
_YES_NO = ("yesno", "tristate")


def _answer(raw: str | None) -> str:
    """A yes/no input's value: ``true``, ``false`` or ``""`` (not sure / unanswered)."""
    text = (raw or "").strip().lower()
    return _TRUE if text in _YES_WORDS else _FALSE if text in _NO_WORDS else _UNSURE


def fill(fields: list[FormField], form: Mapping[str, str]) -> None:
    """Put what the user typed back into the fields."""
    for f in fields:
        if f.widget == "fieldset":
            fill(f.children, form)
        elif f.widget in _YES_NO:
            f.value = _answer(form.get(f.name))
        else:
            f.value = form.get(f.name, "")


def defaults(fields: list[FormField]) -> None:
    """Fields' values from their schema defaults (an empty form). A yes/no fact is never
    answered in advance: it stays unanswered, or "not sure"."""
    for f in fields:
        if f.widget == "fieldset":
            defaults(f.children)
        elif f.widget in _YES_NO:
            f.value = _UNSURE
        elif f.default is not None:
            f.value = str(f.default)


def _convert(f: FormField, raw: str) -> Any:
    text = raw.strip()
    if f.widget == "number":
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                raise ValueError("number") from None
    if f.widget == "list":
        return _places_list([p.strip() for p in _SPLIT.split(text) if p.strip()])
    if f.widget == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError("date") from None
    return text


def _places_list(parts: list[str]) -> list[str]:
    """Items of a list split on commas, with "Suzhou, Jiangsu" kept as one: a part that
    names a province joins the part before it when that part alone is ambiguous and the
    two together name one place (the hints' own "Suzhou, Jiangsu" works as typed)."""
    out: list[str] = []
    for part in parts:
        if out:
            joined = f"{out[-1]}, {part}"
            try:
                division(out[-1])
            except FactsError:
                try:
                    if division(joined).value is not None:
                        out[-1] = joined
                        continue
                except FactsError:
                    pass
        out.append(part)
    return out


_LOCAL_ERRORS = {
    "number": _("请输入数字"),
    "date": _("请输入有效日期，格式为 YYYY-MM-DD"),
}


def facts_from_form(fields: list[FormField], form: Mapping[str, str], lang: str,
                    ) -> tuple[dict[str, Any], dict[str, str]]:
    """(facts, errors by input name): empty inputs are left out, so the library says what
    is missing; values that cannot even be read are errors here."""
    facts: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        key = f.name.split(".")[-1]
        if f.widget == "fieldset":
            sub, sub_errors = facts_from_form(f.children, form, lang)
            errors.update(sub_errors)
            if any(v not in (None, "", []) for v in sub.values()):
                facts[key] = sub
            continue
        if f.widget in _YES_NO:
            answer = _answer(form.get(f.name))
            if answer:  # "not sure" and unanswered leave the fact out, as in the API
                facts[key] = answer == _TRUE
            continue
        raw = form.get(f.name, "")
        if not raw.strip():
            continue
        try:
            facts[key] = _convert(f, raw)
        except ValueError as exc:
            errors[f.name] = translate(_LOCAL_ERRORS[str(exc)], lang)
    return facts, errors


_OPTIONS = re.compile(r"'[a-z0-9_]+'")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _all(fields: list[FormField]) -> list[FormField]:
    out: list[FormField] = []
    for f in fields:
        out += _all(f.children) if f.widget == "fieldset" else [f]
    return out


# The library's messages written for programmers (by their Chinese source, a prefix) ->
# what a person reads on a page; the JSON API keeps the library's own words.
_PEOPLE_WORDS: tuple[tuple[str, str], ...] = (
    ("缺少必需的事实", _("请填写这一项")),
    ("应为名称或代码", _("请填写这一项")),  # a form sends text: an empty input is left out
    ("应为 ISO 8601 日期时间", _("请按 2025-12-10 14:30 的格式填写日期和时间（北京时间）；"
                            "其他地方的当地时间请加上时差，例如 2025-12-09 20:00+01:00")),
    ("应为 YYYY-MM-DD 格式的日期", _("请按 YYYY-MM-DD 的格式填写日期，例如 2027-06-30")),
    ("应为 true 或 false", _("请选择“是”或“否”")),
)


def people_words(error: FactsError, lang: str) -> str | None:
    """A library error about one fact in words for people on a page, or None when its own
    words already are (a rule's sentence, a name not recognised)."""
    source = error.message_in("zh")
    for prefix, msgid in _PEOPLE_WORDS:
        if source.startswith(prefix):
            return translate(msgid, lang)
    return None


def readable_message(message: str, fields: list[FormField], target: str, lang: str) -> str:
    """A library's message about a fact, as a person reads it on the form: the facts it
    names by their labels, not their field names; a value outside a list's options as
    "choose one"; in Chinese even where the library has only English (a rule's own check
    written for programmers)."""
    field_ = next((f for f in _all(fields) if f.name == target), None)
    if field_ is not None and field_.widget == "select" and _OPTIONS.search(message):
        return translate(_("请从列表中选择一项"), lang)
    if lang == "zh" and not _CHINESE.search(message):
        return translate(_("这一项与其他填写的内容不一致，请检查"), lang)
    return name_facts(message, fields)


def name_facts(message: str, fields: list[FormField]) -> str:
    """``message`` with the facts it names by field name (``origin_airport``) named by their
    labels instead: “Origin airport (IATA code, optional)”; a name in brackets after its
    label is dropped."""
    for f in sorted(_all(fields), key=lambda f: -len(f.name)):
        name = re.escape(f.name.split(".")[-1])
        if not re.search(_ALONE.format(name), message):
            continue
        message = re.sub(r"\s*[（(]" + name + r"[)）]", "", message)
        message = re.sub(r"(?:\b(?:a|an|the) )?" + _ALONE.format(name), f"“{f.label}”",
                         message)
    return message


# a field name standing alone: not inside a longer word (Chinese text around it is fine)
_ALONE = r"(?<![A-Za-z0-9_]){}(?![A-Za-z0-9_])"


def input_names(fields: list[FormField]) -> set[str]:
    out: set[str] = set()
    for f in fields:
        out |= input_names(f.children) if f.widget == "fieldset" else {f.name}
    return out


def error_field(path: str, names: set[str]) -> str:
    """The input that a FactsError's dotted ``field`` belongs to ('' = the whole form)."""
    parts = path.split(".") if path else []
    while parts:
        candidate = ".".join(parts)
        if candidate in names:
            return candidate
        parts.pop()
    return ""


def attach_errors(fields: list[FormField], errors: Mapping[str, str]) -> None:
    for f in fields:
        if f.widget == "fieldset":
            attach_errors(f.children, errors)
        elif f.name in errors:
            f.error = errors[f.name]
