"""Numbers in tables in the session's language (``kam_core.ui.tables``) and as a cell to type over
(``formatting.typed``): what they write, and that French text columns keep the numbers' order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam_core.common import cells
from kam_core.common import formatting as fmt
from kam_core.ui.tables import FIGURE_SPACE, french_numbers, percent_format, shown_numbers, signed_score


def test_whole_percentages_read_86_percent_the_french_way():
    assert percent_format("fr") % 86 == "86\u00a0%" == fmt.percent(86, "fr")
    assert percent_format("en") % 86 == "86%" == fmt.percent(86, "en")


def test_french_numbers_are_padded_to_one_width_with_figure_spaces():
    texts = french_numbers([9.1, 12.5, 100.25, None], fmt.score)
    assert texts == [f"{FIGURE_SPACE * 2}9,1", f"{FIGURE_SPACE}12,5", "100,2", f"{FIGURE_SPACE * 4}–"]
    amounts = french_numbers([20_030_000, 4_320], lambda v, lang: fmt.amount(v, "EUR", lang))
    assert amounts[0] == "20\u202f030\u202f000\u00a0€" and amounts[1].lstrip(FIGURE_SPACE) == "4\u202f320\u00a0€"


def test_english_frames_keep_their_numbers():
    import pandas as pd

    frame = pd.DataFrame({"score": [8.6, 7.25]})
    assert shown_numbers(frame, {"score": fmt.score}, "en") is frame
    assert list(shown_numbers(frame, {"score": fmt.score}, "fr")["score"]) == ["8,6", "7,2"]


def test_a_signed_score_never_reads_minus_zero():
    assert [signed_score(v, "fr") for v in (1.23, -0.04, 0.04, -0.5, None)] == ["+1,2", "0,0", "0,0", "-0,5", "–"]
    assert signed_score(0.3, "en") == "+0.3"


@pytest.mark.parametrize("language", ["en", "fr"])
@given(value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_a_typed_number_reads_back_as_the_same_number(language, value):
    text = fmt.typed(value, language)
    assert ("," in text) == (language == "fr" and not float(value).is_integer())
    assert cells.normalise(cells.Column("x", "float"), text) == value and "e" not in text


@pytest.mark.parametrize(("language", "tag"), [("fr", "fr-FR"), ("en", "en-GB")])
def test_the_score_grid_writes_its_numbers_in_the_sessions_language(monkeypatch, language, tag):
    """AG Grid formats the criterion columns with Intl.NumberFormat in the session's locale (not the
    browser's); the values stay numbers, sorted as numbers."""
    import pandas as pd

    from kam_core.ui import grid

    seen = {}

    def fake_grid(data, gridOptions, **kwargs):  # noqa: N803 (st_aggrid's own argument name)
        seen.update(options=gridOptions, unsafe=kwargs.get("allow_unsafe_jscode"))

    monkeypatch.setattr(grid, "AgGrid", fake_grid)
    sheet = pd.DataFrame({"account_id": [1, 2], "name": ["A", "B"], "7": [7.5, None]})
    grid.edit_score_sheet(sheet, {"7": "Criterion"}, "Account", key="k", language=language)
    [column] = [c for c in seen["options"]["columnDefs"] if c["field"] == "7"]
    assert f"Intl.NumberFormat('{tag}'" in column["valueFormatter"].js_code and seen["unsafe"]
    assert "numericColumn" in column["type"]
