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

- the first argument of every ``ScenarioError(...)``, ``DataError(...)``,
  ``EnergysimError(...)`` or error class derived from one made anywhere in ``energysim/``
  (raised or returned; ``error(...)`` too, the parameter of a reader that raises either),
  a variable given as that argument by the literal it is assigned, and the first
  argument of ``raise ValueError(...)`` in ``energysim/config/`` (a scenario model's own
  checks, which pydantic passes on);
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
    "batch/runner.py": ("_shared_id", "_unit_error"),
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


def _error_classes(trees: dict[str, ast.Module]) -> set[str]:
    """The engine's error classes: :data:`ERRORS` and every class derived from one."""
    known = set(ERRORS)
    while True:
        more = {
            node.name
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id in known for b in node.bases)
        }
        if more <= known:
            return known
        known |= more


def _error_calls(tree: ast.Module, module: str, classes: set[str]) -> Iterator[ast.Call]:
    """Every error made in a module (raised or returned): a call of an error class, of
    ``error`` (a parameter holding one), or in :data:`VALUE_ERROR_FOLDERS` a raised
    ``ValueError``."""
    makers = classes | {"error"}
    value_errors = module.split("/")[0] in VALUE_ERROR_FOLDERS
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and value_errors:
            if _called(node.exc) == "ValueError" and node.exc.args:
                yield node.exc
        elif isinstance(node, ast.Call) and _called(node) in makers and node.args:
            yield node


def _assigned(tree: ast.Module, name: str) -> list[ast.expr]:
    """The values a module assigns to ``name``."""
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]


def _strings(function: ast.FunctionDef) -> Iterator[ast.expr]:
    """The f-strings of a function, and the plain strings it assigns or returns (not its
    docstring, not a string it compares with)."""
    for node in ast.walk(function):
        if isinstance(node, ast.JoinedStr | ast.IfExp | ast.BinOp):
            yield node
        elif isinstance(node, ast.Assign | ast.Return) and isinstance(node.value, ast.Constant):
            yield node.value


def templates(package: Path = PACKAGE) -> tuple[list[Template], list[str]]:
    """Every message template of the engine, and the errors whose message is neither a
    literal (or a variable assigned one) nor composed by a known function
    (``module:line``)."""
    trees = {
        path.relative_to(package).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(package.rglob("*.py"))
    }
    classes = _error_classes(trees)
    found: list[Template] = []
    unknown: list[str] = []
    for module, tree in trees.items():
        for call in _error_calls(tree, module, classes):
            arg, where = call.args[0], f"{module}:{call.lineno}"
            values = _assigned(tree, arg.id) if isinstance(arg, ast.Name) else [arg]
            texts = [text for value in values for text in _texts(value)]
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
