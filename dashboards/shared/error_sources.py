"""Every error message the engine can give, read from its source code.

The engine raises its errors (:class:`~energysim.core.errors.ScenarioError`,
:class:`~energysim.core.errors.DataError`, :class:`~energysim.core.errors.EnergysimError`)
with English one-line messages that the command line prints and its tests check byte for
byte. The dashboard says them in Dutch from a catalogue (``dashboards/locales/errors.toml``,
read by :mod:`dashboards.shared.engine_errors`) whose keys are the English messages as
*templates*: the text of each raise site with every ``{expression}`` of its f-string
replaced by a ``{name}`` placeholder. This module derives those templates from the
source (Python's :mod:`ast`), so ``tests/test_engine_errors.py`` fails when a raise site
is added or reworded without a Dutch text, and ``python -m dashboards.shared.error_sources``
prints the templates the catalogue lacks.

What counts as a message:

- the first argument of ``raise ScenarioError(...)``, ``DataError(...)`` or
  ``EnergysimError(...)`` anywhere in ``energysim/``, and of ``raise ValueError(...)`` in
  ``energysim/config/`` (a scenario model's own checks, which pydantic passes on);
- every string in the functions of :data:`MESSAGE_FUNCTIONS`, which compose messages
  that a raise site passes on as a variable (:data:`COMPOSED` names those sites).

An argument that is a conditional expression gives one template per branch, a sum of
strings one template.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "energysim"
ERRORS = ("ScenarioError", "DataError", "EnergysimError")
VALUE_ERROR_FOLDERS = ("config",)
"""Sub-packages whose ``ValueError`` messages reach a user (pydantic validators)."""

MESSAGE_FUNCTIONS = {
    "config/scenario.py": ("_error_line",),
    "config/limits.py": ("limit_violations", "message"),
    "batch/runner.py": ("_shared_id",),
}
"""Functions (by module, relative to ``energysim/``) whose f-strings are messages."""

COMPOSED = {
    ("config/scenario.py", "_first_error_line"),
    ("batch/runner.py", "_shared_id"),
}
"""Raise sites whose message a function of :data:`MESSAGE_FUNCTIONS` (or the pydantic
error lines of ``config/scenario.py``) composes: (module, function called)."""

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")


@dataclass(frozen=True)
class Template:
    """One English message with ``{name}`` placeholders, and where it is raised."""

    text: str
    where: str
    part: bool = False
    """From a function of :data:`MESSAGE_FUNCTIONS` (dropped when part of a longer one)."""


def _name(expr: ast.expr, taken: dict[str, str], index: int) -> str:
    """A placeholder's name: the variable or attribute it shows, else ``v<index>``; a
    second, different expression with the same name gets its index."""
    if isinstance(expr, ast.Name):
        name = expr.id
    elif isinstance(expr, ast.Attribute):
        name = expr.attr
    else:
        name = f"v{index}"
    source = ast.unparse(expr)
    if taken.setdefault(name, source) != source:
        name = f"{name}{index}"
        taken[name] = source
    return name


def _texts(node: ast.expr, taken: dict[str, str] | None = None) -> list[str]:
    """The templates a string expression can give ([] when it is not a literal)."""
    taken = {} if taken is None else taken
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value.replace("{", "{{").replace("}", "}}")]
    if isinstance(node, ast.JoinedStr):
        out = ""
        for i, part in enumerate(node.values):
            if isinstance(part, ast.Constant):
                out += str(part.value).replace("{", "{{").replace("}", "}}")
            elif isinstance(part, ast.FormattedValue):
                out += "{" + _name(part.value, taken, i) + "}"
        return [out]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left, taken), _texts(node.right, taken)
        return [a + b for a in left for b in right] if left and right else []
    if isinstance(node, ast.IfExp):
        return _texts(node.body, taken) + _texts(node.orelse, taken)
    return []


def _called(node: ast.expr) -> str:
    return node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else ""


def _raise_sites(tree: ast.Module, module: str) -> Iterator[tuple[ast.Raise, ast.expr]]:
    value_errors = module.split("/")[0] in VALUE_ERROR_FOLDERS
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        kind = node.exc.func.id if isinstance(node.exc.func, ast.Name) else ""
        if (kind in ERRORS or (kind == "ValueError" and value_errors)) and node.exc.args:
            yield node, node.exc.args[0]


def _strings(function: ast.FunctionDef) -> Iterator[ast.expr]:
    """The f-strings of a function, and the plain strings it assigns or returns (not its
    docstring, not a string it compares with)."""
    for node in ast.walk(function):
        if isinstance(node, ast.JoinedStr | ast.IfExp | ast.BinOp):
            yield node
        elif isinstance(node, ast.Assign | ast.Return) and isinstance(node.value, ast.Constant):
            yield node.value


def templates(package: Path = PACKAGE) -> tuple[list[Template], list[str]]:
    """Every message template of the engine, and the raise sites whose message is
    neither a literal nor composed by a known function (``module:line``)."""
    found: list[Template] = []
    unknown: list[str] = []
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, arg in _raise_sites(tree, module):
            where = f"{module}:{node.lineno}"
            texts = _texts(arg)
            if texts:
                found += [Template(text, where) for text in texts]
            elif (module, _called(arg)) not in COMPOSED:
                unknown.append(where)
        functions = MESSAGE_FUNCTIONS.get(module, ())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                for inner in _strings(node):
                    where = f"{module}:{inner.lineno}"
                    found += [Template(text, where, True) for text in _texts(inner)]
    return _useful(found), unknown


def _useful(found: list[Template]) -> list[Template]:
    """Templates with words in them (not ``{a}{b}`` or a fragment of a longer one),
    each once."""
    seen: dict[str, Template] = {}
    for template in found:
        words = PLACEHOLDER.sub("", template.text)
        if re.search(r"[A-Za-z]{2}", words) and template.text not in seen:
            seen[template.text] = template
    texts = list(seen)
    return [
        seen[text]
        for text in texts
        if not (seen[text].part and any(text != other and text in other for other in texts))
    ]


def main() -> int:
    """Print the templates ``dashboards/locales/errors.toml`` lacks, as TOML lines."""
    from dashboards.shared.engine_errors import catalogue

    known = catalogue()
    found, unknown = templates()
    for template in found:
        if template.text not in known:
            key = template.text.replace("\\", "\\\\").replace('"', '\\"')
            print(f'# {template.where}\n"{key}" = ""')
    for where in unknown:
        print(f"# {where}: a message that is not a literal", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
