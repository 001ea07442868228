"""Errors raised by churujing.

Being ineligible is an answer (a :class:`~churujing.decision.Decision`), never an
exception. Exceptions are for bad input and bad data only::

    ChurujingError
     ├── FactsError            facts that do not validate (names the field and what was expected;
     │    │                    ``invalid_fields`` holds every invalid field of the object, in order)
     │    └── AmbiguousName    a name that fits several places (lists each, with where it is)
     ├── UnknownMeasureError   a measure id that names no measure
     └── DataError             a policy or law data file that is malformed or uncited
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from churujing.decision import Lang, Text

__all__ = ["AmbiguousName", "ChurujingError", "DataError", "FactsError", "UnknownMeasureError"]


class ChurujingError(Exception):
    """Root of every error raised by churujing."""


class FactsError(ChurujingError, ValueError):
    """Facts that do not validate.

    ``field`` is the dotted path of the offending fact (``""`` for the whole object),
    ``message`` says what was expected (in English); ``message_text``, when given, says it
    in Chinese and English. ``invalid_fields`` lists every invalid field of the same
    object, this one first (a single error lists itself).
    """

    def __init__(self, message: str, *, field: str = "", text: Text | None = None,
                 errors: tuple[FactsError, ...] = ()) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message
        self.message_text = text
        self.invalid_fields: tuple[FactsError, ...] = errors or (self,)

    def message_in(self, lang: Lang = "en") -> str:
        """The message in ``lang`` (English when no Chinese was given)."""
        return self.message_text.get(lang) if self.message_text is not None else self.message

    def at(self, field: str) -> FactsError:
        """The same error on ``field`` (a name resolved outside the facts boundary)."""
        return type(self)._copy(self, field)

    @classmethod
    def _copy(cls, exc: FactsError, field: str) -> FactsError:
        return FactsError(exc.message, field=field, text=exc.message_text)

    def to_dict(self, lang: Lang = "en") -> dict[str, str]:
        return {"field": self.field, "message": self.message_in(lang)}

    def all_dicts(self, lang: Lang = "en") -> list[dict[str, str]]:
        """Every invalid field of the object, as :meth:`to_dict` gives one."""
        return [e.to_dict(lang) for e in self.invalid_fields]


class AmbiguousName(FactsError):
    """A name that fits several places; ``candidates`` says each with where it lies."""

    def __init__(self, message: str, *, field: str = "", text: Text | None = None,
                 query: str = "", candidates: tuple[Text, ...] = ()) -> None:
        super().__init__(message, field=field, text=text)
        self.query = query
        self.candidates = candidates

    @classmethod
    def _copy(cls, exc: FactsError, field: str) -> FactsError:
        assert isinstance(exc, AmbiguousName)
        return AmbiguousName(exc.message, field=field, text=exc.message_text, query=exc.query,
                             candidates=exc.candidates)


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
