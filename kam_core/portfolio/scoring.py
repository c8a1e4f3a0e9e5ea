"""Scoring criteria and account scores: read, validate and save (with optimistic locking).

Rules (docs/method.md, section 1):
- each axis has weighted criteria; the active weights of an axis sum to exactly 100;
- criterion names are unique within an axis, ignoring case and accents;
- every criterion carries an anchored scale (what a low, a mid and a high score mean);
- a criterion is never deleted, only deactivated: its scores are the portfolio's history;
- each account gets a score 0-10 per criterion and period (quarter), with an optional
  one-line rationale; a missing score is not a zero, it is simply missing;
- a new period starts from the previous one's scores.

Writes follow the settings pattern: validate first (``ValidationError`` listing every
``FieldError``), then one transaction; a record changed since it was read raises
``ConflictError`` and nothing is written.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.common.text import fold_name
from kam_core.programme.periods import is_period
from kam_core.store.db import session_scope
from kam_core.store.models import AXES, Account, Criterion, Score

NAME_MAX = 120
ANCHOR_MAX = 300
RATIONALE_MAX = 500
WEIGHT_MIN, WEIGHT_MAX = 0.0, 100.0
WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 1e-6
SCORE_MIN, SCORE_MAX = 0.0, 10.0
ANCHORS = ("low", "mid", "high")


# --- criteria ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    """One scoring criterion as the pages show and edit it."""

    id: int | None
    axis: str
    name: str
    description: str | None
    weight: float
    position: int
    anchor_low: str
    anchor_mid: str
    anchor_high: str
    active: bool
    version: int | None = None


CRITERION_TABLE_COLUMNS = (
    "id",
    "version",
    "position",
    "name",
    "weight",
    "active",
    "anchor_low",
    "anchor_mid",
    "anchor_high",
    "description",
)


def criteria_table(rows: list[CriterionRow]) -> pd.DataFrame:
    """The criteria of one axis as an editable table, in display order."""
    return pd.DataFrame(
        [{column: getattr(row, column) for column in CRITERION_TABLE_COLUMNS} for row in rows],
        columns=list(CRITERION_TABLE_COLUMNS),
    )


def criteria_from_table(axis: str, table: pd.DataFrame) -> list[CriterionRow]:
    """Rows as the user left the table, ordered by their 'position' (rows without one go last);
    a new row has no id; a blank weight reads as 0 and a blank 'active' as active."""

    def value(row, column, default=None):
        raw = row.get(column, default)
        return default if raw is None or (isinstance(raw, float) and pd.isna(raw)) else raw

    records = table.to_dict("records")
    ordered = sorted(enumerate(records), key=lambda item: (value(item[1], "position", float("inf")), item[0]))
    result = []
    for index, (_, row) in enumerate(ordered, start=1):
        identifier = value(row, "id")
        version = value(row, "version")
        weight = value(row, "weight", 0.0)
        result.append(
            CriterionRow(
                id=int(identifier) if identifier is not None else None,
                axis=axis,
                name=str(value(row, "name", "")),
                description=value(row, "description"),
                weight=weight if isinstance(weight, str) else float(weight),
                position=index,
                anchor_low=str(value(row, "anchor_low", "")),
                anchor_mid=str(value(row, "anchor_mid", "")),
                anchor_high=str(value(row, "anchor_high", "")),
                active=bool(value(row, "active", True)),
                version=int(version) if version is not None else None,
            )
        )
    return result


def _criterion_row(criterion: Criterion) -> CriterionRow:
    return CriterionRow(
        id=criterion.id,
        axis=criterion.axis,
        name=criterion.name,
        description=criterion.description,
        weight=criterion.weight,
        position=criterion.position,
        anchor_low=criterion.anchor_low,
        anchor_mid=criterion.anchor_mid,
        anchor_high=criterion.anchor_high,
        active=bool(criterion.active),
        version=criterion.version,
    )


def _axis_order():
    """SQL ordering that puts the axes in the order of ``AXES`` (attractiveness first)."""
    return case({axis: index for index, axis in enumerate(AXES)}, value=Criterion.axis, else_=len(AXES))


def list_criteria(session: Session, axis: str | None = None, include_inactive: bool = True) -> list[CriterionRow]:
    """The criteria, ordered by axis (attractiveness first) then position."""
    query = select(Criterion)
    if axis is not None:
        query = query.where(Criterion.axis == axis)
    if not include_inactive:
        query = query.where(Criterion.active.is_(True))
    query = query.order_by(_axis_order(), Criterion.position, Criterion.id)
    return [_criterion_row(criterion) for criterion in session.execute(query).scalars()]


def weights_complete(total: float) -> bool:
    """The active weights of an axis must add up to exactly 100."""
    return abs(total - WEIGHT_TOTAL) <= WEIGHT_TOLERANCE


def previous_scored_period(periods: Iterable[str], period: str) -> str | None:
    """The latest of ``periods`` before ``period`` (the quarter a new one starts from)."""
    earlier = [p for p in periods if p < period]
    return max(earlier) if earlier else None


def active_weight_sum(rows: Iterable[CriterionRow]) -> float:
    """The sum of the weights of the active criteria (it must be 100 on each axis)."""
    return float(sum(row.weight for row in rows if row.active and _is_number(row.weight)))


def _is_number(value) -> bool:
    """A real, finite number (booleans are not numbers here)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer too large for a float (10**400)
        return False


def _clean_text(value) -> str:
    """Text without surrounding blanks; anything that is not text counts as empty."""
    return value.strip() if isinstance(value, str) else ""


def _text_error(field: str, row: int, value, maximum: int, **extra) -> FieldError | None:
    text = _clean_text(value)
    if "\x00" in text:  # as cells.normalise: no database stores it whole
        return FieldError(field, "text_nul", {"row": row, **extra})
    if 1 <= len(text) <= maximum:
        return None
    return FieldError(field, "text_length", {"row": row, "value": value, "min": 1, "max": maximum, **extra})


def validate_criteria(axis: str, rows: list[CriterionRow]) -> list[FieldError]:
    """Every reason the desired criteria list of ``axis`` cannot be saved (empty when it can).

    Names 1-120 characters, unique within the axis ignoring case and accents; weights numbers
    0-100; anchors 1-300 characters; at least one active criterion, whose weights sum to 100.
    Per-row errors carry the 1-based ``row`` number and the offending ``value``.
    """
    if axis not in AXES:
        return [FieldError("axis", "unknown_axis", {"value": axis})]
    errors: list[FieldError] = []
    seen_names: set[str] = set()
    for row_number, row in enumerate(rows, start=1):
        name_error = _text_error("criterion_name", row_number, row.name, NAME_MAX)
        if name_error:
            errors.append(name_error)
        elif fold_name(row.name) in seen_names:
            errors.append(FieldError("criterion_name", "name_duplicate", {"row": row_number, "value": row.name}))
        else:
            seen_names.add(fold_name(row.name))
        if not (_is_number(row.weight) and WEIGHT_MIN <= float(row.weight) <= WEIGHT_MAX):
            errors.append(
                FieldError(
                    "criterion_weight", "number_range", {"row": row_number, "value": row.weight, "min": 0, "max": 100}
                )
            )
        if "\x00" in _clean_text(row.description):
            errors.append(FieldError("criterion_description", "text_nul", {"row": row_number}))
        for anchor in ANCHORS:
            anchor_error = _text_error(
                "criterion_anchor", row_number, getattr(row, f"anchor_{anchor}"), ANCHOR_MAX, anchor=anchor
            )
            if anchor_error:
                errors.append(anchor_error)
    errors.extend(_weight_errors(axis, rows))
    return errors


def _weight_errors(axis: str, rows: list[CriterionRow]) -> list[FieldError]:
    """At least one active criterion, and active weights summing to 100 (once all are numbers)."""
    if not any(row.active for row in rows):
        return [FieldError("criteria", "no_active_criterion", {"axis": axis})]
    total = active_weight_sum(rows)
    weights_are_numbers = all(_is_number(row.weight) for row in rows if row.active)
    if weights_are_numbers and not weights_complete(total):
        return [FieldError("weights", "weights_sum", {"axis": axis, "sum": round(total, 1)})]
    return []


def _cleaned(row: CriterionRow, position: int) -> CriterionRow:
    description = _clean_text(row.description) or None
    return replace(
        row,
        name=_clean_text(row.name),
        description=description,
        weight=float(row.weight),
        position=position,
        anchor_low=_clean_text(row.anchor_low),
        anchor_mid=_clean_text(row.anchor_mid),
        anchor_high=_clean_text(row.anchor_high),
        active=bool(row.active),
    )


EDITABLE_CRITERION_FIELDS = (
    "name",
    "description",
    "weight",
    "position",
    "anchor_low",
    "anchor_mid",
    "anchor_high",
    "active",
)


def save_criteria(engine: Engine, axis: str, rows: list[CriterionRow]) -> list[CriterionRow]:
    """Save the complete desired criteria list of ``axis``, whole or not at all.

    ``rows`` are in display order: a row's position becomes its index + 1. A row without id is a
    new criterion. A stored criterion of the axis missing from ``rows`` is deactivated, never
    deleted (its scores are history). A row whose ``version`` differs from the stored one raises
    ConflictError; a row naming a criterion that is not on this axis raises NotFoundError.
    Returns the axis's criteria as saved.
    """
    errors = validate_criteria(axis, rows)
    if errors:
        raise ValidationError(errors)
    desired = [_cleaned(row, position) for position, row in enumerate(rows, start=1)]
    try:
        with session_scope(engine) as session:
            stored = {
                criterion.id: criterion
                for criterion in session.execute(select(Criterion).where(Criterion.axis == axis)).scalars()
            }
            _check_criteria_versions(stored, desired)
            removed = [
                criterion
                for criterion_id, criterion in stored.items()
                if criterion_id not in {row.id for row in desired}
            ]
            _check_names_free(desired, removed)
            _write_criteria(session, axis, stored, desired, removed)
            return list_criteria(session, axis)
    except StaleDataError as exc:
        raise ConflictError("criterion") from exc
    except IntegrityError as exc:  # validated already: only a concurrent save can break a constraint
        raise ConflictError("criterion") from exc


def _check_criteria_versions(stored: dict[int, Criterion], desired: list[CriterionRow]) -> None:
    seen: set[int] = set()
    for row in desired:
        if row.id is None:
            continue
        if row.id in seen:
            raise ValueError(f"criterion {row.id} is listed twice")
        seen.add(row.id)
        criterion = stored.get(row.id)
        if criterion is None:
            raise NotFoundError(f"criterion {row.id} is not a criterion of this axis")
        if row.version != criterion.version:
            raise ConflictError.of("criterion", criterion)


def _check_names_free(desired: list[CriterionRow], removed: list[Criterion]) -> None:
    """A name may not reuse that of a criterion left out (deactivated): reactivate that one instead."""
    taken = {fold_name(criterion.name) for criterion in removed}
    errors = [
        FieldError("criterion_name", "name_inactive", {"row": row.position, "value": row.name})
        for row in desired
        if fold_name(row.name) in taken
    ]
    if errors:
        raise ValidationError(errors)


def _write_criteria(
    session: Session, axis: str, stored: dict[int, Criterion], desired: list[CriterionRow], removed: list[Criterion]
) -> None:
    """Updates, then inserts (so a new criterion may take the old name of a renamed one). A
    criterion whose current name another existing row takes (names swapping) first moves to a
    temporary name, as the database checks uniqueness statement by statement."""
    targets = {row.name: row.id for row in desired if row.id is not None}
    holders = [
        criterion
        for criterion in stored.values()
        if criterion.name in targets and targets[criterion.name] != criterion.id
    ]
    for criterion in holders:
        criterion.name = f"~renaming {criterion.id}~"
    if holders:
        session.flush()
    for row in desired:
        if row.id is not None:
            _assign(stored[row.id], row)
    for offset, criterion in enumerate(sorted(removed, key=lambda c: (c.position, c.id)), start=len(desired) + 1):
        _assign_values(criterion, {"active": False, "position": offset})
    session.flush()
    for row in desired:
        if row.id is None:
            session.add(Criterion(axis=axis, **{field: getattr(row, field) for field in EDITABLE_CRITERION_FIELDS}))
    session.flush()


def _assign(criterion: Criterion, row: CriterionRow) -> None:
    _assign_values(criterion, {field: getattr(row, field) for field in EDITABLE_CRITERION_FIELDS})


def _assign_values(record, values: dict) -> None:
    """Set only what changed, so an unchanged record keeps its version."""
    for field, value in values.items():
        if getattr(record, field) != value:
            setattr(record, field, value)


# --- scores -----------------------------------------------------------------------------------


def parse_score(raw) -> float | None:
    """A score as typed: None, NaN or blank clear it; '7,5' and '7.5' both mean 7.5.

    Raises ValueError for anything that is not a number (text, booleans, infinities).
    The 0-10 range is not checked here (see ``validate_scores``).
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(f"not a score: {raw!r}")
    if isinstance(raw, numbers.Real):
        try:
            value = float(raw)
        except OverflowError:  # an integer too large for a float (10**400)
            raise ValueError(f"not a score: {raw!r}") from None
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError(f"not a score: {raw!r}")
        return value
    if not isinstance(raw, str):
        raise ValueError(f"not a score: {raw!r}")
    text = raw.strip()
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    value = float(text)  # raises ValueError for text
    if not math.isfinite(value):
        raise ValueError(f"not a score: {raw!r}")
    return value


@dataclass(frozen=True)
class ScoreEdit:
    """One cell of the score sheet as the user left it."""

    account_id: int
    criterion_id: int
    value: object  # raw input: float, int, str or None; None or "" clears the score
    rationale: str | None = None  # None keeps the stored rationale; "" clears it
    expected_version: int | None = None  # version read with the score (None: there was no score)


@dataclass(frozen=True)
class AccountScore:
    criterion: CriterionRow
    value: float | None
    rationale: str | None
    version: int | None


def _programme_accounts(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the accounts in the programme (archived ones are out), by name."""
    rows = session.execute(
        select(Account.id, Account.name).where(Account.status != "archived").order_by(Account.name_key, Account.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def _check_axis(axis: str) -> None:
    if axis not in AXES:
        raise ValueError(f"unknown axis: {axis!r}")


def score_sheet(session: Session, period: str, axis: str) -> pd.DataFrame:
    """One row per account in the programme, by name: account_id, name, then one column per
    active criterion of ``axis`` (named ``str(criterion_id)``, in position order) holding the
    score of ``period``, NaN when missing."""
    _check_axis(axis)
    criteria = list_criteria(session, axis, include_inactive=False)
    accounts = _programme_accounts(session)
    sheet = pd.DataFrame(accounts, columns=["account_id", "name"])
    rows = session.execute(
        select(Score.account_id, Score.criterion_id, Score.value).where(
            Score.period == period, Score.criterion_id.in_([c.id for c in criteria])
        )
    ).all()
    values = {(account_id, criterion_id): value for account_id, criterion_id, value in rows}
    for criterion in criteria:
        sheet[str(criterion.id)] = pd.Series(
            [values.get((account_id, criterion.id), math.nan) for account_id, _ in accounts], dtype=float
        )
    return sheet


def score_versions(session: Session, period: str, axis: str) -> dict[tuple[int, int], int]:
    """(account_id, criterion_id) -> version of every stored score of ``axis`` for ``period``."""
    _check_axis(axis)
    rows = session.execute(
        select(Score.account_id, Score.criterion_id, Score.version)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.period == period, Criterion.axis == axis)
    ).all()
    return {(row[0], row[1]): row[2] for row in rows}


def account_scores(session: Session, account_id: int, period: str) -> list[AccountScore]:
    """Every active criterion of both axes (attractiveness first, then by position) with the
    account's score for ``period``, or None values where it has none."""
    if session.get(Account, account_id) is None:
        raise NotFoundError(f"account {account_id}")
    stored = {
        score.criterion_id: score
        for score in session.execute(
            select(Score).where(Score.account_id == account_id, Score.period == period)
        ).scalars()
    }
    result = []
    for criterion in list_criteria(session, include_inactive=False):
        score = stored.get(criterion.id)
        result.append(
            AccountScore(
                criterion=criterion,
                value=score.value if score else None,
                rationale=score.rationale if score else None,
                version=score.version if score else None,
            )
        )
    return result


def validate_scores(session: Session, edits: list[ScoreEdit]) -> list[FieldError]:
    """Every reason the edits cannot be saved; each error names the account and the criterion.

    A value is blank (clears the score) or a number 0-10 ('7,5' accepted); a rationale is at
    most 500 characters; the cell must be a known account and criterion, edited once.
    """
    names = _cell_names(session, edits)
    errors: list[FieldError] = []
    seen: set[tuple[int, int]] = set()
    for edit in edits:
        cell = (edit.account_id, edit.criterion_id)
        account, criterion = names["account"].get(edit.account_id), names["criterion"].get(edit.criterion_id)
        if account is None or criterion is None:
            errors.append(
                FieldError(
                    "score",
                    "unknown_cell",
                    {"account": account or edit.account_id, "criterion": criterion or edit.criterion_id},
                )
            )
            continue
        where = {"account": account, "criterion": criterion}
        if cell in seen:
            errors.append(FieldError("score", "duplicate_cell", where))
        seen.add(cell)
        value_error = _score_value_error(edit.value, where)
        if value_error:
            errors.append(value_error)
        if edit.rationale is not None and len(edit.rationale.strip()) > RATIONALE_MAX:
            errors.append(FieldError("rationale", "rationale_length", {**where, "max": RATIONALE_MAX}))
        elif edit.rationale is not None and "\x00" in edit.rationale:
            errors.append(FieldError("rationale", "text_nul", where))
    return errors


def _cell_names(session: Session, edits: list[ScoreEdit]) -> dict[str, dict[int, str]]:
    account_ids = {edit.account_id for edit in edits}
    criterion_ids = {edit.criterion_id for edit in edits}
    accounts = (
        dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(account_ids))).all())
        if account_ids
        else {}
    )
    criteria = (
        dict(session.execute(select(Criterion.id, Criterion.name).where(Criterion.id.in_(criterion_ids))).all())
        if criterion_ids
        else {}
    )
    return {"account": accounts, "criterion": criteria}


def _score_value_error(raw, where: dict) -> FieldError | None:
    try:
        value = parse_score(raw)
    except ValueError:
        return FieldError("score", "score_not_number", {**where, "value": raw})
    if value is not None and not SCORE_MIN <= value <= SCORE_MAX:
        return FieldError("score", "score_range", {**where, "value": raw})
    return None


def save_scores(engine: Engine, period: str, edits: list[ScoreEdit]) -> int:
    """Save the edited cells of ``period`` whole or not at all; returns how many cells changed.

    A blank value deletes the score; otherwise the score is inserted or its value and rationale
    updated (a None rationale keeps the stored one). A cell whose stored version differs from
    ``expected_version`` (or a score that appeared where none was read) raises ConflictError.
    """
    if not is_period(period):
        raise ValidationError([FieldError("period", "period_format", {"value": period})])
    with Session(engine) as session:
        errors = validate_scores(session, edits)
    if errors:
        raise ValidationError(errors)
    if not edits:
        return 0
    try:
        with session_scope(engine) as session:
            return write_scores(session, period, edits)
    except StaleDataError as exc:
        raise ConflictError("score") from exc
    except IntegrityError as exc:  # validated already: only a concurrent save can break a constraint
        raise ConflictError("score") from exc


def write_scores(session: Session, period: str, edits: list[ScoreEdit]) -> int:
    """The write of ``save_scores`` inside a unit of work the caller opened (``session_scope``), for a
    save that writes more than scores in the same transaction (a workshop's consensus): edits
    already validated (``validate_scores``); ConflictError on a version that moved on. Returns how
    many cells changed."""
    stored = _stored_scores(session, period, edits)
    for edit in edits:
        _check_score_version(stored.get((edit.account_id, edit.criterion_id)), edit)
    changed = sum(
        _apply_edit(session, period, stored.get((edit.account_id, edit.criterion_id)), edit) for edit in edits
    )
    session.flush()
    return changed


def _stored_scores(session: Session, period: str, edits: list[ScoreEdit]) -> dict[tuple[int, int], Score]:
    account_ids = {edit.account_id for edit in edits}
    scores = session.execute(select(Score).where(Score.period == period, Score.account_id.in_(account_ids))).scalars()
    return {(score.account_id, score.criterion_id): score for score in scores}


def _check_score_version(score: Score | None, edit: ScoreEdit) -> None:
    stored_version = score.version if score is not None else None
    if stored_version != edit.expected_version:
        raise ConflictError.of("score", score)


def _apply_edit(session: Session, period: str, score: Score | None, edit: ScoreEdit) -> int:
    """Insert, update or delete one cell; 1 when the cell changed, else 0."""
    value = parse_score(edit.value)
    rationale = None if edit.rationale is None else (edit.rationale.strip() or None)
    if value is None:
        if score is None:
            return 0
        session.delete(score)
        return 1
    if score is None:
        session.add(
            Score(
                account_id=edit.account_id,
                criterion_id=edit.criterion_id,
                period=period,
                value=value,
                rationale=rationale,
            )
        )
        return 1
    changes = {"value": value}
    if edit.rationale is not None:
        changes["rationale"] = rationale
    if all(getattr(score, field) == new for field, new in changes.items()):
        return 0
    _assign_values(score, changes)
    return 1


# --- what the pages changed -------------------------------------------------------------------


def _same_score(raw, stored: float | None) -> bool:
    """Whether a typed value means the score read (NaN read = no score; text that is no number
    never does, so that validation reports it)."""
    try:
        value = parse_score(raw)
    except ValueError:
        return False
    stored = None if stored is None or math.isnan(stored) else float(stored)
    return value == stored


def workshop_edits(
    account_id: int, scores: list[AccountScore], entered: dict[int, tuple[object, str | None]]
) -> list[ScoreEdit]:
    """The cells of one account that the workshop form changed.

    ``scores`` as read (``account_scores``); ``entered`` maps criterion id -> (value, rationale)
    as left in the form. A cell changed when its value differs, or when it keeps its score and
    the rationale differs (a rationale typed on a cell without a score is no change: it needs a score).
    """
    edits = []
    for score in scores:
        if score.criterion.id not in entered:
            continue
        raw, rationale = entered[score.criterion.id]
        rationale = (rationale or "").strip()
        value_changed = not _same_score(raw, score.value)
        rationale_changed = score.value is not None and rationale != (score.rationale or "")
        if value_changed or rationale_changed:
            edits.append(ScoreEdit(account_id, score.criterion.id, raw, rationale, score.version))
    return edits


def sheet_edits(sheet: pd.DataFrame, edited: pd.DataFrame, versions: dict[tuple[int, int], int]) -> list[ScoreEdit]:
    """The cells of the score sheet the user changed, matched by account (the grid may reorder
    rows): one ScoreEdit per cell whose typed value differs from the one read, keeping the
    stored rationale. ``sheet`` as read (``score_sheet``), ``versions`` as read with it.

    Runs at every rerun of the scoring page over the whole sheet (accounts x criteria), so it
    walks plain lists: a cell left as read (the same number, or no score) costs one comparison."""
    columns = [column for column in sheet.columns if column not in ("account_id", "name") and column in edited]
    if not columns or edited.empty:
        return []
    read = sheet.set_index(sheet["account_id"].astype(int))[columns]
    stored_by_account = dict(zip(read.index.tolist(), read.to_numpy(dtype=float, na_value=math.nan).tolist()))
    criterion_ids = [int(column) for column in columns]
    edits = []
    for raw_id, typed in zip(edited["account_id"].tolist(), edited[columns].to_numpy(dtype=object).tolist()):
        account_id = int(raw_id)
        stored_row = stored_by_account.get(account_id)
        if stored_row is None:
            continue
        for criterion_id, raw, stored in zip(criterion_ids, typed, stored_row):
            if isinstance(raw, float) and (raw == stored or (raw != raw and stored != stored)):
                continue  # as read
            if not _same_score(raw, stored):
                edits.append(ScoreEdit(account_id, criterion_id, raw, None, versions.get((account_id, criterion_id))))
    return edits


# --- periods ----------------------------------------------------------------------------------


def scored_periods(session: Session) -> list[str]:
    """The periods that have at least one score, oldest first."""
    return list(session.execute(select(Score.period).distinct().order_by(Score.period)).scalars())


def _latest_scored_before(session: Session, period: str) -> str | None:
    return session.execute(select(func.max(Score.period)).where(Score.period < period)).scalar()


def start_period(engine: Engine, period: str, from_period: str | None = None) -> int:
    """Start ``period`` from the scores of ``from_period`` (default: the latest scored period
    before it): copy value and rationale of every score of an active criterion and an account in
    the programme into ``period`` where that cell has no score yet. Never overwrites; idempotent.
    Returns how many scores were copied."""
    errors = [
        FieldError(field, "period_format", {"value": value})
        for field, value in (("period", period), ("from_period", from_period))
        if (value is not None or field == "period") and not is_period(value)
    ]
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            source = from_period or _latest_scored_before(session, period)
            if source is None or source == period:
                return 0
            copies = _missing_copies(session, source, period)
            session.add_all(copies)
            session.flush()
            return len(copies)
    except IntegrityError as exc:  # someone scored the same cells meanwhile
        raise ConflictError("score") from exc


def _missing_copies(session: Session, source: str, period: str) -> list[Score]:
    already = {
        (account_id, criterion_id)
        for account_id, criterion_id in session.execute(
            select(Score.account_id, Score.criterion_id).where(Score.period == period)
        )
    }
    rows = session.execute(
        select(Score.account_id, Score.criterion_id, Score.value, Score.rationale)
        .join(Account, Account.id == Score.account_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.period == source, Account.status != "archived", Criterion.active.is_(True))
        .order_by(Score.account_id, Score.criterion_id)
    ).all()
    return [
        Score(account_id=account_id, criterion_id=criterion_id, period=period, value=value, rationale=rationale)
        for account_id, criterion_id, value, rationale in rows
        if (account_id, criterion_id) not in already
    ]
