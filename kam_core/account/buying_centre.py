"""The buying centre of one account: its stakeholders, the map status, stale contacts, and the two
pictures the canvas shows (an influence x attitude map and an org chart from reports-to).

Charts take every word they show in ``labels``, already translated:

- ``role.<code>`` for each code of ``BUYING_ROLES``; ``attitude.-2`` .. ``attitude.2``;
- ``axis.attitude``, ``axis.influence`` (axis titles of the map);
- tooltip titles ``name``, ``title``, ``role``, ``influence``, ``attitude``, ``relationship``,
  ``last_contact``;
- optional: ``zone.key_supporters`` (caption of the shaded zone), ``never`` (last contact of a
  stakeholder never contacted; "–" without it).

A missing key falls back to the code, so a chart never fails on an incomplete catalog.
"""

from __future__ import annotations

import html
import json
import math
from datetime import date, timedelta

import altair as alt
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from kam_core.store.models import ATTITUDES, BUYING_ROLES, Stakeholder

SUPPORTIVE = 1  # attitude >= 1 (supporter, champion) counts as supportive
STALE_AFTER_DAYS = 90

COLUMNS = [
    "id",
    "name",
    "title",
    "unit",
    "email",
    "reports_to_id",
    "role",
    "influence",
    "attitude",
    "relationship",
    "owner",
    "last_contact",
]

# Pastel fills, readable with dark text, from opponent (red) to champion (green).
ATTITUDE_FILL = {-2: "#F6C1BC", -1: "#FBDDB5", 0: "#E5E7EB", 1: "#D2EDCB", 2: "#A6DBA0"}
TEXT_COLOUR = "#111827"
STALE_BORDER = "#B91C1C"
ROLE_COLOURS = {
    "decision_maker": "#0B4F8A",
    "approver": "#7C3AED",
    "influencer": "#0E9F6E",
    "user": "#9CA3AF",
    "buyer": "#D97706",
    "gatekeeper": "#B91C1C",
    "champion": "#DB2777",
}
KEY_ZONE_FILL = "#DCFCE7"


# --- data -------------------------------------------------------------------------------------


def load_stakeholders(session: Session, account_id: int) -> pd.DataFrame:
    """One row per stakeholder of the account, ordered by name; ``last_contact`` holds dates or None,
    ``reports_to_id`` is a nullable integer."""
    rows = session.execute(
        select(
            Stakeholder.id,
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.unit,
            Stakeholder.email,
            Stakeholder.reports_to_id,
            Stakeholder.role,
            Stakeholder.influence,
            Stakeholder.attitude,
            Stakeholder.relationship,
            Stakeholder.owner,
            Stakeholder.last_contact,
        )
        .where(Stakeholder.account_id == account_id)
        .order_by(Stakeholder.name, Stakeholder.id)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=COLUMNS)
    for column in ("id", "influence", "attitude", "relationship"):
        frame[column] = frame[column].astype("int64")
    frame["reports_to_id"] = frame["reports_to_id"].astype("Int64")
    frame["last_contact"] = pd.Series([row.last_contact for row in rows], index=frame.index, dtype="object")
    return frame


def _supportive(stakeholders: pd.DataFrame, role: str) -> bool:
    if stakeholders.empty:
        return False
    return bool(((stakeholders["role"] == role) & (stakeholders["attitude"] >= SUPPORTIVE)).any())


def map_status(stakeholders: pd.DataFrame) -> str:
    """The buying centre's flag, from the roles and attitudes of its members.

    - ``"green"``: at least one decision maker (role ``decision_maker``) is supportive
      (attitude >= ``SUPPORTIVE``, i.e. supporter or champion);
    - ``"amber"``: no supportive decision maker, but at least one supportive approver;
    - ``"red"``: neither a supportive decision maker nor a supportive approver — whatever the
      other roles think (a supportive influencer or user does not lift the flag). An empty buying
      centre is red.

    The product rule ("red when no decision maker or approver is supportive; amber when supporters
    exist but no supportive decision maker; green otherwise") overlaps for a buying centre whose
    only supporters are, say, influencers; it is resolved as above: such a centre is red.
    """
    if _supportive(stakeholders, "decision_maker"):
        return "green"
    if _supportive(stakeholders, "approver"):
        return "amber"
    return "red"


def _as_date(value) -> date | None:
    """A date, or None for a missing one (None, NaN, NaT); timestamps are cut to their day."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def stale_contacts(stakeholders: pd.DataFrame, today: date, days: int = STALE_AFTER_DAYS) -> pd.Series:
    """True for each stakeholder never contacted, or last contacted more than ``days`` days before
    ``today`` (exactly ``days`` days ago is not stale yet). Indexed like ``stakeholders``."""
    if stakeholders.empty:
        return pd.Series([], index=stakeholders.index, dtype=bool)
    limit = today - timedelta(days=days)
    flags = [(contact := _as_date(value)) is None or contact < limit for value in stakeholders["last_contact"]]
    return pd.Series(flags, index=stakeholders.index, dtype=bool)


# --- org chart --------------------------------------------------------------------------------


def _label(labels: dict[str, str], key: str, default: str | None = None) -> str:
    value = labels.get(key)
    return value if value else (default if default is not None else key.split(".", 1)[-1])


def _text(value) -> str:
    """Free text made safe for a Graphviz HTML label: one line, entities escaped (quotes included)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(" ".join(str(value).split()), quote=True)


NAME_POINTS = 14  # the stakeholder's name, bold: 18.7 px at the chart's own size
DETAIL_POINTS = 12  # title and role: 16 px
TITLE_WRAP = 26  # characters of a title's line


def _wrapped(text: str) -> list[str]:
    """A title on lines of about ``TITLE_WRAP`` characters, cut between words only."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= TITLE_WRAP:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _optional_int(value) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def org_chart_dot(stakeholders: pd.DataFrame, *, labels: dict[str, str], today: date) -> str:
    """Graphviz DOT for ``st.graphviz_chart``: left to right, one box per stakeholder (name in bold,
    title, role), an edge from each manager to each report (``reports_to_id``; ids pointing outside
    the frame, and self-references, are ignored), filled by attitude (pastel red for an opponent to
    green for a champion, dark text) and drawn with a dashed red border when the contact is stale.

    Labels are Graphviz HTML labels, every text HTML-escaped, so quotes, ``<`` or ``&`` in names
    cannot break the graph.

    The page draws the chart at its own size, shrunk only when wider than the page, so the text is
    only as large as the chart is narrow: left to right, its width grows with the depth of the
    organisation (a few levels), not with the number of people on one level (a CEO's eight direct
    reports made it so wide that its text came out at 11 px at 1920 px); long titles wrap
    (``TITLE_WRAP``). tests/e2e/test_defects_ui.py measures the text at 14 px or more."""
    lines = [
        "digraph buying_centre {",
        '  graph [rankdir=LR, bgcolor="transparent", nodesep=0.2, ranksep=0.5];',
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize={NAME_POINTS}, '
        f'fontcolor="{TEXT_COLOUR}", color="#6B7280", penwidth=1.2, margin="0.18,0.08"];',
        '  edge [color="#6B7280", arrowhead=none, penwidth=1.4];',
    ]
    if stakeholders.empty:
        lines.append("}")
        return "\n".join(lines)
    stale = stale_contacts(stakeholders, today)
    ids: set[int] = set()
    for index, row in stakeholders.iterrows():
        node_id = int(row["id"])
        if node_id in ids:
            continue
        ids.add(node_id)
        parts = [f"<b>{_text(row['name'])}</b>"]
        if _text(row.get("title")):
            title_lines = _wrapped(html.unescape(_text(row.get("title"))))  # wrapped as read, then escaped
            parts.append(
                f'<font point-size="{DETAIL_POINTS}">{"<br/>".join(_text(line) for line in title_lines)}</font>'
            )
        role = _text(_label(labels, f"role.{row['role']}"))
        parts.append(f'<font point-size="{DETAIL_POINTS}"><i>{role}</i></font>')
        attitude = _optional_int(row["attitude"])
        fill = ATTITUDE_FILL.get(attitude if attitude is not None else 0, ATTITUDE_FILL[0])
        attributes = [f"label=<{'<br/>'.join(parts)}>", f'fillcolor="{fill}"']
        if stale.loc[index]:
            attributes += ['style="rounded,filled,dashed"', f'color="{STALE_BORDER}"', "penwidth=2.4"]
        lines.append(f"  s{node_id} [{', '.join(attributes)}];")
    edges: list[tuple[int, int]] = []
    for _, row in stakeholders.iterrows():
        manager, report = _optional_int(row["reports_to_id"]), int(row["id"])
        if manager is None or manager == report or manager not in ids or (manager, report) in edges:
            continue
        edges.append((manager, report))
    lines += [f"  s{manager} -> s{report};" for manager, report in edges]
    lines.append("}")
    return "\n".join(lines)


# --- influence x attitude map -----------------------------------------------------------------


def _cell_offsets(frame: pd.DataFrame, spread: float = 0.8) -> pd.Series:
    """Vertical offsets (in influence units) that fan out stakeholders sharing one (attitude,
    influence) cell, so neither bubbles nor names sit on top of each other; deterministic."""
    offsets = pd.Series(0.0, index=frame.index)
    for _, group in frame.sort_values(["name", "id"]).groupby(["attitude", "influence"], sort=False):
        count = len(group)
        if count == 1:
            continue
        step = min(0.26, spread / (count - 1))
        for rank, index in enumerate(group.index):
            offsets.loc[index] = ((count - 1) / 2 - rank) * step
    return offsets


def _label_expression(values: dict[int, str]) -> str:
    """A Vega expression turning an axis value into its label (labels quoted as JSON strings)."""
    expression = '""'
    for value, text in sorted(values.items(), reverse=True):
        expression = f"datum.value == {value} ? {json.dumps(text)} : {expression}"
    return expression


def influence_attitude_chart(
    stakeholders: pd.DataFrame, *, labels: dict[str, str], today: date, height: int = 520
) -> alt.LayerChart:
    """Attitude to us across (opponent .. champion), influence up (1-5): one bubble per stakeholder,
    sized by relationship strength, coloured by role, named beside it; stakeholders sharing a cell
    are fanned out vertically. The "key supporters" zone (attitude >= 1, influence >= 4) is shaded;
    stale contacts get a dashed red ring."""
    attitude_labels = {value: _label(labels, f"attitude.{value}", ATTITUDES[value]) for value in ATTITUDES}
    role_labels = {role: _label(labels, f"role.{role}", role) for role in BUYING_ROLES}
    never = _label(labels, "never", "–")
    data = stakeholders.copy()
    data["y_pos"] = data["influence"].astype(float) + _cell_offsets(data)
    data["role_label"] = data["role"].map(role_labels).fillna(data["role"])
    data["attitude_label"] = data["attitude"].map(attitude_labels)
    data["last_contact_text"] = [
        never if (contact := _as_date(value)) is None else contact.isoformat() for value in data["last_contact"]
    ]
    data["stale"] = stale_contacts(data, today)
    data["title"] = data["title"].fillna("")
    data = data[
        [
            "id",
            "name",
            "title",
            "role_label",
            "influence",
            "attitude",
            "attitude_label",
            "relationship",
            "last_contact_text",
            "stale",
            "y_pos",
        ]
    ]

    scale_x = alt.Scale(domain=[-2.5, 2.5], nice=False, zero=False)
    scale_y = alt.Scale(domain=[0.5, 5.5], nice=False, zero=False)
    axis = {"labelFontSize": 16, "titleFontSize": 18, "titleFontWeight": "bold", "grid": False}
    x_axis = alt.Axis(values=list(range(-2, 3)), labelExpr=_label_expression(attitude_labels), **axis)
    y_axis = alt.Axis(values=list(range(1, 6)), format="d", **axis)
    title_x, title_y = _label(labels, "axis.attitude"), _label(labels, "axis.influence")

    zone = pd.DataFrame(
        [{"x": SUPPORTIVE - 0.5, "x2": 2.5, "y": 3.5, "y2": 5.5, "caption": labels.get("zone.key_supporters", "")}]
    )
    layers = [
        alt.Chart(zone)
        .mark_rect(color=KEY_ZONE_FILL, opacity=0.9)
        .encode(
            x=alt.X("x:Q", scale=scale_x, title=title_x, axis=x_axis),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=scale_y, title=title_y, axis=y_axis),
            y2="y2:Q",
        )
    ]
    if zone.loc[0, "caption"]:
        layers.append(
            alt.Chart(zone)
            .mark_text(
                align="right", baseline="top", dx=-6, dy=6, fontSize=15, fontWeight="bold", color="#166534", opacity=0.8
            )
            .encode(x="x2:Q", y="y2:Q", text="caption:N")
        )
    neutral = pd.DataFrame({"x": [0.0]})
    layers.append(alt.Chart(neutral).mark_rule(color="#9CA3AF", strokeDash=[6, 4], strokeWidth=1.5).encode(x="x:Q"))

    tooltip = [
        alt.Tooltip("name:N", title=_label(labels, "name")),
        alt.Tooltip("title:N", title=_label(labels, "title")),
        alt.Tooltip("role_label:N", title=_label(labels, "role")),
        alt.Tooltip("influence:Q", title=_label(labels, "influence")),
        alt.Tooltip("attitude_label:N", title=_label(labels, "attitude")),
        alt.Tooltip("relationship:Q", title=_label(labels, "relationship")),
        alt.Tooltip("last_contact_text:N", title=_label(labels, "last_contact")),
    ]
    base = alt.Chart(data)
    position = {"x": alt.X("attitude:Q", scale=scale_x), "y": alt.Y("y_pos:Q", scale=scale_y)}
    layers.append(
        base.mark_circle(opacity=0.85, stroke="white", strokeWidth=1.5).encode(
            **position,
            size=alt.Size("relationship:Q", scale=alt.Scale(domain=[1, 5], range=[140, 900]), legend=None),
            color=alt.Color(
                "role_label:N",
                scale=alt.Scale(domain=list(role_labels.values()), range=list(ROLE_COLOURS.values())),
                legend=alt.Legend(
                    title=None, orient="bottom", labelFontSize=15, symbolSize=220, columns=4, labelLimit=240
                ),
            ),
            tooltip=tooltip,
        )
    )
    layers.append(
        alt.Chart(data[data["stale"]])
        .mark_point(shape="circle", filled=False, size=1300, strokeWidth=2, strokeDash=[4, 3], color=STALE_BORDER)
        .encode(**position, tooltip=tooltip)
    )
    layers.append(
        base.mark_text(align="left", baseline="middle", dx=24, fontSize=14, color=TEXT_COLOUR).encode(
            **position, text="name:N", tooltip=tooltip
        )
    )
    return alt.layer(*layers).properties(height=height).configure_view(stroke="#9CA3AF")
