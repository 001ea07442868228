"""Certificate photos made by the tests: a passing one from scikit-image's astronaut (a NASA
portrait in the public domain, shipped inside the package), and variants that each break one
rule of the NIA photo guide."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]

SIZE = (354, 472)  # the guide's smallest size: width, height


@cache
def _portrait() -> tuple[Image, npt.NDArray[np.float32]]:
    """The astronaut framed to the guide (crown 3–5 mm, head 28–33 mm of 48 mm), and the
    person's mask (1 = person), separated from the studio backdrop by GrabCut."""
    from skimage import data

    img = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    pad = 30  # the crown is near the top edge: room above it
    img = cv2.copyMakeBorder(img, pad, 0, 0, 0, cv2.BORDER_REPLICATE)
    top, height, width, cx = pad - 3, 246, 184, 225
    crop = np.ascontiguousarray(img[top:top + height, cx - width // 2: cx + width // 2])
    mask = np.zeros(crop.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(7)
    cv2.grabCut(crop, mask, (14, 10, width - 28, height - 10), bgd, fgd, 5,
                cv2.GC_INIT_WITH_RECT)
    person = np.where((mask == 1) | (mask == 3), 1.0, 0.0).astype(np.float32)
    person = cv2.GaussianBlur(person, (5, 5), 0)
    crop = cv2.resize(crop, SIZE, interpolation=cv2.INTER_CUBIC)
    person = cv2.resize(person, SIZE, interpolation=cv2.INTER_LINEAR)
    return crop, person


def on_background(colour: tuple[int, int, int] | Image = (255, 255, 255)) -> Image:
    """The portrait on a backdrop: a BGR colour, or an image of the same size."""
    crop, person = _portrait()
    back = (np.broadcast_to(np.array(colour, np.float32), crop.shape)
            if isinstance(colour, tuple) else colour.astype(np.float32))
    alpha = person[..., None]
    return np.clip(crop * alpha + back * (1 - alpha), 0, 255).astype(np.uint8)


def jpeg(img: Image, quality: int = 90) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def grey_jpeg(img: Image) -> bytes:
    """A one-component (8-bit greyscale) JPEG."""
    return jpeg(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))  # type: ignore[arg-type]


def padded(data: bytes, extra: int) -> bytes:
    """The same JPEG with an APP15 segment of ``extra`` bytes: still valid, but larger."""
    chunks = []
    left = extra
    while left > 0:
        n = min(left, 65533)
        chunks.append(b"\xff\xef" + (n + 2).to_bytes(2, "big") + b"\0" * n)
        left -= n
    return data[:2] + b"".join(chunks) + data[2:]


def placed(img: Image, scale: float = 1.0, dx: int = 0, dy: int = 0) -> Image:
    """The portrait scaled about its centre and shifted, on white, at the same size."""
    w, h = SIZE
    m = np.float32([[scale, 0, (1 - scale) * w / 2 + dx], [0, scale, (1 - scale) * h / 2 + dy]])
    return cv2.warpAffine(img, m, SIZE, borderMode=cv2.BORDER_CONSTANT,  # type: ignore[call-overload]
                          borderValue=(255, 255, 255))


def two_faces() -> Image:
    """Two half-size portraits side by side on white."""
    small = cv2.resize(on_background(), (SIZE[0] // 2, SIZE[1] // 2), interpolation=cv2.INTER_AREA)
    out = np.full((SIZE[1], SIZE[0], 3), 255, np.uint8)
    y = SIZE[1] // 4
    out[y:y + small.shape[0], :small.shape[1]] = small
    out[y:y + small.shape[0], SIZE[0] - small.shape[1]:] = small
    return out


def blank() -> Image:
    return np.full((SIZE[1], SIZE[0], 3), 255, np.uint8)


def hsl240(hue: float, sat: float, lum: float) -> tuple[int, int, int]:
    """A BGR colour from hue, saturation, luminance on the guide's 0–240 scale."""
    px = np.array([[[round(hue * 256 / 240) % 256, round(lum * 255 / 240),
                     round(sat * 255 / 240)]]], np.uint8)
    b, g, r = cv2.cvtColor(px, cv2.COLOR_HLS2BGR_FULL)[0, 0]  # type: ignore[call-overload]
    return int(b), int(g), int(r)
