"""Executive engagement: sponsors and the engagements to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import altair as alt
import pandas as pd
from icalendar import Calendar, Event
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.cells import Column, Refused, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.store.db import session_scope
from kam_core.store.frames import rows_frame
from kam_core.store.models import Account, Engagement, EngagementPairing, Executive, Pairing, Stakeholder
from kam_core.store.records import account_at_version


@dataclass(frozen=True)
class UpcomingEngagement:
    engagement_id: int
    account_id: int
    account: str
    on_date: date
    kind: str
    objective: str
    executives: tuple[str, ...]
    stakeholders: tuple[str, ...]


def upcoming_engagements(session: Session, today: date, days: int = 30, limit: int = 8) -> list[UpcomingEngagement]:
    """Planned engagements from today to ``days`` ahead, soonest first, with who meets whom."""
    rows = session.execute(
        select(
            Engagement.id,
            Engagement.account_id,
            Account.name,
            Engagement.on_date,
            Engagement.kind,
            Engagement.objective,
        )
        .join(Account, Account.id == Engagement.account_id)
        .where(
            Engagement.status == "planned",
            Engagement.on_date >= today,
            Engagement.on_date <= today + timedelta(days=days),
            Account.status != "archived",
        )
        .order_by(Engagement.on_date, Account.name)
        .limit(limit)
    ).all()
    people = _people(session, [row[0] for row in rows])
    return [
        UpcomingEngagement(
            engagement_id=row[0],
            account_id=row[1],
            account=row[2],
            on_date=row[3],
            kind=row[4],
            objective=row[5],
            executives=tuple(people[row[0]][0]),
            stakeholders=tuple(people[row[0]][1]),
        )
        for row in rows
    ]


# --- cadence, sponsors, calendar (docs/method.md, section 4) ---------------------------------------

DUE_WINDOW_DAYS = 14
CADENCE_STATUSES = ("late", "due", "never", "on_track")  # also the cadence grid's order
ACTIVE_ENGAGEMENT_STATUSES = ("held", "planned")

CADENCE_COLUMNS = [
    "pairing_id",
    "account_id",
    "account",
    "executive_id",
    "executive",
    "stakeholder",
    "stakeholder_title",
    "cadence_days",
    "strength",
    "last_held",
    "days_since",
    "next_planned",
    "status",
]
SPONSOR_COLUMNS = [
    "executive_id",
    "executive",
    "title",
    "max_accounts",
    "sponsored",
    "sponsored_strategic",
    "over_limit",
    "pairings",
    "engagements_this_quarter",
]
BETWEEN_COLUMNS = [
    "engagement_id",
    "account_id",
    "account",
    "on_date",
    "kind",
    "status",
    "objective",
    "ask",
    "executives",
    "stakeholders",
]


def cadence_status(last_held: date | None, cadence_days: int, today: date) -> str:
    """Where a pairing stands against its target cadence: "never" (no held engagement), "late"
    (more days since the last held one than the cadence), "due" (the next contact falls due
    within ``DUE_WINDOW_DAYS``: cadence - 14 <= days since <= cadence, as a commitment turns
    amber 14 days before its date), else "on_track"."""
    if last_held is None:
        return "never"
    days = (today - last_held).days
    if days > cadence_days:
        return "late"
    if days >= cadence_days - DUE_WINDOW_DAYS:
        return "due"
    return "on_track"


def _quarter(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end = date(today.year + 1, 1, 1) if first_month == 10 else date(today.year, first_month + 3, 1)
    return start, end - timedelta(days=1)


def cadence_grid(session: Session, today: date, account_id: int | None = None) -> pd.DataFrame:
    """One row per pairing (of the account, or of every account in the programme): the last held
    engagement (up to today), days since, the next planned one (from today) and the cadence
    status; late first, then due, never, on track, then by account, executive, stakeholder."""
    query = (
        select(
            Pairing.id,
            Account.id,
            Account.name,
            Executive.id,
            Executive.name,
            Stakeholder.name,
            Stakeholder.title,
            Pairing.cadence_days,
            Pairing.strength,
            Account.name_key,
        )
        .join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id)
        .join(Account, Account.id == Stakeholder.account_id)
        .join(Executive, Executive.id == Pairing.executive_id)
        .where(Account.status != "archived")
    )
    if account_id is not None:
        query = query.where(Account.id == account_id)
    pairings = session.execute(query).all()
    ids = [row[0] for row in pairings]
    last_held: dict[int, date] = {}
    next_planned: dict[int, date] = {}
    if ids:
        meetings = (
            select(EngagementPairing.pairing_id, Engagement.status, Engagement.on_date)
            .join(Engagement, Engagement.id == EngagementPairing.engagement_id)
            .where(Engagement.status.in_(ACTIVE_ENGAGEMENT_STATUSES))
        )
        if account_id is not None:  # one account: its few pairings; the whole programme: no IN list of thousands
            meetings = meetings.where(EngagementPairing.pairing_id.in_(ids))
        wanted = set(ids)
        for pairing_id, status, day in session.execute(meetings):
            if pairing_id not in wanted:
                continue
            if status == "held" and day <= today:
                last_held[pairing_id] = max(day, last_held.get(pairing_id, day))
            elif status == "planned" and day >= today:
                next_planned[pairing_id] = min(day, next_planned.get(pairing_id, day))
    rows = []
    for pairing_id, acc_id, account, executive_id, executive, stakeholder, title, cadence, strength, key in pairings:
        held = last_held.get(pairing_id)
        status = cadence_status(held, cadence, today)
        rows.append(
            (
                (CADENCE_STATUSES.index(status), key, executive, stakeholder, pairing_id),
                [
                    pairing_id,
                    acc_id,
                    account,
                    executive_id,
                    executive,
                    stakeholder,
                    title,
                    cadence,
                    strength,
                    held,
                    (today - held).days if held is not None else None,
                    next_planned.get(pairing_id),
                    status,
                ],
            )
        )
    rows.sort(key=lambda item: item[0])
    frame = pd.DataFrame([row for _, row in rows], columns=CADENCE_COLUMNS)
    frame = frame.astype(
        {
            "pairing_id": "int64",
            "account_id": "int64",
            "executive_id": "int64",
            "cadence_days": "int64",
            "strength": "int64",
            "days_since": "Int64",
        }
    )
    for column in ("last_held", "next_planned"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def sponsor_load(session: Session, today: date, strategic_ids: list[int]) -> pd.DataFrame:
    """One row per active executive, by name: accounts sponsored (in the programme), of which
    strategic (in ``strategic_ids``), over the limit or not, pairings (with stakeholders of
    accounts in the programme) and engagements held or planned in the quarter of ``today``
    through those pairings (each engagement counted once per executive)."""
    strategic = {int(identifier) for identifier in strategic_ids}
    executives = session.execute(
        select(Executive.id, Executive.name, Executive.title, Executive.max_accounts)
        .where(Executive.active.is_(True))
        .order_by(Executive.name, Executive.id)
    ).all()
    sponsored: dict[int, list[int]] = {}
    for executive_id, acc_id in session.execute(
        select(Account.sponsor_id, Account.id).where(Account.sponsor_id.is_not(None), Account.status != "archived")
    ):
        sponsored.setdefault(executive_id, []).append(acc_id)
    live_pairings = (
        select(Pairing.executive_id, Pairing.id)
        .join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id)
        .join(Account, Account.id == Stakeholder.account_id)
        .where(Account.status != "archived")
    )
    pairing_count: dict[int, int] = {}
    for executive_id, _ in session.execute(live_pairings):
        pairing_count[executive_id] = pairing_count.get(executive_id, 0) + 1
    start, end = _quarter(today)
    engaged = session.execute(
        select(Pairing.executive_id, func.count(func.distinct(Engagement.id)))
        .join(EngagementPairing, EngagementPairing.pairing_id == Pairing.id)
        .join(Engagement, Engagement.id == EngagementPairing.engagement_id)
        .join(Account, Account.id == Engagement.account_id)
        .where(
            Account.status != "archived",
            Engagement.status.in_(ACTIVE_ENGAGEMENT_STATUSES),
            Engagement.on_date >= start,
            Engagement.on_date <= end,
        )
        .group_by(Pairing.executive_id)
    )
    quarter_count = dict(engaged.all())
    rows = []
    for executive_id, name, title, max_accounts in executives:
        accounts = sponsored.get(executive_id, [])
        rows.append(
            [
                executive_id,
                name,
                title,
                max_accounts,
                len(accounts),
                sum(1 for acc_id in accounts if acc_id in strategic),
                len(accounts) > max_accounts,
                pairing_count.get(executive_id, 0),
                int(quarter_count.get(executive_id, 0)),
            ]
        )
    frame = rows_frame(rows, SPONSOR_COLUMNS)
    return frame.astype(
        {
            "executive_id": "int64",
            "max_accounts": "int64",
            "sponsored": "int64",
            "sponsored_strategic": "int64",
            "over_limit": "bool",
            "pairings": "int64",
            "engagements_this_quarter": "int64",
        }
    )


_SPONSOR = Column("sponsor_id", "int")  # an id: a whole number within the INTEGER range


def set_sponsor(engine: Engine, account_id: int, executive_id: int | None, expected_version: int) -> None:
    """Make ``executive_id`` (None: nobody) the account's sponsor (Account.sponsor_id).

    NotFoundError for an unknown account; ConflictError("account") when the account changed
    since ``expected_version`` was read; ValidationError([FieldError("sponsor_id", "unknown_ref",
    {"value"})]) for an executive that does not exist or is inactive (keeping the sponsor already
    set, even inactive, is allowed). The handshake's own sponsor is left as it is."""
    try:
        chosen = normalise(_SPONSOR, executive_id)  # None for nothing chosen; a whole number else
    except Refused:
        raise ValidationError([FieldError("sponsor_id", "unknown_ref", {"value": plain(executive_id)})]) from None
    try:
        with session_scope(engine) as session:
            account = account_at_version(session, account_id, expected_version)
            if chosen is not None and chosen != account.sponsor_id:
                executive = session.get(Executive, chosen)
                if executive is None or not executive.active:
                    raise ValidationError([FieldError("sponsor_id", "unknown_ref", {"value": chosen})])
            if account.sponsor_id != chosen:
                account.sponsor_id = chosen
            session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("account") from exc


def _people(session: Session, ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """{engagement id: (our executives, their stakeholders)}, each by name, without repeats."""
    people: dict[int, tuple[list[str], list[str]]] = {engagement_id: ([], []) for engagement_id in ids}
    if ids:
        pairs = session.execute(
            select(EngagementPairing.engagement_id, Executive.name, Stakeholder.name)
            .join(Pairing, Pairing.id == EngagementPairing.pairing_id)
            .join(Executive, Executive.id == Pairing.executive_id)
            .join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id)
            .where(EngagementPairing.engagement_id.in_(ids))
            .order_by(Executive.name, Stakeholder.name)
        ).all()
        for engagement_id, executive, stakeholder in pairs:
            ours, theirs = people[engagement_id]
            if executive not in ours:
                ours.append(executive)
            if stakeholder not in theirs:
                theirs.append(stakeholder)
    return people


def engagements_between(
    session: Session, start: date, end: date, account_id: int | None = None, account_ids: list[int] | None = None
) -> pd.DataFrame:
    """Engagements of any status from ``start`` to ``end`` (both included), of the account or of
    every account in the programme, by date then account; ``executives`` and ``stakeholders``
    are names joined with ", " ("" when the engagement serves no pairing)."""
    query = (
        select(
            Engagement.id,
            Engagement.account_id,
            Account.name,
            Engagement.on_date,
            Engagement.kind,
            Engagement.status,
            Engagement.objective,
            Engagement.ask,
        )
        .join(Account, Account.id == Engagement.account_id)
        .where(Engagement.on_date >= start, Engagement.on_date <= end, Account.status != "archived")
        .order_by(Engagement.on_date, Account.name_key, Engagement.id)
    )
    if account_id is not None:
        query = query.where(Engagement.account_id == account_id)
    if account_ids is not None:  # a few accounts (a timeline's)
        query = query.where(Engagement.account_id.in_(account_ids))
    rows = session.execute(query).all()
    people = _people(session, [row[0] for row in rows])
    frame = pd.DataFrame(
        [(*row, ", ".join(people[row[0]][0]), ", ".join(people[row[0]][1])) for row in rows], columns=BETWEEN_COLUMNS
    )
    frame["ask"] = frame["ask"].astype(object).where(frame["ask"].notna(), None)
    return frame.astype({"engagement_id": "int64", "account_id": "int64"})


def engagements_ics(rows: pd.DataFrame, *, calendar_name: str, domain: str = "kam.example") -> bytes:
    """The planned engagements of ``rows`` (as ``engagements_between`` gives them) as an
    iCalendar file.

    Each is an all-day event (DTSTART;VALUE=DATE the day, DTEND the next day): engagements carry
    a day, not a time, and all-day events land on the same day in every time zone in Outlook
    and Google, where a timed event at midnight would slide to the day before west of UTC.
    UID ``engagement-<id>@<domain>`` is stable, so importing again updates instead of
    duplicating; SUMMARY "account: objective" stays language-neutral; DESCRIPTION holds the
    executives, the stakeholders and the ask. DTSTAMP is the day at 00:00 UTC, so the same rows
    always give the same bytes.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//KAM planning//Executive engagements//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    planned = rows[rows["status"] == "planned"] if len(rows) else rows
    for row in planned.itertuples(index=False):
        day = _as_date(row.on_date)
        event = Event()
        event.add("uid", f"engagement-{int(row.engagement_id)}@{domain}")
        event.add("dtstamp", datetime(day.year, day.month, day.day, tzinfo=UTC))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"{row.account}: {row.objective}")
        lines = [
            text
            for text in (getattr(row, "executives", ""), getattr(row, "stakeholders", ""), getattr(row, "ask", None))
            if isinstance(text, str) and text.strip()
        ]
        if lines:
            event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


TIMELINE_STATUS_COLOURS = {"held": "#15803D", "planned": "#0B4F8A", "cancelled": "#9CA3AF"}
TIMELINE_LABEL_KEYS = ("on_date", "account", "status", "kind", "objective", "executives", "stakeholders", "today")


def timeline_accounts(rows: pd.DataFrame, today: date, limit: int) -> list[int]:
    """The accounts a portfolio timeline shows when there are more than ``limit``: those whose next
    planned engagement comes first, then those met most recently (``rows`` as ``engagements_between``
    gives them). A chart with a line per account reads up to a few dozen lines."""
    if rows.empty:
        return []
    days = pd.to_datetime(rows["on_date"])
    ahead = rows[(rows["status"] == "planned") & (days >= pd.Timestamp(today))]
    behind = rows[(rows["status"] == "held") & (days < pd.Timestamp(today))]
    order = list(
        dict.fromkeys(
            ahead.sort_values(["on_date", "account_id"])["account_id"].tolist()
            + behind.sort_values(["on_date", "account_id"], ascending=[False, True])["account_id"].tolist()
            + rows["account_id"].tolist()
        )
    )
    return [int(account_id) for account_id in order[:limit]]


@dataclass(frozen=True)
class PortfolioTimeline:
    rows: pd.DataFrame  # the engagements of the accounts shown
    accounts: int  # accounts with an engagement in the window
    shown: int  # accounts shown
    planned: int  # planned engagements, every account


def portfolio_timeline(session: Session, start: date, end: date, today: date, limit: int) -> PortfolioTimeline:
    """The programme's engagements from ``start`` to ``end`` kept to ``limit`` accounts
    (``timeline_accounts``): the accounts are chosen on (account, date, status) alone, and only the
    chosen accounts' engagements are read whole."""
    compact = rows_frame(
        session.execute(
            select(Engagement.account_id, Engagement.on_date, Engagement.status)
            .join(Account, Account.id == Engagement.account_id)
            .where(Engagement.on_date >= start, Engagement.on_date <= end, Account.status != "archived")
        ).all(),
        ["account_id", "on_date", "status"],
    )
    accounts = int(compact["account_id"].nunique())
    chosen = timeline_accounts(compact, today, limit) if accounts > limit else None
    shown = engagements_between(session, start, end, account_ids=chosen) if accounts else compact.iloc[0:0]
    return PortfolioTimeline(
        shown[[column for column in TIMELINE_COLUMNS if column in shown]].reset_index(drop=True),
        accounts,
        min(accounts, limit),
        int((compact["status"] == "planned").sum()),
    )


TIMELINE_COLUMNS = ["on_date", "account", "status", "kind", "objective", "executives", "stakeholders"]


def timeline_chart(rows: pd.DataFrame, *, labels: dict[str, str], today: date, height: int | None = None) -> alt.Chart:
    """Engagements over 12 months (6 back, 6 ahead): one point per engagement, date across,
    account down, coloured by status and shaped by kind, a rule at today, a tooltip.

    ``labels`` holds the translated words: the titles ``TIMELINE_LABEL_KEYS`` ("on_date",
    "account", "status", "kind", "objective", "executives", "stakeholders", "today") and, for
    each code, "status.<code>" and "kind.<code>" (a missing one shows the key or code)."""
    start, end = today - timedelta(days=183), today + timedelta(days=183)
    frame = rows[[column for column in TIMELINE_COLUMNS if column in rows]].copy()  # what the browser needs
    if len(frame):
        frame["on_date"] = pd.to_datetime(frame["on_date"])
        frame = frame[(frame["on_date"] >= pd.Timestamp(start)) & (frame["on_date"] <= pd.Timestamp(end))]
    frame = frame.assign(
        status_label=[labels.get(f"status.{code}", code) for code in frame["status"]],
        kind_label=[labels.get(f"kind.{code}", code) for code in frame["kind"]],
    )
    for column in ("executives", "stakeholders", "objective"):
        if column not in frame:
            frame[column] = ""
    statuses = [code for code in TIMELINE_STATUS_COLOURS]
    title = lambda key: labels.get(key, key)  # noqa: E731
    accounts = sorted(frame["account"].unique().tolist()) if len(frame) else []
    chart_height = height or max(200, 34 * len(accounts))
    points = (
        alt.Chart(frame)
        .mark_point(size=220, filled=True, opacity=0.9)
        .encode(
            x=alt.X(
                "on_date:T",
                title=title("on_date"),
                scale=alt.Scale(domain=[pd.Timestamp(start).isoformat(), pd.Timestamp(end).isoformat()]),
                axis=alt.Axis(format="%b %Y", labelFontSize=16, titleFontSize=18, tickCount=12),
            ),
            y=alt.Y(
                "account:N",
                title=title("account"),
                sort=accounts,
                axis=alt.Axis(labelFontSize=16, titleFontSize=18, labelLimit=320),
            ),
            color=alt.Color(
                "status_label:N",
                title=title("status"),
                scale=alt.Scale(
                    domain=[labels.get(f"status.{code}", code) for code in statuses],
                    range=[TIMELINE_STATUS_COLOURS[code] for code in statuses],
                ),
                legend=alt.Legend(labelFontSize=16, titleFontSize=16, orient="top"),
            ),
            shape=alt.Shape(
                "kind_label:N", title=title("kind"), legend=alt.Legend(labelFontSize=16, titleFontSize=16, orient="top")
            ),
            tooltip=[
                alt.Tooltip("on_date:T", title=title("on_date"), format="%-d %b %Y"),  # as formatting.day writes it
                alt.Tooltip("account:N", title=title("account")),
                alt.Tooltip("kind_label:N", title=title("kind")),
                alt.Tooltip("status_label:N", title=title("status")),
                alt.Tooltip("objective:N", title=title("objective")),
                alt.Tooltip("executives:N", title=title("executives")),
                alt.Tooltip("stakeholders:N", title=title("stakeholders")),
            ],
        )
    )
    rule_data = pd.DataFrame({"on_date": [pd.Timestamp(today)], "label": [title("today")]})
    rule = alt.Chart(rule_data).mark_rule(color="#B91C1C", strokeWidth=2, strokeDash=[6, 4]).encode(x="on_date:T")
    rule_text = (
        alt.Chart(rule_data)
        .mark_text(align="left", dx=6, dy=-8, fontSize=16, color="#B91C1C")
        .encode(x="on_date:T", y=alt.value(0), text="label:N")
    )
    return alt.layer(points, rule, rule_text).properties(height=chart_height).configure_view(strokeWidth=0)
