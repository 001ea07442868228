"""What the services share (issue 14: one services layer).

The arrival-card service (:mod:`churujing.services.arrival_card`) and the applications
platform (:mod:`churujing.services.applications`) each keep their own tables, with their
own prefix and Alembic version table, in one database. They share:

* :mod:`.db` (the database: SQLite or PostgreSQL, sessions, migrations) and :mod:`.settings`;
* :mod:`.crypto` (the one key ring: encryption of personal data, keyed hashes, signing;
  :class:`~.crypto.LiveKeys` reloads a rotated key file);
* :mod:`.accounts` (officers, log-in, lockout, tokens), :mod:`.roles`, :mod:`.throttle`
  and :mod:`.limits` (moving windows), over the tables of :mod:`.models`;
* :mod:`.audit` and :mod:`.chain` (the hash-chained audit);
* :mod:`.errors` (the services' one error root) and :mod:`.routes` (the one error-route
  class, per-route body limits); :mod:`.csrf`, :mod:`.state`, :mod:`.clock`.
"""

from __future__ import annotations

__all__: list[str] = []
