"""Sign-in and the person acting.

With an ``[auth]`` section in ``.streamlit/secrets.toml``, people sign in with ``st.login``
(OpenID Connect) and act with the role an admin gave their e-mail; without one, the app runs in
open single-user mode (the person who started it, as admin) and says so in the sidebar. Every
run names the person acting before any page is drawn; the store refuses what their role does
not allow (``kam_core.governance.access``)."""

from __future__ import annotations

import streamlit as st

from kam_core.common.text import md
from kam_core.governance import access
from kam_core.ui import readers
from kam_core.ui.i18n import t

NOBODY = access.Actor("nobody", None)


def _secrets() -> dict:
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # no secrets file at all: open mode
        return {}


def sign_in_configured() -> bool:
    return "auth" in _secrets()


def secret_admins() -> tuple[str, ...]:
    """``[kam] admins = ["..."]``: the admins who set up the roles, whatever the table says."""
    kam = _secrets().get("kam") or {}
    admins = kam.get("admins", ()) if hasattr(kam, "get") else ()
    return tuple(str(email) for email in ([admins] if isinstance(admins, str) else admins))


def _provider() -> str | None:
    kam = _secrets().get("kam") or {}
    return kam.get("provider") if hasattr(kam, "get") else None


def establish() -> access.Actor:
    """Name the person acting for this run; without a usable sign-in, draw why and stop."""
    if not sign_in_configured():
        actor = access.local_actor()
        access.set_current(actor)
        return actor
    access.set_default(NOBODY)  # a write outside this run's context is refused, never made as admin
    access.set_current(NOBODY)
    if not st.user.is_logged_in:
        _sign_in_screen()
        st.stop()
    # an address the identity provider says it has not verified gives no role (anyone could type it)
    verified = st.user.get("email_verified") is not False
    email = access.normalise_email(st.user.get("email")) if verified else ""
    actor = access.Actor(email or "unknown", readers.role_of(email, secret_admins()) if email else None, signed_in=True)
    access.set_current(actor)
    if actor.role is None:
        _no_role_screen(actor)
        st.stop()
    return actor


def _sign_in_screen() -> None:
    st.title(t("auth.title"))
    st.write(t("auth.sign_in_needed"))
    if st.button(t("auth.sign_in"), type="primary", icon=":material/login:"):
        st.login(_provider()) if _provider() else st.login()


def _no_role_screen(actor: access.Actor) -> None:
    st.title(t("auth.title"))
    st.warning(t("auth.no_role", email=md(actor.name)), icon=":material/lock:")
    st.button(t("auth.sign_out"), on_click=st.logout, icon=":material/logout:")


def who_caption(actor: access.Actor) -> None:
    """The sidebar line that says who is acting, with what role, or that anyone may edit."""
    if not actor.signed_in:
        st.sidebar.caption(t("auth.open_mode", user=md(actor.name)), help=t("auth.open_mode_help"))
        return
    st.sidebar.caption(t("auth.signed_in", email=md(actor.name), role=t(f"enum.access_role.{actor.role}")))
    if actor.role == "viewer":
        st.sidebar.info(t("auth.read_only"), icon=":material/visibility:")
    st.sidebar.button(t("auth.sign_out"), on_click=st.logout, icon=":material/logout:", key="sign_out")


def can(needed: str) -> bool:
    """Whether the person acting may make writes that need ``needed`` (to disable controls;
    the store enforces it either way)."""
    return access.current().may(needed)
