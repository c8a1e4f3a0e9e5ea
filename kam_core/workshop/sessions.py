"""A workshop session, its agenda and the step the room is on.

- The join code is 6 characters drawn from an alphabet without look-alikes (no 0/O, 1/I/L): easy to
  read off a projector and to type on a phone. It is unique (the database holds each once); a code
  typed is read in upper case, blanks and dashes ignored.
- The agenda is the accounts in order, each with a time box in minutes (1-120). Saving it replaces
  the whole list: an account kept keeps what the room committed and decided.
- The step: ``position`` (the agenda index, None before the start) and ``step_started_at``. Moving to
  another step adds the time spent on the one left (``seconds_spent``); the timer is now minus the
  stored start, on the server's clock (``kam_core.common.clock.now``), never a browser's. A move names
  the step it moves from: two clicks on "next" from two screens move once (ConflictError for the
  second).
- Facilitator writes need an editor (the store's guard, ``kam_core.governance.access``).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common import clock
from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.programme.periods import is_period
from kam_core.store.db import session_scope
from kam_core.store.models import JOIN_CODE_LENGTH, Account, WorkshopItem, WorkshopSession

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0, O, 1, I, L: nothing to confuse on a projector
TITLE_MAX = 200
MINUTES_MIN, MINUTES_MAX = 1, 120
DEFAULT_MINUTES = 5
CODE_ATTEMPTS = 20


@dataclass(frozen=True)
class AgendaItem:
    id: int
    account_id: int
    name: str
    position: int
    minutes: int
    seconds_spent: float
    segment_before: str | None
    committed_at: datetime | None
    decision: str | None
    segment_after: str | None
    reason: str | None
    version: int
    attractiveness_before: float | None = None
    strength_before: float | None = None
    committed: tuple[tuple[int, float | None], ...] = ()  # (criterion id, value) as committed


@dataclass(frozen=True)
class SessionView:
    id: int
    version: int
    title: str
    period: str
    facilitator: str
    join_code: str
    status: str
    position: int | None
    step_started_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    items: tuple[AgendaItem, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def current(self) -> AgendaItem | None:
        """The agenda item the room is on, None before the start (or past an emptied agenda)."""
        if self.position is None or not 0 <= self.position < len(self.items):
            return None
        return self.items[self.position]

    def item_of(self, account_id: int) -> AgendaItem | None:
        return next((item for item in self.items if item.account_id == account_id), None)


def new_code(choose=secrets.choice) -> str:
    return "".join(choose(CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(typed) -> str:
    """A code as typed: upper case, without blanks or dashes ("ab3-k7q" reads "AB3K7Q")."""
    if not isinstance(typed, str):
        return ""
    return "".join(character for character in typed.upper() if character not in " -\t")


def is_code(typed) -> bool:
    code = normalise_code(typed)
    return len(code) == JOIN_CODE_LENGTH and all(character in CODE_ALPHABET for character in code)


def elapsed_seconds(view: SessionView, now: datetime | None = None) -> float:
    """Seconds since the room reached the current step (0 before the start or once closed)."""
    if view.step_started_at is None or not view.is_open:
        return 0.0
    started = _aware(view.step_started_at)
    return max(0.0, ((now or clock.now()) - started).total_seconds())


def remaining_seconds(view: SessionView, now: datetime | None = None) -> float | None:
    """Seconds left in the current step's time box (negative once over), None before the start."""
    current = view.current
    if current is None:
        return None
    return current.minutes * 60 - elapsed_seconds(view, now)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- reads ----------------------------------------------------------------------------------------


def _items(session: Session, session_id: int) -> tuple[AgendaItem, ...]:
    rows = session.execute(
        select(WorkshopItem, Account.name)
        .join(Account, Account.id == WorkshopItem.account_id)
        .where(WorkshopItem.session_id == session_id)
        .order_by(WorkshopItem.position, WorkshopItem.id)
    ).all()
    return tuple(
        AgendaItem(
            id=item.id,
            account_id=item.account_id,
            name=name,
            position=item.position,
            minutes=item.minutes,
            seconds_spent=item.seconds_spent,
            segment_before=item.segment_before,
            committed_at=item.committed_at,
            decision=item.decision,
            segment_after=item.segment_after,
            reason=item.reason,
            version=item.version,
            attractiveness_before=item.attractiveness_before,
            strength_before=item.strength_before,
            committed=tuple(sorted((int(k), v) for k, v in json.loads(item.committed_scores or "{}").items())),
        )
        for item, name in rows
    )


def _view(session: Session, row: WorkshopSession, with_items: bool = True) -> SessionView:
    return SessionView(
        id=row.id,
        version=row.version,
        title=row.title,
        period=row.period,
        facilitator=row.facilitator,
        join_code=row.join_code,
        status=row.status,
        position=row.position,
        step_started_at=row.step_started_at,
        created_at=row.created_at,
        closed_at=row.closed_at,
        items=_items(session, row.id) if with_items else (),
    )


def read_session(session: Session, session_id: int) -> SessionView:
    row = session.get(WorkshopSession, session_id)
    if row is None:
        raise NotFoundError(f"workshop session {session_id}")
    return _view(session, row)


def find_open(session: Session, typed_code) -> SessionView | None:
    """The open session a code names (as typed), or None."""
    if not is_code(typed_code):
        return None
    row = session.execute(
        select(WorkshopSession).where(
            WorkshopSession.join_code == normalise_code(typed_code), WorkshopSession.status == "open"
        )
    ).scalar_one_or_none()
    return None if row is None else _view(session, row)


def list_sessions(session: Session) -> list[SessionView]:
    """Every session, open ones first, newest first (without their agendas)."""
    rows = session.execute(
        select(WorkshopSession).order_by(WorkshopSession.status.desc(), WorkshopSession.id.desc())
    ).scalars()
    return [_view(session, row, with_items=False) for row in rows]


# --- writes ---------------------------------------------------------------------------------------


def create_session(engine: Engine, title, period, facilitator: str, choose=secrets.choice) -> SessionView:
    """A new open session with a join code no other session holds."""
    clean = title.strip() if isinstance(title, str) else ""
    errors = []
    if not 1 <= len(clean) <= TITLE_MAX or "\x00" in clean:
        errors.append(FieldError("workshop_title", "text_length", {"value": title, "min": 1, "max": TITLE_MAX}))
    if not is_period(period):
        errors.append(FieldError("period", "period_format", {"value": period}))
    if errors:
        raise ValidationError(errors)
    for _ in range(CODE_ATTEMPTS):
        code = new_code(choose)
        try:
            with session_scope(engine) as session:
                if session.execute(select(WorkshopSession.id).where(WorkshopSession.join_code == code)).first():
                    continue
                row = WorkshopSession(
                    title=clean, period=period, facilitator=(facilitator or "?")[:254], join_code=code
                )
                session.add(row)
                session.flush()
                return _view(session, row)
        except IntegrityError:  # the same code drawn by a concurrent creation: draw again
            continue
    raise ConflictError("workshop_session")


def _locked(session: Session, session_id: int, expected_version: int | None = None) -> WorkshopSession:
    row = session.get(WorkshopSession, session_id)
    if row is None:
        raise NotFoundError(f"workshop session {session_id}")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError.of("workshop_session", row)
    if row.status != "open":
        raise ValidationError([FieldError("workshop", "workshop_closed", {})])
    return row


def validate_agenda(entries: list[tuple[int, object]]) -> list[FieldError]:
    """Each account once; each time box a whole number of minutes, 1-120."""
    errors, seen = [], set()
    for row, (account_id, minutes) in enumerate(entries, start=1):
        if account_id in seen:
            errors.append(FieldError("workshop_account", "duplicate_account", {"row": row}))
        seen.add(account_id)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not MINUTES_MIN <= minutes <= MINUTES_MAX:
            errors.append(
                FieldError(
                    "workshop_minutes",
                    "integer_range",
                    {"row": row, "value": minutes, "min": MINUTES_MIN, "max": MINUTES_MAX},
                )
            )
    return errors


def set_agenda(engine: Engine, session_id: int, entries: list[tuple[int, int]], expected_version: int) -> SessionView:
    """Replace the agenda with ``entries`` ((account id, minutes) in order), whole or not at all. An
    account kept keeps its item (what was committed and decided); one left out is taken off (its
    votes stay in the session). The room's step stays on the account it was on when that account is
    kept, else on the nearest place."""
    errors = validate_agenda(entries)
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            row = _locked(session, session_id, expected_version)
            known = set(session.execute(select(Account.id).where(Account.id.in_([a for a, _ in entries]))).scalars())
            missing = [account_id for account_id, _ in entries if account_id not in known]
            if missing:
                raise NotFoundError(f"accounts {missing}")
            stored = {
                item.account_id: item
                for item in session.execute(select(WorkshopItem).where(WorkshopItem.session_id == session_id)).scalars()
            }
            on_screen = None
            if row.position is not None:
                ordered = sorted(stored.values(), key=lambda item: (item.position, item.id))
                on_screen = ordered[row.position].account_id if row.position < len(ordered) else None
            for account_id, item in stored.items():
                if account_id not in {a for a, _ in entries}:
                    session.delete(item)
            session.flush()
            for position, (account_id, minutes) in enumerate(entries):
                item = stored.get(account_id)
                if item is None:
                    session.add(
                        WorkshopItem(session_id=session_id, account_id=account_id, position=position, minutes=minutes)
                    )
                else:
                    if item.position != position:
                        item.position = position
                    if item.minutes != minutes:
                        item.minutes = minutes
            if row.position is not None:
                accounts = [account_id for account_id, _ in entries]
                row.position = (
                    accounts.index(on_screen)
                    if on_screen in accounts
                    else (min(row.position, len(accounts) - 1) if accounts else None)
                )
            row.updated_at = clock.now()  # the agenda is part of the session: its version moves on
            session.flush()
            return _view(session, row)
    except StaleDataError as exc:
        raise ConflictError("workshop_session") from exc
    except IntegrityError as exc:
        raise ConflictError("workshop_session") from exc


def move_to(engine: Engine, session_id: int, to_position: int, from_position: int | None) -> SessionView:
    """Take the room to agenda step ``to_position`` (0 starts), from the step the caller saw
    (``from_position``; None: not started). The time spent on the step left is added to it."""
    try:
        with session_scope(engine) as session:
            row = _locked(session, session_id)
            if row.position != from_position:
                raise ConflictError.of("workshop_session", row)
            items = list(
                session.execute(
                    select(WorkshopItem)
                    .where(WorkshopItem.session_id == session_id)
                    .order_by(WorkshopItem.position, WorkshopItem.id)
                ).scalars()
            )
            if not 0 <= to_position < len(items):
                raise ValidationError([FieldError("workshop", "workshop_no_step", {"value": to_position + 1})])
            now = clock.now()
            _book_time(row, items, now)
            row.position = to_position
            row.step_started_at = now
            session.flush()
            return _view(session, row)
    except StaleDataError as exc:
        raise ConflictError("workshop_session") from exc


def _book_time(row: WorkshopSession, items: list[WorkshopItem], now: datetime) -> None:
    if row.position is None or row.step_started_at is None or not 0 <= row.position < len(items):
        return
    spent = max(0.0, (now - _aware(row.step_started_at)).total_seconds())
    items[row.position].seconds_spent = round(items[row.position].seconds_spent + spent, 1)


def close_session(engine: Engine, session_id: int) -> SessionView:
    """End the session: no more votes; the time of the step the room was on is booked."""
    try:
        with session_scope(engine) as session:
            row = _locked(session, session_id)
            items = list(
                session.execute(
                    select(WorkshopItem)
                    .where(WorkshopItem.session_id == session_id)
                    .order_by(WorkshopItem.position, WorkshopItem.id)
                ).scalars()
            )
            now = clock.now()
            _book_time(row, items, now)
            row.status = "closed"
            row.closed_at = now
            row.step_started_at = None
            session.flush()
            return _view(session, row)
    except StaleDataError as exc:
        raise ConflictError("workshop_session") from exc
