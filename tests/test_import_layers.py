"""Imports point one way: no cycle between modules, and no import from a lower layer
into a higher one.

Every ``import`` and ``from ... import`` of ``energysim`` counts, wherever it stands: at
the top of a module, inside a function, under ``if TYPE_CHECKING``. The layers, from the
bottom up, are written here and in docs/architecture.md ("Layers"); a module may import
modules of its own layer (without a cycle) and of the layers below it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "energysim"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("config",),
    ("inputs",),
    ("sharing",),
    ("money",),
    ("ownership",),
    ("results",),
    ("simulate", "validate"),
    ("batch", "design", "report"),
    ("cli",),
)
"""The layers from the bottom up: sub-packages and top-level modules of ``energysim``."""


def module_name(path: Path, package: Path) -> str:
    """``energysim.sharing.flows`` of ``energysim/sharing/flows.py`` (a package: its
    folder's name)."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, package: Path, modules: set[str]) -> set[str]:
    """The modules of ``package`` that the file at ``path`` imports, anywhere in it."""
    root = package.name
    me = module_name(path, package)
    here = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            # ``from a import b``: the module ``a.b`` when it is one, else ``a``
            names = [
                f"{origin}.{a.name}" if f"{origin}.{a.name}" in modules else origin
                for a in node.names
            ]
        else:
            continue
        for name in names:
            if name == root or name.startswith(root + "."):
                # ``import a.b.c`` imports ``a.b.c``; the nearest module that exists
                while name not in modules and "." in name:
                    name = name.rpartition(".")[0]
                if name != me:
                    found.add(name)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    files = sorted(package.rglob("*.py"))
    modules = {module_name(f, package) for f in files}
    return {module_name(f, package): imported_modules(f, package, modules) for f in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
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
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def layer_of(module: str, layers: Iterable[tuple[str, ...]]) -> int | None:
    """The layer of a module from its first part below the package (None: the package's
    own ``__init__``, which sits above every layer)."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    for rank, names in enumerate(layers):
        if parts[1] in names:
            return rank
    raise AssertionError(f"{module}: in no layer of LAYERS; add it to one")


def upward_imports(graph: dict[str, set[str]], layers: tuple[tuple[str, ...], ...]) -> list[str]:
    """``importer -> imported`` for every import from a lower layer into a higher one."""
    out = []
    top = len(layers)
    for importer, imported in sorted(graph.items()):
        mine = layer_of(importer, layers)
        for other in sorted(imported):
            theirs = layer_of(other, layers)
            if (top if theirs is None else theirs) > (top if mine is None else mine):
                out.append(f"{importer} -> {other}")
    return out


def test_energysim_has_no_import_cycle() -> None:
    found = cycles(import_graph(PACKAGE))
    assert not found, (
        "import cycles (break them: move the shared part down a layer):\n"
        + "\n".join(" <-> ".join(c) for c in found)
    )


def test_energysim_imports_only_downward() -> None:
    found = upward_imports(import_graph(PACKAGE), LAYERS)
    assert not found, "imports from a lower layer into a higher one:\n" + "\n".join(found)


def test_the_architecture_page_draws_these_layers() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawn = [line for line in page.splitlines() if line.startswith("| ")]
    for rank, names in enumerate(LAYERS):
        row = f"| {rank} | " + ", ".join(f"`{n}`" for n in names) + " |"
        assert any(line.startswith(row) for line in drawn), f"docs/architecture.md: no row {row}"


def _write(tmp: Path, files: dict[str, str]) -> Path:
    package = tmp / "pkg"
    for rel, text in {"__init__.py": "", **files}.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text)
    return package


@pytest.mark.parametrize(
    "files",
    [
        {
            "low/__init__.py": "",
            "low/a.py": "from pkg.low import b\n",
            "low/b.py": "import pkg.low.a\n",
        },
        {  # hidden inside a function and under TYPE_CHECKING: still a cycle
            "low/__init__.py": "",
            "low/a.py": "def f():\n    from pkg.low.b import g\n",
            "low/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.low.a import f\n"
            ),
        },
        {"low/__init__.py": "", "low/a.py": "from .b import g\n", "low/b.py": "from . import a\n"},
    ],
    ids=["top-level", "hidden", "relative"],
)
def test_a_cycle_is_found(tmp_path: Path, files: dict[str, str]) -> None:
    assert cycles(import_graph(_write(tmp_path, files))) == [["pkg.low.a", "pkg.low.b"]]


def test_an_upward_import_is_found(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/a.py": "def f():\n    from pkg.high import b\n",
            "high/__init__.py": "",
            "high/b.py": "from pkg.low.a import f\n",
        },
    )
    layers = (("low",), ("high",))
    assert upward_imports(import_graph(package), layers) == ["pkg.low.a -> pkg.high.b"]
    assert cycles(import_graph(package)) == [["pkg.high.b", "pkg.low.a"]]
