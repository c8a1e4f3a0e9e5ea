"""From the room's votes to the account's scores, and the decision on its segment.

- ``live_position``: where the account would stand with the values on the sliders, before any save:
  the same weighted mean per axis and the same quadrant rule as the matrix
  (``portfolio.segmentation.axis_scores`` and ``quadrant_of``).
- ``proposal``: the value to commit per criterion: the room's median by default, else the score
  stored; the facilitator may change any of them (the value the room agreed) before committing.
- ``commit_consensus``: the values written as the account's scores for the session's quarter
  through the scoring write (``portfolio.scoring.write_scores``: validated, each score's version
  checked, ConflictError when someone saved it since it was read), each with the spread of the
  room's votes in its rationale; in the same transaction the agenda item keeps where the account
  stood before (the first time only) and what was committed. Whole or not at all.
- ``record_decision``: the segment confirmed or changed (a reason is required when changed; the
  segment it changes to is required and must differ), and actions (title, owner, due date) created
  on the account's action list (the canvas's "actions" section, ``account.section_specs``) and
  linked to the agenda item. Whole or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.account.section_specs import spec_of
from kam_core.common import clock
from kam_core.common.cells import Refused, is_empty, normalise
from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.portfolio import scoring
from kam_core.portfolio.scoring import AccountScore, CriterionRow, ScoreEdit
from kam_core.portfolio.segmentation import QUADRANTS, Thresholds, axis_scores, load_programme, quadrant_of, segments
from kam_core.programme.periods import shift_period
from kam_core.store.db import session_scope
from kam_core.store.models import Action, WorkshopAction, WorkshopItem, WorkshopSession
from kam_core.workshop.votes import Spread

REASON_MAX = 500
DECISIONS = ("confirmed", "changed")
# the spread as the rationale keeps it; the page passes the catalog's words in the facilitator's language
RATIONALE_TEMPLATE = "Workshop {title} ({day}): {votes} votes, min {low}, median {median}, max {high}{outliers}"
OUTLIERS_TEMPLATE = "; outliers: {names}"
NO_VOTE_TEMPLATE = "Workshop {title} ({day}): agreed by the room, no vote"


@dataclass(frozen=True)
class Position:
    attractiveness: float | None
    strength: float | None
    quadrant: str | None


def live_position(criteria: list[CriterionRow], values: dict[int, float | None], thresholds: Thresholds) -> Position:
    """The account's place with ``values`` ({criterion id: score or None}) on the active ``criteria``."""
    scores = pd.DataFrame(
        [
            {"account_id": 0, "criterion_id": criterion.id, "value": float(values[criterion.id])}
            for criterion in criteria
            if values.get(criterion.id) is not None
        ],
        columns=["account_id", "criterion_id", "value"],
    )
    frame = pd.DataFrame(
        [
            {"id": c.id, "axis": c.axis, "weight": float(c.weight), "active": bool(c.active), "name": c.name}
            for c in criteria
        ],
        columns=["id", "axis", "weight", "active", "name"],
    )
    table = axis_scores(scores, frame)
    if table.empty:
        return Position(None, None, None)
    row = table.iloc[0]
    attractiveness = None if pd.isna(row["attractiveness"]) else float(row["attractiveness"])
    strength = None if pd.isna(row["strength"]) else float(row["strength"])
    return Position(
        attractiveness,
        strength,
        quadrant_of(attractiveness, strength, thresholds.attractiveness, thresholds.strength),
    )


def stored_position(session: Session, account_id: int, period: str, thresholds: Thresholds) -> Position:
    return position_in(segments(session, period, thresholds), account_id)


def position_in(table: pd.DataFrame, account_id: int) -> Position:
    """The account's row of a segments table (account_id, attractiveness, strength, quadrant) as a Position."""
    row = table[table["account_id"] == account_id]
    if row.empty:
        return Position(None, None, None)
    first = row.iloc[0]
    return Position(
        None if pd.isna(first["attractiveness"]) else float(first["attractiveness"]),
        None if pd.isna(first["strength"]) else float(first["strength"]),
        first["quadrant"],
    )


def proposal(scores: list[AccountScore], spreads: dict[int, Spread]) -> dict[int, float | None]:
    """Per criterion: the room's median when someone voted, else the score stored (None: none)."""
    result = {}
    for score in scores:
        spread = spreads.get(score.criterion.id)
        result[score.criterion.id] = spread.median if spread is not None and spread.votes else score.value
    return result


def _number(value) -> str:
    return f"{value:g}"


def rationale_of(
    spread: Spread | None,
    title: str,
    day: date,
    template: str = RATIONALE_TEMPLATE,
    outliers_template: str = OUTLIERS_TEMPLATE,
    no_vote_template: str = NO_VOTE_TEMPLATE,
) -> str:
    """The rationale a committed score keeps: the session, and the spread of the room's votes."""
    if spread is None or not spread.votes:
        text = no_vote_template.format(title=title, day=day.isoformat())
    else:
        outliers = ""
        if spread.outliers:
            votes = dict(spread.values)
            outliers = outliers_template.format(
                names=", ".join(f"{name} ({_number(votes[name])})" for name in spread.outliers)
            )
        text = template.format(
            title=title,
            day=day.isoformat(),
            votes=spread.votes,
            low=_number(spread.low),
            median=_number(spread.median),
            high=_number(spread.high),
            outliers=outliers,
        )
    return text if len(text) <= scoring.RATIONALE_MAX else text[: scoring.RATIONALE_MAX - 1] + "…"


def _item(session: Session, session_id: int, account_id: int) -> tuple[WorkshopSession, WorkshopItem]:
    row = session.get(WorkshopSession, session_id)
    if row is None:
        raise NotFoundError(f"workshop session {session_id}")
    if row.status != "open":
        raise ValidationError([FieldError("workshop", "workshop_closed", {})])
    item = session.execute(
        select(WorkshopItem).where(WorkshopItem.session_id == session_id, WorkshopItem.account_id == account_id)
    ).scalar_one_or_none()
    if item is None:
        raise NotFoundError(f"account {account_id} is not on the agenda")
    return row, item


def thresholds_of(session: Session) -> Thresholds:
    programme = load_programme(session)
    return Thresholds(programme.attractiveness_threshold, programme.strength_threshold)


def _keep_before(session: Session, row: WorkshopSession, item: WorkshopItem) -> None:
    """Where the account stood before the room touched it: the session's quarter, else the one before."""
    if item.committed_at is not None or item.decided_at is not None:
        return
    thresholds = thresholds_of(session)
    before = stored_position(session, item.account_id, row.period, thresholds)
    if before.quadrant is None:
        before = stored_position(session, item.account_id, shift_period(row.period, -1), thresholds)
    item.attractiveness_before = before.attractiveness
    item.strength_before = before.strength
    item.segment_before = before.quadrant


def commit_consensus(
    engine: Engine,
    session_id: int,
    account_id: int,
    values: dict[int, object],
    versions: dict[int, int | None],
    spreads: dict[int, Spread],
    *,
    day: date,
    templates: tuple[str, str, str] = (RATIONALE_TEMPLATE, OUTLIERS_TEMPLATE, NO_VOTE_TEMPLATE),
) -> int:
    """Write ``values`` ({criterion id: value}; None leaves a criterion as stored) as the account's
    scores for the session's quarter, each rationale keeping ``spreads``' votes. ``versions`` are the
    score versions read with the values ({criterion id: version or None}). Returns the cells changed."""
    with Session(engine) as session:
        row = session.get(WorkshopSession, session_id)
        if row is None:
            raise NotFoundError(f"workshop session {session_id}")
        period, title = row.period, row.title
        edits = [
            ScoreEdit(
                account_id,
                int(criterion_id),
                value,
                rationale_of(spreads.get(int(criterion_id)), title, day, *templates),
                versions.get(int(criterion_id)),
            )
            for criterion_id, value in values.items()
            if not is_empty(value)
        ]
        errors = scoring.validate_scores(session, edits)
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            row, item = _item(session, session_id, account_id)
            _keep_before(session, row, item)
            changed = scoring.write_scores(session, period, edits) if edits else 0
            item.committed_at = clock.now()
            item.committed_scores = json.dumps(
                {str(edit.criterion_id): scoring.parse_score(edit.value) for edit in edits}, sort_keys=True
            )
            session.flush()
            return changed
    except StaleDataError as exc:
        raise ConflictError("score") from exc
    except IntegrityError as exc:
        raise ConflictError("score") from exc


@dataclass(frozen=True)
class NewAction:
    title: object
    owner: object
    due_date: object


def _action_errors(actions: list[NewAction]) -> tuple[list[dict], list[FieldError]]:
    columns = {column.name: column for column in spec_of("actions").columns}
    rows, errors = [], []
    for number, action in enumerate(actions, start=1):
        raw = {"title": action.title, "owner": action.owner, "due_date": action.due_date}
        if all(is_empty(value) for value in raw.values()):
            continue  # a blank line of the form
        values = {}
        for name, value in raw.items():
            try:
                values[name] = normalise(columns[name], value)
            except Refused as refused:
                errors.append(FieldError(name, refused.code, {"row": number, "value": value, **refused.params}))
        rows.append(values)
    return rows, errors


def proposed_decision(segment_before: str | None, segment_now: str | None) -> str:
    """What the decision form offers first: "changed" when the account now stands in another segment
    than before the workshop, else "confirmed"."""
    return "changed" if None not in (segment_before, segment_now) and segment_before != segment_now else "confirmed"


def record_decision(
    engine: Engine,
    session_id: int,
    account_id: int,
    decision: str,
    segment_after: str | None,
    reason,
    actions: list[NewAction],
    expected_version: int,
) -> int:
    """Record the room's decision on the account's segment and create its actions. ``segment_after``:
    the segment confirmed (may be None for an account not placed) or the one it changes to (required,
    and different from the one before). ``expected_version``: the agenda item's version as read.
    Returns how many actions were created."""
    clean_reason = reason.strip() if isinstance(reason, str) else ""
    errors = []
    if decision not in DECISIONS:
        errors.append(FieldError("decision", "choice", {"value": decision, "choices": list(DECISIONS)}))
    if segment_after is not None and segment_after not in QUADRANTS:
        errors.append(FieldError("segment_after", "choice", {"value": segment_after, "choices": list(QUADRANTS)}))
    if decision == "changed" and not clean_reason:
        errors.append(FieldError("reason", "reason_required", {}))
    if decision == "changed" and segment_after is None:
        errors.append(FieldError("segment_after", "required", {}))
    if len(clean_reason) > REASON_MAX or "\x00" in clean_reason:
        errors.append(FieldError("reason", "text_length", {"value": reason, "min": 0, "max": REASON_MAX}))
    rows, action_errors = _action_errors(actions)
    errors += action_errors
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            row, item = _item(session, session_id, account_id)
            if item.version != expected_version:
                raise ConflictError.of("workshop_item", item)
            _keep_before(session, row, item)
            if decision == "changed" and segment_after == item.segment_before:
                raise ValidationError([FieldError("segment_after", "segment_unchanged", {})])
            if (
                decision == "confirmed"
                and None not in (segment_after, item.segment_before)
                and (segment_after != item.segment_before)
            ):  # the scores committed moved it: confirming would hide a change of segment
                raise ValidationError([FieldError("decision", "segment_moved", {})])
            item.decision = decision
            item.segment_after = segment_after
            item.reason = clean_reason or None
            item.decided_at = clock.now()
            created = [Action(account_id=account_id, status="open", **values) for values in rows]
            session.add_all(created)
            session.flush()
            session.add_all([WorkshopAction(item_id=item.id, action_id=action.id) for action in created])
            session.flush()
            return len(created)
    except StaleDataError as exc:
        raise ConflictError("workshop_item") from exc
    except IntegrityError as exc:
        raise ConflictError("workshop_item") from exc
