"""Handshake rules: stages, coverage, RAG status of commitments (docs/method.md, section 3).

A handshake moves through ``HANDSHAKE_STAGES`` (draft, internally reviewed, presented, agreed,
then in quarterly review). ``move_blockers`` holds the stage rules as a pure function; the writes
(``move_stage``, ``save_handshake_details``, ``record_review``) validate first, then write whole
in one transaction, and refuse a stale handshake version (``ConflictError``). The joint objectives
and the commitments are list sections edited through ``kam_core.account.sections``.

| write                  | field            | rule (error code, params)                                |
| ---------------------- | ---------------- | -------------------------------------------------------- |
| move_stage             | stage            | a known stage (choice: value, choices); another one than |
|                        |                  | the current (same_stage: stage); only "draft" starts a   |
|                        |                  | handshake (no_handshake); forward one step at a time     |
|                        |                  | (skips_stage: next)                                      |
|                        | stage_date       | a date (required, not_a_date: value); not in the future  |
|                        |                  | (date_in_future: value, today); not before the current   |
|                        |                  | stage was reached (dates_out_of_order: stage, date)      |
|                        | signatory        | "agreed" needs one (needs_signatory)                     |
|                        | joint_objectives | "agreed" needs one at least (needs_joint_objective)      |
|                        | note             | 300 characters at most (text_length: min, max)           |
| save_handshake_details | handshake        | the account has one (no_handshake)                       |
|                        | vision           | 4000 characters at most (text_length: min, max)          |
|                        | signatory        | a stakeholder of the account (unknown_ref: value); kept  |
|                        |                  | once agreed (needs_signatory)                            |
|                        | sponsor          | an active executive, or the one already set (unknown_ref)|
|                        | next_review_on   | a date (not_a_date); a new one not in the past           |
|                        |                  | (date_in_past: value, today)                             |
| record_review          | stage            | agreed or in review (review_needs_agreement: stage)      |
|                        | review_date      | required; not in the future (date_in_future); not before |
|                        |                  | the agreement (dates_out_of_order: stage, date)          |
|                        | next_review_on   | required; after the review (next_review_before_review:   |
|                        |                  | value, review_date)                                      |
|                        | notes, decisions | 4000 characters at most (text_length)                    |
|                        | reading          | a number (not_a_number: objective, value); an objective  |
|                        |                  | of this handshake (unknown_ref: value)                   |
|                        | review           | a reading or notes at least (empty_review)               |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.account.sections import _unique_labels, load_section, ref_choices
from kam_core.common.cells import Column, Refused, is_empty, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.store.db import session_scope
from kam_core.store.frames import rows_frame
from kam_core.store.models import (
    CLOSED_COMMITMENT_STATUSES,
    HANDSHAKE_STAGES,
    Account,
    Commitment,
    Executive,
    Handshake,
    HandshakeReview,
    HandshakeStageEvent,
    JointObjective,
    Kam,
    KpiReading,
    Stakeholder,
)

AGREED_STAGES = ("agreed", "in_review")
AMBER_WINDOW_DAYS = 14
STUCK_AFTER_DAYS = 90
REVIEW_DUE_WITHIN_DAYS = 30
VISION_MAX = 4000
REVIEW_TEXT_MAX = 4000
NOTE_MAX = 300
SIGNING_ROLES = ("decision_maker", "approver")  # offered first as signatories


def is_agreed(stage: str | None) -> bool:
    """A handshake counts as agreed from the 'agreed' stage on (quarterly reviews included)."""
    return stage in AGREED_STAGES


def stage_index(stage: str) -> int:
    return HANDSHAKE_STAGES.index(stage)


def next_stage(stage: str | None) -> str | None:
    """The stage a handshake moves to next: "draft" to start one, None once at the last stage."""
    if stage is None:
        return HANDSHAKE_STAGES[0]
    following = stage_index(stage) + 1
    return HANDSHAKE_STAGES[following] if following < len(HANDSHAKE_STAGES) else None


def is_move_back(current: str | None, target: str | None) -> bool:
    """True when ``target`` comes before ``current`` in the stages' order: a move the KAM confirms,
    since it sends an agreed or reviewed plan back towards a draft."""
    if current not in HANDSHAKE_STAGES or target not in HANDSHAKE_STAGES:
        return False
    return stage_index(target) < stage_index(current)


def rag_status(status: str, due: date, today: date, closed_statuses=CLOSED_COMMITMENT_STATUSES) -> str:
    """'done' when closed; 'red' when overdue; 'amber' when due within 14 days; else 'green'."""
    if status in closed_statuses:
        return "done"
    days_left = (due - today).days
    if days_left < 0:
        return "red"
    if days_left <= AMBER_WINDOW_DAYS:
        return "amber"
    return "green"


def load_handshakes(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Handshake.account_id, Handshake.stage, Handshake.stage_since, Handshake.next_review_on)
    ).all()
    return rows_frame(rows, ["account_id", "handshake_stage", "stage_since", "next_review_on"])


def overdue_commitments_per_account(session: Session, today: date) -> pd.DataFrame:
    rows = session.execute(
        select(Handshake.account_id, Commitment.side, func.count(Commitment.id))
        .join(Handshake, Handshake.id == Commitment.handshake_id)
        .where(Commitment.status.not_in(CLOSED_COMMITMENT_STATUSES), Commitment.due_date < today)
        .group_by(Handshake.account_id, Commitment.side)
    ).all()
    frame = rows_frame(rows, ["account_id", "side", "count"])
    wide = frame.pivot_table(index="account_id", columns="side", values="count", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=["ours", "theirs"], fill_value=0)
    wide.columns = ["overdue_ours", "overdue_theirs"]
    return wide.reset_index()


# --- reading one handshake ------------------------------------------------------------------------


@dataclass(frozen=True)
class StageStep:
    stage: str
    reached_on: date | None
    note: str | None


@dataclass(frozen=True)
class HandshakeView:
    """One account's handshake as read; ``stage`` (and every other field but ``account_id`` and
    ``kam``) is None while the account has none. ``kam`` falls back to the account's KAM."""

    account_id: int
    handshake_id: int | None
    stage: str | None
    stage_since: date | None
    vision: str | None
    signatory_id: int | None
    signatory: str | None
    sponsor_id: int | None
    sponsor: str | None
    kam: str | None
    next_review_on: date | None
    version: int | None
    history: tuple[StageStep, ...] = ()  # every stage event, oldest first

    def reached_on(self, stage: str) -> date | None:
        """The latest date ``stage`` was reached (None if it never was)."""
        days = [step.reached_on for step in self.history if step.stage == stage and step.reached_on is not None]
        return max(days) if days else None


def _person(name: str | None, title: str | None) -> str | None:
    if name is None:
        return None
    return f"{name} — {title}" if title else name


def _handshake_of(session: Session, account_id: int) -> Handshake | None:
    return session.scalars(select(Handshake).where(Handshake.account_id == account_id)).first()


def _account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"account {account_id}")
    return account


def read_handshake(session: Session, account_id: int) -> HandshakeView:
    """The account's handshake, its people named and its stage history (NotFoundError for an
    unknown account)."""
    account = _account(session, account_id)
    record = _handshake_of(session, account_id)
    if record is None:
        kam = session.get(Kam, account.kam_id) if account.kam_id is not None else None
        return HandshakeView(
            account_id, None, None, None, None, None, None, None, None, kam.name if kam else None, None, None, ()
        )
    signatory = session.get(Stakeholder, record.signatory_id) if record.signatory_id is not None else None
    sponsor = session.get(Executive, record.sponsor_id) if record.sponsor_id is not None else None
    kam_id = record.kam_id if record.kam_id is not None else account.kam_id
    kam = session.get(Kam, kam_id) if kam_id is not None else None
    events = session.execute(
        select(HandshakeStageEvent.stage, HandshakeStageEvent.reached_on, HandshakeStageEvent.note)
        .where(HandshakeStageEvent.handshake_id == record.id)
        .order_by(HandshakeStageEvent.reached_on, HandshakeStageEvent.id)
    ).all()
    return HandshakeView(
        account_id=account_id,
        handshake_id=record.id,
        stage=record.stage,
        stage_since=record.stage_since,
        vision=record.vision,
        signatory_id=record.signatory_id,
        signatory=_person(signatory.name, signatory.title) if signatory else None,
        sponsor_id=record.sponsor_id,
        sponsor=_person(sponsor.name, sponsor.title) if sponsor else None,
        kam=kam.name if kam else None,
        next_review_on=record.next_review_on,
        version=record.version,
        history=tuple(StageStep(stage, reached_on, note) for stage, reached_on, note in events),
    )


def signatory_choices(session: Session, account_id: int) -> dict[int, str]:
    """{id: "name — title"} of the account's stakeholders: decision makers and approvers first,
    then by influence, then by name."""
    signing_first = case((Stakeholder.role.in_(SIGNING_ROLES), 0), else_=1)
    rows = session.execute(
        select(Stakeholder.id, Stakeholder.name, Stakeholder.title)
        .where(Stakeholder.account_id == account_id)
        .order_by(signing_first, Stakeholder.influence.desc(), Stakeholder.name, Stakeholder.id)
    )
    return _unique_labels((identifier, _person(name, title)) for identifier, name, title in rows)


def sponsor_choices(session: Session, keep: int | None = None) -> dict[int, str]:
    """{id: "name — title"} of our active executives, by name; ``keep`` (the sponsor already set)
    is listed too when inactive, so it keeps its label."""
    wanted = Executive.active.is_(True) if keep is None else or_(Executive.active.is_(True), Executive.id == keep)
    rows = session.execute(
        select(Executive.id, Executive.name, Executive.title).where(wanted).order_by(Executive.name, Executive.id)
    )
    return _unique_labels((identifier, _person(name, title)) for identifier, name, title in rows)


def _joint_objective_count(session: Session, handshake_id: int | None) -> int:
    if handshake_id is None:
        return 0
    return session.scalar(select(func.count(JointObjective.id)).where(JointObjective.handshake_id == handshake_id))


# --- the stage rules ------------------------------------------------------------------------------


def move_blockers(
    view: HandshakeView, target: str, on_date: date, *, joint_objectives: int, today: date
) -> list[FieldError]:
    """Every reason the handshake of ``view`` cannot move to ``target`` on ``on_date`` (empty: it can).

    Pure. Forward one step at a time, not before the current stage was reached; back any number
    of steps (the date still not before the current stage was reached, so the history reads in
    order); never in the future. "agreed" needs a customer signatory and a joint objective.
    """
    if not isinstance(target, str) or target not in HANDSHAKE_STAGES:  # pandas' NA cannot even be compared
        return [FieldError("stage", "choice", {"value": plain(target), "choices": list(HANDSHAKE_STAGES)})]
    errors = []
    if on_date > today:
        errors.append(FieldError("stage_date", "date_in_future", {"value": on_date, "today": today}))
    if view.stage is None:
        if target != HANDSHAKE_STAGES[0]:
            errors.insert(0, FieldError("stage", "no_handshake", {}))
        return errors
    if target == view.stage:
        return [FieldError("stage", "same_stage", {"stage": target}), *errors]
    current, wanted = stage_index(view.stage), stage_index(target)
    if wanted > current + 1:
        errors.insert(0, FieldError("stage", "skips_stage", {"next": HANDSHAKE_STAGES[current + 1]}))
    since = view.reached_on(view.stage) or view.stage_since
    if since is not None and on_date < since:
        errors.append(FieldError("stage_date", "dates_out_of_order", {"stage": view.stage, "date": since}))
    if target == "agreed":
        if view.signatory_id is None:
            errors.append(FieldError("signatory", "needs_signatory", {}))
        if joint_objectives < 1:
            errors.append(FieldError("joint_objectives", "needs_joint_objective", {}))
    return errors


def _clean(field_name: str, column: Column, raw, errors: list[FieldError]):
    """``raw`` through the sections' normaliser; a refusal becomes a FieldError of ``field_name``."""
    try:
        return normalise(column, raw)
    except Refused as refused:
        errors.append(FieldError(field_name, refused.code, {"value": plain(raw), **refused.params}))
        return None


def _column(name: str, kind: str, *, required: bool = False, max_length: int | None = None) -> Column:
    return Column(name, kind, required=required, max_length=max_length)


def _given_id(raw) -> tuple[bool, int | None]:
    """(whether an id was given, the whole number it stands for, or None when it is none)."""
    if is_empty(raw):
        return False, None
    try:
        return True, normalise(_column("id", "int"), raw)
    except Refused:
        return True, None


def _plain(raw):
    return None if not isinstance(raw, str) and is_empty(raw) else plain(raw)


def _check_version(record: Handshake | None, expected_version: int | None) -> None:
    if (record.version if record is not None else None) != expected_version:
        raise ConflictError.of("handshake", record)


def move_stage(
    engine: Engine,
    account_id: int,
    target: str,
    on_date,
    expected_version: int | None,
    *,
    today: date,
    note: str | None = None,
) -> HandshakeView:
    """Move the account's handshake to ``target``, reached on ``on_date``.

    Without a handshake (``expected_version`` None) only "draft" is allowed, and creates it
    (with the account's KAM and sponsor). Every move appends a stage event (the history is
    never rewritten; a move back without a note is noted "moved back from <stage>") and sets
    the stage and its date. Raises ValidationError (``move_blockers``, plus the note's length),
    ConflictError when the handshake changed since ``expected_version`` was read."""
    errors: list[FieldError] = []
    day = _clean("stage_date", _column("stage_date", "date", required=True), on_date, errors)
    note = _clean("note", _column("note", "text", max_length=NOTE_MAX), note, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            account = _account(session, account_id)
            record = _handshake_of(session, account_id)
            _check_version(record, expected_version)
            view = read_handshake(session, account_id)
            errors = move_blockers(
                view, target, day, today=today, joint_objectives=_joint_objective_count(session, view.handshake_id)
            )
            if errors:
                raise ValidationError(errors)
            if record is None:
                record = Handshake(
                    account_id=account_id,
                    stage=target,
                    stage_since=day,
                    kam_id=account.kam_id,
                    sponsor_id=account.sponsor_id,
                )
                session.add(record)
                session.flush()
            else:
                if note is None and stage_index(target) < stage_index(record.stage):
                    note = f"moved back from {record.stage}"
                record.stage, record.stage_since = target, day
            session.add(HandshakeStageEvent(handshake_id=record.id, stage=target, reached_on=day, note=note))
            session.flush()
            return read_handshake(session, account_id)
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("handshake") from exc


# --- the details ----------------------------------------------------------------------------------


def save_handshake_details(
    engine: Engine,
    account_id: int,
    *,
    vision,
    signatory_id,
    sponsor_id,
    next_review_on,
    expected_version: int | None,
    today: date,
) -> HandshakeView:
    """The shared vision (blank: None), the customer's signatory, our sponsor and the next
    review date, saved whole or not at all. Raises ValidationError (see the module's table),
    ConflictError for a stale ``expected_version``."""
    errors: list[FieldError] = []
    vision = _clean("vision", _column("vision", "text", max_length=VISION_MAX), vision, errors)
    signatory_given, signatory = _given_id(signatory_id)
    sponsor_given, sponsor = _given_id(sponsor_id)
    review = _clean("next_review_on", _column("next_review_on", "date"), next_review_on, errors)
    try:
        with session_scope(engine) as session:
            _account(session, account_id)
            record = _handshake_of(session, account_id)
            _check_version(record, expected_version)
            if record is None:
                raise ValidationError([FieldError("handshake", "no_handshake", {})])
            if review is not None and review < today and review != record.next_review_on:  # an overdue date may stay
                errors.append(FieldError("next_review_on", "date_in_past", {"value": review, "today": today}))
            if signatory_given and signatory not in signatory_choices(session, account_id):
                errors.append(FieldError("signatory", "unknown_ref", {"value": _plain(signatory_id)}))
            elif not signatory_given and is_agreed(record.stage):
                errors.append(FieldError("signatory", "needs_signatory", {}))
            if sponsor_given and sponsor not in sponsor_choices(session, keep=record.sponsor_id):
                errors.append(FieldError("sponsor", "unknown_ref", {"value": _plain(sponsor_id)}))
            if errors:
                raise ValidationError(errors)
            changes = {"vision": vision, "signatory_id": signatory, "sponsor_id": sponsor, "next_review_on": review}
            for name, value in changes.items():
                if getattr(record, name) != value:
                    setattr(record, name, value)
            session.flush()
            return read_handshake(session, account_id)
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("handshake") from exc


# --- reviews --------------------------------------------------------------------------------------


def _reading_value(raw):
    """A KPI reading typed by hand: '12,5', '1 250' and 12.5 are numbers; blank is None."""
    if is_empty(raw):
        return None
    text = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "") if isinstance(raw, str) else raw
    try:
        return normalise(_column("reading", "float"), text)
    except Refused:
        raise ValueError(raw) from None


def record_review(
    engine: Engine,
    account_id: int,
    *,
    review_date,
    notes,
    decisions,
    next_review_on,
    readings: dict[int, object],
    expected_version: int | None,
    today: date,
) -> int:
    """Record a quarterly review of the account's agreed handshake; returns the review's id.

    One transaction: the review, one KPI reading per objective read (dated the review date;
    a reading of the same objective and date already stored is replaced), the next review date
    on the handshake, and an agreed handshake moves to "in_review" (with its stage event).
    ``readings`` maps joint objective ids to what was typed; blank readings are ignored.
    Raises ValidationError (see the module's table), ConflictError for a stale handshake."""
    errors: list[FieldError] = []
    held = _clean("review_date", _column("review_date", "date", required=True), review_date, errors)
    if held is not None and held > today:
        errors.append(FieldError("review_date", "date_in_future", {"value": held, "today": today}))
    following = _clean("next_review_on", _column("next_review_on", "date", required=True), next_review_on, errors)
    if held is not None and following is not None and following <= held:
        errors.append(
            FieldError("next_review_on", "next_review_before_review", {"value": following, "review_date": held})
        )
    notes = _clean("notes", _column("notes", "text", max_length=REVIEW_TEXT_MAX), notes, errors)
    decisions = _clean("decisions", _column("decisions", "text", max_length=REVIEW_TEXT_MAX), decisions, errors)
    try:
        with session_scope(engine) as session:
            _account(session, account_id)
            record = _handshake_of(session, account_id)
            _check_version(record, expected_version)
            if record is None or not is_agreed(record.stage):
                errors.insert(
                    0,
                    FieldError(
                        "stage", "review_needs_agreement", {"stage": record.stage if record is not None else None}
                    ),
                )
                raise ValidationError(errors)
            titles = dict(
                session.execute(
                    select(JointObjective.id, JointObjective.title).where(JointObjective.handshake_id == record.id)
                ).all()
            )
            values = _read_readings(readings, titles, errors)
            if not values and notes is None:
                errors.append(FieldError("review", "empty_review", {}))
            agreed_on = read_handshake(session, account_id).reached_on("agreed")
            if record.stage == "agreed":
                agreed_on = agreed_on or record.stage_since
            if held is not None and agreed_on is not None and held < agreed_on:
                errors.append(FieldError("review_date", "dates_out_of_order", {"stage": "agreed", "date": agreed_on}))
            if errors:
                raise ValidationError(errors)
            review = HandshakeReview(
                handshake_id=record.id, review_date=held, notes=notes, decisions=decisions, next_review_on=following
            )
            session.add(review)
            session.flush()
            _store_readings(session, values, review)
            record.next_review_on = following
            if record.stage == "agreed":
                record.stage, record.stage_since = "in_review", held
                session.add(HandshakeStageEvent(handshake_id=record.id, stage="in_review", reached_on=held))
            session.flush()
            return review.id
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("handshake") from exc


def _read_readings(readings: dict, titles: dict[int, str], errors: list[FieldError]) -> dict[int, float]:
    """{objective id: value} of the readings given; their problems appended to ``errors``."""
    values = {}
    for key, raw in (readings or {}).items():
        if is_empty(raw):
            continue
        _, objective = _given_id(key)
        if objective not in titles:
            errors.append(FieldError("reading", "unknown_ref", {"value": _plain(key)}))
            continue
        try:
            values[objective] = _reading_value(raw)
        except ValueError:
            errors.append(FieldError("reading", "not_a_number", {"objective": titles[objective], "value": _plain(raw)}))
    return values


def _store_readings(session: Session, values: dict[int, float], review: HandshakeReview) -> None:
    stored = {
        reading.objective_id: reading
        for reading in session.scalars(
            select(KpiReading).where(
                KpiReading.objective_id.in_(list(values)), KpiReading.reading_date == review.review_date
            )
        )
    }
    for objective, value in values.items():
        reading = stored.get(objective)
        if reading is None:
            session.add(
                KpiReading(objective_id=objective, review_id=review.id, reading_date=review.review_date, value=value)
            )
        else:
            reading.value, reading.review_id = value, review.id


# --- tables for the pages -------------------------------------------------------------------------

KPI_HISTORY_COLUMNS = [
    "objective_id",
    "title",
    "kpi",
    "unit",
    "baseline",
    "target",
    "due_date",
    "reading_date",
    "value",
]
REVIEW_COLUMNS = ["id", "review_date", "notes", "decisions", "next_review_on", "readings"]
OVERDUE_COLUMNS = [
    "id",
    "account_id",
    "account",
    "side",
    "description",
    "owner",
    "due_date",
    "status",
    "objective",
    "days_late",
]
BOARD_COLUMNS = [
    "account_id",
    "name",
    "kam",
    "stage",
    "stage_since",
    "days_in_stage",
    "stuck",
    "next_review_on",
    "review_due",
    "overdue_ours",
    "overdue_theirs",
]


def kpi_history(session: Session, account_id: int) -> pd.DataFrame:
    """One row per KPI reading of the handshake's joint objectives (objectives by due date, readings
    oldest first); an objective without reading appears once, with ``reading_date`` NaT and
    ``value`` NaN. ``reading_date`` is a pandas datetime, ``due_date`` a ``datetime.date``."""
    rows = session.execute(
        select(
            JointObjective.id,
            JointObjective.title,
            JointObjective.kpi,
            JointObjective.unit,
            JointObjective.baseline,
            JointObjective.target,
            JointObjective.due_date,
            KpiReading.reading_date,
            KpiReading.value,
        )
        .join(Handshake, Handshake.id == JointObjective.handshake_id)
        .outerjoin(KpiReading, KpiReading.objective_id == JointObjective.id)
        .where(Handshake.account_id == account_id)
        .order_by(JointObjective.due_date, JointObjective.id, KpiReading.reading_date)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=KPI_HISTORY_COLUMNS)
    frame["objective_id"] = frame["objective_id"].astype("int64")
    for name in ("baseline", "target", "value"):
        frame[name] = frame[name].astype("float64")
    frame["reading_date"] = pd.to_datetime(frame["reading_date"])
    return frame


def reviews(session: Session, account_id: int) -> pd.DataFrame:
    """The handshake's reviews, newest first, with the number of KPI readings each recorded."""
    count = (
        select(func.count(KpiReading.id))
        .where(KpiReading.review_id == HandshakeReview.id)
        .correlate(HandshakeReview)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            HandshakeReview.id,
            HandshakeReview.review_date,
            HandshakeReview.notes,
            HandshakeReview.decisions,
            HandshakeReview.next_review_on,
            count,
        )
        .join(Handshake, Handshake.id == HandshakeReview.handshake_id)
        .where(Handshake.account_id == account_id)
        .order_by(HandshakeReview.review_date.desc(), HandshakeReview.id.desc())
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=REVIEW_COLUMNS)
    return frame.astype({"id": "int64", "readings": "int64"})


def commitments_with_rag(session: Session, account_id: int, today: date) -> pd.DataFrame:
    """The handshake's commitments as the "commitments" section loads them, with ``objective``
    (the joint objective's title, or None) and ``rag`` (red, amber, green or done)."""
    frame = load_section(session, "commitments", account_id)
    titles = ref_choices(session, "commitments", account_id)["objective_id"]
    frame["objective"] = [titles.get(int(value)) if pd.notna(value) else None for value in frame["objective_id"]]
    frame["rag"] = [rag_status(status, due, today) for status, due in zip(frame["status"], frame["due_date"])]
    return frame


def overdue_commitments(session: Session, today: date, account_ids: list[int] | None = None) -> pd.DataFrame:
    """Every open commitment past its due date, of both sides, across ``account_ids`` (None: every
    account): the most late first."""
    query = (
        select(
            Commitment.id,
            Account.id,
            Account.name,
            Commitment.side,
            Commitment.description,
            Commitment.owner,
            Commitment.due_date,
            Commitment.status,
            JointObjective.title,
        )
        .join(Handshake, Handshake.id == Commitment.handshake_id)
        .join(Account, Account.id == Handshake.account_id)
        .outerjoin(JointObjective, JointObjective.id == Commitment.objective_id)
        .where(Commitment.status.not_in(CLOSED_COMMITMENT_STATUSES), Commitment.due_date < today)
        .order_by(Commitment.due_date, Account.name_key, Commitment.id)
    )
    if account_ids is not None:
        query = query.where(Account.id.in_([int(identifier) for identifier in account_ids]))
    rows = session.execute(query).all()
    frame = pd.DataFrame([(*row, (today - row[6]).days) for row in rows], columns=OVERDUE_COLUMNS)
    return frame.astype({"id": "int64", "account_id": "int64", "days_late": "int64"})


def attention_first(board: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``handshake_board`` in the order they need attention: stuck handshakes first, then the
    longest at their stage (no handshake last)."""
    return board.sort_values(["stuck", "days_in_stage", "name"], ascending=[False, False, True], na_position="last")


def handshake_board(session: Session, strategic_ids: list[int], today: date) -> pd.DataFrame:
    """One row per account of ``strategic_ids``, by name: where its handshake stands (``stage``
    None: no handshake), how long it has been there, whether it is stuck, whether a review is
    due (within 30 days, or overdue) and how many commitments of each side are overdue.

    Stuck: more than ``STUCK_AFTER_DAYS`` at a stage before the quarterly reviews; "in_review"
    is where a handshake stays for good, so it is never stuck (its reviews are followed by
    ``review_due``)."""
    ids = [int(identifier) for identifier in strategic_ids]
    kam = func.coalesce(Handshake.kam_id, Account.kam_id)
    rows = session.execute(
        select(
            Account.id,
            Account.name,
            Kam.name,
            Handshake.stage,
            Handshake.stage_since,
            Handshake.next_review_on,
            Account.name_key,
        )
        .outerjoin(Handshake, Handshake.account_id == Account.id)
        .outerjoin(Kam, Kam.id == kam)
        .where(Account.id.in_(ids))
        .order_by(Account.name_key, Account.id)
    ).all()
    late = overdue_commitments(session, today, ids)
    late_count = late.groupby(["account_id", "side"]).size()
    board = []
    for account_id, name, kam_name, stage, since, next_review, _ in rows:
        days = (today - since).days if since is not None else None
        board.append(
            {
                "account_id": account_id,
                "name": name,
                "kam": kam_name,
                "stage": stage,
                "stage_since": since,
                "days_in_stage": days,
                "stuck": stage is not None and stage != "in_review" and days is not None and days > STUCK_AFTER_DAYS,
                "next_review_on": next_review,
                "review_due": next_review is not None and (next_review - today).days <= REVIEW_DUE_WITHIN_DAYS,
                "overdue_ours": int(late_count.get((account_id, "ours"), 0)),
                "overdue_theirs": int(late_count.get((account_id, "theirs"), 0)),
            }
        )
    frame = pd.DataFrame(board, columns=BOARD_COLUMNS)
    return frame.astype(
        {
            "account_id": "int64",
            "days_in_stage": "Int64",
            "stuck": "bool",
            "review_due": "bool",
            "overdue_ours": "int64",
            "overdue_theirs": "int64",
        }
    )
