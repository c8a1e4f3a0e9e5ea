"""The room's votes: participants join an open session with its code, then score the criteria of the
account on screen.

- Joining: a name (or, with sign-in on, the signed-in e-mail) once per session, ignoring case and
  accents; a name already taken is refused (``name_taken``) unless it is the signed-in person's own
  address coming back. The participant gets a token their browser keeps (``?p=``) to come back.
- A vote is one row per (session, account, criterion, participant), written with an upsert
  (INSERT ... ON CONFLICT DO UPDATE) in its own short unit of work: concurrent voters never
  overwrite each other (each writes only its own row) and queue for a few milliseconds at most
  (``store.db.session_scope``: SQLite's write lock, PostgreSQL's advisory lock; busy past the wait:
  ``StoreError("store.busy")``). Votes are taken for the account the room is on only
  (``workshop_moved_on`` otherwise) and while the session is open.
- Any role may join and vote, a viewer included (``access.VOTER_TABLES``); with sign-in off nobody
  signs in. Someone signed in without a role is refused (``PermissionDenied``).
- The spread of a criterion: how many voted, the lowest, the median and the highest vote, and the
  outliers: the participants whose vote stands more than ``OUTLIER_DISTANCE`` points from the median.
"""

from __future__ import annotations

import secrets
import statistics
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from kam_core.common import clock
from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.common.text import fold_name
from kam_core.governance import access
from kam_core.portfolio.scoring import SCORE_MAX, SCORE_MIN, parse_score
from kam_core.store.db import session_scope
from kam_core.store.models import Criterion, WorkshopItem, WorkshopParticipant, WorkshopSession, WorkshopVote

OUTLIER_DISTANCE = 2.0  # points from the median beyond which a vote is named
NAME_MAX = 120


@dataclass(frozen=True)
class Participant:
    id: int
    session_id: int
    name: str
    token: str


@dataclass(frozen=True)
class Spread:
    """The room's votes on one criterion."""

    criterion_id: int
    votes: int
    low: float | None
    median: float | None
    high: float | None
    outliers: tuple[str, ...] = ()  # names, in the order of their distance to the median (farthest first)
    values: tuple[tuple[str, float], ...] = ()  # (name, vote), by name


def spread_of(criterion_id: int, votes: list[tuple[str, float]], distance: float = OUTLIER_DISTANCE) -> Spread:
    """Count, min, median, max and the outliers (strictly more than ``distance`` from the median)."""
    if not votes:
        return Spread(criterion_id, 0, None, None, None)
    values = [value for _, value in votes]
    median = float(statistics.median(values))
    far = sorted(
        ((abs(value - median), name) for name, value in votes if abs(value - median) > distance),
        key=lambda pair: (-pair[0], fold_name(pair[1])),
    )
    return Spread(
        criterion_id=criterion_id,
        votes=len(votes),
        low=float(min(values)),
        median=median,
        high=float(max(values)),
        outliers=tuple(name for _, name in far),
        values=tuple(sorted(((name, float(value)) for name, value in votes), key=lambda pair: fold_name(pair[0]))),
    )


# --- joining --------------------------------------------------------------------------------------


def _participant(row: WorkshopParticipant) -> Participant:
    return Participant(row.id, row.session_id, row.name, row.token)


def participant_of(session: Session, token) -> Participant | None:
    """The participant a browser's token names, or None."""
    if not isinstance(token, str) or not token:
        return None
    row = session.execute(
        select(WorkshopParticipant).where(WorkshopParticipant.token == token[:32])
    ).scalar_one_or_none()
    return None if row is None else _participant(row)


def participants(session: Session, session_id: int) -> list[str]:
    names = session.execute(
        select(WorkshopParticipant.name).where(WorkshopParticipant.session_id == session_id)
    ).scalars()
    return sorted(names, key=fold_name)


def join_session(engine: Engine, session_id: int, name) -> Participant:
    """Join the open session ``session_id`` under ``name`` (with sign-in on, the signed-in address:
    the same person coming back gets their participant again)."""
    actor = access.current()
    access.require("viewer")
    if actor.signed_in:
        name = actor.name
    clean = " ".join(name.split()) if isinstance(name, str) else ""
    if not 1 <= len(clean) <= NAME_MAX or "\x00" in clean:
        raise ValidationError(
            [FieldError("participant_name", "text_length", {"value": name, "min": 1, "max": NAME_MAX})]
        )
    key = fold_name(clean)[:NAME_MAX]
    try:
        with session_scope(engine) as session:
            _open_session(session, session_id)
            taken = session.execute(
                select(WorkshopParticipant).where(
                    WorkshopParticipant.session_id == session_id, WorkshopParticipant.name_key == key
                )
            ).scalar_one_or_none()
            if taken is not None:
                if actor.signed_in:
                    return _participant(taken)
                raise ValidationError([FieldError("participant_name", "name_taken", {"value": clean})])
            row = WorkshopParticipant(session_id=session_id, name=clean, name_key=key, token=secrets.token_hex(16))
            session.add(row)
            session.flush()
            return _participant(row)
    except IntegrityError as exc:  # the same name joined at the same moment
        raise ValidationError([FieldError("participant_name", "name_taken", {"value": clean})]) from exc


def _open_session(session: Session, session_id: int) -> WorkshopSession:
    row = session.get(WorkshopSession, session_id)
    if row is None:
        raise NotFoundError(f"workshop session {session_id}")
    if row.status != "open":
        raise ValidationError([FieldError("workshop", "workshop_closed", {})])
    return row


# --- voting ---------------------------------------------------------------------------------------


def cast_votes(engine: Engine, token: str, account_id: int, values: dict[int, object]) -> int:
    """Record the participant's votes on ``account_id`` ({criterion id: value 0-10}; None or blank
    is no vote and leaves that criterion as it was). One unit of work, only the participant's own
    rows. Returns how many votes were written."""
    access.require("viewer")
    parsed, errors = {}, []
    for criterion_id, raw in values.items():
        try:
            value = parse_score(raw)
        except ValueError:
            errors.append(FieldError("vote", "vote_not_number", {"value": raw}))
            continue
        if value is None:
            continue
        if not SCORE_MIN <= value <= SCORE_MAX:
            errors.append(FieldError("vote", "vote_range", {"value": raw}))
            continue
        parsed[int(criterion_id)] = value
    if errors:
        raise ValidationError(errors)
    if not parsed:
        return 0
    with session_scope(engine) as session:
        participant = participant_of(session, token)
        if participant is None:
            raise NotFoundError("participant")
        row = _open_session(session, participant.session_id)
        _check_on_screen(session, row, account_id)
        active = set(
            session.execute(
                select(Criterion.id).where(Criterion.id.in_(list(parsed)), Criterion.active.is_(True))
            ).scalars()
        )
        if set(parsed) - active:
            raise ConflictError("criterion")  # a criterion deactivated since the page was drawn
        statement = _upsert(session)(WorkshopVote.__table__)
        now = clock.now()
        rows = [
            {
                "session_id": participant.session_id,
                "account_id": account_id,
                "criterion_id": criterion_id,
                "participant_id": participant.id,
                "value": value,
                "voted_at": now,
            }
            for criterion_id, value in sorted(parsed.items())
        ]
        statement = statement.on_conflict_do_update(
            index_elements=["session_id", "account_id", "criterion_id", "participant_id"],
            set_={"value": statement.excluded.value, "voted_at": statement.excluded.voted_at},
        )
        session.execute(statement, rows)
        return len(rows)


def _upsert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"votes on {dialect}")


def _check_on_screen(session: Session, row: WorkshopSession, account_id: int) -> None:
    items = list(
        session.execute(
            select(WorkshopItem.account_id)
            .where(WorkshopItem.session_id == row.id)
            .order_by(WorkshopItem.position, WorkshopItem.id)
        ).scalars()
    )
    on_screen = items[row.position] if row.position is not None and 0 <= row.position < len(items) else None
    if on_screen != account_id:
        raise ValidationError([FieldError("workshop", "workshop_moved_on", {})])


# --- what the room voted --------------------------------------------------------------------------


def room_votes(session: Session, session_id: int, account_id: int) -> dict[int, list[tuple[str, float]]]:
    """{criterion id: [(participant name, vote)]} for one account of the session."""
    rows = session.execute(
        select(WorkshopVote.criterion_id, WorkshopParticipant.name, WorkshopVote.value)
        .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopVote.participant_id)
        .where(WorkshopVote.session_id == session_id, WorkshopVote.account_id == account_id)
        .order_by(WorkshopVote.criterion_id, WorkshopVote.participant_id)
    ).all()
    found: dict[int, list[tuple[str, float]]] = {}
    for criterion_id, name, value in rows:
        found.setdefault(criterion_id, []).append((name, value))
    return found


def room_spreads(session: Session, session_id: int, account_id: int) -> dict[int, Spread]:
    return {
        criterion_id: spread_of(criterion_id, votes)
        for criterion_id, votes in room_votes(session, session_id, account_id).items()
    }


def own_votes(session: Session, token: str, account_id: int) -> dict[int, float]:
    participant = participant_of(session, token)
    if participant is None:
        return {}
    rows = session.execute(
        select(WorkshopVote.criterion_id, WorkshopVote.value).where(
            WorkshopVote.participant_id == participant.id, WorkshopVote.account_id == account_id
        )
    ).all()
    return {criterion_id: value for criterion_id, value in rows}
