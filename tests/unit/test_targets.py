"""The programme's targets (kam_core/programme/targets.py; docs/method.md, "The programme's targets"):
each ready-made metric on a small portfolio computed by hand, the status rule on hand-drawn lines (up
and down), the baseline proposed from the data, and the writes on both backends: validation naming the
field, the version check, whole or nothing, the audit trail, the admin's role."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.governance import access
from kam_core.portfolio.overview import account_table
from kam_core.programme import targets
from kam_core.programme.targets import Line, MetricInputs, status
from kam_core.store import db
from kam_core.store.models import AuditEntry, Programme, ProgrammeTarget, TargetActual

TODAY = date(2026, 11, 26)


# --- the metrics, on a portfolio small enough to compute by hand ---------------------------------
#
# Accounts (not archived): 1, 2, 3 are in the programme; 4 is not.
#   1: sponsor, plan 100 %, KAM 10      2: no sponsor, plan 50 %, KAM 10
#   3: sponsor, plan 75 %, KAM 11       4: not in the programme, plan 20 %, KAM 12
# Revenue:         2023   2024   2025   2026 (the current year: not closed, left out)
#   1               100    120    130    200
#   2                50     55     60
#   3                 –      –     40
#   4               150    150    170
# Handshake moves: 1 draft 2024-03-01, agreed 2024-11-10;
#                  2 draft 2025-02-01, presented 2025-06-01, agreed 2026-03-01;
#                  3 agreed 2025-05-05, back to presented 2025-09-01.


def _inputs(organic: float = 5.0) -> MetricInputs:
    accounts = pd.DataFrame(
        {
            "account_id": [1, 2, 3, 4],
            "member": [True, True, True, False],
            "sponsored": [True, False, True, True],
            "completeness_pct": [100.0, 50.0, 75.0, 20.0],
            "kam_id": [10, 10, 11, 12],
        }
    )
    revenue = pd.DataFrame(
        [
            (1, 2023, 100.0),
            (2, 2023, 50.0),
            (4, 2023, 150.0),
            (1, 2024, 120.0),
            (2, 2024, 55.0),
            (4, 2024, 150.0),
            (1, 2025, 130.0),
            (2, 2025, 60.0),
            (3, 2025, 40.0),
            (4, 2025, 170.0),
            (1, 2026, 200.0),
        ],
        columns=["account_id", "year", "revenue"],
    )
    stages = pd.DataFrame(
        [
            (1, "draft", date(2024, 3, 1)),
            (1, "agreed", date(2024, 11, 10)),
            (2, "draft", date(2025, 2, 1)),
            (3, "agreed", date(2025, 5, 5)),
            (2, "presented", date(2025, 6, 1)),
            (3, "presented", date(2025, 9, 1)),
            (2, "agreed", date(2026, 3, 1)),
        ],
        columns=["account_id", "stage", "reached_on"],
    )
    return MetricInputs(accounts, revenue, stages, organic, TODAY)


def test_share_of_revenue_made_with_the_programme_accounts_per_closed_year():
    series = targets.metric_series(_inputs())["strategic_revenue_share"]
    # 2023: (100 + 50) / 300; 2024: (120 + 55) / 325; 2025: (130 + 60 + 40) / 400; 2026 not closed
    assert series == pytest.approx({2023: 50.0, 2024: 100 * 175 / 325, 2025: 57.5})
    assert round(series[2024], 2) == 53.85


def test_growth_against_organic_growth_compares_like_with_like():
    series = targets.metric_series(_inputs(organic=5.0))["strategic_growth_ratio"]
    # 2024: accounts 1 and 2 in both years: 175 / 150 − 1 = 16.667 % → ÷ 5 % = 3.333
    # 2025: 3 had no revenue in 2024, so 1 and 2 again: 190 / 175 − 1 = 8.571 % → ÷ 5 % = 1.714
    assert series == pytest.approx({2024: (175 / 150 - 1) * 100 / 5, 2025: (190 / 175 - 1) * 100 / 5})
    assert round(series[2024], 3) == 3.333 and round(series[2025], 3) == 1.714
    assert 2023 not in series  # nothing the year before to grow from


@pytest.mark.parametrize("organic", [0.0, -2.0])
def test_no_growth_ratio_while_the_organic_growth_is_not_above_zero(organic):
    assert targets.metric_series(_inputs(organic=organic))["strategic_growth_ratio"] == {}


def test_handshake_coverage_takes_each_accounts_stage_at_the_end_of_the_year_moves_back_included():
    series = targets.metric_series(_inputs())["handshake_coverage"]
    # end of 2024: 1 agreed → 1 of 3; end of 2025: 1 agreed, 2 presented, 3 moved back → 1 of 3;
    # today (2026-11-26): 1 and 2 agreed → 2 of 3. From 2024, the year of the first move.
    assert series == pytest.approx({2024: 100 / 3, 2025: 100 / 3, 2026: 200 / 3})


def test_the_current_year_metrics():
    series = targets.metric_series(_inputs())
    assert series["sponsor_coverage"] == pytest.approx({2026: 200 / 3})  # 1 and 3 of 1, 2, 3
    assert series["plans_filled"] == pytest.approx({2026: 75.0})  # (100 + 50 + 75) / 3; 4 is not in it
    assert series["strategic_per_kam"] == pytest.approx({2026: 1.5})  # 3 accounts, KAMs 10 and 11


def test_metrics_of_an_empty_programme_have_no_value_rather_than_zero():
    inputs = _inputs()
    empty = MetricInputs(
        inputs.accounts.assign(member=False), inputs.revenue.iloc[0:0], inputs.stages.iloc[0:0], 3.0, TODAY
    )
    assert targets.metric_series(empty) == {metric: {} for metric in targets.READY_MADE}


# --- the status rule -----------------------------------------------------------------------------

UP = Line(baseline_value=40.0, baseline_year=2023, target_value=60.0, target_year=2027)  # +5 a year
DOWN = Line(baseline_value=6.0, baseline_year=2024, target_value=4.0, target_year=2026)  # −1 a year


def test_the_straight_line_from_baseline_to_target():
    assert [UP.expected(year) for year in (2022, 2023, 2024, 2025, 2027, 2030)] == [40, 40, 45, 50, 60, 60]
    assert [DOWN.expected(year) for year in (2024, 2025, 2026)] == [6, 5, 4]


@pytest.mark.parametrize(
    "line, latest, expected",
    [
        (UP, None, "no_actual"),
        (UP, (2025, 50.0), "on_track"),  # on the line
        (UP, (2025, 52.0), "on_track"),  # above it
        (UP, (2025, 49.9), "behind"),
        (UP, (2025, 60.0), "achieved"),  # the target reached early
        (UP, (2026, 61.0), "achieved"),
        (UP, (2028, 59.0), "behind"),  # the target year passed, not reached
        (UP, (2022, 39.0), "behind"),  # before the baseline year: the line holds the baseline
        (DOWN, (2025, 5.0), "on_track"),  # going down: on the line
        (DOWN, (2025, 4.5), "on_track"),  # below the line is ahead
        (DOWN, (2025, 5.5), "behind"),
        (DOWN, (2026, 3.9), "achieved"),  # reached going down
        (DOWN, (2026, 4.2), "behind"),
    ],
)
def test_status_by_the_straight_line_in_the_targets_direction(line, latest, expected):
    assert status(line, latest) == expected


def test_on_the_line_counts_whatever_float_rounding_did():
    line = Line(0.1, 2020, 0.4, 2023)  # 0.1 + 0.3 × 2/3 is 0.30000000000000004 in floats
    assert line.expected(2022) > 0.3
    assert status(line, (2022, 0.3)) == "on_track"
    down = Line(0.7, 2020, 0.1, 2026)  # 0.7 − 0.6 × 5/6 is 0.19999999999999996
    assert down.expected(2025) < 0.2
    assert status(down, (2025, 0.2)) == "on_track"


values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
years = st.integers(min_value=1990, max_value=2100)
RANK = {"behind": 0, "on_track": 1, "achieved": 2}


@st.composite
def lines(draw) -> Line:
    baseline, target = draw(values), draw(values)
    assume(abs(target - baseline) > 1e-6)
    start = draw(st.integers(min_value=1990, max_value=2099))
    return Line(baseline, start, target, draw(st.integers(min_value=start + 1, max_value=2100)))


@given(lines(), years, values)
def test_a_target_below_its_baseline_is_the_same_rule_upside_down(line, year, value):
    mirrored = Line(-line.baseline_value, line.baseline_year, -line.target_value, line.target_year)
    assert status(line, (year, value)) == status(mirrored, (year, -value))


@given(lines(), years, values, st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_moving_the_actual_towards_the_target_never_worsens_its_status(line, year, value, step):
    closer = value + step if line.rising else value - step
    assert RANK[status(line, (year, closer))] >= RANK[status(line, (year, value))]


@given(lines(), years)
def test_an_actual_on_the_line_is_never_behind(line, year):
    assert status(line, (year, line.expected(year))) in ("on_track", "achieved")


def test_a_target_takes_its_latest_actual():
    view = targets.TargetView(1, 1, "custom", "NPS", "pts", UP, 1, ((2024, 48.0), (2025, 49.0)))
    assert view.latest == (2025, 49.0) and view.expected == 50.0 and view.status == "behind"


# --- a ready-made target proposed from the data --------------------------------------------------


def _board(start_year: int | None, series: dict | None = None) -> targets.TargetBoard:
    return targets.TargetBoard(
        targets=(),
        series=series if series is not None else targets.metric_series(_inputs()),
        start_year=start_year,
        horizon_years=5,
        organic_growth_pct=5.0,
        accounts_per_kam=4,
        members=3,
        year=TODAY.year,
    )


def test_the_baseline_is_the_year_before_the_programme_started():
    proposal = targets.propose(_board(start_year=2024), "strategic_revenue_share")
    assert (proposal.baseline_year, proposal.baseline_value) == (2023, 50.0)
    assert (proposal.target_year, proposal.target_value) == (2028, 60.0)  # start + horizon − 1; +10 points


def test_without_a_start_year_the_baseline_is_the_latest_value():
    proposal = targets.propose(_board(start_year=None), "strategic_revenue_share")
    assert (proposal.baseline_year, proposal.baseline_value) == (2025, 57.5)
    assert proposal.target_year == 2028  # three years on


def test_a_baseline_year_without_data_takes_the_first_year_after_it():
    proposal = targets.propose(_board(start_year=2023), "handshake_coverage")  # no stage move in 2022
    assert (proposal.baseline_year, proposal.baseline_value) == (2024, 33.3)
    assert proposal.target_value == 100.0


def test_the_books_benchmark_when_the_data_is_below_it_and_nothing_when_above():
    assert targets.propose(_board(start_year=2024), "strategic_growth_ratio").target_value is None  # 3.33 > 2
    lower = _board(start_year=2025, series={"strategic_growth_ratio": {2024: 1.25}})
    assert targets.propose(lower, "strategic_growth_ratio").target_value == 2.0
    assert targets.propose(_board(None), "strategic_per_kam").target_value == 4.0  # the programme's norm


def test_no_data_proposes_no_baseline_but_keeps_the_benchmark():
    proposal = targets.propose(_board(start_year=2024, series={}), "sponsor_coverage")
    assert (proposal.baseline_value, proposal.baseline_year, proposal.target_value) == (None, 2023, 100.0)
    assert targets.propose(_board(start_year=2024, series={}), "strategic_revenue_share").target_value is None


@pytest.mark.parametrize(
    "value, unit, language, shown",
    [
        (57.5, "%", "en", "57.5%"),
        (57.5, "%", "fr", "57,5\u00a0%"),
        (3.3333, "×", "en", "3.33×"),
        (1.5, "", "fr", "1,5"),
        (12000, "k€", "en", "12,000\u00a0k€"),
        (None, "%", "en", "–"),
    ],
)
def test_values_read_in_the_language(value, unit, language, shown):
    assert targets.format_value(value, unit, language) == shown


# --- validation -----------------------------------------------------------------------------------


def _target(**changes) -> dict:
    values = {
        "metric": "strategic_revenue_share",
        "name": "Share of revenue with strategic accounts",
        "unit": "",
        "baseline_value": "48,5",
        "baseline_year": 2023,
        "target_value": 60,
        "target_year": 2028,
    }
    return {**values, **changes}


def test_a_ready_made_target_is_cleaned_and_takes_its_metrics_unit():
    cleaned, errors = targets.validate_target(_target(unit="whatever", name="  Share  "))
    assert errors == []
    assert cleaned == {
        "metric": "strategic_revenue_share",
        "name": "Share",
        "unit": "%",
        "baseline_value": 48.5,
        "baseline_year": 2023,
        "target_value": 60.0,
        "target_year": 2028,
    }


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"metric": "happiness"}, "metric", "choice"),
        ({"name": "  "}, "name", "required"),
        ({"name": "x" * 121}, "name", "text_length"),
        ({"name": "a\x00b"}, "name", "text_nul"),
        ({"baseline_value": "abc"}, "baseline_value", "number_range"),  # a percentage: 0 to 100
        ({"target_value": 120}, "target_value", "number_range"),
        ({"target_value": ""}, "target_value", "required"),
        ({"baseline_year": 1980}, "baseline_year", "integer_range"),
        ({"target_year": 2023}, "target_year", "integer_range"),  # not after the baseline year
        ({"target_value": "48.5"}, "target_value", "target_equals_baseline"),
    ],
)
def test_each_problem_names_its_field(changes, field, code):
    _, errors = targets.validate_target(_target(**changes))
    assert [(error.field, error.code) for error in errors] == [(field, code)]


def test_a_custom_value_takes_any_number_and_names_what_is_not_one():
    custom = _target(metric="custom", unit="pts", baseline_value=-20, target_value="1e400")
    _, errors = targets.validate_target(custom)
    assert [(error.field, error.code, error.params.get("value")) for error in errors] == [
        ("target_value", "number_format", "1e400")
    ]
    cleaned, errors = targets.validate_target(_target(metric="custom", unit="x" * 25, baseline_value=-20))
    assert [(error.field, error.code) for error in errors] == [("unit", "text_length")]


def test_the_target_year_message_says_from_which_year():
    _, errors = targets.validate_target(_target(target_year=2023))
    assert errors[0].params == {"min": 2024, "max": 2100, "value": 2023}


def test_actuals_name_their_row():
    rows = [{"year": 2024, "value": 3}, {"year": 2024, "value": 4}, {"year": 1900, "value": 1}, {"year": 2025}, {}]
    _, errors = targets.validate_actuals(rows)
    assert [(error.field, error.code, error.params["row"]) for error in errors] == [
        ("year", "duplicate_year", 2),
        ("year", "integer_range", 3),
        ("value", "required", 4),
    ]


# --- the writes, on both backends -----------------------------------------------------------------


def _stored(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.execute(select(ProgrammeTarget).order_by(ProgrammeTarget.position)).scalars()
        return [(row.id, row.name, row.unit, row.baseline_value, row.target_value, row.position) for row in rows]


def _actuals(engine, target_id: int) -> list[tuple[int, float]]:
    with Session(engine) as session:
        rows = session.execute(select(TargetActual).where(TargetActual.target_id == target_id)).scalars()
        return sorted((row.year, row.value) for row in rows)


def _version(engine, target_id: int) -> int:
    with Session(engine) as session:
        return session.get(ProgrammeTarget, target_id).version


def _audited(engine, table: str) -> list[str]:
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEntry.action).where(AuditEntry.table_name == table).order_by(AuditEntry.id)
        ).scalars()
        return list(rows)


def test_create_edit_and_delete_a_target(empty_url):
    engine = db.get_engine(empty_url)
    first = targets.create_target(engine, _target())
    second = targets.create_target(engine, _target(metric="custom", name="NPS", unit="pts", baseline_value=20))
    assert _stored(engine) == [
        (first, "Share of revenue with strategic accounts", "%", 48.5, 60.0, 1),
        (second, "NPS", "pts", 20.0, 60.0, 2),
    ]
    version = _version(engine, first)
    targets.update_target(engine, first, _target(name="Strategic share", metric="custom", unit="x"), version)
    assert _stored(engine)[0][1:3] == ("Strategic share", "%")  # the metric and its unit stay
    targets.delete_target(engine, first, _version(engine, first))
    assert [row[0] for row in _stored(engine)] == [second]
    assert _audited(engine, "programme_target") == ["create", "create", "update", "delete"]


def test_a_stale_or_deleted_target_is_refused_and_nothing_written(empty_url):
    engine = db.get_engine(empty_url)
    target = targets.create_target(engine, _target())
    version = _version(engine, target)
    targets.update_target(engine, target, _target(name="Theirs"), version)
    with pytest.raises(ConflictError):
        targets.update_target(engine, target, _target(name="Mine"), version)
    with pytest.raises(ConflictError):
        targets.delete_target(engine, target, version)
    assert _stored(engine)[0][1] == "Theirs"
    targets.delete_target(engine, target, _version(engine, target))
    with pytest.raises(ConflictError):
        targets.update_target(engine, target, _target(), version)


def test_a_refused_edit_writes_nothing(empty_url):
    engine = db.get_engine(empty_url)
    target = targets.create_target(engine, _target())
    before = _stored(engine)
    with pytest.raises(ValidationError) as raised:
        targets.update_target(engine, target, _target(name="New", target_year=2020), _version(engine, target))
    assert [error.field for error in raised.value.errors] == ["target_year"]
    assert _stored(engine) == before


def test_a_custom_targets_actuals_are_added_changed_and_deleted_whole(empty_url):
    engine = db.get_engine(empty_url)
    target = targets.create_target(engine, _target(metric="custom", name="NPS", unit="pts", baseline_value=20))
    assert targets.save_actuals(engine, target, [{"year": 2024, "value": "31,5"}, {"year": 2025, "value": 35}], []) == 2
    assert _actuals(engine, target) == [(2024, 31.5), (2025, 35.0)]
    with Session(engine) as session:
        stored = {row.year: row for row in session.execute(select(TargetActual)).scalars()}
    rows = [
        {"id": stored[2025].id, "version": stored[2025].version, "year": 2025, "value": 38},
        {"year": 2026, "value": 40},
    ]
    assert targets.save_actuals(engine, target, rows, [stored[2024].id, stored[2025].id]) == 3  # 2024 deleted
    assert _actuals(engine, target) == [(2025, 38.0), (2026, 40.0)]
    with pytest.raises(ValidationError):  # a bad row: nothing of the save is written
        targets.save_actuals(engine, target, [{"year": 2027, "value": 1}, {"year": 2027, "value": 2}], [])
    with pytest.raises(ConflictError):  # the 2025 row moved on since it was read
        targets.save_actuals(engine, target, [{**rows[0], "value": 1}], [stored[2025].id])
    assert _actuals(engine, target) == [(2025, 38.0), (2026, 40.0)]
    targets.delete_target(engine, target, _version(engine, target))
    assert _actuals(engine, target) == []
    assert _audited(engine, "target_actual").count("delete") == 3  # 2024, then 2025 and 2026 with the target


def test_a_year_typed_by_someone_else_meanwhile_is_a_conflict(empty_url):
    engine = db.get_engine(empty_url)
    target = targets.create_target(engine, _target(metric="custom", name="NPS", baseline_value=20))
    targets.save_actuals(engine, target, [{"year": 2025, "value": 30}], [])
    with pytest.raises(ConflictError):
        targets.save_actuals(engine, target, [{"year": 2025, "value": 31}], [])
    assert _actuals(engine, target) == [(2025, 30.0)]


def test_a_computed_target_takes_no_typed_actual(empty_url):
    engine = db.get_engine(empty_url)
    target = targets.create_target(engine, _target())
    with pytest.raises(ValueError):
        targets.save_actuals(engine, target, [{"year": 2025, "value": 30}], [])


def test_only_an_admin_changes_the_targets(empty_url):
    engine = db.get_engine(empty_url)
    editor = access.Actor("ed@example.com", "editor", signed_in=True)
    with access.acting_as(editor), pytest.raises(PermissionDenied):
        targets.create_target(engine, _target())
    assert _stored(engine) == []


def test_the_ambition_texts_are_saved_through_the_programme_row(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as session:
        before = targets.read_ambition(session)
    assert before["ambition"] is None and before["final_ambition"] is None
    saved = targets.save_ambition(
        engine, {"ambition": "  Grow with fewer, deeper accounts.  ", "final_ambition": "   "}, before["version"]
    )
    assert saved["ambition"] == "Grow with fewer, deeper accounts." and saved["final_ambition"] is None
    with pytest.raises(ConflictError):
        targets.save_ambition(engine, {"ambition": "Mine", "final_ambition": None}, before["version"])
    with pytest.raises(ValidationError) as raised:
        targets.save_ambition(engine, {"ambition": "x" * 2001, "final_ambition": "a\x00"}, saved["version"])
    assert [(error.field, error.code) for error in raised.value.errors] == [
        ("ambition", "text_length"),
        ("final_ambition", "text_nul"),
    ]
    with Session(engine) as session:
        assert session.get(Programme, 1).ambition == "Grow with fewer, deeper accounts."
    assert "update" in _audited(engine, "programme")


def test_the_board_on_the_demo_portfolio(demo_url):
    engine = db.get_engine(demo_url)
    share = targets.create_target(engine, _target(baseline_value=80, target_value=90, baseline_year=2023))
    custom = targets.create_target(engine, _target(metric="custom", name="NPS", baseline_value=20, target_value=40))
    targets.save_actuals(engine, custom, [{"year": 2025, "value": 26}], [])
    with Session(engine) as session:
        board = targets.target_board(session, account_table(session, TODAY), TODAY)
    assert board.members > 0 and board.year == 2026
    by_id = {target.id: target for target in board.targets}
    assert by_id[share].actuals == tuple(sorted(board.series["strategic_revenue_share"].items()))
    assert by_id[share].latest[0] == 2025  # the last closed year
    assert by_id[custom].actuals == ((2025, 26.0),) and by_id[custom].status == "behind"  # the line: 28 in 2025
    assert sum(board.counts().values()) == len(board.targets)  # the demo's own targets, if any, and these two
