"""Errors raised by churujing.

Being ineligible is an answer (a :class:`~churujing.decision.Decision`), never an
exception. Exceptions are for bad input and bad data only::

    ChurujingError
     ├── FactsError            facts that do not validate (names the field and what was expected)
     ├── UnknownMeasureError   a measure id that names no measure
     └── DataError             a policy or law data file that is malformed or uncited
"""

from __future__ import annotations

__all__ = ["ChurujingError", "DataError", "FactsError", "UnknownMeasureError"]


class ChurujingError(Exception):
    """Root of every error raised by churujing."""


class FactsError(ChurujingError, ValueError):
    """Facts that do not validate.

    ``field`` is the dotted path of the offending fact (``""`` for the whole object),
    ``message`` says what was expected.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class UnknownMeasureError(ChurujingError, KeyError):
    """A measure id that names no measure."""

    def __init__(self, measure: str, *, known: tuple[str, ...] = ()) -> None:
        hint = f"; known measures: {', '.join(known)}" if known else ""
        super().__init__(f"unknown measure {measure!r}{hint}")
        self.measure = measure
        self.known = known

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class DataError(ChurujingError):
    """A policy or law data file that is malformed, inconsistent or uncited."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
