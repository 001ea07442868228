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
      (2026-02-17..19); the 13 statutory days of 2027 under the 2024 rules (春节
      2027-02-05..08), the unknown days around them, and that the two extremes bracket
      every count (a property test).

Limitations:
    * Coverage: a calendar knows the working days of the years from its first year
      (``CN`` 2001, ``HK`` 2007, ``MO`` 2005: the years from which the package checked its
      lists against official publications) to the last year whose State Council arrangement
      the installed package carries (``last_year``: 2026 with holidays 0.109). The same
      bound is used for ``HK`` and ``MO``, whose lists for a year are published before the
      mainland's.
    * Past the published arrangements (``horizon_year``: the package's Chinese lunisolar
      tables, to 2099) the statutory holidays are still known — their own days are days
      off — but the days the unpublished arrangement may move are not: a weekday within
      ``windows().day_off`` days of a statutory holiday may become a day off (补假, a
      bridged day), and, on the mainland, a weekend day within ``windows().make_up`` days
      may become a make-up working day (调休上班). The two distances are the largest the
      published arrangements have ever used (``CN`` since 2001: 5 and 10 days), read from
      the package's data, not written here. Such a day's :meth:`Calendar.status` is
      ``unknown``; every other day is settled (an ordinary weekday works, a weekend rests).
      A plain calendar raises :class:`~churujing.errors.DataError` when a question needs an
      unknown day, rather than guess; :meth:`Calendar.assuming` gives the two extremes —
      ``fewest`` (every unknown day off) and ``most`` (every unknown day worked) — between
      which every possible arrangement's answer lies, since counts of working days and the
      n-th working day before a date only grow with the set of working days. Days of an
      unpublished year's holidays can thus be unknown in the year before (a December
      weekend worked for the next New Year, as in 2001, 2005, 2006 and 2011). A date the
      package marks as estimated (推定) raises too.
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
from functools import cache, lru_cache
from typing import Any, Literal, cast

from churujing.decision import Text
from churujing.errors import DataError
from churujing.i18n import T

__all__ = ["CALENDARS", "Assume", "Calendar", "CalendarName", "Status", "Windows", "calendar"]

CalendarName = Literal["CN", "HK", "MO"]
#: A day's status: a working day, a rest day, or one an unpublished arrangement may move.
Status = Literal["working", "rest", "unknown"]
#: How a calendar resolves unknown days: ``fewest`` working days or ``most``.
Assume = Literal["fewest", "most"]
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
    make_up_days: bool  # whether weekends can become working days (调休上班)


# Which holiday categories of the package are days off, and from which year the package's
# lists are checked against official publications (see the module docstring).
_SOURCES: dict[str, _Source] = {
    "CN": _Source("CN", (_PUBLIC,), 2001, "zh_CN", "en_US", True),
    "HK": _Source("HK", (_PUBLIC, _OPTIONAL), 2007, "zh_CN", "en_HK", False),
    "MO": _Source("MO", (_PUBLIC, _OPTIONAL), 2005, "zh_CN", "en_MO", False),
}

# Who publishes each calendar's yearly holiday arrangement.
_PUBLISHERS: dict[str, Text] = {
    "CN": T("国务院"),
    "HK": T("香港特别行政区政府"),
    "MO": T("澳门特别行政区政府"),
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


# Words of the package's English names for days that an arrangement or a substitution rule
# adds, as opposed to the statutory holidays themselves.
_ADJUSTED = ("substituted", "observed", "extended")


def _is_statutory(name: str) -> bool:
    lower = name.lower()
    return not any(word in lower for word in _ADJUSTED)


@cache
def _horizon() -> int:
    """The last year whose holidays, and the next year's, the package's lunar tables know."""
    from holidays.calendars.chinese import _ChineseLunisolar

    tables = (_ChineseLunisolar.LUNAR_NEW_YEAR_DATES, _ChineseLunisolar.MID_AUTUMN_DATES,
              _ChineseLunisolar.DRAGON_BOAT_DATES, _ChineseLunisolar.DOUBLE_NINTH_DATES)
    return min(max(t) for t in tables) - 1


@cache
def _statutory(name: str, year: int) -> dict[date, tuple[str, str]]:
    """An unpublished year's statutory holidays (no substitutes), with names (zh, en)."""
    import holidays

    source = _SOURCES[name]
    out: dict[date, tuple[str, str]] = {}
    zh = holidays.country_holidays(source.country, years=year, language=source.zh_language,
                                   categories=source.categories, observed=False)
    en = holidays.country_holidays(source.country, years=year, language=source.en_language,
                                   categories=source.categories, observed=False)
    for day, en_name in en.items():
        if _is_statutory(str(en_name)):
            out[day] = (str(zh.get(day)), str(en_name))
    return out


@dataclass(frozen=True, slots=True)
class Windows:
    """How far from a statutory holiday the published arrangements have moved a day."""

    day_off: int  # a weekday made a day off (补假, a bridged day)
    make_up: int  # a weekend day made a working day (调休上班); 0 where there are none
    years: tuple[int, int]  # the published years read


@cache
def _windows(name: str) -> Windows:
    from bisect import bisect_left

    entries = _entries(name, _SOURCES[name].en_language)
    statutory: list[date] = sorted(d for d, n in entries.items() if _is_statutory(str(n)))
    if not statutory:
        raise DataError(f"calendar {name}: the holidays package lists no statutory holiday")

    def distance(day: date) -> int:
        i = bisect_left(statutory, day)
        near: list[date] = statutory[max(i - 1, 0):i + 1]
        return min(abs((day - s).days) for s in near)

    chosen = set(statutory)
    off = [d for d in entries if d not in chosen and d.weekday() < _SATURDAY]
    worked = cast(set[date], getattr(entries, "weekend_workdays", set()))
    return Windows(
        day_off=max((distance(d) for d in off), default=0),
        make_up=max((distance(d) for d in worked), default=0)
        if _SOURCES[name].make_up_days else 0,
        years=(_SOURCES[name].first_year, _last_year()),
    )


@cache
def _unknown(name: str, year: int) -> frozenset[date]:
    """The days an unpublished ``year``'s arrangement may move (in that year or next to it)."""
    windows = _windows(name)
    holidays_of_year = _statutory(name, year)
    reach = max(windows.day_off, windows.make_up)
    out: set[date] = set()
    for holiday in holidays_of_year:
        for k in range(-reach, reach + 1):
            day = holiday + timedelta(days=k)
            if day in holidays_of_year:
                continue
            if day.weekday() < _SATURDAY:
                if abs(k) <= windows.day_off:
                    out.add(day)
            elif abs(k) <= windows.make_up:
                out.add(day)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Calendar:
    """The working days of ``CN`` (mainland China), ``HK`` (Hong Kong) or ``MO`` (Macau).

    ``assume`` resolves the days an unpublished arrangement may move (see Limitations):
    ``None`` raises :class:`~churujing.errors.DataError` on such a day, ``fewest`` takes
    them all as days off, ``most`` as working days.
    """

    name: CalendarName
    assume: Assume | None = None

    def __post_init__(self) -> None:
        if self.name not in _SOURCES:
            raise DataError(f"unknown calendar {self.name!r}; known: {', '.join(CALENDARS)}")
        if self.assume not in (None, "fewest", "most"):
            raise DataError(f"calendar {self.name}: assume must be fewest, most or None, "
                            f"got {self.assume!r}")

    def assuming(self, assume: Assume | None) -> Calendar:
        """This calendar with unknown days taken as days off (``fewest``) or worked (``most``)."""
        return Calendar(self.name, assume)

    # ------------------------------------------------------------------ coverage

    @property
    def title(self) -> Text:
        """The calendar's name, e.g. 中国内地工作日（国务院节假日安排，含调休）."""
        return _TITLES[self.name]

    @property
    def publisher(self) -> Text:
        """Who publishes the yearly holiday arrangement (国务院 for the mainland)."""
        return _PUBLISHERS[self.name]

    @property
    def first_year(self) -> int:
        return _SOURCES[self.name].first_year

    @property
    def last_year(self) -> int:
        """The last year whose official arrangement is published (and carried)."""
        return _last_year()

    @property
    def horizon_year(self) -> int:
        """The last year whose statutory holidays are known (answers past ``last_year``)."""
        return _horizon()

    def windows(self) -> Windows:
        """The distances within which an unpublished arrangement may move a day."""
        return _windows(self.name)

    def covers(self, day: date) -> bool:
        """True if the calendar can answer for ``day``, perhaps only provisionally."""
        return self.first_year <= day.year <= self.horizon_year

    def published(self, day: date) -> bool:
        """True if ``day``'s status is settled by published arrangements alone."""
        return day.year <= self.last_year and self.status(day) != "unknown"

    def _check(self, day: date) -> None:
        if not self.covers(day):
            raise DataError(
                f"calendar {self.name}: {day.isoformat()} is outside the years it knows "
                f"({self.first_year}–{self.horizon_year}: the statutory holidays the "
                f"holidays {_package_version()} package can compute); it does not guess"
            )
        if day.year <= self.last_year:
            name = _entries(self.name, _SOURCES[self.name].en_language).get(day)
            if name and "estimated" in name.lower():
                raise DataError(
                    f"calendar {self.name}: the holidays package only estimates "
                    f"{day.isoformat()} ({name}); it does not guess"
                )

    # ------------------------------------------------------------------ days

    def _holiday(self, day: date) -> bool:
        return day in _entries(self.name, _SOURCES[self.name].en_language)

    def _make_up(self, day: date) -> bool:
        entries = _entries(self.name, _SOURCES[self.name].en_language)
        workdays = cast(set[date], getattr(entries, "weekend_workdays", set()))
        return day.weekday() in (_SATURDAY, _SUNDAY) and day in workdays

    def _pending(self, day: date) -> bool:
        """True if an unpublished year's arrangement may move ``day``."""
        last = self.last_year
        return any(year > last and day in _unknown(self.name, year)
                   for year in (day.year - 1, day.year, day.year + 1)
                   if year <= self.horizon_year + 1)

    def status(self, day: date) -> Status:
        """``working``, ``rest``, or ``unknown`` (an unpublished arrangement may move it)."""
        return _status(self.name, day)

    def _status(self, day: date) -> Status:
        self._check(day)
        if day.year > self.last_year and day in _statutory(self.name, day.year):
            return "rest"
        if self._pending(day):
            return "unknown"
        if day.year > self.last_year:
            return "working" if day.weekday() < _SATURDAY else "rest"
        if self._holiday(day):
            return "rest"
        return "working" if day.weekday() < _SATURDAY or self._make_up(day) else "rest"

    def is_working_day(self, day: date) -> bool:
        """True if ``day`` is a working day (a make-up working day 调休 included).

        An unknown day raises :class:`~churujing.errors.DataError` unless ``assume`` says
        how to take it.
        """
        status = self.status(day)
        if status == "unknown":
            if self.assume is None:
                years = [y for y in (day.year, day.year + 1) if y > self.last_year]
                raise DataError(
                    f"calendar {self.name}: whether {day.isoformat()} is a working day depends "
                    f"on the {years[0]} holiday arrangement, not yet published; it does not "
                    "guess"
                )
            return self.assume == "most"
        return status == "working"

    def pending_years(self, a: date, b: date) -> list[int]:
        """The unpublished years whose arrangement days in ``[a, b]`` depend on, or lie in."""
        lo, hi = min(a, b), max(a, b)
        out = set(range(max(lo.year, self.last_year + 1), hi.year + 1))
        out |= {d.year + (1 if d.year <= self.last_year else 0) for d in self.unsettled(lo, hi)}
        return sorted(y for y in out if y > self.last_year)

    def unsettled(self, a: date, b: date) -> list[date]:
        """The unknown days in ``[a, b]`` (both included)."""
        lo, hi = min(a, b), max(a, b)
        out = []
        day = lo
        while day <= hi:
            if self.status(day) == "unknown":
                out.append(day)
            day += _ONE_DAY
        return out

    def reason(self, day: date) -> Text | None:
        """Why ``day`` is special: the holiday's name, "make-up working day", "weekend",
        or that an unpublished arrangement may move it.

        ``None`` for an ordinary weekday that is a working day.
        """
        status = self.status(day)
        if day.year > self.last_year and day in _statutory(self.name, day.year):
            zh, en = _statutory(self.name, day.year)[day]
            return Text(zh, en)
        if status == "unknown":
            return T("待公布的节假日安排可能调整此日")
        if day.year <= self.last_year and self._holiday(day):
            source = _SOURCES[self.name]
            zh = str(_entries(self.name, source.zh_language).get(day))
            en = str(_entries(self.name, source.en_language).get(day))
            return Text(zh, en)
        if day.year <= self.last_year and self._make_up(day):
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


@lru_cache(maxsize=1 << 17)
def _status(name: CalendarName, day: date) -> Status:
    """A day's status, remembered: counting over long spans asks for the same days again."""
    return Calendar(name)._status(day)


def calendar(name: str) -> Calendar:
    """The calendar named ``CN``, ``HK`` or ``MO`` (case-insensitive).

    Raises :class:`~churujing.errors.DataError` for any other name.
    """
    key = name.strip().upper()
    if key not in _SOURCES:
        raise DataError(f"unknown calendar {name!r}; known: {', '.join(CALENDARS)}")
    return Calendar(cast(CalendarName, key))
