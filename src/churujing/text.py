"""Text in Chinese and English: :class:`Text`, :func:`T`, the gettext catalogues.

Every user-facing sentence is written in Chinese in the code, wrapped in :func:`T`;
the English comes from the catalogues ``locale/en/LC_MESSAGES/*.po``, one per part of
the code base (``churujing.po`` for the core, ``m06.po`` for measure 6, …), merged at
load. Placeholders use ``str.format`` names; a :class:`Text` argument is rendered in
each language, a list of them joined in each language's way.

This module is the one place of text and its rendering: :mod:`churujing.decision`
imports it, and :mod:`churujing.i18n` re-exports it (so neither imports the other).
It also reads the language a person asks for (:func:`lang_from`), a question about
text that every adapter (API, pages, CLI) asks.

Update the catalogue after adding or changing a sentence::

    .venv/bin/pybabel extract -k T --no-location -o /tmp/x.pot FILES...
    .venv/bin/pybabel update -i /tmp/x.pot -D NAME -d src/churujing/locale -l en
    # (`pybabel init` instead of `update` the first time), then fill in the msgstr lines.

A test fails when a sentence in the code has no English translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any, Literal

__all__ = ["Lang", "T", "Text", "catalogue", "lang_from", "render", "translate"]

Lang = Literal["zh", "en"]


class Text:
    """A text in Chinese (the source language) and English.

    ``Text(zh, en)`` holds both; :func:`T` makes one that renders its translation and
    placeholders only when first read, so that deciding stays cheap and the texts cost
    only when an answer is shown.
    """

    __slots__ = ("_en", "_params", "_zh")

    def __init__(self, zh: str, en: str | None = None, *, params: Mapping[str, Any] | None = None):
        self._zh: str | None = None if params else zh
        self._en: str | None = en if not params else None
        self._params: tuple[str, Mapping[str, Any]] | None = (zh, params) if params else None
        if en is None and not params:
            self._en = zh

    def _render(self) -> None:
        assert self._params is not None
        msgid, params = self._params
        self._zh, self._en = render(msgid, params)
        self._params = None

    @property
    def zh(self) -> str:
        if self._zh is None:
            self._render()
        assert self._zh is not None
        return self._zh

    @property
    def en(self) -> str:
        if self._en is None:
            self._render()
        assert self._en is not None
        return self._en

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (self.zh, self.en) == (other.zh, other.en)

    def __hash__(self) -> int:
        return hash((self.zh, self.en))

    def __repr__(self) -> str:
        return f"Text(zh={self.zh!r}, en={self.en!r})"

    @staticmethod
    def join(texts: Iterable[Text], *, zh_sep: str = "、", en_sep: str = ", ") -> Text:
        items = list(texts)
        return Text(zh_sep.join(t.zh for t in items), en_sep.join(t.en for t in items))


@cache
def catalogue(lang: str = "en") -> dict[str, str]:
    """The msgid -> msgstr mapping of one language's catalogues (untranslated entries left out)."""
    from babel.messages.pofile import read_po  # babel: loaded only when text is shown

    folder = files("churujing") / "locale" / lang / "LC_MESSAGES"
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".po"):
            continue
        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        out.update({str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy})
    return out


def translate(msgid: str, lang: str = "en") -> str:
    if lang == "zh":
        return msgid
    return catalogue(lang).get(msgid, msgid)


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value.zh if lang == "zh" else value.en
    if isinstance(value, list | tuple):
        sep = "、" if lang == "zh" else ", "
        return sep.join(str(_param(v, lang)) for v in value)
    return value


# CLDR's English names of places that take "the" in running text ("citizens of the United
# States", "from the Netherlands"): the plural names and those of a union, a kingdom, a
# republic or a group of islands, as the UN's and the UK government's style guides write them.
# CLDR gives the bare name, right in a list or a heading but not inside a sentence.
THE_NAMES: frozenset[str] = frozenset({
    "United States", "United Kingdom", "United Arab Emirates", "Netherlands",
    "Caribbean Netherlands", "Philippines", "Bahamas", "Gambia", "Comoros", "Maldives",
    "Central African Republic", "Dominican Republic", "Palestinian Territories",
    "Isle of Man", "Marshall Islands", "Solomon Islands", "Cayman Islands", "Cook Islands",
    "Faroe Islands", "Falkland Islands", "Northern Mariana Islands",
    "Turks and Caicos Islands", "British Virgin Islands", "U.S. Virgin Islands",
    "Pitcairn Islands", "Cocos (Keeling) Islands", "Åland Islands",
})


def _in_sentence(value: Any, key: str, template: str) -> Any:
    """An English param as it reads inside ``template``: a place that takes "the" gets it,
    unless the template writes it already ("the {zone}")."""
    if (isinstance(value, Text) and value.en in THE_NAMES
            and f"the {{{key}}}" not in template.lower()):
        return f"the {value.en}"
    if isinstance(value, list | tuple) and any(isinstance(v, Text) for v in value):
        return [_in_sentence(v, key, template) for v in value]
    return value


def render(msgid: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """The Chinese and English of ``msgid`` formatted with ``params``."""
    en = catalogue("en").get(msgid, msgid)
    zh_params = {k: _param(v, "zh") for k, v in params.items()}
    en_params = {k: _param(_in_sentence(v, k, en), "en") for k, v in params.items()}
    english = en.format(**en_params)
    if english.startswith("the ") and not en.startswith("the "):  # a sentence's first word
        english = "T" + english[1:]
    return msgid.format(**zh_params), english


def T(msgid: str, /, **params: Any) -> Text:
    """The Chinese sentence ``msgid`` and its English translation, formatted with ``params``.

    With parameters, the text is rendered when first read (see :class:`Text`).
    """
    if params:
        return Text(msgid, params=params)
    return Text(msgid, catalogue("en").get(msgid, msgid))


def _accept_language(header: str) -> Lang | None:
    """The first of zh/en in an Accept-Language header, by quality then order."""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        bits = part.strip().split(";")
        tag = bits[0].strip().lower()
        q = 1.0
        for b in bits[1:]:
            b = b.strip()
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if tag:
            ranked.append((-q, n, tag))
    for neg_q, _n, tag in sorted(ranked):
        if neg_q >= 0:
            break
        primary = tag.split("-")[0]
        if primary in ("zh", "en"):
            return "zh" if primary == "zh" else "en"
    return None


def lang_from(query: str | None, cookie: str | None, accept: str | None,
              default: Lang = "zh") -> Lang:
    """The language asked for: ``?lang=`` > cookie > Accept-Language > ``default``."""
    for value in (query, cookie):
        if value in ("zh", "en"):
            return "zh" if value == "zh" else "en"
    if accept:
        found = _accept_language(accept)
        if found:
            return found
    return default
