"""The buying centre: map status, stale contacts, the org chart (DOT) and the influence x attitude map."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.account.buying_centre import (
    ATTITUDE_FILL,
    COLUMNS,
    STALE_AFTER_DAYS,
    STALE_BORDER,
    SUPPORTIVE,
    influence_attitude_chart,
    load_stakeholders,
    map_status,
    org_chart_dot,
    stale_contacts,
)
from kam_core.demo.data import ACCOUNTS, NO_SUPPORTIVE_DECISION_MAKER
from kam_core.store import db
from kam_core.store.models import ATTITUDES, BUYING_ROLES, Account, Stakeholder

TODAY = date(2026, 11, 26)
LABELS = {
    **{f"role.{role}": f"Role {role}" for role in BUYING_ROLES},
    **{f"attitude.{value}": f"Att {name}" for value, name in ATTITUDES.items()},
    "axis.attitude": "Attitude to us",
    "axis.influence": "Influence on the decision",
    "name": "Name",
    "title": "Title",
    "role": "Role",
    "influence": "Influence",
    "attitude": "Attitude",
    "relationship": "Relationship",
    "last_contact": "Last contact",
    "zone.key_supporters": "Key supporters",
}


def _person(
    id,
    role="influencer",
    attitude=0,
    *,
    name=None,
    influence=3,
    relationship=2,
    reports_to_id=None,
    last_contact=TODAY,
    title="Manager",
):
    return {
        "id": id,
        "name": name or f"Person {id}",
        "title": title,
        "unit": "HQ",
        "email": None,
        "reports_to_id": reports_to_id,
        "role": role,
        "influence": influence,
        "attitude": attitude,
        "relationship": relationship,
        "owner": "Us",
        "last_contact": last_contact,
    }


def _people(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=COLUMNS)
    frame["reports_to_id"] = frame["reports_to_id"].astype("Int64")
    frame["last_contact"] = pd.Series([row["last_contact"] for row in rows], index=frame.index, dtype="object")
    return frame


# --- map status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        pytest.param([], "red", id="empty"),
        pytest.param([("decision_maker", 1)], "green", id="supporter-decision-maker"),
        pytest.param([("decision_maker", 2), ("approver", -2)], "green", id="champion-dm-opponent-approver"),
        pytest.param([("decision_maker", -2), ("decision_maker", 1)], "green", id="one-of-two-dms-supports"),
        pytest.param([("decision_maker", 0), ("approver", 1)], "amber", id="neutral-dm-supportive-approver"),
        pytest.param([("decision_maker", -2), ("approver", 2), ("influencer", 2)], "amber", id="opponent-dm"),
        pytest.param([("approver", 1)], "amber", id="no-dm-supportive-approver"),
        pytest.param(
            [("decision_maker", 0), ("approver", 0), ("influencer", 2), ("user", 1)],
            "red",
            id="only-other-roles-support",
        ),
        pytest.param([("champion", 2), ("decision_maker", -1)], "red", id="coach-role-is-not-a-dm"),
        pytest.param([("decision_maker", SUPPORTIVE - 1), ("approver", SUPPORTIVE - 1)], "red", id="just-below"),
    ],
)
def test_map_status(people, expected):
    frame = _people(*[_person(i + 1, role, attitude) for i, (role, attitude) in enumerate(people)])
    assert map_status(frame) == expected


def test_the_demo_portfolio_has_green_and_flagged_buying_centres(demo_url):
    with Session(db.get_engine(demo_url)) as session:
        accounts = dict(session.execute(select(Account.name, Account.id)).all())
        statuses = {name: map_status(load_stakeholders(session, account_id)) for name, account_id in accounts.items()}
    assert "green" in statuses.values()
    assert set(statuses.values()) - {"green"}
    flagged = [spec.name for spec in ACCOUNTS if spec.key in NO_SUPPORTIVE_DECISION_MAKER]
    assert flagged and all(statuses[name] != "green" for name in flagged)


# --- loading ------------------------------------------------------------------------------------


def test_load_stakeholders_reads_one_account(demo_url):
    with Session(db.get_engine(demo_url)) as session:
        account_id = session.execute(select(Account.id).order_by(Account.id)).scalars().first()
        count = session.execute(
            select(func.count(Stakeholder.id)).where(Stakeholder.account_id == account_id)
        ).scalar_one()
        people = load_stakeholders(session, account_id)
        empty = load_stakeholders(session, -1)
    assert list(people.columns) == COLUMNS and len(people) == count > 0
    assert people["role"].isin(BUYING_ROLES).all()
    assert people["influence"].between(1, 5).all() and people["attitude"].between(-2, 2).all()
    assert all(value is None or type(value) is date for value in people["last_contact"])
    managers = people["reports_to_id"].dropna()
    assert not managers.empty and managers.isin(people["id"]).all()
    assert list(empty.columns) == COLUMNS and empty.empty
    assert map_status(empty) == "red" and stale_contacts(empty, TODAY).empty


# --- stale contacts -----------------------------------------------------------------------------


def test_stale_contacts_at_the_limit():
    frame = _people(
        _person(1, last_contact=TODAY),
        _person(2, last_contact=TODAY - timedelta(days=STALE_AFTER_DAYS)),
        _person(3, last_contact=TODAY - timedelta(days=STALE_AFTER_DAYS + 1)),
        _person(4, last_contact=None),
        _person(5, last_contact=TODAY - timedelta(days=400)),
    )
    frame.index = [10, 11, 12, 13, 14]  # the flags follow the frame's index
    stale = stale_contacts(frame, TODAY)
    assert stale.dtype == bool and list(stale.index) == [10, 11, 12, 13, 14]
    assert stale.tolist() == [False, False, True, True, True]
    assert stale_contacts(frame, TODAY, days=30).tolist() == [False, True, True, True, True]


def test_stale_contacts_accept_timestamps_and_missing_values():
    frame = _people(_person(1), _person(2))
    frame["last_contact"] = pd.Series([pd.Timestamp(TODAY - timedelta(days=91)), pd.NaT])
    assert stale_contacts(frame, TODAY).tolist() == [True, True]


# --- org chart ----------------------------------------------------------------------------------


def _statements(dot: str) -> list[str]:
    """The statements of a DOT graph, split on ';' outside quoted and HTML strings; fails on an
    unbalanced quote, HTML label or brace (what a stray character in a name would cause)."""
    assert dot.startswith("digraph ") and dot.rstrip().endswith("}")
    body = dot[dot.index("{") + 1 : dot.rstrip().rindex("}")]
    statements, current, i, quoted, depth = [], "", 0, False, 0
    while i < len(body):
        char = body[i]
        if quoted:
            if char == "\\":
                current, i = current + body[i : i + 2], i + 2
                continue
            quoted = char != '"'
        elif depth:
            depth += {"<": 1, ">": -1}.get(char, 0)
        elif body.startswith("->", i):
            current, i = current + "->", i + 2
            continue
        elif char == '"':
            quoted = True
        elif char == "<":
            depth = 1
        elif char == ";":
            statements.append(current.strip())
            current, i = "", i + 1
            continue
        else:
            assert char not in "{}>", f"stray {char!r} in {current!r}"
        current, i = current + char, i + 1
    assert not quoted and depth == 0 and not current.strip()
    return statements


def _nodes(dot: str) -> dict[int, tuple[str, str]]:
    """Node id -> (visible label text, the statement)."""
    nodes = {}
    for statement in _statements(dot):
        match = re.match(r"s(\d+) \[label=<(.*)>, fillcolor=", statement)
        if match:
            assert int(match[1]) not in nodes
            text = html.unescape(re.sub(r"<[^>]+>", " | ", match[2].replace("<br/>", " ")))  # a wrapped title: one text
            nodes[int(match[1])] = (" ".join(text.split()), statement)
    return nodes


def _edges(dot: str) -> list[tuple[int, int]]:
    return [(int(m[1]), int(m[2])) for s in _statements(dot) if (m := re.fullmatch(r"s(\d+) -> s(\d+)", s))]


def test_org_chart_has_every_stakeholder_and_each_reporting_line_once():
    frame = _people(
        _person(1, "decision_maker", 2, name="Ada Boss"),
        _person(2, "approver", -2, reports_to_id=1, last_contact=None),
        _person(3, "user", 0, reports_to_id=2),
        _person(4, "buyer", 1, reports_to_id=99),  # manager not in the frame: no edge
        _person(5, "influencer", -1, reports_to_id=1),
    )
    dot = org_chart_dot(frame, labels=LABELS, today=TODAY)
    assert "rankdir=LR" in dot  # its width grows with the depth, not with the people of one level
    nodes = _nodes(dot)
    assert set(nodes) == {1, 2, 3, 4, 5}
    assert sorted(_edges(dot)) == [(1, 2), (1, 5), (2, 3)]
    text, statement = nodes[1]
    assert "Ada Boss" in text and "Manager" in text and "Role decision_maker" in text
    assert f'fillcolor="{ATTITUDE_FILL[2]}"' in statement and "dashed" not in statement
    assert f'fillcolor="{ATTITUDE_FILL[-2]}"' in nodes[2][1]
    assert "dashed" in nodes[2][1] and STALE_BORDER in nodes[2][1]  # never contacted


def test_org_chart_survives_quotes_and_markup_in_names():
    name, title = 'Dan "The Man" O\'Neil <CEO> & co\\', 'Head of "R&D"; <b>labs</b> {x}'
    frame = _people(_person(1, name=name, title=title), _person(2, name='Zoë "Z"', reports_to_id=1, title=None))
    dot = org_chart_dot(frame, labels=LABELS, today=TODAY)
    nodes = _nodes(dot)
    assert name in nodes[1][0] and title in nodes[1][0]
    assert "Head of &quot;R&amp;D&quot;; &lt;b&gt;labs&lt;/b&gt;<br/>{x}" in dot  # wrapped between words only
    assert 'Zoë "Z"' in nodes[2][0]
    assert _edges(dot) == [(1, 2)]


def test_org_chart_ignores_self_references_and_duplicates():
    frame = _people(_person(1), _person(2, reports_to_id=1), _person(3, reports_to_id=3))
    frame = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    dot = org_chart_dot(frame, labels=LABELS, today=TODAY)
    assert set(_nodes(dot)) == {1, 2, 3}
    assert _edges(dot) == [(1, 2)]


def test_org_chart_of_an_empty_buying_centre_is_an_empty_graph():
    dot = org_chart_dot(_people(), labels=LABELS, today=TODAY)
    assert _statements(dot) and not _nodes(dot) and not _edges(dot)


def test_org_chart_of_a_demo_account(demo_url):
    with Session(db.get_engine(demo_url)) as session:
        people = load_stakeholders(session, 1)
    dot = org_chart_dot(people, labels=LABELS, today=TODAY)
    nodes = _nodes(dot)
    assert set(nodes) == set(people["id"])
    assert all(row["name"] in nodes[row["id"]][0] for _, row in people.iterrows())
    expected = {(int(m), int(r)) for m, r in zip(people["reports_to_id"], people["id"]) if not pd.isna(m)}
    assert sorted(_edges(dot)) == sorted(expected)
    stale = stale_contacts(people, TODAY)
    assert sum("dashed" in statement for _, statement in nodes.values()) == stale.sum()


# --- influence x attitude map ---------------------------------------------------------------------


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def _data(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def _layer(spec: dict, mark: str) -> dict:
    return next(layer for layer in _layers(spec) if layer["mark"]["type"] == mark)


def test_influence_attitude_chart_encodings():
    frame = _people(
        _person(1, "decision_maker", 2, influence=5, relationship=5, name="Ada"),
        _person(2, "approver", 2, influence=5, relationship=1, name="Bob", last_contact=None),
        _person(3, "user", -2, influence=1, name="Cy"),
    )
    spec = influence_attitude_chart(frame, labels=LABELS, today=TODAY).to_dict()
    bubbles = _layer(spec, "circle")
    encoding = bubbles["encoding"]
    assert encoding["x"]["field"] == "attitude" and encoding["y"]["field"] == "y_pos"
    assert encoding["size"]["field"] == "relationship"
    assert encoding["color"]["field"] == "role_label"
    assert encoding["color"]["scale"]["domain"] == [LABELS[f"role.{role}"] for role in BUYING_ROLES]
    tooltips = {tip["field"]: tip["title"] for tip in encoding["tooltip"]}
    assert tooltips == {
        "name": "Name",
        "title": "Title",
        "role_label": "Role",
        "influence": "Influence",
        "attitude_label": "Attitude",
        "relationship": "Relationship",
        "last_contact_text": "Last contact",
    }
    rows = {row["name"]: row for row in _data(spec, bubbles)}
    assert rows["Ada"]["attitude_label"] == "Att champion" and rows["Ada"]["role_label"] == "Role decision_maker"
    assert rows["Ada"]["last_contact_text"] == TODAY.isoformat() and rows["Bob"]["last_contact_text"] == "–"
    # Ada and Bob share the (champion, 5) cell: fanned out, never on top of each other
    assert rows["Ada"]["y_pos"] != rows["Bob"]["y_pos"]
    assert rows["Ada"]["y_pos"] + rows["Bob"]["y_pos"] == pytest.approx(10)
    assert rows["Cy"]["y_pos"] == 1
    names = next(
        layer
        for layer in _layers(spec)
        if layer["mark"]["type"] == "text" and layer["encoding"]["text"]["field"] == "name"
    )
    assert names["encoding"]["y"]["field"] == "y_pos"
    rect = _layer(spec, "rect")
    assert rect["encoding"]["x"]["title"] == "Attitude to us"
    assert rect["encoding"]["y"]["title"] == "Influence on the decision"
    zone = _data(spec, rect)[0]
    assert (zone["x"], zone["y"]) == (SUPPORTIVE - 0.5, 3.5)  # attitude >= 1, influence >= 4
    label_expression = rect["encoding"]["x"]["axis"]["labelExpr"]
    assert all(f'"Att {name}"' in label_expression for name in ATTITUDES.values())
    assert rect["encoding"]["x"]["axis"]["values"] == [-2, -1, 0, 1, 2]
    stale_ring = _layer(spec, "point")
    assert [row["name"] for row in _data(spec, stale_ring)] == ["Bob"]


def test_influence_attitude_chart_quotes_labels_and_builds_empty():
    labels = {**LABELS, "attitude.-1": 'Scept"ique', "attitude.0": "d'accord"}
    spec = influence_attitude_chart(_people(_person(1)), labels=labels, today=TODAY).to_dict()
    assert '"Scept\\"ique"' in _layer(spec, "rect")["encoding"]["x"]["axis"]["labelExpr"]
    empty = influence_attitude_chart(_people(), labels=LABELS, today=TODAY).to_dict()
    assert _data(empty, _layer(empty, "circle")) == []


def test_influence_attitude_chart_of_a_demo_account(demo_url):
    with Session(db.get_engine(demo_url)) as session:
        people = load_stakeholders(session, 1)
    spec = influence_attitude_chart(people, labels=LABELS, today=TODAY).to_dict()
    rows = _data(spec, _layer(spec, "circle"))
    assert len(rows) == len(people)
    positions = [(row["attitude"], row["y_pos"]) for row in rows]
    assert len(set(positions)) == len(positions)  # no two bubbles on the same spot
    assert all(abs(row["y_pos"] - row["influence"]) < 0.5 for row in rows)  # still inside their cell
