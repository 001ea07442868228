"""The traveller's whole trip: one question, every regime for each entry, the best one.

``check_trip(data)`` validates a trip (nationality, passport, purpose, legs…) and answers it
(:class:`TripAnswer`); the regimes are in :mod:`churujing.trips.regimes`, the entries and
the choice of the best in :mod:`churujing.trips.engine`.
"""

from __future__ import annotations

from churujing.trips.engine import (
                                    AIRSIDE_ORDER,
                                    LANDSIDE_ORDER,
                                    EntryAnswer,
                                    TripAnswer,
                                    answer,
                                    check_trip,
                                    deadline_of,
                                    entries_of,
)
from churujing.trips.facts import Leg, TripFacts
from churujing.trips.regimes import REGIMES, Entry, Option

__all__ = [
    "AIRSIDE_ORDER",
    "LANDSIDE_ORDER",
    "REGIMES",
    "Entry",
    "EntryAnswer",
    "Leg",
    "Option",
    "TripAnswer",
    "TripFacts",
    "answer",
    "check_trip",
    "deadline_of",
    "entries_of",
]
