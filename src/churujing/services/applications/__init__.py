"""Online applications: the platform, and measure 7 (renewal and replacement) on it.

An applicant passes the gate (the measure-7 rule, :mod:`.gate`), fills in a draft, uploads
the certificate photo (checked against the NIA photo guide, :mod:`.photo`), the signature
and the ID card, and submits; a reviewer decides; the applicant pays; the document is made
and dispatched or collected. The steps are the transitions of :mod:`.workflow`.

Modules: :mod:`.errors`, :mod:`.workflow` (python-statemachine), :mod:`.idnumber`
(GB 11643), :mod:`.gate`. See ``docs/applications.md``.
"""

from __future__ import annotations

from .errors import (
    ApplicationError,
    ApplicationInvalid,
    DocumentRejected,
    DocumentsMissing,
    NotFound,
    ProviderUnknown,
    Refused,
    SignatureInvalid,
    TransitionNotAllowed,
)

__all__ = [
    "ApplicationError",
    "ApplicationInvalid",
    "DocumentRejected",
    "DocumentsMissing",
    "NotFound",
    "ProviderUnknown",
    "Refused",
    "SignatureInvalid",
    "TransitionNotAllowed",
]
