"""Services: information systems built on the rules (stateful, with storage).

* :mod:`churujing.services.arrival_card` — online filing of the foreigner arrival card
  (measure 10, annex 4): filing, receipt QR code, look-up at the port.
"""

from __future__ import annotations

__all__: list[str] = []
