"""The services' one error root and the statuses they share.

Every error of a service (the arrival card's :mod:`~churujing.services.arrival_card.errors`,
the platform's :mod:`~churujing.services.applications.errors`) derives from
:class:`ServiceError`: it says what went wrong in Chinese and English (``text``), carries
its HTTP status, and knows its JSON body and headers, which the one error-route class
(:class:`churujing.services.common.routes.ErrorRoute`) sends::

    ChurujingError
     └── ServiceError               400 (each service's root derives from it)
          ├── NotFound              404
          ├── Conflict              409
          ├── NotAuthenticated      401  (WWW-Authenticate: Bearer)
          ├── NotAllowed            403
          ├── TooManyAttempts       429  (Retry-After: ``retry_after`` seconds)
          └── DatabaseUnavailable   503  (Retry-After: 5; ``detail`` is for the log only)

A service's own class of one of these statuses derives from both its root and the shared
class (``class NotFound(ArrivalCardError, common.NotFound)``), so that ``except
ArrivalCardError`` and ``except common.NotFound`` both catch it. The shared code
(:mod:`.accounts`, :mod:`.crypto`) raises the classes its caller gives it, or these.
"""

from __future__ import annotations

from typing import Any

from churujing.decision import Text
from churujing.errors import ChurujingError

__all__ = ["Conflict", "DatabaseUnavailable", "NotAllowed", "NotAuthenticated", "NotFound",
           "ServiceError", "TooManyAttempts"]


class ServiceError(ChurujingError):
    """Root of every service's errors; ``text`` says it in zh and en, ``status`` is HTTP's,
    ``code`` names the kind in a JSON body (empty: the body has no ``code``)."""

    status = 400
    code = ""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text

    def body(self) -> dict[str, Any]:
        """The JSON body of the error's response."""
        out: dict[str, Any] = {"detail": self.text.en, "zh": self.text.zh, "en": self.text.en}
        if self.code:
            out["code"] = self.code
        return out

    def headers(self) -> dict[str, str]:
        """The headers of the error's response."""
        return {"WWW-Authenticate": "Bearer"} if self.status == 401 else {}


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class NotAuthenticated(ServiceError):
    """No or bad officer credentials."""

    status = 401


class NotAllowed(ServiceError):
    """An officer whose role does not allow the action."""

    status = 403


class TooManyAttempts(ServiceError):
    """Too many attempts (log-ins, recovery codes): wait ``retry_after`` seconds."""

    status = 429

    def __init__(self, text: Text, *, retry_after: int) -> None:
        super().__init__(text)
        self.retry_after = max(1, int(retry_after))

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class DatabaseUnavailable(ServiceError):
    """The database cannot be reached (or stays locked): 503 with ``Retry-After``;
    ``detail`` holds the driver's message for the log, never for the client."""

    status = 503
    detail = ""

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}
