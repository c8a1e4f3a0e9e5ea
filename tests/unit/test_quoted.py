"""A refused value is quoted back by its start (issue #20, item 6): one helper, ``quoted``, cuts a
text to QUOTE_MAX characters with an ellipsis, and the errors apply it where their parameters are
built, so that every reader of them -- the command line, the screens -- gets the short form."""

from __future__ import annotations

from kam_core.common.clock import ClockSettingError
from kam_core.common.errors import FieldError
from kam_core.common.formatting import QUOTE_MAX, quoted, quoted_params
from kam_core.exchange.importing import ImportFileError, ImportProblem

MEGABYTE = "Colossal Industries " + "x" * 1_000_000


def test_a_long_text_is_cut_to_its_start_and_an_ellipsis():
    assert QUOTE_MAX == 80
    short = quoted(MEGABYTE)
    assert len(short) == QUOTE_MAX and short.startswith("Colossal Industries xxx") and short.endswith("…")
    assert quoted("x" * 80) == "x" * 80  # up to the limit: as it is
    assert quoted("x" * 81) == "x" * 79 + "…"
    assert quoted("Acme") == "Acme"
    assert quoted(None) is None and quoted(12.5) == 12.5 and quoted(["a"]) == ["a"]
    assert quoted("abcdef", limit=4) == "abc…"


def test_params_are_quoted_texts_and_lists_of_texts_alike():
    params = quoted_params({"value": MEGABYTE, "max": 160, "choices": ["a", MEGABYTE], "pair": ("b", MEGABYTE)})
    assert params["max"] == 160 and params["value"] == quoted(MEGABYTE)
    assert params["choices"] == ["a", quoted(MEGABYTE)] and params["pair"] == ("b", quoted(MEGABYTE))


def test_every_error_quotes_its_values_where_it_is_built():
    assert FieldError("name", "text_length", {"value": MEGABYTE, "max": 160}).params == {
        "value": quoted(MEGABYTE),
        "max": 160,
    }
    problem = ImportProblem(2, MEGABYTE, MEGABYTE, "text_length", {"value": MEGABYTE, "max": 160})
    assert problem.value == problem.params["value"] == problem.column == quoted(MEGABYTE)
    error = ImportFileError("duplicate_headers", {"headers": [MEGABYTE, "Name"]})
    assert error.params == {"headers": [quoted(MEGABYTE), "Name"]} and len(str(error)) < 300
    clock = ClockSettingError("KAM_TODAY", MEGABYTE)
    assert clock.value == quoted(MEGABYTE) and len(str(clock)) < 300


def test_a_megabyte_name_refused_by_a_form_is_quoted(small_engine):
    import pytest

    from kam_core.account import accounts
    from kam_core.common.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        accounts.create_account(small_engine, {"name": MEGABYTE, "sector": "IT", "status": "active"})
    (error,) = refused.value.errors
    assert (error.code, error.params["value"]) == ("text_length", quoted(MEGABYTE))
