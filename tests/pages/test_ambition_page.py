"""The Ambition and targets page under AppTest, with real writes on a copy of the demo: it renders the
ambition and the targets; a ready-made target is added with its baseline proposed from the data; a
custom one is added and given an actual; a bad value is refused with a message naming the field, and
what was typed stays; the ambition is written; a target is deleted after its confirmation; in the
room (presentation mode) nothing is editable until Edit is on. The demo may hold targets of its own: the
tests look at the ones they add."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from kam_core.portfolio.overview import account_table
from kam_core.programme import targets
from kam_core.store import db
from kam_core.store.models import Programme, ProgrammeTarget, TargetActual
from kam_core.ui import presentation, routes
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, texts

PAGE = routes.AMBITION.path


def _targets(url: str) -> list[ProgrammeTarget]:
    with Session(db.get_engine(url)) as session:
        return list(session.execute(select(ProgrammeTarget).order_by(ProgrammeTarget.id)).scalars())


def _new(url: str, before: list[ProgrammeTarget]) -> list[ProgrammeTarget]:
    known = {target.id for target in before}
    return [target for target in _targets(url) if target.id not in known]


def _board(url: str) -> targets.TargetBoard:
    with Session(db.get_engine(url)) as session:
        return targets.target_board(session, account_table(session, TODAY), TODAY)


def _view(url: str, target_id: int) -> targets.TargetView:
    return next(target for target in _board(url).targets if target.id == target_id)


def _submit(app, key_part: str):
    next(button for button in app.button if key_part in str(button.key)).click().run()
    no_exception(app)
    return app


def _errors(app) -> str:
    return " ".join(str(error.value) for error in app.error)


def test_the_page_renders_the_ambition_and_offers_the_ready_made_targets(demo_app):
    app = demo_app(PAGE)
    no_exception(app)
    shown = texts(app)
    assert "Ambition and targets" in shown
    assert "The company's ambition for its key accounts" in shown and "Final ambition: value co-creation" in shown
    assert "accounts in the programme today" in shown
    assert app.selectbox(key="add_metric").options == [
        "Share of revenue made with strategic accounts",
        "Strategic accounts' growth against organic growth",
        "Handshake agreed coverage",
        "Executive sponsor coverage",
        "Account plans filled",
        "Strategic accounts per KAM",
    ]
    assert "Proposed from your data:" in shown  # the revenue share's baseline, from the demo's revenue


def test_add_a_ready_made_target_with_its_baseline_proposed_from_the_data(demo_app, demo_url):
    before = _targets(demo_url)
    proposal = targets.propose(_board(demo_url), "sponsor_coverage")
    app = demo_app(PAGE)
    app.selectbox(key="add_metric").set_value("sponsor_coverage").run()
    no_exception(app)
    prefix = "add_sponsor_coverage_0"
    proposed = app.text_input(key=f"{prefix}_baseline_value").value
    assert proposed and float(proposed) == proposal.baseline_value  # this year's coverage, from the data
    assert app.number_input(key=f"{prefix}_baseline_year").value == proposal.baseline_year == 2026
    assert app.text_input(key=f"{prefix}_target_value").value == "100"
    assert app.text_input(key=f"{prefix}_name").value == "Executive sponsor coverage"
    _submit(app, prefix)
    assert "Target added." in texts(app)
    (added,) = _new(demo_url, before)
    assert (added.metric, added.unit, added.baseline_year) == ("sponsor_coverage", "%", 2026)
    assert (added.baseline_value, added.target_value, added.target_year) == (
        proposal.baseline_value,
        100.0,
        proposal.target_year,
    )
    view = _view(demo_url, added.id)
    assert view.latest == (2026, view.actuals[-1][1]) and view.status == "on_track"  # on its baseline
    shown = texts(app)
    assert "Executive sponsor coverage" in shown and "Baseline 2026" in shown
    assert f"Target {proposal.target_year}" in shown
    # the form starts blank again for the next one (the name proposed anew, not the one typed)
    assert app.text_input(key="add_sponsor_coverage_1_name").value == "Executive sponsor coverage"


def test_add_a_custom_target_then_its_actual(demo_app, demo_url):
    before = _targets(demo_url)
    app = demo_app(PAGE)
    prefix = "add_custom_0"
    app.text_input(key=f"{prefix}_name").input("Customer satisfaction (NPS)")
    app.text_input(key=f"{prefix}_unit").input("pts")
    app.text_input(key=f"{prefix}_baseline_value").input("22")
    app.number_input(key=f"{prefix}_baseline_year").set_value(2024)
    app.text_input(key=f"{prefix}_target_value").input("40,5")
    app.number_input(key=f"{prefix}_target_year").set_value(2027)
    _submit(app, prefix)
    (custom,) = _new(demo_url, before)
    assert (custom.metric, custom.name, custom.unit, custom.target_value) == (
        "custom",
        "Customer satisfaction (NPS)",
        "pts",
        40.5,
    )
    assert _view(demo_url, custom.id).status == "no_actual" and "No actual yet" in texts(app)
    editor = f"actuals_{custom.id}_0"
    app.session_state[editor] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [{"year": 2025, "value": 31}]}
    app.run()
    app.button(key=f"save_actuals_{custom.id}").click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        actuals = session.execute(
            select(TargetActual.year, TargetActual.value).where(TargetActual.target_id == custom.id)
        )
        assert actuals.all() == [(2025, 31.0)]
    view = _view(demo_url, custom.id)
    assert round(view.expected, 2) == 28.17 and view.status == "on_track"  # the line in 2025: 22 + 18.5 / 3
    assert "Actual 2025" in texts(app) and "31 pts" in texts(app)


def test_a_bad_value_is_named_and_what_was_typed_stays(demo_app, demo_url):
    before = _targets(demo_url)
    app = demo_app(PAGE)
    prefix = "add_custom_0"
    app.text_input(key=f"{prefix}_name").input("Joint innovations")
    app.text_input(key=f"{prefix}_baseline_value").input("two")
    app.text_input(key=f"{prefix}_target_value").input("8")
    app.number_input(key=f"{prefix}_baseline_year").set_value(2026)
    app.number_input(key=f"{prefix}_target_year").set_value(2025)
    _submit(app, prefix)
    errors = _errors(app)
    assert "Baseline value: “two” is not a number." in errors
    assert "Target year: 2025 is not allowed: a whole number from 2027 to 2100." in errors
    assert _targets(demo_url) == before
    assert app.text_input(key=f"{prefix}_baseline_value").value == "two"
    assert app.text_input(key=f"{prefix}_name").value == "Joint innovations"


def test_write_the_ambition(demo_app, demo_url):
    app = demo_app(PAGE)
    app.text_area(key="ambition_text").input("Grow with fewer, deeper customer relationships.\n\nHalf our growth.")
    app.text_area(key="ambition_final_text").input("Innovate with our strategic customers.")
    _submit(app, "ambition_form")
    assert "Ambition saved." in texts(app)
    shown = [str(element.value) for element in app.markdown]
    assert "#### Grow with fewer, deeper customer relationships." in shown and "#### Half our growth." in shown
    with Session(db.get_engine(demo_url)) as session:
        assert session.get(Programme, 1).final_ambition == "Innovate with our strategic customers."


def test_change_then_delete_a_target(demo_app, demo_url):
    engine = db.get_engine(demo_url)
    target_id = targets.create_target(
        engine,
        {
            "metric": "plans_filled",
            "name": "Plans filled",
            "baseline_value": 60,
            "baseline_year": 2025,
            "target_value": 90,
            "target_year": 2027,
        },
    )
    app = demo_app(PAGE)
    no_exception(app)
    app.text_input(key=f"target_{target_id}_name").input("Account plans complete")
    _submit(app, f"target_form_{target_id}")
    assert "Target saved." in texts(app)
    assert [target.name for target in _targets(demo_url) if target.id == target_id] == ["Account plans complete"]
    app.button(key=f"delete_{target_id}").click().run()
    assert "Delete “Account plans complete” and its actuals for good?" in " ".join(str(w.value) for w in app.warning)
    app.button(key=f"delete_yes_{target_id}").click().run()
    no_exception(app)
    assert "Target deleted." in texts(app)
    assert target_id not in {target.id for target in _targets(demo_url)}


def test_in_the_room_nothing_is_editable_until_edit_is_on(demo_app):
    app = demo_app(PAGE, present="1")
    no_exception(app)
    assert "Ambition and targets" in texts(app)
    assert not [button for button in app.button if "FormSubmitter" in str(button.key)]
    app.toggle(key=presentation.EDIT_KEY).set_value(True).run()
    no_exception(app)
    assert [button for button in app.button if "FormSubmitter" in str(button.key)]


def test_user_text_on_the_page_is_never_read_as_markdown(demo_url, monkeypatch):
    from tests.pages.conftest import open_app
    from tests.pages.test_user_text_markdown import poison, problems

    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        version = targets.read_ambition(session)["version"]
    targets.save_ambition(engine, {"ambition": "Grow\nwith fewer accounts", "final_ambition": "Co-create"}, version)
    custom = targets.create_target(
        engine,
        {
            "metric": "custom",
            "name": "Joint innovations",
            "unit": "projects",
            "baseline_value": 1,
            "baseline_year": 2024,
            "target_value": 6,
            "target_year": 2028,
        },
    )
    targets.save_actuals(engine, custom, [{"year": 2025, "value": 2}], [])
    poison(demo_url)  # the payload into every free text: the ambition, the target's name and unit
    app = open_app(demo_url, monkeypatch, PAGE)
    no_exception(app)
    assert "pwn" in texts(app)
    app.button(key=f"delete_{custom}").click().run()  # the confirmation names the target too
    no_exception(app)
    assert problems(app, "ambition") == []
