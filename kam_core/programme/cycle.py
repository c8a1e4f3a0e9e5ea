"""The programme's yearly cycle (docs/method.md, "The yearly cycle and the budget"): the company's own
dates for the strategic plan and the budget, the programme's steps placed against them, and per account
in the programme what is due next and what is late.

**The calendar.** The director enters the company's two dates of this cycle, ``strategic_plan_on`` and
``budget_on``. Each step of the programme is placed a number of days from its anchor (its *offset*,
negative = before), the default unless the director changed it (``cycle_offsets``, JSON, "{}" = every
step at its default):

| step                   | anchor                   | default offset |
| ---------------------- | ------------------------ | -------------- |
| scoring workshop       | the strategic plan       | −90 days       |
| account plans due      | the strategic plan       | −45 days       |
| executive review       | the strategic plan       | −21 days       |
| handshakes presented   | the budget               | −30 days       |
| QBR of each quarter    | the quarter's last day   | −14 days       |

A step whose anchor date is not given is not placed (and the page says which date is missing).

**Per account** (the accounts in the programme, ``membership.programme_accounts``), three things are
followed, each *done*, *due* (not done, its date not passed) or *late* (not done, its date passed):

- **plan** — done when the account plan changed after the last cycle's plans-due date (this cycle's,
  one year earlier): a change is any write to the plan's sections (``PLAN_TABLES``, read from the audit
  trail, deletions included), on the programme's day it was made. Fixed on the strategy canvas.
- **handshake** — done when the account's handshake has been presented: it stands at *presented*,
  *agreed* or *in review*. Fixed on the handshake page.
- **qbr** — for the current quarter and the one before: done when a QBR (an engagement of kind
  ``qbr``) was held in that quarter, on or before today; due on the quarter's last day plus the QBR
  offset. The quarter before has ended: no QBR held in it is late. Fixed on the executive plan, where
  QBRs are planned and recorded.

Each line names the page that fixes it by its url path (``FIX_PAGES``, the ``url_path`` of a
``kam_core.ui.routes`` Route: this layer does not import the front end).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.common import clock
from kam_core.common.errors import FieldError
from kam_core.programme.periods import period_of, period_start, shift_period
from kam_core.programme.settings import read_programme_fields, save_programme_fields
from kam_core.store.frames import rows_frame
from kam_core.store.models import AuditEntry, Engagement, Handshake, HandshakeStageEvent

# --- the calendar ---------------------------------------------------------------------------------

COMPANY_DATES = ("strategic_plan_on", "budget_on")  # the Programme columns holding the company's dates
ANCHORED_STEPS = ("scoring_workshop", "plans_due", "executive_review", "handshakes_presented")
STEPS = (*ANCHORED_STEPS, "qbr")
ANCHORS = {
    "scoring_workshop": "strategic_plan_on",
    "plans_due": "strategic_plan_on",
    "executive_review": "strategic_plan_on",
    "handshakes_presented": "budget_on",
    "qbr": "quarter_end",
}
DEFAULT_OFFSETS = {
    "scoring_workshop": -90,
    "plans_due": -45,
    "executive_review": -21,
    "handshakes_presented": -30,
    "qbr": -14,
}
OFFSET_RANGES = {step: (-365, 365) for step in ANCHORED_STEPS} | {"qbr": (-60, 0)}  # a QBR stays in its quarter
DATE_RANGE = (date(1990, 1, 1), date(2100, 12, 31))  # the years the store takes elsewhere (start, budget years)
QUARTERS_AHEAD = 3  # the timeline shows the QBRs of the quarter before, this one and the next three
CALENDAR_FIELDS = (*COMPANY_DATES, "cycle_offsets")


def offset_field(step: str) -> str:
    """The field an offset's error names (``FieldError.field``): ``offset.plans_due``."""
    return f"offset.{step}"


@dataclass(frozen=True)
class Calendar:
    """The company's dates of this cycle and every step's offset (defaults filled in)."""

    strategic_plan_on: date | None = None
    budget_on: date | None = None
    offsets: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_OFFSETS))
    version: int = 0

    def anchor(self, step: str) -> date | None:
        return getattr(self, ANCHORS[step]) if step in ANCHORED_STEPS else None

    def on(self, step: str) -> date | None:
        """The date of an anchored step in this cycle, None when its anchor is not given."""
        anchor = self.anchor(step)
        return None if anchor is None else anchor + timedelta(days=self.offsets[step])

    def missing(self) -> list[str]:
        """The company dates not given (``COMPANY_DATES`` order): the steps placed against them wait."""
        return [name for name in COMPANY_DATES if getattr(self, name) is None]


def parse_offsets(text: str | None) -> dict[str, int]:
    """Every step's offset: what ``cycle_offsets`` holds for it, else its default. A text that is not a
    JSON object, or a value that is not a whole number within its range (a workbook edited by hand),
    reads as the default: the calendar is always drawn."""
    try:
        stored = json.loads(text or "{}")
    except (TypeError, ValueError):
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    offsets = dict(DEFAULT_OFFSETS)
    for step, value in stored.items():
        if step in offsets and _whole_in(value, *OFFSET_RANGES[step]):
            offsets[step] = int(value)
    return offsets


def offsets_text(offsets: dict) -> str:
    """``cycle_offsets`` as stored: only the offsets that differ from their default, keys sorted
    ("{}" when every step is at its default)."""
    changed = {step: offsets[step] for step in STEPS if step in offsets and offsets[step] != DEFAULT_OFFSETS[step]}
    return json.dumps(changed, sort_keys=True)


def read_calendar(session: Session) -> Calendar:
    values = read_programme_fields(session, CALENDAR_FIELDS)
    return Calendar(
        values["strategic_plan_on"], values["budget_on"], parse_offsets(values["cycle_offsets"]), values["version"]
    )


def _whole_in(value, low: int, high: int) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return isinstance(value, int) and low <= value <= high


def validate_calendar(values: dict) -> list[FieldError]:
    """The company's dates (a date between 1990 and 2100, or none) and the offsets (each step's, a
    whole number of days within ``OFFSET_RANGES``), each error naming its field."""
    errors = []
    low, high = DATE_RANGE
    for name in COMPANY_DATES:
        value = values.get(name)
        if value is None:
            continue
        if not isinstance(value, date) or isinstance(value, datetime):
            errors.append(FieldError(name, "not_a_date", {"value": value}))
        elif not low <= value <= high:
            errors.append(FieldError(name, "integer_range", {"value": value.year, "min": low.year, "max": high.year}))
    try:
        offsets = json.loads(values.get("cycle_offsets") or "{}")
    except (TypeError, ValueError):
        offsets = None
    if not isinstance(offsets, dict):
        return [*errors, FieldError("cycle_offsets", "number_format", {"value": values.get("cycle_offsets")})]
    for step in STEPS:
        if step in offsets:
            value = offsets[step]
            low_days, high_days = OFFSET_RANGES[step]
            if not _whole_in(value, low_days, high_days):
                errors.append(
                    FieldError(offset_field(step), "integer_range", {"value": value, "min": low_days, "max": high_days})
                )
    return errors


def calendar_values(strategic_plan_on, budget_on, offsets: dict) -> dict:
    """The Programme columns a calendar form saves: the dates as given, the offsets as stored
    (``offsets_text``; a value that is not a number is kept as typed, for the validation to name)."""
    return {"strategic_plan_on": strategic_plan_on, "budget_on": budget_on, "cycle_offsets": offsets_text(offsets)}


def save_calendar(engine, strategic_plan_on, budget_on, offsets: dict, expected_version: int) -> Calendar:
    """Validate, then save the company's dates and the offsets whole or not at all (version checked,
    audited: ``settings.save_programme_fields``)."""
    saved = save_programme_fields(
        engine, calendar_values(strategic_plan_on, budget_on, offsets), expected_version, validate_calendar
    )
    return Calendar(
        saved["strategic_plan_on"], saved["budget_on"], parse_offsets(saved["cycle_offsets"]), saved["version"]
    )


# --- the calendar's milestones --------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    key: str  # a company date (strategic_plan_on, budget_on) or a step (STEPS)
    kind: str  # "company", "programme" or "qbr"
    on: date
    period: str | None = None  # the quarter, for a QBR


def quarter_end(period: str) -> date:
    return period_start(shift_period(period, 1)) - timedelta(days=1)


def qbr_due(calendar: Calendar, period: str) -> date:
    return quarter_end(period) + timedelta(days=calendar.offsets["qbr"])


def milestones(calendar: Calendar, today: date) -> list[Milestone]:
    """The cycle in date order: the company's dates, the programme's steps placed against them, and the
    QBR due date of the quarter before, this quarter and the next ``QUARTERS_AHEAD``."""
    found = [Milestone(name, "company", getattr(calendar, name)) for name in COMPANY_DATES]
    found += [Milestone(step, "programme", calendar.on(step)) for step in ANCHORED_STEPS]
    current = period_of(today)
    for shift in range(-1, QUARTERS_AHEAD + 1):
        period = shift_period(current, shift)
        found.append(Milestone("qbr", "qbr", qbr_due(calendar, period), period))
    placed = [milestone for milestone in found if milestone.on is not None]
    order = {key: index for index, key in enumerate((*COMPANY_DATES, *STEPS))}
    return sorted(placed, key=lambda milestone: (milestone.on, order[milestone.key]))


# --- per account: what is due, what is late ----------------------------------------------------------

ITEMS = ("plan", "handshake", "qbr")
STATUSES = ("late", "due", "done")
# the page that fixes each item: the url_path of its kam_core.ui.routes Route (CANVAS, HANDSHAKE, EXECUTIVE_PLAN)
FIX_PAGES = {"plan": "canvas", "handshake": "handshake", "qbr": "executive-plan"}
PRESENTED_STAGES = ("presented", "agreed", "in_review")
QBR_KIND = "qbr"
# the account plan's sections: a write to any of them is a change of the plan (the key figures' revenue,
# imported for every account at once, is not: it is data about the account, not the KAM's plan)
PLAN_TABLES = (
    "account_plan",
    "priority",
    "value_proposition",
    "swot_item",
    "competitor",
    "stakeholder",
    "customer_unit",
    "white_space_cell",
    "objective",
    "action",
    "revenue_ambition",
)
LINE_COLUMNS = [
    "account_id",
    "name",
    "kam",
    "item",
    "period",
    "due_on",
    "status",
    "since",
    "planned_on",
    "days_late",
    "fix",
]


@dataclass(frozen=True)
class CycleFacts:
    """What the per-account rules read from the store, as plain frames."""

    plan_changed: pd.DataFrame  # account_id, changed_on (the programme's day of the plan's last change)
    handshakes: pd.DataFrame  # account_id, stage, presented_on (the last day it reached "presented", or None)
    qbrs: pd.DataFrame  # account_id, on_date, status (held or planned), period: QBRs of the quarters followed


def programme_day(moment: datetime) -> date:
    """The programme's day of a stored time (UTC; naive read as UTC): in KAM_TIMEZONE, else the server's."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    zone = clock.programme_zone()
    return moment.astimezone(zone).date() if zone is not None else moment.astimezone().date()


def followed_quarters(today: date) -> tuple[str, str]:
    """(the quarter before, this quarter): the quarters whose QBR is followed."""
    current = period_of(today)
    return shift_period(current, -1), current


def read_cycle_facts(session: Session, today: date) -> CycleFacts:
    """Every account's facts (one grouped query each): the caller keeps those of the programme."""
    audit = AuditEntry.__table__
    changed = session.execute(
        select(audit.c.account_id, func.max(audit.c.at))
        .where(audit.c.table_name.in_(PLAN_TABLES), audit.c.account_id.is_not(None))
        .group_by(audit.c.account_id)
    ).all()
    plan_changed = rows_frame(
        [(account_id, programme_day(at)) for account_id, at in changed], ["account_id", "changed_on"]
    )
    presented = (
        select(Handshake.account_id, func.max(HandshakeStageEvent.reached_on))
        .join(HandshakeStageEvent, HandshakeStageEvent.handshake_id == Handshake.id)
        .where(HandshakeStageEvent.stage == "presented")
        .group_by(Handshake.account_id)
    )
    presented_on = dict(session.execute(presented).all())
    stages = session.execute(select(Handshake.account_id, Handshake.stage)).all()
    handshakes = rows_frame(
        [(account_id, stage, presented_on.get(account_id)) for account_id, stage in stages],
        ["account_id", "stage", "presented_on"],
    )
    before, current = followed_quarters(today)
    start, end = period_start(before), quarter_end(current)
    qbr_rows = session.execute(
        select(Engagement.account_id, Engagement.on_date, Engagement.status).where(
            Engagement.kind == QBR_KIND,
            Engagement.status.in_(("held", "planned")),
            Engagement.on_date >= start,
            Engagement.on_date <= end,
        )
    ).all()
    qbrs = rows_frame([(a, d, s, period_of(d)) for a, d, s in qbr_rows], ["account_id", "on_date", "status", "period"])
    return CycleFacts(plan_changed, handshakes, qbrs)


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: the 28th the year before
        return day.replace(year=day.year - 1, day=28)


def _status(done: pd.Series, due_on: date, today: date) -> pd.Series:
    return pd.Series(
        ["done" if is_done else ("late" if today > due_on else "due") for is_done in done],
        index=done.index,
        dtype=object,
    )


def _lines(accounts: pd.DataFrame, item: str, due_on: date, done: pd.Series, since: pd.Series, today: date, **extra):
    status = _status(done.fillna(False).astype(bool), due_on, today)
    return pd.DataFrame(
        {
            "account_id": accounts["account_id"].astype(int),
            "name": accounts["name"],
            "kam": accounts["kam"],
            "item": item,
            "period": extra.get("period"),
            "due_on": due_on,
            "status": status,
            "since": since.astype(object).where(since.notna(), None),
            "planned_on": extra.get("planned_on", pd.Series(None, index=accounts.index, dtype=object)),
            "days_late": [(today - due_on).days if value == "late" else 0 for value in status],
            "fix": FIX_PAGES[item],
        },
        index=accounts.index,
    )


def account_lines(accounts: pd.DataFrame, facts: CycleFacts, calendar: Calendar, today: date) -> pd.DataFrame:
    """One line per account in the programme (``accounts``: account_id, name, kam) and item followed
    (``LINE_COLUMNS``): the plan and the handshake when their step is placed, the QBR of the quarter
    before and of this quarter. ``status`` late, due or done; ``days_late`` 0 unless late; ``since`` the
    plan's last change, the day the handshake was presented, or the day a QBR was held; ``planned_on``
    the QBR planned in the quarter (not yet held); ``fix`` the url path of the page that fixes it."""
    accounts = accounts[["account_id", "name", "kam"]].reset_index(drop=True)
    ids = accounts["account_id"].astype(int)
    parts = []
    plans_due = calendar.on("plans_due")
    if plans_due is not None:
        changed = ids.map(dict(zip(facts.plan_changed["account_id"], facts.plan_changed["changed_on"])))
        last_cycle = _a_year_before(plans_due)
        done = changed.map(lambda day: day is not None and day == day and day > last_cycle)
        parts.append(_lines(accounts, "plan", plans_due, done, changed, today))
    presented_by = calendar.on("handshakes_presented")
    if presented_by is not None:
        stage = ids.map(dict(zip(facts.handshakes["account_id"], facts.handshakes["stage"])))
        presented = ids.map(dict(zip(facts.handshakes["account_id"], facts.handshakes["presented_on"])))
        done = stage.isin(PRESENTED_STAGES)
        parts.append(_lines(accounts, "handshake", presented_by, done, presented.where(done), today))
    qbrs = facts.qbrs
    for period in followed_quarters(today):
        in_quarter = qbrs[qbrs["period"] == period] if len(qbrs) else qbrs
        held = in_quarter[(in_quarter["status"] == "held") & (in_quarter["on_date"] <= today)]
        held_on = held.groupby("account_id")["on_date"].max().to_dict() if len(held) else {}
        planned = in_quarter[(in_quarter["status"] == "planned") & (in_quarter["on_date"] >= today)]
        planned_on = planned.groupby("account_id")["on_date"].min().to_dict() if len(planned) else {}
        held_day = ids.map(held_on)
        parts.append(
            _lines(
                accounts,
                "qbr",
                qbr_due(calendar, period),
                held_day.notna(),
                held_day,
                today,
                period=period,
                planned_on=ids.map(planned_on).astype(object).where(ids.map(planned_on).notna(), None),
            )
        )
    if not parts:
        return pd.DataFrame(columns=LINE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[LINE_COLUMNS]


def late(lines: pd.DataFrame) -> pd.DataFrame:
    """The late lines in the order the budget needs them: plans, then handshakes, then QBRs (``ITEMS``),
    each the longest late first (then by account name)."""
    found = lines[lines["status"] == "late"]
    order = found["item"].map({item: rank for rank, item in enumerate(ITEMS)})
    return (
        found.assign(_order=order)
        .sort_values(["_order", "days_late", "name"], ascending=[True, False, True], kind="stable")
        .drop(columns="_order")
    )


def due_next(lines: pd.DataFrame) -> pd.DataFrame:
    """Per account, its next line due (the earliest date not passed and not done), soonest first."""
    found = lines[lines["status"] == "due"].sort_values(["due_on", "name", "item"], kind="stable")
    return found.drop_duplicates("account_id", keep="first")


@dataclass(frozen=True)
class ItemCount:
    item: str
    period: str | None
    done: int
    due: int
    late: int

    @property
    def total(self) -> int:
        return self.done + self.due + self.late


def counts(lines: pd.DataFrame) -> list[ItemCount]:
    """Per item (and quarter, for QBRs), how many accounts have it done, due and late."""
    found = []
    if lines.empty:
        return found
    for (item, period), group in lines.groupby(["item", lines["period"].fillna("")], sort=False):
        tally = group["status"].value_counts()
        found.append(
            ItemCount(
                item, period or None, int(tally.get("done", 0)), int(tally.get("due", 0)), int(tally.get("late", 0))
            )
        )
    return found
