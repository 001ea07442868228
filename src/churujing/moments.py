"""Moments as a person reads them, in Chinese and English: a day with its weekday, a time on
that day ("14:30 on Thursday 11 December 2025, Beijing time") and the leave-by deadline
("Leave by 23:59 on Sunday 20 December 2026, Beijing time"), through Babel's CLDR data.
One formatter for the trip's answer, the pages, the boarding kit, the calendar event and
the measures' own sentences."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date

from churujing.facts import BEIJING
from churujing.text import Text

__all__ = ["at", "last_moment", "leave_by", "weekday_date"]


def last_moment(deadline: datetime) -> datetime:
    """The last minute a person may still leave: a deadline at 00:00 is 23:59 of the day
    before ("by 24:00 on the 20th" reads wrongly as "the 21st is fine")."""
    local = deadline.astimezone(BEIJING)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return local - timedelta(minutes=1)
    return local


def _days(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(BEIJING).date()
    return (format_date(local, "y年M月d日EEEE", locale="zh_CN"),
            format_date(local, "EEEE d MMMM y", locale="en_GB"))


def weekday_date(moment: datetime) -> Text:
    """A day with its weekday, in each language."""
    return Text(*_days(moment))


def at(moment: datetime) -> Text:
    """"北京时间2025年12月11日星期四14:30" / "14:30 on Thursday 11 December 2025, Beijing
    time"."""
    zh, en = _days(moment)
    hm = moment.astimezone(BEIJING).strftime("%H:%M")
    return Text(f"北京时间{zh}{hm}", f"{hm} on {en}, Beijing time")


def leave_by(deadline: datetime) -> Text:
    """"请于北京时间2026年12月20日星期日23:59前离境" / "Leave by 23:59 on Sunday 20 December
    2026, Beijing time"."""
    last = last_moment(deadline)
    when = at(last)
    return Text(f"请于{when.zh}前离境", f"Leave by {when.en}")
