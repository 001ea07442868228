"""Working days in mainland China, Hong Kong and Macau (churujing.calendar).

The expected dates are the official arrangements: 国务院办公厅关于2025年/2026年部分节假日
安排的通知 (mainland), the general holidays of Hong Kong and the public holidays of Macau.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from churujing.calendar import CALENDARS, Calendar, calendar
from churujing.errors import DataError
from churujing.i18n import T

CN, HK, MO = calendar("CN"), calendar("HK"), calendar("MO")
_NAMES_ALL = st.sampled_from(CALENDARS)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# ---------------------------------------------------------------- mainland China


def test_national_day_2025_is_eight_days_off_with_two_make_up_working_days() -> None:
    # 10月1日至8日放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
    assert [d for d in _days(date(2025, 9, 27), date(2025, 10, 12)) if not CN.is_working_day(d)] \
        == [date(2025, 9, 27), *_days(date(2025, 10, 1), date(2025, 10, 8)), date(2025, 10, 12)]
    assert CN.is_working_day(date(2025, 9, 28))  # Sunday, make-up working day
    assert CN.is_working_day(date(2025, 10, 11))  # Saturday, make-up working day
    assert CN.reason(date(2025, 9, 28)) == CN.reason(date(2025, 10, 11))
    reason = CN.reason(date(2025, 9, 28))
    assert reason is not None and reason.zh == "调休上班日"
    assert reason.en == "make-up working day (a weekend day worked in exchange for a holiday)"


def test_national_day_2025_holidays_are_named() -> None:
    reason = CN.reason(date(2025, 10, 1))
    assert reason is not None and reason.zh == "国庆节" and reason.en == "National Day"
    moved = CN.reason(date(2025, 10, 7))
    assert moved is not None and "2025-09-28" in moved.zh


def test_spring_festival_2026_is_nine_days_off_with_two_make_up_saturdays() -> None:
    # 2月15日（农历腊月二十八）至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    off = [d for d in _days(date(2026, 2, 13), date(2026, 2, 28)) if not CN.is_working_day(d)]
    assert off == _days(date(2026, 2, 15), date(2026, 2, 23))
    assert CN.is_working_day(date(2026, 2, 14))
    assert CN.is_working_day(date(2026, 2, 28))
    eve = CN.reason(date(2026, 2, 16))
    assert eve is not None and eve.zh == "农历除夕"


def test_a_working_day_before_the_spring_festival_2026() -> None:
    # 7 working days before Friday 2026-02-27: 26, 25, 24, 14 (Saturday, 调休), 13, 12, 11.
    assert CN.subtract_working_days(date(2026, 2, 27), 7) == date(2026, 2, 11)
    assert CN.working_days_between(date(2026, 2, 11), date(2026, 2, 27)) == 7
    assert CN.working_days_between(date(2026, 2, 12), date(2026, 2, 27)) == 6


def test_ordinary_days_have_no_reason_and_weekends_say_so() -> None:
    assert CN.reason(date(2025, 11, 20)) is None
    weekend = CN.reason(date(2025, 11, 22))
    assert weekend is not None and weekend.zh == "周末" and weekend.en == "weekend"


# ---------------------------------------------------------------- Hong Kong and Macau


def test_hong_kong_lunar_new_year_2026() -> None:
    for d in _days(date(2026, 2, 17), date(2026, 2, 19)):
        assert not HK.is_working_day(d)
    assert HK.is_working_day(date(2026, 2, 16))  # the mainland's 除夕 is a working day here
    assert HK.is_working_day(date(2026, 2, 20))
    assert not HK.is_working_day(date(2026, 2, 14))  # no make-up working days in Hong Kong
    assert HK.subtract_working_days(date(2026, 2, 27), 7) == date(2026, 2, 13)
    reason = HK.reason(date(2026, 2, 17))
    assert reason is not None and reason.en == "Lunar New Year's Day"


def test_hong_kong_general_holidays_count() -> None:
    # Easter 2026: Good Friday 04-03, the day following (Saturday) 04-04, 04-06, 04-07.
    assert not HK.is_working_day(date(2026, 4, 3))
    assert not HK.is_working_day(date(2026, 4, 6))
    assert not HK.is_working_day(date(2026, 4, 7))
    assert CN.is_working_day(date(2026, 4, 7))
    assert not HK.is_working_day(date(2025, 10, 29))  # 重阳节
    assert not HK.is_working_day(date(2025, 12, 26))  # the first weekday after Christmas


def test_macau_public_holidays() -> None:
    for d in _days(date(2026, 2, 17), date(2026, 2, 19)):
        assert not MO.is_working_day(d)
    assert not MO.is_working_day(date(2025, 12, 8))  # Immaculate Conception (Monday)
    assert not MO.is_working_day(date(2025, 12, 24))  # Christmas Eve (Wednesday)
    assert MO.is_working_day(date(2025, 12, 23))
    assert CN.is_working_day(date(2025, 12, 24))
    assert not MO.is_working_day(date(2026, 11, 2))  # All Souls' Day
    assert CN.is_working_day(date(2026, 11, 2))
    reason = MO.reason(date(2025, 12, 20))
    assert reason is not None and "澳门" in reason.zh


def test_saturdays_are_not_working_days_in_hong_kong_or_macau() -> None:
    assert not HK.is_working_day(date(2025, 11, 22))
    assert not MO.is_working_day(date(2025, 11, 22))
    assert HK.is_working_day(date(2025, 11, 21))


# ---------------------------------------------------------------- coverage and names


@pytest.mark.parametrize("name", CALENDARS)
def test_outside_the_known_years_raises_rather_than_guesses(name: str) -> None:
    cal = calendar(name)
    with pytest.raises(DataError, match="does not guess"):
        cal.is_working_day(date(cal.horizon_year + 1, 6, 1))
    with pytest.raises(DataError):
        cal.is_working_day(date(cal.first_year - 1, 6, 1))
    assert not cal.covers(date(cal.horizon_year + 1, 1, 1))
    assert cal.covers(date(cal.last_year + 1, 6, 1))


def test_the_last_published_arrangement_is_2026_and_statutory_holidays_go_on() -> None:
    # 国务院办公厅关于2026年部分节假日安排的通知 is the last one the package (0.109) carries.
    assert CN.last_year == 2026
    assert CN.horizon_year >= 2050


def test_windows_are_the_widest_the_published_arrangements_used() -> None:
    # 2024-05-11 (Saturday) was worked for Labour Day, 10 days after 05-01; 2020-10-08
    # (Thursday) was off, 5 days after the Mid-Autumn Festival of 10-01.
    assert CN.windows().make_up == 10 and CN.windows().day_off == 5
    assert HK.windows().make_up == 0 and MO.windows().make_up == 0


def test_2027_statutory_holidays_are_days_off_and_the_days_around_them_are_unknown() -> None:
    # 《全国年节及纪念日放假办法》: 春节 农历除夕、正月初一至初三 (2027-02-05..08).
    for d in _days(date(2027, 2, 5), date(2027, 2, 8)):
        assert CN.status(d) == "rest" and not CN.is_working_day(d)
    spring = CN.reason(date(2027, 2, 6))
    assert spring is not None and spring.zh == "春节"
    assert CN.status(date(2027, 2, 9)) == "unknown"  # a weekday that may be bridged
    assert CN.status(date(2027, 2, 13)) == "unknown"  # a Saturday that may be worked
    assert CN.status(date(2027, 3, 10)) == "working"  # far from any holiday
    assert CN.status(date(2027, 3, 13)) == "rest"
    with pytest.raises(DataError, match="2027 holiday arrangement"):
        CN.is_working_day(date(2027, 2, 9))
    assert not CN.assuming("fewest").is_working_day(date(2027, 2, 9))
    assert CN.assuming("most").is_working_day(date(2027, 2, 13))
    reason = CN.reason(date(2027, 2, 9))
    assert reason is not None and "节假日安排" in reason.zh


def test_a_december_weekend_may_be_worked_for_the_next_new_year() -> None:
    # 2011-12-31 (Saturday) was worked for the 2012 New Year: the 2027 arrangement may do
    # the same to 2026-12-26/27, though the 2026 arrangement is published.
    assert CN.status(date(2026, 12, 26)) == "unknown"
    assert CN.published(date(2026, 12, 1)) and not CN.published(date(2026, 12, 26))
    assert CN.pending_years(date(2026, 12, 20), date(2026, 12, 27)) == [2027]
    assert CN.pending_years(date(2026, 6, 1), date(2026, 6, 30)) == []


def test_the_extremes_bound_every_arrangement() -> None:
    fewest, most = CN.assuming("fewest"), CN.assuming("most")
    end = date(2027, 2, 19)
    assert fewest.subtract_working_days(end, 7) <= most.subtract_working_days(end, 7)
    start = date(2027, 1, 25)
    assert fewest.working_days_between(start, end) < most.working_days_between(start, end)
    # far from holidays both agree
    assert fewest.subtract_working_days(date(2027, 3, 26), 7) == date(2027, 3, 17)
    assert most.subtract_working_days(date(2027, 3, 26), 7) == date(2027, 3, 17)
    assert Calendar("CN", "most") == most != CN


def test_the_2027_statutory_holidays_are_the_13_days_of_the_2024_rules() -> None:
    # 《全国年节及纪念日放假办法》(2024): 元旦1天、春节4天（农历除夕、正月初一至初三）、清明节1天、
    # 劳动节2天（5月1日、2日）、端午节1天、中秋节1天、国庆节3天（10月1日至3日）: 13 days.
    statutory = [d for d in _days(date(2027, 1, 1), date(2027, 12, 31))
                 if CN.status(d) == "rest" and CN.reason(d) != T("周末")]
    assert statutory == [
        date(2027, 1, 1), *_days(date(2027, 2, 5), date(2027, 2, 8)), date(2027, 4, 5),
        date(2027, 5, 1), date(2027, 5, 2), date(2027, 6, 9), date(2027, 9, 15),
        *_days(date(2027, 10, 1), date(2027, 10, 3)),
    ]


_LATER = st.dates(min_value=date(2026, 10, 1), max_value=date(2028, 12, 31))


@settings(max_examples=150, deadline=None)
@given(name=_NAMES_ALL, day=_LATER, n=st.integers(min_value=1, max_value=30),
       span=st.integers(min_value=0, max_value=60))
def test_the_two_extremes_bracket_every_count(name: str, day: date, n: int, span: int) -> None:
    cal = calendar(name)
    fewest, most = cal.assuming("fewest"), cal.assuming("most")
    assert fewest.subtract_working_days(day, n) <= most.subtract_working_days(day, n)
    assert fewest.add_working_days(day, n) >= most.add_working_days(day, n)
    later = day + timedelta(days=span)
    low, high = fewest.working_days_between(day, later), most.working_days_between(day, later)
    assert low <= high
    assert high - low == len([d for d in cal.unsettled(day, later) if d < later])


def test_calendar_names() -> None:
    assert calendar(" hk ") == Calendar("HK")
    assert CN.title.zh.startswith("中国内地")
    with pytest.raises(DataError, match="known: CN, HK, MO"):
        calendar("TW")


def test_counting_conventions() -> None:
    friday, monday = date(2025, 11, 21), date(2025, 11, 24)
    assert CN.add_working_days(friday, 1) == monday
    assert CN.subtract_working_days(monday, 1) == friday
    assert CN.add_working_days(friday, 0) == friday
    assert CN.add_working_days(monday, -1) == friday
    assert CN.subtract_working_days(friday, -1) == monday
    assert CN.working_days_between(friday, monday) == 1  # Friday counted, Monday not
    assert CN.working_days_between(monday, friday) == -1
    assert CN.working_days_between(friday, friday) == 0


# ---------------------------------------------------------------- properties

_DAYS = st.dates(min_value=date(2008, 6, 1), max_value=date(2026, 6, 30))
_N = st.integers(min_value=1, max_value=40)
_NAMES = st.sampled_from(CALENDARS)


@settings(max_examples=200, deadline=None)
@given(name=_NAMES, day=_DAYS, n=_N)
def test_results_are_always_working_days(name: str, day: date, n: int) -> None:
    cal = calendar(name)
    assert cal.is_working_day(cal.subtract_working_days(day, n))
    assert cal.is_working_day(cal.add_working_days(day, n))
    assert cal.subtract_working_days(day, n) < day < cal.add_working_days(day, n)


@settings(max_examples=200, deadline=None)
@given(name=_NAMES, day=_DAYS, n=_N)
def test_subtract_and_add_round_trip_on_working_days(name: str, day: date, n: int) -> None:
    cal = calendar(name)
    working = cal.add_working_days(day, 1)  # a working day
    earlier = cal.subtract_working_days(working, n)
    later = cal.add_working_days(working, n)
    assert cal.add_working_days(earlier, n) == working
    assert cal.subtract_working_days(later, n) == working
    assert cal.working_days_between(earlier, working) == n
    assert cal.working_days_between(working, later) == n


@settings(max_examples=200, deadline=None)
@given(name=_NAMES, a=_DAYS, offset=st.integers(min_value=-180, max_value=180))
def test_working_days_between_is_antisymmetric_and_bounded(
    name: str, a: date, offset: int
) -> None:
    cal = calendar(name)
    b = a + timedelta(days=offset)
    n = cal.working_days_between(a, b)
    assert n == -cal.working_days_between(b, a)
    assert abs(n) <= abs((b - a).days)


def test_the_categories_are_the_packages_own() -> None:
    """The calendar names the holidays package's categories without importing it early."""
    from holidays.constants import OPTIONAL, PUBLIC

    from churujing import calendar as module

    assert (module._PUBLIC, module._OPTIONAL) == (PUBLIC, OPTIONAL)


def test_the_package_loads_when_a_calendar_is_first_read() -> None:
    import subprocess
    import sys

    code = ("import sys, churujing; print('holidays' in sys.modules); "
            "from datetime import date; from churujing.calendar import calendar; "
            "calendar('CN').is_working_day(date(2025, 10, 1)); print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
