"""Criteria and scores: weights sum to 100, names unique, criteria never deleted, score batches
saved whole or not at all, stale edits refused, a new period starting from the previous one."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.common.text import fold_name
from kam_core.portfolio.scoring import (
    CriterionRow,
    ScoreEdit,
    account_scores,
    active_weight_sum,
    list_criteria,
    parse_score,
    save_criteria,
    save_scores,
    score_sheet,
    score_versions,
    scored_periods,
    sheet_edits,
    start_period,
    validate_criteria,
    workshop_edits,
)
from kam_core.store import db
from kam_core.store.models import Account, Score

AXIS = "attractiveness"


def _criteria(engine, axis=AXIS, include_inactive=True):
    with Session(engine) as session:
        return list_criteria(session, axis, include_inactive)


def _new_criterion(name, weight, **changes):
    values = dict(
        id=None,
        axis=AXIS,
        name=name,
        description=None,
        weight=weight,
        position=0,
        anchor_low="Hardly any",
        anchor_mid="Some",
        anchor_high="A lot",
        active=True,
    )
    values.update(changes)
    return CriterionRow(**values)


def _add_account(engine, name, status="active") -> int:
    with db.session_scope(engine) as session:
        account = Account(name=name, name_key=fold_name(name), sector="Energy", status=status)
        session.add(account)
        session.flush()
        return account.id


def _stored_scores(engine, period):
    with Session(engine) as session:
        rows = session.execute(
            select(Score.account_id, Score.criterion_id, Score.value, Score.rationale).where(Score.period == period)
        ).all()
    return {(a, c): (v, r) for a, c, v, r in rows}


def _errors(raised) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in raised.value.errors]


# --- criteria ---------------------------------------------------------------------------------


def test_default_criteria_are_listed_by_axis_then_position(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as session:
        rows = list_criteria(session)
    assert [row.axis for row in rows] == ["attractiveness"] * 6 + ["strength"] * 6
    assert [row.position for row in rows[:6]] == [1, 2, 3, 4, 5, 6]
    assert active_weight_sum(rows[:6]) == pytest.approx(100)
    assert all(row.version == 1 for row in rows)


def test_add_rename_and_reorder_criteria(empty_url):
    engine = db.get_engine(empty_url)
    size, growth, profit, *rest = _criteria(engine)
    desired = [
        replace(profit, name="Margin after cost to serve"),
        size,
        replace(growth, weight=growth.weight - 5),
        *rest,
        _new_criterion("Reference value", 5),
    ]
    saved = save_criteria(engine, AXIS, desired)
    assert [row.name for row in saved] == [
        "Margin after cost to serve",
        size.name,
        growth.name,
        *(row.name for row in rest),
        "Reference value",
    ]
    assert [row.position for row in saved] == list(range(1, 8))
    assert saved == _criteria(engine)
    by_id = {row.id: row for row in saved}
    assert by_id[profit.id].version == profit.version + 1  # renamed and moved
    assert by_id[growth.id].weight == growth.weight - 5
    assert by_id[rest[-1].id].version == rest[-1].version  # untouched: same version
    assert saved[-1].id is not None and saved[-1].active
    assert active_weight_sum(saved) == pytest.approx(100)


def test_two_criteria_can_swap_names(empty_url):
    engine = db.get_engine(empty_url)
    first, second, *rest = _criteria(engine)
    save_criteria(engine, AXIS, [replace(first, name=second.name), replace(second, name=first.name), *rest])
    saved = {row.id: row.name for row in _criteria(engine)}
    assert (saved[first.id], saved[second.id]) == (second.name, first.name)


def test_a_criterion_left_out_is_deactivated_and_keeps_its_scores(demo_engine):
    rows = _criteria(demo_engine)
    dropped, kept = rows[1], [row for row in rows if row.active and row.id != rows[1].id]
    kept[0] = replace(kept[0], weight=kept[0].weight + dropped.weight)
    with Session(demo_engine) as session:
        scores_before = session.scalar(select(func.count()).where(Score.criterion_id == dropped.id))
    saved = save_criteria(demo_engine, AXIS, kept)
    stored = {row.id: row for row in saved}
    assert stored[dropped.id].active is False
    assert stored[dropped.id].position > len(kept)
    with Session(demo_engine) as session:
        assert session.scalar(select(func.count()).where(Score.criterion_id == dropped.id)) == scores_before > 0
        assert str(dropped.id) not in score_sheet(session, "2026-Q4", AXIS).columns
        assert dropped.id not in {row.criterion.id for row in account_scores(session, 1, "2026-Q4")}


def test_a_new_criterion_may_not_take_the_name_of_a_deactivated_one(empty_url):
    engine = db.get_engine(empty_url)
    first, second, *rest = _criteria(engine)
    save_criteria(engine, AXIS, [replace(first, weight=first.weight + second.weight), *rest])
    current = [row for row in _criteria(engine) if row.active]
    reborn = _new_criterion(second.name.upper(), 0)
    with pytest.raises(ValidationError) as raised:
        save_criteria(engine, AXIS, [*current, reborn])
    assert raised.value.errors == [
        FieldError("criterion_name", "name_inactive", {"row": len(current) + 1, "value": reborn.name})
    ]


def test_weights_not_summing_to_100_are_refused_with_the_sum(empty_url):
    engine = db.get_engine(empty_url)
    before = _criteria(engine)
    desired = [replace(before[0], weight=before[0].weight - 5), *before[1:]]
    with pytest.raises(ValidationError) as raised:
        save_criteria(engine, AXIS, desired)
    assert raised.value.errors == [FieldError("weights", "weights_sum", {"axis": AXIS, "sum": 95.0})]
    assert _criteria(engine) == before


def test_inactive_weights_do_not_count_in_the_sum():
    rows = [_new_criterion("A", 60), _new_criterion("B", 40), _new_criterion("C", 30, active=False)]
    assert validate_criteria(AXIS, rows) == []
    assert active_weight_sum(rows) == 100


@pytest.mark.parametrize("first, second", [("Growth", "GROWTH"), ("Stratégie", "strategie"), ("Fit", " fit ")])
def test_duplicate_names_ignoring_case_and_accents_are_refused(empty_url, first, second):
    engine = db.get_engine(empty_url)
    before = _criteria(engine)
    rows = [_new_criterion(first, 50), _new_criterion(second, 50)]
    with pytest.raises(ValidationError) as raised:
        save_criteria(engine, AXIS, rows)
    assert raised.value.errors == [FieldError("criterion_name", "name_duplicate", {"row": 2, "value": second})]
    assert _criteria(engine) == before


def test_every_bad_row_is_named():
    rows = [_new_criterion(" ", 50), _new_criterion("Size", 150), _new_criterion("Growth", 0, anchor_mid="")]
    errors = validate_criteria(AXIS, rows)
    assert [(error.field, error.code, error.params.get("row")) for error in errors] == [
        ("criterion_name", "text_length", 1),
        ("criterion_weight", "number_range", 2),
        ("criterion_anchor", "text_length", 3),
        ("weights", "weights_sum", None),
    ]
    assert errors[1].params["value"] == 150
    assert errors[2].params["anchor"] == "mid"
    assert errors[-1].params == {"axis": AXIS, "sum": 200.0}


@pytest.mark.parametrize("weight", ["25", None, float("nan"), True])
def test_a_weight_must_be_a_number(weight):
    errors = validate_criteria(AXIS, [_new_criterion("Size", weight), _new_criterion("Growth", 75)])
    assert [(error.field, error.code) for error in errors] == [("criterion_weight", "number_range")]


def test_an_axis_needs_an_active_criterion_and_a_known_name():
    assert validate_criteria(AXIS, [_new_criterion("Size", 100, active=False)]) == [
        FieldError("criteria", "no_active_criterion", {"axis": AXIS})
    ]
    assert validate_criteria(AXIS, []) == [FieldError("criteria", "no_active_criterion", {"axis": AXIS})]
    assert [error.code for error in validate_criteria("size", [_new_criterion("Size", 100)])] == ["unknown_axis"]


def test_a_stale_criterion_version_is_a_conflict(empty_url):
    engine = db.get_engine(empty_url)
    read_by_both = _criteria(engine)
    save_criteria(engine, AXIS, [replace(read_by_both[0], name="Size of spend"), *read_by_both[1:]])
    after_first = _criteria(engine)
    with pytest.raises(ConflictError) as raised:
        save_criteria(engine, AXIS, [replace(read_by_both[0], name="Spend"), *read_by_both[1:]])
    assert raised.value.record == "criterion"
    assert raised.value.updated_at is not None
    assert _criteria(engine) == after_first


def test_a_criterion_of_another_axis_cannot_be_saved_here(empty_url):
    engine = db.get_engine(empty_url)
    strength = _criteria(engine, "strength")
    with pytest.raises(NotFoundError):
        save_criteria(engine, AXIS, [replace(row, axis=AXIS) for row in strength])


# --- parsing scores ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (7, 7.0),
        (7.5, 7.5),
        ("7,5", 7.5),
        ("7.5", 7.5),
        (" 10 ", 10.0),
        ("0", 0.0),
        ("11", 11.0),
        (None, None),
        ("", None),
        ("  ", None),
        (float("nan"), None),
    ],
)
def test_parse_score(raw, expected):
    assert parse_score(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "7,5,1", "1.000,5", "inf", "nan", True, float("inf"), [7]])
def test_parse_score_refuses_what_is_not_a_number(raw):
    with pytest.raises(ValueError):
        parse_score(raw)


# --- saving scores ----------------------------------------------------------------------------


@pytest.fixture
def scoring_setup(empty_url):
    """An empty programme with two accounts, and the first two attractiveness criteria."""
    engine = db.get_engine(empty_url)
    first, second = _criteria(engine)[:2]
    accounts = (_add_account(engine, "Aéroline Group"), _add_account(engine, "Bleu Santé"))
    return engine, accounts, (first, second)


def test_save_scores_inserts_updates_and_clears(scoring_setup):
    engine, (acme, bleu), (size, growth) = scoring_setup
    changed = save_scores(
        engine,
        "2026-Q4",
        [
            ScoreEdit(acme, size.id, "7,5", "Spends about 6 M EUR a year"),
            ScoreEdit(acme, growth.id, 4),
            ScoreEdit(bleu, size.id, None),  # nothing there: nothing to clear
        ],
    )
    assert changed == 2
    assert _stored_scores(engine, "2026-Q4") == {
        (acme, size.id): (7.5, "Spends about 6 M EUR a year"),
        (acme, growth.id): (4.0, None),
    }
    with Session(engine) as session:
        versions = score_versions(session, "2026-Q4", AXIS)
    changed = save_scores(
        engine,
        "2026-Q4",
        [
            ScoreEdit(acme, size.id, 8, None, versions[(acme, size.id)]),  # None rationale keeps the stored one
            ScoreEdit(acme, growth.id, "", None, versions[(acme, growth.id)]),
            ScoreEdit(bleu, growth.id, "3.5", "  "),
        ],
    )
    assert changed == 3
    assert _stored_scores(engine, "2026-Q4") == {
        (acme, size.id): (8.0, "Spends about 6 M EUR a year"),
        (bleu, growth.id): (3.5, None),
    }
    with Session(engine) as session:
        assert score_versions(session, "2026-Q4", AXIS)[(acme, size.id)] == versions[(acme, size.id)] + 1


def test_an_unchanged_cell_is_not_counted(scoring_setup):
    engine, (acme, _), (size, _) = scoring_setup
    save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 6, "Why")])
    with Session(engine) as session:
        version = score_versions(session, "2026-Q4", AXIS)[(acme, size.id)]
    assert save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, "6,0", "Why", version)]) == 0
    assert save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 6, "", version)]) == 1  # rationale cleared
    assert _stored_scores(engine, "2026-Q4") == {(acme, size.id): (6.0, None)}


@pytest.mark.parametrize("raw, code", [("abc", "score_not_number"), (11, "score_range"), ("-1", "score_range")])
def test_one_bad_cell_saves_nothing_and_names_account_and_criterion(scoring_setup, raw, code):
    engine, (acme, bleu), (size, growth) = scoring_setup
    with pytest.raises(ValidationError) as raised:
        save_scores(
            engine,
            "2026-Q4",
            [ScoreEdit(acme, size.id, 7), ScoreEdit(bleu, growth.id, raw), ScoreEdit(bleu, size.id, 5)],
        )
    assert raised.value.errors == [
        FieldError("score", code, {"account": "Bleu Santé", "criterion": growth.name, "value": raw})
    ]
    assert _stored_scores(engine, "2026-Q4") == {}


def test_every_bad_cell_is_reported_at_once(scoring_setup):
    engine, (acme, bleu), (size, growth) = scoring_setup
    with pytest.raises(ValidationError) as raised:
        save_scores(
            engine,
            "2026-Q4",
            [
                ScoreEdit(acme, size.id, "abc"),
                ScoreEdit(bleu, growth.id, 10.5),
                ScoreEdit(bleu, size.id, 5, "x" * 501),
                ScoreEdit(999, size.id, 5),
            ],
        )
    assert _errors(raised) == [
        ("score", "score_not_number"),
        ("score", "score_range"),
        ("rationale", "rationale_length"),
        ("score", "unknown_cell"),
    ]
    assert raised.value.errors[2].params == {"account": "Bleu Santé", "criterion": size.name, "max": 500}
    assert _stored_scores(engine, "2026-Q4") == {}


def test_a_bad_period_is_refused(scoring_setup):
    engine, (acme, _), (size, _) = scoring_setup
    with pytest.raises(ValidationError) as raised:
        save_scores(engine, "2026-Q5", [ScoreEdit(acme, size.id, 5)])
    assert _errors(raised) == [("period", "period_format")]


def test_a_score_saved_in_between_is_a_conflict_and_nothing_is_saved(scoring_setup):
    engine, (acme, bleu), (size, growth) = scoring_setup
    save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 5)])
    with Session(engine) as session:
        read = score_versions(session, "2026-Q4", AXIS)
    save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 6, None, read[(acme, size.id)])])  # a colleague
    with pytest.raises(ConflictError) as raised:
        save_scores(
            engine, "2026-Q4", [ScoreEdit(bleu, growth.id, 9), ScoreEdit(acme, size.id, 7, None, read[(acme, size.id)])]
        )
    assert raised.value.record == "score"
    assert raised.value.updated_at is not None
    assert _stored_scores(engine, "2026-Q4") == {(acme, size.id): (6.0, None)}


def test_a_score_that_appeared_in_between_is_a_conflict(scoring_setup):
    engine, (acme, _), (size, _) = scoring_setup
    save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 5)])  # a colleague, after we read an empty cell
    with pytest.raises(ConflictError):
        save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 8, None, None)])
    assert _stored_scores(engine, "2026-Q4") == {(acme, size.id): (5.0, None)}


def test_a_score_cleared_in_between_is_a_conflict(scoring_setup):
    engine, (acme, _), (size, _) = scoring_setup
    save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 5)])
    with Session(engine) as session:
        version = score_versions(session, "2026-Q4", AXIS)[(acme, size.id)]
    save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, "", None, version)])  # a colleague clears it
    with pytest.raises(ConflictError):
        save_scores(engine, "2026-Q4", [ScoreEdit(acme, size.id, 8, None, version)])
    assert _stored_scores(engine, "2026-Q4") == {}


# --- periods ----------------------------------------------------------------------------------


def _programme_scores(engine, period):
    with Session(engine) as session:
        return session.scalar(
            select(func.count())
            .select_from(Score)
            .join(Account)
            .where(Score.period == period, Account.status != "archived")
        )


def test_start_period_copies_the_latest_period_and_is_idempotent(demo_engine):
    before = _stored_scores(demo_engine, "2026-Q4")
    copied = start_period(demo_engine, "2027-Q1")
    assert copied == _programme_scores(demo_engine, "2026-Q4") > 0
    assert _stored_scores(demo_engine, "2027-Q1") == before  # the archived account is not scored in 2026-Q4
    assert start_period(demo_engine, "2027-Q1") == 0
    with Session(demo_engine) as session:
        assert scored_periods(session)[-2:] == ["2026-Q4", "2027-Q1"]


def test_start_period_never_overwrites(demo_engine):
    source = _stored_scores(demo_engine, "2026-Q4")
    (account_id, criterion_id), (value, _) = next(iter(source.items()))
    new_value = 0.0 if value != 0 else 1.0
    save_scores(demo_engine, "2027-Q1", [ScoreEdit(account_id, criterion_id, new_value, "Rescored already")])
    assert start_period(demo_engine, "2027-Q1") == len(source) - 1
    assert _stored_scores(demo_engine, "2027-Q1")[(account_id, criterion_id)] == (new_value, "Rescored already")


def test_start_period_leaves_archived_accounts_out(demo_engine):
    with Session(demo_engine) as session:
        archived = session.scalars(select(Account.id).where(Account.status == "archived")).all()
    assert archived
    copied = start_period(demo_engine, "2027-Q1", from_period="2026-Q2")
    assert copied == _programme_scores(demo_engine, "2026-Q2")
    assert not {account for account, _ in _stored_scores(demo_engine, "2027-Q1")} & set(archived)
    assert {account for account, _ in _stored_scores(demo_engine, "2026-Q2")} & set(archived)


def test_start_period_with_nothing_before_copies_nothing(empty_url):
    engine = db.get_engine(empty_url)
    assert start_period(engine, "2026-Q4") == 0
    with pytest.raises(ValidationError):
        start_period(engine, "2026-Q4", from_period="last quarter")


# --- reading scores ---------------------------------------------------------------------------


def test_score_sheet_on_the_demo_portfolio(demo_engine):
    with Session(demo_engine) as session:
        sheet = score_sheet(session, "2026-Q4", AXIS)
        criteria = list_criteria(session, AXIS, include_inactive=False)
        programme = session.execute(
            select(Account.id, Account.name_key).where(Account.status != "archived").order_by(Account.name_key)
        ).all()
        versions = score_versions(session, "2026-Q4", AXIS)
    assert sheet.shape == (29, 2 + 6)
    assert list(sheet.columns) == ["account_id", "name", *(str(c.id) for c in criteria)]
    assert list(sheet["account_id"]) == [row[0] for row in programme]
    stored = _stored_scores(demo_engine, "2026-Q4")
    for _, row in sheet.iterrows():
        for criterion in criteria:
            cell = row[str(criterion.id)]
            key = (row["account_id"], criterion.id)
            assert (math.isnan(cell) and key not in stored) or cell == stored[key][0]
            assert (key in versions) == (key in stored)
    with Session(demo_engine) as session:
        strength = score_sheet(session, "2026-Q4", "strength")
    assert strength.shape == (29, 8)
    assert int(strength.iloc[:, 2:].isna().to_numpy().sum()) == 29 * 12 - len(stored)  # left unscored in the demo
    with Session(demo_engine) as session:
        assert score_sheet(session, "2030-Q1", AXIS).iloc[:, 2:].isna().all().all()


def test_account_scores_lists_every_active_criterion(demo_engine):
    with Session(demo_engine) as session:
        account_id = session.scalar(select(Account.id).where(Account.status == "active").order_by(Account.id))
        rows = account_scores(session, account_id, "2026-Q4")
    assert [row.criterion.axis for row in rows] == ["attractiveness"] * 6 + ["strength"] * 6
    stored = _stored_scores(demo_engine, "2026-Q4")
    for row in rows:
        value, rationale = stored.get((account_id, row.criterion.id), (None, None))
        assert (row.value, row.rationale) == (value, rationale)
        assert (row.version is None) == (value is None)


def test_scored_periods_of_the_demo(demo_engine):
    with Session(demo_engine) as session:
        assert scored_periods(session) == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


# --- what the pages changed -------------------------------------------------------------------


def test_sheet_edits_are_the_changed_cells_matched_by_account(demo_engine):
    with Session(demo_engine) as session:
        sheet = score_sheet(session, "2026-Q4", AXIS)
        versions = score_versions(session, "2026-Q4", AXIS)
    column = sheet.columns[2]
    edited = sheet.iloc[::-1].astype(object).copy()  # the grid may sort rows and hand back text
    first, second, third = edited.index[:3]
    old_value = edited.at[first, column]
    edited.at[first, column] = f"{old_value:.1f}".replace(".", ",")  # same score, typed with a comma
    edited.at[second, column] = "abc"
    edited.at[third, column] = None
    edits = sheet_edits(sheet, edited, versions)
    ids = [int(edited.at[index, "account_id"]) for index in (second, third)]
    assert [(edit.account_id, edit.criterion_id, edit.value) for edit in edits] == [
        (ids[0], int(column), "abc"),
        (ids[1], int(column), None),
    ]
    assert all(edit.rationale is None for edit in edits)
    assert edits[0].expected_version == versions[(ids[0], int(column))]


def test_workshop_edits_and_save_round_trip(demo_engine):
    with Session(demo_engine) as session:
        account_id = session.scalar(select(Account.id).where(Account.status == "active").order_by(Account.id))
        scores = account_scores(session, account_id, "2026-Q4")
    first, second, third = scores[:3]
    entered = {score.criterion.id: (score.value, score.rationale) for score in scores}
    entered[first.criterion.id] = (first.value, (first.rationale or "") + " Confirmed by the CFO.")
    entered[second.criterion.id] = (10.0 if second.value != 10 else 9.5, second.rationale)
    entered[third.criterion.id] = (None, third.rationale)
    edits = workshop_edits(account_id, scores, entered)
    assert [edit.criterion_id for edit in edits] == [first.criterion.id, second.criterion.id, third.criterion.id]
    assert workshop_edits(account_id, scores, {s.criterion.id: (s.value, s.rationale) for s in scores}) == []
    assert save_scores(demo_engine, "2026-Q4", edits) == 3
    with Session(demo_engine) as session:
        after = {s.criterion.id: s for s in account_scores(session, account_id, "2026-Q4")}
    assert after[first.criterion.id].rationale.endswith("Confirmed by the CFO.")
    assert after[second.criterion.id].value == entered[second.criterion.id][0]
    assert after[third.criterion.id].value is None
