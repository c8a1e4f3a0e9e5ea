"""Account plan sections: each list loads the account's rows only, saves whole or not at all
(every bad row named), refuses stale rows and rows of other accounts; the plan texts and the key
figures save with optimistic locking."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, update
from sqlmodel import Session

from kam_core.account.section_specs import SECTIONS
from kam_core.account.sections import (
    KeyFigures,
    PlanText,
    load_section,
    read_key_figures,
    read_plan_text,
    ref_choices,
    save_key_figures,
    save_plan_text,
    save_section,
    versions,
)
from kam_core.common.cells import Column, Refused, normalise
from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.common.text import fold_name
from kam_core.store import db
from kam_core.store.models import Account, AccountPlan, Offer, Priority, Stakeholder, ValueProposition, WhiteSpaceCell
from tests.conftest import TODAY

ACCOUNT, OTHER = 1, 2  # Veltara Motors Group, Kessler-Autowerke AG in the demo portfolio


def _load(engine, section, account_id=ACCOUNT) -> pd.DataFrame:
    with Session(engine) as session:
        return load_section(session, section, account_id)


def _refs(engine, section, account_id=ACCOUNT) -> dict[str, dict[int, str]]:
    with Session(engine) as session:
        return ref_choices(session, section, account_id)


def _save(engine, section, rows, account_id=ACCOUNT, read=None) -> int:
    return save_section(
        engine, section, account_id, rows, today=TODAY, read_versions=versions(read) if read is not None else None
    )


def _errors(raised) -> list[tuple[str, str, int | None]]:
    return [(error.field, error.code, error.params.get("row")) for error in raised.value.errors]


def _same(left, right) -> bool:
    empty = [value is None or (not isinstance(value, str) and pd.isna(value)) for value in (left, right)]
    return all(empty) if any(empty) else left == right


def _add_account(engine, name="Acme Industries") -> int:
    with db.session_scope(engine) as session:
        account = Account(name=name, name_key=fold_name(name), sector="Energy")
        session.add(account)
        session.flush()
        return account.id


# --- one change of each kind per section --------------------------------------------------------

# section -> (column, what someone else saves, what the user saves)
UPDATES = {
    "years": ("revenue", 30_000_000.0, 31_000_000.0),
    "priorities": ("title", "Electrify every line", "Electrify all lines"),
    "value_propositions": ("customer_value", "No stop at all", "Zero stops"),
    "swot": ("text", "A new opportunity", "Another opportunity"),
    "competitors": ("strengths", "Cheap", "Fast"),
    "stakeholders": ("title", "Chief Buyer", "Head Buyer"),
    "units": ("name", "Battery division", "Batteries"),
    "white_space": ("competitor", "Voltrix Systems", "Kobaltek Energy"),
    "objectives": ("status", "at_risk", "achieved"),
    "actions": ("owner", "Emma Clarke", "Julien Roux"),
}


def _free_cell(rows, refs) -> tuple[int, int]:
    taken = {(row["unit_id"], row["offer_id"]) for row in rows}
    return next((unit, offer) for unit in refs["unit_id"] for offer in refs["offer_id"] if (unit, offer) not in taken)


def _new_row(section: str, rows: list[dict], refs: dict) -> tuple[dict, dict]:
    """A valid new row of ``section``, and what is stored for it where that differs from what was typed."""
    first = {name: next(iter(choices)) for name, choices in refs.items() if choices}
    if section == "white_space":
        unit, offer = _free_cell(rows, refs)
        return {"unit_id": unit, "offer_id": offer, "status": "open", "value": 1000.0, "competitor": None}, {}
    if section == "stakeholders":
        return {
            "name": "Nina Berg",
            "title": None,
            "unit": "Plant",
            "email": "n.berg@example.com",
            "reports_to_id": rows[0]["id"],
            "role": "user",
            "influence": 2,
            "attitude": 1,
            "relationship": 1,
            "owner": None,
            "last_contact": date(2026, 11, 1),
        }, {}
    return {
        "years": ({"year": 2026, "revenue": 1_000_000.0, "category_spend": None}, {}),
        "priorities": ({"rank": 9, "title": "Train our own people", "description": None}, {"rank": 3}),  # a position
        "value_propositions": (
            {
                "priority_id": first.get("priority_id"),
                "offer_id": first.get("offer_id"),
                "what_we_bring": "Training",
                "customer_value": "Skills",
                "value_amount": 250_000.0,
            },
            {},
        ),
        "swot": ({"kind": "threat", "text": "A new entrant", "position": None}, {"position": 0}),
        "competitors": ({"name": "Newco", "share_pct": 2.5, "strengths": None}, {}),
        "units": ({"name": "Lyon site", "kind": "site"}, {}),
        "objectives": (
            {
                "kind": "revenue",
                "title": "Win the retrofit",
                "target": "2 M EUR",
                "owner": "Claire",
                "due_date": date(2027, 6, 30),
                "status": "not_started",
            },
            {},
        ),
        "actions": (
            {
                "objective_id": first.get("objective_id"),
                "title": "Call the CFO",
                "owner": "Claire",
                "due_date": date(2026, 12, 15),
                "status": "done",
                "done_on": None,
            },
            {"done_on": TODAY},
        ),
    }[section]


def _victim(section: str, rows: list[dict]) -> int:
    """The index of a row that can be deleted (not the first one; no one reports to a deleted stakeholder)."""
    if section == "stakeholders":
        managers = {row["reports_to_id"] for row in rows if not pd.isna(row["reports_to_id"])}
        return max(index for index, row in enumerate(rows) if index > 0 and row["id"] not in managers)
    return len(rows) - 1


# --- loading ------------------------------------------------------------------------------------


def _account_ids(engine, section, account_id) -> set[int]:
    model = SECTIONS[section].model
    query = select(model.id)
    if model is ValueProposition:
        query = query.join(Priority, Priority.id == ValueProposition.priority_id).where(
            Priority.account_id == account_id
        )
    else:
        query = query.where(model.account_id == account_id)
    with Session(engine) as session:
        return set(session.scalars(query))


def test_the_sections_are_the_canvas_lists():
    assert list(SECTIONS) == [
        "years",
        "priorities",
        "value_propositions",
        "swot",
        "competitors",
        "stakeholders",
        "units",
        "white_space",
        "objectives",
        "actions",
    ]


@pytest.mark.parametrize("section", SECTIONS)
def test_load_returns_the_accounts_rows_only(demo_engine, section):
    frame = _load(demo_engine, section)
    assert list(frame.columns) == ["id", "version", *(column.name for column in SECTIONS[section].columns)]
    assert len(frame) > 0
    assert set(frame["id"]) == _account_ids(demo_engine, section, ACCOUNT)
    assert not set(frame["id"]) & _account_ids(demo_engine, section, OTHER)


def test_load_follows_each_sections_order(demo_engine):
    assert list(_load(demo_engine, "years")["year"]) == [2023, 2024, 2025]
    assert list(_load(demo_engine, "priorities")["rank"]) == [1, 2, 3]
    shares = list(_load(demo_engine, "competitors")["share_pct"])
    assert shares == sorted(shares, reverse=True)
    influence = list(_load(demo_engine, "stakeholders")["influence"])
    assert influence == sorted(influence, reverse=True)
    due = list(_load(demo_engine, "actions")["due_date"])
    assert due == sorted(due)


def test_load_gives_editor_friendly_values(demo_engine):
    stakeholders = _load(demo_engine, "stakeholders")
    assert str(stakeholders["influence"].dtype) == "Int64"
    assert isinstance(stakeholders["last_contact"].iloc[0], date)
    cells = _load(demo_engine, "white_space")
    assert cells["competitor"].isna().any() and None in list(cells["competitor"])  # empty text is None, not NaN


def test_an_account_without_rows_loads_empty_tables(empty_url):
    engine = db.get_engine(empty_url)
    account_id = _add_account(engine)
    for section, spec in SECTIONS.items():
        frame = _load(engine, section, account_id)
        assert frame.empty and list(frame.columns) == ["id", "version", *spec.column_names]


# --- references ---------------------------------------------------------------------------------


def test_ref_choices_name_the_accounts_rows(demo_engine):
    with Session(demo_engine) as session:
        priorities = session.execute(
            select(Priority.id, Priority.rank, Priority.title).where(Priority.account_id == ACCOUNT)
        ).all()
        offers = dict(session.execute(select(Offer.id, Offer.name)).all())
        femke = session.get(Stakeholder, 32)
    assert {section: set(refs) for section in SECTIONS if (refs := _refs(demo_engine, section))} == {
        "value_propositions": {"priority_id", "offer_id"},
        "stakeholders": {"reports_to_id"},
        "white_space": {"unit_id", "offer_id"},
        "actions": {"objective_id"},
    }
    propositions = _refs(demo_engine, "value_propositions")
    assert propositions["priority_id"] == {identifier: f"{rank}. {title}" for identifier, rank, title in priorities}
    assert propositions["offer_id"] == offers
    people = _refs(demo_engine, "stakeholders")["reports_to_id"]
    assert set(people) == set(_load(demo_engine, "stakeholders")["id"])
    assert people[32] == f"{femke.name} — {femke.title}"
    cells = _refs(demo_engine, "white_space")
    assert cells["unit_id"] == dict(zip(_load(demo_engine, "units")["id"], _load(demo_engine, "units")["name"]))
    objectives = _load(demo_engine, "objectives")
    assert _refs(demo_engine, "actions")["objective_id"] == dict(zip(objectives["id"], objectives["title"]))


def test_inactive_offers_are_offered_only_where_already_used(demo_engine):
    cells = _load(demo_engine, "white_space")
    used = int(cells["offer_id"].iloc[0])
    with Session(demo_engine) as session:
        unused = session.scalar(
            select(Offer.id).where(
                Offer.id.not_in(select(WhiteSpaceCell.offer_id).where(WhiteSpaceCell.account_id == ACCOUNT))
            )
        )
    with db.session_scope(demo_engine) as session:
        session.execute(update(Offer).where(Offer.id.in_([used, unused])).values(active=False))
    offers = _refs(demo_engine, "white_space")["offer_id"]
    assert used in offers and unused not in offers


def test_labels_two_rows_share_stay_unique(demo_engine):
    frame = _load(demo_engine, "objectives")
    rows = frame.to_dict("records")
    rows[1]["title"] = rows[0]["title"]
    _save(demo_engine, "objectives", rows, read=frame)
    labels = _refs(demo_engine, "actions")["objective_id"]
    assert len(set(labels.values())) == len(labels)
    assert labels[rows[1]["id"]] == f"{rows[0]['title']} #{rows[1]['id']}"


# --- saving -------------------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_add_update_and_delete_round_trip(demo_engine, section):
    frame = _load(demo_engine, section)
    rows = frame.to_dict("records")
    deleted = rows.pop(_victim(section, rows))
    field, value, _ = UPDATES[section]
    rows[0][field] = value
    new, stored_as = _new_row(section, rows, _refs(demo_engine, section))
    assert _save(demo_engine, section, [*rows, new], read=frame) == 3
    after = _load(demo_engine, section).set_index("id")
    assert deleted["id"] not in after.index
    assert after.loc[rows[0]["id"], field] == value
    assert after.loc[rows[0]["id"], "version"] == rows[0]["version"] + 1
    assert all(after.loc[row["id"], "version"] == row["version"] for row in rows[1:])  # untouched rows keep theirs
    (added_id,) = set(after.index) - set(frame["id"])
    for name, typed in new.items():
        assert _same(after.loc[added_id, name], stored_as.get(name, typed)), name


@pytest.mark.parametrize("section", SECTIONS)
def test_saving_the_table_as_read_changes_nothing(demo_engine, section):
    frame = _load(demo_engine, section)
    assert _save(demo_engine, section, frame.to_dict("records"), read=frame) == 0
    pd.testing.assert_frame_equal(_load(demo_engine, section), frame)


def test_values_from_a_table_editor_are_normalised(demo_engine):
    frame = _load(demo_engine, "actions")
    objective = np.int64(frame["objective_id"].dropna().iloc[0])
    new = {
        "id": np.nan,
        "version": np.nan,
        "objective_id": objective,
        "title": "  Call the CFO ",
        "owner": "Claire",
        "due_date": pd.Timestamp("2027-01-15"),
        "status": "open",
        "done_on": pd.NaT,
    }
    other = {
        "id": None,
        "version": None,
        "objective_id": "",
        "title": "Visit",
        "owner": "Claire",
        "due_date": "2027-02-01",
        "status": "done",
        "done_on": datetime(2026, 11, 20, 9, 30),
    }
    assert _save(demo_engine, "actions", [*frame.to_dict("records"), new, other], read=frame) == 2
    after = _load(demo_engine, "actions").set_index("title")
    assert after.loc["Call the CFO", "objective_id"] == objective
    assert after.loc["Call the CFO", "due_date"] == date(2027, 1, 15)
    assert after.loc["Call the CFO", "done_on"] is None
    assert pd.isna(after.loc["Visit", "objective_id"])
    assert (after.loc["Visit", "due_date"], after.loc["Visit", "done_on"]) == (date(2027, 2, 1), date(2026, 11, 20))


def test_numbers_typed_as_text_or_numpy_are_read(demo_engine):
    frame = _load(demo_engine, "stakeholders")
    rows = frame.to_dict("records")
    rows[0].update(influence=np.float64(4.0), attitude="-1", relationship=np.int64(5), email="", unit=np.nan)
    assert _save(demo_engine, "stakeholders", rows, read=frame) == 1
    saved = _load(demo_engine, "stakeholders").set_index("id").loc[rows[0]["id"]]
    assert (saved["influence"], saved["attitude"], saved["relationship"]) == (4, -1, 5)
    assert saved["email"] is None and saved["unit"] is None


def test_a_blank_new_row_is_ignored(demo_engine):
    frame = _load(demo_engine, "priorities")
    blank = {"id": None, "version": None, "rank": np.nan, "title": "", "description": None}
    assert _save(demo_engine, "priorities", [*frame.to_dict("records"), blank], read=frame) == 0
    assert len(_load(demo_engine, "priorities")) == len(frame)


def test_ranks_can_be_swapped(demo_engine):
    frame = _load(demo_engine, "priorities")
    rows = frame.to_dict("records")
    rows[0]["rank"], rows[1]["rank"] = rows[1]["rank"], rows[0]["rank"]
    assert _save(demo_engine, "priorities", rows, read=frame) == 2
    assert list(_load(demo_engine, "priorities")["id"][:2]) == [rows[1]["id"], rows[0]["id"]]


def test_a_deleted_year_can_be_added_again_in_the_same_save(demo_engine):
    frame = _load(demo_engine, "years")
    rows = frame.to_dict("records")
    gone = rows.pop()
    again = {"year": gone["year"], "revenue": 1.0, "category_spend": None}
    assert _save(demo_engine, "years", [*rows, again], read=frame) == 2
    assert list(_load(demo_engine, "years")["year"]) == list(frame["year"])


def test_an_action_that_becomes_done_is_done_today(demo_engine):
    frame = _load(demo_engine, "actions")
    rows = frame.to_dict("records")
    index = next(index for index, row in enumerate(rows) if row["status"] == "open")
    rows[index]["status"] = "done"
    _save(demo_engine, "actions", rows, read=frame)
    assert _load(demo_engine, "actions").set_index("id").loc[rows[index]["id"], "done_on"] == TODAY


# --- bad rows -----------------------------------------------------------------------------------


def _other_ids(engine) -> dict[str, int]:
    """Rows of another account, that this account's rows may not point at."""
    return {
        "priority": next(iter(_refs(engine, "value_propositions", OTHER)["priority_id"])),
        "unit": next(iter(_refs(engine, "white_space", OTHER)["unit_id"])),
        "stakeholder": next(iter(_refs(engine, "stakeholders", OTHER)["reports_to_id"])),
        "objective": next(iter(_refs(engine, "actions", OTHER)["objective_id"])),
    }


def edit(index: int, **changes):
    """Change row ``index`` (0-based); a change may be computed from (rows, other account's ids)."""

    def mutate(rows, other):
        rows[index].update({name: value(rows, other) if callable(value) else value for name, value in changes.items()})

    return mutate


LONG = "x" * 5000

BAD_ROWS = [
    ("years", edit(0, year=1980), "year", "integer_range", 1),
    ("years", edit(0, year=2024.5), "year", "integer_range", 1),
    ("years", edit(1, year=2023), "year", "duplicate_year", 2),
    ("years", edit(0, revenue=-1), "revenue", "number_min", 1),
    ("years", edit(0, revenue=None), "revenue", "required", 1),
    ("years", edit(0, revenue="a lot"), "revenue", "number_range", 1),
    ("years", edit(2, category_spend=1.0), "category_spend", "spend_below_revenue", 3),
    ("priorities", edit(0, rank=0), "rank", "number_min", 1),
    ("priorities", edit(0, title="  "), "title", "required", 1),
    ("priorities", edit(0, title="x" * 201), "title", "text_length", 1),
    ("priorities", edit(1, description="x" * 2001), "description", "text_length", 2),
    ("value_propositions", edit(0, priority_id=None), "priority_id", "required", 1),
    ("value_propositions", edit(0, priority_id=lambda rows, other: other["priority"]), "priority_id", "unknown_ref", 1),
    ("value_propositions", edit(0, offer_id=9999), "offer_id", "unknown_ref", 1),
    ("value_propositions", edit(0, what_we_bring=""), "what_we_bring", "required", 1),
    ("value_propositions", edit(1, customer_value=np.nan), "customer_value", "required", 2),
    ("value_propositions", edit(0, customer_value=LONG), "customer_value", "text_length", 1),
    ("value_propositions", edit(0, value_amount=-1), "value_amount", "number_min", 1),
    ("swot", edit(0, kind="threats"), "kind", "choice", 1),
    ("swot", edit(0, kind=None), "kind", "required", 1),
    ("swot", edit(0, text="x" * 301), "text", "text_length", 1),
    ("swot", edit(0, position="first"), "position", "integer_range", 1),
    ("competitors", edit(1, name=" voltrix  SYSTÈMS "), "name", "duplicate_name", 2),
    ("competitors", edit(0, name=""), "name", "required", 1),
    ("competitors", edit(0, share_pct=101), "share_pct", "number_range", 1),
    ("competitors", edit(0, share_pct=90), "share_pct", "shares_over_100", 2),
    ("competitors", edit(2, strengths="x" * 301), "strengths", "text_length", 3),
    ("stakeholders", edit(0, name="x" * 121), "name", "text_length", 1),
    ("stakeholders", edit(0, email="f.peeters at veltara"), "email", "email_format", 1),
    ("stakeholders", edit(0, email="x" * 250 + "@a.fr"), "email", "text_length", 1),
    ("stakeholders", edit(0, reports_to_id=lambda rows, other: rows[0]["id"]), "reports_to_id", "reports_to_self", 1),
    (
        "stakeholders",
        edit(0, reports_to_id=lambda rows, other: other["stakeholder"]),
        "reports_to_id",
        "unknown_ref",
        1,
    ),
    ("stakeholders", edit(1, reports_to_id=lambda rows, other: rows[0]["id"]), "reports_to_id", "reports_to_cycle", 1),
    ("stakeholders", edit(0, role="boss"), "role", "choice", 1),
    ("stakeholders", edit(0, influence=6), "influence", "integer_range", 1),
    ("stakeholders", edit(0, attitude=-3), "attitude", "integer_range", 1),
    ("stakeholders", edit(0, relationship=0), "relationship", "integer_range", 1),
    ("stakeholders", edit(0, owner="x" * 121), "owner", "text_length", 1),
    ("stakeholders", edit(0, last_contact=date(2026, 11, 27)), "last_contact", "date_in_future", 1),
    ("stakeholders", edit(0, last_contact="last week"), "last_contact", "not_a_date", 1),
    ("units", edit(1, name=lambda rows, other: rows[0]["name"].upper()), "name", "duplicate_name", 2),
    ("units", edit(0, kind="region"), "kind", "choice", 1),
    (
        "white_space",
        edit(1, unit_id=lambda rows, other: rows[0]["unit_id"], offer_id=lambda rows, other: rows[0]["offer_id"]),
        "offer_id",
        "duplicate_pair",
        2,
    ),
    ("white_space", edit(0, unit_id=lambda rows, other: other["unit"]), "unit_id", "unknown_ref", 1),
    ("white_space", edit(0, offer_id=None), "offer_id", "required", 1),
    ("white_space", edit(0, status="won"), "status", "choice", 1),
    ("white_space", edit(0, value=-5), "value", "number_min", 1),
    ("white_space", edit(0, competitor="x" * 121), "competitor", "text_length", 1),
    ("objectives", edit(0, kind=None), "kind", "required", 1),
    ("objectives", edit(0, title=""), "title", "required", 1),
    ("objectives", edit(0, target="x" * 121), "target", "text_length", 1),
    ("objectives", edit(0, owner=""), "owner", "required", 1),
    ("objectives", edit(0, due_date=None), "due_date", "required", 1),
    ("objectives", edit(0, due_date="2027-13-01"), "due_date", "not_a_date", 1),
    ("objectives", edit(0, status="done"), "status", "choice", 1),
    ("actions", edit(0, objective_id=lambda rows, other: other["objective"]), "objective_id", "unknown_ref", 1),
    ("actions", edit(0, title=""), "title", "required", 1),
    ("actions", edit(0, owner=None), "owner", "required", 1),
    ("actions", edit(0, due_date=pd.NaT), "due_date", "required", 1),
    ("actions", edit(0, status=None), "status", "required", 1),
    ("actions", edit(0, done_on=date(2026, 12, 1)), "done_on", "date_in_future", 1),
]


@pytest.mark.parametrize(
    "section, mutate, field, code, row",
    BAD_ROWS,
    ids=[f"{case[0]}-{case[2]}-{case[3]}-{number}" for number, case in enumerate(BAD_ROWS)],
)
def test_a_bad_row_is_refused_and_nothing_is_saved(demo_engine, section, mutate, field, code, row):
    frame = _load(demo_engine, section)
    rows = frame.to_dict("records")
    mutate(rows, _other_ids(demo_engine))
    rows.append(_new_row(section, rows, _refs(demo_engine, section))[0])  # a good new row, not saved either
    with pytest.raises(ValidationError) as raised:
        _save(demo_engine, section, rows, read=frame)
    assert _errors(raised) == [(field, code, row)]
    assert {"row", "value"} <= set(raised.value.errors[0].params)
    pd.testing.assert_frame_equal(_load(demo_engine, section), frame)


def test_error_params_say_what_is_allowed(demo_engine):
    frame = _load(demo_engine, "competitors")
    rows = frame.to_dict("records")
    rows[0].update(share_pct=90, strengths="x" * 301)
    rows[1]["name"] = "Kobaltek Energy"
    rows[2]["name"] = "KOBALTEK energy"
    with pytest.raises(ValidationError) as raised:
        _save(demo_engine, "competitors", rows, read=frame)
    assert raised.value.errors == [
        FieldError("strengths", "text_length", {"row": 1, "value": "x" * 301, "min": 0, "max": 300}),
        FieldError("share_pct", "shares_over_100", {"row": 2, "value": 17.0, "sum": 116.0}),
        FieldError("name", "duplicate_name", {"row": 3, "value": "KOBALTEK energy"}),
    ]


def test_every_bad_row_is_reported_at_once_in_row_order(demo_engine):
    frame = _load(demo_engine, "objectives")
    rows = frame.to_dict("records")
    rows[2]["status"] = "finished"
    rows[0].update(title="", due_date="soon")
    with pytest.raises(ValidationError) as raised:
        _save(demo_engine, "objectives", rows, read=frame)
    assert _errors(raised) == [("title", "required", 1), ("due_date", "not_a_date", 1), ("status", "choice", 3)]
    assert raised.value.errors[-1].params == {
        "row": 3,
        "value": "finished",
        "choices": ["not_started", "on_track", "at_risk", "achieved", "missed"],
    }
    assert raised.value.errors[1].params == {"row": 1, "value": "soon"}


def test_value_propositions_only_for_the_accounts_own_priorities(demo_engine):
    frame = _load(demo_engine, "value_propositions")
    own = set(_refs(demo_engine, "value_propositions")["priority_id"])
    assert set(frame["priority_id"]) <= own
    others = _load(demo_engine, "value_propositions", OTHER)
    assert not set(others["priority_id"]) & own
    new = _new_row("value_propositions", [], _refs(demo_engine, "value_propositions"))[0]
    new["priority_id"] = int(others["priority_id"].iloc[0])
    with pytest.raises(ValidationError) as raised:
        _save(demo_engine, "value_propositions", [*frame.to_dict("records"), new], read=frame)
    assert _errors(raised) == [("priority_id", "unknown_ref", len(frame) + 1)]


def test_a_reporting_cycle_is_refused(demo_engine):
    frame = _load(demo_engine, "stakeholders")
    rows = frame.to_dict("records")
    by_id = {row["id"]: row for row in rows}
    # Joost Bakker -> Femke Peeters -> Koen Bos -> Joost Bakker
    joost = next(row for row in rows if row["name"] == "Joost Bakker")
    femke = by_id[joost["reports_to_id"]]
    koen = by_id[femke["reports_to_id"]]
    koen["reports_to_id"] = joost["id"]
    with pytest.raises(ValidationError) as raised:
        _save(demo_engine, "stakeholders", rows, read=frame)
    position = min(rows.index(row) for row in (joost, femke, koen)) + 1
    assert _errors(raised) == [("reports_to_id", "reports_to_cycle", position)]  # once per cycle
    koen["reports_to_id"] = None  # a chain without a loop is fine
    joost["reports_to_id"] = koen["id"]
    assert _save(demo_engine, "stakeholders", rows, read=frame) == 1


def test_one_may_not_report_to_someone_deleted_in_the_same_save(demo_engine):
    frame = _load(demo_engine, "stakeholders")
    rows = frame.to_dict("records")
    manager_id = rows[0]["reports_to_id"]
    rows = [row for row in rows if row["id"] != manager_id]
    with pytest.raises(ValidationError) as raised:
        _save(demo_engine, "stakeholders", rows, read=frame)
    assert ("reports_to_id", "unknown_ref", 1) in _errors(raised)


@pytest.mark.parametrize(
    "raw, column, expected",
    [
        (" 7,5 ", Column("x", "float"), 7.5),
        (np.float64(2.0), Column("x", "int"), 2),
        ("3", Column("x", "int"), 3),
        (np.int64(4), Column("x", "ref"), 4),
        (4.0, Column("x", "ref"), 4),
        ("2026-11-01", Column("x", "date"), date(2026, 11, 1)),
        ("2026-11-01T10:00:00", Column("x", "date"), date(2026, 11, 1)),
        (pd.Timestamp("2026-11-01"), Column("x", "date"), date(2026, 11, 1)),
        (np.datetime64("2026-11-01"), Column("x", "date"), date(2026, 11, 1)),
        (pd.NaT, Column("x", "date"), None),
        (pd.NA, Column("x", "int", default=3), 3),
        ("", Column("x", "text"), None),
        (" a ", Column("x", "text"), "a"),
        (" open ", Column("x", "choice", choices=("open",)), "open"),
        ("yes", Column("x", "bool"), True),
        (np.bool_(False), Column("x", "bool"), False),
    ],
)
def test_normalise_reads_what_table_editors_hand_over(raw, column, expected):
    assert normalise(column, raw, ref_ids={4}) == expected


@pytest.mark.parametrize(
    "raw, column, code",
    [
        (True, Column("x", "float"), "number_range"),
        (float("inf"), Column("x", "float"), "number_range"),
        ("1.5", Column("x", "int"), "integer_range"),
        (5, Column("x", "ref"), "unknown_ref"),
        ("label", Column("x", "ref"), "unknown_ref"),
        (20261101, Column("x", "date"), "not_a_date"),
        ("maybe", Column("x", "bool"), "choice"),
        (float("nan"), Column("x", "text", required=True), "required"),
    ],
)
def test_normalise_refuses_with_a_code(raw, column, code):
    with pytest.raises(Refused) as raised:
        normalise(column, raw, ref_ids={4})
    assert raised.value.code == code


# --- concurrent saves -----------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_a_row_someone_saved_in_between_is_a_conflict(demo_engine, section):
    read_by_both = _load(demo_engine, section)
    field, theirs, mine = UPDATES[section]
    their_rows = read_by_both.to_dict("records")
    their_rows[0][field] = theirs
    _save(demo_engine, section, their_rows, read=read_by_both)
    after_theirs = _load(demo_engine, section)
    my_rows = read_by_both.to_dict("records")
    my_rows[0][field] = mine
    new = _new_row(section, my_rows, _refs(demo_engine, section))[0]
    with pytest.raises(ConflictError) as raised:
        _save(demo_engine, section, [*my_rows, new], read=read_by_both)
    assert raised.value.record == section
    assert raised.value.updated_at is not None
    pd.testing.assert_frame_equal(_load(demo_engine, section), after_theirs)


@pytest.mark.parametrize("section", SECTIONS)
def test_deleting_a_row_someone_changed_is_a_conflict(demo_engine, section):
    read_by_both = _load(demo_engine, section)
    rows = read_by_both.to_dict("records")
    victim = _victim(section, rows)
    field, theirs, _ = UPDATES[section]
    rows[victim][field] = theirs
    _save(demo_engine, section, rows, read=read_by_both)
    after_theirs = _load(demo_engine, section)
    mine = read_by_both.to_dict("records")
    del mine[victim]
    with pytest.raises(ConflictError) as raised:
        _save(demo_engine, section, mine, read=read_by_both)
    assert raised.value.record == section
    pd.testing.assert_frame_equal(_load(demo_engine, section), after_theirs)


def test_rows_someone_added_since_reading_are_kept(demo_engine):
    mine = _load(demo_engine, "priorities")
    theirs = mine.to_dict("records")
    _save(demo_engine, "priorities", [*theirs, {"rank": 7, "title": "Theirs", "description": None}], read=mine)
    rows = mine.to_dict("records")
    rows[0]["description"] = "Mine"
    assert _save(demo_engine, "priorities", rows, read=mine) == 1
    assert list(_load(demo_engine, "priorities")["title"])[-1] == "Theirs"


def test_without_read_versions_every_row_left_out_is_deleted(demo_engine):
    frame = _load(demo_engine, "priorities")
    assert _save(demo_engine, "priorities", frame.to_dict("records")[:1]) == len(frame) - 1
    assert list(_load(demo_engine, "priorities")["id"]) == [frame["id"].iloc[0]]


@pytest.mark.parametrize("section", SECTIONS)
def test_a_row_of_another_account_is_a_conflict(demo_engine, section):
    frame = _load(demo_engine, section)
    theirs = _load(demo_engine, section, OTHER)
    stranger = theirs.to_dict("records")[0]
    with pytest.raises(ConflictError):
        _save(demo_engine, section, [*frame.to_dict("records"), stranger], read=frame)
    pd.testing.assert_frame_equal(_load(demo_engine, section), frame)
    pd.testing.assert_frame_equal(_load(demo_engine, section, OTHER), theirs)


def test_a_row_deleted_by_someone_else_is_a_conflict(demo_engine):
    frame = _load(demo_engine, "units")
    rows = frame.to_dict("records")
    _save(demo_engine, "units", rows[1:], read=frame)
    rows[0]["name"] = "Renamed"
    with pytest.raises(ConflictError):
        _save(demo_engine, "units", rows, read=frame)


# --- plan texts -----------------------------------------------------------------------------------


def test_plan_text_is_created_then_updated(empty_url):
    engine = db.get_engine(empty_url)
    account_id = _add_account(engine)
    with Session(engine) as session:
        assert read_plan_text(session, account_id) == PlanText(None, None, None, None, None)
    created = save_plan_text(engine, account_id, {"business": " Makes cars ", "markets": "", "ambition": None}, None)
    assert created == PlanText("Makes cars", None, None, None, 1)
    updated = save_plan_text(engine, account_id, {"recent_events": "Merged with Acme"}, created.version)
    assert updated == PlanText("Makes cars", None, "Merged with Acme", None, 2)  # keys left out keep their text
    assert save_plan_text(engine, account_id, {"business": "Makes cars"}, 2).version == 2  # nothing changed


def test_an_empty_plan_text_creates_no_plan(empty_url):
    engine = db.get_engine(empty_url)
    account_id = _add_account(engine)
    assert save_plan_text(engine, account_id, {"business": " ", "ambition": None}, None).version is None
    with Session(engine) as session:
        assert session.scalar(select(AccountPlan).where(AccountPlan.account_id == account_id)) is None


def test_a_stale_plan_text_is_a_conflict(demo_engine):
    with Session(demo_engine) as session:
        read_by_both = read_plan_text(session, ACCOUNT)
    assert read_by_both.version == 1 and read_by_both.business
    theirs = save_plan_text(demo_engine, ACCOUNT, {"ambition": "Theirs"}, read_by_both.version)
    with pytest.raises(ConflictError) as raised:
        save_plan_text(demo_engine, ACCOUNT, {"ambition": "Mine"}, read_by_both.version)
    assert raised.value.record == "account_plan"
    with pytest.raises(ConflictError):  # a plan created by someone else meanwhile
        save_plan_text(demo_engine, ACCOUNT, {"ambition": "Mine"}, None)
    with Session(demo_engine) as session:
        assert read_plan_text(session, ACCOUNT) == theirs


def test_plan_text_longer_than_4000_characters_is_refused(demo_engine):
    with Session(demo_engine) as session:
        before = read_plan_text(session, ACCOUNT)
    with pytest.raises(ValidationError) as raised:
        save_plan_text(
            demo_engine, ACCOUNT, {"business": "x" * 4001, "markets": "ok", "ambition": "y" * 4001}, before.version
        )
    assert raised.value.errors == [
        FieldError("business", "text_length", {"min": 0, "max": 4000}),
        FieldError("ambition", "text_length", {"min": 0, "max": 4000}),
    ]
    with Session(demo_engine) as session:
        assert read_plan_text(session, ACCOUNT) == before


def test_plan_text_of_a_missing_account(empty_url):
    with pytest.raises(NotFoundError):
        save_plan_text(db.get_engine(empty_url), 999, {"business": "x"}, None)


# --- key figures ----------------------------------------------------------------------------------


def test_key_figures_are_read_and_saved(demo_engine):
    with Session(demo_engine) as session:
        figures = read_key_figures(session, ACCOUNT)
        account = session.get(Account, ACCOUNT)
    assert figures == KeyFigures(account.potential_3y, account.margin_pct, account.version)
    saved = save_key_figures(demo_engine, ACCOUNT, np.float64(400_000_000), "18,5", figures.version)
    assert saved == KeyFigures(400_000_000.0, 18.5, figures.version + 1)
    cleared = save_key_figures(demo_engine, ACCOUNT, None, float("nan"), saved.version)
    assert (cleared.potential_3y, cleared.margin_pct) == (None, None)


def test_bad_key_figures_are_refused_together(demo_engine):
    with Session(demo_engine) as session:
        figures = read_key_figures(session, ACCOUNT)
    with pytest.raises(ValidationError) as raised:
        save_key_figures(demo_engine, ACCOUNT, -1, 101, figures.version)
    assert raised.value.errors == [
        FieldError("potential_3y", "number_min", {"value": -1, "min": 0}),
        FieldError("margin_pct", "number_range", {"value": 101, "min": -100, "max": 100}),
    ]
    with Session(demo_engine) as session:
        assert read_key_figures(session, ACCOUNT) == figures


def test_stale_key_figures_are_a_conflict(demo_engine):
    with Session(demo_engine) as session:
        read_by_both = read_key_figures(session, ACCOUNT)
    theirs = save_key_figures(demo_engine, ACCOUNT, 1.0, 2.0, read_by_both.version)
    with pytest.raises(ConflictError) as raised:
        save_key_figures(demo_engine, ACCOUNT, 3.0, 4.0, read_by_both.version)
    assert raised.value.record == "account" and raised.value.updated_at is not None
    with Session(demo_engine) as session:
        assert read_key_figures(session, ACCOUNT) == theirs


def test_key_figures_of_a_missing_account(demo_engine):
    with Session(demo_engine) as session, pytest.raises(NotFoundError):
        read_key_figures(session, 999)
