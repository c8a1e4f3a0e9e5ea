"""Hostile input into the services behind the forms (issue #9, item 6): accounts (create, edit,
archive, delete, merge), key figures and plan texts, the programme's settings, criteria and
scores, and the rosters (executives, KAMs, offers). For any text, number or date a form can send:
the write succeeds and reads back as documented, or it is refused with catalogued messages and
nothing written -- never an IntegrityError, an OverflowError or a KeyError."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from kam_core.account import accounts, engagement, merge, sections
from kam_core.common.text import fold_name
from kam_core.portfolio import scoring
from kam_core.programme import executives, settings, team
from kam_core.store.models import Account
from tests.unit.hostile import (
    ACCOUNT,
    HOSTILE,
    OTHER,
    attempt,
    hostile_number,
    hostile_text,
    hostile_value,
    numeric_text,
    same_text,
)

ACCOUNT_LABELS = ("account.field.{field}",)


def _version(engine, account_id=ACCOUNT) -> int:
    with Session(engine) as session:
        return session.get(Account, account_id).version


account_values = st.fixed_dictionaries(
    {
        "name": hostile_text,
        "sector": st.one_of(hostile_text, st.just("Energy")),
    },
    optional={
        "crm_id": hostile_text,
        "group_name": hostile_text,
        "notes": hostile_text,
        "country": hostile_value,
        "status": hostile_value,
        "potential_3y": st.one_of(hostile_number, numeric_text, hostile_text),
        "margin_pct": st.one_of(hostile_number, numeric_text),
        "kam_id": hostile_value,
        "parent_id": hostile_value,
    },
)


@HOSTILE
@given(account_values)
def test_creating_an_account_from_any_input(small_engine, values):
    created = attempt(small_engine, lambda: accounts.create_account(small_engine, values), label_keys=ACCOUNT_LABELS)
    if created is None:
        return
    with Session(small_engine) as session:
        record = accounts.load_account(session, created)
    for name in ("name", "notes", "crm_id"):
        assert same_text(getattr(record, name), values.get(name)), name
    # a sector typed in other capitals takes the spelling already in use ("energy" -> "Energy")
    assert fold_name(record.sector) == fold_name(values["sector"].strip())
    for name in ("potential_3y", "margin_pct"):
        assert getattr(record, name) is None or math.isfinite(getattr(record, name))


@HOSTILE
@given(account_values)
def test_editing_an_account_with_any_input(small_engine, values):
    record = attempt(
        small_engine,
        lambda: accounts.update_account(small_engine, ACCOUNT, values, _version(small_engine)),
        label_keys=ACCOUNT_LABELS,
    )
    if record is not None:
        assert same_text(record.name, values["name"])
        assert same_text(record.notes, values.get("notes"))


@HOSTILE
@given(hostile_value)
def test_archiving_with_any_status(small_engine, status):
    attempt(
        small_engine,
        lambda: accounts.set_status(small_engine, OTHER, status, _version(small_engine, OTHER)),
        label_keys=ACCOUNT_LABELS,
    )


@HOSTILE
@given(hostile_value)
def test_deleting_with_any_confirmation(small_engine, typed):
    # the second account's name is "Globex": only text folding to it deletes
    with Session(small_engine) as session:
        exists = session.get(Account, OTHER) is not None
    if not exists:
        return
    attempt(
        small_engine,
        lambda: accounts.delete_account(small_engine, OTHER, typed, _version(small_engine, OTHER), backup=False),
        label_keys=("account.field.{field}", "record.{field}"),
    )


@HOSTILE
@given(st.one_of(hostile_number, numeric_text, hostile_text), st.one_of(hostile_number, numeric_text))
def test_key_figures_from_any_input(small_engine, potential, margin):
    saved = attempt(
        small_engine,
        lambda: sections.save_key_figures(small_engine, ACCOUNT, potential, margin, _version(small_engine)),
    )
    if saved is not None:
        for value in (saved.potential_3y, saved.margin_pct):
            assert value is None or math.isfinite(value)


@HOSTILE
@given(st.dictionaries(st.sampled_from(sections.PLAN_TEXT_FIELDS), st.one_of(hostile_text, hostile_value)))
def test_plan_texts_from_any_input(small_engine, values):
    with Session(small_engine) as session:
        version = sections.read_plan_text(session, ACCOUNT).version
    saved = attempt(small_engine, lambda: sections.save_plan_text(small_engine, ACCOUNT, values, version))
    if saved is not None:
        for name, raw in values.items():
            assert same_text(getattr(saved, name), raw), name


@HOSTILE
@given(
    st.fixed_dictionaries(
        {
            "name": hostile_text,
            "currency": st.one_of(hostile_text, st.sampled_from(["EUR", "usd", "ÉÉÉ", "€€€"])),
            "current_period": st.one_of(hostile_text, st.sampled_from(["2026-Q4", "2026-Q5", "99999-Q1"])),
            "attractiveness_threshold": st.one_of(hostile_number, numeric_text),
            "strength_threshold": hostile_value,
            "strategic_capacity": st.one_of(hostile_number, numeric_text),
            "accounts_per_kam": hostile_value,
        }
    )
)
def test_programme_settings_from_any_input(small_engine, values):
    with Session(small_engine) as session:
        version = settings.read_settings(session).version
    saved = attempt(small_engine, lambda: settings.save_settings(small_engine, values, version))
    if saved is not None:
        assert saved.name == values["name"].strip()


criterion_row = st.builds(
    scoring.CriterionRow,
    id=st.none(),
    axis=st.just("attractiveness"),
    name=hostile_text,
    description=st.one_of(st.none(), hostile_text),
    weight=st.one_of(hostile_number, numeric_text),
    position=st.integers(min_value=-(10**20), max_value=10**20),
    anchor_low=hostile_text,
    anchor_mid=hostile_text,
    anchor_high=hostile_text,
    active=st.booleans(),
)


@HOSTILE
@given(st.lists(criterion_row, min_size=1, max_size=4))
def test_criteria_from_any_input(small_engine, rows):
    with Session(small_engine) as session:
        stored = scoring.list_criteria(session, "attractiveness")
    saved = attempt(small_engine, lambda: scoring.save_criteria(small_engine, "attractiveness", stored + rows))
    if saved is not None:
        names = {row.name for row in saved}
        assert all(row.name.strip() in names for row in rows)


@HOSTILE
@given(
    st.lists(st.tuples(hostile_value, st.one_of(st.none(), hostile_text)), min_size=1, max_size=3),
    st.one_of(st.just("2026-Q4"), hostile_text),
)
def test_scores_from_any_input(small_engine, cells, period):
    with Session(small_engine) as session:
        criteria = [row.id for row in scoring.list_criteria(session, include_inactive=False)]
        versions = scoring.score_versions(session, "2026-Q4", "attractiveness")
        versions.update(scoring.score_versions(session, "2026-Q4", "strength"))
    edits = [
        scoring.ScoreEdit(ACCOUNT, criteria[index], value, rationale, versions.get((ACCOUNT, criteria[index])))
        for index, (value, rationale) in enumerate(cells)
    ]
    attempt(small_engine, lambda: scoring.save_scores(small_engine, period, edits))


@HOSTILE
@given(hostile_value, hostile_value)
def test_starting_a_period_from_any_input(small_engine, period, source):
    attempt(small_engine, lambda: scoring.start_period(small_engine, period, source))


roster_cell = st.one_of(hostile_text, hostile_value)


@HOSTILE
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "name": hostile_text,
                "title": roster_cell,
                "function": roster_cell,
                "email": st.one_of(roster_cell, st.just("ada@example.com")),
                "max_accounts": st.one_of(hostile_number, numeric_text),
                "active": st.one_of(st.booleans(), hostile_value),
            }
        ),
        min_size=1,
        max_size=3,
    )
)
def test_executives_from_any_input(small_engine, rows):
    with Session(small_engine) as session:
        stored = executives.load_executives(session)
    table = stored.to_dict("records") + rows
    attempt(
        small_engine,
        lambda: executives.save_executives(small_engine, table, set(stored["id"])),
        label_keys=("executives.field.{field}",),
    )


@HOSTILE
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "name": hostile_text,
                "email": st.one_of(roster_cell, st.builds("{}@example.com".format, hostile_text)),
                "region": roster_cell,
                "active": st.one_of(st.booleans(), hostile_value),
            }
        ),
        min_size=1,
        max_size=3,
    )
)
def test_kams_from_any_input(small_engine, rows):
    with Session(small_engine) as session:
        stored = team.load_kams(session)
    table = [
        {key: row[key] for key in ("id", "version", "name", "email", "region", "active")}
        for row in stored.to_dict("records")
    ] + rows
    attempt(
        small_engine, lambda: team.save_kams(small_engine, table, set(stored["id"])), label_keys=("team.field.{field}",)
    )


@HOSTILE
@given(
    st.lists(
        st.fixed_dictionaries(
            {"name": hostile_text, "family": roster_cell, "active": st.one_of(st.booleans(), hostile_value)}
        ),
        min_size=1,
        max_size=3,
    )
)
def test_offers_from_any_input(small_engine, rows):
    with Session(small_engine) as session:
        stored = team.load_offers(session)
    table = [
        {key: row[key] for key in ("id", "version", "name", "family", "active")} for row in stored.to_dict("records")
    ] + rows
    attempt(
        small_engine,
        lambda: team.save_offers(small_engine, table, set(stored["id"])),
        label_keys=("team.field.{field}",),
    )


@HOSTILE
@given(st.one_of(hostile_value, st.integers(min_value=-(10**30), max_value=10**30)))
def test_a_sponsor_from_any_input(small_engine, executive):
    attempt(
        small_engine,
        lambda: engagement.set_sponsor(small_engine, ACCOUNT, executive, _version(small_engine)),
        label_keys=("plan.{field}", "field.{field}", "plan.sponsor"),
    )


@HOSTILE
@given(
    st.dictionaries(st.one_of(st.sampled_from(accounts.FIELDS), hostile_text), hostile_value, max_size=4),
    st.dictionaries(hostile_text, hostile_value, max_size=2),
)
def test_merging_with_any_choices(small_engine, winners, resolutions):
    with Session(small_engine) as session:
        present = session.get(Account, OTHER) is not None
    if not present:
        return
    versions = (_version(small_engine), _version(small_engine, OTHER))
    attempt(
        small_engine,
        lambda: merge.merge_accounts(small_engine, ACCOUNT, OTHER, winners, resolutions, versions, backup=False),
        label_keys=ACCOUNT_LABELS + ("merge.{field}",),
    )
