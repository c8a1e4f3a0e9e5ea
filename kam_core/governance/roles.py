"""Roles given to e-mail addresses: read, validate, save (admins only), and the role of a person.

A person's role: ``admin`` when named in ``KAM_ADMINS`` (or the app's ``[kam] admins`` secret),
else the role the table gives their e-mail, else none (a signed-in person with no role sees
nothing). The table is saved whole: rows left out lose their role. A save that would leave the
programme without any admin is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.cells import EMAIL
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.governance.access import configured_admins, normalise_email
from kam_core.store.db import session_scope
from kam_core.store.models import ROLES, RoleGrant

MAX_GRANTS = 2000


@dataclass(frozen=True)
class Grant:
    email: str
    role: str
    id: int | None = None
    version: int | None = None


def grants(session: Session) -> list[Grant]:
    rows = session.execute(select(RoleGrant).order_by(RoleGrant.email)).scalars().all()
    return [Grant(row.email, row.role, row.id, row.version) for row in rows]


def role_of(session: Session, email: str | None, admins=()) -> str | None:
    """The role of the person with this e-mail; None when they have none."""
    email = normalise_email(email)
    if not email:
        return None
    if email in configured_admins(admins):
        return "admin"
    return session.execute(select(RoleGrant.role).where(RoleGrant.email == email)).scalar_one_or_none()


def validate(rows: list[dict], admins=()) -> tuple[list[Grant], list[FieldError]]:
    """The rows as grants (e-mails normalised), and what is wrong with them (row numbers from 1)."""
    errors: list[FieldError] = []
    cleaned: list[Grant] = []
    seen: dict[str, int] = {}
    if len(rows) > MAX_GRANTS:
        errors.append(FieldError("email", "too_many_rows", {"max": MAX_GRANTS}))
        return [], errors
    for number, row in enumerate(rows, start=1):
        raw = row.get("email")
        email = normalise_email(raw if isinstance(raw, str) else None)
        role = row.get("role")
        if not email and not role:
            continue  # an empty line of the table
        if not email or len(email) > 254 or not EMAIL.match(email):
            errors.append(
                FieldError("email", "email_format", {"row": number, "value": raw if isinstance(raw, str) else ""})
            )
        elif email in seen:
            errors.append(FieldError("email", "duplicate_grant", {"row": number, "value": email}))
        if role not in ROLES:
            errors.append(FieldError("role", "choice", {"row": number, "value": role if isinstance(role, str) else ""}))
        seen.setdefault(email, number)
        cleaned.append(Grant(email, role if role in ROLES else "", _int(row.get("id")), _int(row.get("version"))))
    if not errors and not configured_admins(admins) and not any(grant.role == "admin" for grant in cleaned):
        errors.append(FieldError("role", "no_admin", {}))
    return cleaned, errors


def _int(value) -> int | None:
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def save_grants(engine: Engine, rows: list[dict], admins=()) -> list[Grant]:
    """Replace the role table by ``rows`` (dicts of email, role, and id/version as read).
    ValidationError names each bad row; ConflictError when someone changed a row since the read;
    PermissionDenied (from the store) unless the person saving is an admin."""
    cleaned, errors = validate(rows, admins)
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            stored = {row.id: row for row in session.execute(select(RoleGrant)).scalars()}
            kept = {grant.id for grant in cleaned if grant.id is not None}
            for grant in cleaned:
                if grant.id is None:
                    continue
                row = stored.get(grant.id)
                if row is None or row.version != grant.version:
                    raise ConflictError.of("role_grant", row)
            for identifier, row in stored.items():
                if identifier not in kept:
                    session.delete(row)
            session.flush()  # a removed e-mail may come back in a new row
            for grant in cleaned:
                if grant.id is None:
                    session.add(RoleGrant(email=grant.email, role=grant.role))
                else:
                    row = stored[grant.id]
                    if (row.email, row.role) != (grant.email, grant.role):
                        row.email, row.role = grant.email, grant.role
            session.flush()
            return grants(session)
    except (StaleDataError, IntegrityError) as exc:  # validated already: only a concurrent save gets here
        raise ConflictError("role_grant") from exc
