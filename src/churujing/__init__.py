"""churujing (出入境): NIA Announcement 2025 No. 4, executable.

>>> from churujing import check
>>> d = check("visa-free-transit-240h", {...})       # doctest: +SKIP
>>> d.eligible, d.details["stay_deadline"]           # doctest: +SKIP
"""

from churujing.decision import Condition, Decision, Text
from churujing.errors import ChurujingError, DataError, FactsError, UnknownMeasureError
from churujing.law import clause
from churujing.measures import MEASURES, Measure, check, get_measure
from churujing.policy import Policy, load_policy

__version__ = "0.1.0"

__all__ = [
    "MEASURES",
    "ChurujingError",
    "Condition",
    "DataError",
    "Decision",
    "FactsError",
    "Measure",
    "Policy",
    "Text",
    "UnknownMeasureError",
    "__version__",
    "check",
    "clause",
    "get_measure",
    "load_policy",
]
