"""The yearly cycle (kam_core/programme/cycle.py): the calendar placed against the company's dates, the
offsets read, validated and saved, and per account what is late and what is due next, worked out by
hand on a pinned day (tests/conftest.py: 26 Nov 2026); then the facts as the store gives them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlmodel import Session

from kam_core.common.errors import ConflictError, ValidationError
from kam_core.common.text import fold_name
from kam_core.governance import audit
from kam_core.programme import cycle
from kam_core.programme.cycle import Calendar, CycleFacts
from kam_core.store import db
from kam_core.store.models import Account, Engagement, Handshake, HandshakeStageEvent, Priority, Programme
from kam_core.ui import routes
from tests.conftest import TODAY

assert date(2026, 11, 26) == TODAY  # every date below is worked out from this day

# The company's strategic plan on 15 Dec 2026, its budget frozen on 20 Jan 2027; the director moved the
# plans due to 30 days before the strategic plan. So, by hand:
#   scoring workshop      15 Dec 2026 − 90 = 16 Sep 2026
#   account plans due     15 Dec 2026 − 30 = 15 Nov 2026   (the last cycle's: 15 Nov 2025)
#   executive review      15 Dec 2026 − 21 = 24 Nov 2026
#   handshakes presented  20 Jan 2027 − 30 = 21 Dec 2026
#   QBR of Q3 2026        30 Sep 2026 − 14 = 16 Sep 2026
#   QBR of Q4 2026        31 Dec 2026 − 14 = 17 Dec 2026
CALENDAR = Calendar(date(2026, 12, 15), date(2027, 1, 20), {**cycle.DEFAULT_OFFSETS, "plans_due": -30})


def test_the_steps_are_placed_against_the_companys_dates():
    assert CALENDAR.on("scoring_workshop") == date(2026, 9, 16)
    assert CALENDAR.on("plans_due") == date(2026, 11, 15)
    assert CALENDAR.on("executive_review") == date(2026, 11, 24)
    assert CALENDAR.on("handshakes_presented") == date(2026, 12, 21)
    assert cycle.qbr_due(CALENDAR, "2026-Q3") == date(2026, 9, 16)
    assert cycle.qbr_due(CALENDAR, "2026-Q4") == date(2026, 12, 17)
    assert cycle.qbr_due(CALENDAR, "2027-Q1") == date(2027, 3, 17)  # 31 Mar − 14


def test_the_milestones_in_date_order_and_the_quarter_before_to_three_ahead():
    found = [(m.key, m.on, m.period) for m in cycle.milestones(CALENDAR, TODAY)]
    assert found == [
        ("scoring_workshop", date(2026, 9, 16), None),  # same day as Q3's QBR: the steps' order breaks the tie
        ("qbr", date(2026, 9, 16), "2026-Q3"),
        ("plans_due", date(2026, 11, 15), None),
        ("executive_review", date(2026, 11, 24), None),
        ("strategic_plan_on", date(2026, 12, 15), None),
        ("qbr", date(2026, 12, 17), "2026-Q4"),
        ("handshakes_presented", date(2026, 12, 21), None),
        ("budget_on", date(2027, 1, 20), None),
        ("qbr", date(2027, 3, 17), "2027-Q1"),
        ("qbr", date(2027, 6, 16), "2027-Q2"),  # 30 Jun − 14
        ("qbr", date(2027, 9, 16), "2027-Q3"),
    ]


def test_a_step_whose_anchor_is_missing_is_not_placed_and_the_date_is_named():
    calendar = Calendar(None, date(2027, 1, 20))
    assert calendar.missing() == ["strategic_plan_on"]
    assert calendar.on("plans_due") is None and calendar.on("handshakes_presented") == date(2026, 12, 21)
    keys = {m.key for m in cycle.milestones(calendar, TODAY)}
    assert keys == {"budget_on", "handshakes_presented", "qbr"}
    assert Calendar().missing() == ["strategic_plan_on", "budget_on"]


def test_offsets_are_read_with_their_defaults_and_stored_only_when_changed():
    assert cycle.parse_offsets("{}") == cycle.DEFAULT_OFFSETS
    assert cycle.parse_offsets('{"plans_due": -30}')["plans_due"] == -30
    # what a hand-edited workbook may hold reads as the default, never breaks the calendar
    for text in ("not json", "[1, 2]", None, '{"qbr": 5}', '{"qbr": "x"}', '{"plans_due": 1.5}', '{"plans_due": true}'):
        assert cycle.parse_offsets(text) == cycle.DEFAULT_OFFSETS, text
    assert cycle.parse_offsets('{"unknown_step": 3, "qbr": -20.0}') == {**cycle.DEFAULT_OFFSETS, "qbr": -20}
    assert cycle.offsets_text(cycle.DEFAULT_OFFSETS) == "{}"
    assert json.loads(cycle.offsets_text({**cycle.DEFAULT_OFFSETS, "qbr": -7, "plans_due": -30})) == {
        "plans_due": -30,
        "qbr": -7,
    }


def _errors(values) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in cycle.validate_calendar(values)]


def test_the_validation_names_each_bad_offset_and_date():
    good = cycle.calendar_values(date(2026, 12, 15), None, cycle.DEFAULT_OFFSETS)
    assert _errors(good) == []
    bad = cycle.calendar_values(
        date(1980, 1, 1),
        datetime(2027, 1, 20, 9, 0),
        {**cycle.DEFAULT_OFFSETS, "plans_due": 400, "qbr": 5, "executive_review": 1.5, "scoring_workshop": None},
    )
    assert _errors(bad) == [
        ("strategic_plan_on", "integer_range"),
        ("budget_on", "not_a_date"),
        ("offset.scoring_workshop", "integer_range"),
        ("offset.plans_due", "integer_range"),
        ("offset.executive_review", "integer_range"),
        ("offset.qbr", "integer_range"),
    ]
    problem = next(e for e in cycle.validate_calendar(bad) if e.field == "offset.plans_due")
    assert problem.params == {"value": 400, "min": -365, "max": 365}
    assert _errors({"cycle_offsets": "{oops"}) == [("cycle_offsets", "number_format")]
    # the limits themselves are allowed
    edges = {**cycle.DEFAULT_OFFSETS, "plans_due": -365, "handshakes_presented": 365, "qbr": -60}
    assert _errors(cycle.calendar_values(None, None, edges)) == []
    assert _errors(cycle.calendar_values(None, None, {**edges, "qbr": 0})) == []


def test_every_page_that_fixes_a_line_is_a_route():
    url_paths = {route.url_path for route in routes.ROUTES}
    assert set(cycle.FIX_PAGES.values()) <= url_paths
    assert {
        "plan": routes.CANVAS.url_path,
        "handshake": routes.HANDSHAKE.url_path,
        "qbr": routes.EXECUTIVE_PLAN.url_path,
    } == cycle.FIX_PAGES


# --- per account --------------------------------------------------------------------------------------

ACCOUNTS = pd.DataFrame({"account_id": [1, 2, 3], "name": ["Alpha", "Beta", "Gamma"], "kam": ["Ann", "Bob", None]})
FACTS = CycleFacts(
    # Alpha changed its plan in this cycle; Beta on the last cycle's plans-due day (not after it); Gamma never
    plan_changed=pd.DataFrame({"account_id": [1, 2], "changed_on": [date(2026, 10, 1), date(2025, 11, 15)]}),
    # Alpha's handshake is agreed (presented on 3 Aug); Beta's only internally reviewed; Gamma has none
    handshakes=pd.DataFrame(
        {"account_id": [1, 2], "stage": ["agreed", "internally_reviewed"], "presented_on": [date(2026, 8, 3), None]}
    ),
    # Alpha held Q3's QBR and planned Q4's on 5 Dec; Beta held Q4's on 20 Oct, none in Q3; Gamma planned Q3's and
    # never held it, and a "held" QBR dated tomorrow does not count
    qbrs=pd.DataFrame(
        {
            "account_id": [1, 1, 2, 3, 3],
            "on_date": [
                date(2026, 8, 10),
                date(2026, 12, 5),
                date(2026, 10, 20),
                date(2026, 9, 20),
                date(2026, 11, 27),
            ],
            "status": ["held", "planned", "held", "planned", "held"],
            "period": ["2026-Q3", "2026-Q4", "2026-Q4", "2026-Q3", "2026-Q4"],
        }
    ),
)


def _lines():
    return cycle.account_lines(ACCOUNTS, FACTS, CALENDAR, TODAY)


def _status(lines, name, item, period=None):
    row = lines[(lines["name"] == name) & (lines["item"] == item)]
    if period:
        row = row[row["period"] == period]
    assert len(row) == 1
    return row.iloc[0]


def test_the_plan_is_done_when_changed_after_the_last_cycles_plans_due_day():
    lines = _lines()
    alpha, beta, gamma = (_status(lines, name, "plan") for name in ("Alpha", "Beta", "Gamma"))
    assert (alpha.status, alpha.since, alpha.days_late) == ("done", date(2026, 10, 1), 0)
    # plans due on 15 Nov 2026: 11 days late on 26 Nov
    assert (beta.status, beta.since, beta.days_late, beta.due_on) == (
        "late",
        date(2025, 11, 15),
        11,
        date(2026, 11, 15),
    )
    assert (gamma.status, gamma.since, gamma.days_late) == ("late", None, 11)
    assert {alpha.fix, beta.fix} == {"canvas"}


def test_the_handshake_is_done_once_presented_and_due_until_its_date():
    lines = _lines()
    alpha, beta, gamma = (_status(lines, name, "handshake") for name in ("Alpha", "Beta", "Gamma"))
    assert (alpha.status, alpha.since) == ("done", date(2026, 8, 3))
    assert (beta.status, beta.due_on, beta.since) == ("due", date(2026, 12, 21), None)
    assert (gamma.status, gamma.days_late, gamma.fix) == ("due", 0, "handshake")


def test_a_qbr_not_held_in_the_quarter_before_is_late_and_this_quarters_is_due():
    lines = _lines()
    assert _status(lines, "Alpha", "qbr", "2026-Q3").status == "done"
    alpha_q4 = _status(lines, "Alpha", "qbr", "2026-Q4")
    assert (alpha_q4.status, alpha_q4.due_on, alpha_q4.planned_on) == ("due", date(2026, 12, 17), date(2026, 12, 5))
    beta_q3 = _status(lines, "Beta", "qbr", "2026-Q3")
    assert (beta_q3.status, beta_q3.days_late, beta_q3.fix) == ("late", 71, "executive-plan")  # 16 Sep → 26 Nov
    assert (_status(lines, "Beta", "qbr", "2026-Q4").status, _status(lines, "Beta", "qbr", "2026-Q4").since) == (
        "done",
        date(2026, 10, 20),
    )
    gamma_q3, gamma_q4 = _status(lines, "Gamma", "qbr", "2026-Q3"), _status(lines, "Gamma", "qbr", "2026-Q4")
    assert (gamma_q3.status, gamma_q3.planned_on) == ("late", None)  # planned, never held; the plan is past
    assert (gamma_q4.status, gamma_q4.since) == ("due", None)  # "held" tomorrow is not held yet


def test_the_late_plans_first_then_the_longest_late_and_each_accounts_next_due():
    lines = _lines()
    late = cycle.late(lines)
    assert list(zip(late["name"], late["item"], late["period"].fillna(""), late["days_late"])) == [
        ("Beta", "plan", "", 11),  # what the budget waits for comes first, however long the QBRs are late
        ("Gamma", "plan", "", 11),
        ("Beta", "qbr", "2026-Q3", 71),
        ("Gamma", "qbr", "2026-Q3", 71),
    ]
    upcoming = cycle.due_next(lines)
    assert list(zip(upcoming["name"], upcoming["item"], upcoming["due_on"])) == [
        ("Alpha", "qbr", date(2026, 12, 17)),
        ("Gamma", "qbr", date(2026, 12, 17)),
        ("Beta", "handshake", date(2026, 12, 21)),
    ]


def test_the_counts_per_item():
    found = {(c.item, c.period): (c.done, c.due, c.late) for c in cycle.counts(_lines())}
    assert found == {
        ("plan", None): (1, 0, 2),
        ("handshake", None): (1, 2, 0),
        ("qbr", "2026-Q3"): (1, 0, 2),
        ("qbr", "2026-Q4"): (1, 2, 0),
    }


def test_without_the_companys_dates_only_the_qbrs_are_followed():
    lines = cycle.account_lines(ACCOUNTS, FACTS, Calendar(), TODAY)
    assert set(lines["item"]) == {"qbr"} and len(lines) == 6
    empty = cycle.account_lines(ACCOUNTS.iloc[0:0], FACTS, CALENDAR, TODAY)
    assert empty.empty and list(empty.columns) == cycle.LINE_COLUMNS
    assert cycle.late(empty).empty and cycle.due_next(empty).empty


def test_the_day_after_a_date_the_line_turns_late(monkeypatch):
    on_the_day = cycle.account_lines(ACCOUNTS, FACTS, CALENDAR, date(2026, 12, 21))
    day_after = cycle.account_lines(ACCOUNTS, FACTS, CALENDAR, date(2026, 12, 22))
    assert _status(on_the_day, "Beta", "handshake").status == "due"
    assert (_status(day_after, "Beta", "handshake").status, _status(day_after, "Beta", "handshake").days_late) == (
        "late",
        1,
    )


def test_a_29_february_plans_due_day_looks_back_to_28_february():
    leap = Calendar(date(2028, 3, 30), None, {**cycle.DEFAULT_OFFSETS, "plans_due": -30})  # plans due 29 Feb 2028
    facts = CycleFacts(
        pd.DataFrame({"account_id": [1, 2], "changed_on": [date(2027, 2, 28), date(2027, 3, 1)]}),
        pd.DataFrame(columns=["account_id", "stage", "presented_on"]),
        pd.DataFrame(columns=["account_id", "on_date", "status", "period"]),
    )
    lines = cycle.account_lines(ACCOUNTS, facts, leap, date(2028, 3, 1))
    assert _status(lines, "Alpha", "plan").status == "late" and _status(lines, "Beta", "plan").status == "done"


# --- through the store ------------------------------------------------------------------------------


def _account(session: Session, name: str) -> int:
    account = Account(name=name, name_key=fold_name(name), sector="Energy")
    session.add(account)
    session.flush()
    return account.id


def test_the_facts_as_the_store_gives_them(empty_url):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        alpha, beta, gamma = (_account(session, name) for name in ("Alpha", "Beta", "Gamma"))
        session.add(Priority(account_id=alpha, rank=1, title="Cut energy"))  # a plan change, made now
        handshake = Handshake(account_id=beta, stage="agreed", stage_since=date(2026, 9, 1))
        session.add(handshake)
        session.flush()
        session.add_all(
            [
                HandshakeStageEvent(handshake_id=handshake.id, stage="presented", reached_on=date(2026, 6, 1)),
                HandshakeStageEvent(handshake_id=handshake.id, stage="presented", reached_on=date(2026, 8, 3)),
                HandshakeStageEvent(handshake_id=handshake.id, stage="agreed", reached_on=date(2026, 9, 1)),
            ]
        )
        qbr = {"kind": "qbr", "objective": "Quarterly review"}
        session.add_all(
            [
                Engagement(account_id=beta, status="held", on_date=date(2026, 8, 10), outcome="Fine", **qbr),
                Engagement(account_id=beta, status="planned", on_date=date(2026, 12, 5), **qbr),
                Engagement(account_id=gamma, status="cancelled", on_date=date(2026, 10, 5), **qbr),
                Engagement(account_id=gamma, status="held", on_date=date(2026, 5, 5), outcome="Old", **qbr),  # Q2
                Engagement(account_id=gamma, status="held", on_date=date(2026, 10, 6), kind="meeting", objective="x"),
            ]
        )
    with engine.begin() as connection:  # the trail as written at known moments (UTC)
        audit.record(
            connection,
            [
                audit.entry("update", "account_plan", 1, beta, {}, at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC)),
                audit.entry("delete", "swot_item", 9, beta, {}, at=datetime(2026, 4, 7, 8, 0, tzinfo=UTC)),
                audit.entry("update", "account_year", 4, gamma, {}, at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
            ],
        )
    with Session(engine) as session:
        facts = cycle.read_cycle_facts(session, TODAY)
    changed = dict(zip(facts.plan_changed["account_id"], facts.plan_changed["changed_on"]))
    # Beta: the deletion is the last change; Gamma: revenue figures are not the plan; Alpha: changed now
    assert changed[beta] == cycle.programme_day(datetime(2026, 4, 7, 8, 0, tzinfo=UTC)) == date(2026, 4, 7)
    assert gamma not in changed and alpha in changed
    handshakes = facts.handshakes.set_index("account_id")
    assert list(handshakes.index) == [beta]
    assert handshakes.loc[beta, "stage"] == "agreed" and handshakes.loc[beta, "presented_on"] == date(2026, 8, 3)
    qbrs = sorted(zip(facts.qbrs["account_id"], facts.qbrs["on_date"], facts.qbrs["status"], facts.qbrs["period"]))
    assert qbrs == [
        (beta, date(2026, 8, 10), "held", "2026-Q3"),
        (beta, date(2026, 12, 5), "planned", "2026-Q4"),
    ]  # cancelled, other kinds and quarters before the one before are left out


def test_a_stored_moment_is_read_on_the_programmes_day(monkeypatch):
    moment = datetime(2026, 3, 2, 23, 30)  # naive: UTC
    monkeypatch.setenv("KAM_TIMEZONE", "Europe/Paris")
    assert cycle.programme_day(moment) == date(2026, 3, 3)  # 00:30 in Paris
    monkeypatch.setenv("KAM_TIMEZONE", "America/New_York")
    assert cycle.programme_day(moment) == date(2026, 3, 2)


def test_saving_the_calendar_validates_first_checks_the_version_and_reads_back(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as session:
        before = cycle.read_calendar(session)
    assert before.missing() == ["strategic_plan_on", "budget_on"] and before.offsets == cycle.DEFAULT_OFFSETS
    offsets = {**cycle.DEFAULT_OFFSETS, "plans_due": -30}
    with pytest.raises(ValidationError) as refused:
        cycle.save_calendar(engine, date(2026, 12, 15), None, {**offsets, "qbr": 3}, before.version)
    assert [(e.field, e.code) for e in refused.value.errors] == [("offset.qbr", "integer_range")]
    with Session(engine) as session:
        assert cycle.read_calendar(session) == before  # nothing written
    saved = cycle.save_calendar(engine, date(2026, 12, 15), date(2027, 1, 20), offsets, before.version)
    assert saved == Calendar(date(2026, 12, 15), date(2027, 1, 20), offsets, before.version + 1)
    with Session(engine) as session:
        assert session.get(Programme, 1).cycle_offsets == '{"plans_due": -30}'
        assert cycle.read_calendar(session) == saved
    with pytest.raises(ConflictError):
        cycle.save_calendar(engine, None, None, cycle.DEFAULT_OFFSETS, before.version)
    with Session(engine) as session:
        entry = audit.last_change(session, "programme", 1)
    assert entry.changes["cycle_offsets"] == ["{}", '{"plans_due": -30}']
