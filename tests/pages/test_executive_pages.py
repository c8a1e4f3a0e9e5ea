"""Executive engagement pages under AppTest: adding a pairing and a meeting, refusing bad input,
choosing a sponsor, the brief of a planned meeting."""

from __future__ import annotations

from sqlmodel import Session, select

from kam_core.account import sections
from kam_core.store import db
from kam_core.store.models import Account, Engagement, Executive, Handshake, Pairing, Stakeholder
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, texts

PLAN = "pages/account/executive_plan.py"
PORTFOLIO = "pages/portfolio/executives.py"


def _account(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account.id).where(Account.name.like("Aerivon%"))).one()


def _edit(app, section: str, account_id: int, **changes):
    app.session_state[f"editor_{section}_{account_id}_0"] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": [],
        **changes,
    }
    app.run()
    app.button(key=f"save_{section}_{account_id}").click().run()
    no_exception(app)


def _labels(url: str, section: str, account_id: int) -> dict:
    with Session(db.get_engine(url)) as session:
        return sections.ref_choices(session, section, account_id)


def test_the_portfolio_page_shows_late_relationships_and_sponsor_load(demo_app):
    app = demo_app(PORTFOLIO)
    no_exception(app)
    shown = texts(app)
    assert "Late" in shown and "sponsors 3 accounts for a limit of 2" in shown


def test_adding_a_pairing_and_a_meeting(demo_app, demo_url):
    account_id = _account(demo_url)
    refs = _labels(demo_url, "pairings", account_id)
    with Session(db.get_engine(demo_url)) as session:
        paired = set(
            session.exec(
                select(Pairing.stakeholder_id).join(Stakeholder).where(Stakeholder.account_id == account_id)
            ).all()
        )
    stakeholder_id = next(i for i in refs["stakeholder_id"] if i not in paired)
    executive_id = next(iter(refs["executive_id"]))
    app = demo_app(PLAN, account=str(account_id))
    no_exception(app)
    _edit(
        app,
        "pairings",
        account_id,
        added_rows=[
            {
                "executive_id": refs["executive_id"][executive_id],
                "stakeholder_id": refs["stakeholder_id"][stakeholder_id],
                "cadence_days": 60,
                "strength": 2,
            }
        ],
    )
    assert "Saved." in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        pairing = session.exec(select(Pairing).where(Pairing.stakeholder_id == stakeholder_id)).one()
    assert pairing.cadence_days == 60

    pairing_label = _labels(demo_url, "engagements", account_id)["pairing_id"][pairing.id]
    _edit(
        app,
        "engagements",
        account_id,
        added_rows=[
            {
                "on_date": "2027-01-20",
                "kind": "Meeting",
                "status": "Planned",
                "pairing_id": pairing_label,
                "objective": "Introduce our new plant director",
                "ask": "Agree a site visit in Q1",
            }
        ],
    )
    with Session(db.get_engine(demo_url)) as session:
        meeting = session.exec(
            select(Engagement).where(Engagement.objective == "Introduce our new plant director")
        ).one()
    assert meeting.account_id == account_id and meeting.status == "planned"


def test_a_zero_cadence_and_a_held_meeting_in_the_future_are_refused(demo_app, demo_url):
    account_id = _account(demo_url)
    app = demo_app(PLAN, account=str(account_id))
    _edit(app, "pairings", account_id, edited_rows={0: {"cadence_days": 0}})
    assert "Nothing was saved" in texts(app) and "Row 1, Cadence (days)" in texts(app)
    _edit(
        app,
        "engagements",
        account_id,
        added_rows=[
            {
                "on_date": "2027-03-01",
                "kind": "Visit",
                "status": "Held",
                "objective": "Plant tour",
                "outcome": "Went well",
            }
        ],
    )
    assert "Nothing was saved" in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.exec(select(Engagement).where(Engagement.objective == "Plant tour")).all() == []


def test_choosing_a_sponsor(demo_app, demo_url):
    account_id = _account(demo_url)
    with Session(db.get_engine(demo_url)) as session:
        other = session.exec(select(Executive.id).where(Executive.name == "Hélène Duval")).one()
    app = demo_app(PLAN, account=str(account_id))
    app.selectbox(key=f"sponsor_pick_{account_id}").set_value(other)
    next(b for b in app.button if "sponsor_" in str(b.key)).click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Account, account_id).sponsor_id == other


def test_the_brief_of_a_planned_meeting(demo_app, demo_url):
    account_id = _account(demo_url)
    app = demo_app(PLAN, account=str(account_id))
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        soonest = session.exec(
            select(Engagement)
            .where(Engagement.account_id == account_id, Engagement.status == "planned", Engagement.on_date >= TODAY)
            .order_by(Engagement.on_date)
        ).first()
    shown = texts(app)
    assert "Executive brief — Aerivon Aerostructures" in shown
    assert soonest.ask in shown


def test_our_executives_can_be_added_and_a_bad_limit_is_refused(demo_app, demo_url):
    app = demo_app(PORTFOLIO)
    app.session_state["executives_0"] = {"edited_rows": {0: {"max_accounts": 0}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="save_executives").click().run()
    no_exception(app)
    assert "Row 1, Limit:" in texts(app)
    app.session_state["executives_0"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [
            {
                "name": "Ines Carvalho",
                "title": "Chief Digital Officer",
                "function": "Digital",
                "max_accounts": 2,
                "active": True,
            }
        ],
    }
    app.run()
    app.button(key="save_executives").click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.exec(select(Executive).where(Executive.name == "Ines Carvalho")).one().max_accounts == 2


def test_saving_keeps_a_sponsor_who_is_no_longer_active(demo_app, demo_url):
    account_id = _account(demo_url)
    with db.session_scope(db.get_engine(demo_url)) as session:
        sponsor_id = session.get(Account, account_id).sponsor_id
        session.get(Executive, sponsor_id).active = False
    app = demo_app(PLAN, account=str(account_id))
    next(b for b in app.button if "sponsor_" in str(b.key)).click().run()
    no_exception(app)
    app.switch_page("pages/account/handshake.py").run()
    next(b for b in app.button if "details_" in str(b.key)).click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Account, account_id).sponsor_id == sponsor_id
        assert session.exec(select(Handshake.sponsor_id).where(Handshake.account_id == account_id)).one() == sponsor_id


def test_every_relationship_is_in_one_table_and_a_ticked_row_opens_its_plan(demo_app):
    app = demo_app(PORTFOLIO)
    app.session_state["cadence_filter"] = ["late", "due", "never", "on_track"]
    app.run()
    no_exception(app)
    table = next(frame for frame in app.dataframe if str(frame.key).startswith("cadence_table_"))
    assert len(table.value) == 32 and not [button for button in app.button if button.key == "cadence_open"]
    assert table.value["status"].iloc[0] == ["late"]  # late first
    account = table.value["account"].iloc[2]
    app.session_state[table.key] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    app.run()
    app.button(key="cadence_open").click().run()
    no_exception(app)
    assert [title.value for title in app.title] == [f"Executive plan — {account}"]


def test_the_relationship_filter_keeps_the_chosen_statuses(demo_app):
    app = demo_app(PORTFOLIO)
    app.session_state["cadence_filter"] = ["on_track"]
    app.run()
    table = next(frame for frame in app.dataframe if str(frame.key).startswith("cadence_table_"))
    assert len(table.value) and {code for codes in table.value["status"] for code in codes} == {"on_track"}


def test_the_portfolio_timeline_keeps_to_the_accounts_met_next_and_says_so(large_programme, monkeypatch):
    import json

    import pyarrow as pa

    from tests.pages.conftest import open_app

    app = open_app(large_programme[0], monkeypatch, PORTFOLIO)
    no_exception(app)
    assert "the timeline shows the 25 whose next meeting comes first" in texts(app)
    chart = app.get("vega_lite_chart")[0].proto
    tables = [pa.ipc.open_stream(dataset.data.data).read_pandas() for dataset in chart.datasets]
    points = next(table for table in tables if "account" in table)
    assert points["account"].nunique() == 25
    assert set(points.columns) <= {
        "on_date",
        "account",
        "status",
        "kind",
        "objective",
        "executives",
        "stakeholders",
        "status_label",
        "kind_label",
    }  # only what the chart shows goes to the browser
    assert json.loads(chart.spec)["height"] == 34 * 25
