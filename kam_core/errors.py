"""Errors a write can end with; each names the field and a catalog message, never raw text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str  # the form field, as a catalog key under "field."
    code: str  # the catalog key of the message under "error."
    params: dict = field(default_factory=dict)


class ValidationError(Exception):
    """Input refused before anything was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


class ConflictError(Exception):
    """Someone saved the record after it was read: nothing was written."""

    def __init__(self, record: str, updated_at=None) -> None:
        super().__init__(f"{record} was changed by someone else")
        self.record = record
        self.updated_at = updated_at


class NotFoundError(Exception):
    """The record to change no longer exists."""
