"""The Programme inputs page under AppTest, on the demo portfolio: its sections and their anchors, a
help text on every input, real writes read back from the database, and a bad value refused with a
message naming the field and what it allows, what was typed kept on screen. The page is read on the
demo's own business case (as on ``make run``); the tests that write KAMs' costs, entry years or
ambitions and check what is stored start from a new programme's case (``new_case_app``: the demo's
cleared, tests/programme_case.py)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlmodel import Session

from kam_core.governance import access
from kam_core.i18n import translate
from kam_core.portfolio.overview import account_table
from kam_core.programme import business_case as case
from kam_core.programme import membership
from kam_core.store import db
from kam_core.store.models import Account, Kam, Programme, RevenueAmbition
from kam_core.ui import routes
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, texts
from tests.pages.test_save_refusals import LOCKED, _as_viewer, assert_busy, assert_locked, short_wait, write_lock
from tests.programme_case import clear_business_case

__all__ = ["short_wait"]  # a fixture of the refusals' tests, used here too

PAGE = routes.INPUTS.path
ANCHORS = ["start", "growth", "kam-costs", "executive-time", "other-costs", "accounts"]


@pytest.fixture
def new_case_app(demo_app, demo_url):
    """``demo_app`` on the demo with a new programme's business case: no start year, the inputs at their
    defaults, no KAM's own cost, no entry year, no revenue ambition."""
    clear_business_case(demo_url)
    return demo_app


def _case(url) -> case.BusinessCase:
    with Session(db.get_engine(url)) as session:
        return case.read_business_case(session)


def _submit(app, form: str):
    return app.button(key=f"FormSubmitter:{form}-Save").click().run()


def _errors(app) -> str:
    return "\n".join(str(error.value) for error in app.error)


def test_the_page_shows_its_sections_with_their_anchors_and_every_input_says_what_it_changes(demo_app):
    app = demo_app(PAGE)
    no_exception(app)
    assert app.title[0].value == "Programme inputs"
    assert [heading.proto.anchor for heading in app.subheader] == ANCHORS
    assert list(routes.INPUT_SECTIONS) == ANCHORS
    assert len(app.number_input) == 15
    for widget in app.number_input:
        assert widget.help and not widget.help.startswith("inputs."), widget.label
    assert app.number_input(key="inputs_start_year").value == 2024  # the demo's programme started in 2024
    assert "The programme's start year is not set" not in texts(app)
    assert len(app.dataframe) == 2  # the KAMs' own costs, the programme's accounts


def test_start_and_horizon_are_saved(new_case_app, demo_url):
    app = new_case_app(PAGE)
    assert "The programme's start year is not set" in texts(app)
    app.number_input(key="inputs_start_year").set_value(2024)
    app.number_input(key="inputs_horizon_years").set_value(6)
    _submit(app, "inputs_start")
    no_exception(app)
    assert "Saved: the ROI is computed with these inputs from now on." in texts(app)
    saved = _case(demo_url)
    assert (saved.start_year, saved.horizon_years) == (2024, 6)
    assert "The programme's start year is not set" not in texts(app)


def test_a_bad_start_year_names_the_field_and_what_is_allowed_and_keeps_what_was_typed(demo_app, demo_url):
    before = _case(demo_url)
    app = demo_app(PAGE)
    app.number_input(key="inputs_start_year").set_value(1800)
    _submit(app, "inputs_start")
    no_exception(app)
    assert "Start year: 1800 is not allowed: a whole number from 1990 to 2100." in _errors(app)
    assert app.number_input(key="inputs_start_year").value == 1800
    assert _case(demo_url) == before


def test_a_negative_cost_names_the_field_with_its_limits_written_for_a_reader(demo_app, demo_url):
    before = _case(demo_url)
    app = demo_app(PAGE)
    app.number_input(key="inputs_training_cost").set_value(-5.0)
    app.number_input(key="inputs_events_cost").set_value(80000.0)
    _submit(app, "inputs_other")
    no_exception(app)
    assert "Training (yearly): -5 is outside the allowed range, 0 to 1,000,000,000." in _errors(app)
    assert app.number_input(key="inputs_training_cost").value == -5.0
    assert _case(demo_url) == before  # the good value beside it is not saved either


def test_growth_margin_costs_and_meeting_hours_are_saved(demo_app, demo_url):
    app = demo_app(PAGE)
    app.number_input(key="inputs_organic_growth_pct").set_value(2.5)
    _submit(app, "inputs_growth")
    app.number_input(key="inputs_kam_yearly_cost").set_value(165000.0)
    _submit(app, "inputs_kams")
    app.number_input(key="inputs_hours_visit").set_value(10.0)
    app.number_input(key="inputs_executive_hour_cost").set_value(300.0)
    _submit(app, "inputs_executives")
    no_exception(app)
    assert not app.error
    saved = _case(demo_url)
    assert (saved.organic_growth_pct, saved.kam_yearly_cost, saved.executive_hour_cost) == (2.5, 165000.0, 300.0)
    assert saved.meeting_hours["visit"] == 10.0
    with Session(db.get_engine(demo_url)) as session:
        stored = session.execute(select(Programme.meeting_hours)).scalar_one()  # the JSON text as stored
    assert json.loads(stored)["visit"] == 10.0


def test_a_save_after_someone_elses_is_refused_and_keeps_the_input(demo_app, demo_url):
    app = demo_app(PAGE)
    read = _case(demo_url)
    case.save_business_case(db.get_engine(demo_url), {"default_margin_pct": 30}, read.version)  # a colleague
    app.number_input(key="inputs_default_margin_pct").set_value(22.0)
    _submit(app, "inputs_growth")
    no_exception(app)
    assert "Someone else saved the programme's inputs" in _errors(app)
    assert app.number_input(key="inputs_default_margin_pct").value == 22.0
    assert _case(demo_url).default_margin_pct == 30
    _submit(app, "inputs_growth")  # saving again, knowingly, replaces theirs
    assert _case(demo_url).default_margin_pct == 22


def test_a_kams_own_cost_is_saved_and_a_bad_one_names_its_row_and_column(new_case_app, demo_url):
    app = new_case_app(PAGE)
    app.session_state["inputs_kam_table_0"] = {
        "edited_rows": {0: {"yearly_cost": 175000}, 1: {"programme_share_pct": 140}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="save_inputs_kam_table").click().run()
    no_exception(app)
    assert "Row 2, Own share of time (%): 140 is outside the allowed range, 0 to 100." in _errors(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.scalars(select(Kam.yearly_cost).where(Kam.yearly_cost.is_not(None))).all() == []
    app.session_state["inputs_kam_table_0"] = {
        "edited_rows": {0: {"yearly_cost": 175000}, 1: {"programme_share_pct": 60}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="save_inputs_kam_table").click().run()
    no_exception(app)
    assert not app.error
    with Session(db.get_engine(demo_url)) as session:
        assert session.scalars(select(Kam.yearly_cost).where(Kam.yearly_cost.is_not(None))).all() == [175000.0]
        assert session.scalars(select(Kam.programme_share_pct).where(Kam.programme_share_pct.is_not(None))).all() == [
            60.0
        ]


def _table(url):
    with Session(db.get_engine(url)) as session:
        return membership.with_programme_since(session, account_table(session, TODAY))


def _first_member(url) -> tuple[int, str]:
    first = membership.programme_accounts(_table(url), None).sort_values(["name", "account_id"]).iloc[0]
    return int(first["account_id"]), first["name"]


def test_an_accounts_entry_year_margin_and_ambitions_are_saved(new_case_app, demo_url):
    account_id, _ = _first_member(demo_url)
    app = new_case_app(PAGE)
    app.session_state["inputs_account_table_0"] = {
        "edited_rows": {
            0: {"programme_since": 2025, "margin_pct": 18.5, "ambition_2026": 2_000_000, "ambition_2027": 2_300_000}
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="save_inputs_account_table").click().run()
    no_exception(app)
    assert not app.error
    with Session(db.get_engine(demo_url)) as session:
        account = session.get(Account, account_id)
        ambitions = session.scalars(select(RevenueAmbition).where(RevenueAmbition.account_id == account_id)).all()
    assert (account.programme_since, account.margin_pct) == (2025, 18.5)
    assert {row.year: row.amount for row in ambitions} == {2026: 2_000_000.0, 2027: 2_300_000.0}


def test_in_french_a_decimal_comma_is_read_and_a_bad_ambition_is_named_in_french(new_case_app, demo_url):
    account_id, _ = _first_member(demo_url)
    app = new_case_app(PAGE)
    app.radio(key="language").set_value("fr").run()
    no_exception(app)
    assert app.title[0].value == "Hypothèses du programme"
    app.session_state["inputs_account_table_0"] = {
        "edited_rows": {0: {"margin_pct": "18,5", "ambition_2028": "-3"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="save_inputs_account_table").click().run()
    no_exception(app)
    assert "Ligne 1, Ambition 2028" in _errors(app)
    app.session_state["inputs_account_table_0"] = {
        "edited_rows": {0: {"margin_pct": "18,5", "ambition_2028": "2500000"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="save_inputs_account_table").click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        account = session.get(Account, account_id)
        amounts = session.scalars(select(RevenueAmbition.amount).where(RevenueAmbition.account_id == account_id)).all()
    assert account.margin_pct == 18.5 and amounts == [2_500_000.0]


def test_the_account_chosen_in_the_sidebar_is_entered_in_the_programme_by_hand(demo_app, demo_url):
    table = _table(demo_url)
    members = set(membership.programme_account_ids(table, None))
    outside = next(
        (int(row.account_id), row.name)
        for row in table.itertuples()
        if row.status == "active" and int(row.account_id) not in members
    )
    app = demo_app(PAGE, account=str(outside[0]))
    no_exception(app)
    assert "is not in the programme" in texts(app)
    app.number_input(key="inputs_enter_year").set_value(2026)
    app.button(key="FormSubmitter:inputs_enter-Enter it in the programme").click().run()
    no_exception(app)
    assert "is in the programme now." in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Account, outside[0]).programme_since == 2026
    frame = app.dataframe[-1].value
    assert outside[1] in set(frame["name"])


def _scrolls(app) -> list[str]:
    """The scripts of the run that scroll to a section."""
    return [element.proto.body for element in app.get("html") if "scrollIntoView" in element.proto.body]


def test_a_link_to_a_section_scrolls_there_once_and_only_to_a_section_of_the_page(demo_app):
    app = demo_app(PAGE, section="growth")
    no_exception(app)
    scripts = _scrolls(app)
    assert len(scripts) == 1 and '"growth"' in scripts[0]
    assert routes.SECTION_PARAM not in app.query_params
    app.run()
    assert not _scrolls(app)
    app = demo_app(PAGE, section='x"</script><script>alert(1)')
    no_exception(app)
    assert not _scrolls(app)


def test_in_presentation_mode_the_page_waits_for_edit(demo_app):
    app = demo_app(PAGE, present="1")
    no_exception(app)
    assert not app.number_input and not app.dataframe
    assert "Switch Edit on" in texts(app)


# --- refusals: a busy database, someone else's save, a role (as tests/pages/test_save_refusals.py) -----


@pytest.mark.sqlite_only(LOCKED)
def test_inputs_saved_while_the_database_is_locked_say_busy_and_keep_what_was_typed(new_case_app, demo_url, short_wait):
    before = _case(demo_url)
    app = new_case_app(PAGE)
    typed = {0: {"ambition_2026": 3_000_000}}
    app.session_state["inputs_account_table_0"] = {"edited_rows": typed, "added_rows": [], "deleted_rows": []}
    app.run()
    app.number_input(key="inputs_tools_cost").set_value(12345.0)
    with write_lock(demo_url):
        _submit(app, "inputs_other")
        assert_busy(app, demo_url)
        app.button(key="save_inputs_account_table").click().run()
        assert_busy(app, demo_url)
    assert app.number_input(key="inputs_tools_cost").value == 12345.0
    assert app.session_state["inputs_account_table_0"]["edited_rows"] == typed
    assert _case(demo_url) == before
    with Session(db.get_engine(demo_url)) as session:
        assert not session.scalars(select(RevenueAmbition)).all()


def test_a_stale_accounts_save_is_refused_with_a_reload_and_the_input_kept(new_case_app, demo_url):
    account_id, _ = _first_member(demo_url)
    app = new_case_app(PAGE)
    typed = {0: {"ambition_2026": 3_000_000}}
    app.session_state["inputs_account_table_0"] = {"edited_rows": typed, "added_rows": [], "deleted_rows": []}
    app.run()
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        rows = case.account_inputs(session, membership.programme_accounts(_table(demo_url), None), (2026, 2027, 2028))
    rows = rows.to_dict("records")
    rows[0] |= {"ambition_2026": 2_800_000}
    with access.acting_as(access.Actor("colleague@example.com", "editor", signed_in=True)):
        case.save_account_inputs(engine, rows, (2026, 2027, 2028))
    app.button(key="save_inputs_account_table").click().run()
    no_exception(app)
    assert "Someone else saved" in texts(app) and "colleague@example.com" in texts(app)
    assert app.session_state["inputs_account_table_0"]["edited_rows"] == typed
    assert any(button.key == "reload_inputs_account_table" for button in app.button)
    with Session(engine) as session:
        amounts = session.scalars(select(RevenueAmbition.amount).where(RevenueAmbition.account_id == account_id)).all()
    assert amounts == [2_800_000.0]


def test_a_viewer_finds_every_save_disabled_and_is_told_why(demo_url, monkeypatch):
    app = _as_viewer(demo_url, monkeypatch, PAGE)
    no_exception(app)
    for key in ("save_inputs_kam_table", "save_inputs_account_table"):
        assert_locked(app.button(key=key))
    forms = [button for button in app.button if button.key.startswith("FormSubmitter:inputs_")]
    assert len(forms) == 5
    for button in forms:
        assert button.disabled and button.help == translate("auth.needs_admin", "en", role="Viewer")
