"""Duplicates and merge: two accounts that are one customer (typical after a CRM import, "ACME
Corp" and "Acme Corporation") become one, without losing a row.

Finding them: ``kam_core.account.duplicates`` (``likely_duplicates``).

Merging: ``merge_plan`` (a read) shows what merging would do: for each account field both values
(``FieldChoice``); per kind of row (``MOVE_KINDS`` order, zeros included) how many rows of the
other account come over, whether they move as they are or are merged with a row of the
surviving account (``moves``); and the conflicts, each with a stable key the user's choice is
handed back under. ``merge_accounts`` (the write) recomputes the plan in its own transaction,
validates everything, makes a copy of a SQLite file (``backups.backup_sqlite``, "before-merge"),
then moves, merges and deletes rows, deletes the other account and sets the winning fields, all
in one transaction. By kind of row:

| kind           | rule                                                                             |
| -------------- | -------------------------------------------------------------------------------- |
| fields         | per field of ``FIELDS``, the winner's value ("keep" unless ``winners`` says       |
|                | "other"); the other account is deleted before its name or CRM id is taken         |
| programme_since| the earlier of the two entry years into the programme (None when neither has one) |
| parent_id      | a winning parent that is one of the two accounts gives way to the other side's    |
|                | parent, or to none; under a parent, group_name is None (the group is the parent's)|
| child accounts | the other's children get the surviving account as parent                          |
| scores         | same criterion and period: conflict "score:<criterion id>:<period>", keep / other |
|                | (the losing row is deleted); equal value and rationale is no conflict: the        |
|                | other's row is dropped (counted under scores all the same)                        |
| years          | same year: conflict "year:<year>", keep / other / both (both: revenues summed,    |
|                | spends summed, a missing spend counting as absent)                                |
| ambitions      | revenue ambitions (``RevenueAmbition``), as years: same year: conflict            |
|                | "ambition:<year>", keep / other / both (both: the two amounts summed)             |
| plan           | moves when the surviving account has none; else, per text field, the other's text |
|                | fills an empty one; two different texts (outer spaces aside): conflict            |
|                | "plan:<field>" labelled with the field's code, keep / other / both (both: the two |
|                | texts, a blank line between); then the other's plan is deleted                    |
| priorities     | ranked after the surviving account's last, in their order; their value            |
|                | propositions follow them                                                          |
| customer units | a unit whose folded name is one of the surviving account's units is merged into   |
|                | it (cells re-pointed, unit deleted); two cells for one unit and offer: conflict    |
|                | "white_space:<folded unit name>:<offer id>", keep / other (the loser is deleted)  |
| competitors    | same folded name: conflict "competitor:<folded name>", keep / other               |
| handshake      | moves when the surviving account has none; else conflict "handshake", keep /      |
|                | other: the winner's header (stage, dates, vision, people) and stage history stay  |
|                | on the surviving account; the loser's joint objectives (their KPI readings        |
|                | follow), commitments and reviews go under it; the loser's header and stage        |
|                | history are deleted                                                               |
| the rest       | stakeholders (their pairings, reporting lines and engagement links follow), SWOT, |
|                | objectives, actions, engagements, revenue lines move as they are                  |

The merge keeps rows, not the sections' rules: merged competitors' shares may exceed 100% and
a "both" plan text the canvas' length, to be settled when the section is next saved.

``merge_accounts`` writes nothing when it raises:

| raised          | field     | when (error code, params)                                              |
| --------------- | --------- | ---------------------------------------------------------------------- |
| ValidationError | other     | the two accounts are one (same_account: value)                          |
| NotFoundError   |           | an account no longer exists                                             |
| ConflictError   |           | "account": an account's version is not the one read with the plan     |
|                 |           | (``versions``), or a row changed or appeared under the merge            |
| ValidationError | <field>   | a winner neither "keep" nor "other" (choice: value, choices)           |
|                 | winners   | a field not in ``FIELDS`` (choice: value, choices)                     |
|                 | conflict  | one per conflict of the recomputed plan without one of its options     |
|                 |           | (conflict_unresolved: value = its label, key); extra keys are ignored  |
|                 | parent_id | the resulting parent is under the merged account (group_cycle: value = |
|                 |           | the parent's name)                                                     |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.account.sections import PLAN_TEXT_FIELDS
from kam_core.common import formatting as fmt
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.common.text import fold_name
from kam_core.governance import access
from kam_core.i18n import translate
from kam_core.portfolio.segmentation import load_programme
from kam_core.store.backups import backup_sqlite
from kam_core.store.db import session_scope, sqlite_path
from kam_core.store.models import (
    Account,
    AccountPlan,
    AccountYear,
    Action,
    ChallengeSession,
    Commitment,
    Competitor,
    Criterion,
    CustomerUnit,
    Engagement,
    Executive,
    Handshake,
    HandshakeReview,
    HandshakeStageEvent,
    JointObjective,
    Kam,
    Objective,
    Offer,
    Pairing,
    Priority,
    RevenueAmbition,
    RevenueLine,
    Score,
    Stakeholder,
    SwotItem,
    ValueProposition,
    WhiteSpaceCell,
    utcnow,
)
from kam_core.store.records import account_or_missing, assign_changed

# --- the plan -------------------------------------------------------------------------------------

FIELDS = (
    "name",
    "crm_id",
    "parent_id",
    "group_name",
    "sector",
    "country",
    "kam_id",
    "sponsor_id",
    "status",
    "potential_3y",
    "margin_pct",
    "notes",
)
MOVE_KINDS = (
    "stakeholders",
    "pairings",
    "scores",
    "plan",
    "priorities",
    "value_propositions",
    "swot_items",
    "competitors",
    "customer_units",
    "white_space_cells",
    "objectives",
    "actions",
    "handshake",
    "joint_objectives",
    "commitments",
    "reviews",
    "engagements",
    "revenue_lines",
    "years",
    "ambitions",
    "child_accounts",
)
CONFLICT_KINDS = ("score", "year", "ambition", "plan_text", "handshake", "white_space", "competitor")
SIDES = ("keep", "other")
SUMMARY_MAX = 80


@dataclass(frozen=True)
class FieldChoice:
    field: str
    keep_value: object
    other_value: object
    keep_label: str  # displayable: "" for None, names for kam_id / sponsor_id / parent_id
    other_label: str
    differs: bool

    @property
    def suggested(self) -> str:
        """The side offered first: the surviving account's, unless it is empty and the other's is not
        (an empty field never wins by default over a filled one)."""
        return "other" if _blank(self.keep_value) and not _blank(self.other_value) else "keep"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Conflict:
    key: str  # stable: "score:12:2026-Q3", "year:2025", "plan:ambition", "handshake", ...
    kind: str  # one of CONFLICT_KINDS
    label: str  # what it is about; for plan_text the field's code (business, markets, ...)
    keep_value: str  # short plain-text summary of the surviving account's side
    other_value: str
    options: tuple[str, ...]  # ("keep", "other") or ("keep", "other", "both")


@dataclass(frozen=True)
class MergePlan:
    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    keep_version: int
    other_version: int
    fields: tuple[FieldChoice, ...]
    moves: dict[str, int]  # kind -> rows of the other account taken over (MOVE_KINDS order)
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True)
class MergeResult:
    keep_id: int
    moved: dict[str, int]  # as MergePlan.moves, counted in the merge's own transaction
    resolved: dict[str, str]  # conflict key -> the option applied
    backup: Path | None


@dataclass
class _Pair:
    """One row of each account for the same thing, and its conflict (None: equal, no choice)."""

    keep: object
    other: object
    conflict: Conflict | None


@dataclass
class _Analysis:
    """What a merge would do, with the ORM rows needed to do it (internal)."""

    keep: Account
    other: Account
    rows: dict[type, list] = field(default_factory=dict)  # model -> the other account's own rows
    scores: list[_Pair] = field(default_factory=list)
    years: list[_Pair] = field(default_factory=list)
    ambitions: list[_Pair] = field(default_factory=list)
    keep_plan: AccountPlan | None = None
    other_plan: AccountPlan | None = None
    plan_fills: list[str] = field(default_factory=list)  # text fields the other's plan fills
    plan_texts: dict[str, Conflict] = field(default_factory=dict)  # field -> conflict
    keep_handshake: Handshake | None = None
    other_handshake: Handshake | None = None
    handshake_conflict: Conflict | None = None
    unit_targets: dict[int, CustomerUnit] = field(default_factory=dict)  # other's unit id -> keep's unit
    cells: list[_Pair] = field(default_factory=list)
    competitors: list[_Pair] = field(default_factory=list)
    moves: dict[str, int] = field(default_factory=dict)

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        found = [pair.conflict for pair in self.scores + self.years + self.ambitions if pair.conflict is not None]
        found += list(self.plan_texts.values())
        found += [self.handshake_conflict] if self.handshake_conflict is not None else []
        found += [pair.conflict for pair in self.cells + self.competitors if pair.conflict is not None]
        unique: dict[str, Conflict] = {}
        for conflict in found:  # two rows of the other folding alike share their conflict
            unique.setdefault(conflict.key, conflict)
        return tuple(unique.values())


def _short(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= SUMMARY_MAX else flat[: SUMMARY_MAX - 1] + "…"


def _number_label(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text_of(value: str | None) -> str:
    return (value or "").strip()


def _same_account(keep_id: int, other_id: int) -> None:
    if keep_id == other_id:
        raise ValidationError([FieldError("other", "same_account", {"value": keep_id})])


def _all(session: Session, query) -> list:
    return list(session.execute(query).scalars())


def _by_folded_name(rows) -> dict:
    """The first of ``rows`` for each name once case, accents and extra spaces are folded."""
    found = {}
    for row in rows:
        found.setdefault(fold_name(row.name), row)
    return found


def _owned_rows(session: Session, model: type, account_id: int, *order) -> list:
    """The rows of ``model`` the account owns, in ``order`` (default: by id)."""
    return _all(session, select(model).where(model.account_id == account_id).order_by(*(order or (model.id,))))


def _field_label(session: Session, name: str, value) -> str:
    if value is None:
        return ""
    model = {"kam_id": Kam, "sponsor_id": Executive, "parent_id": Account}.get(name)
    if model is not None:
        record = session.get(model, value)
        return record.name if record is not None else str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_label(value)
    return str(value)


def _field_choices(session: Session, keep: Account, other: Account) -> tuple[FieldChoice, ...]:
    choices = []
    for name in FIELDS:
        mine, theirs = getattr(keep, name), getattr(other, name)
        choices.append(
            FieldChoice(
                name,
                mine,
                theirs,
                _field_label(session, name, mine),
                _field_label(session, name, theirs),
                mine != theirs,
            )
        )
    return tuple(choices)


@dataclass(frozen=True)
class _Words:
    """The language and currency the conflicts' summaries are written in."""

    language: str = "en"
    currency: str = "EUR"

    def money(self, value: float) -> str:
        return fmt.money(value, self.currency, self.language)


def _score_summary(score: Score, words: _Words) -> str:
    rationale = _short(score.rationale)
    return fmt.score(score.value, words.language) + (f" – {rationale}" if rationale else "")


def _year_summary(year: AccountYear, words: _Words) -> str:
    if year.category_spend is None:
        return words.money(year.revenue)
    return translate(
        "merge.summary.year", words.language, revenue=words.money(year.revenue), spend=words.money(year.category_spend)
    )


def _cell_summary(cell: WhiteSpaceCell, words: _Words) -> str:
    parts = [translate(f"enum.white_space.{cell.status}", words.language)]
    if cell.value is not None:
        parts.append(words.money(cell.value))
    if cell.competitor:
        parts.append(_short(cell.competitor))
    return ", ".join(parts)


def _competitor_summary(competitor: Competitor, words: _Words) -> str:
    share = (
        fmt.percent(competitor.share_pct, words.language)
        if competitor.share_pct is not None
        else translate("merge.summary.no_share", words.language)
    )
    strengths = _short(competitor.strengths)
    return share + (f", {strengths}" if strengths else "")


def _handshake_children(session: Session, handshake: Handshake | None) -> dict[type, list]:
    models = (JointObjective, Commitment, HandshakeReview, HandshakeStageEvent)
    if handshake is None:
        return {model: [] for model in models}
    return {
        model: _all(session, select(model).where(model.handshake_id == handshake.id).order_by(model.id))
        for model in models
    }


def _handshake_summary(handshake: Handshake, children: dict[type, list], words: _Words) -> str:
    return translate(
        "merge.summary.handshake",
        words.language,
        stage=translate(f"enum.stage.{handshake.stage}", words.language),
        objectives=len(children[JointObjective]),
        commitments=len(children[Commitment]),
        reviews=len(children[HandshakeReview]),
        events=len(children[HandshakeStageEvent]),
    )


_OWNED = (
    Stakeholder,
    Score,
    AccountYear,
    RevenueAmbition,
    RevenueLine,
    CustomerUnit,
    SwotItem,
    Competitor,
    Priority,
    Objective,
    Action,
    WhiteSpaceCell,
    Engagement,
    AccountPlan,
    Handshake,
    ChallengeSession,
)


def _analyse(session: Session, keep: Account, other: Account, words: _Words = _Words()) -> _Analysis:
    """Read both accounts' rows and find every pair of rows about the same thing."""
    found = _Analysis(keep=keep, other=other)
    rows = found.rows
    for model in _OWNED:
        rows[model] = _owned_rows(session, model, other.id)

    # scores
    theirs = {(row.criterion_id, row.period): row for row in rows[Score]}
    if theirs:
        criteria = dict(session.execute(select(Criterion.id, Criterion.name)).all())
        for row in _owned_rows(session, Score, keep.id, Score.criterion_id, Score.period):
            twin = theirs.get((row.criterion_id, row.period))
            if twin is None:
                continue
            equal = row.value == twin.value and _text_of(row.rationale) == _text_of(twin.rationale)
            conflict = (
                None
                if equal
                else Conflict(
                    f"score:{row.criterion_id}:{row.period}",
                    "score",
                    f"{criteria.get(row.criterion_id, row.criterion_id)}, {row.period}",
                    _score_summary(row, words),
                    _score_summary(twin, words),
                    SIDES,
                )
            )
            found.scores.append(_Pair(row, twin, conflict))

    # years
    theirs = {row.year: row for row in rows[AccountYear]}
    for row in _owned_rows(session, AccountYear, keep.id, AccountYear.year):
        twin = theirs.get(row.year)
        if twin is not None:
            found.years.append(
                _Pair(
                    row,
                    twin,
                    Conflict(
                        f"year:{row.year}",
                        "year",
                        str(row.year),
                        _year_summary(row, words),
                        _year_summary(twin, words),
                        (*SIDES, "both"),
                    ),
                )
            )

    # revenue ambitions, as years
    theirs = {row.year: row for row in rows[RevenueAmbition]}
    for row in _owned_rows(session, RevenueAmbition, keep.id, RevenueAmbition.year):
        twin = theirs.get(row.year)
        if twin is not None:
            found.ambitions.append(
                _Pair(
                    row,
                    twin,
                    Conflict(
                        f"ambition:{row.year}",
                        "ambition",
                        str(row.year),
                        words.money(row.amount),
                        words.money(twin.amount),
                        (*SIDES, "both"),
                    ),
                )
            )

    # plan
    found.other_plan = rows[AccountPlan][0] if rows[AccountPlan] else None
    found.keep_plan = session.execute(select(AccountPlan).where(AccountPlan.account_id == keep.id)).scalars().first()
    if found.keep_plan is not None and found.other_plan is not None:
        for name in PLAN_TEXT_FIELDS:
            mine_text, their_text = _text_of(getattr(found.keep_plan, name)), _text_of(getattr(found.other_plan, name))
            if not their_text or mine_text == their_text:
                continue
            if not mine_text:
                found.plan_fills.append(name)
            else:
                found.plan_texts[name] = Conflict(
                    f"plan:{name}", "plan_text", name, _short(mine_text), _short(their_text), (*SIDES, "both")
                )

    # handshake
    found.other_handshake = rows[Handshake][0] if rows[Handshake] else None
    found.keep_handshake = session.execute(select(Handshake).where(Handshake.account_id == keep.id)).scalars().first()
    other_children = _handshake_children(session, found.other_handshake)
    rows.update({model: other_children[model] for model in (JointObjective, Commitment, HandshakeReview)})
    if found.keep_handshake is not None and found.other_handshake is not None:
        found.handshake_conflict = Conflict(
            "handshake",
            "handshake",
            "handshake",
            _handshake_summary(found.keep_handshake, _handshake_children(session, found.keep_handshake), words),
            _handshake_summary(found.other_handshake, other_children, words),
            SIDES,
        )

    # customer units and white space cells
    if rows[CustomerUnit]:
        mine = _by_folded_name(_owned_rows(session, CustomerUnit, keep.id))
        for unit in rows[CustomerUnit]:
            target = mine.get(fold_name(unit.name))
            if target is not None:
                found.unit_targets[unit.id] = target
    if found.unit_targets:
        targets = {unit.id: unit for unit in found.unit_targets.values()}
        occupied = {
            (cell.unit_id, cell.offer_id): cell
            for cell in _all(
                session,
                select(WhiteSpaceCell).where(WhiteSpaceCell.unit_id.in_(list(targets))).order_by(WhiteSpaceCell.id),
            )
        }
        offers = dict(session.execute(select(Offer.id, Offer.name)).all())
        for cell in rows[WhiteSpaceCell]:
            target = found.unit_targets.get(cell.unit_id)
            mine_cell = occupied.get((target.id, cell.offer_id)) if target is not None else None
            if mine_cell is not None:
                found.cells.append(
                    _Pair(
                        mine_cell,
                        cell,
                        Conflict(
                            f"white_space:{fold_name(target.name)}:{cell.offer_id}",
                            "white_space",
                            f"{target.name} / {offers.get(cell.offer_id, cell.offer_id)}",
                            _cell_summary(mine_cell, words),
                            _cell_summary(cell, words),
                            SIDES,
                        ),
                    )
                )

    # competitors
    if rows[Competitor]:
        mine = _by_folded_name(_owned_rows(session, Competitor, keep.id))
        for row in rows[Competitor]:
            twin = mine.get(fold_name(row.name))
            if twin is not None:
                found.competitors.append(
                    _Pair(
                        twin,
                        row,
                        Conflict(
                            f"competitor:{fold_name(row.name)}",
                            "competitor",
                            twin.name,
                            _competitor_summary(twin, words),
                            _competitor_summary(row, words),
                            SIDES,
                        ),
                    )
                )

    # rows that follow their owner, and the other's children accounts
    stakeholder_ids = [row.id for row in rows[Stakeholder]]
    priority_ids = [row.id for row in rows[Priority]]
    rows[Pairing] = _all(
        session, select(Pairing).where(Pairing.stakeholder_id.in_(stakeholder_ids)).order_by(Pairing.id)
    )
    rows[ValueProposition] = _all(
        session,
        select(ValueProposition).where(ValueProposition.priority_id.in_(priority_ids)).order_by(ValueProposition.id),
    )
    rows[Account] = _all(
        session, select(Account).where(Account.parent_id == other.id, Account.id != keep.id).order_by(Account.id)
    )

    counted = {
        "stakeholders": Stakeholder,
        "pairings": Pairing,
        "scores": Score,
        "plan": AccountPlan,
        "priorities": Priority,
        "value_propositions": ValueProposition,
        "swot_items": SwotItem,
        "competitors": Competitor,
        "customer_units": CustomerUnit,
        "white_space_cells": WhiteSpaceCell,
        "objectives": Objective,
        "actions": Action,
        "handshake": Handshake,
        "joint_objectives": JointObjective,
        "commitments": Commitment,
        "reviews": HandshakeReview,
        "engagements": Engagement,
        "revenue_lines": RevenueLine,
        "years": AccountYear,
        "ambitions": RevenueAmbition,
        "child_accounts": Account,
    }
    found.moves = {kind: len(rows[counted[kind]]) for kind in MOVE_KINDS}
    return found


def merge_plan(session: Session, keep_id: int, other_id: int, language: str = "en") -> MergePlan:
    """What merging ``other_id`` into ``keep_id`` would do (see the module's docstring); writes nothing.
    The conflicts' summaries are written in ``language``. ValidationError other/same_account for one
    account twice, NotFoundError for a missing one."""
    _same_account(keep_id, other_id)
    keep, other = account_or_missing(session, keep_id), account_or_missing(session, other_id)
    found = _analyse(session, keep, other, _Words(language, load_programme(session).currency))
    return MergePlan(
        keep_id=keep.id,
        other_id=other.id,
        keep_name=keep.name,
        other_name=other.name,
        keep_version=keep.version,
        other_version=other.version,
        fields=_field_choices(session, keep, other),
        moves=dict(found.moves),
        conflicts=found.conflicts,
    )


# --- the merge ------------------------------------------------------------------------------------


def _check_winners(winners: dict[str, str]) -> tuple[dict[str, str], list[FieldError]]:
    errors, cleaned = [], {name: "keep" for name in FIELDS}
    for name, side in (winners or {}).items():
        if name not in FIELDS:
            errors.append(FieldError("winners", "choice", {"value": name, "choices": FIELDS}))
        elif side not in SIDES:
            errors.append(FieldError(name, "choice", {"value": side, "choices": SIDES}))
        else:
            cleaned[name] = side
    return cleaned, errors


def _check_resolutions(
    conflicts: tuple[Conflict, ...], resolutions: dict[str, str]
) -> tuple[dict[str, str], list[FieldError]]:
    errors, applied = [], {}
    for conflict in conflicts:
        choice = (resolutions or {}).get(conflict.key)
        if choice in conflict.options:
            applied[conflict.key] = choice
        else:
            errors.append(FieldError("conflict", "conflict_unresolved", {"value": conflict.label, "key": conflict.key}))
    return applied, errors


def _resolved_parent(keep: Account, other: Account, side: str) -> int | None:
    """The winner's parent, unless it is one of the two accounts: then the other side's, unless it
    is one of them too: then none."""
    winner, loser = (other, keep) if side == "other" else (keep, other)
    merged = (keep.id, other.id)
    if winner.parent_id not in merged:
        return winner.parent_id
    return loser.parent_id if loser.parent_id not in merged else None


def _is_under(session: Session, parent_id: int, merged: tuple[int, int]) -> bool:
    """Whether ``parent_id`` is (after the merge) under the merged account: its parent chain meets one
    of the two accounts (the other's children are the merged account's)."""
    seen, current = set(), parent_id
    while current is not None and current not in seen:
        if current in merged:
            return True
        seen.add(current)
        current = session.execute(select(Account.parent_id).where(Account.id == current)).scalar_one_or_none()
    return False


def _delete(session: Session, rows) -> None:
    """Delete, then flush: the ORM would otherwise run the updates of a flush before its deletes."""
    for row in rows:
        session.delete(row)
    session.flush()


def _move(rows, **values) -> None:
    for row in rows:
        assign_changed(row, values)


def _settle(session: Session, pairs: list[_Pair], choices: dict[str, str]) -> set[int]:
    """Delete the losing row of each pair: the surviving account's when "other" won, else the
    other's (equal rows, "keep", "both"). Returns the ids of the other's rows deleted."""
    losers, gone = {}, set()
    for pair in pairs:
        if pair.conflict is not None and choices[pair.conflict.key] == "other":
            losers[id(pair.keep)] = pair.keep
        else:
            losers[id(pair.other)] = pair.other
            gone.add(pair.other.id)
    _delete(session, losers.values())
    return gone


def _apply(session: Session, found: _Analysis, choices: dict[str, str]) -> None:
    keep, rows = found.keep, found.rows

    # scores
    gone = _settle(session, found.scores, choices)
    _move([row for row in rows[Score] if row.id not in gone], account_id=keep.id)

    # years: "both" adds the other's figures to the surviving row
    for pair in found.years:
        if choices[pair.conflict.key] == "both":
            mine, theirs = pair.keep, pair.other
            mine.revenue = (mine.revenue or 0.0) + (theirs.revenue or 0.0)
            spends = [spend for spend in (mine.category_spend, theirs.category_spend) if spend is not None]
            mine.category_spend = sum(spends) if spends else None
    gone = _settle(session, found.years, choices)
    _move([row for row in rows[AccountYear] if row.id not in gone], account_id=keep.id)
    session.flush()

    # revenue ambitions: "both" adds the other's amount to the surviving row
    for pair in found.ambitions:
        if choices[pair.conflict.key] == "both":
            pair.keep.amount = pair.keep.amount + pair.other.amount
    gone = _settle(session, found.ambitions, choices)
    _move([row for row in rows[RevenueAmbition] if row.id not in gone], account_id=keep.id)
    session.flush()

    # white space cells, then customer units
    gone = _settle(session, found.cells, choices)
    for cell in rows[WhiteSpaceCell]:
        if cell.id not in gone:
            target = found.unit_targets.get(cell.unit_id)
            _move([cell], account_id=keep.id, unit_id=target.id if target is not None else cell.unit_id)
    session.flush()
    _delete(session, [unit for unit in rows[CustomerUnit] if unit.id in found.unit_targets])
    _move([unit for unit in rows[CustomerUnit] if unit.id not in found.unit_targets], account_id=keep.id)

    # competitors
    gone = _settle(session, found.competitors, choices)
    _move([row for row in rows[Competitor] if row.id not in gone], account_id=keep.id)

    # priorities, ranked after the surviving account's
    last = session.execute(select(func.max(Priority.rank)).where(Priority.account_id == keep.id)).scalar() or 0
    for offset, row in enumerate(sorted(rows[Priority], key=lambda row: (row.rank, row.id)), start=1):
        _move([row], account_id=keep.id, rank=last + offset)

    # plan
    if found.other_plan is not None:
        if found.keep_plan is None:
            _move([found.other_plan], account_id=keep.id)
        else:
            for name in found.plan_fills:
                setattr(found.keep_plan, name, getattr(found.other_plan, name))
            for name, conflict in found.plan_texts.items():
                mine, theirs = _text_of(getattr(found.keep_plan, name)), _text_of(getattr(found.other_plan, name))
                choice = choices[conflict.key]
                if choice != "keep":
                    setattr(found.keep_plan, name, theirs if choice == "other" else f"{mine}\n\n{theirs}")
            _delete(session, [found.other_plan])

    # handshake
    if found.other_handshake is not None:
        if found.keep_handshake is None:
            _move([found.other_handshake], account_id=keep.id)
        else:
            winner, loser = found.keep_handshake, found.other_handshake
            if choices[found.handshake_conflict.key] == "other":
                winner, loser = loser, winner
            children = _handshake_children(session, loser)
            for model in (JointObjective, Commitment, HandshakeReview):
                _move(children[model], handshake_id=winner.id)
            session.flush()
            _delete(session, children[HandshakeStageEvent])
            _delete(session, [loser])
            _move([winner], account_id=keep.id)
    session.flush()

    # the rest moves as it is; the other's children accounts come under the surviving one
    for model in (Stakeholder, SwotItem, Objective, Action, Engagement, RevenueLine, ChallengeSession):
        _move(rows[model], account_id=keep.id)
    _move(rows[Account], parent_id=keep.id)
    session.flush()


def _check_left_behind(session: Session, keep: Account, other: Account) -> None:
    """A row added to the other account while the merge ran would go with it: refuse instead."""
    for model in _OWNED:
        left = session.execute(select(func.count()).select_from(model).where(model.account_id == other.id)).scalar_one()
        if left:
            raise ConflictError.of("account", other)
    children = session.execute(
        select(func.count()).select_from(Account).where(Account.parent_id == other.id, Account.id != keep.id)
    ).scalar_one()
    if children:
        raise ConflictError.of("account", other)


def _winning_values(keep: Account, other: Account, winners: dict[str, str], parent_id: int | None) -> dict:
    values = {name: getattr(other if winners[name] == "other" else keep, name) for name in FIELDS}
    values["parent_id"] = parent_id
    if parent_id is not None:
        values["group_name"] = None  # the group is the parent's
    values["name_key"] = fold_name(values["name"])
    # the customer entered the programme when the first of its two accounts did
    entries = [year for year in (keep.programme_since, other.programme_since) if year is not None]
    values["programme_since"] = min(entries) if entries else None
    return values


def _set_fields(keep: Account, values: dict) -> None:
    assign_changed(keep, values)
    keep.updated_at = utcnow()  # the account changed (it received rows): its version moves on


def merge_accounts(
    engine: Engine,
    keep_id: int,
    other_id: int,
    winners: dict[str, str],
    resolutions: dict[str, str],
    versions: tuple[int, int],
    backup: bool = True,
) -> MergeResult:
    """Merge ``other_id`` into ``keep_id`` in one transaction, then delete ``other_id``.

    ``winners``: account field -> "keep" | "other"; ``resolutions``: conflict key -> one of its
    options; ``versions``: (keep's, other's) as read with the plan. Raises (nothing written) as the
    module's docstring lists. Returns the rows taken over per kind, the resolutions applied and
    the copy of the database made first (None when none was made)."""
    access.require("editor")  # before the copy of the database: a refused merge makes none
    _same_account(keep_id, other_id)
    chosen, errors = _check_winners(winners)
    copy = None
    try:
        with session_scope(engine) as session:
            keep, other = account_or_missing(session, keep_id), account_or_missing(session, other_id)
            for record, expected in zip((keep, other), versions, strict=True):
                if record.version != expected:
                    raise ConflictError.of("account", record)
            found = _analyse(session, keep, other)
            applied, unresolved = _check_resolutions(found.conflicts, resolutions)
            errors += unresolved
            parent_id = _resolved_parent(keep, other, chosen["parent_id"])
            if parent_id is not None and _is_under(session, parent_id, (keep.id, other.id)):
                parent = session.get(Account, parent_id)
                errors.append(FieldError("parent_id", "group_cycle", {"value": parent.name if parent else parent_id}))
            if errors:
                raise ValidationError(errors)

            path = sqlite_path(engine.url.render_as_string(hide_password=False))
            if backup and path is not None and path.exists():
                copy = backup_sqlite(path, "before-merge")

            values = _winning_values(keep, other, chosen, parent_id)
            _apply(session, found, applied)
            _check_left_behind(session, keep, other)
            session.delete(other)
            session.flush()  # its name and CRM id are free from here on
            _set_fields(keep, values)
            session.flush()
            return MergeResult(keep_id=keep.id, moved=dict(found.moves), resolved=applied, backup=copy)
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("account") from exc
