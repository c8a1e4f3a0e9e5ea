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


def test_every_module_the_layout_names_exists():
    block = _layout_block()
    named = set(re.findall(r"\b(\w+\.py)\b", block))
    assert named, "the layout names no module"
    existing = {path.name for path in ROOT.rglob("*.py") if ".venv" not in path.parts}
    assert named <= existing, f"named in the README but not found: {sorted(named - existing)}"
