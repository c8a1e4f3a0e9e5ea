"""Handshake: the stage rules (pure, then through the store), the details, the quarterly reviews and
their KPI readings, the joint objectives and commitments as list sections, the RAG status, and the
portfolio board of stages, stuck handshakes, reviews due and overdue commitments."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from kam_core.account.handshake import (
    STUCK_AFTER_DAYS,
    HandshakeView,
    StageStep,
    commitments_with_rag,
    handshake_board,
    kpi_history,
    move_blockers,
    move_stage,
    overdue_commitments,
    overdue_commitments_per_account,
    rag_status,
    read_handshake,
    record_review,
    reviews,
    save_handshake_details,
    signatory_choices,
    sponsor_choices,
)
from kam_core.account.section_specs import HANDSHAKE_SECTIONS, SECTIONS, spec_of
from kam_core.account.sections import load_section, ref_choices, save_section, versions
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.common.text import fold_name
from kam_core.documents.charts import kpi_chart
from kam_core.store import db
from kam_core.store.models import (
    HANDSHAKE_STAGES,
    Account,
    Commitment,
    Executive,
    Handshake,
    HandshakeStageEvent,
    JointObjective,
    Kam,
    KpiReading,
    Stakeholder,
)
from tests.conftest import TODAY

DAY = timedelta(days=1)


def _codes(raised) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in raised.value.errors]


# --- a fresh account, built step by step ---------------------------------------------------------


class Fresh:
    """One account with a KAM, a sponsor, two stakeholders (one signs), and another account."""

    def __init__(self, url: str) -> None:
        self.engine = db.get_engine(url)
        with db.session_scope(self.engine) as session:
            kam = Kam(name="Claire Fontaine", email="claire@example.com")
            sponsor = Executive(name="Hélène Duval", title="CEO", function="General management")
            retired = Executive(name="Old Boss", title="Former COO", function="Operations", active=False)
            session.add_all([kam, sponsor, retired])
            session.flush()
            account = Account(
                name="Acme Industries",
                name_key=fold_name("Acme Industries"),
                sector="Energy",
                kam_id=kam.id,
                sponsor_id=sponsor.id,
            )
            other = Account(name="Other Corp", name_key=fold_name("Other Corp"), sector="Energy")
            session.add_all([account, other])
            session.flush()
            user = Stakeholder(account_id=account.id, name="Ann User", title="Engineer", role="user", influence=5)
            signer = Stakeholder(
                account_id=account.id, name="Zoe Signer", title="COO", role="decision_maker", influence=4
            )
            stranger = Stakeholder(account_id=other.id, name="Sam Stranger", title="CEO", role="decision_maker")
            session.add_all([user, signer, stranger])
            session.flush()
            self.account, self.other = account.id, other.id
            self.kam, self.sponsor, self.retired = kam.id, sponsor.id, retired.id
            self.user, self.signer, self.stranger = user.id, signer.id, stranger.id

    def view(self, account_id: int | None = None) -> HandshakeView:
        with Session(self.engine) as session:
            return read_handshake(session, account_id or self.account)

    def move(self, target: str, on_date: date, note: str | None = None, account_id: int | None = None) -> HandshakeView:
        account_id = account_id or self.account
        return move_stage(
            self.engine, account_id, target, on_date, self.view(account_id).version, today=TODAY, note=note
        )

    def details(self, **changes) -> HandshakeView:
        view = self.view()
        values = {
            "vision": view.vision,
            "signatory_id": view.signatory_id,
            "sponsor_id": view.sponsor_id,
            "next_review_on": view.next_review_on,
            **changes,
        }
        return save_handshake_details(self.engine, self.account, **values, expected_version=view.version, today=TODAY)

    def load(self, section: str, account_id: int | None = None) -> pd.DataFrame:
        with Session(self.engine) as session:
            return load_section(session, section, account_id or self.account)

    def save(self, section: str, rows: list[dict], account_id: int | None = None) -> int:
        account_id = account_id or self.account
        return save_section(
            self.engine, section, account_id, rows, today=TODAY, read_versions=versions(self.load(section, account_id))
        )

    def add_objective(self, title="Cut energy per unit", baseline=100.0, target=80.0, account_id=None) -> int:
        rows = self.load("joint_objectives", account_id).to_dict("records")
        self.save(
            "joint_objectives",
            [
                *rows,
                {
                    "title": title,
                    "kpi": "Energy per unit",
                    "unit": "kWh",
                    "baseline": baseline,
                    "target": target,
                    "due_date": date(2028, 6, 30),
                },
            ],
            account_id,
        )
        frame = self.load("joint_objectives", account_id)
        return int(frame.loc[frame["title"] == title, "id"].iloc[0])

    def agree(self, start: date = TODAY - 40 * DAY) -> HandshakeView:
        """Draft -> agreed, one step every ten days from ``start``, with a signatory and an objective."""
        self.move("draft", start)
        self.move("internally_reviewed", start + 10 * DAY)
        self.move("presented", start + 20 * DAY)
        self.details(signatory_id=self.signer)
        self.add_objective()
        return self.move("agreed", start + 30 * DAY)

    def review(self, **changes) -> int:
        values = {
            "review_date": TODAY,
            "notes": "Good quarter",
            "decisions": None,
            "next_review_on": TODAY + 91 * DAY,
            "readings": {},
            **changes,
        }
        return record_review(self.engine, self.account, **values, expected_version=self.view().version, today=TODAY)


@pytest.fixture
def fresh(empty_url) -> Fresh:
    return Fresh(empty_url)


# --- the stage rules, pure -----------------------------------------------------------------------

REACHED = {
    "draft": date(2026, 9, 1),
    "internally_reviewed": date(2026, 9, 15),
    "presented": date(2026, 10, 1),
    "agreed": date(2026, 10, 20),
    "in_review": date(2026, 11, 10),
}


def _at(stage: str | None, signatory: int | None = 7) -> HandshakeView:
    """A handshake that went one step at a time up to ``stage`` (None: no handshake)."""
    if stage is None:
        return HandshakeView(1, None, None, None, None, None, None, None, None, "Claire", None, None, ())
    steps = HANDSHAKE_STAGES[: HANDSHAKE_STAGES.index(stage) + 1]
    return HandshakeView(
        1,
        3,
        stage,
        REACHED[stage],
        "Vision",
        signatory,
        "Zoe",
        2,
        "Hélène",
        "Claire",
        None,
        4,
        tuple(StageStep(step, REACHED[step], None) for step in steps),
    )


@pytest.mark.parametrize(
    "stage, target, on_date, objectives, expected",
    [
        # starting: only a draft, never in the future
        (None, "draft", TODAY, 0, []),
        (None, "presented", TODAY, 0, [("stage", "no_handshake", {})]),
        (None, "draft", TODAY + DAY, 0, [("stage_date", "date_in_future", {"value": TODAY + DAY, "today": TODAY})]),
        # a known stage, and another one than the current
        ("draft", "signed", TODAY, 0, [("stage", "choice", {"value": "signed", "choices": list(HANDSHAKE_STAGES)})]),
        ("presented", "presented", TODAY, 1, [("stage", "same_stage", {"stage": "presented"})]),
        # forward one step at a time, not in the future, not before the current stage was reached
        ("draft", "internally_reviewed", TODAY, 0, []),
        ("draft", "internally_reviewed", REACHED["draft"], 0, []),
        (
            "draft",
            "internally_reviewed",
            TODAY + DAY,
            0,
            [("stage_date", "date_in_future", {"value": TODAY + DAY, "today": TODAY})],
        ),
        (
            "presented",
            "agreed",
            REACHED["presented"] - DAY,
            1,
            [("stage_date", "dates_out_of_order", {"stage": "presented", "date": REACHED["presented"]})],
        ),
        ("draft", "presented", TODAY, 0, [("stage", "skips_stage", {"next": "internally_reviewed"})]),
        ("internally_reviewed", "in_review", TODAY, 1, [("stage", "skips_stage", {"next": "presented"})]),
        ("presented", "in_review", TODAY, 1, [("stage", "skips_stage", {"next": "agreed"})]),
        # agreed needs a signatory and a joint objective; the agreed date is the date given
        ("presented", "agreed", REACHED["presented"], 1, []),
        ("presented", "agreed", TODAY, 3, []),
        ("presented", "agreed", TODAY, 0, [("joint_objectives", "needs_joint_objective", {})]),
        ("agreed", "in_review", TODAY, 1, []),
        # back any number of steps, never before the current stage was reached
        ("in_review", "draft", TODAY, 0, []),
        ("agreed", "presented", REACHED["agreed"], 0, []),
        (
            "agreed",
            "draft",
            REACHED["agreed"] - DAY,
            0,
            [("stage_date", "dates_out_of_order", {"stage": "agreed", "date": REACHED["agreed"]})],
        ),
    ],
)
def test_move_blockers(stage, target, on_date, objectives, expected):
    errors = move_blockers(_at(stage), target, on_date, joint_objectives=objectives, today=TODAY)
    assert [(error.field, error.code, error.params) for error in errors] == expected


def test_agreed_without_signatory_nor_objective_names_both():
    errors = move_blockers(_at("presented", signatory=None), "agreed", TODAY, joint_objectives=0, today=TODAY)
    assert errors == [
        FieldError("signatory", "needs_signatory", {}),
        FieldError("joint_objectives", "needs_joint_objective", {}),
    ]


def test_a_skip_in_the_past_gives_every_reason():
    errors = move_blockers(
        _at("presented", signatory=None), "in_review", REACHED["draft"], joint_objectives=0, today=TODAY
    )
    assert [error.code for error in errors] == ["skips_stage", "dates_out_of_order"]


def test_reached_on_is_the_latest_date_of_that_stage():
    view = HandshakeView(
        1,
        3,
        "presented",
        date(2026, 10, 5),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        5,
        (
            StageStep("draft", date(2026, 9, 1), None),
            StageStep("presented", date(2026, 9, 20), None),
            StageStep("draft", date(2026, 9, 25), "moved back from presented"),
            StageStep("presented", date(2026, 10, 5), None),
        ),
    )
    assert view.reached_on("presented") == date(2026, 10, 5)
    assert view.reached_on("draft") == date(2026, 9, 25)
    assert view.reached_on("agreed") is None


# --- moving through the store -----------------------------------------------------------------------


def test_an_account_without_handshake_reads_empty(fresh):
    view = fresh.view()
    assert (view.stage, view.handshake_id, view.version, view.history) == (None, None, None, ())
    assert view.kam == "Claire Fontaine"
    with pytest.raises(ValidationError) as raised:
        move_stage(fresh.engine, fresh.account, "presented", TODAY, None, today=TODAY)
    assert _codes(raised) == [("stage", "no_handshake")]


def test_forward_through_every_stage_then_back(fresh):
    start = TODAY - 60 * DAY
    view = fresh.move("draft", start)
    assert (view.stage, view.stage_since, view.version) == ("draft", start, 1)
    assert (view.kam, view.sponsor_id, view.sponsor) == ("Claire Fontaine", fresh.sponsor, "Hélène Duval — CEO")
    fresh.move("internally_reviewed", start + 10 * DAY)
    fresh.move("presented", start + 20 * DAY, note="Presented to the board")
    fresh.details(signatory_id=fresh.signer)
    fresh.add_objective()
    fresh.move("agreed", start + 30 * DAY)
    view = fresh.move("in_review", start + 40 * DAY)
    assert (view.stage, view.stage_since) == ("in_review", start + 40 * DAY)
    assert [step.stage for step in view.history] == list(HANDSHAKE_STAGES)
    assert [step.reached_on for step in view.history] == [start + n * 10 * DAY for n in range(5)]
    assert view.history[2].note == "Presented to the board"
    assert view.reached_on("agreed") == start + 30 * DAY

    back = fresh.move("presented", TODAY)
    assert (back.stage, back.stage_since) == ("presented", TODAY)
    assert len(back.history) == 6 and back.history[:5] == view.history  # history kept, one event appended
    assert back.history[-1] == StageStep("presented", TODAY, "moved back from in_review")
    again = fresh.move("draft", TODAY, note="Customer reorganised")
    assert again.history[-1] == StageStep("draft", TODAY, "Customer reorganised")
    assert again.reached_on("presented") == TODAY


def test_agreed_is_refused_without_signatory_or_joint_objective(fresh):
    fresh.move("draft", TODAY - 20 * DAY)
    fresh.move("internally_reviewed", TODAY - 10 * DAY)
    fresh.move("presented", TODAY - 5 * DAY)
    with pytest.raises(ValidationError) as raised:
        fresh.move("agreed", TODAY)
    assert _codes(raised) == [("signatory", "needs_signatory"), ("joint_objectives", "needs_joint_objective")]
    fresh.details(signatory_id=fresh.signer)
    with pytest.raises(ValidationError) as raised:
        fresh.move("agreed", TODAY)
    assert _codes(raised) == [("joint_objectives", "needs_joint_objective")]
    fresh.add_objective()
    assert fresh.move("agreed", TODAY).stage == "agreed"


def test_refused_moves_write_nothing(fresh):
    fresh.move("draft", TODAY - 20 * DAY)
    before = fresh.view()
    for target, on_date in (
        ("presented", TODAY),
        ("internally_reviewed", TODAY - 21 * DAY),
        ("internally_reviewed", TODAY + DAY),
    ):
        with pytest.raises(ValidationError):
            fresh.move(target, on_date)
    assert fresh.view() == before


def test_dates_out_of_order_are_refused(fresh):
    fresh.move("draft", TODAY - 20 * DAY)
    with pytest.raises(ValidationError) as raised:
        fresh.move("internally_reviewed", TODAY - 21 * DAY)
    assert [(e.field, e.code, e.params) for e in raised.value.errors] == [
        ("stage_date", "dates_out_of_order", {"stage": "draft", "date": TODAY - 20 * DAY})
    ]


def test_a_stale_version_is_a_conflict(fresh):
    read = fresh.move("draft", TODAY - 20 * DAY)
    fresh.move("internally_reviewed", TODAY - 10 * DAY)  # someone else moved it
    with pytest.raises(ConflictError):
        move_stage(fresh.engine, fresh.account, "presented", TODAY, read.version, today=TODAY)
    with pytest.raises(ConflictError):  # started by someone else since we read "no handshake"
        move_stage(fresh.engine, fresh.account, "draft", TODAY, None, today=TODAY)
    with pytest.raises(ConflictError):
        save_handshake_details(
            fresh.engine,
            fresh.account,
            vision="Ours",
            signatory_id=None,
            sponsor_id=None,
            next_review_on=None,
            expected_version=read.version,
            today=TODAY,
        )
    assert fresh.view().stage == "internally_reviewed"


def test_a_note_longer_than_300_characters_is_refused(fresh):
    with pytest.raises(ValidationError) as raised:
        fresh.move("draft", TODAY, note="x" * 301)
    assert _codes(raised) == [("note", "text_length")]


# --- details ----------------------------------------------------------------------------------------


def test_signatories_put_decision_makers_first_and_sponsors_are_active_executives(fresh):
    with Session(fresh.engine) as session:
        assert list(signatory_choices(session, fresh.account).items()) == [
            (fresh.signer, "Zoe Signer — COO"),
            (fresh.user, "Ann User — Engineer"),
        ]
        assert sponsor_choices(session) == {fresh.sponsor: "Hélène Duval — CEO"}
        assert set(sponsor_choices(session, keep=fresh.retired)) == {fresh.sponsor, fresh.retired}


def test_details_round_trip(fresh):
    fresh.move("draft", TODAY)
    view = fresh.details(
        vision="  Together, less energy  ", signatory_id=fresh.signer, sponsor_id=None, next_review_on=TODAY + 30 * DAY
    )
    assert (view.vision, view.signatory, view.sponsor_id, view.next_review_on) == (
        "Together, less energy",
        "Zoe Signer — COO",
        None,
        TODAY + 30 * DAY,
    )
    assert view.version == 2
    assert fresh.details(vision="").vision is None


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"signatory_id": "stranger"}, [("signatory", "unknown_ref")]),
        ({"sponsor_id": "retired"}, [("sponsor", "unknown_ref")]),
        ({"sponsor_id": 9999}, [("sponsor", "unknown_ref")]),
        ({"next_review_on": TODAY - DAY}, [("next_review_on", "date_in_past")]),
        ({"next_review_on": "soon"}, [("next_review_on", "not_a_date")]),
        ({"vision": "x" * 4001, "signatory_id": "stranger"}, [("vision", "text_length"), ("signatory", "unknown_ref")]),
    ],
)
def test_details_are_refused(fresh, changes, expected):
    fresh.move("draft", TODAY)
    changes = {
        key: getattr(fresh, value) if isinstance(value, str) and hasattr(fresh, value) else value
        for key, value in changes.items()
    }
    before = fresh.view()
    with pytest.raises(ValidationError) as raised:
        fresh.details(**changes)
    assert _codes(raised) == expected
    assert fresh.view() == before


def test_details_keep_an_inactive_sponsor_already_set(fresh):
    fresh.move("draft", TODAY)
    with db.session_scope(fresh.engine) as session:
        session.execute(update(Handshake).values(sponsor_id=fresh.retired))
    assert fresh.details(vision="Kept").sponsor == "Old Boss — Former COO"


def test_an_overdue_next_review_may_stay_but_not_be_set(fresh):
    fresh.move("draft", TODAY)
    with db.session_scope(fresh.engine) as session:
        session.execute(update(Handshake).values(next_review_on=TODAY - 5 * DAY))
    assert fresh.details(vision="Only the vision changes").next_review_on == TODAY - 5 * DAY
    with pytest.raises(ValidationError) as raised:
        fresh.details(next_review_on=TODAY - 4 * DAY)
    assert [(e.field, e.code, e.params) for e in raised.value.errors] == [
        ("next_review_on", "date_in_past", {"value": TODAY - 4 * DAY, "today": TODAY})
    ]


def test_the_signatory_of_an_agreed_handshake_cannot_be_cleared(fresh):
    fresh.agree()
    with pytest.raises(ValidationError) as raised:
        fresh.details(signatory_id=None)
    assert _codes(raised) == [("signatory", "needs_signatory")]
    assert fresh.details(signatory_id=fresh.user).signatory_id == fresh.user


def test_details_need_a_handshake(fresh):
    with pytest.raises(ValidationError) as raised:
        fresh.details(vision="Too early")
    assert _codes(raised) == [("handshake", "no_handshake")]


# --- the RAG status of commitments ------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, due, expected",
    [
        ("open", TODAY - DAY, "red"),
        ("in_progress", TODAY - 100 * DAY, "red"),
        ("open", TODAY, "amber"),
        ("open", TODAY + 14 * DAY, "amber"),
        ("in_progress", TODAY + 15 * DAY, "green"),
        ("done", TODAY - DAY, "done"),
        ("dropped", TODAY - 10 * DAY, "done"),
        ("done", TODAY + 30 * DAY, "done"),
    ],
)
def test_rag_at_its_boundaries(status, due, expected):
    assert rag_status(status, due, TODAY) == expected


# --- the two list sections ----------------------------------------------------------------------------


def test_the_handshake_lists_are_sections_of_their_own():
    assert list(HANDSHAKE_SECTIONS) == ["joint_objectives", "commitments"]
    assert not set(HANDSHAKE_SECTIONS) & set(SECTIONS)
    assert spec_of("commitments") is HANDSHAKE_SECTIONS["commitments"] and spec_of("years") is SECTIONS["years"]
    assert [column.name for column in spec_of("joint_objectives").columns] == [
        "title",
        "kpi",
        "unit",
        "baseline",
        "target",
        "due_date",
    ]
    assert [column.name for column in spec_of("commitments").columns] == [
        "side",
        "description",
        "owner",
        "due_date",
        "status",
        "objective_id",
        "done_on",
    ]


def test_without_handshake_the_lists_are_empty_and_cannot_be_saved(fresh):
    for section, spec in HANDSHAKE_SECTIONS.items():
        frame = fresh.load(section)
        assert frame.empty and list(frame.columns) == ["id", "version", *spec.column_names]
        assert fresh.save(section, []) == 0
        assert fresh.save(section, [{"id": None, **{name: None for name in spec.column_names}}]) == 0  # blank row
    with pytest.raises(ValidationError) as raised:
        fresh.add_objective()
    assert [(e.field, e.code, e.params) for e in raised.value.errors] == [("handshake", "no_handshake", {})]


def test_joint_objectives_round_trip_and_refuse_a_target_equal_to_the_baseline(fresh):
    fresh.move("draft", TODAY)
    first = fresh.add_objective("Cut energy", baseline=100.0, target=80.0)
    rows = fresh.load("joint_objectives").to_dict("records")
    rows[0]["target"] = "100,0"
    rows.append(
        {"title": "Fewer stops", "kpi": "Stops", "unit": "h", "baseline": 5, "target": 5, "due_date": date(2028, 1, 1)}
    )
    rows.append({"title": " ", "kpi": "k" * 121, "unit": "u" * 25, "baseline": None, "target": 1, "due_date": None})
    with pytest.raises(ValidationError) as raised:
        fresh.save("joint_objectives", rows)
    assert [(e.field, e.code, e.params.get("row")) for e in raised.value.errors] == [
        ("target", "target_equals_baseline", 1),
        ("target", "target_equals_baseline", 2),
        ("title", "required", 3),
        ("kpi", "text_length", 3),
        ("unit", "text_length", 3),
        ("baseline", "required", 3),
        ("due_date", "required", 3),
    ]
    assert raised.value.errors[0].params == {"row": 1, "value": 100.0, "baseline": 100.0}
    stored = fresh.load("joint_objectives")
    assert list(stored["id"]) == [first] and stored.loc[0, "target"] == 80.0


def test_commitments_round_trip_with_done_stamped_today(fresh):
    fresh.move("draft", TODAY)
    objective = fresh.add_objective("Cut energy")
    with Session(fresh.engine) as session:
        assert ref_choices(session, "commitments", fresh.account) == {"objective_id": {objective: "Cut energy"}}
    fresh.save(
        "commitments",
        [
            {
                "side": "ours",
                "description": "Share the dashboard",
                "owner": "Claire",
                "due_date": TODAY + 10 * DAY,
                "status": "open",
                "objective_id": objective,
                "done_on": None,
            },
            {
                "side": "theirs",
                "description": "Open the meter data",
                "owner": "Zoe",
                "due_date": TODAY - 5 * DAY,
                "status": "done",
                "objective_id": None,
                "done_on": None,
            },
        ],
    )
    frame = fresh.load("commitments").set_index("description")
    assert frame.loc["Open the meter data", "done_on"] == TODAY
    assert frame.loc["Share the dashboard", "objective_id"] == objective
    with Session(fresh.engine) as session:
        assert session.scalar(select(func.count(Commitment.id))) == 2


def test_commitments_are_refused_without_owner_or_with_an_objective_of_another_handshake(fresh):
    fresh.move("draft", TODAY)
    fresh.move("draft", TODAY, account_id=fresh.other)
    theirs = fresh.add_objective("Not ours", account_id=fresh.other)
    rows = [
        {
            "side": "ours",
            "description": "Share the dashboard",
            "owner": "   ",
            "due_date": TODAY,
            "status": "open",
            "objective_id": None,
            "done_on": None,
        },
        {
            "side": "both",
            "description": "Pilot",
            "owner": "Zoe",
            "due_date": TODAY,
            "status": "finished",
            "objective_id": theirs,
            "done_on": TODAY + DAY,
        },
    ]
    with pytest.raises(ValidationError) as raised:
        fresh.save("commitments", rows)
    assert [(e.field, e.code, e.params.get("row")) for e in raised.value.errors] == [
        ("owner", "required", 1),
        ("side", "choice", 2),
        ("status", "choice", 2),
        ("objective_id", "unknown_ref", 2),
        ("done_on", "date_in_future", 2),
    ]
    assert fresh.load("commitments").empty


def test_rows_of_another_handshake_are_not_this_accounts(fresh):
    fresh.move("draft", TODAY)
    fresh.move("draft", TODAY, account_id=fresh.other)
    fresh.add_objective("Not ours", account_id=fresh.other)
    foreign = fresh.load("joint_objectives", fresh.other).to_dict("records")
    with pytest.raises(ConflictError):
        fresh.save("joint_objectives", foreign)
    assert fresh.load("joint_objectives").empty


def test_commitments_with_rag_name_their_objective(fresh):
    fresh.move("draft", TODAY)
    objective = fresh.add_objective("Cut energy")
    fresh.save(
        "commitments",
        [
            {
                "side": "ours",
                "description": "Late",
                "owner": "Claire",
                "due_date": TODAY - DAY,
                "status": "open",
                "objective_id": objective,
            },
            {"side": "theirs", "description": "Soon", "owner": "Zoe", "due_date": TODAY + 14 * DAY, "status": "open"},
            {
                "side": "theirs",
                "description": "Later",
                "owner": "Zoe",
                "due_date": TODAY + 15 * DAY,
                "status": "in_progress",
            },
        ],
    )
    with Session(fresh.engine) as session:
        frame = commitments_with_rag(session, fresh.account, TODAY)
    assert list(frame["description"]) == ["Late", "Soon", "Later"]
    assert list(frame["rag"]) == ["red", "amber", "green"]
    assert frame["objective"].iloc[0] == "Cut energy" and frame["objective"].iloc[1:].isna().all()


# --- reviews ----------------------------------------------------------------------------------------------


def test_a_review_stores_readings_sets_the_next_review_and_moves_agreed_to_in_review(fresh):
    agreed = fresh.agree()  # with one joint objective, "Cut energy per unit"
    second = fresh.add_objective("Fewer stops", baseline=40.0, target=10.0)
    with Session(fresh.engine) as session:
        energy_id = session.scalar(select(JointObjective.id).where(JointObjective.title == "Cut energy per unit"))
    review_id = fresh.review(
        review_date=TODAY - DAY,
        notes=None,
        decisions="Go on",
        readings={
            energy_id: "92,5",
            str(second): " ",
        },
        next_review_on=TODAY + 90 * DAY,
    )
    view = fresh.view()
    assert (view.stage, view.stage_since, view.next_review_on) == ("in_review", TODAY - DAY, TODAY + 90 * DAY)
    assert view.history[-1] == StageStep("in_review", TODAY - DAY, None)
    assert agreed.stage == "agreed" and view.version > agreed.version
    with Session(fresh.engine) as session:
        readings = session.execute(
            select(KpiReading.objective_id, KpiReading.reading_date, KpiReading.value, KpiReading.review_id)
        ).all()
        frame = reviews(session, fresh.account)
    assert readings == [(energy_id, TODAY - DAY, 92.5, review_id)]
    assert frame.to_dict("records") == [
        {
            "id": review_id,
            "review_date": TODAY - DAY,
            "notes": None,
            "decisions": "Go on",
            "next_review_on": TODAY + 90 * DAY,
            "readings": 1,
        }
    ]

    # a second review the same day replaces the reading; the stage stays in review, no event added
    again = fresh.review(review_date=TODAY - DAY, readings={energy_id: 90, second: "1 250,5"})
    view = fresh.view()
    assert view.stage == "in_review" and len(view.history) == 5
    with Session(fresh.engine) as session:
        values = dict(session.execute(select(KpiReading.objective_id, KpiReading.value)).all())
        assert session.scalar(select(func.count(KpiReading.id))) == 2
        assert set(session.scalars(select(KpiReading.review_id))) == {again}
        assert list(reviews(session, fresh.account)["id"]) == [again, review_id]  # newest first (id breaks ties)
    assert values == {energy_id: 90.0, second: 1250.5}


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"review_date": TODAY + DAY}, [("review_date", "date_in_future")]),
        ({"review_date": None}, [("review_date", "required")]),
        ({"next_review_on": TODAY}, [("next_review_on", "next_review_before_review")]),
        ({"next_review_on": TODAY - DAY}, [("next_review_on", "next_review_before_review")]),
        ({"next_review_on": None}, [("next_review_on", "required")]),
        ({"readings": {"objective": "lots"}}, [("reading", "not_a_number")]),
        ({"readings": {9999: 3}}, [("reading", "unknown_ref")]),
        ({"notes": "", "readings": {}}, [("review", "empty_review")]),
        ({"notes": "  ", "readings": {"objective": ""}}, [("review", "empty_review")]),
        ({"review_date": TODAY - 11 * DAY}, [("review_date", "dates_out_of_order")]),
    ],
)
def test_a_review_is_refused(fresh, changes, expected):
    fresh.agree()  # agreed ten days ago
    objective = int(fresh.load("joint_objectives")["id"].iloc[0])
    if "readings" in changes:
        changes["readings"] = {
            objective if key == "objective" else key: value for key, value in changes["readings"].items()
        }
    before = fresh.view()
    with pytest.raises(ValidationError) as raised:
        fresh.review(**changes)
    assert _codes(raised) == expected
    assert fresh.view() == before
    with Session(fresh.engine) as session:
        assert not session.scalar(select(func.count(KpiReading.id)))


def test_a_reading_that_is_no_number_names_its_objective(fresh):
    fresh.agree()
    objective = int(fresh.load("joint_objectives")["id"].iloc[0])
    with pytest.raises(ValidationError) as raised:
        fresh.review(readings={objective: "about 90"})
    assert raised.value.errors == [
        FieldError("reading", "not_a_number", {"objective": "Cut energy per unit", "value": "about 90"})
    ]


def test_a_review_needs_an_agreed_handshake(fresh):
    with pytest.raises(ValidationError) as raised:
        record_review(
            fresh.engine,
            fresh.account,
            review_date=TODAY,
            notes="Hello",
            decisions=None,
            next_review_on=TODAY + 90 * DAY,
            readings={},
            expected_version=None,
            today=TODAY,
        )
    assert [(e.field, e.code, e.params) for e in raised.value.errors] == [
        ("stage", "review_needs_agreement", {"stage": None})
    ]
    fresh.move("draft", TODAY)
    with pytest.raises(ValidationError) as raised:
        fresh.review()
    assert raised.value.errors[0] == FieldError("stage", "review_needs_agreement", {"stage": "draft"})


def test_a_review_on_a_stale_handshake_is_a_conflict(fresh):
    read = fresh.agree()
    fresh.details(vision="Changed by someone else")
    with pytest.raises(ConflictError):
        record_review(
            fresh.engine,
            fresh.account,
            review_date=TODAY,
            notes="Hello",
            decisions=None,
            next_review_on=TODAY + 90 * DAY,
            readings={},
            expected_version=read.version,
            today=TODAY,
        )
    assert fresh.view().stage == "agreed"


def test_kpi_history_has_one_row_per_reading_and_objectives_without_reading_once(fresh):
    fresh.agree()
    energy = int(fresh.load("joint_objectives")["id"].iloc[0])
    stops = fresh.add_objective("Fewer stops", baseline=40.0, target=10.0)
    fresh.review(review_date=TODAY - 5 * DAY, readings={energy: 95})
    fresh.review(review_date=TODAY, readings={energy: 90})
    with Session(fresh.engine) as session:
        history = kpi_history(session, fresh.account)
        assert kpi_history(session, fresh.other).empty
    assert list(history.columns) == [
        "objective_id",
        "title",
        "kpi",
        "unit",
        "baseline",
        "target",
        "due_date",
        "reading_date",
        "value",
    ]
    energy_rows = history[history["objective_id"] == energy]
    assert list(energy_rows["value"]) == [95.0, 90.0]
    assert list(energy_rows["reading_date"]) == [pd.Timestamp(TODAY - 5 * DAY), pd.Timestamp(TODAY)]
    (stop_row,) = history[history["objective_id"] == stops].itertuples()
    assert pd.isna(stop_row.reading_date) and pd.isna(stop_row.value) and stop_row.target == 10.0
    chart = kpi_chart(
        history,
        labels={
            "reading": "Reading",
            "target": "Target",
            "baseline": "Baseline",
            "date": "Date",
            "value": "Value",
            "objective": "Objective",
        },
    ).to_dict()
    assert chart["facet"]["field"] == "panel" and len(chart["spec"]["layer"]) == 4
    # each panel is titled "objective (unit)": the axes carry no "Value" or "Date" title
    encodings = [layer["encoding"] for layer in chart["spec"]["layer"]]
    titled = [encoding[axis] for encoding in encodings for axis in ("x", "y") if axis in encoding]
    assert titled and all("title" in channel and channel["title"] is None for channel in titled)


# --- the portfolio board -------------------------------------------------------------------------------


@pytest.mark.parametrize("days, stuck", [(STUCK_AFTER_DAYS, False), (STUCK_AFTER_DAYS + 1, True)])
def test_stuck_after_90_days_at_a_stage(fresh, days, stuck):
    fresh.move("draft", TODAY - days * DAY)
    with Session(fresh.engine) as session:
        board = handshake_board(session, [fresh.account, fresh.other], TODAY)
    assert list(board["name"]) == ["Acme Industries", "Other Corp"]
    mine, other = board.to_dict("records")
    assert (mine["stage"], mine["days_in_stage"], mine["stuck"]) == ("draft", days, stuck)
    assert mine["kam"] == "Claire Fontaine"
    assert pd.isna(other["stage"]) and pd.isna(other["days_in_stage"]) and other["stuck"] is False


def test_in_review_is_never_stuck_and_reviews_due_within_30_days(fresh):
    fresh.agree(start=TODAY - 200 * DAY)
    fresh.review(review_date=TODAY - 150 * DAY, readings={}, next_review_on=TODAY + 30 * DAY)

    def row() -> dict:
        with Session(fresh.engine) as session:
            return handshake_board(session, [fresh.account], TODAY).to_dict("records")[0]

    first = row()
    assert (first["stage"], first["days_in_stage"], first["stuck"], first["review_due"]) == (
        "in_review",
        150,
        False,
        True,
    )
    for next_review, due in ((TODAY + 31 * DAY, False), (TODAY - DAY, True), (None, False)):
        with db.session_scope(fresh.engine) as session:
            session.execute(update(Handshake).values(next_review_on=next_review))
        assert row()["review_due"] is due


def test_the_board_on_the_demo_portfolio(demo_engine):
    with Session(demo_engine) as session:
        names = dict(session.execute(select(Account.name, Account.id)).all())
        with_handshake = set(session.scalars(select(Handshake.account_id)))
        per_account = overdue_commitments_per_account(session, TODAY).set_index("account_id")
        board = handshake_board(session, list(names.values()), TODAY).set_index("name")
    assert len(board) == len(names)
    assert set(board.loc[board["stage"].notna(), "account_id"]) == with_handshake
    assert set(board["stage"].dropna()) == set(HANDSHAKE_STAGES)
    assert set(board.index[board["stuck"]]) == {
        "Santéa Cliniques",
        "Banque Hélvane",
    }  # presented 4 months, agreed 105 days
    assert board.loc["Banque Hélvane", "review_due"]  # its first review is overdue
    assert not board.loc[board["stage"].isna(), ["stuck", "review_due"]].any().any()
    assert (board["days_in_stage"].dropna() >= 0).all()
    counted = board.set_index("account_id")[["overdue_ours", "overdue_theirs"]]
    expected = per_account.reindex(counted.index, fill_value=0)
    pd.testing.assert_frame_equal(counted, expected, check_names=False, check_dtype=False)
    assert counted.to_numpy().sum() > 0


def test_overdue_commitments_on_the_demo_portfolio(demo_engine):
    with Session(demo_engine) as session:
        every = overdue_commitments(session, TODAY)
        santea = session.scalar(select(Account.id).where(Account.name == "Santéa Cliniques"))
        only_santea = overdue_commitments(session, TODAY, [santea])
        none = overdue_commitments(session, TODAY, [])
        open_late = session.scalar(
            select(func.count(Commitment.id)).where(
                Commitment.status.in_(["open", "in_progress"]), Commitment.due_date < TODAY
            )
        )
    assert len(every) == open_late > 0
    assert set(every["side"]) == {"ours", "theirs"}
    assert list(every["days_late"]) == sorted(every["days_late"], reverse=True)
    assert (every["days_late"] > 0).all()
    assert list(every["days_late"]) == [(TODAY - due).days for due in every["due_date"]]
    assert set(only_santea["account"]) == {"Santéa Cliniques"} and len(only_santea) > 0
    assert none.empty and list(none.columns) == list(every.columns)
    assert {"account_id", "account", "side", "description", "owner", "due_date", "days_late"} <= set(every.columns)


def test_the_demo_handshakes_read_whole(demo_engine):
    with Session(demo_engine) as session:
        veltara = session.scalar(select(Account.id).where(Account.name == "Veltara Motors Group"))
        view = read_handshake(session, veltara)
        events = session.scalar(
            select(func.count(HandshakeStageEvent.id)).where(HandshakeStageEvent.handshake_id == view.handshake_id)
        )
        history = kpi_history(session, veltara)
        held = reviews(session, veltara)
    assert view.stage == "in_review" and view.signatory and view.sponsor and view.kam
    assert len(view.history) == events == len(HANDSHAKE_STAGES)
    assert [step.reached_on for step in view.history] == sorted(step.reached_on for step in view.history)
    assert history["value"].notna().all() and len(history) > history["objective_id"].nunique()
    assert list(held["review_date"]) == sorted(held["review_date"], reverse=True)
    assert (held["readings"] > 0).all()


def test_the_board_puts_stuck_handshakes_first_then_the_longest_at_their_stage():
    import pandas as pd

    from kam_core.account.handshake import attention_first

    board = pd.DataFrame(
        {
            "name": ["A", "B", "C", "D", "E"],
            "stuck": [False, True, False, True, False],
            "days_in_stage": pd.array([10, 95, 80, 120, None], dtype="Int64"),
        }
    )
    assert attention_first(board)["name"].tolist() == ["D", "B", "C", "A", "E"]


def test_the_next_stage_and_a_move_back_follow_the_stages_order():
    """Issue 22: the page preselects the next stage, and asks before a move back."""
    from kam_core.account.handshake import is_move_back, next_stage

    assert next_stage(None) == "draft"
    assert [next_stage(stage) for stage in HANDSHAKE_STAGES] == [*HANDSHAKE_STAGES[1:], None]
    assert is_move_back("in_review", "draft") and is_move_back("agreed", "presented")
    assert not is_move_back("presented", "agreed") and not is_move_back("draft", "draft")
    assert not is_move_back(None, "draft") and not is_move_back("agreed", None)
