"""The certificate-photo check: the NIA photo guide, measured with OpenCV.

Each check is a named, advisory result with Chinese and English text, the threshold it
applied and where the threshold comes from; an officer decides. The guide's numbers are
data (``m07.photo_guide``, policy/data/m07/applications.yaml); the tolerances of the
measurement below are this module's readings and are stated in :class:`Tolerances`.

Checks, in order (``code``: what is measured):

* ``file_type``: the bytes are a JPEG (SOI marker and a baseline/progressive frame header)
  that OpenCV decodes;
* ``file_size``: 20–80 KiB;
* ``pixel_size``: 354–480 px wide, 472–640 px high;
* ``aspect``: 3:4;
* ``colour_depth``: 24-bit RGB: 8 bits per sample, 3 components (the JPEG frame header),
  and colour actually present (not a grey picture stored in three channels);
* ``one_face``: exactly one frontal face (OpenCV's Haar cascade
  ``haarcascade_frontalface_default.xml``, shipped inside the opencv-python-headless wheel);
* ``head_size``: the face 15–22 mm wide and the head 28–33 mm high on the 33×48 mm print;
* ``head_position``: 3–5 mm from the crown to the top edge, at least 7 mm from the chin to
  the bottom edge, the face centred;
* ``background``: uniform, and white, light grey or light blue;
* ``sharpness``: the face in focus (variance of the Laplacian).

References:
    《出入境证件相片照相指引》 (facts §11; ``m07.photo_guide``); ICAO Doc 9303 part 3.
    P. Viola, M. Jones, "Rapid object detection using a boosted cascade of simple
    features", CVPR 2001 (the face detector); J. L. Pech-Pacheco et al., "Diatom
    autofocusing in brightfield microscopy", ICPR 2000 (variance of the Laplacian).

Limitations:
    * The head's height is crown to chin. The crown is the first row above the face whose
      pixels differ from the background; the chin is read from the face box
      (:attr:`Tolerances.chin_below_box`). A dark background or hair that matches it makes
      the crown a guess; the check is advisory for that reason too.
    * The face width is the detector's box width, close to the cheek-to-cheek width the
      guide means.
    * The print framing (33×48 mm) is mapped onto the 3:4 digital image by height:
      1 mm = height/48 px, so the guide's head sizes become fractions of the image height
      (and the width of the head, of 33 mm across the same scale).
    * Not checked: expression, eyes open, glasses, head covering, retouching, the age of the
      photo. The officer looks.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from churujing.decision import Text
from churujing.i18n import T
from churujing.policy import Policy, load_policy

__all__ = ["GUIDE", "SOURCE", "Check", "PhotoReport", "Tolerances", "check_photo"]

GUIDE = "m07.photo_guide"
SOURCE = "《出入境证件相片照相指引》 (m07.photo_guide)"
_CASCADE = "haarcascade_frontalface_default.xml"

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Tolerances:
    """How strictly the guide's values are measured (our readings; not in the guide).

    ``aspect``: |w/h − 3/4| allowed, a fraction of 3/4 (1 %: the guide's own extremes,
    354×472 and 480×640, are exactly 3:4, and a camera crop may be a pixel off).
    ``background_std``: the largest standard deviation of the background's brightness,
    0–255 (a plain backdrop photographed under even light stays well below; a gradient
    or a patterned wall does not). ``grey_saturation``: the largest saturation still
    "0", 0–240 scale. ``blue_hue``: hue distance allowed around 135, 0–240 scale;
    ``blue_saturation_min``: the least saturation of "light blue", 0–240.
    ``sharpness_min``: the least variance of the Laplacian of the face, the face scaled to
    200 px wide (calibrated: the test portrait, a 1.9× enlargement of scikit-image's
    astronaut, measures about 51; the same blurred by a Gaussian of σ = 1 px, about 20).
    ``chin_below_box``: the chin lies this fraction of the face box's height
    below the box. ``crown_contrast``: the brightness difference from the background that
    marks the crown, 0–255. ``centre``: the face centre's largest distance from the middle,
    a fraction of the width.
    """

    aspect: float = 0.01
    background_std: float = 12.0
    grey_saturation: float = 24.0
    blue_hue: float = 15.0
    blue_saturation_min: float = 96.0
    sharpness_min: float = 30.0
    chin_below_box: float = 0.05
    crown_contrast: float = 40.0
    centre: float = 0.06


@dataclass(frozen=True, slots=True)
class Check:
    """One check: its code, whether it passed, the text, the threshold and its source."""

    code: str
    passed: bool
    text: Text
    threshold: str
    source: str
    measured: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "passed": self.passed, "zh": self.text.zh,
                "en": self.text.en, "threshold": self.threshold, "source": self.source,
                "measured": dict(self.measured)}


@dataclass(frozen=True, slots=True)
class PhotoReport:
    """Every check, in order; ``accepted`` when all passed. Advisory: an officer decides."""

    checks: tuple[Check, ...]
    seconds: float

    @property
    def accepted(self) -> bool:
        return all(c.passed for c in self.checks)

    def check(self, code: str) -> Check:
        for c in self.checks:
            if c.code == code:
                return c
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "checks": [c.to_dict() for c in self.checks]}


@cache
def _detector() -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + _CASCADE  # type: ignore[attr-defined]
    detector = cv2.CascadeClassifier(path)
    if detector.empty():  # pragma: no cover - a broken wheel
        raise RuntimeError(f"OpenCV's face cascade {path} did not load")
    return detector


def _jpeg_frame(data: bytes) -> tuple[int, int] | None:
    """(bits per sample, components) from a JPEG's frame header, or None if not a JPEG."""
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE,
                      0xCF):
            if i + 10 > len(data):
                return None
            return data[i + 4], data[i + 9]
        if marker == 0xDA:  # start of scan before any frame header
            return None
        i += 2 + length
    return None


def _mm(value: float) -> str:
    return f"{value:g} mm"


def _hsl240(bgr: npt.NDArray[np.float64]) -> tuple[float, float, float]:
    """Hue, saturation, luminance of a BGR colour on the 0–240 scale the guide uses."""
    pixel = np.clip(bgr, 0, 255).astype(np.uint8).reshape(1, 1, 3)
    hue, lum, sat = (float(v) for v in cv2.cvtColor(pixel, cv2.COLOR_BGR2HLS_FULL)[0, 0])
    return hue * 240 / 256, sat * 240 / 255, lum * 240 / 255


def check_photo(data: bytes, day: date | None = None, *, policy: Policy | None = None,
                tolerances: Tolerances | None = None) -> PhotoReport:
    """Check a certificate photo's bytes against the NIA guide in force on ``day``."""
    started = time.perf_counter()
    tol = tolerances or Tolerances()
    pol = policy or load_policy()
    param = pol.param(GUIDE)
    found = param.at(day) if day is not None else None
    guide: Mapping[str, Any] = (found or param.values[-1]).value
    checks: list[Check] = []

    # --- file_type ------------------------------------------------------------------------
    frame = _jpeg_frame(data)
    img: Image | None = None
    if frame is not None:
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        img = (decoded.astype(np.uint8, copy=False) if decoded is not None and decoded.size
               else None)
    checks.append(Check("file_type", img is not None,
                        T("文件为JPEG格式") if img is not None
                        else T("文件不是可读取的JPEG图像"), "JPEG", SOURCE))

    # --- file_size ------------------------------------------------------------------------
    lo, hi = guide["bytes"]["min"], guide["bytes"]["max"]
    size_ok = lo <= len(data) <= hi
    checks.append(Check("file_size", size_ok,
                        T("文件大小{kb}KB，在{lo}–{hi}KB之间", kb=round(len(data) / 1024, 1),
                          lo=lo // 1024, hi=hi // 1024) if size_ok else
                        T("文件大小{kb}KB，应在{lo}–{hi}KB之间", kb=round(len(data) / 1024, 1),
                          lo=lo // 1024, hi=hi // 1024),
                        f"{lo}–{hi} bytes", SOURCE, {"bytes": float(len(data))}))

    if img is None:
        for code in ("pixel_size", "aspect", "colour_depth", "one_face", "head_size",
                     "head_position", "background", "sharpness"):
            checks.append(Check(code, False, T("图像无法读取，不能检查"), "—", SOURCE))
        return PhotoReport(tuple(checks), time.perf_counter() - started)

    height, width = img.shape[:2]
    # --- pixel_size -----------------------------------------------------------------------
    w_lo, w_hi = guide["width"]["min"], guide["width"]["max"]
    h_lo, h_hi = guide["height"]["min"], guide["height"]["max"]
    px_ok = w_lo <= width <= w_hi and h_lo <= height <= h_hi
    checks.append(Check("pixel_size", px_ok,
                        T("图像{w}×{h}像素，符合要求", w=width, h=height) if px_ok else
                        T("图像{w}×{h}像素，宽应为{wl}–{wh}像素，高应为{hl}–{hh}像素",
                          w=width, h=height, wl=w_lo, wh=w_hi, hl=h_lo, hh=h_hi),
                        f"width {w_lo}–{w_hi} px, height {h_lo}–{h_hi} px", SOURCE,
                        {"width": float(width), "height": float(height)}))

    # --- aspect ----------------------------------------------------------------------------
    want = guide["aspect"]["width"] / guide["aspect"]["height"]
    ratio = width / height
    aspect_ok = abs(ratio - want) <= tol.aspect * want
    checks.append(Check("aspect", aspect_ok,
                        T("宽高比为3:4") if aspect_ok else
                        T("宽高比为{ratio}，应为3:4", ratio=f"{ratio:.3f}"),
                        f"3:4 ± {tol.aspect:.0%}", f"{SOURCE}; tolerance: Tolerances.aspect",
                        {"ratio": ratio}))

    # --- colour_depth ------------------------------------------------------------------------
    assert frame is not None
    bits, components = frame
    spread = float(np.abs(img.astype(np.int16) - img.mean(axis=2, keepdims=True)).mean())
    depth_ok = bits == 8 and components == 3 and spread >= 1.0
    checks.append(Check("colour_depth", depth_ok,
                        T("24位RGB真彩色") if depth_ok else
                        T("应为24位RGB真彩色（该图像为{bits}位×{n}通道{grey}）", bits=bits,
                          n=components, grey=T("，且无彩色") if spread < 1.0 else ""),
                        f"{guide['colour_bits']}-bit RGB", SOURCE,
                        {"bits": float(bits), "components": float(components),
                         "colour_spread": spread}))

    # --- one_face ------------------------------------------------------------------------------
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    side = min(width, height)
    faces: Sequence[Sequence[int]] = _detector().detectMultiScale(
        cv2.equalizeHist(grey), scaleFactor=1.1, minNeighbors=5,
        minSize=(max(24, side // 6), max(24, side // 6)))
    count = len(faces)
    checks.append(Check("one_face", count == 1,
                        T("检测到一张正面人脸") if count == 1 else
                        T("未检测到正面人脸") if count == 0 else
                        T("检测到{n}张人脸，应只有一张", n=count),
                        "exactly 1 frontal face (Haar cascade)", SOURCE,
                        {"faces": float(count)}))

    mm = height / guide["print_mm"]["height"]  # pixels per millimetre of the print
    bg_colour = np.median(img[: max(2, height // 40)].reshape(-1, 3), axis=0)
    crown = chin = None
    if count == 1:
        x, y, w, h = (int(v) for v in faces[0])
        # the crown: the first row above the face whose centre differs from the background
        band = img[: y, x + w // 4: x + 3 * w // 4].astype(np.float64)
        diff = np.abs(band - bg_colour).mean(axis=2).mean(axis=1) if y else np.zeros(0)
        rows = np.nonzero(diff > tol.crown_contrast)[0]
        crown = int(rows[0]) if rows.size else 0
        chin = min(height, round(y + h * (1 + tol.chin_below_box)))
        face_w_mm = w / mm
        head_h_mm = (chin - crown) / mm
        hw, hh = guide["head_width_mm"], guide["head_height_mm"]
        size_ok = hw["min"] <= face_w_mm <= hw["max"] and hh["min"] <= head_h_mm <= hh["max"]
        checks.append(Check("head_size", size_ok,
                            T("头部宽{w}毫米、高{h}毫米，符合要求", w=f"{face_w_mm:.1f}",
                              h=f"{head_h_mm:.1f}") if size_ok else
                            T("头部宽{w}毫米、高{h}毫米；应宽{wl}–{wh}毫米、高{hl}–{hh}毫米",
                              w=f"{face_w_mm:.1f}", h=f"{head_h_mm:.1f}", wl=hw["min"],
                              wh=hw["max"], hl=hh["min"], hh=hh["max"]),
                            f"width {_mm(hw['min'])}–{_mm(hw['max'])}, height "
                            f"{_mm(hh['min'])}–{_mm(hh['max'])} on the 33×48 mm print",
                            f"{SOURCE}; chin: Tolerances.chin_below_box",
                            {"face_width_mm": face_w_mm, "head_height_mm": head_h_mm}))
        top_mm = crown / mm
        bottom_mm = (height - chin) / mm
        off = abs((x + w / 2) - width / 2) / width
        ct, cb = guide["crown_to_top_mm"], guide["chin_to_bottom_mm"]
        pos_ok = ct["min"] <= top_mm <= ct["max"] and bottom_mm >= cb["min"] and off <= tol.centre
        checks.append(Check("head_position", pos_ok,
                            T("头顶距上边{t}毫米，下颌距下边{b}毫米，人像居中",
                              t=f"{top_mm:.1f}", b=f"{bottom_mm:.1f}") if pos_ok else
                            T("头顶距上边{t}毫米（应为{tl}–{th}毫米），下颌距下边{b}毫米（应不少于"
                              "{bl}毫米），偏离中线{off}", t=f"{top_mm:.1f}", tl=ct["min"],
                              th=ct["max"], b=f"{bottom_mm:.1f}", bl=cb["min"],
                              off=f"{off:.0%}"),
                            f"crown to top {_mm(ct['min'])}–{_mm(ct['max'])}, chin to bottom "
                            f"≥ {_mm(cb['min'])}, centred ± {tol.centre:.0%}",
                            f"{SOURCE}; centring: Tolerances.centre",
                            {"crown_to_top_mm": top_mm, "chin_to_bottom_mm": bottom_mm,
                             "off_centre": off}))
    else:
        for code in ("head_size", "head_position"):
            checks.append(Check(code, False, T("没有唯一的人脸，无法测量头部"),
                                "exactly 1 face", SOURCE))

    # --- background ---------------------------------------------------------------------------
    # the rows above the crown, and the side strips (1/14 of the width) of the upper third
    top_rows = max(2, (crown if crown else height // 12) - 2)
    strip = max(2, width // 14)
    upper = height // 3
    sample = np.concatenate([img[:top_rows].reshape(-1, 3), img[:upper, :strip].reshape(-1, 3),
                             img[:upper, width - strip:].reshape(-1, 3)]).astype(np.float64)
    luma = sample @ np.array([0.114, 0.587, 0.299])
    std = float(luma.std())
    hue, sat, lum = _hsl240(np.median(sample, axis=0))
    bgs = guide["backgrounds"]
    grey_ok = sat <= tol.grey_saturation and lum >= bgs["white_or_light_grey"]["luminance_min"]
    dh = min(abs(hue - bgs["light_blue"]["hue"]), 240 - abs(hue - bgs["light_blue"]["hue"]))
    blue_ok = (dh <= tol.blue_hue and sat >= tol.blue_saturation_min
               and lum >= bgs["light_blue"]["luminance_min"])
    uniform = std <= tol.background_std
    bg_ok = uniform and (grey_ok or blue_ok)
    checks.append(Check("background", bg_ok,
                        T("背景均匀，为白色、浅灰色或淡蓝色") if bg_ok else
                        T("背景不均匀（亮度标准差{std}）", std=f"{std:.1f}") if not uniform else
                        T("背景颜色（色调{h}、饱和度{s}、亮度{l}）不是白色、浅灰色或淡蓝色",
                          h=round(hue), s=round(sat), l=round(lum)),
                        f"std ≤ {tol.background_std:g}; white/light grey S ≤ "
                        f"{tol.grey_saturation:g}, L ≥ "
                        f"{bgs['white_or_light_grey']['luminance_min']}; light blue H "
                        f"{bgs['light_blue']['hue']} ± {tol.blue_hue:g}, S ≥ "
                        f"{tol.blue_saturation_min:g}, L ≥ {bgs['light_blue']['luminance_min']}"
                        " (0–240)",
                        f"{SOURCE}; uniformity and tolerances: Tolerances",
                        {"std": std, "hue": hue, "saturation": sat, "luminance": lum}))

    # --- sharpness -------------------------------------------------------------------------------
    if count == 1:
        x, y, w, h = (int(v) for v in faces[0])
        face = grey[y:y + h, x:x + w]
    else:
        face = grey[height // 6: height * 2 // 3, width // 4: width * 3 // 4]
    scale = 200 / max(1, face.shape[1])
    face = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA
                      if scale < 1 else cv2.INTER_LINEAR)
    sharp = float(cv2.Laplacian(face, cv2.CV_64F).var())
    sharp_ok = sharp >= tol.sharpness_min
    checks.append(Check("sharpness", sharp_ok,
                        T("人像清晰") if sharp_ok else
                        T("人像模糊（清晰度{v}，应不低于{min}）", v=round(sharp),
                          min=round(tol.sharpness_min)),
                        f"variance of the Laplacian ≥ {tol.sharpness_min:g} (face at 200 px)",
                        "《出入境证件相片照相指引》: 人像对焦准确、层次清晰; threshold: "
                        "Tolerances.sharpness_min", {"sharpness": sharp}))
    return PhotoReport(tuple(checks), time.perf_counter() - started)
