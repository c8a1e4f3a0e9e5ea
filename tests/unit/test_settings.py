"""Programme settings: validation names the field, a stale save is refused, a good save lands whole."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kam_core.common.errors import ConflictError, ValidationError
from kam_core.programme.settings import read_settings, save_settings
from kam_core.store import db


def _values(**changes):
    values = {
        "name": "Programme Grands Comptes",
        "currency": "EUR",
        "current_period": "2026-Q4",
        "attractiveness_threshold": 5.0,
        "strength_threshold": 5.5,
        "strategic_capacity": 20,
        "accounts_per_kam": 4,
    }
    values.update(changes)
    return values


def _current(engine):
    with Session(engine) as session:
        return read_settings(session)


def test_a_valid_save_lands_and_bumps_the_version(empty_url):
    engine = db.get_engine(empty_url)
    before = _current(engine)
    saved = save_settings(engine, _values(), before.version)
    assert saved.version == before.version + 1
    assert _current(engine).strength_threshold == 5.5
    assert _current(engine).name == "Programme Grands Comptes"


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"name": "  "}, "name", "text_length"),
        ({"currency": "euro"}, "currency", "currency_code"),
        ({"current_period": "2026-Q7"}, "current_period", "period_format"),
        ({"attractiveness_threshold": 11.0}, "attractiveness_threshold", "number_range"),
        ({"strategic_capacity": 0}, "strategic_capacity", "integer_range"),
        ({"accounts_per_kam": 2.5}, "accounts_per_kam", "integer_range"),
    ],
)
def test_bad_input_is_refused_naming_the_field(empty_url, changes, field, code):
    engine = db.get_engine(empty_url)
    before = _current(engine)
    with pytest.raises(ValidationError) as raised:
        save_settings(engine, _values(**changes), before.version)
    assert [(error.field, error.code) for error in raised.value.errors] == [(field, code)]
    assert _current(engine) == before  # nothing saved


def test_the_second_of_two_saves_from_the_same_version_is_refused(empty_url):
    engine = db.get_engine(empty_url)
    version = _current(engine).version
    save_settings(engine, _values(strategic_capacity=18), version)
    with pytest.raises(ConflictError) as raised:
        save_settings(engine, _values(strategic_capacity=40), version)
    assert raised.value.updated_at is not None
    assert _current(engine).strategic_capacity == 18
