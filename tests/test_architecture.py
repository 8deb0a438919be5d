"""The house stays readable: no long functions, every module on the architecture page,
the year-one accounts named where docs/finance.md describes them."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "energysim"
MAX_FUNCTION_LINES = 90
"""About a screen and a half: a function longer than this is split into named steps."""


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
    steps = _private_calls(money / "year_one.py", ("year_one_parts", "_members_account"))
    steps |= _private_calls(money / "accounts.py", ("build_accounts",))
    steps -= {"_huurcommissie_warnings", "_connection_notes", "_assumptions", "_mean_degradation"}
    assert {"_common_connection_account", "_dwellings_account", "_members_account"} <= steps
    missing = sorted(s for s in steps if f"`{s}`" not in section)
    assert not missing, f"docs/finance.md does not name {missing}"
