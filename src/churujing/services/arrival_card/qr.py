"""The receipt's QR code (segno): SVG and PNG of the signed token."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_png", "qr_svg"]


def _qr(token: str) -> segno.QRCode:
    return segno.make(token, error="m", micro=False)


def qr_svg(token: str, *, scale: int = 4, title: str = "") -> str:
    """An inline SVG (no XML declaration) of the QR code of ``token``."""
    buf = io.BytesIO()
    _qr(token).save(buf, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
                    title=title or None, svgclass="ac-qr", lineclass=None)
    return buf.getvalue().decode("utf-8")


def qr_png(token: str, *, scale: int = 6) -> bytes:
    """A PNG of the QR code of ``token``."""
    buf = io.BytesIO()
    _qr(token).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
