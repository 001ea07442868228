"""/docs and /redoc reference only the package's own assets, and each of them is served."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_the_docs_pages_use_only_their_own_assets(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 200
        assert "script-src 'self'" in r.headers["content-security-policy"]
        refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert refs and all(ref.startswith("/") for ref in refs), refs
        assert "<script>" not in r.text  # no inline script
        for ref in refs:
            assert client.get(ref).status_code == 200, ref
    assert b"cdn.redoc.ly" not in client.get("/docs-assets/redoc.js").content
