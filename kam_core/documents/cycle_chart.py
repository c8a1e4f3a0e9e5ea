"""The yearly cycle as a timeline (Altair): one line per step, its date a mark on it and written beside
it, the company's dates as diamonds, the QBR of each quarter on one line, and a rule at today. Drawn in
the session's language by ``memo.draw_chart`` (the Vega locale writes the months)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from kam_core.programme.cycle import Milestone

KIND_COLOURS = {"company": "#B45309", "programme": "#0B4F8A", "qbr": "#15803D"}
KIND_SHAPES = {"company": "diamond", "programme": "circle", "qbr": "square"}
TODAY_COLOUR = "#B91C1C"
LINE_HEIGHT = 46  # pixels per step: labels of 16 px with room around them


def timeline_frame(milestones: list[Milestone], labels: dict[str, str]) -> pd.DataFrame:
    """The chart's rows: ``on`` (as a timestamp), ``step`` (its words), ``kind`` (its words), ``code``
    (the kind's code, for the colours) and ``quarter`` (a QBR's, in words, else empty)."""
    return pd.DataFrame(
        {
            "on": [pd.Timestamp(m.on) for m in milestones],
            "step": [labels.get(m.key, m.key) for m in milestones],
            "kind": [labels.get(f"kind.{m.kind}", m.kind) for m in milestones],
            "code": [m.kind for m in milestones],
            "quarter": [labels.get(f"quarter.{m.period}", m.period or "") if m.period else "" for m in milestones],
        },
        columns=["on", "step", "kind", "code", "quarter"],
    )


def step_order(milestones: list[Milestone], labels: dict[str, str]) -> list[str]:
    """The lines top to bottom: each step where it first comes in the cycle, the QBRs last."""
    order = []
    for milestone in sorted(milestones, key=lambda m: (m.kind == "qbr", m.on)):
        name = labels.get(milestone.key, milestone.key)
        if name not in order:
            order.append(name)
    return order


def cycle_chart(milestones: list[Milestone], *, labels: dict[str, str], today: date, width: int | None = None):
    """``milestones`` (``cycle.milestones``) on a time axis. ``labels`` holds the words: each key's
    ("strategic_plan_on", "plans_due" ...), "kind.<company|programme|qbr>", "quarter.<2026-Q4>", and the
    titles "date", "step", "kind", "quarter", "today" (a missing one shows its key)."""
    frame = timeline_frame(milestones, labels)
    order = step_order(milestones, labels)
    title = lambda key: labels.get(key, key)  # noqa: E731
    kinds = [code for code in KIND_COLOURS if code in set(frame["code"])] or list(KIND_COLOURS)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "on:T",
            title=None,
            axis=alt.Axis(format="%b %Y", labelFontSize=15, tickCount="month", grid=True, labelAngle=0),
            scale=alt.Scale(padding=40),
        ),
        y=alt.Y(
            "step:N",
            title=None,
            sort=order,
            axis=alt.Axis(labelFontSize=16, labelLimit=320, domain=False, ticks=False),
        ),
    )
    marks = base.mark_point(size=260, filled=True, opacity=1).encode(
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(
                domain=[labels.get(f"kind.{code}", code) for code in kinds], range=[KIND_COLOURS[c] for c in kinds]
            ),
            legend=alt.Legend(orient="top", labelFontSize=15),
        ),
        shape=alt.Shape(
            "kind:N",
            scale=alt.Scale(
                domain=[labels.get(f"kind.{code}", code) for code in kinds], range=[KIND_SHAPES[c] for c in kinds]
            ),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("step:N", title=title("step")),
            alt.Tooltip("on:T", title=title("date"), format="%-d %b %Y"),  # as formatting.day writes it
            alt.Tooltip("kind:N", title=title("kind")),
            alt.Tooltip("quarter:N", title=title("quarter")),
        ],
    )
    dates = base.mark_text(align="left", dx=12, fontSize=14, color="#374151").encode(
        text=alt.Text("on:T", format="%-d %b")
    )
    rule_data = pd.DataFrame({"on": [pd.Timestamp(today)], "label": [title("today")]})
    rule = alt.Chart(rule_data).mark_rule(color=TODAY_COLOUR, strokeWidth=2, strokeDash=[6, 4]).encode(x="on:T")
    rule_text = (
        alt.Chart(rule_data)
        .mark_text(align="left", dx=6, dy=-8, fontSize=15, color=TODAY_COLOUR)
        .encode(x="on:T", y=alt.value(0), text="label:N")
    )
    height = max(160, LINE_HEIGHT * max(len(order), 1))
    chart = alt.layer(marks, dates, rule, rule_text).properties(height=height)
    if width is not None:
        chart = chart.properties(width=width)
    return chart.configure_view(strokeWidth=0)
