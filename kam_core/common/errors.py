"""Errors a write can end with; each names the field and a catalog message, never raw text."""

from __future__ import annotations

from dataclasses import dataclass, field

from kam_core.common.formatting import quoted_params


@dataclass(frozen=True)
class FieldError:
    field: str  # the form field, as a catalog key under "field."
    code: str  # the catalog key of the message under "error."
    params: dict = field(default_factory=dict)  # a text in it is quoted: at most QUOTE_MAX characters

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", quoted_params(self.params))


class ValidationError(Exception):
    """Input refused before anything was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


class ConflictError(Exception):
    """Someone saved the record after it was read: nothing was written. ``table`` and
    ``record_id``, when known, let the caller find who saved it and when (the audit trail)."""

    def __init__(self, record: str, updated_at=None, *, table: str | None = None, record_id: int | None = None) -> None:
        super().__init__(f"{record} was changed by someone else")
        self.record = record
        self.updated_at = updated_at
        self.table = table
        self.record_id = record_id

    @classmethod
    def of(cls, name: str, row) -> ConflictError:
        """The conflict on ``row``, a stored record that moved on (or None when it is gone)."""
        if row is None:
            return cls(name)
        return cls(
            name,
            getattr(row, "updated_at", None),
            table=getattr(row, "__tablename__", None),
            record_id=getattr(row, "id", None),
        )


class PermissionDenied(Exception):
    """The signed-in person's role does not allow this write: nothing was written.
    ``needed`` is the role the write needs, ``role`` the one they have (None: no role)."""

    def __init__(self, needed: str, role: str | None, actor: str = "") -> None:
        super().__init__(f"{actor or 'this user'} has role {role or 'none'}; {needed} needed")
        self.needed = needed
        self.role = role
        self.actor = actor


class NotFoundError(Exception):
    """The record to change no longer exists."""
