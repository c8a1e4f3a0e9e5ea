"""Our KAM team and our offers: counts shown, saves whole or refused, nothing ever deleted."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.common.errors import ConflictError, ValidationError
from kam_core.portfolio.segmentation import Thresholds, load_programme, segments
from kam_core.programme.executives import load_executives, save_executives
from kam_core.programme.team import kam_choices, load_kams, load_offers, save_kams, save_offers
from kam_core.store import db
from kam_core.store.models import Account, Offer, Programme, ValueProposition, WhiteSpaceCell


def _kams(engine, **kwargs):
    with Session(engine) as session:
        return load_kams(session, **kwargs)


def _offers(engine):
    with Session(engine) as session:
        return load_offers(session)


def _expected_counts(engine) -> tuple[Counter, Counter]:
    """(accounts, strategic accounts) per KAM id, straight from the accounts and the segments."""
    with Session(engine) as session:
        programme = load_programme(session)
        table = segments(
            session,
            programme.current_period,
            Thresholds(programme.attractiveness_threshold, programme.strength_threshold),
        )
        quadrant = dict(zip(table["account_id"], table["quadrant"]))
        owned = session.execute(select(Account.id, Account.kam_id, Account.status)).all()
    live = [(account_id, kam_id) for account_id, kam_id, status in owned if status != "archived"]
    return (
        Counter(kam_id for _, kam_id in live),
        Counter(kam_id for account_id, kam_id in live if quadrant.get(account_id) == "strategic"),
    )


def _set(engine, model, identifier, **values):
    with db.session_scope(engine) as session:
        record = session.get(model, identifier)
        for name, value in values.items():
            setattr(record, name, value)


# --- our KAMs -------------------------------------------------------------------------------------


def test_kams_carry_their_accounts_and_strategic_accounts(demo_engine):
    table = _kams(demo_engine).set_index("id")
    accounts, strategic = _expected_counts(demo_engine)
    assert table["accounts"].to_dict() == {kam_id: accounts[kam_id] for kam_id in table.index}
    assert table["strategic"].to_dict() == {kam_id: strategic[kam_id] for kam_id in table.index}
    assert table["strategic"].sum() > 0
    with Session(demo_engine) as session:
        archived = session.execute(select(Account.kam_id).where(Account.status == "archived")).scalars().all()
        owned_in_total = session.scalar(select(func.count(Account.id)).where(Account.kam_id.is_not(None)))
    assert archived, "the demo should have an archived account with a KAM"
    assert table["accounts"].sum() == owned_in_total - len(archived)
    with Session(demo_engine) as session:
        limit = load_programme(session).accounts_per_kam
    assert table["over_limit"].to_dict() == (table["strategic"] > limit).to_dict()
    assert table["over_limit"].any(), "one demo KAM should carry too many strategic accounts"


def test_archiving_a_strategic_account_and_raising_the_limit_move_the_counts(demo_engine):
    before = _kams(demo_engine).set_index("id")
    busiest = int(before["strategic"].idxmax())
    _, strategic = _expected_counts(demo_engine)
    with Session(demo_engine) as session:
        programme = load_programme(session)
        table = segments(
            session,
            programme.current_period,
            Thresholds(programme.attractiveness_threshold, programme.strength_threshold),
        )
        ids = set(table.loc[table["quadrant"] == "strategic", "account_id"])
        account_id = session.scalars(select(Account.id).where(Account.kam_id == busiest, Account.id.in_(ids))).first()
    _set(demo_engine, Account, account_id, status="archived")
    _set(demo_engine, Programme, 1, accounts_per_kam=int(before.loc[busiest, "strategic"]) - 1)
    after = _kams(demo_engine).set_index("id")
    assert after.loc[busiest, "accounts"] == before.loc[busiest, "accounts"] - 1
    assert after.loc[busiest, "strategic"] == before.loc[busiest, "strategic"] - 1
    assert not after.loc[busiest, "over_limit"]  # exactly at the limit is not over it
    assert (_kams(demo_engine, today_period="2020-Q1")["strategic"] == 0).all()  # a period nobody scored


def test_kams_add_edit_and_retire_keeps_the_retired_owner(demo_engine):
    table = _kams(demo_engine)
    rows = table.to_dict("records")
    rows[0]["region"] = "Everywhere"
    retired = rows.pop(1)
    rows.append({"name": "Lea Novak", "email": "lea.novak@ourcompany.example", "region": None, "active": True})
    assert save_kams(demo_engine, rows, set(table["id"])) == 3
    after = _kams(demo_engine).set_index("name")
    assert after.loc[rows[0]["name"], "region"] == "Everywhere"
    assert not after.loc[retired["name"], "active"]  # kept, made inactive, listed last
    assert after.index[-1] == retired["name"]
    assert after.loc[retired["name"], "accounts"] == retired["accounts"] > 0  # still their accounts' owner
    assert after.loc["Lea Novak", "accounts"] == 0
    with Session(demo_engine) as session:
        assert [name for _, name in kam_choices(session)] == sorted(after.index[after["active"]])
        assert retired["id"] in dict(kam_choices(session, current=retired["id"]))
        assert retired["id"] not in dict(kam_choices(session))
    again = _kams(demo_engine)
    assert save_kams(demo_engine, again.to_dict("records"), set(again["id"])) == 0  # nothing changed
    assert _kams(demo_engine)["version"].tolist() == again["version"].tolist()


def _retire_first_kam(engine):
    """Leave the first KAM out of a save (made inactive); returns it and the table after."""
    table = _kams(engine)
    rows = table.to_dict("records")
    save_kams(engine, rows[1:], set(table["id"]))
    return rows[0], _kams(engine)


@pytest.mark.parametrize("case", ["in_the_save", "inactive_left_out", "added_by_someone_else"])
def test_a_duplicate_email_is_refused_not_left_to_the_database(demo_engine, case):
    if case == "inactive_left_out":
        first, table = _retire_first_kam(demo_engine)
        rows = [row for row in table.to_dict("records") if row["id"] != first["id"]]
        email = first["email"]  # the very same address: the database's unique constraint would refuse it
    elif case == "added_by_someone_else":
        table = _kams(demo_engine)
        rows = table.to_dict("records")
        email = "new.kam@ourcompany.example"
        theirs = [*rows, {"name": "Their KAM", "email": email, "active": True}]
        save_kams(demo_engine, theirs, set(table["id"]))
        email = email.upper()
    else:
        table = _kams(demo_engine)
        rows = table.to_dict("records")
        email = rows[0]["email"].upper()
    before = _kams(demo_engine)
    rows.append({"name": "Somebody", "email": email, "region": "Nordics", "active": True})
    with pytest.raises(ValidationError) as raised:
        save_kams(demo_engine, rows, set(table["id"]))
    assert [(e.field, e.code, e.params) for e in raised.value.errors] == [
        ("email", "duplicate_email", {"row": len(rows), "value": email})
    ]
    assert _kams(demo_engine).equals(before)


@pytest.mark.parametrize(
    "change, code",
    [
        ({"email": "not-an-address"}, "email_format"),
        ({"email": "  "}, "required"),
        ({"name": "x" * 121}, "text_length"),
    ],
)
def test_bad_kam_input_names_the_row_and_nothing_is_written(demo_engine, change, code):
    table = _kams(demo_engine)
    rows = table.to_dict("records")
    rows[1].update(change)
    rows[3]["region"] = "Changed too"
    with pytest.raises(ValidationError) as raised:
        save_kams(demo_engine, rows, set(table["id"]))
    assert [(e.field, e.code, e.params["row"]) for e in raised.value.errors] == [(next(iter(change)), code, 2)]
    assert _kams(demo_engine).equals(table)


def test_a_stale_kam_is_refused_and_nothing_written(demo_engine):
    table = _kams(demo_engine)
    mine, theirs = table.to_dict("records"), table.to_dict("records")
    theirs[0]["region"] = "Changed by a colleague"
    save_kams(demo_engine, theirs, set(table["id"]))
    mine[0]["region"] = "Mine"
    mine[1]["region"] = "Also mine"
    mine.append({"name": "Lea Novak", "email": "lea.novak@ourcompany.example", "active": True})
    with pytest.raises(ConflictError) as raised:
        save_kams(demo_engine, mine, set(table["id"]))
    assert raised.value.record == "kam"
    after = _kams(demo_engine)
    assert after.loc[0, "region"] == "Changed by a colleague"
    assert after.loc[1, "region"] == table.loc[1, "region"]
    assert "Lea Novak" not in set(after["name"])


def test_two_kams_may_trade_their_emails_in_one_save(demo_engine):
    table = _kams(demo_engine)
    rows = table.to_dict("records")
    rows[0]["email"], rows[1]["email"] = rows[1]["email"], rows[0]["email"]
    assert save_kams(demo_engine, rows, set(table["id"])) == 2
    after = _kams(demo_engine).set_index("id")["email"]
    assert (after[rows[0]["id"]], after[rows[1]["id"]]) == (rows[0]["email"], rows[1]["email"])


# --- our offers -----------------------------------------------------------------------------------


def test_offers_count_the_cells_and_propositions_naming_them(demo_engine):
    table = _offers(demo_engine)
    with Session(demo_engine) as session:
        for row in table.itertuples():
            cells = session.scalar(
                select(func.count()).select_from(WhiteSpaceCell).where(WhiteSpaceCell.offer_id == row.id)
            )
            propositions = session.scalar(
                select(func.count()).select_from(ValueProposition).where(ValueProposition.offer_id == row.id)
            )
            assert row.used == cells + propositions, row.name
    assert table["used"].sum() > 0
    assert list(zip(table["family"], table["name"])) == sorted(zip(table["family"], table["name"]))


def test_offers_add_rename_and_retire(demo_engine):
    table = _offers(demo_engine)
    rows = table.to_dict("records")
    rows[0]["name"] = "Renamed offer"
    rows[1]["active"] = False
    left_out = rows.pop(2)
    rows.append({"name": "Logistique", "family": "Field services", "active": None})  # empty "active" is active
    assert save_offers(demo_engine, rows, set(table["id"])) == 4
    after = _offers(demo_engine).set_index("name")
    assert after.loc["Renamed offer", "id"] == rows[0]["id"]
    assert not after.loc[rows[1]["name"], "active"]
    assert not after.loc[left_out["name"], "active"]  # never deleted: its white space cells stay
    assert after.loc[left_out["name"], "used"] == left_out["used"]
    assert after.loc["Logistique", "active"]
    assert list(after["active"]) == sorted(after["active"], reverse=True)  # inactive ones last


@pytest.mark.parametrize("stored", [False, True])
def test_a_duplicate_offer_name_is_refused(demo_engine, stored):
    table = _offers(demo_engine)
    rows = table.to_dict("records")
    if stored:  # an inactive offer, left out of the save, already has the name
        _set(demo_engine, Offer, rows[0]["id"], name="Logistique", active=False)
        table = _offers(demo_engine)
        rows = [row for row in table.to_dict("records") if row["name"] != "Logistique"]
    else:
        rows.append({"name": "Logistique", "family": "Field services", "active": True})
    rows.append({"name": "logistique ", "family": "Field services", "active": True})
    with pytest.raises(ValidationError) as raised:
        save_offers(demo_engine, rows, set(table["id"]))
    assert [(e.field, e.code, e.params) for e in raised.value.errors] == [
        ("name", "duplicate_name", {"row": len(rows), "value": "logistique"})
    ]
    assert _offers(demo_engine).equals(table)


# --- our executives, through the same engine -------------------------------------------------------


@pytest.mark.parametrize("fold", [str, str.upper])
def test_an_executive_may_not_take_the_name_of_an_inactive_one_left_out(demo_engine, fold):
    with Session(demo_engine) as session:
        table = load_executives(session)
    rows = table.to_dict("records")
    retired = rows.pop(0)
    save_executives(demo_engine, rows, set(table["id"]))
    with Session(demo_engine) as session:
        before = load_executives(session)
    rows = [row for row in before.to_dict("records") if row["id"] != retired["id"]]
    rows.append({**retired, "id": None, "version": None, "name": fold(retired["name"]), "active": True})
    with pytest.raises(ValidationError) as raised:
        save_executives(demo_engine, rows, set(before["id"]))
    assert [(e.field, e.code, e.params["row"]) for e in raised.value.errors] == [("name", "duplicate_name", len(rows))]
    with Session(demo_engine) as session:
        assert load_executives(session).equals(before)


def test_a_new_row_left_blank_with_only_its_tick_box_is_skipped(demo_engine):
    from kam_core.programme.team import load_offers, save_offers

    with Session(demo_engine) as session:
        table = load_offers(session)
    rows = table.to_dict("records") + [{"name": None, "family": "", "active": True}]
    assert save_offers(demo_engine, rows, set(table["id"])) == 0
