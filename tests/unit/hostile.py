"""Shared pieces of the hostile-input property tests (tests/unit/test_hostile_*.py): strategies
that draw what a form, a data editor or a CSV file can hand a service (any unicode text with
control characters, right-to-left marks and emoji, very long text, NaN, infinities, -0, huge
integers, dates at the ends of the calendar, text where a number is expected), a small database
per test, a snapshot of every table, and ``attempt``: the one property every writing service
keeps -- it succeeds, or it refuses with catalogued messages and the database unchanged."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from kam_core.common.errors import ConflictError, NotFoundError, ValidationError
from kam_core.i18n import LANGUAGES, catalog, translate

# Few examples per test, many tests: the files run in about a minute. deadline=None: a
# database write takes a few ms, and the first one of a test more.
# HOSTILE_EXAMPLES=500 for a deeper search before a release.
HOSTILE = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ----------------------------------------------------------------------------------

# Text that has broken applications: markup, formula starts, bidi overrides, zero-width
# characters, characters that fold longer (ß -> ss, the ligature ﷺ -> 18 letters), NUL.
NASTY = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "\x07\x1b[31m",
    "\r\n\r\n",
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    "[click](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "**bold** _it_ `code`",
    "$x$ $$y$$",
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    "\u202eevil\u202c",
    "\u200b",
    "\ufeff",
    "\u0301",
    "مرحبا بالعالم",
    "שלום",
    "😀👍🏽👨‍👩‍👧",
    "ß" * 100,
    "\ufdfa" * 20,
    "İ" * 150,
    "Ａｃｍｅ",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "None",
    "null",
    "true",
    "1e400",
    "-0",
    "0x10",
    "1_000",
    "١٢٣",
    "Robert'); DROP TABLE account;--",
    "%s %d {0} {name}",
    "{",
    "}",
    "\\",
    "'",
    '"',
]
# Any code point a UTF-8 form can carry: control characters and NUL included, no lone surrogate.
any_char = st.characters(codec="utf-8")
short_text = st.text(any_char, max_size=30)
long_text = st.builds(
    lambda chunk, times: chunk * times,
    st.text(any_char, min_size=1, max_size=4),
    st.integers(min_value=2_500, max_value=12_000),
)
hostile_text = st.one_of(st.sampled_from(NASTY), short_text, long_text)

HUGE = [10**30, -(10**30), 2**63, 2**63 - 1, -(2**63) - 1, 2**64, 10**400]
hostile_number = st.one_of(
    st.floats(),  # NaN, infinities, -0.0, subnormals, 1.7e308
    st.integers(min_value=-(10**31), max_value=10**31),
    st.sampled_from(HUGE + [float("nan"), float("inf"), float("-inf"), -0.0, 1e308, -1e308, 5e-324]),
    st.sampled_from(
        [np.float64("nan"), np.int64(2**62), np.float32(3.5), pd.NA, pd.NaT, Decimal("1e999"), Decimal("NaN")]
    ),
    st.booleans(),
)
hostile_date = st.one_of(
    st.dates(),
    st.sampled_from([date.min, date.max, date(1970, 1, 1), date(2100, 12, 31)]),
    st.datetimes(),
    st.sampled_from([datetime.min, datetime.max, pd.Timestamp.min, pd.Timestamp.max]),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "2026-02-30",
            "31/12/2026",
            "2026-13-01",
            "yesterday",
            "2026-11-26T25:00",
            "+999999-01-01",
        ]
    ),
)
numeric_text = st.one_of(
    st.sampled_from(
        ["1,5", " 7 ", "1e308", "1e309", "-1e309", "9" * 40, "1.5.5", "1,2,3", "--1", "(1)", "10%", "€ 12"]
    ),
    st.floats().map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
# What any cell may hold: text, numbers, dates, None.
hostile_value = st.one_of(st.none(), hostile_text, hostile_number, hostile_date, numeric_text)


# --- the database -----------------------------------------------------------------------------------


def snapshot(engine) -> dict:
    """Every row of every table (as repr, so a stored NaN compares equal to itself)."""
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return {name: repr(connection.execute(text(f'SELECT * FROM "{name}" ORDER BY 1')).all()) for name in names}


# --- the property -----------------------------------------------------------------------------------


def _label_keys(field: str, label_keys) -> list[str]:
    return [pattern.format(field=field) for pattern in label_keys]


def check_messages(error: ValidationError, label_keys=("field.{field}",)) -> None:
    """Every problem has its message in both catalogs, filled from its params without a gap, and
    its field a label in one of the catalog namespaces the page uses (``label_keys``)."""
    assert error.errors, "a ValidationError names at least one problem"
    for problem in error.errors:
        for language in LANGUAGES:
            key = f"error.{problem.code}"
            assert key in catalog(language), f"{key} missing from {language}.json"
            translate(key, language, **problem.params)  # a KeyError here: a param the message needs
            keys = _label_keys(problem.field, label_keys)
            assert any(candidate in catalog(language) for candidate in keys), (
                f"no label for field {problem.field!r} ({keys}) in {language}.json"
            )


def attempt(engine, call, *, label_keys=("field.{field}",), conflict_ok: bool = False, missing_ok: bool = False):
    """Run ``call``: its result when it succeeds; None when it refuses with a ValidationError
    (ConflictError/NotFoundError only when the test allows them), whose messages are in the
    catalogs, and the database exactly as it was. Any other exception fails the test."""
    before = snapshot(engine)
    try:
        return call()
    except ValidationError as error:
        check_messages(error, label_keys)
    except ConflictError:
        assert conflict_ok, "ConflictError without anyone else saving: a constraint the validation let through"
    except NotFoundError:
        assert missing_ok, "NotFoundError for a record that exists"
    assert snapshot(engine) == before, "a refused write changed the database"
    return None


def stripped(raw):
    """What a text cell is stored as: stripped, blank as None."""
    return raw.strip() or None


def same_text(stored, raw) -> bool:
    return stored == (stripped(raw) if isinstance(raw, str) else stored)


# --- fixtures (imported by the test modules) ---------------------------------------------------------


from kam_core.store import db  # noqa: E402
from kam_core.store.models import (  # noqa: E402
    Account,
    CustomerUnit,
    Executive,
    Handshake,
    HandshakeStageEvent,
    JointObjective,
    Kam,
    Offer,
    Pairing,
    Priority,
    Stakeholder,
)
from tests.conftest import TODAY  # noqa: E402

ACCOUNT, OTHER = 1, 2  # the two accounts of the small database


def _fill_small(engine) -> None:
    with db.session_scope(engine) as session:
        kam = Kam(name="Claire Martin", email="claire@example.com")
        executive = Executive(name="Ada Chief", title="CEO", function="General management")
        offer = Offer(name="Maintenance", family="Services")
        session.add_all([kam, executive, offer])
        session.flush()
        first = Account(name="Acme", name_key="acme", sector="Energy", kam_id=kam.id, country="FR")
        session.add(first)
        session.flush()  # one at a time: the ids are the database's own (PostgreSQL's sequence moves on)
        second = Account(name="Globex", name_key="globex", sector="Retail")
        session.add(second)
        session.flush()
        assert (first.id, second.id) == (ACCOUNT, OTHER)
        person = Stakeholder(account_id=ACCOUNT, name="Dana Buyer", role="decision_maker")
        session.add_all(
            [
                person,
                CustomerUnit(account_id=ACCOUNT, name="North", kind="division"),
                Priority(account_id=ACCOUNT, rank=1, title="Grow"),
            ]
        )
        session.flush()
        session.add(Pairing(executive_id=executive.id, stakeholder_id=person.id))
        handshake = Handshake(
            account_id=ACCOUNT, stage="agreed", stage_since=TODAY - timedelta(days=30), signatory_id=person.id
        )
        session.add(handshake)
        session.flush()
        session.add_all(
            [
                HandshakeStageEvent(handshake_id=handshake.id, stage="draft", reached_on=TODAY - timedelta(days=60)),
                HandshakeStageEvent(handshake_id=handshake.id, stage="agreed", reached_on=TODAY - timedelta(days=30)),
                JointObjective(
                    handshake_id=handshake.id,
                    title="Uptime",
                    kpi="Uptime",
                    unit="%",
                    baseline=90,
                    target=99,
                    due_date=TODAY + timedelta(days=300),
                ),
            ]
        )
