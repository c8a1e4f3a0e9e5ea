"""One way for a page to run a save: say what is wrong (naming the field), that someone else
saved first, that the person's role does not allow it, or that the database cannot take it now
(busy with another save, or gone); on success clear the cached reads, rerun, and say it was
saved. The input stays on screen whenever nothing was saved.

``attempt`` runs a write and says why it was refused; every write of every screen goes through
it (``save`` for a form that reruns when saved, the table editors and the score pages directly)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from sqlalchemy.exc import OperationalError

from kam_core.account.section_specs import SECTIONS
from kam_core.common import formatting as fmt
from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.common.text import md, md_params
from kam_core.store.db import StoreError, as_store_error, busy_wait_ms
from kam_core.ui import memo, readers, state
from kam_core.ui.i18n import language, t
from kam_core.ui.store import store_message

_MESSAGE_KEY = "saved_message"
REFUSALS = (ValidationError, ConflictError, PermissionDenied, StoreError)


@dataclass(frozen=True)
class Outcome:
    """What ``attempt`` did: ``result`` of the action when saved, else the ``error`` that refused it."""

    result: object = None
    error: Exception | None = None

    @property
    def saved(self) -> bool:
        return self.error is None


def attempt(
    action: Callable[[], object],
    field_label: Callable[[str], str] | None = None,
    *,
    conflict_key: str = "canvas.conflict",
    rows: bool = False,
    heading: str | None = None,
    params: Callable[[dict], dict] | None = None,
    label_params: bool = False,
    on_conflict: Callable[[ConflictError], None] | None = None,
    on_invalid: Callable[[ValidationError], None] | None = None,
    keeps_reads: bool = False,
) -> Outcome:
    """Run the write ``action``. Saved: the cached reads are cleared (the caller reruns). Refused:
    ``refused`` says why (``on_conflict`` and ``on_invalid`` say it instead, for a screen that
    shows it later or its own way); nothing is rerun nor reset, so what was typed stays on screen.
    A database busy with another save ("database is locked") reads as the catalog's message.
    A save that takes more than half a second (waiting for another save's lock, the busy wait at
    most) shows a spinner saying so, with the time elapsed. ``keeps_reads``: the write changes nothing
    any cached read holds (a workshop vote: the votes are read fresh), so the cache is kept."""
    try:
        with st.spinner(t("store.saving", seconds=f"{busy_wait_ms() / 1000:g}"), show_time=True):
            result = action()
    except REFUSALS as error:
        return _refusal(
            error,
            field_label,
            conflict_key=conflict_key,
            rows=rows,
            heading=heading,
            params=params,
            label_params=label_params,
            on_conflict=on_conflict,
            on_invalid=on_invalid,
        )
    except OperationalError as exc:
        error = as_store_error(exc)
        if error is None:
            raise
        return _refusal(error, field_label)
    if not keeps_reads:
        readers.written()
        memo.saved_here()
    return Outcome(result=result)


def _refusal(error: Exception, field_label, *, on_conflict=None, on_invalid=None, **how) -> Outcome:
    if isinstance(error, ConflictError):
        memo.saved_here()  # the forms read again: a second save replaces the other one knowingly
    if isinstance(error, ConflictError) and on_conflict is not None:
        on_conflict(error)
    elif isinstance(error, ValidationError) and on_invalid is not None:
        on_invalid(error)
    else:
        refused(error, field_label, **how)
    return Outcome(error=error)


def _shown(value):
    """A parameter as it reads in a message: dates formatted, the rest as is."""
    return fmt.day(value, language()) if hasattr(value, "isoformat") else value


def save(
    action: Callable[[], object],
    *,
    field_label: Callable[[str], str],
    success: str | Callable[[object], str] | None = None,
    params: Callable[[dict], dict] | None = None,
    go_to: str | None = None,
    on_conflict: Callable[[], None] | None = None,
) -> None:
    """Run ``action``; ``success`` may read what it returned. On success the page reruns, or opens
    ``go_to`` (when the record the page showed is gone or out of the programme). ``on_conflict``
    runs after a refused stale save, once the cached reads are cleared."""
    outcome = attempt(action, field_label, conflict_key="canvas.conflict_form", params=params)
    if not outcome.saved:
        if isinstance(outcome.error, ConflictError) and on_conflict:
            on_conflict()
        return
    result = outcome.result
    message = success(result) if callable(success) else success
    st.session_state[_MESSAGE_KEY] = message or t("canvas.saved")
    if go_to:
        st.switch_page(go_to)
    st.rerun()


def save_table(
    action: Callable[[], object],
    field_label: Callable[[str], str],
    *,
    generation_key: str,
    saved_key: str,
    conflict_key: str,
) -> None:
    """Save a whole editable table (section, roster): refused, each problem with its row and column,
    or someone else's save kept under ``conflict_key`` for ``kept_conflict`` to show with a button
    to reload theirs; what was typed stays in the table. Saved: the table is drawn anew (next
    ``generation_key``), what ``action`` returned (the count of changes) kept under ``saved_key``."""

    def keep(error: ConflictError) -> None:
        st.session_state[conflict_key] = conflict_message(error)

    outcome = attempt(action, field_label, rows=True, on_conflict=keep)
    if not outcome.saved:
        return
    st.session_state.pop(conflict_key, None)  # an earlier refusal is answered: saved since
    st.session_state[generation_key] = st.session_state.get(generation_key, 0) + 1
    st.session_state[saved_key] = outcome.result
    st.rerun()


def kept_conflict(conflict_key: str, reload_key: str, generation_key: str) -> None:
    """The conflict ``save_table`` kept, if any, and its button to reload the table as saved now."""
    if not st.session_state.get(conflict_key):
        return
    st.error(st.session_state[conflict_key], icon=":material/sync_problem:")
    if st.button(t("canvas.reload"), key=reload_key, icon=":material/refresh:"):
        del st.session_state[conflict_key]
        readers.clear()
        st.session_state[generation_key] = st.session_state.get(generation_key, 0) + 1
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
    change = readers.last_change(
        error.table, error.record_id, state.selected_account_id() if error.table is None else None
    )
    if change is None:
        return t(key)
    return t("audit.conflict_by", message=t(key), who=md(change.actor), when=fmt.moment(change.at, language()))


def denied_message(denied: PermissionDenied) -> str:
    """Nothing saved: the person's role does not allow it (viewers read; admins alone change the
    criteria, the settings and the roles)."""
    role = t(f"enum.access_role.{denied.role}") if denied.role else t("auth.no_role_short")
    return t("access.denied", role=role, needed=t(f"enum.access_role.{denied.needed}"))


def refused(
    error: Exception,
    field_label: Callable[[str], str] | None,
    *,
    conflict_key: str = "canvas.conflict",
    rows: bool = False,
    heading: str | None = None,
    params: Callable[[dict], dict] | None = None,
    label_params: bool = False,
) -> None:
    """Say why a save wrote nothing: each bad field (``rows``: with its row; ``heading``: a
    message said first; no ``field_label``: the message alone; ``params`` adjusts a message's
    details; ``label_params``: the label reads them too), someone else's save (the cached reads
    are cleared, so the page shows theirs), a role that does not allow it, or a database that
    cannot take it now. User text in a message is escaped (``md``)."""
    if isinstance(error, ValidationError):
        if rows:
            show_row_errors(error, field_label)
            return
        if heading:
            st.error(t(heading))
        for problem in error.errors:
            values = md_params({key: _shown(value) for key, value in problem.params.items()})
            values = params(values) if params else values
            message = t(f"error.{problem.code}", **values)
            if field_label is None:
                st.error(message)
                continue
            label = field_label(problem.field, **values) if label_params else field_label(problem.field)
            st.error(t("error.field", field=label, message=message))
    elif isinstance(error, ConflictError):
        st.error(conflict_message(error, conflict_key), icon=":material/sync_problem:")
        readers.clear()
    elif isinstance(error, PermissionDenied):
        st.error(denied_message(error), icon=":material/lock:")
    elif isinstance(error, StoreError):
        st.error(store_message(error), icon=":material/database:")
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
        st.error(
            t(
                "canvas.row_error",
                row=problem.params.get("row", "–"),
                field=field_label(problem.field),
                message=t(f"error.{problem.code}", **md_params(problem.params)),
            )
        )
