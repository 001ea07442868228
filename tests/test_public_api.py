"""The public surface: a sorted __all__, pinned."""

from __future__ import annotations

import pytest

import churujing


def test_all_is_sorted_and_pinned() -> None:
    # isort-style order (constants, classes, functions), as ruff's RUF022 keeps it
    assert churujing.__all__ == [
        "MEASURES",
        "ChurujingError",
        "Condition",
        "DataError",
        "Decision",
        "FactsError",
        "Measure",
        "Policy",
        "Text",
        "UnknownMeasureError",
        "__version__",
        "check",
        "clause",
        "get_measure",
        "load_policy",
    ]
    for name in churujing.__all__:
        assert hasattr(churujing, name), name


def test_the_ten_measures_are_registered_in_order() -> None:
    assert [m.clause for m in churujing.MEASURES.values()] == [f"M{n:02d}" for n in range(1, 11)]


def test_a_missing_measure_module_is_an_import_error_not_a_measure_left_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from churujing import measures

    monkeypatch.setattr(measures, "_MODULES", (*measures._MODULES, "m11_not_written"))
    with pytest.raises(ModuleNotFoundError, match="m11_not_written"):
        measures._load()
