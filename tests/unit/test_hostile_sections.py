"""Hostile input into the tables edited whole (issue #9, item 6): every canvas, handshake and
engagement section, and the handshake's own writes (stage moves, details, reviews). For any cell
a data editor can hand over: the save succeeds and every text reads back stripped, or it is
refused with catalogued messages and nothing written."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from kam_core.account import handshake, section_specs, sections
from kam_core.common import cells
from kam_core.store.models import HANDSHAKE_STAGES
from tests.conftest import TODAY
from tests.unit.hostile import (
    ACCOUNT,
    HOSTILE,
    attempt,
    hostile_date,
    hostile_number,
    hostile_text,
    hostile_value,
    numeric_text,
    same_text,
)


def _cell(column: cells.Column):
    """What a data editor may hand over for this column: mostly its kind, sometimes anything."""
    usual = {
        "text": hostile_text,
        "int": st.one_of(hostile_number, numeric_text),
        "float": st.one_of(hostile_number, numeric_text),
        "date": hostile_date,
        "choice": st.one_of(st.sampled_from(column.choices or ("x",)), hostile_text),
        "bool": st.one_of(st.booleans(), hostile_value),
        "ref": st.one_of(
            st.integers(min_value=-3, max_value=6), st.integers(min_value=-(10**30), max_value=10**30), hostile_value
        ),
    }[column.kind]
    return st.one_of(usual, usual, hostile_value)


def _rows(section: str):
    spec = section_specs.spec_of(section)
    row = st.fixed_dictionaries({column.name: _cell(column) for column in spec.columns})
    return st.lists(row, min_size=1, max_size=3)


def _check_section(engine, section: str, new_rows: list[dict]) -> None:
    with Session(engine) as session:
        stored = sections.load_section(session, section, ACCOUNT)
    read = sections.versions(stored)
    rows = stored.to_dict("records") + new_rows
    saved = attempt(
        engine,
        lambda: sections.save_section(engine, section, ACCOUNT, rows, today=TODAY, read_versions=read),
        label_keys=(f"col.{section}.{{field}}", "field.{field}"),
    )
    if saved is None:
        return
    with Session(engine) as session:
        after = sections.load_section(session, section, ACCOUNT)
    spec = section_specs.spec_of(section)
    texts = [column.name for column in spec.columns if column.kind == "text"]
    stored_texts = {tuple(row[name] for name in texts) for row in after.to_dict("records")}
    for row in new_rows:
        if all(cells.is_empty(row.get(name)) for name in spec.column_names):
            continue  # a blank new row is skipped
        expected = tuple(row[name].strip() or None if isinstance(row[name], str) else None for name in texts)
        assert any(
            all(want is None or want == got for want, got in zip(expected, stored)) for stored in stored_texts
        ), f"{expected} not stored"
    for column in spec.columns:
        if column.kind == "float":
            assert all(value is None or math.isnan(value) or math.isfinite(value) for value in after[column.name])


def _section_test(section: str):
    @HOSTILE
    @given(rows=_rows(section))
    def test(small_engine, rows):
        _check_section(small_engine, section, rows)

    test.__name__ = f"test_the_{section}_section_from_any_input"
    return test


for _section in section_specs.ALL_SECTIONS:
    globals()[f"test_the_{_section}_section_from_any_input"] = _section_test(_section)


HANDSHAKE_LABELS = ("handshake.field.{field}",)


def _view(engine):
    with Session(engine) as session:
        return handshake.read_handshake(session, ACCOUNT)


@HOSTILE
@given(st.one_of(st.sampled_from(HANDSHAKE_STAGES), hostile_value), hostile_date, st.one_of(st.none(), hostile_text))
def test_moving_the_handshake_with_any_input(small_engine, target, on_date, note):
    attempt(
        small_engine,
        lambda: handshake.move_stage(
            small_engine, ACCOUNT, target, on_date, _view(small_engine).version, today=TODAY, note=note
        ),
        label_keys=HANDSHAKE_LABELS,
    )


@HOSTILE
@given(
    hostile_text,
    st.one_of(st.just(1), hostile_value),
    st.one_of(st.just(1), hostile_value),
    st.one_of(st.none(), hostile_date),
)
def test_handshake_details_from_any_input(small_engine, vision, signatory, sponsor, review):
    saved = attempt(
        small_engine,
        lambda: handshake.save_handshake_details(
            small_engine,
            ACCOUNT,
            vision=vision,
            signatory_id=signatory,
            sponsor_id=sponsor,
            next_review_on=review,
            expected_version=_view(small_engine).version,
            today=TODAY,
        ),
        label_keys=HANDSHAKE_LABELS,
    )
    if saved is not None:
        assert same_text(saved.vision, vision)


@HOSTILE
@given(
    hostile_date,
    hostile_date,
    st.one_of(st.none(), hostile_text),
    st.one_of(st.none(), hostile_text),
    st.dictionaries(
        st.one_of(st.just(1), hostile_value), st.one_of(hostile_number, numeric_text, hostile_text), max_size=2
    ),
)
def test_recording_a_review_with_any_input(small_engine, held, following, notes, decisions, readings):
    attempt(
        small_engine,
        lambda: handshake.record_review(
            small_engine,
            ACCOUNT,
            review_date=held,
            notes=notes,
            decisions=decisions,
            next_review_on=following,
            readings=readings,
            expected_version=_view(small_engine).version,
            today=TODAY,
        ),
        label_keys=HANDSHAKE_LABELS,
    )
