"""Programme settings: read, validate and save (with optimistic locking)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.programme.periods import is_period
from kam_core.store.db import session_scope
from kam_core.store.models import Programme


@dataclass(frozen=True)
class ProgrammeSettings:
    name: str
    currency: str
    current_period: str
    attractiveness_threshold: float
    strength_threshold: float
    strategic_capacity: int
    accounts_per_kam: int
    version: int
    updated_at: datetime | None = None


NAME_MAX = 120
NUMBER_RANGES = {"attractiveness_threshold": (0, 10), "strength_threshold": (0, 10)}
INTEGER_RANGES = {"strategic_capacity": (1, 500), "accounts_per_kam": (1, 50)}
EDITABLE = (
    "name",
    "currency",
    "current_period",
    "attractiveness_threshold",
    "strength_threshold",
    "strategic_capacity",
    "accounts_per_kam",
)


def read_settings(session: Session) -> ProgrammeSettings:
    row = session.get(Programme, 1)
    if row is None:
        raise LookupError("programme settings are missing")
    return ProgrammeSettings(**{name: getattr(row, name) for name in (*EDITABLE, "version", "updated_at")})


def validate(values: dict) -> list[FieldError]:
    errors: list[FieldError] = []
    name = values.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > NAME_MAX:
        errors.append(FieldError("name", "text_length", {"min": 1, "max": NAME_MAX}))
    elif "\x00" in name:
        errors.append(FieldError("name", "text_nul", {}))
    currency = values.get("currency")
    currency = currency.strip() if isinstance(currency, str) else ""
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha() or not currency.isupper():
        errors.append(FieldError("currency", "currency_code", {"value": currency}))
    if not is_period(values.get("current_period") or ""):
        errors.append(FieldError("current_period", "period_format", {"value": values.get("current_period")}))
    for key, (low, high) in NUMBER_RANGES.items():
        if not _number_between(values.get(key), low, high):
            errors.append(FieldError(key, "number_range", {"min": low, "max": high, "value": values.get(key)}))
    for key, (low, high) in INTEGER_RANGES.items():
        value = values.get(key)
        if not (isinstance(value, int) and not isinstance(value, bool) and low <= value <= high):
            errors.append(FieldError(key, "integer_range", {"min": low, "max": high, "value": value}))
    return errors


def _number_between(value, low: float, high: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high


def save_settings(engine: Engine, values: dict, expected_version: int) -> ProgrammeSettings:
    """Validate, then save whole or not at all; a stale ``expected_version`` raises ConflictError."""
    values = {key: values.get(key) for key in EDITABLE}
    for key in ("name", "currency"):  # text stripped; anything else (None, a number) counts as nothing typed
        values[key] = values[key].strip() if isinstance(values[key], str) else ""
    return save_programme_fields(engine, values, expected_version, validate, read_settings)


def read_programme_fields(session: Session, fields: tuple[str, ...]) -> dict:
    """Some of the programme row's columns (with its ``version``), as plain values."""
    row = session.get(Programme, 1)
    if row is None:
        raise LookupError("programme settings are missing")
    return {name: getattr(row, name) for name in (*fields, "version")}


def save_programme_fields(
    engine: Engine,
    values: dict,
    expected_version: int,
    validate: Callable[[dict], list[FieldError]],
    read: Callable[[Session], object] | None = None,
):
    """Save some of the programme row's columns (the keys of ``values``), validated by ``validate``
    first, whole or not at all; a stale ``expected_version`` raises ConflictError. Each page that edits
    a part of the programme (its settings, its business case, its calendar, its ambition) names its own
    fields and rules and goes through here, so the version check and the audit are the same for all.
    Returns what ``read`` reads in the same transaction (by default the saved fields and the version)."""
    errors = validate(values)
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            row = session.get(Programme, 1)
            if row.version != expected_version:
                raise ConflictError.of("programme", row)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            return read(session) if read else read_programme_fields(session, tuple(values))
    except StaleDataError as exc:
        raise ConflictError("programme") from exc


def as_dict(settings: ProgrammeSettings) -> dict:
    return asdict(settings)
