"""Challenge sessions: a peer review of one account's plan (docs/method.md, section 2).

The KAM presents the account plan to colleagues; the reviewers raise **questions** (answered or
not), **challenges** (a point of the plan they doubt) and **recommendations**. A session cannot be
closed while a recommendation is still open: each one becomes an **action** of the account (the
action plan's own table, ``action``, with its owner and due date) or is **rejected** with a
reason. The close writes the session's summary (how many of each kind, and what became of each
recommendation) on the session: the account's history shows it (``kam_core.ui.history``) and the
internal QBR pack shows the latest one (``kam_core.documents.qbr``).

Every write needs an editor (the store's guard, ``kam_core.governance.access``: reviewers write
too, so they need the role every write of the programme needs), is checked here first, validates
before anything is written and writes whole or not at all.

| write          | field           | rule (error code, params)                                         |
| -------------- | --------------- | ----------------------------------------------------------------- |
| open_session   | title           | 1 to 200 characters (required, text_length)                       |
|                | session         | one open session per account (challenge_open_already: title)      |
| add_item       | kind            | question, challenge or recommendation (choice)                    |
|                | text            | 1 to 1000 characters (required, text_length)                      |
|                | author          | 1 to 120 characters (required, text_length)                       |
|                | session         | still open (challenge_closed)                                     |
| answer         | answer          | 2000 characters at most (text_length); blank clears it            |
|                | item            | a question (not_a_question)                                       |
| make_action    | action_title    | the action's title, 1 to 200 characters (required, text_length)   |
|                | owner           | 1 to 120 characters (required, text_length)                       |
|                | due_date        | a date (required, not_a_date), not before today (date_in_past)    |
|                | item            | an open recommendation (not_a_recommendation, already_decided)    |
| reject         | reason          | 1 to 500 characters (required, text_length)                       |
|                | item            | an open recommendation (not_a_recommendation, already_decided)    |
| close_session  | recommendations | none left open (open_recommendations: count, items)               |

Versions: every change to a session's content (an item added, answered or decided) moves the
session's version on, so closing with the version read refuses (``ConflictError``) a close that
would miss what someone added or decided meanwhile; answering or deciding an item carries the
item's version, so two reviewers deciding two recommendations at once never block each other,
while two deciding the same one cannot both win. Adding an item carries no version: items are only
ever added. Nothing of a closed session changes any more (challenge_closed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common import formatting as fmt
from kam_core.common.cells import Column, Refused, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.governance import access
from kam_core.i18n import translate
from kam_core.store.db import session_scope
from kam_core.store.models import CHALLENGE_ITEM_KINDS, Action, ChallengeItem, ChallengeSession, utcnow
from kam_core.store.records import account_or_missing

KINDS = CHALLENGE_ITEM_KINDS
TITLE_MAX = 200
TEXT_MAX = 1000
AUTHOR_MAX = 120
ANSWER_MAX = 2000
REASON_MAX = 500
ACTION_TITLE_MAX = 200  # the action table's limit (section_specs "actions")
OWNER_MAX = 120
NAMED_OPEN = 5  # open recommendations named in the refusal of a close; the others are counted


# --- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    id: int
    version: int
    kind: str
    text: str
    author: str
    answer: str | None = None
    outcome: str | None = None  # "action" | "rejected" | None (a recommendation still open)
    action_id: int | None = None
    owner: str | None = None
    due_date: date | None = None
    reason: str | None = None

    @property
    def is_open(self) -> bool:
        """A recommendation nobody has decided yet."""
        return self.kind == "recommendation" and self.outcome is None


@dataclass(frozen=True)
class SessionView:
    id: int
    account_id: int
    title: str
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    version: int
    items: tuple[Item, ...] = ()  # in the order they were raised

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]

    @property
    def open_recommendations(self) -> list[Item]:
        return [item for item in self.items if item.is_open]


@dataclass(frozen=True)
class Outcome:
    """What became of one recommendation, as the summary keeps it."""

    text: str
    outcome: str  # "action" | "rejected"
    owner: str | None = None
    due_date: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Summary:
    """The summary written at a session's close (``summary`` of ``challenge_session``, as JSON)."""

    questions: int
    challenges: int
    recommendations: int
    actions: int
    rejected: int
    outcomes: tuple[Outcome, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "questions": self.questions,
                "challenges": self.challenges,
                "recommendations": self.recommendations,
                "actions": self.actions,
                "rejected": self.rejected,
                "outcomes": [
                    {
                        "text": outcome.text,
                        "outcome": outcome.outcome,
                        "owner": outcome.owner,
                        "due_date": outcome.due_date.isoformat() if outcome.due_date else None,
                        "reason": outcome.reason,
                    }
                    for outcome in self.outcomes
                ],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Summary:
        data = json.loads(text)
        outcomes = tuple(
            Outcome(
                text=entry["text"],
                outcome=entry["outcome"],
                owner=entry.get("owner"),
                due_date=date.fromisoformat(entry["due_date"]) if entry.get("due_date") else None,
                reason=entry.get("reason"),
            )
            for entry in data.get("outcomes", [])
        )
        return cls(
            questions=int(data["questions"]),
            challenges=int(data["challenges"]),
            recommendations=int(data["recommendations"]),
            actions=int(data["actions"]),
            rejected=int(data["rejected"]),
            outcomes=outcomes,
        )


@dataclass(frozen=True)
class ClosedSession:
    """A closed session and its summary (what the QBR pack and the list of past sessions show)."""

    id: int
    title: str
    opened_at: datetime
    closed_at: datetime
    closed_by: str
    summary: Summary


def summary_of(items) -> Summary:
    """The counts of ``items`` and the outcome of each decided recommendation, in the order raised."""
    outcomes = tuple(
        Outcome(item.text, item.outcome, item.owner, item.due_date, item.reason)
        for item in items
        if item.kind == "recommendation" and item.outcome is not None
    )
    return Summary(
        questions=sum(item.kind == "question" for item in items),
        challenges=sum(item.kind == "challenge" for item in items),
        recommendations=sum(item.kind == "recommendation" for item in items),
        actions=sum(outcome.outcome == "action" for outcome in outcomes),
        rejected=sum(outcome.outcome == "rejected" for outcome in outcomes),
        outcomes=outcomes,
    )


def _item(row: ChallengeItem) -> Item:
    return Item(
        id=row.id,
        version=row.version,
        kind=row.kind,
        text=row.text,
        author=row.author,
        answer=row.answer,
        outcome=row.outcome,
        action_id=row.action_id,
        owner=row.owner,
        due_date=row.due_date,
        reason=row.reason,
    )


def _view(record: ChallengeSession, items: list[ChallengeItem]) -> SessionView:
    return SessionView(
        id=record.id,
        account_id=record.account_id,
        title=record.title,
        opened_by=record.opened_by,
        opened_at=record.opened_at,
        closed_at=record.closed_at,
        closed_by=record.closed_by,
        version=record.version,
        items=tuple(_item(row) for row in items),
    )


def _items_of(session: Session, session_ids: list[int]) -> dict[int, list[ChallengeItem]]:
    found: dict[int, list[ChallengeItem]] = {identifier: [] for identifier in session_ids}
    if session_ids:
        rows = session.scalars(
            select(ChallengeItem).where(ChallengeItem.session_id.in_(session_ids)).order_by(ChallengeItem.id)
        )
        for row in rows:
            found[row.session_id].append(row)
    return found


def read_session(session: Session, session_id: int) -> SessionView:
    """One session with its items (NotFoundError when there is none)."""
    record = session.get(ChallengeSession, session_id)
    if record is None:
        raise NotFoundError(f"challenge session {session_id}")
    return _view(record, _items_of(session, [session_id])[session_id])


def sessions_of(session: Session, account_id: int) -> list[SessionView]:
    """Every session of the account with its items, the open one first, then newest first."""
    records = list(
        session.scalars(
            select(ChallengeSession)
            .where(ChallengeSession.account_id == account_id)
            .order_by(ChallengeSession.opened_at.desc(), ChallengeSession.id.desc())
        )
    )
    items = _items_of(session, [record.id for record in records])
    views = [_view(record, items[record.id]) for record in records]
    return sorted(views, key=lambda view: not view.is_open)  # stable: newest first within each


def closed_sessions(session: Session, account_id: int, limit: int | None = None) -> list[ClosedSession]:
    """The account's closed sessions with their summaries, the latest closed first."""
    query = (
        select(ChallengeSession)
        .where(ChallengeSession.account_id == account_id, ChallengeSession.closed_at.is_not(None))
        .order_by(ChallengeSession.closed_at.desc(), ChallengeSession.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        ClosedSession(
            id=record.id,
            title=record.title,
            opened_at=record.opened_at,
            closed_at=record.closed_at,
            closed_by=record.closed_by,
            summary=Summary.from_json(record.summary) if record.summary else summary_of([]),
        )
        for record in session.scalars(query)
    ]


def latest_closed(session: Session, account_id: int) -> ClosedSession | None:
    """The account's latest closed session (what the next QBR pack shows), or None."""
    found = closed_sessions(session, account_id, limit=1)
    return found[0] if found else None


# --- the summary in words -------------------------------------------------------------------------


def counts_text(summary: Summary, language: str) -> str:
    """ "Questions: 2 · Challenges: 1 · Recommendations: 3 (actions: 2, rejected: 1)"."""
    return translate(
        "challenge.summary.counts",
        language,
        questions=summary.questions,
        challenges=summary.challenges,
        recommendations=summary.recommendations,
        actions=summary.actions,
        rejected=summary.rejected,
    )


def outcome_text(outcome: Outcome, language: str, clip: Callable[[str], str] = lambda text: text) -> str:
    """ "“Train the buyers” → action: Ann Martin, due 15 Jan 2027" (or "→ rejected: the reason")."""
    if outcome.outcome == "action":
        return translate(
            "challenge.summary.action",
            language,
            text=clip(outcome.text),
            owner=outcome.owner or "–",
            due=fmt.day(outcome.due_date, language),
        )
    return translate("challenge.summary.rejected", language, text=clip(outcome.text), reason=outcome.reason or "–")


def summary_text(summary: Summary, language: str) -> str:
    """The whole summary on one line: the counts, then each recommendation's outcome."""
    return " — ".join(
        [counts_text(summary, language), *(outcome_text(outcome, language) for outcome in summary.outcomes)]
    )


# --- writing --------------------------------------------------------------------------------------


def _clean(field_name: str, column: Column, raw, errors: list[FieldError]):
    try:
        return normalise(column, raw)
    except Refused as refused:
        errors.append(FieldError(field_name, refused.code, {"value": plain(raw), **refused.params}))
        return None


def _text(name: str, max_length: int, required: bool = True) -> Column:
    return Column(name, "text", required=required, max_length=max_length)


def _guarded(unit_of_work):
    """Run ``unit_of_work`` (one transaction) once the person acting is known to be an editor; a stale
    version or a constraint broken meanwhile is a ConflictError naming the challenge session."""
    access.require("editor")
    try:
        return unit_of_work()
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("challenge_session") from exc


def _open_record(session: Session, session_id: int) -> ChallengeSession:
    record = session.get(ChallengeSession, session_id)
    if record is None:
        raise NotFoundError(f"challenge session {session_id}")
    if record.closed_at is not None:
        raise ValidationError([FieldError("session", "challenge_closed", {"title": record.title})])
    return record


def _touch(record: ChallengeSession) -> None:
    """The session's content changed: its version moves on (see the module's docstring)."""
    record.updated_at = utcnow()


def open_session(engine: Engine, account_id: int, title) -> SessionView:
    """Open a challenge session of the account, by the person acting, now. ValidationError for a
    bad title or when the account already has an open session; NotFoundError for no such account."""
    errors: list[FieldError] = []
    title = _clean("title", _text("title", TITLE_MAX), title, errors)
    if errors:
        raise ValidationError(errors)

    def _unit_of_work():
        with session_scope(engine) as session:
            account_or_missing(session, account_id)
            already = session.scalars(
                select(ChallengeSession).where(
                    ChallengeSession.account_id == account_id, ChallengeSession.closed_at.is_(None)
                )
            ).first()
            if already is not None:
                raise ValidationError([FieldError("session", "challenge_open_already", {"title": already.title})])
            record = ChallengeSession(
                account_id=account_id, title=title, opened_by=access.current().name[:254], opened_at=utcnow()
            )
            session.add(record)
            session.flush()
            return _view(record, [])

    return _guarded(_unit_of_work)


def add_item(engine: Engine, session_id: int, kind, text, author) -> Item:
    """Add a question, challenge or recommendation to an open session (no version: items are only
    added, so reviewers typing at once never block each other)."""
    errors: list[FieldError] = []
    kind = _clean("kind", Column("kind", "choice", required=True, choices=KINDS), kind, errors)
    text = _clean("text", _text("text", TEXT_MAX), text, errors)
    author = _clean("author", _text("author", AUTHOR_MAX), author, errors)
    if errors:
        raise ValidationError(errors)

    def _unit_of_work():
        with session_scope(engine) as session:
            record = _open_record(session, session_id)
            row = ChallengeItem(session_id=session_id, kind=kind, text=text, author=author)
            session.add(row)
            _touch(record)
            session.flush()
            return _item(row)

    return _guarded(_unit_of_work)


def _item_to_change(session: Session, item_id: int, expected_version: int) -> tuple[ChallengeItem, ChallengeSession]:
    row = session.get(ChallengeItem, item_id)
    if row is None:
        raise NotFoundError(f"challenge item {item_id}")
    record = _open_record(session, row.session_id)
    if row.version != expected_version:
        raise ConflictError.of("challenge_item", row)
    return row, record


def _open_recommendation(row: ChallengeItem) -> None:
    if row.kind != "recommendation":
        raise ValidationError([FieldError("item", "not_a_recommendation", {})])
    if row.outcome is not None:
        raise ValidationError([FieldError("item", "already_decided", {})])


def answer(engine: Engine, item_id: int, text, expected_version: int) -> Item:
    """Record (or, blank, clear) the answer to a question of an open session."""
    errors: list[FieldError] = []
    text = _clean("answer", _text("answer", ANSWER_MAX, required=False), text, errors)
    if errors:
        raise ValidationError(errors)

    def _unit_of_work():
        with session_scope(engine) as session:
            row, record = _item_to_change(session, item_id, expected_version)
            if row.kind != "question":
                raise ValidationError([FieldError("item", "not_a_question", {})])
            if row.answer != text:
                row.answer = text
                _touch(record)
            session.flush()
            return _item(row)

    return _guarded(_unit_of_work)


def make_action(engine: Engine, item_id: int, *, title, owner, due_date, expected_version: int, today: date) -> Item:
    """Turn an open recommendation into an action of the account (the action plan's table: open,
    with ``title``, ``owner`` and ``due_date``), in the same unit of work as the decision."""
    errors: list[FieldError] = []
    title = _clean("action_title", _text("action_title", ACTION_TITLE_MAX), title, errors)
    owner = _clean("owner", _text("owner", OWNER_MAX), owner, errors)
    due = _clean("due_date", Column("due_date", "date", required=True), due_date, errors)
    if due is not None and due < today:
        errors.append(FieldError("due_date", "date_in_past", {"value": due, "today": today}))
    if errors:
        raise ValidationError(errors)

    def _unit_of_work():
        with session_scope(engine) as session:
            row, record = _item_to_change(session, item_id, expected_version)
            _open_recommendation(row)
            action = Action(account_id=record.account_id, title=title, owner=owner, due_date=due, status="open")
            session.add(action)
            session.flush()
            row.outcome, row.action_id, row.owner, row.due_date = "action", action.id, owner, due
            _touch(record)
            session.flush()
            return _item(row)

    return _guarded(_unit_of_work)


def reject(engine: Engine, item_id: int, reason, expected_version: int) -> Item:
    """Reject an open recommendation; the reason is required."""
    errors: list[FieldError] = []
    reason = _clean("reason", _text("reason", REASON_MAX), reason, errors)
    if errors:
        raise ValidationError(errors)

    def _unit_of_work():
        with session_scope(engine) as session:
            row, record = _item_to_change(session, item_id, expected_version)
            _open_recommendation(row)
            row.outcome, row.reason = "rejected", reason
            _touch(record)
            session.flush()
            return _item(row)

    return _guarded(_unit_of_work)


def close_blockers(view: SessionView) -> list[FieldError]:
    """Why ``view`` cannot be closed (empty: it can): it is closed already, or recommendations are
    still open (the first ``NAMED_OPEN`` named, the others counted)."""
    if not view.is_open:
        return [FieldError("session", "challenge_closed", {"title": view.title})]
    waiting = view.open_recommendations
    if not waiting:
        return []
    named = "; ".join(f"“{fmt.quoted(item.text, 60)}”" for item in waiting[:NAMED_OPEN])
    if len(waiting) > NAMED_OPEN:
        named += f" (+{len(waiting) - NAMED_OPEN})"
    return [FieldError("recommendations", "open_recommendations", {"count": len(waiting), "items": named})]


def close_session(engine: Engine, session_id: int, expected_version: int) -> ClosedSession:
    """Close the session as read at ``expected_version``: refused (ValidationError) while a
    recommendation is open, naming them; ConflictError when the session changed since it was read.
    Writes the summary (``summary_of`` its items), who closed it and when."""

    def _unit_of_work():
        with session_scope(engine) as session:
            record = session.get(ChallengeSession, session_id)
            if record is None:
                raise NotFoundError(f"challenge session {session_id}")
            if record.version != expected_version:
                raise ConflictError.of("challenge_session", record)
            items = _items_of(session, [session_id])[session_id]
            blockers = close_blockers(_view(record, items))
            if blockers:
                raise ValidationError(blockers)
            summary = summary_of([_item(row) for row in items])
            record.summary = summary.to_json()
            record.closed_at = utcnow()
            record.closed_by = access.current().name[:254]
            session.flush()
            return ClosedSession(record.id, record.title, record.opened_at, record.closed_at, record.closed_by, summary)

    return _guarded(_unit_of_work)
