"""Errors of the arrival-card service.

Each maps to one HTTP status in :mod:`.api`::

    ChurujingError
     └── ServiceError (churujing.services.common.errors: the services' one root)
          └── ArrivalCardError
               ├── CardInvalid          422  fields that do not validate (each with its path);
               │                             also a FactsError
               ├── NotFound             404  no such filing, or a wrong filer's secret
               ├── Conflict             409  cancelled, arrived, idempotency key reused
               ├── TokenInvalid         400  a receipt token that is malformed, tampered or forged
               ├── NotAuthenticated     401  no or bad officer credentials
               ├── NotAllowed           403  an officer whose role does not allow the action
               ├── TooManyAttempts      429  log-ins throttled (``retry_after`` seconds)
               └── DatabaseUnavailable  503  the database cannot be reached (or stays locked)

Each status class derives from the shared one too (:mod:`churujing.services.common.errors`),
which gives it its JSON body and headers for the one error route.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from churujing.decision import Text
from churujing.errors import FactsError
from churujing.services.common import errors as common

__all__ = [
    "ArrivalCardError",
    "CardInvalid",
    "Conflict",
    "DatabaseUnavailable",
    "FieldError",
    "NotAllowed",
    "NotAuthenticated",
    "NotFound",
    "TokenInvalid",
    "TooManyAttempts",
]


class ArrivalCardError(common.ServiceError):
    """Root of the arrival-card service's errors; ``text`` says it in zh and en."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: its path (``("travellers", 2, "family_name")``) and what was expected."""

    loc: tuple[str | int, ...]
    text: Text
    type: str = "value_error"

    @property
    def field(self) -> str:
        return ".".join(str(p) for p in self.loc)

    def to_dict(self, prefix: tuple[str | int, ...] = ()) -> dict[str, object]:
        return {"loc": [*prefix, *self.loc], "field": self.field, "type": self.type,
                "msg": self.text.en, "zh": self.text.zh, "en": self.text.en}


class CardInvalid(ArrivalCardError, FactsError):
    """A card (or amendment) that does not validate; ``errors`` lists every invalid field."""

    status = 422

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        first = self.errors[0] if self.errors else FieldError((), Text("无效", "invalid"))
        ArrivalCardError.__init__(self, first.text)
        self.field = first.field
        self.message = first.text.en
        self.args = (f"{first.field}: {first.text.en}" if first.field else first.text.en,)

    def prefixed(self, *prefix: str | int) -> CardInvalid:
        return CardInvalid([FieldError((*prefix, *e.loc), e.text, e.type) for e in self.errors])

    def body(self) -> dict[str, object]:
        return {"detail": [e.to_dict(("body",)) for e in self.errors]}


class NotFound(ArrivalCardError, common.NotFound):
    pass


class Conflict(ArrivalCardError, common.Conflict):
    pass


class TokenInvalid(ArrivalCardError):
    status = 400


class NotAuthenticated(ArrivalCardError, common.NotAuthenticated):
    pass


class NotAllowed(ArrivalCardError, common.NotAllowed):
    pass


class TooManyAttempts(ArrivalCardError, common.TooManyAttempts):
    """Too many log-in attempts for a username or from an address: wait ``retry_after``
    seconds (the ``Retry-After`` header)."""


class DatabaseUnavailable(ArrivalCardError, common.DatabaseUnavailable):
    """``detail`` holds the driver's message for the log, never for the client."""
