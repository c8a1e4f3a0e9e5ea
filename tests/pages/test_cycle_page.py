"""Yearly cycle and budget (pages/programme/cycle.py), through the real app on the demo: the page draws,
the company's dates and the offsets are saved from it, a bad offset is refused naming its field with
what was typed kept, a late line opens the page that fixes it on its account, and the budget line is
reconciled with the plans' ambitions. The day is the tests' pinned one (26 Nov 2026).

The page is read on the demo's own business case (its company dates ahead, next year's budget line
against its plans, as on ``make run``); the tests of what a programme shows and saves before its dates
and budget line are given start from a new programme's case (``new_case_app``: the demo's cleared,
tests/programme_case.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from kam_core.common import formatting as fmt
from kam_core.programme import budget, cycle
from kam_core.store import db
from kam_core.store.models import Account, Programme, RevenueAmbition
from kam_core.ui import routes
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, texts
from tests.programme_case import clear_business_case

PAGE = routes.CYCLE.path


@pytest.fixture
def new_case_app(demo_app, demo_url):
    """``demo_app`` on the demo with a new programme's business case: no company dates, no budget line,
    no revenue ambition, the offsets at their defaults."""
    clear_business_case(demo_url)
    return demo_app


def _change(app):
    """Switch on the forms (shown by themselves only while a company date is missing)."""
    app.toggle(key="cycle_change").set_value(True).run()
    return app


def _calendar(url: str) -> cycle.Calendar:
    with Session(db.get_engine(url)) as session:
        return cycle.read_calendar(session)


def _submit(app, form: str):
    next(button for button in app.button if "FormSubmitter" in str(button.key) and form in str(button.key)).click()
    app.run()
    return app


def _lines(url: str):
    """The cycle's lines of the demo as the page's reader computes them (through the same rules)."""
    from kam_core.portfolio import overview
    from kam_core.programme import membership

    with Session(db.get_engine(url)) as session:
        table = membership.with_programme_since(session, overview.account_table(session, TODAY))
        accounts = membership.programme_accounts(table, None)
        facts = cycle.read_cycle_facts(session, TODAY)
        return cycle.account_lines(accounts, facts, cycle.read_calendar(session), TODAY)


def test_the_demos_page_follows_its_dates_and_reconciles_its_budget_line_with_its_plans(demo_app, demo_url):
    # the demo as it is: its own company dates, budget line and plans, nothing set by the test
    with Session(db.get_engine(demo_url)) as session:
        programme = session.get(Programme, 1)
        year, line = programme.budget_year, programme.budget_amount
    accounts = set(_lines(demo_url)["account_id"])
    with Session(db.get_engine(demo_url)) as session:
        ambitions = budget.read_ambitions(session, year)
    assert year == TODAY.year + 1 and accounts <= set(ambitions)  # every account of the programme has a plan
    planned = sum(amount for account_id, amount in ambitions.items() if account_id in accounts)
    app = demo_app(PAGE)
    no_exception(app)
    shown = texts(app)
    assert "give the company's date" not in shown and "No budget year yet" not in shown
    assert not app.date_input  # the forms wait to be asked for
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[f"Sum of the plans' ambitions {year}"] == fmt.money(planned, "EUR", "en")
    assert metrics[f"Budget line {year}"] == fmt.money(line, "EUR", "en")
    assert line > planned and metrics["Coverage"] == fmt.ratio(planned / line, "en")  # the line asks a little more
    assert not any("no revenue ambition" in element.value for element in app.warning)
    _change(app)
    no_exception(app)
    assert app.date_input(key="cycle_strategic_plan_on").value > TODAY  # the company's dates, ahead
    assert app.number_input(key="budget_year").value == year


def test_the_page_draws_and_names_the_missing_dates(new_case_app):
    app = new_case_app(PAGE)
    no_exception(app)
    assert app.title[0].value == "Yearly cycle and budget"
    shown = texts(app)
    assert "give the company's date for Strategic plan, Budget freeze below" in shown
    assert "No budget year yet" in shown
    # without the company's dates only the QBRs are followed: the plan and handshake figures say why
    assert [metric.label for metric in app.metric][:4] == [
        "Plans updated this cycle",
        "Handshakes presented",
        "QBRs held in Q4 2026",
        "QBRs held in Q3 2026",
    ]


def test_saving_the_companys_dates_and_an_offset(new_case_app, demo_url):
    app = new_case_app(PAGE)
    app.date_input(key="cycle_strategic_plan_on").set_value(date(2027, 3, 31))
    app.date_input(key="cycle_budget_on").set_value(date(2026, 12, 20))
    app.number_input(key="cycle_offset_plans_due").set_value(-60)
    _submit(app, "cycle_calendar_form")
    no_exception(app)
    assert "The calendar is saved." in [element.value for element in app.success]
    saved = _calendar(demo_url)
    assert (saved.strategic_plan_on, saved.budget_on) == (date(2027, 3, 31), date(2026, 12, 20))
    assert saved.offsets == {**cycle.DEFAULT_OFFSETS, "plans_due": -60}
    assert "give the company's date" not in texts(app)


def test_a_bad_offset_is_refused_naming_its_field_and_keeps_what_was_typed(demo_app, demo_url):
    before = _calendar(demo_url)  # the demo's own dates
    app = _change(demo_app(PAGE))
    app.date_input(key="cycle_strategic_plan_on").set_value(date(2027, 3, 31))
    app.number_input(key="cycle_offset_handshakes_presented").set_value(400)
    _submit(app, "cycle_calendar_form")
    no_exception(app)
    errors = [element.value for element in app.error]
    assert errors == [
        "Handshakes presented: days from the budget freeze: 400 is not allowed: a whole number from -365 to 365."
    ]
    assert _calendar(demo_url) == before  # nothing saved, the date neither
    assert app.number_input(key="cycle_offset_handshakes_presented").value == 400
    assert app.date_input(key="cycle_strategic_plan_on").value == date(2027, 3, 31)


def test_a_late_line_opens_the_page_that_fixes_it_on_its_account(demo_app, demo_url):
    calendar = _calendar(demo_url)
    # the budget frozen on 20 Dec: handshakes due on 20 Nov, six days before the pinned day
    cycle.save_calendar(db.get_engine(demo_url), date(2027, 3, 31), date(2026, 12, 20), {}, calendar.version)
    late = cycle.late(_lines(demo_url))
    handshake = late[late["item"] == "handshake"].iloc[0]
    qbr = late[late["item"] == "qbr"].iloc[0]
    app = demo_app(PAGE)
    no_exception(app)
    said = [line.value for line in app.markdown if "No handshake presented by 20 Nov 2026" in line.value]
    # the line says which account, what is late and which page its button opens
    assert any(handshake["name"] in line and line.endswith("→ Handshake") for line in said)
    button = app.button(key=f"late_handshake__{handshake.account_id}")
    assert button.label == "Open"
    button.click().run()
    no_exception(app)
    assert app.title[0].value == f"Handshake — {handshake['name']}"
    assert app.session_state["account_selector"] == handshake.account_id
    app = demo_app(PAGE)
    app.button(key=f"late_qbr_{qbr.period}_{qbr.account_id}").click().run()
    no_exception(app)
    assert app.session_state["account_selector"] == qbr.account_id
    assert app.title[0].value.startswith("Executive plan")


def test_the_budget_line_against_the_plans_ambitions(new_case_app, demo_url):
    accounts = _lines(demo_url).drop_duplicates("account_id")[["account_id", "name"]]
    first, second = (int(account_id) for account_id in accounts["account_id"][:2])
    with db.session_scope(db.get_engine(demo_url)) as session:
        session.add_all(
            [
                RevenueAmbition(account_id=first, year=2027, amount=3_000_000.0),
                RevenueAmbition(account_id=second, year=2027, amount=1_500_000.0),
            ]
        )
    app = new_case_app(PAGE)
    app.number_input(key="budget_year").set_value(2027)
    app.number_input(key="budget_amount").set_value(5_000_000.0)
    _submit(app, "cycle_budget_form")
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        line = budget.read_budget_line(session)
    assert (line.year, line.amount) == (2027, 5_000_000.0)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Sum of the plans' ambitions 2027"] == "€4.5M"
    assert metrics["Budget line 2027"] == "€5.0M"
    assert metrics["Gap"] == "-€500.0k"  # 4.5 M − 5.0 M, in the compact form a quarter-width tile holds
    assert metrics["Coverage"] == "90%"
    others = len(accounts) - 2
    with Session(db.get_engine(demo_url)) as session:
        named = session.exec(select(Account.name).where(Account.id.in_([int(i) for i in accounts["account_id"][2:]])))
        named = list(named)
    warning = next(element.value for element in app.warning if "no revenue ambition for 2027" in element.value)
    assert warning.startswith(f"{others} account(s) in the programme")
    assert all(name in warning for name in named[: min(others, 12)])


def test_a_budget_line_without_its_year_is_refused_naming_the_year(new_case_app):
    # no budget year yet: AppTest cannot empty a number box holding a year (it sends no value: the year stays)
    app = new_case_app(PAGE)
    app.number_input(key="budget_year").set_value(None)
    app.number_input(key="budget_amount").set_value(1_000_000.0)
    _submit(app, "cycle_budget_form")
    assert [element.value for element in app.error] == ["Budget year: a value is required."]
    assert app.number_input(key="budget_amount").value == 1_000_000.0


def test_the_page_in_french(demo_app, demo_url):
    calendar = _calendar(demo_url)
    cycle.save_calendar(db.get_engine(demo_url), date(2027, 3, 31), date(2026, 12, 20), {}, calendar.version)
    app = demo_app(PAGE, lang="fr")
    no_exception(app)
    assert app.title[0].value == "Cycle annuel et budget"
    labels = [button.label for button in app.button if str(button.key).startswith("late_handshake_")]
    assert labels and all(label == "Ouvrir" for label in labels)
    assert any("Aucun Handshake présenté au 20 nov. 2026" in line.value for line in app.markdown)
