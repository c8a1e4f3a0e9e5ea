"""The architecture rules, checked on the source (``ast``, every ``.py`` file of kam_core, pages/ and
app.py; imports inside functions count too):

(a) streamlit (and st_aggrid) are imported in kam_core/ui only: the rules, the store and the outputs
    run without a page (command line, tests, bench);
(b) a page (pages/**) or app.py does not reach the database itself: no sqlalchemy, sqlmodel, alembic
    or kam_core.store; it goes through kam_core.ui (readers, store, saving) and the rules;
(c) a layer imports only its own layer and the ones below it (``LAYERS``, lowest first).

A module belongs to the layer of the longest prefix naming it in ``LAYERS``; a kam_core module no
layer names fails the test (a new package says where it stands)."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

# Lowest first. The broad order is common → store → rules (governance, programme, portfolio, account)
# → outputs (exchange, documents, demo) → ui → pages/app. Modules of one layer may import each other.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # what everything uses: errors, the clock, formatting, text; the catalogue of words (i18n imports nothing)
    ("common", ("kam_core.common", "kam_core.i18n")),
    # the schema and what works on rows without an engine: models, records, frames, memory, migrations
    (
        "schema",
        (
            "kam_core.store.models",
            "kam_core.store.records",
            "kam_core.store.frames",
            "kam_core.store.memory",
            "kam_core.store.migrations",
        ),
    ),
    # Genuine design need, not an accident: every engine the store makes (store.db.make_engine) has the
    # role guard (governance.access) and the audit trail (governance.audit) installed on it, so that no
    # write escapes either whatever opened the engine. They need nothing but the schema, so they stand
    # between the schema and the store's engine; the rest of governance (roles) is a rule like the others.
    ("guard", ("kam_core.governance.access", "kam_core.governance.audit")),
    # Genuine design need too: store.db.prepare installs the programme's defaults (settings and criteria)
    # in every new database at start (get_engine gives a database ready for use). They need the schema
    # and the quarter arithmetic only.
    ("start-up defaults", ("kam_core.programme.defaults", "kam_core.programme.periods")),
    # the store proper: the engine, sessions, migrations applied, backups
    ("store", ("kam_core.store",)),
    ("rules", ("kam_core.governance", "kam_core.programme", "kam_core.portfolio", "kam_core.account")),
    ("outputs", ("kam_core.exchange", "kam_core.documents", "kam_core.demo", "kam_core.workshop")),
    # the two front ends: the Streamlit side and the command line (python -m kam_core)
    ("front ends", ("kam_core.ui", "kam_core.__main__")),
    ("pages", ("pages", "app")),
]
EXACT = {"kam_core": "common"}  # the package itself (its __init__ imports nothing)

UI_ONLY = ("streamlit", "st_aggrid")  # (a)
NOT_FROM_PAGES = ("sqlalchemy", "sqlmodel", "alembic", "kam_core.store")  # (b)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int | None:
    """The index in LAYERS of the layer ``module`` belongs to, None for a module outside kam_core/pages."""
    if module in EXACT:
        return [name for name, _ in LAYERS].index(EXACT[module])
    best, found = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if _within(module, prefix) and len(prefix) > best:
                best, found = len(prefix), index
    return found


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def checked_files(root: Path) -> list[Path]:
    files = sorted((root / "kam_core").rglob("*.py")) + sorted((root / "pages").rglob("*.py"))
    if (root / "app.py").exists():
        files.append(root / "app.py")
    return files


def imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module imported) for every import of the tree, at any depth; ``from a import b`` gives
    ``a.b`` (b may be a module or a name in a: the longest layer prefix decides)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            found += [(node.lineno, f"{base}.{alias.name}" if alias.name != "*" else base) for alias in node.names]
    return found


def violations(root: Path) -> list[str]:
    """Every break of the rules under ``root``, as 'file:line: imports X — why'."""
    names = [name for name, _ in LAYERS]
    found = []
    for path in checked_files(root):
        relative = path.relative_to(root).as_posix()
        module = module_name(root, path)
        source_layer = layer_of(module)
        if source_layer is None:
            found.append(f"{relative}: module {module} is in no layer of LAYERS (tests/unit/test_architecture.py)")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        for line, target in imports(tree, module, path.name == "__init__.py"):
            where = f"{relative}:{line}: imports {target}"
            if (
                module.startswith("kam_core")
                and not _within(module, "kam_core.ui")
                and any(_within(target, name) for name in UI_ONLY)
            ):
                found.append(f"{where} — only kam_core/ui may import streamlit or st_aggrid")
                continue
            if names[source_layer] == "pages" and any(_within(target, name) for name in NOT_FROM_PAGES):
                found.append(
                    f"{where} — a page reaches the store through kam_core.ui and the rules, "
                    f"never sqlalchemy/sqlmodel/alembic/kam_core.store itself"
                )
                continue
            target_layer = layer_of(target)
            if target.split(".")[0] in ("kam_core", "pages", "app") and target_layer is None:
                found.append(f"{where} — {target} is in no layer of LAYERS")
            elif target_layer is not None and target_layer > source_layer:
                found.append(
                    f"{where} — layer {names[source_layer]!r} ({module}) may not import the higher "
                    f"layer {names[target_layer]!r}"
                )
    return found


def test_the_project_keeps_its_architecture_rules():
    found = violations(PROJECT)
    assert not found, "architecture rules broken:\n" + "\n".join(found)


def test_every_rule_catches_a_planted_violation(tmp_path):
    def plant(relative: str, text: str) -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    plant("kam_core/__init__.py", "")
    plant("kam_core/common/clock.py", "import datetime\n")
    plant("kam_core/store/db.py", "import sqlalchemy\nfrom kam_core.governance import audit\n")
    plant("kam_core/store/models.py", "def later():\n    from kam_core.account import canvas\n")
    plant("kam_core/account/canvas.py", "from kam_core.store.models import Account\nimport streamlit as st\n")
    plant("kam_core/documents/qbr.py", "from ..ui import readers\n")
    plant("kam_core/ui/readers.py", "import streamlit\nimport sqlalchemy\nfrom kam_core.store import db\n")
    plant("kam_core/novel/thing.py", "")
    plant(
        "pages/home.py",
        "import streamlit as st\nfrom kam_core.ui import readers\nfrom kam_core.store.db import get_engine\n",
    )
    plant("app.py", "from sqlmodel import Session\nimport kam_core.ui.frame\n")

    found = violations(tmp_path)
    expected = [
        "kam_core/account/canvas.py:2: imports streamlit — only kam_core/ui",
        "kam_core/documents/qbr.py:1: imports kam_core.ui.readers — layer 'outputs'",
        "kam_core/novel/thing.py: module kam_core.novel.thing is in no layer",
        "kam_core/store/models.py:2: imports kam_core.account.canvas — layer 'schema'",  # inside a function
        "pages/home.py:3: imports kam_core.store.db.get_engine — a page reaches the store",
        "app.py:1: imports sqlmodel.Session — a page reaches the store",
    ]
    for start in expected:
        assert sum(line.startswith(start) for line in found) == 1, (start, found)
    assert len(found) == len(expected), found  # the store may use the guard; ui may use the store; pages the ui
