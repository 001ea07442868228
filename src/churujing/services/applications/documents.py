"""The documents of an online renewal: kinds, accepted types and sizes, and their checks.

Required (facts §11): the digital certificate photo (``photo``; checked against the NIA
guide by :mod:`.photo`), a photo of the handwritten signature (``signature``: black pen on
white paper, horizontal) and the ID card's front and back (``id_front``, ``id_back``).

Limitations:
    * The signature and ID card photos are checked only for being a readable JPEG or PNG
      of at least 300 px on the short side, and the signature for being horizontal; what
      they show is for the officer (our reading: the guides state no numbers for them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import cv2
import numpy as np

from churujing.decision import Text
from churujing.i18n import T
from churujing.policy import Policy

from .errors import DocumentRejected
from .photo import Check, PhotoReport, check_photo

__all__ = ["KINDS", "REQUIRED", "check_document", "sniff"]

KINDS: Mapping[str, Text] = {
    "photo": T("证件照片"),
    "signature": T("手写签名照片"),
    "id_front": T("居民身份证正面"),
    "id_back": T("居民身份证背面"),
}
REQUIRED = tuple(KINDS)
_SOURCE = "facts §11 (证件换补发网上申请: 上传材料)"
_MIN_SIDE = 300


def sniff(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` by the file's first bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def check_document(kind: str, data: bytes, day: date, *, max_bytes: int,
                   policy: Policy | None = None) -> tuple[str, PhotoReport]:
    """The content type and the checks of an upload; :class:`DocumentRejected` when it is
    of a kind, type or size that is not accepted at all."""
    if kind not in KINDS:
        raise DocumentRejected(T("材料种类“{kind}”无效，应为：{kinds}", kind=kind,
                                 kinds=", ".join(KINDS)), field="kind")
    if not data:
        raise DocumentRejected(T("上传的文件为空"), field=kind)
    if len(data) > max_bytes:
        raise DocumentRejected(T("文件过大：{size}字节，最多{max}字节", size=len(data),
                                 max=max_bytes), field=kind)
    ctype = sniff(data)
    allowed = ("image/jpeg",) if kind == "photo" else ("image/jpeg", "image/png")
    if ctype is None or ctype not in allowed:
        raise DocumentRejected(T("文件类型不符：应为{types}", types=" / ".join(
            a.removeprefix("image/").upper() for a in allowed)), field=kind)
    if kind == "photo":
        return ctype, check_photo(data, day, policy=policy)
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    readable = img is not None and img.size > 0
    checks = [Check("file_type", readable, T("图像可以读取") if readable else
                    T("图像无法读取"), "JPEG or PNG", _SOURCE)]
    if img is not None and readable:
        h, w = img.shape[:2]
        big = min(h, w) >= _MIN_SIDE
        checks.append(Check("pixel_size", big, T("图像{w}×{h}像素", w=w, h=h) if big else
                            T("图像{w}×{h}像素，短边应不少于{min}像素", w=w, h=h,
                              min=_MIN_SIDE),
                            f"short side ≥ {_MIN_SIDE} px", f"{_SOURCE}; our reading",
                            {"width": float(w), "height": float(h)}))
        if kind == "signature":
            flat = w > h
            checks.append(Check("orientation", flat, T("签名照片为横向") if flat else
                                T("签名照片应为横向拍摄"), "width > height",
                                "facts §11: 横向", {"ratio": w / h}))
    return ctype, PhotoReport(tuple(checks), 0.0)
