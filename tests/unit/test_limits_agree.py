"""A field's limits are stated twice, by the validators (kam_core's rules: what a form or an import
refuses with a message) and by the schema (kam_core/store/models.py: String(n), CheckConstraint). This
test walks every limit the validators state and the schema's column behind it, and fails on any
disagreement, naming the field: a form that lets through what the database refuses ends in a database
error, one that refuses what the database allows refuses valid data."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import CheckConstraint

from kam_core.account import accounts, handshake, section_specs, sections
from kam_core.exchange.importing import model as importing
from kam_core.portfolio import scoring
from kam_core.programme import business_case, countries, executives, settings, team
from kam_core.store import models as m

_NUMBER = r"(-?[0-9]+(?:\.[0-9]+)?)"


def schema_limits(model, name: str) -> dict:
    """What the schema states of one column: max_length, minimum, maximum, choices (None when silent)."""
    table = model.__table__
    column = table.c[name]
    limits = {"max_length": getattr(column.type, "length", None), "minimum": None, "maximum": None, "choices": None}
    for constraint in table.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        sql = str(constraint.sqltext)
        if low := re.search(rf"\b{name} >= {_NUMBER}", sql):
            limits["minimum"] = float(low.group(1))
        if high := re.search(rf"\b{name} <= {_NUMBER}", sql):
            limits["maximum"] = float(high.group(1))
        if among := re.search(rf"\b{name} IN \(([^)]*)\)", sql):
            limits["choices"] = {value.strip().strip("'") for value in among.group(1).split(",")}
    return limits


def _claim(where: str, model, name: str, *, max_length=None, minimum=None, maximum=None, choices=None):
    return pytest.param(
        model,
        name,
        {
            "max_length": max_length,
            "minimum": minimum,
            "maximum": maximum,
            "choices": set(choices) if choices else None,
        },
        id=f"{where}: {model.__tablename__}.{name}",
    )


def _columns(where: str, model, columns) -> list:
    return [
        _claim(
            where,
            model,
            column.name,
            max_length=column.max_length,
            minimum=column.minimum,
            maximum=column.maximum,
            choices=column.choices if column.kind == "choice" else None,
        )
        for column in columns
        if column.kind in ("text", "int", "float", "choice")
    ]


CLAIMS = [
    *[
        claim
        for spec in section_specs.ALL_SECTIONS.values()
        for claim in _columns(f"section_specs.ALL_SECTIONS[{spec.name}]", spec.model, spec.columns)
    ],
    *[
        _claim("sections.PLAN_TEXT_MAX", m.AccountPlan, field, max_length=sections.PLAN_TEXT_MAX)
        for field in sections.PLAN_TEXT_FIELDS
    ],
    *_columns("team.KAM_COLUMNS", m.Kam, team.KAM_COLUMNS),
    *_columns("team.OFFER_COLUMNS", m.Offer, team.OFFER_COLUMNS),
    *_columns("executives.COLUMNS", m.Executive, executives.COLUMNS),
    *_columns(
        "accounts._TEXTS", m.Account, [column for column in accounts._TEXTS.values() if column.name != "country"]
    ),
    _claim("countries.is_country", m.Account, "country", choices=countries._COUNTRIES),  # an ISO 3166-1 alpha-2 code
    _claim("accounts._STATUS", m.Account, "status", choices=accounts._STATUS.choices),
    *[
        _claim(f"accounts._NUMBERS[{field}]", m.Account, field, minimum=low, maximum=high)
        for field, (low, high) in accounts._NUMBERS.items()
    ],
    _claim("handshake.NOTE_MAX", m.HandshakeStageEvent, "note", max_length=handshake.NOTE_MAX),
    _claim("handshake.VISION_MAX", m.Handshake, "vision", max_length=handshake.VISION_MAX),
    _claim("handshake.REVIEW_TEXT_MAX", m.HandshakeReview, "notes", max_length=handshake.REVIEW_TEXT_MAX),
    _claim("handshake.REVIEW_TEXT_MAX", m.HandshakeReview, "decisions", max_length=handshake.REVIEW_TEXT_MAX),
    _claim("scoring.NAME_MAX", m.Criterion, "name", max_length=scoring.NAME_MAX),
    *[
        _claim("scoring.ANCHOR_MAX", m.Criterion, f"anchor_{anchor}", max_length=scoring.ANCHOR_MAX)
        for anchor in ("low", "mid", "high")
    ],
    _claim("scoring.WEIGHT_MIN/MAX", m.Criterion, "weight", minimum=scoring.WEIGHT_MIN, maximum=scoring.WEIGHT_MAX),
    _claim("scoring.AXES", m.Criterion, "axis", choices=scoring.AXES),
    _claim("scoring.RATIONALE_MAX", m.Score, "rationale", max_length=scoring.RATIONALE_MAX),
    _claim("scoring.SCORE_MIN/MAX", m.Score, "value", minimum=scoring.SCORE_MIN, maximum=scoring.SCORE_MAX),
    _claim("settings.NAME_MAX", m.Programme, "name", max_length=settings.NAME_MAX),
    *[
        _claim("settings.NUMBER_RANGES", m.Programme, field, minimum=low, maximum=high)
        for field, (low, high) in settings.NUMBER_RANGES.items()
    ],
    *[
        _claim("settings.INTEGER_RANGES", m.Programme, field, minimum=low, maximum=high)
        for field, (low, high) in settings.INTEGER_RANGES.items()
    ],
    *[
        _claim("importing.CONTACT_TEXT_MAX", m.Stakeholder, field, max_length=importing.CONTACT_TEXT_MAX)
        for field in ("name", "title", "unit")
    ],
    *_columns("business_case.PROGRAMME_COLUMNS", m.Programme, business_case.PROGRAMME_COLUMNS.values()),
    *_columns("business_case.KAM_COLUMNS", m.Kam, business_case.KAM_COLUMNS),
    *_columns("business_case.ACCOUNT_COLUMNS", m.Account, business_case.ACCOUNT_COLUMNS),
    _claim("business_case.AMBITION", m.RevenueAmbition, "amount", minimum=0, maximum=business_case.AMBITION_MAX),
    _claim("importing.EMAIL_MAX", m.Stakeholder, "email", max_length=importing.EMAIL_MAX),
    _claim("importing.LABEL_MAX", m.RevenueLine, "label", max_length=importing.LABEL_MAX),
    _claim("importing.YEAR_MIN/MAX", m.AccountYear, "year", minimum=importing.YEAR_MIN, maximum=importing.YEAR_MAX),
    _claim(
        "importing.PROBABILITY_MIN/MAX",
        m.RevenueLine,
        "probability_pct",
        minimum=importing.PROBABILITY_MIN,
        maximum=importing.PROBABILITY_MAX,
    ),
]


def disagreements(stated: dict, schema: dict) -> list[str]:
    found = []
    if stated["choices"] and stated["max_length"] is None and schema["max_length"] is not None:
        # a list of codes: its longest must fit in the column
        longest = max(stated["choices"], key=len)
        if len(longest) > schema["max_length"]:
            found.append(f"max_length: the schema says {schema['max_length']}, the code {longest!r} is longer")
        schema = {**schema, "max_length": None}
    for limit in ("max_length", "minimum", "maximum", "choices"):
        validator, database = stated[limit], schema[limit]
        if database is None:
            continue  # the schema states nothing (a rule the validator alone keeps, e.g. a rank from 1)
        if validator is None:
            found.append(f"{limit}: the schema says {database}, the validator states nothing")
        elif validator != database if limit == "choices" else float(validator) != float(database):
            shown = (sorted(validator), sorted(database)) if limit == "choices" else (validator, database)
            found.append(f"{limit}: the validator says {shown[0]}, the schema {shown[1]}")
    return found


@pytest.mark.parametrize(("model", "name", "stated"), CLAIMS)
def test_the_validators_and_the_schema_state_the_same_limits(model, name, stated):
    found = disagreements(stated, schema_limits(model, name))
    assert not found, f"{model.__tablename__}.{name}: " + "; ".join(found)


def test_a_disagreement_is_found_and_named():
    schema = schema_limits(m.Stakeholder, "influence")
    assert (schema["minimum"], schema["maximum"]) == (1, 5)  # the check's text is read, not skipped
    assert schema_limits(m.Competitor, "share_pct")["maximum"] == 100  # a nullable check too
    assert schema_limits(m.Stakeholder, "name")["max_length"] == 120
    stated = {"max_length": None, "minimum": 1, "maximum": 4, "choices": None}
    assert disagreements(stated, schema) == ["maximum: the validator says 4, the schema 5.0"]
    assert disagreements(
        {"max_length": None, "minimum": None, "maximum": None, "choices": None}, schema_limits(m.Stakeholder, "name")
    ) == ["max_length: the schema says 120, the validator states nothing"]
    codes = {"max_length": None, "minimum": None, "maximum": None, "choices": {"draft", "much_too_long_a_code"}}
    assert disagreements(codes, schema_limits(m.Account, "status")) == [
        "max_length: the schema says 16, the code 'much_too_long_a_code' is longer",
        "choices: the validator says ['draft', 'much_too_long_a_code'], the schema ['active', 'archived', 'prospect']",
    ]
