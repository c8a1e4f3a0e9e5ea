"""Sign-in, roles and the account history under AppTest: open mode says so; with sign-in, a
person needs a role, a viewer's save is refused with nothing written, only an admin changes the
settings and the roles; an account's history shows who changed what."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from kam_core.account import accounts
from kam_core.governance import access, roles
from kam_core.store import db
from kam_core.store.models import Account, RoleGrant
from tests.pages.conftest import no_exception, open_app, texts

RECORD = "pages/account/record.py"
SETTINGS = "pages/data/settings.py"
HISTORY = "pages/account/history.py"
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
    roles.save_grants(
        db.get_engine(url),
        [{"email": email.replace("_", "@") + ".example.com", "role": role} for email, role in given.items()],
    )


def _first_account(url: str) -> Account:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account).order_by(Account.name)).first()


def _button(app, text: str):
    return next(button for button in app.button if button.label == text)


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


def test_a_viewer_reads_but_a_save_is_refused_and_nothing_written(demo_url, monkeypatch):
    _grant(demo_url, ada_admin="admin", vera_viewer="viewer")
    account = _first_account(demo_url)
    app = _signed_in(demo_url, monkeypatch, "Vera@viewer.example.com", RECORD, account=str(account.id))
    no_exception(app)
    sidebar = " ".join(str(element.value) for element in [*app.sidebar.caption, *app.sidebar.info])
    assert "vera@viewer.example.com (Viewer)" in sidebar and "Read only" in sidebar
    app.text_area(key=f"notes_{account.id}_0").set_value("viewer notes")
    _button(app, "Save").click().run()
    no_exception(app)
    refusal = " ".join(str(error.value) for error in app.error)
    assert "Nothing was saved: your role (Viewer) does not allow this change" in refusal
    assert app.text_area(key=f"notes_{account.id}_0").value == "viewer notes"  # the input stays
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Account, account.id).notes == account.notes


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
    assert _button(app, "Save roles").disabled
    assert all(button.disabled for button in app.button if button.label in ("Save", "Save criteria"))


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
