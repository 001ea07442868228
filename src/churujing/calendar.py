"""Working days (工作日) in mainland China, Hong Kong and Macau, over the ``holidays`` package.

>>> from datetime import date
>>> cn = calendar("CN")
>>> cn.is_working_day(date(2025, 9, 28))     # a Sunday, but a make-up working day (调休)
True
>>> cn.subtract_working_days(date(2026, 2, 27), 7)   # skips the 2026 Spring Festival
datetime.date(2026, 2, 11)

Three calendars, named by their ISO 3166 codes:

* ``CN`` — mainland China: Saturdays and Sundays are rest days, the statutory holidays
  (法定节假日) are days off, and the State Council's yearly arrangement (国务院办公厅关于
  某年部分节假日安排的通知) moves some days: weekdays become days off ("休息日（由…调休）")
  and weekend days become make-up working days (调休上班). ``holidays.China`` carries both
  (``weekend_workdays``), so this module holds no holiday table of its own.
* ``HK`` — Hong Kong: Monday to Friday, except the general holidays (公众假期, Cap. 149
  General Holidays Ordinance) and the statutory holidays (法定假日, Cap. 57 s. 39).
* ``MO`` — Macau: Monday to Friday, except the public holidays (公众假期) and the
  mandatory holidays (强制性假日).

A working day of ``HK`` or ``MO`` is a weekday that is neither kind of holiday. Both
governments work a five-day week, so Saturdays are not working days, although the package
counts only Sundays as the Hong Kong weekend (every Sunday is a general holiday there).

Counting rule, used by every method: :meth:`Calendar.working_days_between` counts the
working days ``d`` with ``a <= d < b`` (the first day counted, the last not), and
:meth:`Calendar.subtract_working_days` returns the ``n``-th working day strictly before a
day, so that for any working day ``d``::

    cal.working_days_between(cal.subtract_working_days(d, n), d) == n
    cal.add_working_days(cal.subtract_working_days(d, n), n) == d

References:
    * holidays (vacanza/holidays), ``holidays.countries.china.China``,
      ``hongkong.HongKong``, ``macau.Macau`` — their own references (the State Council
      notices 2001–2026; gov.hk general holiday lists 2007–; gov.mo public holiday lists
      2005–) are listed in those classes' docstrings.
    * 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）.
    * 国务院办公厅关于2026年部分节假日安排的通知 (November 2025).
    * 《全国年节及纪念日放假办法》 (2024 revision: 春节 4 days, 劳动节 2 days).

Checked With:
    * tests/test_calendar.py: the 2025 National Day (make-up working days 2025-09-28 and
      2025-10-11), the 2026 Spring Festival (2026-02-15..23 off; 2026-02-14 and
      2026-02-28 make-up working days), the 2026 Lunar New Year in Hong Kong and Macau
      (2026-02-17..19).

Limitations:
    * Coverage is bounded. A calendar answers only for the years between its first year
      (``CN`` 2001, ``HK`` 2007, ``MO`` 2005: the years from which the package checked
      its lists against official publications) and the last year whose State Council
      arrangement the installed package carries (2026 with holidays 0.109). Beyond it the
      package would extrapolate from the statutory rules without the make-up working days
      (and, for Hong Kong and Macau, without the year's gazetted list): any question that
      needs such a day raises :class:`~churujing.errors.DataError` rather than guess. The
      same bound is used for ``HK`` and ``MO``, whose lists for a year are published before
      the mainland's. A date the package marks as estimated (推定) raises too.
    * Half-day holidays (Macau's 除夕下午, mainland half days for some groups) and the
      extra Macau government holidays (政府假期) are not days off here; nor are days when
      offices close for a typhoon signal No. 8 or a black rainstorm warning.
    * Working days are those of public administration. The opening days of a particular
      office (an agency open on Saturdays) are not modelled.
    * Pure: no clock, no I/O besides the package's data; the same day always gives the
      same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal, cast

from churujing.decision import Text
from churujing.errors import DataError
from churujing.i18n import T

__all__ = ["CALENDARS", "Calendar", "CalendarName", "calendar"]

CalendarName = Literal["CN", "HK", "MO"]
CALENDARS: tuple[CalendarName, ...] = ("CN", "HK", "MO")

_ONE_DAY = timedelta(days=1)
# The package's holiday categories (holidays.constants.PUBLIC, OPTIONAL), named here so that
# the package itself (30 ms to import) loads only when a calendar is first read.
_PUBLIC, _OPTIONAL = "public", "optional"
_SATURDAY, _SUNDAY = 5, 6


@dataclass(frozen=True, slots=True)
class _Source:
    """How one calendar is read from the ``holidays`` package."""

    country: str
    categories: tuple[str, ...]
    first_year: int
    zh_language: str
    en_language: str


# Which holiday categories of the package are days off, and from which year the package's
# lists are checked against official publications (see the module docstring).
_SOURCES: dict[str, _Source] = {
    "CN": _Source("CN", (_PUBLIC,), 2001, "zh_CN", "en_US"),
    "HK": _Source("HK", (_PUBLIC, _OPTIONAL), 2007, "zh_CN", "en_HK"),
    "MO": _Source("MO", (_PUBLIC, _OPTIONAL), 2005, "zh_CN", "en_MO"),
}

_TITLES: dict[str, Text] = {
    "CN": T("中国内地工作日（国务院节假日安排，含调休）"),
    "HK": T("香港工作日（星期一至五，公众假期除外）"),
    "MO": T("澳门工作日（星期一至五，公众假期除外）"),
}


def _last_year() -> int:
    """The last year whose State Council holiday arrangement the installed package carries."""
    from holidays.countries import china

    arrangements = getattr(china.ChinaStaticHolidays, "special_public_holidays", None)
    if not isinstance(arrangements, dict) or not arrangements:
        raise DataError(
            "the installed holidays package carries no State Council holiday arrangement "
            "(holidays.countries.china.ChinaStaticHolidays.special_public_holidays)"
        )
    return max(int(y) for y in arrangements)


@cache
def _package_version() -> str:
    from importlib.metadata import version

    return version("holidays")


@cache
def _entries(name: str, language: str) -> Any:
    import holidays

    source = _SOURCES[name]
    years = range(source.first_year, _last_year() + 1)
    return holidays.country_holidays(
        source.country, years=years, language=language, categories=source.categories,
        expand=False,
    )


@dataclass(frozen=True, slots=True)
class Calendar:
    """The working days of ``CN`` (mainland China), ``HK`` (Hong Kong) or ``MO`` (Macau)."""

    name: CalendarName

    def __post_init__(self) -> None:
        if self.name not in _SOURCES:
            raise DataError(f"unknown calendar {self.name!r}; known: {', '.join(CALENDARS)}")

    # ------------------------------------------------------------------ coverage

    @property
    def title(self) -> Text:
        """The calendar's name, e.g. 中国内地工作日（国务院节假日安排，含调休）."""
        return _TITLES[self.name]

    @property
    def first_year(self) -> int:
        return _SOURCES[self.name].first_year

    @property
    def last_year(self) -> int:
        return _last_year()

    def covers(self, day: date) -> bool:
        """True if the calendar can answer for ``day`` (see Limitations)."""
        return self.first_year <= day.year <= self.last_year

    def _check(self, day: date) -> None:
        if not self.covers(day):
            raise DataError(
                f"calendar {self.name}: {day.isoformat()} is outside the years it knows "
                f"({self.first_year}–{self.last_year}, the official holiday arrangements "
                f"carried by holidays {_package_version()}); it does not guess"
            )
        name = _entries(self.name, _SOURCES[self.name].en_language).get(day)
        if name and "estimated" in name.lower():
            raise DataError(
                f"calendar {self.name}: the holidays package only estimates {day.isoformat()} "
                f"({name}); it does not guess"
            )

    # ------------------------------------------------------------------ days

    def _holiday(self, day: date) -> bool:
        return day in _entries(self.name, _SOURCES[self.name].en_language)

    def _make_up(self, day: date) -> bool:
        entries = _entries(self.name, _SOURCES[self.name].en_language)
        workdays = cast(set[date], getattr(entries, "weekend_workdays", set()))
        return day.weekday() in (_SATURDAY, _SUNDAY) and day in workdays

    def is_working_day(self, day: date) -> bool:
        """True if ``day`` is a working day (a make-up working day 调休 included)."""
        self._check(day)
        if self._holiday(day):
            return False
        return day.weekday() < _SATURDAY or self._make_up(day)

    def reason(self, day: date) -> Text | None:
        """Why ``day`` is special: the holiday's name, "make-up working day", "weekend".

        ``None`` for an ordinary weekday that is a working day.
        """
        self._check(day)
        if self._holiday(day):
            source = _SOURCES[self.name]
            zh = str(_entries(self.name, source.zh_language).get(day))
            en = str(_entries(self.name, source.en_language).get(day))
            return Text(zh, en)
        if self._make_up(day):
            return T("调休上班日")
        if day.weekday() >= _SATURDAY:
            return T("周末")
        return None

    # ------------------------------------------------------------------ arithmetic

    def subtract_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day before ``day`` (``day`` itself not counted).

        ``n == 0`` gives ``day``; a negative ``n`` counts forward (:meth:`add_working_days`).
        """
        if n < 0:
            return self.add_working_days(day, -n)
        return self._step(day, n, -_ONE_DAY)

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted).

        ``n == 0`` gives ``day``; a negative ``n`` counts backward.
        """
        if n < 0:
            return self.subtract_working_days(day, -n)
        return self._step(day, n, _ONE_DAY)

    def _step(self, day: date, n: int, step: timedelta) -> date:
        self._check(day)
        current = day
        left = n
        while left:
            current += step
            if self.is_working_day(current):
                left -= 1
        return current

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days ``d`` with ``a <= d < b``; negative if ``b < a``.

        The first day counts (if it is a working day), the last one does not.
        """
        if b < a:
            return -self.working_days_between(b, a)
        self._check(a)
        self._check(b)
        count = 0
        current = a
        while current < b:
            if self.is_working_day(current):
                count += 1
            current += _ONE_DAY
        return count


def calendar(name: str) -> Calendar:
    """The calendar named ``CN``, ``HK`` or ``MO`` (case-insensitive).

    Raises :class:`~churujing.errors.DataError` for any other name.
    """
    key = name.strip().upper()
    if key not in _SOURCES:
        raise DataError(f"unknown calendar {name!r}; known: {', '.join(CALENDARS)}")
    return Calendar(cast(CalendarName, key))
