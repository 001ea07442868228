"""A trip's answer as text a person reads (``churujing trip --text``), in one language:
for each entry into mainland China, the best regime with its clause and verdict, the
leave-by deadline, the best regime's conditions, every other regime with why it fits or
not, and the arrival card; then the trip's warnings."""

from __future__ import annotations

from churujing.decision import Lang
from churujing.i18n import T
from churujing.trips.engine import EntryAnswer, TripAnswer, deadline_of
from churujing.trips.regimes import REGIME_TITLES
from churujing.trips.words import leave_by, verdict, weekday_date

__all__ = ["explain"]


def _entry(n: int, answer: EntryAnswer, lang: Lang) -> list[str]:
    e, best = answer.entry, answer.best
    lines = [T("第{n}次入境：{port}，{day}", n=n, port=e.port.text,
               day=weekday_date(e.arrive)).get(lang)]
    lines.append(f"  {REGIME_TITLES[best.regime].get(lang)} [{best.clause}] · "
                 f"{verdict(answer).get(lang)}")
    deadline = deadline_of(answer)
    if deadline is not None:
        lines.append(f"  {leave_by(deadline).get(lang)}")
    for c in best.conditions:
        lines.append(f"    {'✓' if c.met else '✗'} [{c.clause}] {c.text.get(lang)}")
    lines.append("  " + T("其他方式：").get(lang))
    for o in answer.options:
        if o.regime == best.regime:
            continue
        mark = "✓" if o.eligible else "✗"
        lines.append(f"    {mark} {REGIME_TITLES[o.regime].get(lang)} [{o.clause}]: "
                     f"{o.why.get(lang)}")
    card = answer.arrival_card
    needed = card.details.get("required")
    lines.append("  " + (T("入境卡 [M10]：须填写") if needed
                         else T("入境卡 [M10]：免填")).get(lang))
    for c in card.conditions:
        lines.append(f"    {'✓' if c.met else '✗'} [{c.clause}] {c.text.get(lang)}")
    return lines


def explain(answer: TripAnswer, lang: Lang = "zh") -> str:
    """The answer to a trip in ``lang``, one entry after another (see the module)."""
    lines: list[str] = []
    for n, entry in enumerate(answer.entries, start=1):
        lines.extend(_entry(n, entry, lang))
    for w in answer.warnings:
        lines.append(f"! {w.get(lang)}")
    return "\n".join(lines)
