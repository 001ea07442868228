"""The layers of ``src/churujing``, read from the code itself (issue 11, "Done when").

* No import cycle among churujing's modules. Every import counts, those inside functions
  too: an import inside a function is there only to load a heavy optional dependency
  lazily (:data:`LAZY`), never to hide a cycle. Imports under ``if TYPE_CHECKING:`` are
  for the type checker only and never run; they do not count.
* The pages (``churujing.web``) import nothing from the API (``churujing.api``): both
  read the library's views (``churujing.views``).
* No clause ID is written as a string literal in ``churujing.batch``: the batch takes its
  clauses from the measures' declarations.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"

#: Heavy optional dependencies that a module may load inside a function, so that importing
#: churujing stays light: the compiled kernels (Numba), the database stack, the batch's
#: dataframes, the cluster runner, the name-matching and CLDR libraries. An import of one
#: of these (or of the churujing module that wraps one) inside a function is not an edge of
#: the graph below; every other import is. Each entry must be imported lazily somewhere.
LAZY: tuple[str, ...] = (
    "churujing.batch.kernels",  # Numba kernels, compiled on first use
    "sqlalchemy",  # the database stack
    "alembic",
    "argon2",
    "cryptography",
    "polars",  # the batch's dataframes (plugins)
    "distributed",  # the cluster runner
    "pypinyin",  # names of places
    "rapidfuzz",
    "babel",
    "airportsdata",
    "pycountry",
    "holidays",
    "uvicorn",
)

#: The service packages with routes (``api``) and pages (``pages``): both import the
#: package's ``deps`` (as the FastAPI template's deps.py), never each other.
SERVICES: tuple[str, ...] = ("churujing.services.arrival_card", "churujing.services.applications")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (the nearest module of the name)
    line: int
    lazy: bool  # inside a function


def modules(root: Path = SRC, package: str = "churujing") -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` under ``root``."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(mods: dict[str, Path], package: str = "churujing") -> Iterator[Import]:
    """Every import in ``mods`` (inside functions too), resolved to a module name: the
    package's own module where the name is one, else the name as written."""

    def nearest(name: str) -> str:
        if not (name == package or name.startswith(package + ".")):
            return name
        while name not in mods and "." in name:
            name = name.rsplit(".", 1)[0]
        return name

    for name, path in mods.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: list[Import] = []

        def visit(node: ast.AST, lazy: bool, name: str = name, here: str = here,
                  found: list[Import] = found) -> None:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                for child in node.orelse:
                    visit(child, lazy)
                return
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.append(Import(name, nearest(alias.name), node.lineno, lazy))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.append(Import(name, nearest(full if full in mods else base),
                                        node.lineno, lazy))
            inner = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            for child in ast.iter_child_nodes(node):
                visit(child, inner)

        visit(ast.parse(path.read_text(encoding="utf-8")), False)
        yield from found


def _allowed_lazy(target: str) -> bool:
    return any(target == m or target.startswith(m + ".") for m in LAZY)


def graph(mods: dict[str, Path], package: str = "churujing") -> dict[str, set[str]]:
    """module -> the package's modules it imports (lazy imports of :data:`LAZY` left out)."""
    out: dict[str, set[str]] = {m: set() for m in mods}
    for imp in imports(mods, package):
        if imp.target in mods and imp.target != imp.source and not (
                imp.lazy and _allowed_lazy(imp.target)):
            out[imp.source].add(imp.target)
    return out


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            connect(v)
    return sorted(out)


def _path(g: dict[str, set[str]], component: list[str]) -> str:
    """One cycle through a component, as ``a -> b -> a``, to say where to look."""
    members = set(component)
    start = component[0]
    trail, seen = [start], {start}
    while True:
        nxt = sorted(w for w in g[trail[-1]] if w in members)
        back = [w for w in nxt if w in seen]
        if back:
            return " -> ".join([*trail[trail.index(back[0]):], back[0]])
        trail.append(nxt[0])
        seen.add(nxt[0])


def _cycles_found() -> tuple[dict[str, set[str]], list[list[str]]]:
    g = graph(modules())
    return g, cycles(g)


def test_the_library_has_no_import_cycle() -> None:
    g, found = _cycles_found()
    assert not found, "import cycles: " + "; ".join(_path(g, c) for c in found)


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_routes_and_pages_meet_only_in_its_deps(service: str) -> None:
    """``api`` and ``pages`` never import each other (not even inside a function); both
    import ``deps``."""
    mods = modules()
    api, pages, deps = f"{service}.api", f"{service}.pages", f"{service}.deps"
    assert {api, pages, deps} <= set(mods)
    edges = {(i.source, i.target) for i in imports(mods)}
    assert (api, pages) not in edges and (pages, api) not in edges, service
    assert (api, deps) in edges and (pages, deps) in edges, service


def test_the_services_share_one_layer_and_meet_only_there() -> None:
    """Issue 14 item 1: what the services share lives in ``services.common``, which imports
    neither service; the applications platform reaches the arrival card only through its
    ``deps`` (the holder of the shared officer accounts), never its models, keys or errors."""
    mods = modules()
    common, card, apps = ("churujing.services.common", "churujing.services.arrival_card",
                          "churujing.services.applications")
    edges = {(i.source, i.target) for i in imports(mods)}
    up = sorted(f"{a} -> {b}" for a, b in edges
                if a.startswith(common) and (b.startswith(card) or b.startswith(apps)))
    assert not up, up
    across = sorted(f"{a} -> {b}" for a, b in edges
                    if a.startswith(apps) and b.startswith(card) and b != f"{card}.deps")
    assert not across, across


def test_the_pages_import_nothing_from_the_api() -> None:
    found = [f"{i.source}:{i.line} imports {i.target}" for i in imports(modules())
             if (i.source == "churujing.web" or i.source.startswith("churujing.web."))
             and (i.target == "churujing.api" or i.target.startswith("churujing.api."))]
    assert not found, found


def test_decision_and_text_are_below_i18n() -> None:
    """Text and its rendering live in ``churujing.text``; ``decision`` imports it, and
    neither imports ``i18n`` (which only re-exports ``text``)."""
    g = graph(modules())
    assert "churujing.text" in g["churujing.decision"]
    assert "churujing.i18n" not in g["churujing.decision"]
    assert g["churujing.text"] == set()
    assert g["churujing.i18n"] == {"churujing.text"}


def test_lazy_allow_list_names_only_what_is_imported_lazily() -> None:
    """Each entry of :data:`LAZY` is imported inside a function somewhere (a stale entry
    would silently allow a new lazy import to hide a cycle)."""
    lazy = {i.target for i in imports(modules()) if i.lazy}
    stale = [m for m in LAZY if not any(t == m or t.startswith(m + ".") for t in lazy)]
    assert not stale, f"LAZY names modules no function imports: {stale}"


CLAUSE_ID = re.compile(r"(?:M(?:0[1-9]|10)|A[1-4])(?:\.\d+)*|[PE]")


def clause_literals(package: str = "churujing.batch") -> list[str]:
    """String constants in ``package`` that are clause IDs (``M06``, ``A2.66``, ``M10.3.1``…);
    docstrings are not literals of code and are left out, and so are the one-letter
    clauses (``P``, ``E``), too common as other strings."""
    out = []
    for name, path in modules().items():
        if not (name == package or name.startswith(package + ".")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef
                                    | ast.AsyncFunctionDef)
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings and len(node.value) > 1
                    and CLAUSE_ID.fullmatch(node.value)):
                out.append(f"{name}:{node.lineno} {node.value!r}")
    return out


def test_no_clause_id_is_written_in_the_batch() -> None:
    found = clause_literals()
    assert not found, f"{len(found)} clause IDs written in churujing.batch: {found[:10]}"


# --------------------------------------------------------------------------- the checker


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = tmp_path / "pkg" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return modules(tmp_path, "pkg")


def test_the_checker_finds_a_cycle_hidden_inside_a_function(tmp_path: Path) -> None:
    mods = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.b import f\n",
        "b.py": "def f():\n    from pkg import a\n    return a\n",
        "c.py": "from . import a\n",
    })
    g = graph(mods, "pkg")
    assert g["pkg.b"] == {"pkg.a"} and g["pkg.c"] == {"pkg.a"}
    assert cycles(g) == [["pkg.a", "pkg.b"]]
    assert _path(g, ["pkg.a", "pkg.b"]) == "pkg.a -> pkg.b -> pkg.a"


def test_the_checker_leaves_out_type_checking_and_allowed_lazy_imports(tmp_path: Path) -> None:
    mods = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import b\n",
        "b.py": "import pkg.a\ndef f():\n    import numba\n    return numba\n",
    })
    g = graph(mods, "pkg")
    assert g["pkg.a"] == set() and g["pkg.b"] == {"pkg.a"}
    assert cycles(g) == []
    assert [i.target for i in imports(mods, "pkg") if i.lazy] == ["numba"]


def test_the_clause_pattern_matches_clause_ids_only() -> None:
    for cid in ("M01", "M06.2", "M10.3.1", "A1.4", "A2.66", "A3.30", "P", "E"):
        assert CLAUSE_ID.fullmatch(cid), cid
    for other in ("M11", "m06", "M6", "A5", "m06.entry_ports", "PVG", "EU"):
        assert not CLAUSE_ID.fullmatch(other), other


# --------------------------------------------------------------------------- the docs


def test_architecture_lists_the_condition_codes_of_the_measures() -> None:
    """docs/ARCHITECTURE.md's condition codes are the measures' own (regenerate with
    ``PYTHONPATH=src python docs/condition_codes.py --write``)."""
    import importlib.util

    path = SRC.parent / "docs" / "condition_codes.py"
    spec = importlib.util.spec_from_file_location("condition_codes", path)
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = (SRC.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text[text.index(gen.BEGIN):text.index(gen.END) + len(gen.END)]
    assert section == gen.section(), "stale: run docs/condition_codes.py --write"
    assert "`entry_port`" in section and "`foreign_national`" in section
