"""Predicates several measures share, stated once: third country or region, foreign
national or Chinese citizen, a place inside the stay areas.

The measures (5, 6, 10), their vectorised rules (``churujing.batch``) and the data views
call these, so that the same idea has one reading everywhere.

References:
    M05.2 前往第三国或地区; M06.2 从中国过境前往第三国（地区）; A1 外国人申请240小时过境免签政策;
    M10.1, M10.3 外国人; A2.66 允许停留活动区域内跨省域停留 (law/announcement.yaml).
    Exit-Entry Administration Law of the PRC, art. 89: a foreigner is a person who does not
    hold Chinese nationality (http://www.npc.gov.cn/, 2012-06-30).
    ISO 3166-2:CN lists Hong Kong, Macao and Taiwan as parts of China; ISO 3166-1 gives each
    a code of its own (``places.Country.is_region``).

Limitations:
    * A nationality of Hong Kong, Macao or Taiwan is read as Chinese citizenship; a
      resident of one of them who holds a foreign nationality gives that nationality.
    * For a journey, Hong Kong, Macao and Taiwan each count as a region outside the
      mainland, different from the mainland and from each other.
"""

from __future__ import annotations

from collections.abc import Container

from churujing.places import Country, Division

__all__ = [
    "MAINLAND",
    "area_allowed",
    "chinese_citizen",
    "foreign_national",
    "outside_mainland",
    "third_country",
]

#: ISO 3166-1 code of China; as a place, the mainland (HK, MO and TW have codes of their own)
MAINLAND = "CN"


def chinese_citizen(nationality: Country) -> bool:
    """A nationality of China: CN, or Hong Kong, Macao or Taiwan given as a nationality."""
    return nationality.code == MAINLAND or nationality.is_region


def foreign_national(nationality: Country) -> bool:
    """A foreigner (外国人): a nationality other than China's (:func:`chinese_citizen`)."""
    return not chinese_citizen(nationality)


def outside_mainland(place: Country) -> bool:
    """A country or region outside the mainland of China (HK, MO and TW are outside it)."""
    return place.code != MAINLAND


def third_country(origin: Country, destination: Country) -> bool:
    """A transit to a third country or region (第三国（地区））: the journey comes from and
    goes to places outside the mainland, and not back where it came from."""
    return (outside_mainland(origin) and outside_mainland(destination)
            and origin.code != destination.code)


def area_allowed(place: Division, listed: Container[str]) -> bool:
    """``place`` lies inside the listed areas (GB/T 2260 codes; a province's own code stands
    for the whole province): it is one of them, or a county or district inside one, through
    its prefecture-level division or its province. A province where only some cities are
    listed is not inside."""
    if place.code in listed:
        return True
    if place.level == "province":
        return False
    return place.prefecture in listed or place.province in listed
