"""The programme's targets (docs/method.md, "The programme's targets"): the ambition the company
sets for its key accounts, and the targets that say whether the programme gets there.

A target has a baseline (value, year) and a target (value, year); its *actual* per year is either
computed from the data (one of the six ready-made metrics below) or typed by the programme director
(a custom target, ``TargetActual`` rows).

**The accounts measured** are the accounts in the programme today
(``membership.programme_accounts``: active and Strategic in the current period, or entered by hand),
the same accounts for every year, so that a trend compares like with like.

**The ready-made metrics** (``READY_MADE``), each with its formula in the catalog
(``targets.formula.<metric>``, shown with the ⓘ):

- ``strategic_revenue_share`` (%, each closed year with revenue): Σ revenue(Y) of the programme's
  accounts ÷ Σ revenue(Y) of every account not archived × 100 (none when that total is 0);
- ``strategic_growth_ratio`` (×, each closed year with revenue the year before): growth(Y) ÷ the
  programme's organic growth (%), where growth(Y) = (Σ revenue(Y) ÷ Σ revenue(Y−1) − 1) × 100 over the
  programme's accounts with revenue recorded in both years (none when the organic growth is not above
  zero, or Σ revenue(Y−1) is 0);
- ``handshake_coverage`` (%, from the year of the first stage move recorded to the current year):
  programme accounts whose handshake stood at *agreed* or later at the end of Y (today for the
  current year) ÷ programme accounts × 100;
- ``sponsor_coverage`` (%, the current year only): programme accounts with an executive sponsor ÷
  programme accounts × 100;
- ``plans_filled`` (%, the current year only): the mean plan completeness (``canvas.completeness``)
  of the programme's accounts;
- ``strategic_per_kam`` (the current year only): programme accounts with a KAM ÷ the KAMs carrying them.

Closed years are those before the current one (``overview.reference_year`` and before): the current
year's revenue is not complete. A handshake's stage at a date is the stage of its last move
(``HandshakeStageEvent``) on or before that date, moves back included.

**The status rule** (``status``): the straight line from the baseline (baseline year, baseline value)
to the target (target year, target value) says where the actual should be each year:
``expected(Y) = baseline + (target − baseline) × (Y − baseline year) ÷ (target year − baseline year)``,
with Y held between the two years. The latest actual (the one of the latest year) decides:

- *achieved* when it has reached the target: ≥ target for a target above its baseline, ≤ target
  for a target below it (the target is reached going down);
- *on track* when it is on the line or beyond it, in the target's direction: ≥ expected(Y) going up,
  ≤ expected(Y) going down;
- *behind* otherwise (a target year passed and the target not reached is behind);
- *no actual* when no year has an actual yet.

**Writes** validate first (every problem named by its field and what is allowed, see
``validate_target`` and ``validate_actuals``), check the version read, and write whole or nothing;
the store's audit trail records each row; the targets and their actuals are the admin's tables
(``access.ADMIN_TABLES``). The ambition texts are two columns of the programme row, saved through
``settings.save_programme_fields``.

| what      | rule (error code {params})                                                                   |
| --------- | -------------------------------------------------------------------------------------------- |
| metric    | one of ``TARGET_METRICS`` (choice {value})                                                   |
| name      | 1 to 120 characters (text_length {min, max}), no NUL (text_nul)                               |
| unit      | custom targets: 0 to 24 characters (text_length); a ready-made one takes its metric's unit     |
| values    | required (required), a number (number_format {value}), a percentage from 0 to 100 and the    |
|           | others within ``VALUE_RANGES`` (number_range {min, max, value}); the target differs from the |
|           | baseline (target_equals_baseline {baseline})                                                 |
| years     | baseline year 1990 to 2100; target year after the baseline year, to 2100 (integer_range)     |
| actuals   | year 1990 to 2100 (integer_range), once per target (duplicate_year), value a number          |
| ambition  | each text at most 2,000 characters (text_length), no NUL (text_nul); blank is none           |
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.account.handshake import is_agreed
from kam_core.common import formatting as fmt
from kam_core.common.cells import Column, Refused, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.portfolio.overview import reference_year
from kam_core.programme.membership import programme_accounts, with_programme_since
from kam_core.programme.settings import read_programme_fields, save_programme_fields
from kam_core.store.db import session_scope
from kam_core.store.frames import rows_frame
from kam_core.store.models import (
    TARGET_METRICS,
    Account,
    AccountYear,
    Handshake,
    HandshakeStageEvent,
    ProgrammeTarget,
    TargetActual,
)

CUSTOM = "custom"
READY_MADE = tuple(metric for metric in TARGET_METRICS if metric != CUSTOM)
YEARLY = ("strategic_revenue_share", "strategic_growth_ratio", "handshake_coverage")  # a value per year
UNITS = {
    "strategic_revenue_share": "%",
    "strategic_growth_ratio": "×",
    "handshake_coverage": "%",
    "sponsor_coverage": "%",
    "plans_filled": "%",
    "strategic_per_kam": "",
}
# What a ready-made metric's baseline and target may be; a custom target takes any number.
VALUE_RANGES = {
    "strategic_revenue_share": (0, 100),
    "strategic_growth_ratio": (-100, 100),
    "handshake_coverage": (0, 100),
    "sponsor_coverage": (0, 100),
    "plans_filled": (0, 100),
    "strategic_per_kam": (0, 1000),
}
DIGITS = {"%": 1, "×": 2, "": 1}  # the decimals a proposed value keeps, by unit
STATUSES = ("achieved", "on_track", "behind", "no_actual")
YEAR_MIN, YEAR_MAX = 1990, 2100
NAME_MAX, UNIT_MAX, AMBITION_MAX = 120, 24, 2000
AMBITION_FIELDS = ("ambition", "final_ambition")
TARGET_FIELDS = ("metric", "name", "unit", "baseline_value", "baseline_year", "target_value", "target_year")
BOOK_GROWTH_RATIO = 2.0  # the book: key accounts growing at about twice the company's organic growth


# --- the metrics, computed from the data --------------------------------------------------------


@dataclass(frozen=True)
class MetricInputs:
    """What the six metrics are computed from (plain frames: the tests build them by hand).

    ``accounts``: every account not archived: ``account_id``, ``member`` (in the programme today),
    ``sponsored`` (an executive sponsor), ``completeness_pct`` (0-100), ``kam_id`` (None: no KAM).
    ``revenue``: ``account_id``, ``year``, ``revenue`` (``AccountYear``). ``stages``: ``account_id``,
    ``stage``, ``reached_on``, in the order the moves were made."""

    accounts: pd.DataFrame
    revenue: pd.DataFrame
    stages: pd.DataFrame
    organic_growth_pct: float
    today: date


def metric_series(inputs: MetricInputs) -> dict[str, dict[int, float]]:
    """Each ready-made metric's value per year ({metric: {year: value}}), years with no value left out."""
    members = inputs.accounts[inputs.accounts["member"].astype(bool)]
    year = inputs.today.year
    return {
        "strategic_revenue_share": revenue_share(inputs.accounts, inputs.revenue, inputs.today),
        "strategic_growth_ratio": growth_ratio(members, inputs.revenue, inputs.organic_growth_pct, inputs.today),
        "handshake_coverage": handshake_coverage(members, inputs.stages, inputs.today),
        "sponsor_coverage": _only(year, _share(int(members["sponsored"].astype(bool).sum()), len(members))),
        "plans_filled": _only(year, _mean(members["completeness_pct"])),
        "strategic_per_kam": _only(year, per_kam(members)),
    }


def _only(year: int, value: float | None) -> dict[int, float]:
    return {} if value is None else {year: value}


def _share(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _mean(values: pd.Series) -> float | None:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.mean()) if len(values) else None


def _closed(revenue: pd.DataFrame, today: date) -> pd.DataFrame:
    return revenue[revenue["year"] <= reference_year(today)]


def revenue_share(accounts: pd.DataFrame, revenue: pd.DataFrame, today: date) -> dict[int, float]:
    """Share (%) of each closed year's revenue, over the accounts not archived, made with the members."""
    live = set(accounts["account_id"])
    members = set(accounts.loc[accounts["member"].astype(bool), "account_id"])
    rows = _closed(revenue, today)
    rows = rows[rows["account_id"].isin(live)]
    result = {}
    for year, group in rows.groupby("year"):
        value = _share(
            float(group.loc[group["account_id"].isin(members), "revenue"].sum()), float(group["revenue"].sum())
        )
        if value is not None:
            result[int(year)] = value
    return result


def growth_ratio(members: pd.DataFrame, revenue: pd.DataFrame, organic_growth_pct: float, today: date) -> dict:
    """Each closed year's growth (%) of the members with revenue recorded that year and the year before,
    divided by the organic growth (%); nothing when the organic growth is not above zero."""
    if not organic_growth_pct or organic_growth_pct <= 0:
        return {}
    rows = _closed(revenue, today)
    rows = rows[rows["account_id"].isin(set(members["account_id"]))]
    by_year = {int(year): dict(zip(group["account_id"], group["revenue"])) for year, group in rows.groupby("year")}
    result = {}
    for year, now in sorted(by_year.items()):
        before = by_year.get(year - 1)
        if not before:
            continue
        both = set(now) & set(before)
        previous = sum(float(before[account]) for account in both)
        if not both or previous <= 0:
            continue
        growth = 100.0 * (sum(float(now[account]) for account in both) / previous - 1.0)
        result[year] = growth / organic_growth_pct
    return result


def handshake_coverage(members: pd.DataFrame, stages: pd.DataFrame, today: date) -> dict[int, float]:
    """Share (%) of the members whose handshake stood at agreed or later at the end of each year, from
    the year of the first stage move recorded to the current year (its value: as of today)."""
    if stages.empty or members.empty:
        return {}
    mine = stages["account_id"].isin(set(members["account_id"]))
    moves, days = stages[mine], pd.to_datetime(stages.loc[mine, "reached_on"])
    first = int(pd.to_datetime(stages["reached_on"]).min().year)
    result = {}
    for year in range(first, today.year + 1):
        reached = moves[days <= pd.Timestamp(min(date(year, 12, 31), today))]
        last = reached.groupby("account_id", sort=False)["stage"].last()  # moves are in the order made
        result[year] = _share(int(last.map(is_agreed).sum()), len(members))
    return result


def per_kam(members: pd.DataFrame) -> float | None:
    """Members with a KAM ÷ the KAMs carrying them; none when no member has a KAM."""
    carried = members["kam_id"].dropna()
    kams = carried.nunique()
    return float(len(carried)) / kams if kams else None


def read_metric_inputs(session: Session, table: pd.DataFrame, today: date) -> MetricInputs:
    """The inputs of ``metric_series``, from ``overview.account_table``'s frame and the store."""
    programme = read_programme_fields(session, ("start_year", "organic_growth_pct"))
    table = with_programme_since(session, table)
    member_ids = set(programme_accounts(table, programme["start_year"])["account_id"])
    live = table[table["status"] != "archived"]
    kams = dict(session.execute(select(Account.id, Account.kam_id)).all())
    accounts = pd.DataFrame(
        {
            "account_id": live["account_id"].astype(int),
            "member": live["account_id"].isin(member_ids),
            "sponsored": live["sponsor_id"].notna(),
            "completeness_pct": live["completeness_pct"],
            "kam_id": [kams.get(int(account)) for account in live["account_id"]],
        }
    )
    revenue = rows_frame(
        session.execute(select(AccountYear.account_id, AccountYear.year, AccountYear.revenue)).all(),
        ["account_id", "year", "revenue"],
    )
    stages = rows_frame(
        session.execute(
            select(Handshake.account_id, HandshakeStageEvent.stage, HandshakeStageEvent.reached_on)
            .join(Handshake, Handshake.id == HandshakeStageEvent.handshake_id)
            .order_by(HandshakeStageEvent.reached_on, HandshakeStageEvent.id)
        ).all(),
        ["account_id", "stage", "reached_on"],
    )
    return MetricInputs(accounts, revenue, stages, float(programme["organic_growth_pct"]), today)


# --- the status rule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A target's straight line: from (baseline_year, baseline_value) to (target_year, target_value)."""

    baseline_value: float
    baseline_year: int
    target_value: float
    target_year: int

    @property
    def rising(self) -> bool:
        return self.target_value > self.baseline_value

    def expected(self, year: int) -> float:
        """Where the actual should be in ``year`` (held between the baseline and the target years)."""
        span = self.target_year - self.baseline_year
        progress = min(max((year - self.baseline_year) / span, 0.0), 1.0)
        return self.baseline_value + (self.target_value - self.baseline_value) * progress


def _at_least(value: float, bound: float, scale: float) -> bool:
    return value >= bound - 1e-9 * max(1.0, abs(scale))  # on the line counts, whatever float rounding did


def status(line: Line, latest: tuple[int, float] | None) -> str:
    """achieved / on_track / behind by the straight line (see the module's docstring); no_actual
    when there is no actual. ``latest`` is (year, value) of the latest year with an actual."""
    if latest is None:
        return "no_actual"
    year, value = latest
    sign = 1.0 if line.rising else -1.0  # going down: the same comparisons on the values negated
    scale = line.target_value - line.baseline_value
    if _at_least(sign * value, sign * line.target_value, scale):
        return "achieved"
    if _at_least(sign * value, sign * line.expected(year), scale):
        return "on_track"
    return "behind"


# --- the targets as the page shows them ---------------------------------------------------------


@dataclass(frozen=True)
class ActualRow:
    id: int
    version: int
    year: int
    value: float


@dataclass(frozen=True)
class TargetView:
    id: int
    version: int
    metric: str
    name: str
    unit: str
    line: Line
    position: int
    actuals: tuple[tuple[int, float], ...]  # (year, value), oldest first: computed, or typed (custom)
    rows: tuple[ActualRow, ...] = ()  # a custom target's typed actuals, to edit
    status: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", status(self.line, self.latest))

    @property
    def latest(self) -> tuple[int, float] | None:
        return self.actuals[-1] if self.actuals else None

    @property
    def expected(self) -> float | None:
        """Where the line stands in the latest actual's year."""
        return self.line.expected(self.latest[0]) if self.actuals else None


@dataclass(frozen=True)
class TargetBoard:
    """Everything the page shows about the targets: each target with its status, and the metrics."""

    targets: tuple[TargetView, ...]
    series: dict[str, dict[int, float]]
    start_year: int | None
    horizon_years: int
    organic_growth_pct: float
    accounts_per_kam: int
    members: int  # accounts in the programme today
    year: int  # the current year

    def counts(self) -> dict[str, int]:
        return {code: sum(target.status == code for target in self.targets) for code in STATUSES}


def read_targets(session: Session, series: dict[str, dict[int, float]]) -> tuple[TargetView, ...]:
    """Every target in its order (``position``, then id), with its actuals: the metric's values, or
    the typed ones of a custom target."""
    typed: dict[int, list[ActualRow]] = {}
    for row in session.execute(select(TargetActual).order_by(TargetActual.year)).scalars():
        typed.setdefault(row.target_id, []).append(ActualRow(row.id, row.version, row.year, row.value))
    views = []
    for row in session.execute(
        select(ProgrammeTarget).order_by(ProgrammeTarget.position, ProgrammeTarget.id)
    ).scalars():
        rows = tuple(typed.get(row.id, ())) if row.metric == CUSTOM else ()
        actuals = (
            tuple((actual.year, actual.value) for actual in rows)
            if row.metric == CUSTOM
            else tuple(sorted(series.get(row.metric, {}).items()))
        )
        views.append(
            TargetView(
                row.id,
                row.version,
                row.metric,
                row.name,
                row.unit,
                Line(row.baseline_value, row.baseline_year, row.target_value, row.target_year),
                row.position,
                actuals,
                rows,
            )
        )
    return tuple(views)


def target_board(session: Session, table: pd.DataFrame, today: date) -> TargetBoard:
    """The targets and the metrics, from ``overview.account_table``'s frame and the store."""
    inputs = read_metric_inputs(session, table, today)
    series = metric_series(inputs)
    programme = read_programme_fields(session, ("start_year", "horizon_years", "accounts_per_kam"))
    return TargetBoard(
        targets=read_targets(session, series),
        series=series,
        start_year=programme["start_year"],
        horizon_years=programme["horizon_years"],
        organic_growth_pct=inputs.organic_growth_pct,
        accounts_per_kam=programme["accounts_per_kam"],
        members=int(inputs.accounts["member"].astype(bool).sum()),
        year=today.year,
    )


def format_value(value: float | None, unit: str, language: str) -> str:
    """A target's value as it reads: '85.8%', '3.72×', '2.4', or the number and a custom unit
    ('12 k€'). The unit is the user's text: a page shows the result through ``md``."""
    if value is None:
        return fmt.MISSING
    if unit == "%":
        return fmt.percent(value, language, digits=DIGITS["%"])
    if unit == "×":
        return fmt.number(round(value, DIGITS["×"]), language) + "×"
    text = fmt.number(value, language)
    return f"{text}\u00a0{unit}" if unit else text


# --- a ready-made target proposed from the data ------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    metric: str
    baseline_value: float | None  # None: the data has no value for this metric yet
    baseline_year: int
    target_value: float | None
    target_year: int


def propose(board: TargetBoard, metric: str) -> Proposal:
    """A ready-made target as the data suggests it: the baseline is the metric's value in the year
    before the programme started (its start year − 1) when the data has it, else its first year
    with a value after that, else its latest; the target year is the programme's last year (start
    year + horizon − 1), else three years after the baseline; the target value is the book's
    benchmark where there is one (growth ×2; coverages and plans 100%; the programme's accounts per
    KAM), else ten points above the baseline (revenue share); none (the director types it) when the
    data is at or beyond the benchmark already, or (revenue share) has no baseline."""
    values = board.series.get(metric, {})
    wanted = board.start_year - 1 if board.start_year else None
    years = sorted(values)
    if wanted is not None and any(year >= wanted for year in years):
        baseline_year = next(year for year in years if year >= wanted)
    else:
        baseline_year = years[-1] if years else (wanted or board.year)
    digits = DIGITS[UNITS[metric]]
    baseline = round(values[baseline_year], digits) if baseline_year in values else None
    last = board.start_year + board.horizon_years - 1 if board.start_year else None
    target_year = last if last and last > baseline_year else baseline_year + 3
    target = {
        "strategic_growth_ratio": BOOK_GROWTH_RATIO,
        "handshake_coverage": 100.0,
        "sponsor_coverage": 100.0,
        "plans_filled": 100.0,
        "strategic_per_kam": float(board.accounts_per_kam),
        "strategic_revenue_share": None if baseline is None else min(100.0, round(baseline + 10.0, digits)),
    }[metric]
    if metric != "strategic_per_kam" and baseline is not None and target is not None and target <= baseline:
        target = None  # the data is there already: the director says how much further
    if target is not None and baseline is not None and target == baseline:
        target = None
    return Proposal(metric, baseline, baseline_year, target, target_year)


# --- writes: validation -------------------------------------------------------------------------

_NAME = Column("name", "text", required=True, max_length=NAME_MAX)
_UNIT = Column("unit", "text", max_length=UNIT_MAX)
_BASELINE_YEAR = Column("baseline_year", "int", required=True, minimum=YEAR_MIN, maximum=YEAR_MAX)
_YEAR = Column("year", "int", required=True, minimum=YEAR_MIN, maximum=YEAR_MAX)


def _refusal(name: str, raw, refused: Refused, **extra) -> FieldError:
    params = {**refused.params, **extra}
    if refused.code not in ("required", "text_nul", "text_length"):
        params["value"] = plain(raw) if not isinstance(raw, str) else raw.strip()
    return FieldError(name, refused.code, params)


def _cell(column: Column, raw, errors: list[FieldError], name: str | None = None, **extra):
    try:
        return normalise(column, raw)
    except Refused as refused:
        errors.append(_refusal(name or column.name, raw, refused, **extra))
        return None


def _value(name: str, raw, metric: str, errors: list[FieldError], **extra) -> float | None:
    """A baseline, target or actual value: required, a number, within the metric's range."""
    low, high = VALUE_RANGES.get(metric, (None, None))
    try:
        return normalise(Column(name, "float", required=True, minimum=low, maximum=high), raw)
    except Refused as refused:
        if refused.code == "number_range" and low is None:  # any number: what was typed is not one
            refused = Refused("number_format")
        errors.append(_refusal(name, raw, refused, **extra))
        return None


def validate_target(values: dict, metric: str | None = None) -> tuple[dict, list[FieldError]]:
    """The target as it will be stored (``TARGET_FIELDS``) and every problem found, in the form's
    order. ``metric`` is the stored one when editing (a target keeps its metric); a ready-made
    target takes its metric's unit, whatever was typed."""
    errors: list[FieldError] = []
    metric = metric or values.get("metric")
    if metric not in TARGET_METRICS:
        errors.append(FieldError("metric", "choice", {"value": plain(metric)}))
    cleaned = {"metric": metric, "name": _cell(_NAME, values.get("name"), errors)}
    unit = _cell(_UNIT, values.get("unit"), errors) if metric == CUSTOM else UNITS.get(metric, "")
    cleaned["unit"] = unit or ""
    cleaned["baseline_value"] = _value("baseline_value", values.get("baseline_value"), metric, errors)
    cleaned["baseline_year"] = _cell(_BASELINE_YEAR, values.get("baseline_year"), errors)
    cleaned["target_value"] = _value("target_value", values.get("target_value"), metric, errors)
    first = (cleaned["baseline_year"] or YEAR_MIN - 1) + 1
    target_year = Column("target_year", "int", required=True, minimum=first, maximum=YEAR_MAX)
    cleaned["target_year"] = _cell(target_year, values.get("target_year"), errors)
    if (
        cleaned["baseline_value"] is not None
        and cleaned["target_value"] is not None
        and math.isclose(cleaned["baseline_value"], cleaned["target_value"], rel_tol=0, abs_tol=1e-12)
    ):
        errors.append(FieldError("target_value", "target_equals_baseline", {"baseline": cleaned["baseline_value"]}))
    order = {name: index for index, name in enumerate(TARGET_FIELDS)}
    errors.sort(key=lambda error: order.get(error.field, len(order)))
    return cleaned, errors


def validate_actuals(rows: list[dict]) -> tuple[list[dict], list[FieldError]]:
    """A custom target's actuals as they will be stored (``id`` None for a new one, ``year``,
    ``value``) and every problem, each with its row (1 = the first). Empty rows are left out."""
    cleaned: list[dict] = []
    errors: list[FieldError] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=1):
        if all(_blank(row.get(key)) for key in ("year", "value")):
            continue
        year = _cell(_YEAR, row.get("year"), errors, row=number)
        value = _value("value", row.get("value"), CUSTOM, errors, row=number)
        if year is not None and year in seen:
            errors.append(FieldError("year", "duplicate_year", {"row": number, "value": year}))
        elif year is not None:
            seen[year] = number
        identifier = row.get("id")
        cleaned.append(
            {
                "id": None if _blank(identifier) else int(identifier),
                "version": None if _blank(row.get("version")) else int(row["version"]),
                "year": year,
                "value": value,
            }
        )
    return cleaned, errors


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def validate_ambition(values: dict) -> list[FieldError]:
    errors: list[FieldError] = []
    for name in AMBITION_FIELDS:
        text = values.get(name)
        if text is None:
            continue
        if "\x00" in text:
            errors.append(FieldError(name, "text_nul", {}))
        elif len(text) > AMBITION_MAX:
            errors.append(FieldError(name, "text_length", {"min": 0, "max": AMBITION_MAX}))
    return errors


# --- writes -------------------------------------------------------------------------------------


def read_ambition(session: Session) -> dict:
    """``ambition``, ``final_ambition`` (None when not written) and the programme row's ``version``."""
    return read_programme_fields(session, AMBITION_FIELDS)


def save_ambition(engine: Engine, values: dict, expected_version: int) -> dict:
    """Save the two ambition texts (stripped; blank is none), validated, version-checked, audited."""
    cleaned = {}
    for name in AMBITION_FIELDS:
        text = values.get(name)
        text = text.strip() if isinstance(text, str) else None
        cleaned[name] = text or None
    return save_programme_fields(engine, cleaned, expected_version, validate_ambition)


def create_target(engine: Engine, values: dict) -> int:
    """A new target (``TARGET_FIELDS``), placed last; ValidationError lists every problem."""
    cleaned, errors = validate_target(values)
    if errors:
        raise ValidationError(errors)
    with session_scope(engine) as session:
        last = session.execute(select(func.max(ProgrammeTarget.position))).scalar_one()
        target = ProgrammeTarget(**cleaned, position=(last or 0) + 1)
        session.add(target)
        session.flush()
        return target.id


def _target_at(session: Session, target_id: int, expected_version: int) -> ProgrammeTarget:
    target = session.get(ProgrammeTarget, target_id)
    if target is None or target.version != expected_version:  # deleted, or saved by someone else
        raise ConflictError.of("programme_target", target)
    return target


def update_target(engine: Engine, target_id: int, values: dict, expected_version: int) -> None:
    """Save a target's name, unit, baseline and target (its metric stays); ConflictError when it was
    saved or deleted since it was read, ValidationError for bad values: nothing written then."""
    try:
        with session_scope(engine) as session:
            target = _target_at(session, target_id, expected_version)
            cleaned, errors = validate_target(values, metric=target.metric)
            if errors:
                raise ValidationError(errors)
            for name, value in cleaned.items():
                if getattr(target, name) != value:
                    setattr(target, name, value)
            session.flush()
    except StaleDataError as exc:
        raise ConflictError("programme_target") from exc


def delete_target(engine: Engine, target_id: int, expected_version: int) -> None:
    """Delete a target and its typed actuals; ConflictError when it was saved or deleted since read."""
    try:
        with session_scope(engine) as session:
            target = _target_at(session, target_id, expected_version)
            for actual in session.execute(select(TargetActual).where(TargetActual.target_id == target_id)).scalars():
                session.delete(actual)  # one by one: the audit trail records each
            session.flush()
            session.delete(target)
            session.flush()
    except StaleDataError as exc:
        raise ConflictError("programme_target") from exc


def save_actuals(engine: Engine, target_id: int, rows: list[dict], read_ids: Iterable[int]) -> int:
    """Save a custom target's actuals as the user left the table: rows with an ``id`` are updated
    (when changed), rows without one added, actuals read (``read_ids``) and left out deleted.
    ValidationError (each problem with its row) or ConflictError (the target gone, an actual saved or
    deleted by someone else since it was read, a year added meanwhile): nothing written. Returns the
    number of actuals added, changed or deleted."""
    cleaned, errors = validate_actuals(rows)
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            target = session.get(ProgrammeTarget, target_id)
            if target is None:
                raise ConflictError("programme_target", table="programme_target", record_id=target_id)
            if target.metric != CUSTOM:
                raise ValueError(f"target {target_id} is computed from the data: it takes no typed actual")
            stored = {
                row.id: row
                for row in session.execute(select(TargetActual).where(TargetActual.target_id == target_id)).scalars()
            }
            kept = {row["id"] for row in cleaned if row["id"] is not None}
            changes = 0
            for identifier in set(read_ids) - kept:
                if identifier not in stored:
                    raise ConflictError("target_actual", table="target_actual", record_id=identifier)
                session.delete(stored[identifier])
                changes += 1
            session.flush()  # a year deleted can be added again in the same save
            for row in cleaned:
                changes += _save_actual(session, target_id, row, stored)
            session.flush()
            return changes
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("target_actual") from exc


def _save_actual(session: Session, target_id: int, row: dict, stored: dict[int, TargetActual]) -> int:
    if row["id"] is None:
        session.add(TargetActual(target_id=target_id, year=row["year"], value=row["value"]))
        return 1
    actual = stored.get(row["id"])
    if actual is None or (row["version"] is not None and actual.version != row["version"]):
        raise ConflictError.of("target_actual", actual)
    if (actual.year, actual.value) == (row["year"], row["value"]):
        return 0
    actual.year, actual.value = row["year"], row["value"]
    return 1
