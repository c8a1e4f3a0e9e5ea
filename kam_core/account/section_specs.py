"""The plan's list sections, each described once (docs/method.md, section 2): its model, its
columns, their kind and limits, its order (``SectionSpec``). ``kam_core.account.sections`` loads,
validates and saves them.

``SECTIONS`` holds the canvas lists. The handshake's lists (``joint_objectives``,
``commitments``; docs/method.md, section 3) are listed apart in ``HANDSHAKE_SECTIONS``, the
executive engagement lists (docs/method.md, section 4) in ``ENGAGEMENT_SECTIONS``;
``ALL_SECTIONS`` holds them all (``spec_of`` finds one).
"""

from __future__ import annotations

from dataclasses import dataclass

from kam_core.common.cells import Column
from kam_core.store.models import (
    ACTION_STATUSES,
    BUYING_ROLES,
    COMMITMENT_SIDES,
    COMMITMENT_STATUSES,
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    OBJECTIVE_KINDS,
    OBJECTIVE_STATUSES,
    SWOT_KINDS,
    UNIT_KINDS,
    WHITE_SPACE_STATUSES,
    AccountYear,
    Action,
    Commitment,
    Competitor,
    CustomerUnit,
    Engagement,
    JointObjective,
    Objective,
    Pairing,
    Priority,
    Stakeholder,
    SwotItem,
    ValueProposition,
    WhiteSpaceCell,
)


@dataclass(frozen=True)
class SectionSpec:
    name: str
    model: type
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]  # model attributes; a leading "-" sorts descending; id breaks ties

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _text(name: str, max_length: int, required: bool = False) -> Column:
    return Column(name, "text", required=required, max_length=max_length)


def _choice(name: str, choices: tuple) -> Column:
    return Column(name, "choice", required=True, choices=tuple(choices))


SECTIONS: dict[str, SectionSpec] = {
    spec.name: spec
    for spec in (
        SectionSpec(
            "years",
            AccountYear,
            (
                Column("year", "int", required=True, minimum=1990, maximum=2100),
                Column("revenue", "float", required=True, minimum=0),
                Column("category_spend", "float", minimum=0),
            ),
            ("year",),
        ),
        SectionSpec(
            "priorities",
            Priority,
            (
                Column("rank", "int", required=True, minimum=1),
                _text("title", 200, required=True),
                _text("description", 2000),
            ),
            ("rank",),
        ),
        SectionSpec(
            "value_propositions",
            ValueProposition,
            (
                Column("priority_id", "ref", required=True),
                Column("offer_id", "ref"),
                _text("what_we_bring", 2000, required=True),
                _text("customer_value", 2000, required=True),
                Column("value_amount", "float", minimum=0),
            ),
            ("priority_id",),
        ),
        SectionSpec(
            "swot",
            SwotItem,
            (
                _choice("kind", SWOT_KINDS),
                _text("text", 300, required=True),
                Column("position", "int", default=0),
            ),
            ("kind", "position"),
        ),
        SectionSpec(
            "competitors",
            Competitor,
            (
                _text("name", 120, required=True),
                Column("share_pct", "float", minimum=0, maximum=100),
                _text("strengths", 300),
            ),
            ("-share_pct", "name"),
        ),
        SectionSpec(
            "stakeholders",
            Stakeholder,
            (
                _text("name", 120, required=True),
                _text("title", 120),
                _text("unit", 120),
                _text("email", 254),
                Column("reports_to_id", "ref"),
                _choice("role", BUYING_ROLES),
                Column("influence", "int", minimum=1, maximum=5, default=3),
                Column("attitude", "int", minimum=-2, maximum=2, default=0),
                Column("relationship", "int", minimum=1, maximum=5, default=2),
                _text("owner", 120),
                Column("last_contact", "date"),
            ),
            ("-influence", "name"),
        ),
        SectionSpec(
            "units",
            CustomerUnit,
            (
                _text("name", 120, required=True),
                _choice("kind", UNIT_KINDS),
            ),
            ("kind", "name"),
        ),
        SectionSpec(
            "white_space",
            WhiteSpaceCell,
            (
                Column("unit_id", "ref", required=True),
                Column("offer_id", "ref", required=True),
                _choice("status", WHITE_SPACE_STATUSES),
                Column("value", "float", minimum=0),
                _text("competitor", 120),
            ),
            ("unit_id", "offer_id"),
        ),
        SectionSpec(
            "objectives",
            Objective,
            (
                _choice("kind", OBJECTIVE_KINDS),
                _text("title", 200, required=True),
                _text("target", 120, required=True),
                _text("owner", 120, required=True),
                Column("due_date", "date", required=True),
                _choice("status", OBJECTIVE_STATUSES),
            ),
            ("due_date",),
        ),
        SectionSpec(
            "actions",
            Action,
            (
                Column("objective_id", "ref"),
                _text("title", 200, required=True),
                _text("owner", 120, required=True),
                Column("due_date", "date", required=True),
                _choice("status", ACTION_STATUSES),
                Column("done_on", "date"),
            ),
            ("due_date",),
        ),
    )
}

# The handshake's lists: owned by the account through its Handshake.
HANDSHAKE_SECTIONS: dict[str, SectionSpec] = {
    spec.name: spec
    for spec in (
        SectionSpec(
            "joint_objectives",
            JointObjective,
            (
                _text("title", 200, required=True),
                _text("kpi", 120, required=True),
                _text("unit", 24, required=True),
                Column("baseline", "float", required=True),
                Column("target", "float", required=True),
                Column("due_date", "date", required=True),
            ),
            ("due_date",),
        ),
        SectionSpec(
            "commitments",
            Commitment,
            (
                _choice("side", COMMITMENT_SIDES),
                _text("description", 300, required=True),
                _text("owner", 120, required=True),
                Column("due_date", "date", required=True),
                _choice("status", COMMITMENT_STATUSES),
                Column("objective_id", "ref"),
                Column("done_on", "date"),
            ),
            ("due_date",),
        ),
    )
}

# Executive engagement: pairings owned through their stakeholder, engagements by the account.
ENGAGEMENT_SECTIONS: dict[str, SectionSpec] = {
    spec.name: spec
    for spec in (
        SectionSpec(
            "pairings",
            Pairing,
            (
                Column("executive_id", "ref", required=True),
                Column("stakeholder_id", "ref", required=True),
                Column("cadence_days", "int", required=True, minimum=1, maximum=730),
                Column("strength", "int", required=True, minimum=1, maximum=5),
            ),
            ("executive_id", "stakeholder_id"),
        ),
        SectionSpec(
            "engagements",
            Engagement,
            (
                Column("on_date", "date", required=True),
                _choice("kind", ENGAGEMENT_KINDS),
                _choice("status", ENGAGEMENT_STATUSES),
                Column("pairing_id", "ref"),  # stored in EngagementPairing (see the module's docstring)
                _text("objective", 300, required=True),
                _text("attendees", 500),
                _text("ask", 500),
                _text("outcome", 4000),
                _text("next_step", 300),
            ),
            ("-on_date",),
        ),
    )
}

ALL_SECTIONS: dict[str, SectionSpec] = {**SECTIONS, **HANDSHAKE_SECTIONS, **ENGAGEMENT_SECTIONS}


def spec_of(section: str) -> SectionSpec:
    """The spec of any list section, canvas or handshake (KeyError for an unknown name)."""
    return ALL_SECTIONS[section]
