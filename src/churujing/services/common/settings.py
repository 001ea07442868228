"""The settings every service shares, from the environment (prefix ``CHURUJING_``):

* ``CHURUJING_DATA_DIR``: the services' folder (their SQLite database and key file unless
  set otherwise), made absolute once, at start (default ``~/.local/share/churujing``);
* ``CHURUJING_DATABASE_URL``: ``sqlite:///path`` or ``postgresql+psycopg://…`` (default:
  ``DATA_DIR/churujing.sqlite3``): the arrival card's ``ac_*`` and the applications'
  ``ap_*`` tables in one database;
* ``CHURUJING_KEYS`` / ``CHURUJING_KEY_FILE``: the one key ring (see
  :mod:`churujing.services.common.crypto`; default ``DATA_DIR/keys.json``);
* ``CHURUJING_BUSY_TIMEOUT_MS``, ``CHURUJING_AUTO_MIGRATE``, ``CHURUJING_PRODUCTION``.

Each service's own settings extend :class:`ServiceSettings` (the arrival card's
:class:`~churujing.services.arrival_card.settings.Settings`) or read their own prefix
(:class:`~churujing.services.applications.settings.ApplicationSettings`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ServiceSettings", "default_data_dir"]


class ServiceSettings(BaseSettings):
    """What the services share; every field has an environment variable ``CHURUJING_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CHURUJING_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: default_data_dir())
    database_url: str = ""
    keys: SecretStr | None = None
    key_file: Path = Path()
    busy_timeout_ms: int = Field(10000, ge=0)
    auto_migrate: bool = True
    production: bool = False  # keys must then be given explicitly and never made here
    key_file_explicit: bool = Field(False, exclude=True)  # set by the validator

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, values: Any) -> Any:
        """The data folder made absolute once; the database and key file in it by default
        (no path is left relative to the working directory)."""
        if not isinstance(values, dict):
            return values
        data = Path(values.get("data_dir") or default_data_dir()).expanduser().resolve()
        values["data_dir"] = data
        if not values.get("database_url"):
            values["database_url"] = f"sqlite:///{data / 'churujing.sqlite3'}"
        key_file = values.get("key_file")
        values["key_file_explicit"] = bool(key_file)
        values["key_file"] = (Path(key_file).expanduser().resolve() if key_file
                              else data / "keys.json")
        return values


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "churujing"
