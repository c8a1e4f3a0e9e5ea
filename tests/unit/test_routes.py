"""kam_core.ui.routes is the one place naming the pages: every page file is in it once, its url paths
are distinct, and no other file of the app spells a page's path."""

from __future__ import annotations

import ast
from pathlib import Path

from kam_core.i18n import catalog
from kam_core.ui import routes

PROJECT = Path(__file__).resolve().parents[2]


def test_every_page_file_is_routed_once_with_distinct_url_paths_and_known_words():
    files = sorted(
        path.relative_to(PROJECT).as_posix() for path in (PROJECT / "pages").rglob("*.py") if path.name != "__init__.py"
    )
    assert sorted(route.path for route in routes.ROUTES) == files
    assert len({route.url_path for route in routes.ROUTES}) == len(routes.ROUTES)
    assert [route for route in routes.ROUTES if route.default] == [routes.HOME]
    words = catalog("en")
    assert all(route.title in words and route.group in words for route in routes.ROUTES)


def test_no_other_file_spells_a_page_path():
    spelled = []
    for path in [PROJECT / "app.py", *(PROJECT / "pages").rglob("*.py"), *(PROJECT / "kam_core").rglob("*.py")]:
        if path == PROJECT / "kam_core" / "ui" / "routes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("pages/")
                and node.value.endswith(".py")
            ):
                spelled.append(f"{path.relative_to(PROJECT)}:{node.lineno}: {node.value!r} (use kam_core.ui.routes)")
    assert not spelled, "\n".join(spelled)


def test_every_missing_roi_input_has_a_place_where_it_is_given():
    """The ROI page opens the Programme inputs page at the section of each missing input, or the
    account's record for its revenue and its KAM, or Executive engagement for the meetings: none is left
    without a place."""
    from kam_core.programme.roi import MISSING_CODES

    on_record = ("baseline_revenue", "past_revenue", "no_kam", "no_meetings")
    for code in MISSING_CODES:
        assert code in on_record or routes.input_anchor(code) in routes.INPUT_SECTIONS, code
