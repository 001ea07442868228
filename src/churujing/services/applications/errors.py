"""Errors of the applications platform.

Each maps to one HTTP status::

    ChurujingError
     └── ServiceError (churujing.services.common.errors: the services' one root)
      └── ApplicationError
          ├── ApplicationInvalid     422  fields that do not validate (each named);
          │                               also a FactsError
          ├── Refused                422  the rule refuses: the unmet conditions, with clauses
          ├── DocumentsMissing       422  required documents not uploaded yet
          ├── DocumentRejected       422  an upload of a type or size that is not accepted
          ├── NotFound               404  no such application, or a wrong secret
          ├── NotAuthenticated       401  no or bad officer credentials
          ├── NotAllowed             403  an officer whose role does not allow the action
          ├── Conflict               409  a change the state forbids; an idempotency key reused
          ├── TransitionNotAllowed   409  the workflow does not allow this step from this state
          ├── SignatureInvalid       400  a payment callback whose HMAC does not verify
          ├── TooManyAttempts        429  recovery codes asked or tried too often (Retry-After)
          ├── ProviderUnknown        404  a provider name that names no provider
          └── DatabaseUnavailable    503  the database cannot be reached (Retry-After)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from churujing.decision import Condition, Text
from churujing.errors import FactsError
from churujing.i18n import T
from churujing.services.common import errors as common

__all__ = [
    "ApplicationError",
    "ApplicationInvalid",
    "Conflict",
    "DatabaseUnavailable",
    "DocumentRejected",
    "DocumentsMissing",
    "NotAllowed",
    "NotAuthenticated",
    "NotFound",
    "ProviderUnknown",
    "Refused",
    "SignatureInvalid",
    "TooManyAttempts",
    "TransitionNotAllowed",
]


class ApplicationError(common.ServiceError):
    """Root of the platform's errors; ``text`` says it in zh and en, ``status`` is HTTP's."""

    code = "application_error"

    def body(self) -> dict[str, Any]:
        out = super().body()
        field = getattr(self, "field", None)
        if field:
            out["field"] = field
        return out


class ApplicationInvalid(ApplicationError, FactsError):
    """Fields that do not validate: ``errors`` holds each, with its dotted field path."""

    status = 422
    code = "invalid"

    def __init__(self, errors: Sequence[FactsError]) -> None:
        first = errors[0]
        ApplicationError.__init__(self, T("申请内容有误：{field}", field=first.field))
        FactsError.__init__(self, first.message, field=first.field, text=first.message_text,
                            errors=tuple(errors))

    def body(self) -> dict[str, Any]:
        return {"detail": [{"loc": ["body", *[p for p in e.field.split(".") if p]],
                            "msg": e.message_in("en"), "zh": e.message_in("zh"),
                            "type": "value_error"} for e in self.invalid_fields]}


class Refused(ApplicationError):
    """The measure's rule refuses: ``unmet`` lists the conditions, each with its clause."""

    status = 422
    code = "refused"

    def __init__(self, measure: str, unmet: Sequence[Condition]) -> None:
        super().__init__(T("不符合网上申请条件：{conditions}",
                           conditions=Text.join([c.text for c in unmet], zh_sep="；",
                                                en_sep="; ")))
        self.measure = measure
        self.unmet = tuple(unmet)

    def body(self) -> dict[str, Any]:
        return {**super().body(), "measure": self.measure, "clause": "M07",
                "unmet": [c.to_dict() for c in self.unmet]}


class DocumentsMissing(ApplicationError):
    """Required documents that were not uploaded, or whose upload was not accepted."""

    status = 422
    code = "documents_missing"

    def __init__(self, kinds: Sequence[str]) -> None:
        super().__init__(T("缺少材料：{kinds}", kinds=", ".join(kinds)))
        self.kinds = tuple(kinds)

    def body(self) -> dict[str, Any]:
        return {**super().body(), "missing": list(self.kinds)}


class DocumentRejected(ApplicationError):
    """An upload refused outright (type or size); ``field`` names the document kind."""

    status = 422
    code = "document_rejected"

    def __init__(self, text: Text, *, field: str) -> None:
        super().__init__(text)
        self.field = field


class NotFound(ApplicationError, common.NotFound):
    code = "not_found"


class TransitionNotAllowed(ApplicationError):
    """The workflow allows no ``event`` from ``state``; ``allowed`` lists what it does allow."""

    status = 409
    code = "transition_not_allowed"

    def __init__(self, event: str | Text, state: str | Text, allowed: Sequence[str]) -> None:
        # labels (Text) render in each language; a bare code stays as it is
        super().__init__(T("申请处于“{state}”状态，不能“{event}”", state=state, event=event))
        self.event = event.zh if isinstance(event, Text) else event
        self.state = state.zh if isinstance(state, Text) else state
        self.allowed = tuple(allowed)

    def body(self) -> dict[str, Any]:
        return {**super().body(), "allowed": list(self.allowed)}


class SignatureInvalid(ApplicationError):
    status = 400
    code = "signature_invalid"


class ProviderUnknown(ApplicationError):
    status = 404
    code = "provider_unknown"


class Conflict(ApplicationError, common.Conflict):
    """A change that the application's state forbids (not a workflow step), or an
    ``Idempotency-Key`` reused for another request."""

    code = "conflict"


class NotAllowed(ApplicationError, common.NotAllowed):
    """An officer whose role does not allow the action."""

    code = "not_allowed"


class DatabaseUnavailable(ApplicationError, common.DatabaseUnavailable):
    """The database cannot be reached: 503 with ``Retry-After``."""

    code = "database_unavailable"


class NotAuthenticated(ApplicationError, common.NotAuthenticated):
    """No or bad officer credentials."""

    code = "not_authenticated"


class TooManyAttempts(ApplicationError, common.TooManyAttempts):
    """Recovery codes asked for, or tried, too often; ``retry_after`` in seconds."""

    code = "too_many_attempts"
