"""Chinese and English text through gettext catalogues (kept for compatibility).

Text and its rendering live in :mod:`churujing.text`; this module re-exports
:func:`T`, :func:`catalogue`, :func:`render` and :func:`translate` from there.
"""

from __future__ import annotations

from churujing.text import T, catalogue, render, translate

__all__ = ["T", "catalogue", "render", "translate"]
