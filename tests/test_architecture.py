"""The house stays readable: short modules and functions, few modules at the top, every
module on the architecture page, no hidden inputs, the year-one accounts named where
docs/finance.md describes them. (Import direction: tests/test_import_layers.py.)"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "energysim"
MAX_FUNCTION_LINES = 90
"""About a screen and a half: a function longer than this is split into named steps."""
MAX_MODULE_LINES = 600
"""A module longer than this holds more than one idea: split it by idea."""
MAX_TOP_LEVEL_MODULES = 6
"""Modules beside ``energysim/__init__.py``; everything else lives in a sub-package."""


def function_lengths(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, lines from ``def`` to its last line) of every function."""
    return [
        (node.name, node.lineno, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
    ]


def test_function_lengths_are_counted_from_def_to_the_last_line() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(89))
    source = f"def short():\n{body}\n\ndef long():\n{body}    return 0\n"
    lengths = {name: n for name, _, n in function_lengths(source)}
    assert lengths == {"short": 90, "long": 91}


def test_no_function_in_energysim_is_longer_than_90_lines() -> None:
    long = [
        f"{path.relative_to(REPO)}:{line} {name}(): {n} lines"
        for path in sorted(PACKAGE.rglob("*.py"))
        for name, line, n in function_lengths(path.read_text(encoding="utf-8"))
        if n > MAX_FUNCTION_LINES
    ]
    assert not long, (
        f"functions longer than {MAX_FUNCTION_LINES} lines (split them into named steps):\n"
        + "\n".join(long)
    )


def test_no_module_in_energysim_is_longer_than_600_lines() -> None:
    long = [
        f"{path.relative_to(REPO)}: {n} lines"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, f"modules longer than {MAX_MODULE_LINES} lines (split them by idea):\n" + (
        "\n".join(long)
    )


def test_few_modules_at_the_top_of_the_package() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_TOP_LEVEL_MODULES, (
        f"energysim/ holds {top}: move some into a sub-package"
    )


def _names(path: Path) -> set[str]:
    """Every bare name, attribute and imported name in the file at ``path``."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
        elif isinstance(node, ast.alias):
            out.add(node.name.rpartition(".")[2])
    return out


def test_no_hidden_context_in_energysim() -> None:
    """A run's inputs are passed in the open: no context variable decides a result."""
    found = [
        str(p.relative_to(REPO)) for p in sorted(PACKAGE.rglob("*.py")) if "ContextVar" in _names(p)
    ]
    assert not found, "context variables (pass the value as an argument) in: " + ", ".join(found)


def test_the_dashboard_imports_without_editing_sys_path() -> None:
    """``dashboards`` is a package: its modules, and the tests of it, import it by its full
    name (the repository root is on the path: pytest's ``pythonpath``, ``python -m``)."""
    found = [
        str(p.relative_to(REPO))
        for folder in ("dashboards", "tests")
        for p in sorted((REPO / folder).rglob("*.py"))
        if _edits_sys_path(p)
    ]
    assert not found, "sys.path edited in: " + ", ".join(found)


def _edits_sys_path(path: Path) -> bool:
    """Whether the file calls a method of ``sys.path`` or assigns to it."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if ast.unparse(node.func.value) == "sys.path":
                return True
        if isinstance(node, ast.Assign) and any(ast.unparse(t) == "sys.path" for t in node.targets):
            return True
    return False


def test_the_architecture_page_names_every_module() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "__init__.py"
    ]
    missing = [m for m in modules if f"| `{m}` |" not in page]
    assert not missing, f"docs/architecture.md: no row for {missing} in the module tables"
    named = {line.split("`")[1] for line in page.splitlines() if line.startswith("| `")}
    gone = sorted(m for m in named if m.endswith(".py") and m not in modules)
    assert not gone, f"docs/architecture.md names modules that do not exist: {gone}"


def _private_calls(module: Path, functions: tuple[str, ...]) -> set[str]:
    """Private module-level functions of ``module`` that ``functions`` call directly."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    calls: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            calls |= {
                c.func.id
                for c in ast.walk(node)
                if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            }
    return {c for c in calls & defined if c.startswith("_")}


def test_docs_finance_names_every_step_of_the_money() -> None:
    """Each account of year one and each lifetime step is named in docs/finance.md, so a
    reader can check them one by one."""
    section = (REPO / "docs" / "finance.md").read_text(encoding="utf-8")
    money = PACKAGE / "money"
    steps = _private_calls(money / "year_one.py", ("year_one_arrays", "_members_account"))
    steps |= _private_calls(money / "accounts.py", ("build_accounts",))
    steps -= {"_huurcommissie_warnings", "_connection_notes", "_assumptions", "_mean_degradation"}
    assert {"_common_connection_account", "_dwellings_account", "_members_account"} <= steps
    missing = sorted(s for s in steps if f"`{s}`" not in section)
    assert not missing, f"docs/finance.md does not name {missing}"
