"""The Return on investment page (pages/programme/roi.py) in AppTest: on the demo portfolio as a user
sees it on ``make run`` (its own business case: a programme started in 2024, account plans for the
coming years, paying back in its second year); on the demo with a business case of the test's own
(cleared first, tests/programme_case.py: one account's plan left out, named); and on an empty programme,
whose missing start year is named with the page to give it on."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from kam_core.common.text import md
from kam_core.documents import roi_exports
from kam_core.i18n import translate
from kam_core.programme.membership import programme_accounts, with_programme_since
from kam_core.programme.roi import compute_roi
from kam_core.programme.roi_inputs import read_roi_inputs
from kam_core.store import db
from kam_core.store.models import Account, AccountYear, Programme, RevenueAmbition
from kam_core.ui import routes
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, open_app, texts
from tests.programme_case import clear_business_case

START = 2024  # the demo's programme started two years before the tests' day, as the one set here
PLANNED_GROWTH = 0.08


def _members(url: str) -> list[tuple[int, int]]:
    """(account id, entry year) of the programme's accounts, in the account table's order."""
    from kam_core.portfolio.overview import account_table

    with db.session_scope(db.get_engine(url)) as session:
        start = session.get(Programme, 1).start_year
        members = programme_accounts(with_programme_since(session, account_table(session, TODAY)), start)
        return [(int(key), int(year)) for key, year in zip(members["account_id"], members["entry_year"], strict=True)]


def _business_case(url: str, plans: bool = True) -> list[int]:
    """A business case of the test's own on the demo's accounts (the demo's cleared first): the
    programme started in START over five years; every account in the programme gets a plan growing 8 % a
    year over its 2025 revenue (but the first one, whose plan is left out: named); returns the
    programme's accounts."""
    from kam_core.portfolio.overview import account_table

    clear_business_case(url)
    engine = db.get_engine(url)
    with db.session_scope(engine) as session:
        programme = session.get(Programme, 1)
        programme.start_year, programme.horizon_years = START, 5
        members = programme_accounts(with_programme_since(session, account_table(session, TODAY)), START)
        ids = [int(key) for key in members["account_id"]]
        last = {
            row.account_id: row.revenue
            for row in session.exec(select(AccountYear).where(AccountYear.year == TODAY.year - 1))
        }
        if plans:
            for account_id in ids[1:]:
                for year in range(TODAY.year, START + 5):
                    amount = (last.get(account_id) or 0.0) * (1 + PLANNED_GROWTH) ** (year - TODAY.year + 1)
                    session.add(RevenueAmbition(account_id=account_id, year=year, amount=round(amount)))
    return ids


def _open(url, monkeypatch, **query):
    return open_app(url, monkeypatch, routes.ROI.path, **query)


def _downloads(app) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


def test_the_page_shows_the_headline_the_j_curve_the_contributions_and_the_sensitivity(demo_url, monkeypatch):
    # the demo as it is: its own business case, nothing set by the test
    assert len(_members(demo_url)) >= 5
    with db.session_scope(db.get_engine(demo_url)) as session:
        result = compute_roi(read_roi_inputs(session, TODAY))
    assert result.payback_year == START + 1  # the demo's J curve: it pays back in its second year
    app = _open(demo_url, monkeypatch)
    no_exception(app)
    shown = texts(app)
    assert app.title[0].value == "Return on investment"
    assert "0% means the margin just pays for the cost" in shown  # what ROI means here, said on the page
    for key in ("roi.headline.payback", "roi.j_curve", "roi.contributions", "roi.sensitivity.title"):
        assert translate(key, "en") in shown, key
    assert "Returned so far (to 2025)" in shown
    assert "Cumulative ROI by 2028" in shown
    assert f">{START + 1}</div>" in shown  # the payback year, in the headline
    assert md(translate("roi.missing.start_year", "en")) not in shown
    helps = [element.proto.help for element in app.markdown if element.proto.help]
    assert any("(revenue − baseline) × margin" in text for text in helps)  # the ⓘ gives the formula
    assert any("the two lines of the J curve cross" in text for text in helps)
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2
    specs = json.dumps([chart.proto.spec for chart in charts])
    assert "Cumulative incremental margin" in specs and "Forecast" in specs
    assert "Carries the return" in specs
    sensitivity = next(frame.value for frame in app.dataframe if "case" in frame.value.columns)
    # every year of the horizon in its own row, with its ROI (the workbook's first sheet, on the page)
    years = next(frame.value for frame in app.dataframe if "Year" in frame.value.columns)
    assert list(years["Year"]) == [str(year) for year in range(TODAY.year - 3, TODAY.year + 3)]
    assert years["ROI of the year"].iloc[0] == "–" and years["ROI of the year"].iloc[1] != "–"  # year 0 costs nothing
    assert list(sensitivity["case"]) == [
        "Base case",
        "Organic growth -2 points",
        "Organic growth +2 points",
        "Margin -5 points",
        "Margin +5 points",
    ]
    assert _downloads(app) == ["Excel workbook", "Slide for the executive committee"]


def test_the_missing_plan_is_named_with_its_account_and_year_and_the_inputs_are_shown(demo_url, monkeypatch):
    ids = _business_case(demo_url)
    with db.session_scope(db.get_engine(demo_url)) as session:
        name = session.get(Account, ids[0]).name
    app = _open(demo_url, monkeypatch)
    no_exception(app)
    shown = texts(app)
    assert md(f"{name}: no revenue ambition in its plan for 2026") in shown
    assert md("Start year of the programme") + ": **2024**" in shown
    assert md("Company's organic growth per year") + ": **" + md("3.0%") + "**" in shown
    assert any(button.label == "Give it on Programme inputs" for button in app.button)
    assert any(button.label == "Change on Programme inputs" for button in app.button)
    accounts = app.dataframe[-1].value
    assert name in list(accounts["account"])
    assert all(link.startswith("account-record?account=") for link in accounts["record"])


def test_an_empty_programme_names_its_missing_start_year_and_opens_where_it_is_given(empty_url, monkeypatch):
    app = _open(empty_url, monkeypatch)
    no_exception(app)
    shown = texts(app)
    assert md(translate("roi.missing.start_year", "en")) in shown
    assert not app.get("vega_lite_chart")  # nothing to draw: no zero curve
    button = next(button for button in app.button if button.label == "Give it on Programme inputs")
    button.click().run()
    no_exception(app)
    inputs = getattr(routes, "INPUTS", routes.SETTINGS)
    assert app.title[0].value == translate(inputs.title, "en")


def test_a_missing_base_revenue_opens_the_accounts_record(demo_url, monkeypatch):
    # the demo's own business case, but for the revenue of the year before an account entered
    account_id = next(key for key, entry_year in _members(demo_url) if entry_year == START)
    with db.session_scope(db.get_engine(demo_url)) as session:
        gap = session.exec(
            select(AccountYear).where(AccountYear.account_id == account_id, AccountYear.year == START - 1)
        ).one()
        session.delete(gap)
        name = session.get(Account, account_id).name
    app = _open(demo_url, monkeypatch)
    no_exception(app)
    sentence = roi_exports.missing_text(
        type("Item", (), {"code": "baseline_revenue", "account": name, "year": START - 1, "kam": None, "kind": None}),
        "en",
    )
    assert md(sentence) in texts(app)
    labels = [button.label for button in app.button]
    index = labels.index("Give it on the account's record")
    app.button[index].click().run()
    no_exception(app)
    assert app.session_state["account_selector"] == account_id
    assert name in texts(app)


@pytest.mark.parametrize("language", ["fr"])
def test_the_page_in_french(demo_url, monkeypatch, language):
    app = _open(demo_url, monkeypatch, lang=language)
    no_exception(app)
    shown = texts(app)
    assert app.title[0].value == "Retour sur investissement"
    assert "Rapporté à ce jour (jusqu'à 2025)" in shown
    assert "Pas dans l'horizon" in shown or any(str(year) in shown for year in range(START, START + 5))
    assert _downloads(app) == ["Classeur Excel", "Diapositive pour le comité de direction"]


def test_a_programme_with_a_start_year_and_no_account_yet_shows_its_costs_and_says_so(empty_url, monkeypatch):
    with db.session_scope(db.get_engine(empty_url)) as session:
        session.get(Programme, 1).start_year = TODAY.year - 1
    app = _open(empty_url, monkeypatch)
    no_exception(app)
    shown = texts(app)
    assert translate("roi.no_accounts", "en") in shown
    assert "-100%" in shown  # a cost and no margin yet: the cumulative ROI says it
    assert len(app.get("vega_lite_chart")) == 1  # the J curve (the costs); no contribution chart
