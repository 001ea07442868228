"""What the services share: the database (:mod:`.db`) and the hash chain of their audit
logs (:mod:`.chain`).

The arrival-card service (:mod:`churujing.services.arrival_card`) and the applications
platform (:mod:`churujing.services.applications`) each keep their own tables, with their
own prefix and Alembic version table, in one database; keys and encryption are the
arrival card's :class:`~churujing.services.arrival_card.crypto.KeyRing`.
"""

from __future__ import annotations

__all__: list[str] = []
