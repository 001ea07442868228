"""`churujing.api:app` is the ASGI application, as uvicorn and the README name it."""

from __future__ import annotations

import importlib

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_the_module_attribute_app_is_the_fastapi_application() -> None:
    importlib.import_module("churujing.api.application")  # a submodule must not shadow `app`
    module = importlib.import_module("churujing.api")
    app = module.app
    assert isinstance(app, FastAPI)
    assert module.app is app  # built once
    assert TestClient(app).get("/healthz").json()["status"] == "ok"
