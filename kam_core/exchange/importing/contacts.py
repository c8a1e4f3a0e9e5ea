"""Planning and writing contacts (stakeholders).

| kind     | rule                                                                                  |
| -------- | ------------------------------------------------------------------------------------- |
| contacts | the account by CRM id, else by name; none -> unknown_account error. Name: the name,   |
|          | else first and last name. E-mail not like one -> email_format warning, not stored.    |
|          | Role: a buying role (decision maker, approver, influencer, user, buyer, gatekeeper,   |
|          | champion, also CRM and French words); else choice warning, influencer on create.      |
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from kam_core.account.accounts import CRM_ID_MAX
from kam_core.common.cells import EMAIL
from kam_core.common.text import fold_name
from kam_core.exchange.import_synonyms import fold_header
from kam_core.exchange.importing.cell_values import _ROLE_WORDS
from kam_core.exchange.importing.model import BATCH_SIZE, CONTACT_TEXT_MAX, EMAIL_MAX, RawTable
from kam_core.exchange.importing.rows import (
    _account_index,
    _Cells,
    _chunks,
    _CrmDict,
    _duplicate,
    _find_account,
    _Plan,
    _problem,
    _Progress,
    _Row,
    _rows,
    _text_value,
    crm_key,
)
from kam_core.store.models import BUYING_ROLES, Stakeholder
from kam_core.store.records import assign_changed

_CONTACT_FIELDS = ("crm_id", "name", "title", "unit", "email", "role", "owner")


def _plan_contacts(session: Session, table: RawTable, cells: _Cells, today: date, progress: _Progress) -> list[_Row]:
    index = _account_index(session)
    people = session.execute(
        select(
            Stakeholder.id,
            Stakeholder.account_id,
            Stakeholder.crm_id,
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.unit,
            Stakeholder.email,
            Stakeholder.role,
            Stakeholder.owner,
        )
    ).all()
    stored_of = {person.id: person for person in people}
    by_crm = _CrmDict((person.crm_id, person.id) for person in people if person.crm_id)
    by_email = {(person.account_id, person.email.casefold()): person.id for person in people if person.email}
    by_name: dict = {}
    for person in people:
        by_name.setdefault((person.account_id, fold_name(person.name)), person.id)
    seen: dict = {}
    planned = []
    for position, row in _rows(table, progress):
        planned.append(row)
        crm = _text_value(row, cells, position, "crm_id", CRM_ID_MAX)
        if (
            crm in by_crm
            and cells.get("account_crm_id", position) is None
            and cells.get("account_name", position) is None
        ):
            account_id = stored_of[by_crm[crm]].account_id  # an update keeps its account
        else:
            account_id = _find_account(row, cells, position, index)
        name = cells.get("name", position)
        name_target = "name"
        if name is None:
            parts = [part for part in (cells.get("first_name", position), cells.get("last_name", position)) if part]
            name = " ".join(parts) if parts else None
            name_target = "last_name" if "last_name" in cells.columns else "first_name"
        if name is not None and len(name) > CONTACT_TEXT_MAX:
            _problem(row, cells, position, name_target, "text_length", value=name, min=1, max=CONTACT_TEXT_MAX)
        texts = {
            target: _text_value(row, cells, position, target, CONTACT_TEXT_MAX) for target in ("title", "unit", "owner")
        }
        email = _text_value(row, cells, position, "email", EMAIL_MAX)
        if email is not None and not EMAIL.match(email):
            _problem(row, cells, position, "email", "email_format", "warning")
            email = None
        role_text = cells.get("role", position)
        role = _ROLE_WORDS.get(fold_header(role_text)) if role_text is not None else None
        if role_text is not None and role is None:
            _problem(row, cells, position, "role", "choice", "warning", choices=list(BUYING_ROLES))
        existing = by_crm.get(crm) if crm else None
        if existing is None and account_id is not None:
            existing = by_email.get((account_id, email.casefold())) if email else None
            if existing is None and name is not None:
                existing = by_name.get((account_id, fold_name(name)))
        if name is None and existing is None:  # a new person needs a name; an update keeps the stored one
            _problem(row, cells, position, "name" if "name" in cells.columns else "last_name", "required")
        row.target_id = existing
        row.action = "update" if existing is not None else "create"
        keys = [("crm", crm_key(crm)) if crm else None, ("id", existing) if existing else None]
        if account_id is not None:
            keys.append(("email", account_id, email.casefold()) if email else None)
            keys.append(("name", account_id, fold_name(name)) if name and not email else None)
        _duplicate(row, seen, keys, cells, position, "crm_id" if crm else "email" if email else name_target)
        stored = stored_of.get(existing)
        merged = (
            {name_: getattr(stored, name_) for name_ in _CONTACT_FIELDS}
            if stored is not None
            else {
                "crm_id": None,
                "name": None,
                "title": None,
                "unit": None,
                "email": None,
                "role": "influencer",
                "owner": None,
            }
        )
        updates = {"crm_id": crm, "name": name, "email": email, "role": role, **texts}
        merged.update({key: value for key, value in updates.items() if value is not None})
        merged["account_id"] = account_id if account_id is not None else (stored.account_id if stored else None)
        row.stored = merged
        row.values = {
            "account_name": index.names.get(merged["account_id"]),
            **{key: merged[key] for key in _CONTACT_FIELDS},
        }
    return planned


def _write_contacts(session: Session, plan: _Plan, progress: _Progress) -> dict:
    rows = [row for row in plan.rows if not row.refused]
    created = updated = 0
    targets = [row.target_id for row in rows if row.target_id is not None]
    people = {}
    for chunk in _chunks(targets):
        people |= {
            person.id: person
            for person in session.execute(select(Stakeholder).where(Stakeholder.id.in_(chunk))).scalars()
        }
    for done, row in enumerate(rows):
        progress.at(done)
        values = {key: row.stored[key] for key in (*_CONTACT_FIELDS, "account_id")}
        if row.target_id is None:
            session.add(Stakeholder(**values))
            created += 1
        else:
            assign_changed(people[row.target_id], values)
            updated += 1
        if done % BATCH_SIZE == BATCH_SIZE - 1:
            session.flush()
    session.flush()
    return {"created": created, "updated": updated, "years_updated": 0}
