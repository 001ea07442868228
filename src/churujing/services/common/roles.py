"""The roles of the services' officer accounts (kept apart so that the CLI can name them
cheaply): one set of accounts for the arrival card and the applications platform."""

from __future__ import annotations

__all__ = ["ROLES"]

ROLES = ("officer", "operator", "reviewer")
"""``officer``: looks filings up at the port. ``operator``: runs the service (officer
accounts, audit log) but sees no filing. ``reviewer``: decides on online applications
(``churujing.services.applications``); the platform's production and hand-over are for
``officer`` and ``operator``."""
