"""The README's Layout section and the folders agree: every package of kam_core and every folder of pages/
is described there, and every file or folder it names exists (so the description cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _layout_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def _described_folders(block: str, top: str) -> set[str]:
    """The folders listed under ``top/`` in the tree (indented entries ending with a slash)."""
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{top}/"))
    folders = set()
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        match = re.match(r"^  (\w+)/", line)
        if match:
            folders.add(match.group(1))
    return folders


def _packages(folder: Path) -> set[str]:
    return {
        path.name
        for path in folder.iterdir()
        if path.is_dir() and any(path.glob("*.py")) and not path.name.startswith((".", "__"))
    }


def test_every_package_of_kam_core_is_described_and_nothing_else():
    assert _described_folders(_layout_block(), "kam_core") == _packages(ROOT / "kam_core")


def test_every_folder_of_pages_is_described_and_nothing_else():
    assert _described_folders(_layout_block(), "pages") == _packages(ROOT / "pages")


def _named_per_package(block: str) -> dict[str, set[str]]:
    """The modules (``x.py``) and sub-packages (``x/``) each kam_core package's entry names, its continuation
    lines included."""
    named: dict[str, set[str]] = {}
    package = None
    for line in block.splitlines():
        heading = re.match(r"^  (\w+)/", line)
        if heading:
            package = heading.group(1)
        elif not line.startswith("    "):
            package = None  # a line at the top of the tree, or another top-level entry
        if package is not None:
            text = line[len(heading.group(0)) :] if heading else line
            named.setdefault(package, set()).update(re.findall(r"\b(\w+\.py|[a-z_]+/)(?![A-Za-z])", text))
    return named


def test_every_module_the_layout_names_exists_in_its_package():
    named = _named_per_package(_layout_block())
    assert named.get("store") and named.get("exchange"), "the layout names no module"
    missing = []
    for package, names in named.items():
        folder = ROOT / "kam_core" / package
        for name in names:
            if name.endswith("/"):
                found = any(path.is_dir() for path in folder.rglob(name.rstrip("/")))
            else:
                found = any(folder.rglob(name))
            if not found:
                missing.append(f"kam_core/{package}/…/{name}")
    assert not missing, f"named in the README's Layout but not found: {missing}"


def test_the_top_level_files_the_layout_names_exist():
    block = _layout_block()
    for line in block.splitlines():
        if line and not line.startswith(" "):
            entry = line.split()[0]
            assert (ROOT / entry.rstrip("/")).exists(), entry
