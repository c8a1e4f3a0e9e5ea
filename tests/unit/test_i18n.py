"""Both catalogs hold every string the code asks for; no page carries literal UI text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kam_core.account.canvas import PLAN_SECTIONS
from kam_core.i18n import LANGUAGES, catalog, translate
from kam_core.portfolio.overview import ACCOUNT_VIEWS, SEGMENTS
from kam_core.portfolio.segmentation import QUADRANTS
from kam_core.programme.settings import EDITABLE
from kam_core.store.db import StoreError
from kam_core.store.models import ACCOUNT_STATUSES, ENGAGEMENT_KINDS, HANDSHAKE_STAGES

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py")), *sorted((ROOT / "kam_core" / "ui").glob("*.py"))]
UI_CALLS = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "write",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "button",
    "download_button",
    "form_submit_button",
    "page_link",
    "metric",
    "selectbox",
    "multiselect",
    "radio",
    "toggle",
    "checkbox",
    "text_input",
    "number_input",
    "slider",
    "select_slider",
    "segmented_control",
    "expander",
    "tabs",
    "progress",
    "Page",
    "TextColumn",
    "NumberColumn",
    "CheckboxColumn",
    "ProgressColumn",
}
UI_KEYWORDS = {"label", "help", "placeholder", "title", "text", "caption"}
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
LABEL_CALL = re.compile(r"""\blabel\(\s*["']([a-z_]+)["']""")


def test_both_catalogs_have_the_same_keys():
    assert set(catalog("en")) == set(catalog("fr"))


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)}")
    for key, english in catalog("en").items():
        assert set(field.findall(english)) == set(field.findall(catalog("fr")[key])), key


def test_every_literal_key_used_in_the_ui_exists():
    used = set()
    for path in UI_FILES:
        used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in catalog("en"))
    assert not missing


def test_every_enumeration_label_exists():
    keys = set(catalog("en"))
    expected = (
        [f"enum.segment.{code}" for code in SEGMENTS]
        + [f"enum.account_status.{code}" for code in ACCOUNT_STATUSES]
        + [f"enum.stage.{code}" for code in HANDSHAKE_STAGES]
        + [f"enum.engagement_kind.{code}" for code in ENGAGEMENT_KINDS]
        + [f"enum.follow_up.{code}" for code in ("action", "ours", "theirs")]
        + [f"posture.{code}" for code in QUADRANTS]
        + [f"accounts.view.{code}" for code in ACCOUNT_VIEWS]
        + [f"section.{code}" for code in PLAN_SECTIONS]
        + [f"section_rule.{code}" for code in PLAN_SECTIONS]
        + [f"field.{name}" for name in EDITABLE]
        + [f"language.{code}" for code in LANGUAGES]
        + [f"rag.{code}" for code in ("red", "amber", "green", "done")]
    )
    assert sorted(set(expected) - keys) == []


def test_every_label_kind_used_in_pages_exists():
    keys = set(catalog("en"))
    for path in UI_FILES:
        for kind in LABEL_CALL.findall(path.read_text(encoding="utf-8")):
            assert any(key.startswith(f"enum.{kind}.") for key in keys), (path.name, kind)


def test_every_store_error_has_a_message():
    source = (ROOT / "kam_core" / "store" / "db.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'StoreError\(\s*"([a-z_.]+)"', source)) | set(re.findall(r'"(store\.[a-z_]+)"', source))
    assert codes
    for code in codes:
        assert f"error.{code}" in catalog("en"), code
    assert "{path}" in catalog("en")["error.store.not_a_database"]
    StoreError("store.bad_url", url="x", reason="y")  # constructible with its params


def _string_arguments_of_streamlit_calls(path: Path) -> list[str]:
    """String literals handed to a Streamlit element as text (first argument, or label/help/...):
    those would be UI text outside the catalogs. f-strings count when their fixed part has words."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in UI_CALLS):
            continue
        candidates = node.args[:1] + [keyword.value for keyword in node.keywords if keyword.arg in UI_KEYWORDS]
        for argument in candidates:
            text = _literal_text(argument)
            if text and re.search(r"[A-Za-z]{3,}", text) and not text.startswith(("pages/", ":material/")):
                found.append(f"{path.name}:{node.lineno} {text!r}")
    return found


def _literal_text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # keep only the fixed parts, markup removed
        fixed = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return re.sub(r"<[^>]*>|&\w+;|:[a-z]*(-badge)?\[|[*#\-·→✓✗]", " ", fixed)
    return None


@pytest.mark.parametrize("path", UI_FILES, ids=lambda path: path.name)
def test_no_literal_ui_text_in_pages(path):
    assert _string_arguments_of_streamlit_calls(path) == []


def test_translate_falls_back_to_english_then_to_the_key():
    assert translate("page.home", "fr") == "Accueil"
    assert translate("no.such.key", "fr") == "no.such.key"
    assert translate("home.covered_of", "en", covered=3, total=4) == "3 of 4 strategic accounts"


def test_every_canvas_column_and_choice_has_a_label():
    from kam_core.account.section_specs import ALL_SECTIONS as SECTIONS
    from kam_core.ui.section_editor import CHOICE_LABELS

    keys = set(catalog("en"))
    for name, spec in SECTIONS.items():
        for column in spec.columns:
            assert f"col.{name}.{column.name}" in keys, (name, column.name)
            kind = CHOICE_LABELS.get((name, column.name))
            for code in column.choices if kind else ():
                assert f"enum.{kind}.{code}" in keys, (kind, code)
    assert all(f"enum.attitude.{value}" in keys for value in range(-2, 3))


def test_a_missing_code_never_reads_as_a_raw_key():
    """Issue 22: a segment read from an empty cell showed "enum.segment.nan"."""
    import math

    from kam_core.i18n import enum_label, translate

    for language in LANGUAGES:
        for code in (None, math.nan, "", "nan", "None"):
            for kind in ("segment", "stage", "engagement_kind"):
                assert not enum_label(kind, code, language).startswith("enum."), (kind, code)
                assert not translate(f"enum.{kind}.{code}", language).startswith("enum."), (kind, code)
        assert enum_label("segment", math.nan, language) == translate("enum.segment.unscored", language)
        assert enum_label("segment", "strategic", language) == translate("enum.segment.strategic", language)


def test_segment_change_knows_a_first_placing_from_a_move():
    import math

    from kam_core.portfolio.segmentation import SegmentChange, segment_change

    assert segment_change(math.nan, "strategic") == SegmentChange(None, "strategic")
    assert segment_change(None, "develop") == SegmentChange(None, "develop")
    assert segment_change("develop", "strategic") == SegmentChange("develop", "strategic")
    assert segment_change("develop", "develop") is None
    assert segment_change("develop", None) is None and segment_change("develop", math.nan) is None
