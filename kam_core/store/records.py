"""Reading the account a write is about: it must exist, and, when the caller read it at some
version, still be at that version (someone else's save in between is refused, never overwritten)."""

from __future__ import annotations

from sqlmodel import Session

from kam_core.common.errors import ConflictError, NotFoundError
from kam_core.store.models import Account


def account_or_missing(session: Session, account_id: int) -> Account:
    """The account; NotFoundError when there is none (deleted or merged meanwhile)."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"account {account_id}")
    return account


def account_at_version(session: Session, account_id: int, expected_version: int) -> Account:
    """The account, as the caller read it; ConflictError (with when it was saved) when it moved on."""
    account = account_or_missing(session, account_id)
    if account.version != expected_version:
        raise ConflictError.of("account", account)
    return account


def assign_changed(record, values: dict) -> None:
    """Set only the attributes whose value changes, so an unchanged record keeps its version."""
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
