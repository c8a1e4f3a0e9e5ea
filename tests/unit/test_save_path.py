"""Every write of every screen goes through the one save path (``kam_core/ui/saving.py``:
``attempt``, ``save``, ``save_table``), which shows a refusal (busy, someone else's save, a role,
bad input) as its catalog message and keeps what was typed: a write run outside it would end in
a traceback. Read from the source: each call from ``pages/`` or ``kam_core/ui/`` to a function of
``kam_core`` that writes must sit in a lambda or a function handed to the save path."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAVE_PATH = {"attempt", "save", "save_table"}
OPENS_A_WRITE = {"session_scope", "writer", "copy_into", "backup_sqlite"}


def _called(node: ast.AST) -> str | None:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _calls(node: ast.AST) -> set[str]:
    return {name for child in ast.walk(node) if (name := _called(child))}


def writers() -> set[str]:
    """The public functions of kam_core (outside ui/) that write: they open a unit of work that
    writes, or call such a function (followed by name, across modules)."""
    bodies: dict[str, set[str]] = {}
    for path in (ROOT / "kam_core").rglob("*.py"):
        if {"ui", "migrations"} & set(path.relative_to(ROOT).parts) or path.name == "__main__.py":
            continue
        for name, function in _functions(path).items():
            bodies.setdefault(name, set()).update(_calls(function))
    found = set(OPENS_A_WRITE)
    while True:
        more = {name for name, calls in bodies.items() if calls & found} - found
        if not more:
            break
        found |= more
    return {name for name in found if not name.startswith("_")} - OPENS_A_WRITE - {"prepare", "get_engine"}


def _screens() -> list[Path]:
    return sorted((ROOT / "pages").rglob("*.py")) + sorted((ROOT / "kam_core" / "ui").glob("*.py")) + [ROOT / "app.py"]


def _hands_a_parameter_to(function: ast.FunctionDef, paths: set[str]) -> bool:
    """``function`` passes one of its parameters to a save path: as is (``save(action)``), or
    called in a lambda it passes (``save_table(lambda: save(rows))``)."""
    parameters = {arg.arg for arg in function.args.args + function.args.kwonlyargs}
    for call in ast.walk(function):
        if not (isinstance(call, ast.Call) and _called(call) in paths):
            continue
        for arg in [*call.args, *(keyword.value for keyword in call.keywords)]:
            if isinstance(arg, ast.Name) and arg.id in parameters:
                return True
            if isinstance(arg, ast.Lambda) and _calls(arg.body) & parameters:
                return True
    return False


def save_paths() -> set[str]:
    """attempt, save, save_table, and the screens' own functions that hand what they are given to
    them (a page's ``write``, the roster editor)."""
    found = set(SAVE_PATH)
    functions = {}
    for path in _screens():
        if path.name != "saving.py":
            functions.update(_functions(path))
    while True:
        more = {name for name, function in functions.items() if _hands_a_parameter_to(function, found)} - found
        if not more:
            return found
        found |= more


def _imported_writers(tree: ast.Module, write_names: set[str]) -> set[str]:
    """Names a screen calls bare: the write functions it imports with ``from kam_core... import``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kam_core"):
            names |= {alias.asname or alias.name for alias in node.names if alias.name in write_names}
    return names


def _write_calls(tree: ast.Module, write_names: set[str]) -> list[ast.Call]:
    bare = _imported_writers(tree, write_names)
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr in write_names)
            or (isinstance(node.func, ast.Name) and node.func.id in bare)
        )
    ]


def _handed_to_save_path(call: ast.Call, parents: dict, paths: set[str]) -> bool:
    """The call sits in a lambda passed to a save path, or in a function whose name is."""
    node = call
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Lambda):
            holder = parents.get(node)
            if isinstance(holder, ast.keyword):
                holder = parents.get(holder)
            if isinstance(holder, ast.Call) and _called(holder) in paths:
                return True
        elif isinstance(node, ast.FunctionDef):
            scope = parents.get(node)
            return any(
                isinstance(other, ast.Call)
                and _called(other) in paths
                and any(isinstance(arg, ast.Name) and arg.id == node.name for arg in other.args)
                for other in ast.walk(scope)
            )
    return False


def test_every_write_of_a_screen_goes_through_the_save_path():
    write_names = writers()
    # the set is what it should be: the page writes the issue found outside the save path are in it
    assert {"save_section", "save_kams", "save_scores", "save_settings", "save_criteria"} <= write_names
    assert {"restore_workbook", "run_import", "merge_accounts", "update_account", "save_grants"} <= write_names
    paths = save_paths()
    outside = []
    for path in _screens():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for call in _write_calls(tree, write_names):
            if not _handed_to_save_path(call, parents, paths):
                outside.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call.func)}")
    assert not outside, outside
