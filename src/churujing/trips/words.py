"""A trip's answer in words a person reads, in Chinese and English: the regime's name, the
verdict sentence, and the deadline with its weekday ("Leave by 23:59 on Sunday 20 December
2026, Beijing time"), through :mod:`churujing.moments`. Used by the pages, the boarding kit and
the calendar event alike."""

from __future__ import annotations

from churujing.decision import Text
from churujing.i18n import T
from churujing.moments import at, last_moment, leave_by, weekday_date
from churujing.trips.engine import EntryAnswer, deadline_of
from churujing.trips.regimes import D30, DIRECT, MUTUAL, REGIME_TITLES, T240, TRANSIT

__all__ = ["REGIME_TITLES", "at", "last_moment", "leave_by", "refused", "verdict", "weekday_date"]



def verdict(answer: EntryAnswer) -> Text:
    """One sentence: may this entry be made, and under what."""
    best = answer.best
    port = answer.entry.port.text
    days = best.details.get("max_stay_days")
    if not best.eligible:
        return T("中国公民凭本人有效出入境证件往来，不适用外国人签证和免签规定。")
    if best.regime == DIRECT:
        return T("您可以在{port}不出机场直接转机，免办边检查验手续。", port=port)
    if best.regime == TRANSIT:
        return T("您可以在{port}免办签证过境，不离开口岸，须接受边检查验。", port=port)
    if best.regime == T240:
        return T("您可以依240小时过境免签政策免签入境，在允许停留活动区域内停留。")
    if best.regime == D30:
        return T("您可以依单方面免签政策免签入境，停留不超过{days}日。", days=days)
    if best.regime == MUTUAL:
        return T("您可以依互免签证协定免签入境，停留不超过{days}日。", days=days)
    return T("这次行程须办理签证：没有适用的免签政策。")


def refused(answer: EntryAnswer) -> bool:
    """True when the entry needs a visa or no regime applies (no deadline, no stay area)."""
    return deadline_of(answer) is None
