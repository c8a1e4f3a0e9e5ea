"""Every write path of every screen refuses the same way (``kam_core.ui.saving.attempt``): a
database busy with another process's save, someone else's save, a role that does not allow it.
Each time the catalog's message, no traceback, nothing written, and what was typed kept.

The busy tests hold SQLite's write lock from another process (``tests/locks.py``) and shorten the
app's busy wait to BUSY_WAIT_MS_IN_TESTS through ``KAM_BUSY_WAIT_MS`` (the app's own is
``db.BUSY_WAIT_MS``, 5 s at most: ``tests/unit/test_busy.py``)."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlmodel import Session, select

from kam_core.account import sections
from kam_core.governance import access, roles
from kam_core.i18n import translate
from kam_core.portfolio import scoring
from kam_core.programme import team
from kam_core.programme.settings import read_settings
from kam_core.store import db
from kam_core.store.models import Account, Commitment, Criterion, Handshake, JointObjective, Kam, Score
from tests.locks import write_lock_held_by_another_process
from tests.pages.conftest import no_exception, open_app, texts

CANVAS = "pages/account/canvas.py"
RECORD = "pages/account/record.py"
HANDSHAKE = "pages/account/handshake.py"
SCORING = "pages/portfolio/scoring.py"
SETTINGS = "pages/data/settings.py"
TEAM = "pages/data/team.py"
PERIOD = "2026-Q4"
SAVE_SCORES = translate("scoring.save_scores", "en")
LOCKED = "SQLite's write lock held by another process"
BUSY_WAIT_MS_IN_TESTS = 300
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "kam",
    "client_secret": "secret",
    "server_metadata_url": "https://id.example.com/.well-known",
}


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def short_wait(monkeypatch):
    """The app gives up on the write lock after BUSY_WAIT_MS_IN_TESTS, not its 5 s (read as the
    engine is made: the engines made before are closed)."""
    db.dispose_all()
    monkeypatch.setenv(db.BUSY_WAIT_VARIABLE, str(BUSY_WAIT_MS_IN_TESTS))
    yield
    db.dispose_all()


def write_lock(url: str):
    """Another process's save in progress: it holds SQLite's write lock."""
    return write_lock_held_by_another_process(db.sqlite_path(url))


def busy_message(url: str) -> str:
    """The catalog's "database busy" message (``error.store.busy``), naming the file."""
    return translate("error.store.busy", "en", path=str(db.sqlite_path(url)))


def assert_busy(app, url: str) -> None:
    no_exception(app)
    errors = [str(error.value) for error in app.error]
    assert busy_message(url) in errors, errors


def _account(url: str, name_like: str = "Aerivon") -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account.id).where(Account.name.like(f"{name_like}%"))).first()


def _with_handshake(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(
            select(Handshake.account_id)
            .join(JointObjective, JointObjective.handshake_id == Handshake.id)
            .join(Commitment, Commitment.handshake_id == Handshake.id)
            .order_by(Handshake.account_id)
        ).first()


def _section(url: str, section: str, account_id: int) -> pd.DataFrame:
    with Session(db.get_engine(url)) as session:
        return sections.load_section(session, section, account_id)


def _edit_section(app, heading: str, section: str, account_id: int, **changes):
    """Switch the section's table to edit, type ``changes`` in it; the Save button is not pressed."""
    if not app.session_state[f"edit_{heading}_{account_id}"]:
        app.toggle(key=f"edit_{heading}_{account_id}").set_value(True).run()
        no_exception(app)
    app.session_state[f"editor_{section}_{account_id}_0"] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": [],
        **changes,
    }
    app.run()
    no_exception(app)
    return app


def _criteria(url: str, axis: str) -> list[Criterion]:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Criterion).where(Criterion.axis == axis).order_by(Criterion.position)).all()


def _all_scores(url: str) -> list[tuple]:
    with Session(db.get_engine(url)) as session:
        return session.exec(
            select(Score.account_id, Score.criterion_id, Score.value, Score.version)
            .where(Score.period == PERIOD)
            .order_by(Score.id)
        ).all()


def _kams(url: str) -> list[tuple]:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Kam.id, Kam.name, Kam.email, Kam.version).order_by(Kam.id)).all()


def _grid_typing(monkeypatch, criterion_id: int, value: str = "3,5"):
    """What the grid hands back once every cell of one criterion was typed as ``value``."""

    def grid_in_the_browser(data, **options):
        typed = data.copy()
        typed[str(criterion_id)] = value
        return SimpleNamespace(data=typed)

    monkeypatch.setattr("kam_core.ui.grid.AgGrid", grid_in_the_browser)


def _open_grid(app, axis: str = "strength"):
    app.session_state["scoring_tab"] = "Grid: many accounts"
    app.run()
    app.segmented_control(key="grid_axis").set_value(axis).run()
    no_exception(app)
    return app


def _as_viewer(url: str, monkeypatch, page: str, **query):
    roles.save_grants(
        db.get_engine(url),
        [{"email": "ada@admin.example.com", "role": "admin"}, {"email": "vera@viewer.example.com", "role": "viewer"}],
    )
    app = open_app(
        url,
        monkeypatch,
        page,
        secrets={"auth": AUTH},
        user={"is_logged_in": True, "email": "vera@viewer.example.com", "email_verified": True},
        **query,
    )
    no_exception(app)
    return app


def assert_denied(app) -> None:
    no_exception(app)
    errors = " ".join(str(error.value) for error in app.error)
    assert "Nothing was saved: your role (Viewer) does not allow this change" in errors, errors


# --- a database busy with another process's save ------------------------------------------------


@pytest.mark.sqlite_only(LOCKED)
def test_the_account_form_saved_while_the_database_is_locked_says_busy_and_keeps_the_form(
    demo_app, demo_url, short_wait
):
    account_id = _account(demo_url)
    app = demo_app(RECORD, account=str(account_id))
    no_exception(app)
    suffix = f"{account_id}_0"
    app.text_input(key=f"crm_{suffix}").set_value("Typed during a lock")
    app.text_area(key=f"notes_{suffix}").set_value("Notes typed during a lock")
    with Session(db.get_engine(demo_url)) as session:
        before = session.get(Account, account_id).model_dump()
    with write_lock(demo_url):
        next(button for button in app.button if button.label == translate("action.save", "en")).click().run()
    assert_busy(app, demo_url)
    assert app.text_input(key=f"crm_{suffix}").value == "Typed during a lock"
    assert app.text_area(key=f"notes_{suffix}").value == "Notes typed during a lock"
    assert not app.success
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Account, account_id).model_dump() == before


@pytest.mark.sqlite_only(LOCKED)
def test_a_page_opened_while_another_process_saves_reads_without_waiting(demo_url, monkeypatch):
    """Reads never wait for the write lock: a page opened by a freshly started app (its engine
    made, migrated and checked meanwhile) shows the account, with no busy message, even with a
    wait far longer than the test could bear."""
    db.dispose_all()
    account_id = _account(demo_url)
    db.dispose_all()  # the app's process starts while another one saves
    monkeypatch.setenv(db.BUSY_WAIT_VARIABLE, str(db.BUSY_WAIT_MS))
    with write_lock(demo_url):
        app = open_app(demo_url, monkeypatch, CANVAS, account=str(account_id))
        no_exception(app)
        assert not app.error, [str(error.value) for error in app.error]
        assert "Aerivon" in texts(app)
    db.dispose_all()


@pytest.mark.sqlite_only(LOCKED)
def test_a_save_shows_that_it_is_waiting(demo_app, demo_url, short_wait, monkeypatch):
    """The save runs under a spinner that says it waits for another save (shown by streamlit
    after half a second: AppTest does not keep it, so the call is recorded here)."""
    import streamlit as st

    account_id = _account(demo_url)
    app = demo_app(RECORD, account=str(account_id))
    shown = []
    real_spinner = st.spinner

    def spinner(text, **options):
        shown.append((text, options))
        return real_spinner(text, **options)

    monkeypatch.setattr(st, "spinner", spinner)
    app.text_input(key=f"crm_{account_id}_0").set_value("Typed during a lock")
    with write_lock(demo_url):
        next(button for button in app.button if button.label == translate("action.save", "en")).click().run()
    assert_busy(app, demo_url)
    waiting = translate("store.saving", "en", seconds=f"{BUSY_WAIT_MS_IN_TESTS / 1000:g}")
    assert shown == [(waiting, {"show_time": True})], shown


@pytest.mark.sqlite_only(LOCKED)
def test_a_canvas_section_saved_while_the_database_is_locked_says_busy_and_keeps_the_table(
    demo_app, demo_url, short_wait
):
    account_id = _account(demo_url)
    app = demo_app(CANVAS, account=str(account_id))
    before = _section(demo_url, "priorities", account_id)
    _edit_section(app, "priorities", "priorities", account_id, edited_rows={0: {"title": "Typed during a lock"}})
    with write_lock(demo_url):
        app.button(key=f"save_priorities_{account_id}").click().run()
    assert_busy(app, demo_url)
    assert app.session_state[f"editor_priorities_{account_id}_0"]["edited_rows"] == {
        0: {"title": "Typed during a lock"}
    }
    assert app.session_state[f"generation_priorities_{account_id}"] == 0  # the same table, not drawn anew
    assert _section(demo_url, "priorities", account_id).equals(before)


@pytest.mark.sqlite_only(LOCKED)
@pytest.mark.parametrize(
    "section, row",
    [
        ("joint_objectives", {"title": "Typed during a lock"}),
        ("commitments", {"owner": "Typed during a lock"}),
    ],
)
def test_a_handshake_table_saved_while_the_database_is_locked_says_busy_and_keeps_the_table(
    demo_app, demo_url, short_wait, section, row
):
    account_id = _with_handshake(demo_url)
    app = demo_app(HANDSHAKE, account=str(account_id))
    no_exception(app)
    before = _section(demo_url, section, account_id)
    _edit_section(app, section, section, account_id, edited_rows={0: row})
    with write_lock(demo_url):
        app.button(key=f"save_{section}_{account_id}").click().run()
    assert_busy(app, demo_url)
    assert app.session_state[f"editor_{section}_{account_id}_0"]["edited_rows"] == {0: row}
    assert _section(demo_url, section, account_id).equals(before)


@pytest.mark.sqlite_only(LOCKED)
def test_the_score_grid_saved_while_the_database_is_locked_says_busy_and_keeps_the_scores(
    demo_app, demo_url, short_wait, monkeypatch
):
    criterion = _criteria(demo_url, "strength")[0]
    _grid_typing(monkeypatch, criterion.id)
    app = _open_grid(demo_app(SCORING))
    before = _all_scores(demo_url)
    pending = app.session_state["grid_pending"]
    assert pending > 0
    with write_lock(demo_url):
        app.button(key="save_grid").click().run()
    assert_busy(app, demo_url)
    assert app.session_state["grid_generation"] == 0 and app.session_state["grid_pending"] == pending
    assert not any("Scores saved" in str(element.value) for element in app.success)
    assert _all_scores(demo_url) == before


@pytest.mark.sqlite_only(LOCKED)
def test_the_workshop_sliders_saved_while_the_database_is_locked_say_busy_and_keep_the_sliders(
    demo_app, demo_url, short_wait
):
    account_id = _account(demo_url)
    app = demo_app(SCORING, account=str(account_id))
    no_exception(app)
    slider = app.select_slider[0]
    value = 9.5 if slider.value != 9.5 else 0.5
    slider.set_value(value)
    before = _all_scores(demo_url)
    with write_lock(demo_url):
        next(button for button in app.button if button.label == SAVE_SCORES).click().run()
    assert_busy(app, demo_url)
    assert app.select_slider(key=slider.key).value == value
    assert _all_scores(demo_url) == before


@pytest.mark.sqlite_only(LOCKED)
def test_the_criteria_table_saved_while_the_database_is_locked_says_busy_and_keeps_the_table(
    demo_app, demo_url, short_wait
):
    criteria = _criteria(demo_url, "strength")
    app = demo_app(SETTINGS)
    typed = {"edited_rows": {0: {"name": "Typed during a lock"}}, "added_rows": [], "deleted_rows": []}
    app.session_state["criteria_strength_0"] = typed
    app.run()
    with write_lock(demo_url):
        app.button(key="save_criteria_strength").click().run()
    assert_busy(app, demo_url)
    assert app.session_state["criteria_strength_0"]["edited_rows"] == typed["edited_rows"]
    assert app.session_state["criteria_generation_strength"] == 0
    assert [(c.name, c.version) for c in _criteria(demo_url, "strength")] == [(c.name, c.version) for c in criteria]


@pytest.mark.sqlite_only(LOCKED)
def test_the_programme_settings_saved_while_the_database_is_locked_say_busy_and_keep_the_input(
    demo_app, demo_url, short_wait
):
    app = demo_app(SETTINGS)
    app.number_input[0].set_value(21)  # strategic accounts the programme can serve
    with write_lock(demo_url):
        app.button[0].click().run()
    assert_busy(app, demo_url)
    assert app.number_input[0].value == 21
    with Session(db.get_engine(demo_url)) as session:
        assert read_settings(session).strategic_capacity != 21


@pytest.mark.sqlite_only(LOCKED)
def test_the_team_table_saved_while_the_database_is_locked_says_busy_and_keeps_the_table(
    demo_app, demo_url, short_wait
):
    app = demo_app(TEAM)
    no_exception(app)
    before = _kams(demo_url)
    added = [{"name": "Typed During-Lock", "email": "typed.during.lock@example.com", "region": "West", "active": True}]
    app.session_state["kams_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": added}
    app.run()
    with write_lock(demo_url):
        app.button(key="save_kams").click().run()
    assert_busy(app, demo_url)
    assert app.session_state["kams_0"]["added_rows"] == added and app.session_state["kams_generation"] == 0
    assert _kams(demo_url) == before


@pytest.mark.sqlite_only(LOCKED)
def test_a_raw_database_is_locked_at_the_commit_reads_as_busy(demo_app, demo_url, monkeypatch):
    """Whatever step of a save meets the lock (here the commit), the page says the database is busy."""
    from sqlalchemy.exc import OperationalError
    from sqlmodel import Session as SqlSession

    account_id = _account(demo_url)
    app = demo_app(CANVAS, account=str(account_id))
    before = _section(demo_url, "priorities", account_id)
    _edit_section(app, "priorities", "priorities", account_id, edited_rows={0: {"title": "Typed"}})

    def locked(self):
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))

    with monkeypatch.context() as patch:
        patch.setattr(SqlSession, "commit", locked)
        app.button(key=f"save_priorities_{account_id}").click().run()
    assert_busy(app, demo_url)
    assert app.session_state[f"editor_priorities_{account_id}_0"]["edited_rows"] == {0: {"title": "Typed"}}
    assert _section(demo_url, "priorities", account_id).equals(before)


# --- someone else saved first ---------------------------------------------------------------------


def test_a_stale_grid_save_is_refused_and_shows_the_scores_saved_meanwhile(demo_app, demo_url, monkeypatch):
    criterion = _criteria(demo_url, "strength")[0]
    _grid_typing(monkeypatch, criterion.id)
    app = _open_grid(demo_app(SCORING))
    with Session(db.get_engine(demo_url)) as session:
        score = session.exec(
            select(Score).where(Score.criterion_id == criterion.id, Score.period == PERIOD, Score.value.is_not(None))
        ).first()
    scoring.save_scores(
        db.get_engine(demo_url),
        PERIOD,
        [scoring.ScoreEdit(score.account_id, criterion.id, 1.0, "a colleague's", score.version)],
    )  # a colleague, meanwhile
    before = _all_scores(demo_url)
    app.button(key="save_grid").click().run()
    no_exception(app)
    assert "Someone else changed some of these scores" in texts(app)
    assert _all_scores(demo_url) == before


def test_a_stale_criteria_save_is_refused_and_nothing_is_overwritten(demo_app, demo_url):
    criteria = _criteria(demo_url, "strength")
    app = demo_app(SETTINGS)
    app.session_state["criteria_strength_0"] = {
        "edited_rows": {0: {"name": "Mine"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    with Session(db.get_engine(demo_url)) as session:
        rows = scoring.criteria_table(
            session.exec(select(Criterion).where(Criterion.axis == "strength").order_by(Criterion.position)).all()
        )
    rows.loc[rows.index[0], "name"] = "A colleague's"
    scoring.save_criteria(db.get_engine(demo_url), "strength", scoring.criteria_from_table("strength", rows))
    app.button(key="save_criteria_strength").click().run()
    no_exception(app)
    assert "Someone else changed these criteria" in texts(app)
    assert _criteria(demo_url, "strength")[0].name == "A colleague's"
    assert [c.id for c in _criteria(demo_url, "strength")] == [c.id for c in criteria]


def test_a_stale_team_save_is_refused_with_a_reload_and_the_input_kept(demo_app, demo_url):
    app = demo_app(TEAM)
    typed = {0: {"region": "Mine"}}
    app.session_state["kams_0"] = {"edited_rows": typed, "deleted_rows": [], "added_rows": []}
    app.run()
    with Session(db.get_engine(demo_url)) as session:
        table = team.load_kams(session)
    rows = table.to_dict("records")
    rows[0]["region"] = "A colleague's"
    with access.acting_as(access.Actor("colleague@example.com", "editor", signed_in=True)):
        team.save_kams(db.get_engine(demo_url), rows, set(int(i) for i in table["id"]))
    app.button(key="save_kams").click().run()
    no_exception(app)
    assert "Someone else saved" in texts(app) and "colleague@example.com" in texts(app)
    assert app.session_state["kams_0"]["edited_rows"] == typed
    assert any(button.key == "reload_kams" for button in app.button)
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Kam, int(table["id"].iloc[0])).region == "A colleague's"


# --- a role that does not allow it ----------------------------------------------------------------


def assert_locked(control) -> None:
    """Offered disabled, the catalog's reason as its help: a viewer cannot click it (AppTest refuses
    to, as a browser does); the store would refuse the write anyway (tests/unit/test_access_audit.py)."""
    assert control.disabled
    assert control.help == translate("auth.needs_editor", "en", role="Viewer")


def test_a_viewer_cannot_open_a_canvas_section_for_editing_and_is_told_why(demo_url, monkeypatch):
    account_id = _account(demo_url)
    app = _as_viewer(demo_url, monkeypatch, CANVAS, account=str(account_id))
    assert_locked(app.toggle(key=f"edit_priorities_{account_id}"))
    assert not [button for button in app.button if button.key == f"save_priorities_{account_id}"]


def test_a_viewer_finds_the_score_grids_save_disabled_and_is_told_why(demo_url, monkeypatch):
    criterion = _criteria(demo_url, "strength")[0]
    _grid_typing(monkeypatch, criterion.id)
    app = _open_grid(_as_viewer(demo_url, monkeypatch, SCORING))
    assert_locked(app.button(key="save_grid"))


def test_a_viewer_finds_the_team_tables_save_disabled_and_is_told_why(demo_url, monkeypatch):
    app = _as_viewer(demo_url, monkeypatch, TEAM)
    assert_locked(app.button(key="save_kams"))


def test_sections_and_rosters_are_saved_through_the_one_save_path():
    """No screen catches a refusal on its own: every write goes through ``saving.attempt``."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [
        "kam_core/ui/section_editor.py",
        "kam_core/ui/roster_editor.py",
        "pages/portfolio/scoring.py",
        "pages/data/settings.py",
    ]:
        source = (root / path).read_text()
        assert "except ValidationError" not in source and "except ConflictError" not in source, path
        assert "except PermissionDenied" not in source and "except (" not in source, path
