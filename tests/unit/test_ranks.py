"""Ranks are positions (issue 20, item 2): the rule that places a section's rows (``positions``),
the renumbering a priority save does inside its write, and the database constraint behind it.
Two processes racing: ``test_concurrent_ranks.py``; the migration that repairs old duplicates:
``test_migrations.py``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from kam_core.account.sections import Placed, load_section, positions, save_section, versions
from kam_core.common.errors import ConflictError, ValidationError
from kam_core.store import db
from kam_core.store.models import AuditEntry, Competitor, CustomerUnit, Priority
from tests.conftest import TODAY

ACCOUNT = 1  # Veltara Motors Group in the demo portfolio: priorities ranked 1, 2, 3

# --- the rule ---------------------------------------------------------------------------------------

STORED = {"A": 1, "B": 2, "C": 3}  # id = 1, 2, 3


def _order(save: list[tuple[str, int]], stored=STORED, unlisted: dict[str, int] | None = None) -> list[str]:
    """The names in their final order: ``save`` lists (name, rank asked) in the save's order, a
    name not in ``stored`` being a new row; ``unlisted`` holds rows stored but not in the save."""
    ids = {name: number for number, name in enumerate([*stored, *(unlisted or {})], start=1)}
    entries = [
        Placed(name, rank, stored.get(name), ids.get(name) if name in stored else None, number)
        for number, (name, rank) in enumerate(save, start=1)
    ]
    entries += [Placed(name, rank, rank, ids[name]) for name, rank in (unlisted or {}).items()]
    final = positions(entries)
    assert sorted(final.values()) == list(range(1, len(entries) + 1))
    return sorted(final, key=final.get)


@pytest.mark.parametrize(
    ("save", "expected"),
    [
        ([("A", 1), ("B", 2), ("C", 3)], "ABC"),  # nothing moved
        ([("A", 1), ("B", 2), ("C", 1)], "CAB"),  # moved up to 1: before the row that was there
        ([("A", 3), ("B", 2), ("C", 3)], "BCA"),  # moved down to 3: after the row that was there
        ([("A", 2), ("B", 1), ("C", 3)], "BAC"),  # swapped
        ([("A", 1), ("B", 2), ("C", 3), ("N", 2)], "ANBC"),  # added at 2: inserted there
        ([("A", 1), ("B", 2), ("C", 3), ("N", 99)], "ABCN"),  # added far below: last
        ([("A", 1), ("B", 2), ("C", 3), ("N", 2), ("M", 2)], "ANMBC"),  # two added at 2: in the save's order
        ([("B", 2), ("C", 3)], "BC"),  # A deleted: B and C move up (1, 2)
        ([("C", 3), ("B", 2), ("A", 1)], "ABC"),  # the save's order is no rank
    ],
)
def test_ranks_are_positions(save, expected):
    assert "".join(_order(save)) == expected


def test_rows_left_where_they_were_that_share_a_rank_go_by_id():
    # duplicates stored before migration 0006: no refusal, the older row first, whatever the save's order
    assert _order([("B", 1), ("A", 1), ("C", 2)], stored={"A": 1, "B": 1, "C": 2}) == ["A", "B", "C"]


def test_gaps_close():
    assert positions([Placed(key, rank, rank, key) for key, rank in ((1, 2), (2, 5), (3, 9))]) == {1: 1, 2: 2, 3: 3}


def test_a_row_stored_since_the_read_keeps_its_place():
    # someone else added D at 4 after this user read A, B, C; this user adds N, also typed 4
    assert _order([("A", 1), ("B", 2), ("C", 3), ("N", 4)], unlisted={"D": 4}) == ["A", "B", "C", "D", "N"]
    # and moving C up to 1 does not displace D
    assert _order([("A", 1), ("B", 2), ("C", 1)], unlisted={"D": 4}) == ["C", "A", "B", "D"]


# --- the save ---------------------------------------------------------------------------------------


def _load(engine, account_id=ACCOUNT):
    with Session(engine) as session:
        return load_section(session, "priorities", account_id)


def _ranked_titles(engine, account_id=ACCOUNT) -> list[tuple[int, str]]:
    frame = _load(engine, account_id)
    return list(zip(frame["rank"].tolist(), frame["title"].tolist()))


def test_a_rank_typed_twice_is_placed_not_refused(demo_engine):
    frame = _load(demo_engine)
    titles = frame["title"].tolist()
    new = {"id": None, "version": None, "rank": 1, "title": "Cut scrap by half", "description": None}
    assert (
        save_section(
            demo_engine,
            "priorities",
            ACCOUNT,
            [*frame.to_dict("records"), new],
            today=TODAY,
            read_versions=versions(frame),
        )
        == 4
    )  # the new row and three renumbered
    assert _ranked_titles(demo_engine) == list(enumerate(["Cut scrap by half", *titles], start=1))


def test_moving_a_row_up_leaves_one_audit_entry_per_row_with_its_old_and_new_rank(demo_engine):
    frame = _load(demo_engine)
    rows = frame.to_dict("records")
    rows[2]["rank"] = 1
    with Session(demo_engine) as session:
        last = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())) or 0
    assert save_section(demo_engine, "priorities", ACCOUNT, rows, today=TODAY, read_versions=versions(frame)) == 3
    with Session(demo_engine) as session:
        entries = session.execute(
            select(AuditEntry.record_id, AuditEntry.changes).where(
                AuditEntry.id > last, AuditEntry.table_name == "priority"
            )
        ).all()
    ids = frame["id"].tolist()
    # the temporary ranks the renumbering goes through (above every final one) leave no trace
    assert sorted((record, json.loads(changes)["rank"]) for record, changes in entries) == sorted(
        [(ids[2], [3, 1]), (ids[0], [1, 2]), (ids[1], [2, 3])]
    )
    after = _load(demo_engine).set_index("id")
    assert [int(after.loc[identifier, "version"]) for identifier in ids] == [
        int(version) + 1 for version in frame["version"]
    ]


def test_the_database_holds_each_rank_once_per_account(demo_engine):
    with pytest.raises(IntegrityError), db.session_scope(demo_engine) as session:
        session.add(Priority(account_id=ACCOUNT, rank=1, title="Behind the form's back"))
    with db.session_scope(demo_engine) as session:  # another account may use the rank
        session.add(Priority(account_id=ACCOUNT + 1, rank=1_000, title="Far down"))


def test_a_section_holding_duplicate_ranks_from_before_saves_unchanged_and_renumbered(new_url):
    # the database of the issue: no constraint yet (revision 0005), and rank 2 stored twice
    engine = db.make_engine(new_url)
    db.migrate(engine, "0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO account (id, version, created_at, updated_at, name, name_key, sector, status) "
                "VALUES (1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'Acme', 'acme', 'Energy', 'active')"
            )
        )
        for identifier, rank in ((1, 1), (2, 2), (3, 2), (4, 3)):
            connection.execute(
                text(
                    "INSERT INTO priority (id, version, created_at, updated_at, account_id, rank, title) "
                    "VALUES (:id, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, :rank, :title)"
                ),
                {"id": identifier, "rank": rank, "title": f"P{identifier}"},
            )
    frame = _load(engine)
    assert (
        save_section(engine, "priorities", 1, frame.to_dict("records"), today=TODAY, read_versions=versions(frame)) == 2
    )  # P3 and P4 move down one place
    assert _ranked_titles(engine) == [(1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")]
    frame = _load(engine)
    assert (
        save_section(engine, "priorities", 1, frame.to_dict("records"), today=TODAY, read_versions=versions(frame)) == 0
    )


# --- names held once per account, ignoring case and accents ------------------------------------------


@pytest.mark.parametrize(("section", "model"), [("competitors", Competitor), ("units", CustomerUnit)])
def test_two_names_stored_alike_from_before_never_block_the_table(demo_engine, section, model):
    # two people adding "Acme" and "ACMÉ" at once before the check moved into the write stored both
    with db.session_scope(demo_engine) as session:
        extra = {"kind": "site"} if model is CustomerUnit else {}
        session.add_all([model(account_id=ACCOUNT, name=name, **extra) for name in ("Acme", "ACMÉ")])
    frame = _section(demo_engine, section)
    rows = frame.to_dict("records")
    assert save_section(demo_engine, section, ACCOUNT, rows, today=TODAY, read_versions=versions(frame)) == 0
    acme = next(row for row in rows if row["name"] == "ACMÉ")
    acme["name"] = "ACMÉ Nord"  # the user clears it by renaming one
    assert save_section(demo_engine, section, ACCOUNT, rows, today=TODAY, read_versions=versions(frame)) == 1
    frame = _section(demo_engine, section)
    rows = frame.to_dict("records")
    next(row for row in rows if row["name"] == "ACMÉ Nord")["name"] = "acme"  # a rename into a taken name
    with pytest.raises(ValidationError) as raised:
        save_section(demo_engine, section, ACCOUNT, rows, today=TODAY, read_versions=versions(frame))
    assert [(error.code, error.params["value"]) for error in raised.value.errors] == [("duplicate_name", "acme")]


@pytest.mark.parametrize("section", ["competitors", "units"])
def test_a_name_someone_stored_since_the_read_is_a_conflict_then_a_clear_refusal(demo_engine, section):
    read_by_both = _section(demo_engine, section)
    extra = {"kind": "site"} if section == "units" else {"share_pct": None, "strengths": None}
    theirs = [*read_by_both.to_dict("records"), {"id": None, "version": None, "name": "Newco", **extra}]
    save_section(demo_engine, section, ACCOUNT, theirs, today=TODAY, read_versions=versions(read_by_both))
    mine = [*read_by_both.to_dict("records"), {"id": None, "version": None, "name": "NEWCO", **extra}]
    with pytest.raises(ConflictError):
        save_section(demo_engine, section, ACCOUNT, mine, today=TODAY, read_versions=versions(read_by_both))
    names = _section(demo_engine, section)["name"].tolist()
    assert "Newco" in names and "NEWCO" not in names
    fresh = _section(demo_engine, section)  # the user reloads: theirs shows, and typing it again is refused
    with pytest.raises(ValidationError):
        save_section(
            demo_engine,
            section,
            ACCOUNT,
            [*fresh.to_dict("records"), mine[-1]],
            today=TODAY,
            read_versions=versions(fresh),
        )


def _section(engine, section):
    with Session(engine) as session:
        return load_section(session, section, ACCOUNT)
