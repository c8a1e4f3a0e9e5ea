"""The workshop pages under AppTest: the facilitator builds an agenda, starts, sees the room's votes,
commits the consensus and records a decision; a participant joins with the code and votes. Real writes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from kam_core.governance import access
from kam_core.portfolio import scoring
from kam_core.store import db
from kam_core.store.models import Action, Score
from kam_core.ui import readers
from kam_core.workshop import agenda, sessions, votes
from tests.pages.conftest import no_exception, open_app, texts

WORKSHOP = "pages/portfolio/workshop.py"
JOIN = "pages/portfolio/join.py"
PERIOD = "2026-Q4"


def _session(url, accounts=3):
    engine = db.get_engine(url)
    view = sessions.create_session(engine, "Q4 review", PERIOD, "me")
    with Session(engine) as session:
        table, thresholds = agenda.portfolio_table(session, PERIOD, date(2026, 11, 26))
    chosen = [int(a) for a in table.sort_values("name")["account_id"][:accounts]]
    view = sessions.set_agenda(engine, view.id, [(a, 5) for a in chosen], view.version)
    return engine, view, chosen


def test_the_facilitator_creates_a_session_and_builds_an_agenda_of_movers(demo_url, monkeypatch):
    app = open_app(demo_url, monkeypatch, WORKSHOP)
    no_exception(app)
    app.text_input(key="workshop_new_title").input("Q4 review")
    app.button[[b.label for b in app.button].index("Create")].click().run()
    no_exception(app)
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        [made] = sessions.list_sessions(session)
    assert made.title == "Q4 review" and sessions.is_code(made.join_code)
    app.segmented_control(key=f"workshop_builder_{made.id}").set_value("movers").run()
    proposed = app.multiselect(key=f"workshop_accounts_{made.id}").value
    with Session(engine) as session:
        table, thresholds = agenda.portfolio_table(session, PERIOD, date(2026, 11, 26))
    assert proposed and proposed == agenda.movers(table)
    app.number_input(key=f"workshop_minutes_{made.id}").set_value(4)
    app.button(key="workshop_save_agenda").click().run()
    no_exception(app)
    with Session(engine) as session:
        stored = sessions.read_session(session, made.id)
    assert [(i.account_id, i.minutes) for i in stored.items] == [(a, 4) for a in proposed]
    app.button(key="workshop_start").click().run()
    no_exception(app)
    assert stored.items[0].name in texts(app)


def test_the_facilitator_sees_the_votes_and_commits_the_median_with_the_spread(demo_url, monkeypatch):
    engine, view, accounts = _session(demo_url)
    view = sessions.move_to(engine, view.id, 0, None)
    with Session(engine) as session:
        criteria = scoring.list_criteria(session, include_inactive=False)
    first = criteria[0]
    for name, value in (("Ana", 3), ("Bob", 4), ("Chloé", 9)):
        person = votes.join_session(engine, view.id, name)
        votes.cast_votes(engine, person.token, accounts[0], {first.id: value})
    app = open_app(demo_url, monkeypatch, WORKSHOP, session=str(view.id))
    no_exception(app)
    beside = app.get("markdown")
    spread = next(m.value for m in beside if "3 votes" in m.value)  # beside the first criterion's slider
    assert spread == "3 votes  \n3.0 – **4.0** – 9.0  \n:orange[Chloé]"  # Chloé's 9 is 5 points from the median
    # the slider starts on the room's median; every criterion is on the page
    slider = app.select_slider(key=f"ws_{view.id}_{accounts[0]}_{first.id}")
    assert slider.value == 4.0
    assert len(app.select_slider) == len(criteria)
    app.button(key="workshop_commit").click().run()
    no_exception(app)
    with Session(engine) as session:
        score = session.execute(
            select(Score).where(Score.account_id == accounts[0], Score.criterion_id == first.id, Score.period == PERIOD)
        ).scalar_one()
    assert score.value == 4.0
    assert "3 votes, min 3, median 4, max 9; outliers: Chloé (9)" in score.rationale


def test_the_decision_needs_a_reason_when_the_segment_changes_and_creates_actions(demo_url, monkeypatch):
    engine, view, accounts = _session(demo_url)
    view = sessions.move_to(engine, view.id, 0, None)
    item = view.items[0]
    app = open_app(demo_url, monkeypatch, WORKSHOP, session=str(view.id))
    app.radio(key=f"decision_{item.id}").set_value("changed")
    current = app.selectbox(key=f"decision_segment_{item.id}").value
    other = "develop" if current != "develop" else "maintain"
    app.selectbox(key=f"decision_segment_{item.id}").set_value(other)
    app.text_input(key=f"action_title_{item.id}_0").input("Plan a top-to-top")
    app.text_input(key=f"action_owner_{item.id}_0").input("Marie")
    app.date_input(key=f"action_due_{item.id}_0").set_value(date(2027, 1, 15))
    submit = [b for b in app.button if b.label == "Record the decision"][0]
    submit.click().run()
    no_exception(app)
    assert "say why the segment changes" in texts(app)
    with Session(engine) as session:
        assert sessions.read_session(session, view.id).items[0].decision is None
    app.text_input(key=f"decision_reason_{item.id}").input("New CEO")
    [b for b in app.button if b.label == "Record the decision"][0].click().run()
    no_exception(app)
    with Session(engine) as session:
        stored = sessions.read_session(session, view.id).items[0]
        titles = session.execute(select(Action.title).where(Action.account_id == accounts[0])).scalars().all()
    assert (stored.decision, stored.segment_after, stored.reason) == ("changed", other, "New CEO")
    assert "Plan a top-to-top" in titles


def test_a_participant_joins_with_the_code_and_votes_with_a_tap(demo_url, monkeypatch):
    engine, view, accounts = _session(demo_url)
    app = open_app(demo_url, monkeypatch, JOIN, code=view.join_code.lower())
    no_exception(app)
    app.text_input(key="join_name").input("Ana")
    [b for b in app.button if b.label == "Join"][0].click().run()
    no_exception(app)
    assert "has not started yet" in texts(app)
    token = app.query_params["p"]
    token = token[0] if isinstance(token, list) else token
    sessions.move_to(engine, view.id, 0, None)
    app.run()
    with Session(engine) as session:
        criteria = scoring.list_criteria(session, include_inactive=False)
    key = f"vote_{view.id}_{accounts[0]}_{criteria[0].id}"
    generation = readers.generation()
    app.button_group(key=key).set_value(7).run()
    assert readers.generation() == generation  # a vote leaves the programme's cached reads in place
    no_exception(app)
    with Session(engine) as session:
        assert votes.own_votes(session, token, accounts[0]) == {criteria[0].id: 7.0}
        spreads = votes.room_spreads(session, view.id, accounts[0])
    assert spreads[criteria[0].id].votes == 1


def test_an_unknown_code_is_said(demo_url, monkeypatch):
    app = open_app(demo_url, monkeypatch, JOIN, code="ZZZZZZ")
    no_exception(app)
    assert "No open workshop has the code ZZZZZZ" in texts(app)


def test_a_slider_follows_the_room_until_the_facilitator_moves_it(demo_url, monkeypatch):
    engine, view, accounts = _session(demo_url)
    view = sessions.move_to(engine, view.id, 0, None)
    with Session(engine) as session:
        criteria = scoring.list_criteria(session, include_inactive=False)
    first, second = criteria[0], criteria[1]
    app = open_app(demo_url, monkeypatch, WORKSHOP, session=str(view.id))
    moved = app.select_slider(key=f"ws_{view.id}_{accounts[0]}_{first.id}").set_value(1.5).run()
    ana = votes.join_session(engine, view.id, "Ana")
    votes.cast_votes(engine, ana.token, accounts[0], {first.id: 9, second.id: 8.5})
    app.run()
    no_exception(app)
    assert moved.select_slider(key=f"ws_{view.id}_{accounts[0]}_{first.id}").value == 1.5  # the facilitator's
    assert app.select_slider(key=f"ws_{view.id}_{accounts[0]}_{second.id}").value == 8.5  # the room's median
    app.button(key="workshop_follow").click().run()
    assert app.select_slider(key=f"ws_{view.id}_{accounts[0]}_{first.id}").value == 9.0


def test_with_sign_in_a_viewer_joins_as_themselves_and_votes_but_cannot_facilitate(demo_url, monkeypatch):
    from tests.pages.test_access_pages import _grant, _signed_in

    engine, view, accounts = _session(demo_url)
    with access.acting_as(access.SYSTEM):
        sessions.move_to(engine, view.id, 0, None)
    _grant(demo_url, ada_admin="admin", vera_viewer="viewer")
    app = _signed_in(demo_url, monkeypatch, "vera@viewer.example.com", JOIN, code=view.join_code)
    no_exception(app)
    assert not [w for w in app.text_input if w.key == "join_name"]  # the signed-in address is the name
    [b for b in app.button if b.label == "Join"][0].click().run()
    no_exception(app)
    token = app.query_params["p"]
    token = token[0] if isinstance(token, list) else token
    with Session(engine) as session:
        criteria = scoring.list_criteria(session, include_inactive=False)
        assert votes.participant_of(session, token).name == "vera@viewer.example.com"
    app.button_group(key=f"vote_{view.id}_{accounts[0]}_{criteria[0].id}").set_value(4).run()
    no_exception(app)
    with Session(engine) as session:
        assert votes.own_votes(session, token, accounts[0]) == {criteria[0].id: 4.0}
    facilitator = _signed_in(demo_url, monkeypatch, "vera@viewer.example.com", WORKSHOP, session=str(view.id))
    no_exception(facilitator)
    assert facilitator.button(key="workshop_commit").disabled
    assert facilitator.button(key="workshop_next").disabled


def _deferred_builders(monkeypatch) -> dict:
    """What a deferred download button would build when clicked, by file name: AppTest's media manager
    lives for one run, so the builders are caught as the page hands them over."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    caught = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, callable_, mimetype, coordinates, file_name=None, **kwargs):
        caught[file_name] = callable_
        return original(self, callable_, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return caught


def test_the_minutes_come_as_word_and_a_slide_once_an_account_is_reviewed(demo_url, monkeypatch):
    import io

    import docx
    import pptx

    builders = _deferred_builders(monkeypatch)
    engine, view, accounts = _session(demo_url)
    view = sessions.move_to(engine, view.id, 0, None)
    item = view.items[0]
    app = open_app(demo_url, monkeypatch, WORKSHOP, session=str(view.id))
    assert not app.get("download_button")  # nothing reviewed yet: no minutes
    app.button(key="workshop_commit").click().run()
    app.radio(key=f"decision_{item.id}").set_value("confirmed")
    app.text_input(key=f"decision_reason_{item.id}").input("Sponsor renewed")
    app.text_input(key=f"action_title_{item.id}_0").input("Send the account plan")
    app.text_input(key=f"action_owner_{item.id}_0").input("Marie")
    app.date_input(key=f"action_due_{item.id}_0").set_value(date(2027, 1, 15))
    [b for b in app.button if b.label == "Record the decision"][0].click().run()
    no_exception(app)
    assert "Decision recorded, 1 actions created." in texts(app)
    buttons = {b.proto.label: b for b in app.get("download_button")}
    assert set(buttons) == {"Minutes (Word)", "Minutes (slide)"}
    assert all(b.proto.deferred_file_id for b in buttons.values())  # built on click, not at every run
    word_file, slide_file = (next(name for name in builders if name.endswith(kind)) for kind in (".docx", ".pptx"))
    assert word_file.startswith("workshop-minutes-q4-review-") and slide_file.startswith("workshop-minutes-q4-review-")
    word = docx.Document(io.BytesIO(builders[word_file]()))
    written = "\n".join(
        [p.text for p in word.paragraphs]
        + [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    )
    assert item.name in written and "Sponsor renewed" in written and "Send the account plan" in written
    deck = pptx.Presentation(io.BytesIO(builders[slide_file]()))
    shown = "\n".join(
        shape.text_frame.text if shape.has_text_frame else "\n".join(c.text for r in shape.table.rows for c in r.cells)
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame or shape.has_table
    )
    assert item.name in shown and "Sponsor renewed" in shown
    # ended: the minutes on screen, one line per account, and the same two files
    app.button(key="workshop_close").click().run()
    no_exception(app)
    preview = app.dataframe[0].value
    assert list(preview.iloc[:, 0]) == [i.name for i in view.items]
    assert preview.iloc[0]["Decision"] == "Segment confirmed" and preview.iloc[1]["Decision"] == "No decision recorded"
    assert preview.iloc[1]["Segment before"] == preview.iloc[1]["Segment after"] != "Not fully scored"  # kept its place
    assert all(round(v, 1) == v for v in preview["Attractiveness before"])  # scores as the matrix shows them
    assert {b.proto.label for b in app.get("download_button")} == {"Minutes (Word)", "Minutes (slide)"}
