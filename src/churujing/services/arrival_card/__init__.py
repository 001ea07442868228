"""The online foreigner arrival card service (measure 10, annex 4).

Travellers file their arrival card before travelling (or at the port); the service
runs the measure-10 rule first (an exempt traveller is told so, with the clause, and
may still file), stores the card encrypted, and returns a receipt: a filing number, a
secret that lets the filer see, amend or cancel it, and a QR code carrying a token
signed with Ed25519 that an officer's device verifies offline. Officers look filings
up by number, QR token, or nationality and passport number, after authenticating;
every look-up is audited.

Modules: :mod:`.card` (fields and validation), :mod:`.settings`, :mod:`.tokens` (receipt
tokens verified offline; the keys are the services' shared key ring,
:mod:`churujing.services.common.crypto`), :mod:`.qr`, :mod:`.models` and :mod:`.db`
(SQLAlchemy 2, SQLite or PostgreSQL, Alembic migrations), the workflows split by concern
over :mod:`.records`: :mod:`.filings`, :mod:`.officers` (the shared accounts, look-ups,
audit) and :mod:`.maintenance`, composed by :mod:`.service`; :mod:`.deps` (what the
routes and the pages share), :mod:`.api` (routes), :mod:`.pages`, :mod:`.cli`
(``churujing arrival-card``).
See ``docs/arrival-card.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    ArrivalCardError,
    CardInvalid,
    Conflict,
    DatabaseUnavailable,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TokenInvalid,
)

__all__ = [
    "ArrivalCardError",
    "Card",
    "CardInvalid",
    "Conflict",
    "DatabaseUnavailable",
    "NotAllowed",
    "NotAuthenticated",
    "NotFound",
    "TokenInvalid",
    "parse_card",
]


if TYPE_CHECKING:
    from .card import Card, parse_card


def __getattr__(name: str) -> Any:
    """``Card`` and ``parse_card`` load :mod:`.card` (and phonenumbers) when first asked for:
    the ``churujing`` command line imports this package for its ``arrival-card`` commands."""
    if name in ("Card", "parse_card"):
        from . import card

        return getattr(card, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
