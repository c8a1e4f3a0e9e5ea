"""Duplicates and merge: core names, likely duplicates (fast on 10,000 accounts), the merge plan
(every conflict kind, move counts), the merge itself (every kind of row moves, every resolution
option), and what is refused without writing anything."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from sqlalchemy import insert, select, text
from sqlmodel import Session, SQLModel

from kam_core.account import duplicates as duplicates_module
from kam_core.account import merge as merge_module
from kam_core.account.duplicates import NamedAccount, core_name, find_duplicates, likely_duplicates
from kam_core.account.merge import CONFLICT_KINDS, FIELDS, MOVE_KINDS, merge_accounts, merge_plan
from kam_core.common.errors import ConflictError, NotFoundError, ValidationError
from kam_core.common.text import fold_name
from kam_core.store import backups, db
from kam_core.store.models import (
    Account,
    AccountPlan,
    AccountYear,
    Action,
    Commitment,
    Competitor,
    Criterion,
    CustomerUnit,
    Engagement,
    EngagementPairing,
    Executive,
    Handshake,
    HandshakeReview,
    HandshakeStageEvent,
    JointObjective,
    Kam,
    KpiReading,
    Objective,
    Offer,
    Pairing,
    Priority,
    RevenueAmbition,
    RevenueLine,
    Score,
    Stakeholder,
    SwotItem,
    ValueProposition,
    WhiteSpaceCell,
)
from tests.conftest import POSTGRES

Q3, Q2 = "2026-Q3", "2026-Q2"


def _account(name: str, **values) -> Account:
    return Account(name=name, name_key=fold_name(name), sector=values.pop("sector", "Industry"), **values)


def _codes(raised) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in raised.value.errors]


def _snapshot(engine) -> dict[str, tuple[int, int]]:
    """Every table's row count and sum of versions: any write shows."""
    found = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            versions = "sum(version)" if "version" in table.c else "0"
            found[table.name] = tuple(connection.execute(text(f"SELECT count(*), {versions} FROM {table.name}")).one())
    return found


def _backups(url: str) -> list:
    if POSTGRES:  # copies are of SQLite files only
        return []
    folder = backups.backup_folder(db.sqlite_path(url))
    return sorted(folder.glob("*before-merge*")) if folder.exists() else []


# --- the two ACME records: one conflict of every kind, and rows of every kind that simply move ------


@dataclass
class Acme:
    keep: int
    other: int
    child: int
    criteria: tuple[int, int]
    offers: tuple[int, int]
    kams: tuple[int, int]
    executive: int
    keep_handshake: int
    other_handshake: int


def _add_acme(engine) -> Acme:
    with db.session_scope(engine) as session:
        criteria = tuple(session.execute(select(Criterion.id).order_by(Criterion.id)).scalars().all()[:2])
        offers = tuple(session.execute(select(Offer.id).order_by(Offer.id)).scalars().all()[:2])
        kams = tuple(session.execute(select(Kam.id).order_by(Kam.id)).scalars().all()[:2])
        executive = session.execute(select(Executive.id).order_by(Executive.id)).scalars().first()
        keep = _account(
            "ACME Corp", crm_id="CRM-ACME-1", country="FR", kam_id=kams[0], potential_3y=1_000_000.0, notes="Keep notes"
        )
        other = _account(
            "Acmé Corporation",
            crm_id="CRM-ACME-2",
            country="DE",
            kam_id=kams[1],
            sponsor_id=executive,
            status="prospect",
            margin_pct=12.5,
            notes="Other notes",
            programme_since=2025,
        )
        session.add_all([keep, other])
        session.flush()
        child = _account("Acme Polska", parent_id=other.id)
        session.add(child)

        # the surviving account's side of each conflict
        session.add_all(
            [
                Score(account_id=keep.id, criterion_id=criteria[0], period=Q3, value=7.0, rationale="strong"),
                Score(account_id=keep.id, criterion_id=criteria[1], period=Q3, value=5.0),
                AccountYear(account_id=keep.id, year=2025, revenue=100.0, category_spend=1000.0),
                AccountYear(account_id=keep.id, year=2023, revenue=30.0, category_spend=300.0),
                RevenueAmbition(account_id=keep.id, year=2027, amount=500.0),
                AccountPlan(account_id=keep.id, business="Keep business", ambition="Same ambition"),
                Competitor(account_id=keep.id, name="Voltrix", share_pct=30.0),
                Priority(account_id=keep.id, rank=1, title="Keep first"),
                Priority(account_id=keep.id, rank=2, title="Keep second"),
            ]
        )
        keep_handshake = Handshake(account_id=keep.id, stage="draft", stage_since=date(2026, 1, 5))
        lyon = CustomerUnit(account_id=keep.id, name="Lyon plant", kind="site")
        session.add_all([keep_handshake, lyon])
        session.flush()
        session.add_all(
            [
                HandshakeStageEvent(handshake_id=keep_handshake.id, stage="draft", reached_on=date(2026, 1, 5)),
                JointObjective(
                    handshake_id=keep_handshake.id,
                    title="Keep JO",
                    kpi="kWh",
                    unit="GWh",
                    baseline=10,
                    target=8,
                    due_date=date(2027, 6, 30),
                ),
                WhiteSpaceCell(account_id=keep.id, unit_id=lyon.id, offer_id=offers[0], status="open", value=100.0),
            ]
        )

        # the other account: each conflict's other side, plus rows of every kind
        session.add_all(
            [
                Score(account_id=other.id, criterion_id=criteria[0], period=Q3, value=4.0, rationale="weak"),
                Score(account_id=other.id, criterion_id=criteria[1], period=Q3, value=5.0, rationale="  "),  # equal
                Score(account_id=other.id, criterion_id=criteria[0], period=Q2, value=6.0),
                AccountYear(account_id=other.id, year=2025, revenue=50.0),
                AccountYear(account_id=other.id, year=2023, revenue=20.0, category_spend=200.0),
                AccountYear(account_id=other.id, year=2024, revenue=40.0, category_spend=400.0),
                RevenueAmbition(account_id=other.id, year=2027, amount=300.0),
                RevenueAmbition(account_id=other.id, year=2028, amount=350.0),
                AccountPlan(
                    account_id=other.id, business="Other business", markets="Other markets", ambition="  Same ambition "
                ),
                Competitor(account_id=other.id, name="VOLTRIX", share_pct=20.0, strengths="Cheap"),
                Competitor(account_id=other.id, name="Kobalt", share_pct=10.0),
                SwotItem(account_id=other.id, kind="threat", text="New entrant"),
                RevenueLine(
                    account_id=other.id, crm_id="RL-ACME-1", kind="won", amount=500.0, line_date=date(2026, 3, 1)
                ),
            ]
        )
        other_first = Priority(account_id=other.id, rank=1, title="Other first")
        other_third = Priority(account_id=other.id, rank=3, title="Other third")
        boss = Stakeholder(account_id=other.id, name="Ada Boss", role="decision_maker")
        objective = Objective(
            account_id=other.id, kind="revenue", title="Grow", target="+10%", owner="Kim", due_date=date(2027, 12, 31)
        )
        other_lyon = CustomerUnit(account_id=other.id, name="LYON Plant", kind="site")
        berlin = CustomerUnit(account_id=other.id, name="Berlin", kind="site")
        engagement = Engagement(
            account_id=other.id,
            kind="meeting",
            status="held",
            on_date=date(2026, 10, 1),
            objective="Meet",
            outcome="Met",
        )
        session.add_all([other_first, other_third, boss, objective, other_lyon, berlin, engagement])
        session.flush()
        report = Stakeholder(account_id=other.id, name="Bo Report", reports_to_id=boss.id)
        pairing = Pairing(executive_id=executive, stakeholder_id=boss.id)
        other_handshake = Handshake(
            account_id=other.id,
            stage="agreed",
            stage_since=date(2026, 6, 1),
            vision="Other vision",
            signatory_id=boss.id,
        )
        session.add_all(
            [
                report,
                pairing,
                other_handshake,
                ValueProposition(priority_id=other_first.id, what_we_bring="Kit", customer_value="Less cost"),
                Action(
                    account_id=other.id,
                    objective_id=objective.id,
                    title="Call",
                    owner="Kim",
                    due_date=date(2026, 12, 1),
                ),
                WhiteSpaceCell(
                    account_id=other.id, unit_id=other_lyon.id, offer_id=offers[0], status="sold", value=200.0
                ),
                WhiteSpaceCell(
                    account_id=other.id, unit_id=other_lyon.id, offer_id=offers[1], status="open", value=10.0
                ),
                WhiteSpaceCell(account_id=other.id, unit_id=berlin.id, offer_id=offers[0], status="sold"),
            ]
        )
        session.flush()
        session.add(EngagementPairing(engagement_id=engagement.id, pairing_id=pairing.id))
        first_jo = JointObjective(
            handshake_id=other_handshake.id,
            title="Other JO 1",
            kpi="Uptime",
            unit="%",
            baseline=95,
            target=99,
            due_date=date(2027, 6, 30),
        )
        review = HandshakeReview(
            handshake_id=other_handshake.id,
            review_date=date(2026, 9, 1),
            notes="Fine",
            next_review_on=date(2026, 12, 1),
        )
        session.add_all(
            [
                first_jo,
                review,
                JointObjective(
                    handshake_id=other_handshake.id,
                    title="Other JO 2",
                    kpi="Cost",
                    unit="EUR",
                    baseline=100,
                    target=80,
                    due_date=date(2027, 6, 30),
                ),
                HandshakeStageEvent(handshake_id=other_handshake.id, stage="draft", reached_on=date(2026, 2, 1)),
                HandshakeStageEvent(handshake_id=other_handshake.id, stage="agreed", reached_on=date(2026, 6, 1)),
            ]
        )
        session.flush()
        session.add_all(
            [
                KpiReading(objective_id=first_jo.id, review_id=review.id, reading_date=date(2026, 9, 1), value=97),
                Commitment(
                    handshake_id=other_handshake.id,
                    objective_id=first_jo.id,
                    side="ours",
                    description="Audit",
                    owner="Kim",
                    due_date=date(2026, 12, 15),
                ),
            ]
        )
        session.flush()
        return Acme(
            keep.id, other.id, child.id, criteria, offers, kams, executive, keep_handshake.id, other_handshake.id
        )


@pytest.fixture
def acme(demo_engine) -> Acme:
    return _add_acme(demo_engine)


def _plan(engine, keep: int, other: int):
    with Session(engine) as session:
        return merge_plan(session, keep, other)


def _merge(engine, plan, choice: str | dict = "keep", winners=None, **options):
    """Merge as planned; every conflict resolved with ``choice`` (or per key from a dict, the rest "keep")."""
    resolutions = (
        {conflict.key: choice for conflict in plan.conflicts}
        if isinstance(choice, str)
        else {conflict.key: choice.get(conflict.kind, "keep") for conflict in plan.conflicts}
    )
    return merge_accounts(
        engine,
        plan.keep_id,
        plan.other_id,
        winners or {},
        resolutions,
        (plan.keep_version, plan.other_version),
        **options,
    )


def _acme_keys(acme: Acme) -> dict[str, str]:
    """The conflict of each kind (for years: 2025; 2023 is a conflict too)."""
    return {
        "score": f"score:{acme.criteria[0]}:{Q3}",
        "year": "year:2025",
        "ambition": "ambition:2027",
        "plan_text": "plan:business",
        "handshake": "handshake",
        "white_space": f"white_space:lyon plant:{acme.offers[0]}",
        "competitor": "competitor:voltrix",
    }


# --- core names and likely duplicates -------------------------------------------------------------


@pytest.mark.parametrize(
    "name, core",
    [
        ("ACME Corp.", "acme"),
        ("Acmé Corporation", "acme"),
        ("acme, inc", "acme"),
        ("Kessler-Autowerke AG", "kessler autowerke"),
        ("Medivance Asia Pacific Pte Ltd", "medivance asia pacific"),
        ("Fratelli Rossi S.p.A.", "fratelli rossi"),
        ("Smith & Sons Ltd", "smith sons"),
        ("Groupe  Santéa SAS", "santea"),
        ("The Group", "the group"),  # nothing but set-aside words: they stay
    ],
)
def test_core_name(name, core):
    assert core_name(name) == core


def _add_accounts(engine, *accounts: Account) -> list[int]:
    with db.session_scope(engine) as session:
        session.add_all(accounts)
        session.flush()
        return [account.id for account in accounts]


def _duplicates(engine, **options):
    with Session(engine) as session:
        return likely_duplicates(session, **options)


def test_likely_duplicates_finds_acme_and_nothing_among_the_demo_names(demo_engine):
    assert _duplicates(demo_engine) == []  # 30 different customers, sister companies included
    acme_corp, acme_corporation = _add_accounts(demo_engine, _account("ACME Corp"), _account("Acme Corporation"))
    [pair] = _duplicates(demo_engine)
    assert (pair.first_id, pair.first_name, pair.second_id, pair.second_name) == (
        acme_corp,
        "ACME Corp",
        acme_corporation,
        "Acme Corporation",
    )
    assert (pair.similarity, pair.reasons) == (1.0, ("same_core_name",))


def test_similar_names_and_the_same_group_lower_the_bar(demo_engine):
    typo, rosen_energy, rosen_power, ambra_foods, ambra_fresh, kalmar_paper, kalmar_pulp = _add_accounts(
        demo_engine,
        _account("Nordhavn Automotiv"),  # Nordhavn Automotive AB, id 3, with a typo
        _account("Rosenborg Energi", parent_id=4),
        _account("Rosenborg Power", parent_id=4),  # ratio 0.77
        _account("Ambra Foods", group_name="Ambra Group"),
        _account("Ambra Fresh", group_name="AMBRA group"),  # 0.73
        _account("Kalmar Paper"),
        _account("Kalmar Pulp"),
    )  # 0.78, no group: not listed
    pairs = {(pair.first_id, pair.second_id): pair for pair in _duplicates(demo_engine)}
    assert set(pairs) == {(typo, 3), (rosen_energy, rosen_power), (ambra_foods, ambra_fresh)}
    assert pairs[typo, 3].reasons == ("similar_name",) and pairs[typo, 3].similarity > 0.95
    assert pairs[rosen_energy, rosen_power].reasons == ("similar_name", "same_group")
    assert pairs[ambra_foods, ambra_fresh].reasons == ("similar_name", "same_group")
    assert [pair.similarity for pair in pairs.values()] == sorted(
        (pair.similarity for pair in pairs.values()), reverse=True
    )
    lowered = {(pair.first_id, pair.second_id) for pair in _duplicates(demo_engine, minimum=0.75)}
    assert (kalmar_paper, kalmar_pulp) in lowered  # found by name alone once the bar is lower


def test_archived_accounts_are_not_listed(demo_engine):
    [newcomer] = _add_accounts(demo_engine, _account("Crestmont Bank"))  # 24, Crestmont Bank plc, is archived
    assert _duplicates(demo_engine) == []
    with db.session_scope(demo_engine) as session:
        session.get(Account, 24).status = "active"
    assert [(pair.first_id, pair.second_id) for pair in _duplicates(demo_engine)] == [(newcomer, 24)]


def test_a_full_list_keeps_the_most_similar_pairs():
    accounts = [
        NamedAccount(1, "Marlow Trading"),
        NamedAccount(2, "Marlwo Trading"),  # same letters: 0.93
        NamedAccount(3, "Nordhavn Automotive"),
        NamedAccount(4, "Nordhavn Automotiv"),  # 0.97
        NamedAccount(5, "Lindqvist Logistik"),
        NamedAccount(6, "Lindqvist Logistics"),
    ]  # 0.92
    every = find_duplicates(accounts)
    assert [(pair.first_id, pair.second_id) for pair in every] == [(4, 3), (1, 2), (6, 5)]
    assert find_duplicates(accounts, limit=1) == every[:1]
    assert find_duplicates(accounts, limit=2) == every[:2]


def test_letters_are_counted_in_bulk_as_one_by_one():
    cores = ["acme", "", "zz{|~ 9", "日本 ß", "a" * 150, "\U0010ffff x", "nordhavn automotive", "\ud800 lone"]
    one_by_one = np.zeros((len(cores), len(duplicates_module._ALPHABET) + 1), dtype=np.int16)
    for row, core in enumerate(cores):
        for character in core:
            one_by_one[row, duplicates_module._ALPHABET.get(character, len(duplicates_module._ALPHABET))] += 1
    assert (duplicates_module._letter_counts(cores) == one_by_one).all()
    assert duplicates_module._letter_counts([]).shape == (0, len(duplicates_module._ALPHABET) + 1)


def test_the_stored_folded_name_gives_the_same_pairs_as_folding_again():
    names = ["Marlow Trading", "Marlwo Trading", "ACMÉ Corp.", "Acme Corporation", "Nordhavn Automotiv"]
    plain = [NamedAccount(i, name) for i, name in enumerate(names, 1)]
    folded = [NamedAccount(i, name, folded=fold_name(name)) for i, name in enumerate(names, 1)]
    assert find_duplicates(folded) == find_duplicates(plain) and len(find_duplicates(plain)) == 2
    # the stored folded name is the one compared (not the name folded again)
    told = [NamedAccount(1, "Marlow Trading", folded="zephyr"), NamedAccount(2, "Quill Hosting", folded="zephyr")]
    assert [(pair.first_id, pair.second_id) for pair in find_duplicates(told)] == [(1, 2)]


def test_the_store_search_reads_the_folded_name_every_write_keeps(demo_engine):
    with db.session_scope(demo_engine) as session:
        assert all(account.name_key == fold_name(account.name) for account in session.scalars(select(Account)))
        session.get(Account, 1).name_key = "a folded name no other account has"  # the column the search reads
        session.get(Account, 2).name_key = "a folded name no other account hasx"
    pairs = {(pair.first_id, pair.second_id) for pair in _duplicates(demo_engine)}
    assert (1, 2) in pairs or (2, 1) in pairs


def test_ten_thousand_accounts_are_searched(empty_url):
    engine = db.get_engine(empty_url)
    rng = random.Random(2026)
    syllables = [
        "vel",
        "ta",
        "ra",
        "kes",
        "nor",
        "hav",
        "pos",
        "via",
        "ae",
        "ri",
        "von",
        "sky",
        "forge",
        "lix",
        "san",
        "mar",
        "lu",
        "men",
        "cor",
        "vane",
        "di",
        "ance",
        "lia",
        "ni",
        "cir",
        "ren",
        "alt",
        "stra",
        "byte",
        "vol",
        "ber",
        "wind",
        "grid",
        "crest",
        "mont",
        "quor",
        "vant",
    ]
    words = ["Motors", "Pharma", "Bank", "Energy", "Systems", "Logistics", "Foods", "Clinics", "Steel", "Retail", ""]
    forms = ["AG", "GmbH", "SA", "Ltd", "Inc.", "plc", "Oy", "S.p.A.", "BV", "Corp.", ""]
    names = set()
    while len(names) < 9_998:
        stem = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()
        names.add(" ".join(part for part in (stem, rng.choice(words), rng.choice(forms)) if part))
    names = sorted(names)[:9_998] + ["Aardvark Quantum Labs AG", "Aardvark Quantum Labs GmbH"]
    with db.session_scope(engine) as session:
        session.execute(
            insert(Account), [{"name": name, "name_key": fold_name(name), "sector": "Industry"} for name in names]
        )
    pairs = _duplicates(engine)
    assert len(pairs) == 100  # the limit: there are many more alike among syllable names
    assert (pairs[0].first_name, pairs[0].second_name, pairs[0].similarity) == (
        "Aardvark Quantum Labs AG",
        "Aardvark Quantum Labs GmbH",
        1.0,
    )
    assert [pair.similarity for pair in pairs] == sorted((pair.similarity for pair in pairs), reverse=True)
    everything = _duplicates(engine, limit=100_000)
    assert len(everything) > 100 and everything[:100] == pairs
    assert all(pair.similarity >= 0.82 for pair in everything)


# --- the plan -------------------------------------------------------------------------------------


_DIRECT_COUNTS = {
    "stakeholders": "SELECT count(*) FROM stakeholder WHERE account_id = :other",
    "pairings": "SELECT count(*) FROM pairing JOIN stakeholder s ON s.id = stakeholder_id WHERE s.account_id = :other",
    "scores": "SELECT count(*) FROM score WHERE account_id = :other",
    "plan": "SELECT count(*) FROM account_plan WHERE account_id = :other",
    "priorities": "SELECT count(*) FROM priority WHERE account_id = :other",
    "value_propositions": "SELECT count(*) FROM value_proposition v JOIN priority p ON p.id = v.priority_id "
    "WHERE p.account_id = :other",
    "swot_items": "SELECT count(*) FROM swot_item WHERE account_id = :other",
    "competitors": "SELECT count(*) FROM competitor WHERE account_id = :other",
    "customer_units": "SELECT count(*) FROM customer_unit WHERE account_id = :other",
    "white_space_cells": "SELECT count(*) FROM white_space_cell WHERE account_id = :other",
    "objectives": "SELECT count(*) FROM objective WHERE account_id = :other",
    "actions": "SELECT count(*) FROM action WHERE account_id = :other",
    "handshake": "SELECT count(*) FROM handshake WHERE account_id = :other",
    "joint_objectives": "SELECT count(*) FROM joint_objective j JOIN handshake h ON h.id = j.handshake_id "
    "WHERE h.account_id = :other",
    "commitments": "SELECT count(*) FROM commitment c JOIN handshake h ON h.id = c.handshake_id "
    "WHERE h.account_id = :other",
    "reviews": "SELECT count(*) FROM handshake_review r JOIN handshake h ON h.id = r.handshake_id "
    "WHERE h.account_id = :other",
    "engagements": "SELECT count(*) FROM engagement WHERE account_id = :other",
    "revenue_lines": "SELECT count(*) FROM revenue_line WHERE account_id = :other",
    "years": "SELECT count(*) FROM account_year WHERE account_id = :other",
    "ambitions": "SELECT count(*) FROM revenue_ambition WHERE account_id = :other",
    "child_accounts": "SELECT count(*) FROM account WHERE parent_id = :other AND id <> :keep",
}


def _direct_counts(engine, keep: int, other: int) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            kind: connection.execute(text(_DIRECT_COUNTS[kind]), {"keep": keep, "other": other}).scalar_one()
            for kind in MOVE_KINDS
        }


def test_the_plan_lists_every_conflict_kind_once_and_counts_every_row(demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    assert (plan.keep_name, plan.other_name, plan.keep_version, plan.other_version) == (
        "ACME Corp",
        "Acmé Corporation",
        1,
        1,
    )
    keys = _acme_keys(acme)
    assert [conflict.key for conflict in plan.conflicts] == [  # an equal score, the same ambition: no conflict
        keys["score"],
        "year:2023",
        "year:2025",
        "ambition:2027",
        "plan:business",
        "handshake",
        keys["white_space"],
        "competitor:voltrix",
    ]
    assert [conflict.kind for conflict in plan.conflicts] == [*CONFLICT_KINDS[:2], *CONFLICT_KINDS[1:]]
    assert list(plan.moves) == list(MOVE_KINDS)
    assert plan.moves == _direct_counts(demo_engine, acme.keep, acme.other)
    assert all(plan.moves[kind] > 0 for kind in MOVE_KINDS)

    conflicts = {conflict.kind: conflict for conflict in plan.conflicts}
    assert (conflicts["score"].keep_value, conflicts["score"].other_value) == ("7.0 – strong", "4.0 – weak")
    assert (conflicts["year"].label, conflicts["year"].keep_value, conflicts["year"].other_value) == (
        "2025",
        "€100, customer spend €1.0k",
        "€50",
    )
    assert (conflicts["ambition"].label, conflicts["ambition"].keep_value, conflicts["ambition"].other_value) == (
        "2027",
        "€500",
        "€300",
    )
    assert conflicts["handshake"].keep_value.startswith("Draft; 1 joint objective(s), 0 commitment(s), 0 review(s)")
    assert conflicts["handshake"].other_value.startswith("Agreed; 2 joint objective(s), 1 commitment(s), 1 review(s)")
    assert (conflicts["plan_text"].label, conflicts["plan_text"].other_value) == ("business", "Other business")
    assert conflicts["white_space"].label.startswith("Lyon plant / ")
    assert (conflicts["competitor"].label, conflicts["competitor"].other_value) == ("Voltrix", "20%, Cheap")
    for kind, conflict in conflicts.items():
        both = kind in ("year", "ambition", "plan_text")
        assert conflict.options == (("keep", "other", "both") if both else ("keep", "other")), kind

    fields = {choice.field: choice for choice in plan.fields}
    assert tuple(fields) == FIELDS
    with Session(demo_engine) as session:
        kam_names = [session.get(Kam, kam).name for kam in acme.kams]
    assert (fields["kam_id"].keep_label, fields["kam_id"].other_label) == tuple(kam_names)
    assert (fields["margin_pct"].keep_label, fields["margin_pct"].other_label) == ("", "12.5")
    assert (fields["potential_3y"].keep_label, fields["potential_3y"].differs) == ("1000000", True)
    assert not fields["sector"].differs and fields["name"].differs


def test_the_plan_is_refused_for_one_account_twice_or_a_missing_one(demo_engine):
    with Session(demo_engine) as session:
        with pytest.raises(ValidationError) as raised:
            merge_plan(session, 2, 2)
        assert _codes(raised) == [("other", "same_account")]
        with pytest.raises(NotFoundError):
            merge_plan(session, 2, 999)
    with pytest.raises(ValidationError) as raised:
        merge_accounts(demo_engine, 2, 2, {}, {}, (1, 1))
    assert _codes(raised) == [("other", "same_account")]
    with pytest.raises(NotFoundError):
        merge_accounts(demo_engine, 999, 2, {}, {}, (1, 1))


# --- the merge ------------------------------------------------------------------------------------

_PER_ACCOUNT = {
    "stakeholder": "account_id",
    "score": "account_id",
    "account_year": "account_id",
    "revenue_ambition": "account_id",
    "revenue_line": "account_id",
    "customer_unit": "account_id",
    "swot_item": "account_id",
    "competitor": "account_id",
    "priority": "account_id",
    "objective": "account_id",
    "action": "account_id",
    "white_space_cell": "account_id",
    "engagement": "account_id",
    "account_plan": "account_id",
    "handshake": "account_id",
    "account": "parent_id",
}
_THROUGH = {
    "pairing": "SELECT count(*) FROM pairing JOIN stakeholder s ON s.id = stakeholder_id WHERE s.account_id = :id",
    "value_proposition": "SELECT count(*) FROM value_proposition v JOIN priority p ON p.id = v.priority_id "
    "WHERE p.account_id = :id",
    **{
        table: f"SELECT count(*) FROM {table} x JOIN handshake h ON h.id = x.handshake_id WHERE h.account_id = :id"
        for table in ("joint_objective", "commitment", "handshake_review", "handshake_stage_event")
    },
    "kpi_reading": "SELECT count(*) FROM kpi_reading k JOIN joint_objective j ON j.id = k.objective_id "
    "JOIN handshake h ON h.id = j.handshake_id WHERE h.account_id = :id",
}


def _owned(engine, account_id: int) -> dict[str, int]:
    with engine.connect() as connection:
        counts = {
            table: connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE {column} = :id"), {"id": account_id}
            ).scalar_one()
            for table, column in _PER_ACCOUNT.items()
        }
        counts.update(
            {
                table: connection.execute(text(query), {"id": account_id}).scalar_one()
                for table, query in _THROUGH.items()
            }
        )
    return counts


def _shared(engine, keep: int, other: int) -> dict[str, int]:
    """Rows of the other account that meet one of the surviving account's (computed here, not by the module)."""
    with engine.connect() as connection:
        scores = connection.execute(
            text(
                "SELECT count(*) FROM score a JOIN score b ON a.criterion_id = b.criterion_id AND a.period = b.period "
                "WHERE a.account_id = :keep AND b.account_id = :other"
            ),
            {"keep": keep, "other": other},
        ).scalar_one()
        years = connection.execute(
            text(
                "SELECT count(*) FROM account_year a JOIN account_year b ON a.year = b.year "
                "WHERE a.account_id = :keep AND b.account_id = :other"
            ),
            {"keep": keep, "other": other},
        ).scalar_one()

        ambitions = connection.execute(
            text(
                "SELECT count(*) FROM revenue_ambition a JOIN revenue_ambition b ON a.year = b.year "
                "WHERE a.account_id = :keep AND b.account_id = :other"
            ),
            {"keep": keep, "other": other},
        ).scalar_one()

        def folded(query, account_id):
            return [
                tuple(fold_name(str(value)) for value in row)
                for row in connection.execute(text(query), {"id": account_id})
            ]

        units = "SELECT name FROM customer_unit WHERE account_id = :id"
        cells = (
            "SELECT u.name, c.offer_id FROM white_space_cell c JOIN customer_unit u ON u.id = c.unit_id "
            "WHERE c.account_id = :id"
        )
        competitors = "SELECT name FROM competitor WHERE account_id = :id"
        mine_units, mine_cells, mine_competitors = (set(folded(query, keep)) for query in (units, cells, competitors))
        return {
            "score": scores,
            "account_year": years,
            "revenue_ambition": ambitions,
            "customer_unit": sum(unit in mine_units for unit in folded(units, other)),
            "white_space_cell": sum(cell in mine_cells for cell in folded(cells, other)),
            "competitor": sum(name in mine_competitors for name in folded(competitors, other)),
        }


def test_merging_two_demo_accounts_moves_every_kind_of_row(demo_url, demo_engine):
    keep, other = 2, 1  # Kessler-Autowerke takes in Veltara Motors Group, its handshake and its two subsidiaries
    before_keep, before_other = _owned(demo_engine, keep), _owned(demo_engine, other)
    shared = _shared(demo_engine, keep, other)
    assert all(shared.values())  # conflicts of every kind that can meet
    plan = _plan(demo_engine, keep, other)
    assert plan.moves == _direct_counts(demo_engine, keep, other)
    assert all(plan.moves[kind] > 0 for kind in MOVE_KINDS)

    result = _merge(demo_engine, plan, "keep")

    assert (result.keep_id, result.moved) == (keep, plan.moves)
    assert result.resolved == {conflict.key: "keep" for conflict in plan.conflicts}
    after = _owned(demo_engine, keep)
    lost = {**shared, "handshake": 1, "handshake_stage_event": before_other["handshake_stage_event"], "account_plan": 1}
    expected = {table: before_keep[table] + before_other[table] - lost.get(table, 0) for table in before_keep}
    assert after == expected
    assert _owned(demo_engine, other) == dict.fromkeys(before_other, 0)
    with Session(demo_engine) as session:
        assert session.get(Account, other) is None
        assert session.get(Account, keep).version == plan.keep_version + 1
        assert [child.parent_id for child in (session.get(Account, 27), session.get(Account, 28))] == [keep, keep]


def test_keep_resolutions_keep_the_surviving_rows_and_take_the_rest(demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    _merge(demo_engine, plan, "keep")
    with Session(demo_engine) as session:
        assert session.get(Account, acme.other) is None
        scores = {
            (row.criterion_id, row.period): row.value
            for row in session.execute(select(Score).where(Score.account_id == acme.keep)).scalars()
        }
        assert scores == {(acme.criteria[0], Q3): 7.0, (acme.criteria[1], Q3): 5.0, (acme.criteria[0], Q2): 6.0}
        years = {
            row.year: (row.revenue, row.category_spend)
            for row in session.execute(select(AccountYear).where(AccountYear.account_id == acme.keep)).scalars()
        }
        assert years == {2025: (100.0, 1000.0), 2024: (40.0, 400.0), 2023: (30.0, 300.0)}
        ambitions = {
            row.year: row.amount
            for row in session.execute(select(RevenueAmbition).where(RevenueAmbition.account_id == acme.keep)).scalars()
        }
        assert ambitions == {2027: 500.0, 2028: 350.0}
        assert session.get(Account, acme.keep).programme_since == 2025  # the earlier entry: the other's
        [plan_row] = session.execute(select(AccountPlan).where(AccountPlan.account_id == acme.keep)).scalars()
        assert (plan_row.business, plan_row.markets, plan_row.ambition) == (
            "Keep business",
            "Other markets",
            "Same ambition",
        )  # an empty text is filled, no conflict
        [handshake] = session.execute(select(Handshake).where(Handshake.account_id == acme.keep)).scalars()
        assert (handshake.id, handshake.stage) == (acme.keep_handshake, "draft")
        assert session.get(Handshake, acme.other_handshake) is None
        objectives = session.execute(select(JointObjective.title).where(JointObjective.handshake_id == handshake.id))
        assert sorted(objectives.scalars()) == ["Keep JO", "Other JO 1", "Other JO 2"]
        assert session.execute(select(Commitment.handshake_id)).scalars().all().count(handshake.id) == 1
        assert (
            session.execute(select(HandshakeReview.handshake_id).where(HandshakeReview.handshake_id == handshake.id))
            .scalars()
            .all()
        )
        events = (
            session.execute(
                select(HandshakeStageEvent.handshake_id).where(
                    HandshakeStageEvent.handshake_id.in_([acme.keep_handshake, acme.other_handshake])
                )
            )
            .scalars()
            .all()
        )
        assert events == [acme.keep_handshake]
        cells = {
            (unit, offer): (status, value)
            for unit, offer, status, value in session.execute(
                select(CustomerUnit.name, WhiteSpaceCell.offer_id, WhiteSpaceCell.status, WhiteSpaceCell.value)
                .join(CustomerUnit, CustomerUnit.id == WhiteSpaceCell.unit_id)
                .where(WhiteSpaceCell.account_id == acme.keep)
            )
        }
        assert cells == {
            ("Lyon plant", acme.offers[0]): ("open", 100.0),
            ("Lyon plant", acme.offers[1]): ("open", 10.0),
            ("Berlin", acme.offers[0]): ("sold", None),
        }
        units = session.execute(select(CustomerUnit.name).where(CustomerUnit.account_id == acme.keep)).scalars().all()
        assert sorted(units) == ["Berlin", "Lyon plant"]
        competitors = dict(
            session.execute(
                select(Competitor.name, Competitor.share_pct).where(Competitor.account_id == acme.keep)
            ).all()
        )
        assert competitors == {"Voltrix": 30.0, "Kobalt": 10.0}
        priorities = session.execute(
            select(Priority.title, Priority.rank).where(Priority.account_id == acme.keep).order_by(Priority.rank)
        ).all()
        assert [tuple(row) for row in priorities] == [
            ("Keep first", 1),
            ("Keep second", 2),
            ("Other first", 3),
            ("Other third", 4),
        ]
        [proposition] = session.execute(
            select(ValueProposition)
            .join(Priority, Priority.id == ValueProposition.priority_id)
            .where(Priority.account_id == acme.keep)
        ).scalars()
        assert session.get(Priority, proposition.priority_id).title == "Other first"
        people = {
            row.name: row
            for row in session.execute(select(Stakeholder).where(Stakeholder.account_id == acme.keep)).scalars()
        }
        assert people["Bo Report"].reports_to_id == people["Ada Boss"].id
        [pairing] = session.execute(select(Pairing).where(Pairing.stakeholder_id == people["Ada Boss"].id)).scalars()
        assert session.execute(select(EngagementPairing).where(EngagementPairing.pairing_id == pairing.id)).first()
        assert session.get(Account, acme.child).parent_id == acme.keep


def test_other_and_both_resolutions(demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    result = _merge(
        demo_engine,
        plan,
        {
            "score": "other",
            "year": "both",
            "ambition": "both",
            "plan_text": "both",
            "handshake": "other",
            "white_space": "other",
            "competitor": "other",
        },
    )
    keys = _acme_keys(acme)
    assert result.resolved == {
        keys["score"]: "other",
        "year:2023": "both",
        keys["year"]: "both",
        keys["ambition"]: "both",
        keys["plan_text"]: "both",
        keys["handshake"]: "other",
        keys["white_space"]: "other",
        keys["competitor"]: "other",
    }
    with Session(demo_engine) as session:
        [score] = session.execute(
            select(Score).where(
                Score.account_id == acme.keep, Score.criterion_id == acme.criteria[0], Score.period == Q3
            )
        ).scalars()
        assert (score.value, score.rationale) == (4.0, "weak")
        years = {
            row.year: (row.revenue, row.category_spend)
            for row in session.execute(select(AccountYear).where(AccountYear.account_id == acme.keep)).scalars()
        }
        assert years == {2025: (150.0, 1000.0), 2024: (40.0, 400.0), 2023: (50.0, 500.0)}  # a missing spend: absent
        ambitions = {
            row.year: row.amount
            for row in session.execute(select(RevenueAmbition).where(RevenueAmbition.account_id == acme.keep)).scalars()
        }
        assert ambitions == {2027: 800.0, 2028: 350.0}
        [plan_row] = session.execute(select(AccountPlan).where(AccountPlan.account_id == acme.keep)).scalars()
        assert plan_row.business == "Keep business\n\nOther business"

        # the other's handshake header wins: the surviving account's objectives go under it
        [handshake] = session.execute(select(Handshake).where(Handshake.account_id == acme.keep)).scalars()
        assert (handshake.id, handshake.stage, handshake.vision) == (acme.other_handshake, "agreed", "Other vision")
        assert session.get(Handshake, acme.keep_handshake) is None
        objectives = session.execute(select(JointObjective.title).where(JointObjective.handshake_id == handshake.id))
        assert sorted(objectives.scalars()) == ["Keep JO", "Other JO 1", "Other JO 2"]
        [commitment] = session.execute(select(Commitment).where(Commitment.handshake_id == handshake.id)).scalars()
        assert session.get(JointObjective, commitment.objective_id).title == "Other JO 1"
        assert session.execute(select(KpiReading.value)).scalars().all().count(97.0) == 1
        stages = (
            session.execute(
                select(HandshakeStageEvent.stage)
                .where(HandshakeStageEvent.handshake_id.in_([acme.keep_handshake, acme.other_handshake]))
                .order_by(HandshakeStageEvent.reached_on)
            )
            .scalars()
            .all()
        )
        assert stages == ["draft", "agreed"]  # the winner's history only

        [cell] = session.execute(
            select(WhiteSpaceCell)
            .join(CustomerUnit, CustomerUnit.id == WhiteSpaceCell.unit_id)
            .where(
                CustomerUnit.name == "Lyon plant",
                WhiteSpaceCell.offer_id == acme.offers[0],
                CustomerUnit.account_id == acme.keep,
            )
        ).scalars()
        assert (cell.status, cell.value, cell.account_id) == ("sold", 200.0, acme.keep)
        competitors = dict(
            session.execute(
                select(Competitor.name, Competitor.share_pct).where(Competitor.account_id == acme.keep)
            ).all()
        )
        assert competitors == {"VOLTRIX": 20.0, "Kobalt": 10.0}


@pytest.mark.parametrize(
    "choice, year_2025, year_2023, business, ambition_2027",
    [
        ("keep", (100.0, 1000.0), (30.0, 300.0), "Keep business", 500.0),
        ("other", (50.0, None), (20.0, 200.0), "Other business", 300.0),
        ("both", (150.0, 1000.0), (50.0, 500.0), "Keep business\n\nOther business", 800.0),
    ],
)
def test_each_option_of_years_and_plan_texts(demo_engine, acme, choice, year_2025, year_2023, business, ambition_2027):
    plan = _plan(demo_engine, acme.keep, acme.other)
    _merge(demo_engine, plan, {"year": choice, "plan_text": choice, "ambition": choice})
    with Session(demo_engine) as session:
        years = {
            row.year: (row.revenue, row.category_spend)
            for row in session.execute(select(AccountYear).where(AccountYear.account_id == acme.keep)).scalars()
        }
        [plan_row] = session.execute(select(AccountPlan).where(AccountPlan.account_id == acme.keep)).scalars()
        ambitions = dict(
            session.execute(
                select(RevenueAmbition.year, RevenueAmbition.amount).where(RevenueAmbition.account_id == acme.keep)
            ).all()
        )
    assert (years[2025], years[2023], years[2024], plan_row.business) == (year_2025, year_2023, (40.0, 400.0), business)
    assert ambitions == {2027: ambition_2027, 2028: 350.0}  # the other's 2028, on no clash, moves


def test_a_missing_or_wrong_resolution_writes_nothing(demo_url, demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    before = _snapshot(demo_engine)
    resolutions = {conflict.key: "keep" for conflict in plan.conflicts}
    del resolutions["handshake"]
    resolutions[_acme_keys(acme)["score"]] = "both"  # not an option of a score
    resolutions["year:1999"] = "keep"  # extra keys are ignored
    with pytest.raises(ValidationError) as raised:
        merge_accounts(demo_engine, acme.keep, acme.other, {}, resolutions, (1, 1))
    assert _codes(raised) == [("conflict", "conflict_unresolved")] * 2
    assert [error.params["key"] for error in raised.value.errors] == [_acme_keys(acme)["score"], "handshake"]
    assert raised.value.errors[1].params["value"] == "handshake"
    assert _snapshot(demo_engine) == before
    assert _backups(demo_url) == []


def test_a_conflict_that_appeared_after_the_plan_must_be_resolved(demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    with db.session_scope(demo_engine) as session:
        session.add(Score(account_id=acme.keep, criterion_id=acme.criteria[0], period=Q2, value=9.0))
    before = _snapshot(demo_engine)
    with pytest.raises(ValidationError) as raised:
        _merge(demo_engine, plan, "keep")
    assert [error.params["key"] for error in raised.value.errors] == [f"score:{acme.criteria[0]}:{Q2}"]
    assert _snapshot(demo_engine) == before


@pytest.mark.parametrize("side", ["keep", "other"])
def test_a_stale_account_is_refused_and_nothing_written(demo_url, demo_engine, acme, side):
    plan = _plan(demo_engine, acme.keep, acme.other)
    with db.session_scope(demo_engine) as session:
        session.get(Account, acme.keep if side == "keep" else acme.other).notes = "Changed by a colleague"
    before = _snapshot(demo_engine)
    with pytest.raises(ConflictError) as raised:
        _merge(demo_engine, plan, "keep")
    assert raised.value.record == "account" and raised.value.updated_at is not None
    assert _snapshot(demo_engine) == before
    assert _backups(demo_url) == []


def test_a_row_that_appears_under_the_merge_is_not_lost(demo_engine, acme, monkeypatch):
    real = merge_module._analyse

    def late(session, keep, other):  # as if the SWOT item was added once the merge had read the rows
        found = real(session, keep, other)
        found.rows[SwotItem] = []
        return found

    plan = _plan(demo_engine, acme.keep, acme.other)
    monkeypatch.setattr(merge_module, "_analyse", late)
    before = _snapshot(demo_engine)
    with pytest.raises(ConflictError):
        _merge(demo_engine, plan, "keep", backup=False)
    assert _snapshot(demo_engine) == before


def test_winning_fields_include_the_others_unique_name_and_crm_id(demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    winners = {
        "name": "other",
        "crm_id": "other",
        "kam_id": "other",
        "sponsor_id": "other",
        "status": "other",
        "margin_pct": "other",
        "country": "keep",
        "notes": "keep",
    }
    _merge(demo_engine, plan, "keep", winners=winners)
    with Session(demo_engine) as session:
        account = session.get(Account, acme.keep)
        assert session.get(Account, acme.other) is None
    assert (account.name, account.name_key, account.crm_id) == ("Acmé Corporation", "acme corporation", "CRM-ACME-2")
    assert (account.kam_id, account.sponsor_id, account.status, account.margin_pct) == (
        acme.kams[1],
        acme.executive,
        "prospect",
        12.5,
    )
    assert (account.country, account.notes, account.potential_3y) == ("FR", "Keep notes", 1_000_000.0)
    assert account.version == plan.keep_version + 1


def test_bad_winners_are_refused(demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    before = _snapshot(demo_engine)
    with pytest.raises(ValidationError) as raised:
        _merge(demo_engine, plan, "keep", winners={"name": "theirs", "colour": "keep"})
    assert _codes(raised) == [("name", "choice"), ("winners", "choice")]
    assert _snapshot(demo_engine) == before


def _set_parents(engine, parents: dict[int, int | None]) -> None:
    with db.session_scope(engine) as session:
        for account_id, parent_id in parents.items():
            session.get(Account, account_id).parent_id = parent_id


@pytest.mark.parametrize(
    "others_parent, winner, expected",
    [
        (1, "keep", 1),  # keep's parent is the other account: the other's own parent takes its place
        (None, "keep", None),
        (1, "other", 1),
    ],
)
def test_a_parent_that_is_one_of_the_two_accounts_gives_way(demo_engine, acme, others_parent, winner, expected):
    _set_parents(demo_engine, {acme.keep: acme.other, acme.other: others_parent})
    with db.session_scope(demo_engine) as session:
        session.get(Account, acme.keep).group_name = "Acme Group"
    plan = _plan(demo_engine, acme.keep, acme.other)
    _merge(demo_engine, plan, "keep", winners={"parent_id": winner})
    with Session(demo_engine) as session:
        account = session.get(Account, acme.keep)
        assert account.parent_id == expected
        assert account.group_name == (None if expected is not None else "Acme Group")  # under a parent: its group
        assert session.get(Account, acme.child).parent_id == acme.keep


def test_a_parent_under_the_merged_account_is_refused(demo_engine, acme):
    # the other account hangs under the surviving account's subsidiary: taking its parent would make a circle
    [subsidiary] = _add_accounts(demo_engine, _account("Acme Iberia", parent_id=acme.keep))
    _set_parents(demo_engine, {acme.other: subsidiary})
    plan = _plan(demo_engine, acme.keep, acme.other)
    before = _snapshot(demo_engine)
    with pytest.raises(ValidationError) as raised:
        _merge(demo_engine, plan, "keep", winners={"parent_id": "other"})
    assert _codes(raised) == [("parent_id", "group_cycle")]
    assert raised.value.errors[0].params == {"value": "Acme Iberia"}
    assert _snapshot(demo_engine) == before
    _merge(demo_engine, plan, "keep", winners={"parent_id": "keep"})
    with Session(demo_engine) as session:
        assert session.get(Account, acme.keep).parent_id is None
        assert session.get(Account, subsidiary).parent_id == acme.keep


@pytest.mark.sqlite_only("the copy of the .db file")
def test_a_copy_of_the_database_is_made_first(demo_url, demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    result = _merge(demo_engine, plan, "keep")
    assert result.backup is not None and result.backup.exists() and _backups(demo_url) == [result.backup]
    assert result.backup.read_bytes()[:16] == b"SQLite format 3\x00"
    copy = sqlite3.connect(result.backup)
    try:  # taken before the merge: the other account is still in it
        assert copy.execute("SELECT name FROM account WHERE id = ?", (acme.other,)).fetchone() == ("Acmé Corporation",)
    finally:
        copy.close()


def test_no_copy_when_asked_not_to(demo_url, demo_engine, acme):
    plan = _plan(demo_engine, acme.keep, acme.other)
    assert _merge(demo_engine, plan, "keep", backup=False).backup is None
    assert _backups(demo_url) == []


def test_an_empty_field_never_wins_by_default_over_a_filled_one():
    from kam_core.account.merge import FieldChoice

    assert FieldChoice("country", None, "FR", "", "FR", True).suggested == "other"
    assert FieldChoice("notes", "  ", "x", "", "x", True).suggested == "other"
    assert FieldChoice("country", "DE", "FR", "DE", "FR", True).suggested == "keep"
    assert FieldChoice("country", "DE", None, "DE", "", True).suggested == "keep"


def test_the_conflicts_are_written_in_the_users_language(demo_engine, acme):
    with Session(demo_engine) as session:
        plan = merge_plan(session, acme.keep, acme.other, language="fr")
    conflicts = {conflict.kind: conflict for conflict in plan.conflicts}
    # French puts a no-break space before "€" and "%" (CLDR, through Babel)
    assert conflicts["year"].keep_value == "100\u00a0€, dépense client 1,0\u00a0k€"
    assert conflicts["handshake"].other_value.startswith("Accepté ; 2 objectif(s) commun(s)")
    assert conflicts["competitor"].other_value == "20\u00a0%, Cheap"
