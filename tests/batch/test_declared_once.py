"""The vectorised rules take their conditions from the measures' declarations: no clause ID
and no condition bit is written in ``churujing/batch``, no private helper of a measure is
called from there, and each rule reports its measure's declared conditions and clauses."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import churujing.batch
from churujing.batch.engine import VECTORISED
from churujing.batch.tables import INVALID, MASK
from churujing.measures import get_measure
from churujing.policy import load_policy

BATCH = Path(churujing.batch.__file__).parent
CLAUSE_ID = re.compile(r"^(M\d\d|A\d)(\.\d+)*$")
#: a shift by a literal below this is a condition's bit in a rule's unmet mask
MASK_BITS = int(INVALID).bit_length()


def _literal_clauses(tree: ast.AST) -> list[tuple[int, str]]:
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and CLAUSE_ID.match(n.value)]


def _literal_bits(tree: ast.AST) -> list[tuple[int, str]]:
    """``1 << k`` and ``x << k`` (``>> k``) with a literal ``k`` inside a rule's mask."""
    out = []
    for n in ast.walk(tree):
        if (isinstance(n, ast.BinOp | ast.AugAssign) and isinstance(n.op, ast.LShift | ast.RShift)
                and isinstance(n.value if isinstance(n, ast.AugAssign) else n.right,
                               ast.Constant)):
            k = (n.value if isinstance(n, ast.AugAssign) else n.right)
            assert isinstance(k, ast.Constant)
            if isinstance(k.value, int) and k.value < MASK_BITS:
                out.append((n.lineno, ast.unparse(n)))
    return out


def _private_measure_names(tree: ast.AST) -> list[tuple[int, str]]:
    """Names with a leading underscore reached in a measure module (``rule._areas``,
    ``from churujing.measures.m06_visa_free_transit import _day_rules``)."""
    aliases: set[str] = set()
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("churujing.measures"):
            for a in n.names:
                if a.name.startswith("_"):
                    out.append((n.lineno, f"{n.module}.{a.name}"))
                elif n.module == "churujing.measures" or a.name.startswith("m"):
                    aliases.add(a.asname or a.name)
        elif isinstance(n, ast.Import):
            aliases.update(a.asname or a.name for a in n.names
                           if a.name.startswith("churujing.measures"))
    for n in ast.walk(tree):
        if (isinstance(n, ast.Attribute) and n.attr.startswith("_")
                and not n.attr.startswith("__") and isinstance(n.value, ast.Name)
                and n.value.id in aliases):
            out.append((n.lineno, f"{n.value.id}.{n.attr}"))
    return out


FILES = sorted(BATCH.glob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_clause_id_is_written_in_the_batch(path: Path) -> None:
    assert _literal_clauses(ast.parse(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_condition_bit_is_written_in_the_batch(path: Path) -> None:
    assert _literal_bits(ast.parse(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_batch_reaches_no_private_helper_of_a_measure(path: Path) -> None:
    assert _private_measure_names(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_checks_find_what_they_look_for() -> None:
    tree = ast.parse('c = "A1.1"\nd = "M06"\nm |= 1 << 5\nbits = flag << 15\n'
                     'from churujing.measures import m06_visa_free_transit as rule\n'
                     'r = rule._day_rules(p, d)\n'
                     'from churujing.measures.m10_arrival_card import _matches\n')
    assert [v for _, v in _literal_clauses(tree)] == ["A1.1", "M06"]
    assert len(_literal_bits(tree)) == 2
    assert [v for _, v in _private_measure_names(tree)] == [
        "churujing.measures.m10_arrival_card._matches", "rule._day_rules"]
    # sizes are not bits
    assert _literal_bits(ast.parse("size = 1 << 20")) == []


@pytest.mark.parametrize("measure_id", sorted(VECTORISED))
def test_a_vectorised_rule_reports_its_measures_declared_conditions(measure_id: str) -> None:
    declared = get_measure(measure_id).module.CONDITIONS
    rule = VECTORISED[measure_id](load_policy(), None)
    assert rule.conditions == declared.codes
    assert len(declared) < np.iinfo(MASK).bits  # below the INVALID flag
    assert set(declared.clauses()) <= set(rule.clauses)
    assert list(rule.clauses) == sorted(set(rule.clauses))
