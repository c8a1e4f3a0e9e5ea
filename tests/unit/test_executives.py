"""Our executives' table: add, rename, retire; bad input named; stale rows refused."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kam_core.common.errors import ConflictError, ValidationError
from kam_core.programme.executives import load_executives, save_executives
from kam_core.store import db


def _table(url):
    with Session(db.get_engine(url)) as session:
        return load_executives(session)


def test_add_rename_and_retire(demo_url):
    engine = db.get_engine(demo_url)
    table = _table(demo_url)
    rows = table.to_dict("records")
    read = set(table["id"])
    rows[0]["title"] = "Group CEO"
    retired = rows.pop(1)
    rows.append(
        {
            "name": "Ines Carvalho",
            "title": "Chief Digital Officer",
            "function": "Digital",
            "max_accounts": 3,
            "active": True,
        }
    )
    assert save_executives(engine, rows, read) == 3
    after = _table(demo_url).set_index("name")
    assert after.loc[rows[0]["name"], "title"] == "Group CEO"
    assert not after.loc[retired["name"], "active"]  # kept, made inactive
    assert after.loc["Ines Carvalho", "max_accounts"] == 3


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"max_accounts": 0}, "max_accounts", "integer_range"),
        ({"name": ""}, "name", "required"),
        ({"email": "not-an-address"}, "email", "email_format"),
    ],
)
def test_bad_input_names_the_row_and_field(demo_url, change, field, code):
    table = _table(demo_url)
    rows = table.to_dict("records")
    rows[2].update(change)
    with pytest.raises(ValidationError) as raised:
        save_executives(db.get_engine(demo_url), rows, set(table["id"]))
    assert [(e.field, e.code, e.params["row"]) for e in raised.value.errors] == [(field, code, 3)]
    assert _table(demo_url).equals(table)


def test_duplicate_names_are_refused(demo_url):
    table = _table(demo_url)
    rows = table.to_dict("records")
    rows.append({**rows[0], "id": None, "version": None, "name": rows[0]["name"].upper()})
    with pytest.raises(ValidationError) as raised:
        save_executives(db.get_engine(demo_url), rows, set(table["id"]))
    assert raised.value.errors[0].code == "duplicate_name"


def test_a_stale_row_is_refused(demo_url):
    engine = db.get_engine(demo_url)
    table = _table(demo_url)
    mine, theirs = table.to_dict("records"), table.to_dict("records")
    theirs[0]["title"] = "Changed by a colleague"
    save_executives(engine, theirs, set(table["id"]))
    mine[0]["title"] = "Mine"
    with pytest.raises(ConflictError):
        save_executives(engine, mine, set(table["id"]))
    assert _table(demo_url).loc[0, "title"] == "Changed by a colleague"
