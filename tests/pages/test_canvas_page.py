"""The account strategy canvas under AppTest: every section renders, edits persist, bad input and
stale saves are refused with the input kept."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kam_core.account import sections
from kam_core.governance import access
from kam_core.store import db
from kam_core.store.models import Account, AccountPlan, Action, Competitor, Priority, Stakeholder
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, texts

CANVAS = "pages/account/canvas.py"


def _account(url: str, name_like: str = "Aerivon") -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account.id).where(Account.name.like(f"{name_like}%"))).first()


def _open(demo_app, url: str, account_id: int):
    app = demo_app(CANVAS, account=str(account_id))
    no_exception(app)
    return app


# The canvas heading whose Edit switch opens a section's table (the same name where not listed).
UNDER = {
    "years": "key_figures",
    "value_propositions": "value_proposition",
    "stakeholders": "buying_centre",
    "units": "white_space",
}


def _switch_on(app, heading: str, account_id: int):
    app.toggle(key=f"edit_{heading}_{account_id}").set_value(True).run()
    no_exception(app)
    return app


def _edit(app, section: str, account_id: int, **changes):
    if not app.session_state[f"edit_{UNDER.get(section, section)}_{account_id}"]:
        _switch_on(app, UNDER.get(section, section), account_id)
    app.session_state[f"editor_{section}_{account_id}_0"] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": [],
        **changes,
    }
    app.run()
    app.button(key=f"save_{section}_{account_id}").click().run()
    no_exception(app)
    return app


def test_every_section_renders_in_both_languages(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _open(demo_app, demo_url, account_id)
    headings = [h.value for h in app.subheader]
    for expected in (
        "Key figures",
        "The customer",
        "Customer priorities",
        "Value proposition",
        "SWOT of our position",
        "Competitors",
        "Buying centre",
        "White space",
        "3-year ambition",
        "Objectives",
        "Action plan",
    ):
        assert expected in headings
    app.radio(key="language").set_value("fr").run()
    no_exception(app)
    assert "Centre de décision" in [h.value for h in app.subheader]


def test_an_incomplete_plan_lists_what_is_missing_with_links(demo_app, demo_url):
    account_id = _account(demo_url, "Polarbyte")
    app = _open(demo_app, demo_url, account_id)
    shown = texts(app)
    assert "Still missing:" in shown
    assert "[Objectives](#plan-objectives)" in shown and "[Action plan](#plan-actions)" in shown


def test_a_priority_title_edit_persists(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _open(demo_app, demo_url, account_id)
    _edit(app, "priorities", account_id, edited_rows={0: {"title": "Win the ramp-up race"}})
    assert "Saved." in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        titles = session.exec(select(Priority.title).where(Priority.account_id == account_id)).all()
    assert "Win the ramp-up race" in titles


def test_adding_a_competitor_persists(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _open(demo_app, demo_url, account_id)
    _edit(
        app,
        "competitors",
        account_id,
        added_rows=[{"name": "Nordlys Controls", "share_pct": 5, "strengths": "Cheap retrofit kits"}],
    )
    with Session(db.get_engine(demo_url)) as session:
        added = session.exec(
            select(Competitor).where(Competitor.account_id == account_id, Competitor.name == "Nordlys Controls")
        ).one()
    assert added.share_pct == 5


def test_marking_an_action_done_records_the_day(demo_app, demo_url):
    account_id = _account(demo_url)
    frame = _section(demo_url, "actions", account_id)
    open_row = int(frame.index[frame["status"] != "done"][0])
    app = _open(demo_app, demo_url, account_id)
    _edit(app, "actions", account_id, edited_rows={open_row: {"status": "Done"}})
    with Session(db.get_engine(demo_url)) as session:
        action = session.get(Action, int(frame.loc[open_row, "id"]))
    assert action.status == "done" and action.done_on == TODAY


def test_a_stakeholder_role_and_influence_edit_persists(demo_app, demo_url):
    account_id = _account(demo_url)
    frame = _section(demo_url, "stakeholders", account_id)
    app = _open(demo_app, demo_url, account_id)
    _edit(app, "stakeholders", account_id, edited_rows={0: {"influence": 1, "role": "Gatekeeper"}})
    with Session(db.get_engine(demo_url)) as session:
        person = session.get(Stakeholder, int(frame.loc[0, "id"]))
    assert (person.influence, person.role) == (1, "gatekeeper")


def test_bad_input_names_the_row_and_field_and_saves_nothing(demo_app, demo_url):
    account_id = _account(demo_url)
    before = _section(demo_url, "competitors", account_id)
    app = _open(demo_app, demo_url, account_id)
    _edit(app, "competitors", account_id, edited_rows={0: {"share_pct": 150}})
    shown = texts(app)
    assert "Nothing was saved" in shown
    assert "Row 1, Estimated share (%):" in shown
    assert _section(demo_url, "competitors", account_id).equals(before)
    assert app.session_state[f"editor_competitors_{account_id}_0"]["edited_rows"] == {0: {"share_pct": 150}}


def test_a_stale_section_save_is_refused_and_the_input_kept(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _switch_on(_open(demo_app, demo_url, account_id), "priorities", account_id)  # the table shown
    frame = _section(demo_url, "priorities", account_id)
    rows = frame.to_dict("records")
    rows[0]["title"] = "Changed by a colleague"
    with access.acting_as(access.Actor("colleague@example.com", "editor", signed_in=True)):
        sections.save_section(db.get_engine(demo_url), "priorities", account_id, rows, today=TODAY)
    _edit(app, "priorities", account_id, edited_rows={0: {"title": "My own wording"}})
    assert "Someone else saved this section" in texts(app)
    assert "Last saved by colleague@example.com" in texts(app)
    assert "Changed by a colleague" in _section(demo_url, "priorities", account_id)["title"].tolist()
    assert app.session_state[f"editor_priorities_{account_id}_0"]["edited_rows"] == {0: {"title": "My own wording"}}


def test_the_customer_text_saves_and_a_stale_text_is_refused(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _switch_on(_open(demo_app, demo_url, account_id), "customer", account_id)
    app.text_area(key=f"business_{account_id}").input("Makes aerostructures for three airframers.")
    next(b for b in app.button if b.label == "Save" and "customer" in str(b.key)).click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        plan = session.exec(select(AccountPlan).where(AccountPlan.account_id == account_id)).one()
        assert plan.business == "Makes aerostructures for three airframers."
        version = plan.version
    sections.save_plan_text(db.get_engine(demo_url), account_id, {"markets": "Changed elsewhere"}, version)
    app.text_area(key=f"markets_{account_id}").input("My markets text")
    next(b for b in app.button if b.label == "Save" and "customer" in str(b.key)).click().run()
    assert "Someone else saved this" in texts(app)
    assert app.text_area(key=f"markets_{account_id}").value == "My markets text"


def test_key_figures_save(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _switch_on(_open(demo_app, demo_url, account_id), "key_figures", account_id)
    app.number_input(key=f"margin_{account_id}").set_value(31.5)
    next(b for b in app.button if "key_figures" in str(b.key)).click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Account, account_id).margin_pct == 31.5


def _section(url: str, section: str, account_id: int):
    with Session(db.get_engine(url)) as session:
        return sections.load_section(session, section, account_id)


@pytest.mark.parametrize(
    "section, column, value",
    [
        ("years", "revenue", 15_000_000.0),
        ("value_propositions", "what_we_bring", "A resident engineer on each line"),
        ("swot", "text", "Known by the new COO"),
        ("units", "name", "Composite plant, Seville"),
        ("white_space", "value", 2_500_000.0),
        ("objectives", "title", "Double the services revenue"),
    ],
)
def test_editing_each_other_section_persists(demo_app, demo_url, section, column, value):
    account_id = _account(demo_url)
    app = _open(demo_app, demo_url, account_id)
    _edit(app, section, account_id, edited_rows={0: {column: value}})
    assert "Saved." in texts(app)
    assert _section(demo_url, section, account_id).loc[0, column] == value


def test_saving_an_unchanged_section_writes_nothing(demo_app, demo_url):
    account_id = _account(demo_url)
    before = _section(demo_url, "objectives", account_id)
    app = _open(demo_app, demo_url, account_id)
    _edit(app, "objectives", account_id)
    assert "Nothing had changed." in texts(app)
    assert _section(demo_url, "objectives", account_id)["version"].tolist() == before["version"].tolist()


def test_the_canvas_reads_as_tables_until_a_section_is_switched_to_edit(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _open(demo_app, demo_url, account_id)
    assert not app.data_editor and not app.text_area and not app.number_input
    titles = _section(demo_url, "priorities", account_id)["title"].tolist()
    table = next(block.value for block in app.markdown if "| Rank | Priority |" in block.value)
    assert all(title in table for title in titles)
    app = _switch_on(app, "priorities", account_id)
    assert len(app.data_editor) == 1  # the priorities' table only
    _edit(app, "priorities", account_id, edited_rows={0: {"title": "Win the ramp-up race"}})
    app.toggle(key=f"edit_priorities_{account_id}").set_value(False).run()
    assert not app.data_editor
    assert "Win the ramp-up race" in next(block.value for block in app.markdown if "| Rank | Priority |" in block.value)


def test_an_empty_section_says_how_to_fill_it(demo_app, demo_url):
    account_id = _account(demo_url, "Polarbyte")
    assert _section(demo_url, "objectives", account_id).empty
    app = _open(demo_app, demo_url, account_id)
    assert "Nothing yet: switch on Edit to add it." in texts(app)


def test_a_table_with_changes_not_saved_keeps_its_edit_switch_on(demo_app, demo_url):
    account_id = _account(demo_url)
    app = _switch_on(_open(demo_app, demo_url, account_id), "priorities", account_id)
    app.session_state[f"editor_priorities_{account_id}_0"] = {
        "edited_rows": {0: {"title": "Typed, not saved"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.toggle(key=f"edit_priorities_{account_id}").set_value(False).run()
    no_exception(app)
    assert app.toggle(key=f"edit_priorities_{account_id}").value is True
    assert "This table holds changes not saved" in texts(app)
    assert app.session_state[f"editor_priorities_{account_id}_0"]["edited_rows"] == {0: {"title": "Typed, not saved"}}
    _edit(app, "priorities", account_id)  # saved: the switch goes off
    app.toggle(key=f"edit_priorities_{account_id}").set_value(False).run()
    assert app.toggle(key=f"edit_priorities_{account_id}").value is False and not app.data_editor
