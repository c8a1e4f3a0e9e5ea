"""A page shows what another process saved at its next run (``readers.follow_store``), and what a
session typed and has not saved stays in its table."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kam_core.account import sections
from kam_core.account.accounts import load_account, update_account
from kam_core.governance import access
from kam_core.store import db
from kam_core.store.models import Account, Kam, Priority
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, texts

OVERVIEW = "pages/account/overview.py"
CANVAS = "pages/account/canvas.py"
PROJECT = Path(__file__).resolve().parents[2]
COLLEAGUE = access.Actor("colleague@example.com", "editor", signed_in=True)


def _account(url: str, name_like: str = "Aerivon") -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account.id).where(Account.name.like(f"{name_like}%"))).first()


def _rename_elsewhere(url: str, account_id: int, name: str) -> None:
    """A save of another app server on the same database: its own engine, never this process's cache."""
    other = db.make_engine(url)
    try:
        with access.acting_as(COLLEAGUE), Session(other) as session:
            record = load_account(session, account_id)
            update_account(other, account_id, {**record.values(), "name": name}, record.version)
    finally:
        other.dispose()


def test_a_page_shows_another_servers_save_at_its_next_run(demo_app, demo_url):
    account_id = _account(demo_url)
    app = demo_app(OVERVIEW, account=str(account_id))
    no_exception(app)
    old = app.title[0].value
    assert old.startswith("Aerivon")
    _rename_elsewhere(demo_url, account_id, "Aerivon Renamed Elsewhere")
    app.run()
    no_exception(app)
    assert app.title[0].value == "Aerivon Renamed Elsewhere"  # today's code: the name kept before the save


def test_a_page_shows_a_save_of_another_process_at_its_next_run(demo_app, demo_url):
    account_id = _account(demo_url)
    app = demo_app(OVERVIEW, account=str(account_id))
    assert "Programme Renamed By The Command Line" not in texts(app)
    script = textwrap.dedent(
        f"""
        from sqlmodel import Session
        from kam_core.programme import settings
        from kam_core.store import db
        engine = db.get_engine({demo_url!r})
        with Session(engine) as session:
            current = settings.read_settings(session)
        values = {{key: getattr(current, key) for key in settings.EDITABLE}}
        settings.save_settings(engine, {{**values, "name": "Programme Renamed By The Command Line"}}, current.version)
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT, check=True, timeout=120)
    app.run()
    no_exception(app)
    assert "Programme Renamed By The Command Line" in texts(app)  # the sidebar's programme caption


def _type_in_priorities(app, account_id: int, title: str):
    app.toggle(key=f"edit_priorities_{account_id}").set_value(True).run()
    no_exception(app)
    app.session_state[f"editor_priorities_{account_id}_0"] = {
        "edited_rows": {0: {"title": title}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    no_exception(app)


def _priority_titles(url: str, account_id: int) -> list[str]:
    with Session(db.get_engine(url)) as session:
        return list(
            session.exec(select(Priority.title).where(Priority.account_id == account_id).order_by(Priority.rank)).all()
        )


def test_what_was_typed_stays_through_a_write_elsewhere_and_saves(demo_app, demo_url):
    account_id = _account(demo_url)
    app = demo_app(CANVAS, account=str(account_id))
    _type_in_priorities(app, account_id, "Typed, not saved yet")
    _rename_elsewhere(demo_url, account_id, "Aerivon Renamed While Typing")
    app.run()
    no_exception(app)
    assert app.session_state[f"editor_priorities_{account_id}_0"]["edited_rows"] == {
        0: {"title": "Typed, not saved yet"}
    }
    app.button(key=f"save_priorities_{account_id}").click().run()
    no_exception(app)
    assert "Saved." in texts(app)
    assert _priority_titles(demo_url, account_id)[0] == "Typed, not saved yet"


def test_what_was_typed_stays_when_another_server_saves_the_same_table(demo_app, demo_url):
    """The table keeps the rows it is editing (shown fresh, Streamlit would start a new table and
    drop the input); the save is refused as a conflict, the input kept; Reload shows the other save."""
    account_id = _account(demo_url)
    app = demo_app(CANVAS, account=str(account_id))
    _type_in_priorities(app, account_id, "My own wording")
    other = db.make_engine(demo_url)
    try:
        with access.acting_as(COLLEAGUE), Session(other) as session:
            rows = sections.load_section(session, "priorities", account_id).to_dict("records")
        rows[0]["title"] = "Changed by a colleague"
        with access.acting_as(COLLEAGUE):
            sections.save_section(other, "priorities", account_id, rows, today=TODAY)
    finally:
        other.dispose()
    app.run()
    no_exception(app)
    editor = f"editor_priorities_{account_id}_0"
    assert app.session_state[editor]["edited_rows"] == {0: {"title": "My own wording"}}
    app.button(key=f"save_priorities_{account_id}").click().run()
    no_exception(app)
    assert "Someone else saved this section" in texts(app)
    assert app.session_state[editor]["edited_rows"] == {0: {"title": "My own wording"}}
    assert _priority_titles(demo_url, account_id)[0] == "Changed by a colleague"
    app.button(key=f"reload_priorities_{account_id}").click().run()
    no_exception(app)
    app.toggle(key=f"edit_priorities_{account_id}").set_value(False).run()  # the table as the room reads it
    no_exception(app)
    assert "Changed by a colleague" in texts(app) and "My own wording" not in texts(app)


def test_a_kam_typed_in_the_team_table_stays_when_another_server_adds_one(demo_app, demo_url):
    app = demo_app("pages/data/team.py")
    typed = {"name": "Inès Moreau", "email": "ines.moreau@example.com", "region": "West", "active": True}
    app.session_state["kams_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [typed]}
    app.run()
    no_exception(app)
    other = db.make_engine(demo_url)
    try:
        with access.acting_as(COLLEAGUE), db.session_scope(other) as session:
            session.add(Kam(name="Added Elsewhere", email="added.elsewhere@example.com", region="North"))
    finally:
        other.dispose()
    app.run()
    no_exception(app)
    assert app.session_state["kams_0"]["added_rows"] == [typed]
    app.button(key="save_kams").click().run()
    no_exception(app)
    assert "Saved." in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        names = set(session.exec(select(Kam.name).where(Kam.active)).all())
    assert {"Inès Moreau", "Added Elsewhere"} <= names  # the colleague's KAM, not read here, is left as it is


def test_a_form_open_before_another_servers_save_is_refused_not_saved_over_it(demo_app, demo_url):
    """A form keeps what it first showed; its save carries the version read then, not the one read
    again after the other save (which would let it put the old text back unseen)."""
    from kam_core.store.models import AccountPlan

    account_id = _account(demo_url)
    app = demo_app(CANVAS, account=str(account_id))
    app.toggle(key=f"edit_customer_{account_id}").set_value(True).run()
    no_exception(app)
    other = db.make_engine(demo_url)
    try:
        with access.acting_as(COLLEAGUE), Session(other) as session:
            version = session.exec(select(AccountPlan.version).where(AccountPlan.account_id == account_id)).one()
        with access.acting_as(COLLEAGUE):
            sections.save_plan_text(other, account_id, {"markets": "Changed elsewhere"}, version)
    finally:
        other.dispose()
    app.run()  # the next run reads the store afresh
    no_exception(app)
    app.text_area(key=f"business_{account_id}").input("My own wording")
    next(b for b in app.button if b.label == "Save" and "customer" in str(b.key)).click().run()
    no_exception(app)
    assert "Someone else saved this" in texts(app)
    assert app.text_area(key=f"business_{account_id}").value == "My own wording"
    with Session(db.get_engine(demo_url)) as session:
        plan = session.exec(select(AccountPlan).where(AccountPlan.account_id == account_id)).one()
    assert plan.markets == "Changed elsewhere" and plan.business != "My own wording"


@pytest.mark.sqlite_only("a restore of a copy of the SQLite file")
def test_a_restore_by_the_command_line_shows_at_the_next_page_in_every_session(demo_app, demo_url):
    """Issue 22: what ``python -m kam_core restore-backup`` says (the app shows the restored data at its
    next page) is true for a session open before the restore and for a new one."""
    from kam_core.store import backups

    account_id = _account(demo_url)
    saved = backups.backup_sqlite(db.sqlite_path(demo_url), "manual")
    _rename_elsewhere(demo_url, account_id, "Aerivon Renamed Before The Restore")
    app = demo_app(OVERVIEW, account=str(account_id))
    assert app.title[0].value == "Aerivon Renamed Before The Restore"
    done = subprocess.run(
        [sys.executable, "-m", "kam_core", "restore-backup", str(saved)],
        cwd=PROJECT,
        env={**os.environ, "KAM_DATABASE_URL": demo_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "shows the restored data at its next page" in done.stdout
    app.run()
    no_exception(app)
    assert app.title[0].value.startswith("Aerivon") and "Renamed" not in app.title[0].value
    fresh = demo_app(OVERVIEW, account=str(account_id))
    assert "Renamed" not in fresh.title[0].value
