"""Portfolio matrix, scoring and criteria pages under AppTest: real interactions, real writes."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from sqlmodel import Session, select

from kam_core.portfolio.segmentation import Thresholds, segments
from kam_core.programme.settings import as_dict, read_settings, save_settings
from kam_core.store import db
from kam_core.store.models import Account, Criterion, Score
from tests.pages.conftest import no_exception, texts

MATRIX = "pages/portfolio/matrix.py"
SCORING = "pages/portfolio/scoring.py"
SETTINGS = "pages/data/settings.py"
PERIOD = "2026-Q4"


def _segments(url: str, period: str = PERIOD) -> pd.DataFrame:
    with Session(db.get_engine(url)) as session:
        return segments(session, period, Thresholds()).set_index("account_id")


def _scores(url: str, account_id: int) -> dict[int, float]:
    with Session(db.get_engine(url)) as session:
        rows = session.exec(select(Score).where(Score.account_id == account_id, Score.period == PERIOD)).all()
        return {row.criterion_id: row.value for row in rows}


def _criteria(url: str, axis: str) -> list[Criterion]:
    with Session(db.get_engine(url)) as session:
        return session.exec(
            select(Criterion).where(Criterion.axis == axis, Criterion.active).order_by(Criterion.position)
        ).all()


def test_the_matrix_places_every_scored_account_where_its_scores_put_it(demo_app, demo_url):
    app = demo_app(MATRIX)
    no_exception(app)
    table = app.dataframe[0].value.set_index("Account")
    expected = _segments(demo_url).dropna(subset=["quadrant"])
    labels = {"strategic": "Strategic", "develop": "Develop", "maintain": "Maintain", "opportunistic": "Opportunistic"}
    placed = table[table["Segment"] != "Not fully scored"]
    assert len(placed) == len(expected)
    assert sorted(placed["Segment"].tolist()) == sorted(labels[q] for q in expected["quadrant"])
    assert "Not in the matrix until every criterion is scored" in texts(
        app
    )  # the demo's incomplete prospects are listed
    assert "Changed segment since Q4 2025" not in texts(app)
    assert "Changed segment since Q3 2026" in texts(app)


def test_capacity_is_said_with_the_numbers_when_exceeded(demo_app, demo_url):
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        current = read_settings(session)
    save_settings(engine, {**as_dict(current), "strategic_capacity": 5}, current.version)
    app = demo_app(MATRIX)
    no_exception(app)
    warning = " ".join(str(w.value) for w in app.warning)
    strategic = int((_segments(demo_url)["quadrant"] == "strategic").sum())
    assert f"{strategic - 5} accounts longer than the programme can serve" in warning
    assert f"{strategic} strategic accounts · programme capacity 5" in warning


def test_workshop_scoring_moves_the_account_to_the_expected_quadrant(demo_app, demo_url):
    positions = _segments(demo_url)
    account_id = int(positions[positions["quadrant"] == "develop"].index[0])
    app = demo_app(SCORING, account=str(account_id))
    no_exception(app)
    for criterion in _criteria(demo_url, "strength"):
        app.select_slider(key=f"score_{account_id}_{PERIOD}_{criterion.id}").set_value(9.0)
    submit = next(button for button in app.button if button.label == "Save the scores")
    submit.click().run()
    no_exception(app)
    assert "The account moves from Develop to Strategic." in texts(app)
    stored = _scores(demo_url, account_id)
    assert all(stored[c.id] == 9.0 for c in _criteria(demo_url, "strength"))
    assert _segments(demo_url).loc[account_id, "quadrant"] == "strategic"
    with Session(db.get_engine(demo_url)) as session:
        name = session.get(Account, account_id).name
    table = demo_app(MATRIX).dataframe[0].value
    assert table.loc[table["Account"] == name, "Segment"].tolist() == ["Strategic"]


def _open_grid(app):
    """The scoring page's grid tab (only the open tab runs)."""
    app.session_state["scoring_tab"] = "Grid: many accounts"
    app.run()
    no_exception(app)
    return app


def test_only_the_open_scoring_tab_runs(demo_app):
    app = demo_app(SCORING)
    assert app.tabs[0].children and not app.tabs[1].children  # the workshop: the grid is not built
    assert "save_grid" not in [button.key for button in app.button]
    app = _open_grid(app)
    assert app.tabs[1].children and not app.tabs[0].children
    assert not app.select_slider and "save_grid" in [button.key for button in app.button]


def test_the_open_scoring_tab_stays_open_in_the_other_language(demo_app):
    app = _open_grid(demo_app(SCORING))
    app.radio(key="language").set_value("fr").run()
    no_exception(app)
    assert app.tabs[1].label == "Grille : plusieurs comptes" and app.tabs[1].children and not app.tabs[0].children


def test_grid_batch_with_one_bad_cell_saves_nothing_and_names_it(demo_app, demo_url, monkeypatch):
    criteria = _criteria(demo_url, "attractiveness")
    first, second = str(criteria[0].id), str(criteria[1].id)

    def typed(sheet, columns, name_header, key, language="en"):
        edited = sheet.astype(object)  # a grid hands back whatever was typed
        edited.loc[edited.index[0], first] = 9.5
        edited.loc[edited.index[1], second] = "lots"
        return edited

    monkeypatch.setattr("kam_core.ui.grid.edit_score_sheet", typed)
    app = _open_grid(demo_app(SCORING))
    before = _all_scores(demo_url)
    app.button(key="save_grid").click().run()
    no_exception(app)
    shown = texts(app)
    assert "Nothing was saved" in shown
    assert f"{criteria[1].name}: “lots” is not a number" in shown
    assert _all_scores(demo_url) == before


def _all_scores(url: str) -> list[tuple]:
    with Session(db.get_engine(url)) as session:
        return session.exec(
            select(Score.account_id, Score.criterion_id, Score.value, Score.version)
            .where(Score.period == PERIOD)
            .order_by(Score.id)
        ).all()


def test_grid_batch_saves_whole(demo_app, demo_url, monkeypatch):
    criterion = _criteria(demo_url, "strength")[0]

    def grid_in_the_browser(data, **options):
        """What AgGrid hands back once every cell of one column was typed as '3,5' (French decimal)."""
        typed = data.copy()
        typed[str(criterion.id)] = "3,5"
        return SimpleNamespace(data=typed)

    monkeypatch.setattr("kam_core.ui.grid.AgGrid", grid_in_the_browser)
    app = _open_grid(demo_app(SCORING))
    app.segmented_control(key="grid_axis").set_value("strength").run()
    app.button(key="save_grid").click().run()
    no_exception(app)
    grid_tab = app.tabs[1]
    assert any("Scores saved" in str(element.value) for element in grid_tab.success)
    assert not any("Scores saved" in str(element.value) for element in app.tabs[0].success)
    with Session(db.get_engine(demo_url)) as session:
        values = session.exec(
            select(Score.value).where(Score.criterion_id == criterion.id, Score.period == PERIOD)
        ).all()
    assert values and set(values) == {3.5}


def test_a_new_quarter_starts_from_the_previous_scores(demo_app, demo_url):
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        current = read_settings(session)
    save_settings(engine, {**as_dict(current), "current_period": "2027-Q1"}, current.version)
    app = demo_app(SCORING)
    assert app.selectbox(key="scoring_period").value == "2027-Q1"
    app.button(key="start_period").click().run()
    no_exception(app)
    with Session(engine) as session:
        copied = session.exec(select(Score).where(Score.period == "2027-Q1")).all()
        source = session.exec(select(Score).where(Score.period == PERIOD)).all()
    assert 0 < len(copied) <= len(source)


def test_criteria_weights_must_sum_to_100(demo_app, demo_url):
    criteria = _criteria(demo_url, "attractiveness")
    app = demo_app(SETTINGS)
    key = "criteria_attractiveness_0"
    app.session_state[key] = {
        "edited_rows": {0: {"weight": criteria[0].weight + 5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert "Active weights: :red[**105**] / 100" in texts(app)
    app.button(key="save_criteria_attractiveness").click().run()
    no_exception(app)
    assert "add up to 105.0; they must add up to 100" in texts(app)
    assert [c.weight for c in _criteria(demo_url, "attractiveness")] == [c.weight for c in criteria]


def test_criteria_rename_reweight_and_add(demo_app, demo_url):
    criteria = _criteria(demo_url, "strength")
    app = demo_app(SETTINGS)
    app.session_state["criteria_strength_0"] = {
        "edited_rows": {0: {"name": "Share of wallet (ours)", "weight": criteria[0].weight - 5}},
        "added_rows": [
            {
                "name": "Innovation partnership",
                "weight": 5,
                "active": True,
                "position": 99,
                "anchor_low": "No joint project",
                "anchor_mid": "One pilot",
                "anchor_high": "Joint roadmap",
            }
        ],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="save_criteria_strength").click().run()
    no_exception(app)
    assert "Criteria saved." in texts(app)
    names = [c.name for c in _criteria(demo_url, "strength")]
    assert names[0] == "Share of wallet (ours)" and names[-1] == "Innovation partnership"
    assert sum(c.weight for c in _criteria(demo_url, "strength")) == 100


def _matrix_spec(app) -> str:
    return app.get("vega_lite_chart")[0].proto.spec


def test_the_matrix_chart_is_built_again_for_a_new_language_and_after_a_save(demo_app, demo_url):
    app = demo_app(MATRIX)
    assert "Our relative strength" in _matrix_spec(app)
    app.run()  # a rerun draws the chart built on the first run
    assert "Our relative strength" in _matrix_spec(app)
    app.radio(key="language").set_value("fr").run()
    no_exception(app)
    assert "Notre force relative" in _matrix_spec(app) and "Our relative strength" not in _matrix_spec(app)
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        current = read_settings(session)
    save_settings(engine, {**as_dict(current), "strength_threshold": 7.5}, current.version)
    from kam_core.ui import readers

    readers.clear()  # what every save in the app does
    app.run()
    assert 7.5 in _threshold_lines(app)["x"].tolist()  # the dashed line moved


def _threshold_lines(app) -> pd.DataFrame:
    import pyarrow as pa

    tables = [
        pa.ipc.open_stream(dataset.data.data).read_pandas() for dataset in app.get("vega_lite_chart")[0].proto.datasets
    ]
    return next(table for table in tables if list(table.columns) == ["x", "y"])


def test_a_first_full_scoring_says_the_account_is_now_in_its_segment(demo_app, demo_url):
    """Issue 22: an account not placed before its first full scoring read "moves from enum.segment.nan"."""
    positions = _segments(demo_url)
    unplaced = positions[positions["quadrant"].isna()]
    assert not unplaced.empty  # the demo's incomplete prospects
    account_id = int(unplaced.index[0])
    app = demo_app(SCORING, account=str(account_id))
    no_exception(app)
    for axis in ("attractiveness", "strength"):
        for criterion in _criteria(demo_url, axis):
            app.select_slider(key=f"score_{account_id}_{PERIOD}_{criterion.id}").set_value(9.0)
    next(button for button in app.button if button.label == "Save the scores").click().run()
    no_exception(app)
    shown = texts(app)
    assert "The account is now Strategic." in shown
    assert "moves from" not in shown and "enum." not in shown
    app.radio(key="language").set_value("fr").run()
    assert "enum." not in texts(app)
