"""The lists people choose from on the forms: which territories are nationalities, and the
order of names in each language.

* **Nationalities.** CLDR's territories (``places.countries``) include places nobody is a
  national of. A nationality list leaves out, each for the reason given in
  :data:`NOT_NATIONALITIES` (in one place, here): the territories with no permanent
  population, and the dependencies whose people hold the sovereign state's nationality and
  whose passports carry its code (ICAO Doc 9303 Part 3 gives these places no nationality
  code of their own). Hong Kong, Macao and Taiwan are regions of China, not nationalities
  (``Country.is_region``); the forms that list regions say so themselves.
* **Order.** English names alphabetically (case and accents folded: "Åland" with the A's);
  Chinese names by their pinyin, syllable by syllable with tones (不丹 bu4 before 东帝汶
  dong1; 三亚 san1 before 万州 wan4), as Chinese dictionaries and the ICU/CLDR ``zh``
  collation order them. pypinyin is the source (as for ``places``); ICU is not installed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from churujing.places import Country, countries

__all__ = ["NOT_NATIONALITIES", "nationalities", "sort_key"]

_NOBODY = "no permanent population"

# ISO 3166-1 code -> why it is not a nationality.
NOT_NATIONALITIES: dict[str, str] = {
    "AQ": f"Antarctica: {_NOBODY} (Antarctic Treaty)",
    "BV": f"Bouvet Island (Norway): uninhabited, {_NOBODY}",
    "GS": f"South Georgia and the South Sandwich Islands (UK): {_NOBODY}",
    "HM": f"Heard Island and McDonald Islands (Australia): uninhabited, {_NOBODY}",
    "IO": f"British Indian Ocean Territory: {_NOBODY}, only posted staff",
    "TF": f"French Southern and Antarctic Lands: {_NOBODY}, only posted staff",
    "UM": f"U.S. Minor Outlying Islands: {_NOBODY}",
    "AX": "Åland Islands: its people are nationals of Finland (FIN passports)",
    "BQ": "Caribbean Netherlands: its people are nationals of the Netherlands (NLD)",
    "CC": "Cocos (Keeling) Islands: its people are nationals of Australia (AUS)",
    "CX": "Christmas Island: its people are nationals of Australia (AUS)",
    "NF": "Norfolk Island: its people are nationals of Australia (AUS)",
    "SJ": "Svalbard and Jan Mayen: its people are nationals of Norway (NOR) or others",
}


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=8192)
def _pinyin_key(text: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True))


def sort_key(label: str, lang: str) -> tuple[object, ...]:
    """The key that orders ``label`` in ``lang``: pinyin in Chinese, folded letters in
    English (the label itself breaks ties)."""
    if lang == "zh":
        return (_pinyin_key(label), label)
    return (_folded(label), label)


def nationalities(*, include_china: bool = False) -> list[Country]:
    """The territories that are nationalities (regions of China left out), unsorted."""
    return [c for c in countries()
            if c.code not in NOT_NATIONALITIES and not c.is_region
            and (include_china or c.code != "CN")]
