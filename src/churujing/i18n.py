"""Chinese and English text through gettext catalogues, Chinese as the source language.

Every user-facing sentence is written in Chinese in the code, wrapped in :func:`T`;
the English comes from the catalogues ``locale/en/LC_MESSAGES/*.po``, one per part of
the code base (``churujing.po`` for the core, ``m06.po`` for measure 6, …), merged at
load. Placeholders use ``str.format`` names; a :class:`~churujing.decision.Text`
argument is rendered in each language, a list of them joined in each language's way.

Update the catalogue after adding or changing a sentence::

    .venv/bin/pybabel extract -k T --no-location -o /tmp/x.pot FILES...
    .venv/bin/pybabel update -i /tmp/x.pot -D NAME -d src/churujing/locale -l en
    # (`pybabel init` instead of `update` the first time), then fill in the msgstr lines.

A test fails when a sentence in the code has no English translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from churujing.decision import Text

__all__ = ["T", "catalogue", "render", "translate"]

@cache
def catalogue(lang: str = "en") -> dict[str, str]:
    """The msgid -> msgstr mapping of one language's catalogues (untranslated entries left out)."""
    from babel.messages.pofile import read_po

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


def _render(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value.zh if lang == "zh" else value.en
    if isinstance(value, list | tuple):
        sep = "、" if lang == "zh" else ", "
        return sep.join(str(_render(v, lang)) for v in value)
    return value


def render(msgid: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """The Chinese and English of ``msgid`` formatted with ``params``."""
    en = catalogue("en").get(msgid, msgid)
    zh_params = {k: _render(v, "zh") for k, v in params.items()}
    en_params = {k: _render(v, "en") for k, v in params.items()}
    return msgid.format(**zh_params), en.format(**en_params)


def T(msgid: str, /, **params: Any) -> Text:
    """The Chinese sentence ``msgid`` and its English translation, formatted with ``params``.

    With parameters, the text is rendered when first read (see :class:`Text`).
    """
    if params:
        return Text(msgid, params=params)
    return Text(msgid, catalogue("en").get(msgid, msgid))
