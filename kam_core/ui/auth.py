"""Sign-in and the person acting.

With an ``[auth]`` section in ``.streamlit/secrets.toml``, people sign in with ``st.login``
(OpenID Connect) and act with the role an admin gave their e-mail; without one, the app runs in
open single-user mode (the person who started it, as admin) and says so in the sidebar. Every
run names the person acting before any page is drawn; the store refuses what their role does
not allow (``kam_core.governance.access``)."""

from __future__ import annotations

from dataclasses import dataclass

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


def provider_verifies_email() -> bool:
    """``[kam] provider_verifies_email = true``: the identity provider only issues addresses it owns,
    so an address it sends without an ``email_verified`` claim counts as verified."""
    kam = _secrets().get("kam") or {}
    return hasattr(kam, "get") and kam.get("provider_verifies_email") is True


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
    # an address the identity provider has not said it verified gives no role (anyone could type it)
    email = access.verified_email(st.user, provider_verifies_email())
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


@dataclass(frozen=True)
class Permit:
    """Whether the person acting may use a control that writes, and if not, why (the catalog's
    words). Every control that writes is drawn through one: ``disabled=permit.disabled`` (or
    ``permit.disabled or <the control's own reason>``) and ``help=permit.help(<its own help>)``, so
    a viewer sees the Edit switch or the Save button greyed with the reason, instead of a refusal
    after the click; ``**permit.control()`` gives both at once. The store refuses either way
    (``kam_core.governance.access``)."""

    allowed: bool
    reason: str | None = None

    @property
    def disabled(self) -> bool:
        return not self.allowed

    def help(self, text: str | None = None) -> str | None:
        """The control's help: the reason it is disabled, else its own ``text``."""
        return text if self.allowed else self.reason

    def control(self, help: str | None = None) -> dict:
        """``disabled`` and ``help`` of a control that has no other reason to be disabled:
        ``st.button(..., **auth.permit("editor").control())``."""
        return {"disabled": self.disabled, "help": self.help(help)}


def permit(needed: str = "editor") -> Permit:
    """What the person acting may do with a control whose write needs the role ``needed``."""
    if access.current().may(needed):
        return Permit(True)
    return Permit(False, t(f"auth.needs_{needed}", role=role_name()))


def role_name() -> str:
    """The role of the person acting, as the catalog names it."""
    role = access.current().role
    return t(f"enum.access_role.{role}") if role else t("auth.no_role_short")
