"""The leave-by deadline of a trip as an iCalendar event (RFC 5545, through icalendar), one
event per entry that grants a stay, ending at the last minute the traveller may leave, with
reminders a day and three hours before."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from churujing.facts import BEIJING
from churujing.trips.engine import TripAnswer, deadline_of
from churujing.trips.regimes import REGIME_TITLES
from churujing.trips.words import last_moment, leave_by

__all__ = ["REMINDERS", "leave_by_calendar"]

REMINDERS = (timedelta(days=1), timedelta(hours=3))
_LENGTH = timedelta(hours=1)


def _alarm(before: timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -before)
    return alarm


def leave_by_calendar(answer: TripAnswer, *, now: datetime | None = None) -> bytes:
    """The calendar (bytes of a ``.ics`` file); empty of events when no entry grants a stay."""
    cal = Calendar()
    cal.add("prodid", "-//churujing//trip leave-by//ZH-EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = (now or datetime.now(BEIJING)).astimezone(BEIJING)
    for n, entry in enumerate(answer.entries):
        deadline = deadline_of(entry)
        if deadline is None:
            continue
        last = last_moment(deadline)
        words = leave_by(deadline)
        title = REGIME_TITLES[entry.best.regime]
        port = entry.entry.port.text
        event = Event()
        event.add("uid", f"trip-{answer.data_version}-{entry.entry.arrive:%Y%m%dT%H%M}-{n}"
                         f"-{entry.best.regime}@churujing")
        event.add("dtstamp", stamp)
        event.add("dtstart", last - _LENGTH)
        event.add("dtend", last)
        event.add("summary", f"{words.zh} / {words.en}")
        event.add("description",
                  f"{title.zh}（入境口岸：{port.zh}）\n{title.en} (entered at {port.en})\n"
                  f"数据版本 data version {answer.data_version}")
        event.add("location", f"{port.zh} / {port.en}")
        for before in REMINDERS:
            event.add_component(_alarm(before, f"{words.zh} / {words.en}"))
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
