"""One way for a page to run a save: say what is wrong (naming the field), or that someone else
saved first; on success clear the cached reads, rerun, and say it was saved. The input stays on
screen whenever nothing was saved."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.store.db import StoreError
from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.account.section_specs import SECTIONS
from kam_core.ui import readers, state
from kam_core.ui.i18n import language, t
from kam_core.common.text import md, md_params

_MESSAGE_KEY = "saved_message"


def _shown(value):
    """A parameter as it reads in a message: dates formatted, the rest as is."""
    return fmt.day(value, language()) if hasattr(value, "isoformat") else value


def save(action: Callable[[], object], *, field_label: Callable[[str], str],
         success: str | Callable[[object], str] | None = None, params: Callable[[dict], dict] | None = None,
         go_to: str | None = None, on_conflict: Callable[[], None] | None = None) -> None:
    """Run ``action``; ``success`` may read what it returned. On success the page reruns, or opens
    ``go_to`` (when the record the page showed is gone or out of the programme). ``on_conflict``
    runs after a refused stale save, once the cached reads are cleared."""
    try:
        result = action()
    except (ValidationError, ConflictError, PermissionDenied, StoreError) as error:
        refused(error, field_label, conflict_key="canvas.conflict_form", params=params)
        if isinstance(error, ConflictError) and on_conflict:
            on_conflict()
        return
    readers.clear()
    message = success(result) if callable(success) else success
    st.session_state[_MESSAGE_KEY] = message or t("canvas.saved")
    if go_to:
        st.switch_page(go_to)
    st.rerun()


# Conflicts about the account shown, or about a part of its plan: when the record itself is not
# known, the account's last change says who saved.
ACCOUNT_RECORDS = frozenset({"account", "account_plan", "handshake", *SECTIONS})


def conflict_message(error: ConflictError, key: str = "canvas.conflict") -> str:
    """``key``'s message (nothing was saved, what to do), then who saved meanwhile and when, from
    the audit trail: that record's last change, else the shown account's."""
    about_account = error.record in ACCOUNT_RECORDS
    if error.table is None and not about_account:
        return t(key)  # the record is not known: name nobody rather than the wrong person
    change = readers.last_change(error.table, error.record_id,
                                 state.selected_account_id() if error.table is None else None)
    if change is None:
        return t(key)
    return t("audit.conflict_by", message=t(key), who=md(change.actor), when=fmt.moment(change.at, language()))


def denied_message(denied: PermissionDenied) -> str:
    """Nothing saved: the person's role does not allow it (viewers read; admins alone change the
    criteria, the settings and the roles)."""
    role = t(f"enum.access_role.{denied.role}") if denied.role else t("auth.no_role_short")
    return t("access.denied", role=role, needed=t(f"enum.access_role.{denied.needed}"))


def refused(error: Exception, field_label: Callable[[str], str], *, conflict_key: str = "canvas.conflict",
            rows: bool = False, params: Callable[[dict], dict] | None = None) -> None:
    """Say why a save wrote nothing: each bad field (``rows``: with its row; ``params`` adjusts a
    message's details), someone else's save (the cached reads are cleared, so the page shows
    theirs), a role that does not allow it, or a database that cannot take it now."""
    if isinstance(error, ValidationError):
        if rows:
            show_row_errors(error, field_label)
            return
        for problem in error.errors:
            values = md_params({key: _shown(value) for key, value in problem.params.items()})
            values = params(values) if params else values
            st.error(t("error.field", field=field_label(problem.field), message=t(f"error.{problem.code}", **values)))
    elif isinstance(error, ConflictError):
        st.error(conflict_message(error, conflict_key), icon=":material/sync_problem:")
        readers.clear()
    elif isinstance(error, PermissionDenied):
        st.error(denied_message(error), icon=":material/lock:")
    elif isinstance(error, StoreError):
        st.error(t(f"error.{error.code}", **error.params), icon=":material/database:")
    else:
        raise error


def saved_message() -> None:
    """The message of the save that just happened, if any (call once near the top of the page)."""
    message = st.session_state.pop(_MESSAGE_KEY, None)
    if message:
        st.success(message, icon=":material/check:")


def show_row_errors(error: ValidationError, field_label: Callable[[str], str]) -> None:
    """A table save refused: nothing saved, then each problem with its row and column."""
    st.error(t("canvas.nothing_saved"))
    for problem in error.errors:
        st.error(t("canvas.row_error", row=problem.params.get("row", "–"), field=field_label(problem.field),
                   message=t(f"error.{problem.code}", **md_params(problem.params))))
