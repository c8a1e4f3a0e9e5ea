"""Sign-in, roles and the account history under AppTest: open mode says so; with sign-in, a
person needs a role, a viewer's save is refused with nothing written, only an admin changes the
settings and the roles; an account's history shows who changed what."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from kam_core.account import accounts
from kam_core.governance import access, roles
from kam_core.i18n import translate
from kam_core.store import db
from kam_core.store.models import Account, RoleGrant
from tests.conftest import POSTGRES
from tests.pages.conftest import no_exception, open_app, texts

RECORD = "pages/account/record.py"
SETTINGS = "pages/data/settings.py"
HISTORY = "pages/account/history.py"
CANVAS = "pages/account/canvas.py"
TEAM = "pages/data/team.py"
EXCHANGE = "pages/data/exchange.py"
EDITOR_NEEDED = translate("auth.needs_editor", "en")  # {role} filled by each test
ADMIN_NEEDED = translate("auth.needs_admin", "en")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "kam",
    "client_secret": "secret",
    "server_metadata_url": "https://id.example.com/.well-known",
}


def _signed_in(url: str, monkeypatch, email: str | None, page: str | None = None, **query) -> AppTest:
    """The app with sign-in configured; ``email`` None: nobody signed in yet."""
    user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email, "email_verified": True}
    return open_app(url, monkeypatch, page, secrets={"auth": AUTH}, user=user, **query)


def _grant(url: str, **given) -> None:
    """Give the roles, as an admin would (an app run with sign-in leaves nobody as the default)."""
    with access.acting_as(access.SYSTEM):
        roles.save_grants(
            db.get_engine(url),
            [{"email": email.replace("_", "@") + ".example.com", "role": role} for email, role in given.items()],
        )


def _first_account(url: str) -> Account:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account).order_by(Account.name)).first()


def _button(app, text: str):
    return next(button for button in app.button if button.label == text)


def _restore_upload(app):
    """The file uploader of the workbook to restore."""
    return next(item for item in app.get("file_uploader") if item.proto.id.endswith("-restore_file"))


def assert_locked(control, reason: str) -> None:
    """Drawn disabled, its help saying why (a widget of AppTest, or the proto of one it does not type)."""
    assert control.disabled, control
    assert control.help == reason, (control.help, reason)


def test_open_mode_says_anyone_can_edit(demo_app):
    app = demo_app()
    no_exception(app)
    assert any("Open single-user mode" in str(caption.value) for caption in app.sidebar.caption)


def test_with_sign_in_on_nothing_shows_before_signing_in(demo_url, monkeypatch):
    app = _signed_in(demo_url, monkeypatch, None)
    no_exception(app)
    assert "sign in with your company account" in texts(app)
    assert _button(app, "Sign in")
    assert not app.metric  # no figure of the programme


def test_a_signed_in_address_without_a_role_sees_nothing(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin")
    app = _signed_in(demo_url, monkeypatch, "stranger@example.com")
    no_exception(app)
    assert "no role is given to this address" in texts(app)
    assert not app.metric


def test_a_viewer_reads_and_the_records_controls_are_disabled_with_the_reason(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin", vera_viewer="viewer")
    account = _first_account(demo_url)
    app = _signed_in(demo_url, monkeypatch, "Vera@viewer.example.com", RECORD, account=str(account.id))
    no_exception(app)
    sidebar = " ".join(str(element.value) for element in [*app.sidebar.caption, *app.sidebar.info])
    assert "vera@viewer.example.com (Viewer)" in sidebar and "Read only" in sidebar
    for key in (f"archive_{account.id}", f"delete_{account.id}", "new_account", f"save_years_{account.id}"):
        assert_locked(app.button(key=key), EDITOR_NEEDED.format(role="Viewer"))
    assert_locked(_button(app, "Save"), EDITOR_NEEDED.format(role="Viewer"))


def test_a_viewer_finds_every_edit_switch_of_the_canvas_disabled_with_the_reason(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin", vera_viewer="viewer")
    account = _first_account(demo_url)
    app = _signed_in(demo_url, monkeypatch, "vera@viewer.example.com", CANVAS, account=str(account.id))
    no_exception(app)
    switches = [toggle for toggle in app.toggle if str(toggle.key).startswith("edit_")]
    assert len(switches) >= 5
    for switch in switches:
        assert_locked(switch, EDITOR_NEEDED.format(role="Viewer"))
    assert not [button for button in app.button if str(button.key).startswith("save_")]


def test_an_editor_opens_the_canvas_sections_and_saves(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin", ed_editor="editor")
    account = _first_account(demo_url)
    app = _signed_in(demo_url, monkeypatch, "ed@editor.example.com", CANVAS, account=str(account.id))
    switches = [toggle for toggle in app.toggle if str(toggle.key).startswith("edit_")]
    assert switches and not any(switch.disabled for switch in switches)
    assert all("Switch on to change this section" in switch.help for switch in switches)
    app.toggle(key=f"edit_priorities_{account.id}").set_value(True).run()
    save = app.button(key=f"save_priorities_{account.id}")
    assert not save.disabled and not save.help
    save.click().run()
    no_exception(app)
    assert not app.error


def test_a_viewer_finds_the_team_tables_locked_with_the_reason(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin", vera_viewer="viewer")
    app = _signed_in(demo_url, monkeypatch, "vera@viewer.example.com", TEAM)
    no_exception(app)
    saves = [button for button in app.button if str(button.key).startswith("save_")]
    assert {button.key for button in saves} >= {"save_kams"}
    for button in saves:
        assert_locked(button, EDITOR_NEEDED.format(role="Viewer"))


@pytest.mark.parametrize("role, label", [("viewer", "Viewer"), ("editor", "Editor")])
def test_below_admin_the_exchange_page_says_what_the_export_leaves_out(demo_url, monkeypatch, role, label):
    _grant(demo_url, ada_admin="admin", someone_example=role)
    app = _signed_in(demo_url, monkeypatch, "someone@example.example.com", EXCHANGE)
    no_exception(app)
    said = " ".join(str(info.value) for info in app.info)
    assert f"Your role ({label}) takes what it may see: the roles and the audit trail are left out" in said
    admin_needed = ADMIN_NEEDED.format(role=label)
    assert_locked(_restore_upload(app).proto, admin_needed)
    if not POSTGRES:  # a copy of the database is a SQLite file's (PostgreSQL: pg_dump)
        copy = "Download a copy of the database"
        backup = next(item for item in app.get("download_button") if item.proto.label == copy)
        assert_locked(backup.proto, admin_needed)
    workbook = next(item for item in app.get("download_button") if item.proto.label == "Download the workbook")
    assert not workbook.proto.disabled  # their share stays theirs to take


def test_an_admin_exports_everything_and_may_restore(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin")
    app = _signed_in(demo_url, monkeypatch, "ada@admin.example.com", EXCHANGE)
    no_exception(app)
    assert "left out" not in " ".join(str(info.value) for info in app.info)
    assert not _restore_upload(app).proto.disabled
    assert not any(item.proto.disabled for item in app.get("download_button"))


def test_an_editor_saves_a_plan_but_cannot_change_settings(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin", ed_editor="editor")
    account = _first_account(demo_url)
    app = _signed_in(demo_url, monkeypatch, "ed@editor.example.com", RECORD, account=str(account.id))
    app.text_area(key=f"notes_{account.id}_0").set_value("editor notes")
    _button(app, "Save").click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Account, account.id).notes == "editor notes"
    app.switch_page(SETTINGS).run()
    no_exception(app)
    assert "Only an admin can change these." in texts(app)
    assert "Who holds which role is shown to admins only (your role: Editor)." in texts(app)
    assert not [button for button in app.button if button.label == "Save roles"]
    assert "ada@admin.example.com" not in texts(app) and not app.get("arrow_data_frame")
    locked = [button for button in app.button if button.label in ("Save", "Save criteria")]
    assert locked
    for button in locked:
        assert_locked(button, ADMIN_NEEDED.format(role="Editor"))


def test_an_admin_gives_a_role_on_the_settings_page(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin")
    app = _signed_in(demo_url, monkeypatch, "ada@admin.example.com", SETTINGS)
    no_exception(app)
    assert "Sign-in and roles" in texts(app)
    app.session_state["roles_0"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"email": "New.Editor@example.com", "role": "editor"}],
    }
    app.run()
    _button(app, "Save roles").click().run()
    no_exception(app)
    assert "Roles saved." in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.exec(select(RoleGrant.role).where(RoleGrant.email == "new.editor@example.com")).one() == "editor"


def test_the_admin_cannot_remove_the_last_admin(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin")
    app = _signed_in(demo_url, monkeypatch, "ada@admin.example.com", SETTINGS)
    app.session_state["roles_0"] = {"edited_rows": {0: {"role": "editor"}}, "deleted_rows": [], "added_rows": []}
    app.run()
    _button(app, "Save roles").click().run()
    no_exception(app)
    assert "At least one person must keep the admin role" in " ".join(str(error.value) for error in app.error)


def test_the_history_shows_who_changed_which_field(demo_app, demo_url):
    account = _first_account(demo_url)
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        record = accounts.load_account(session, account.id)
    with access.acting_as(access.Actor("colleague@example.com", "editor", signed_in=True)):
        accounts.update_account(
            engine, account.id, {**record.values(), "notes": "Board changed in June"}, record.version
        )
    app = demo_app(HISTORY, account=str(account.id))
    no_exception(app)
    table = app.dataframe[0].value
    first = table.iloc[0]
    assert (first["who"], first["action"], first["field"], first["after"]) == (
        "colleague@example.com",
        "Changed",
        "Notes",
        "Board changed in June",
    )
    assert first["record"] == "Account"
    app.multiselect(key="history_people").set_value(["colleague@example.com"]).run()
    assert set(app.dataframe[0].value["who"]) == {"colleague@example.com"}


def test_an_address_the_provider_has_not_verified_gives_no_role(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin")
    app = open_app(
        demo_url,
        monkeypatch,
        secrets={"auth": AUTH},
        user={"is_logged_in": True, "email": "ada@admin.example.com", "email_verified": False},
    )
    no_exception(app)
    assert "no role is given to this address" in texts(app)
    assert not app.metric


def test_an_address_sent_without_the_verified_claim_counts_only_from_a_trusted_provider(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin")
    user = {"is_logged_in": True, "email": "ada@admin.example.com"}  # no email_verified claim at all
    app = open_app(demo_url, monkeypatch, secrets={"auth": AUTH}, user=user)
    no_exception(app)
    assert "no role is given to this address" in texts(app) and not app.metric
    trusted = {"auth": AUTH, "kam": {"provider_verifies_email": True}}
    app = open_app(demo_url, monkeypatch, secrets=trusted, user=user)
    no_exception(app)
    assert "no role is given to this address" not in texts(app) and app.metric
