"""The thinnest FastAPI app that answers a check: the peer of ``bench/service.py``.

One route calls the same library function as ``churujing serve`` does
(``Measure.check``) and returns the library's own JSON (``Decision.to_dict()``); no
middleware, no dependencies, no response model. ``uvicorn thin_peer:app``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from churujing.measures import get_measure

app = FastAPI()
_measure = get_measure("visa-free-transit-240h")


@app.post("/check")
async def check(request: Request) -> JSONResponse:
    return JSONResponse(_measure.check(await request.json()).to_dict())


@app.get("/healthz")
async def healthz() -> dict[str, Any]:
    return {"status": "ok"}
