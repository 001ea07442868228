"""The package's YAML reader gives what ``yaml.safe_load`` gives, libyaml or not."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from churujing import _yaml
from churujing._yaml import load_yaml

PACKAGE = Path(str(files("churujing")))
DATA_FILES = sorted(PACKAGE.rglob("*.yaml"))


def exactly(value: Any) -> Any:
    """``value`` with every type and every mapping's key order made visible to ``==``."""
    if isinstance(value, dict):
        return ("dict", [(exactly(k), exactly(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [exactly(v) for v in value])
    return (type(value).__name__, value)


def test_the_data_files_are_found() -> None:
    names = {p.name for p in DATA_FILES}
    assert {"announcement.yaml", "exonyms.yaml", "ports.yaml"} <= names


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    assert (_yaml._FAST is not None) == yaml.__with_libyaml__


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_packaged_file_reads_as_safe_load_reads_it(path: Path) -> None:
    raw = path.read_bytes()
    assert exactly(load_yaml(raw)) == exactly(yaml.safe_load(raw))
    assert exactly(load_yaml(raw.decode("utf-8"))) == exactly(yaml.safe_load(raw))


def test_an_invalid_document_fails_with_safe_loads_message() -> None:
    bad = "name: x\nitems: [1, 2\nkey: value\n"
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(bad)
    with pytest.raises(yaml.YAMLError) as got:
        load_yaml(bad)
    assert str(got.value) == str(expected.value)
    assert "^" in str(got.value)  # the offending line is quoted, as the pure-Python loader does


def test_without_libyaml_the_pure_python_loader_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_yaml, "_FAST", None)
    assert load_yaml("a: 2025-11-05\nb: [1, '2']\n") == yaml.safe_load(
        "a: 2025-11-05\nb: [1, '2']\n"
    )
