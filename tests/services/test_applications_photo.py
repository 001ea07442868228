"""The certificate-photo check against the NIA photo guide (facts §11; m07.photo_guide).

The passing photo is scikit-image's astronaut on a white backdrop; every other image is
made here, each breaking one rule of the guide, and the test asserts that exactly the
checks it breaks fail.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import photos as P
import pytest

from churujing.services.applications.photo import check_photo

CODES = ["file_type", "file_size", "pixel_size", "aspect", "colour_depth", "one_face",
         "head_size", "head_position", "background", "sharpness"]


def failed(data: bytes) -> list[str]:
    return [c.code for c in check_photo(data).checks if not c.passed]


def test_the_astronaut_on_white_passes_every_check() -> None:
    report = check_photo(P.jpeg(P.on_background()))
    assert [c.code for c in report.checks] == CODES
    assert report.accepted, [c.to_dict() for c in report.checks if not c.passed]
    for c in report.checks:
        assert c.text.zh and c.text.en and c.text.zh != c.text.en
        assert c.threshold and "照相指引" in c.source


def test_a_blank_image_fails_the_face_checks() -> None:
    assert {"one_face", "head_size", "head_position"} <= set(failed(P.jpeg(P.blank())))


CASES: list[tuple[str, Callable[[], bytes], list[str]]] = [
    ("a PNG is not a JPEG", lambda: bytes(cv2.imencode(".png", P.on_background())[1]),
     ["file_type", "file_size", "pixel_size", "aspect", "colour_depth", "one_face",
      "head_size", "head_position", "background", "sharpness"]),
    ("random bytes are not an image", lambda: b"\xff\xd8\xff" + b"x" * 30000,
     ["file_type", "pixel_size", "aspect", "colour_depth", "one_face", "head_size",
      "head_position", "background", "sharpness"]),
    ("a file over 80 KB", lambda: P.padded(P.jpeg(P.on_background()), 70000), ["file_size"]),
    ("a greyscale JPEG is not 24-bit colour", lambda: P.grey_jpeg(P.on_background()),
     ["colour_depth"]),
    ("a grey picture in three channels has no colour",
     lambda: P.jpeg(cv2.cvtColor(cv2.cvtColor(P.on_background(), cv2.COLOR_BGR2GRAY),
                                 cv2.COLOR_GRAY2BGR), 95), ["colour_depth"]),
    ("a photo smaller than 354×472", lambda: P.jpeg(cv2.resize(P.on_background(), (300, 400)),
                                                    98), ["pixel_size"]),
    ("a photo that is not 3:4", lambda: P.jpeg(cv2.resize(P.on_background(), (420, 472))),
     ["aspect", "head_size"]),
    ("a blurred photo", lambda: P.jpeg(cv2.GaussianBlur(P.on_background(), (0, 0), 2), 97),
     ["sharpness"]),
    ("a red backdrop", lambda: P.jpeg(P.on_background((40, 40, 200))), ["background"]),
    ("a mid-grey backdrop is too dark", lambda: P.jpeg(P.on_background((195, 195, 195))),
     ["background"]),
    ("a backdrop that fades from white to grey",
     lambda: P.jpeg(P.on_background(np.repeat(np.linspace(255, 150, P.SIZE[0], dtype=np.float32)
                                               [None, :, None], 3, axis=2).repeat(P.SIZE[1], 0)
                                     .astype(np.uint8))), ["background"]),
    ("a head too small", lambda: P.jpeg(P.placed(P.on_background(), 0.75), 97),
     ["head_size", "head_position"]),
    # the astronaut's hair is wide: moved 9 % to the side it reaches the edge, where the
    # backdrop is sampled, so the backdrop is reported too
    ("a head off centre", lambda: P.jpeg(P.placed(P.on_background(), dx=32)),
     ["head_position", "background"]),
    ("a head too close to the top edge", lambda: P.jpeg(P.placed(P.on_background(), dy=-12)),
     ["head_position"]),
    ("two people", lambda: P.jpeg(P.two_faces()), ["one_face", "head_size", "head_position"]),
]


@pytest.mark.parametrize(("name", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_broken_fails_its_check(name: str, make: Callable[[], bytes],
                                          expected: list[str]) -> None:
    assert failed(make()) == expected


@pytest.mark.parametrize("colour", [P.hsl240(135, 240, 200), P.hsl240(0, 0, 225)],
                         ids=["light blue", "light grey"])
def test_the_other_allowed_backdrops_pass(colour: tuple[int, int, int]) -> None:
    assert failed(P.jpeg(P.on_background(colour))) == []


def test_the_report_gives_each_check_its_measure() -> None:
    report = check_photo(P.jpeg(P.on_background()))
    head = report.check("head_size").measured
    assert 15 <= head["face_width_mm"] <= 22 and 28 <= head["head_height_mm"] <= 33
    assert report.to_dict()["accepted"] is True
