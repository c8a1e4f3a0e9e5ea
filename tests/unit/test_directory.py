"""The account selector's directory and shortlist (kam_core.portfolio.directory)."""

from __future__ import annotations

from sqlmodel import Session

from kam_core.portfolio.directory import (
    AccountDirectory,
    account_directory,
    neighbour,
    selector_options,
    without_archived,
)
from kam_core.store import db
from kam_core.store.models import Account, AccountYear


def _directory(count: int) -> AccountDirectory:
    ids = tuple(range(1, count + 1))
    names = {i: f"Account {i:04d}" for i in ids}
    return AccountDirectory(
        ids=ids, names=names, keys={i: name.lower() for i, name in names.items()}, by_revenue=tuple(reversed(ids))
    )  # the last ids are the largest


def test_a_small_programme_is_listed_whole():
    options = selector_options(_directory(40), selected=3, limit=100)
    assert options.ids == list(range(1, 41)) and options.matched == 40 and not options.searched


def test_a_large_programme_lists_the_recent_and_the_largest_accounts_by_name_and_always_the_selected():
    directory = _directory(1000)
    options = selector_options(directory, selected=5, recent=[7, 5, 999_999], limit=50)
    assert len(options.ids) == 50
    assert {5, 7} <= set(options.ids)  # opened lately (an unknown id is ignored)
    assert set(options.ids) - {5, 7} <= set(range(951, 1001))  # then the largest
    assert options.ids == sorted(options.ids)  # shown by name
    assert options.matched == 1000


def test_the_search_ignores_case_and_accents_and_keeps_the_selected_account():
    directory = AccountDirectory(
        ids=(1, 2, 3),
        names={1: "Électra SA", 2: "Nordlys", 3: "Electrolux"},
        keys={1: "electra sa", 2: "nordlys", 3: "electrolux"},
        by_revenue=(1, 2, 3),
    )
    options = selector_options(directory, selected=2, query="ÉLEC", limit=100)
    assert options.ids == [1, 2, 3] and options.matched == 2 and options.searched  # 2 is the selected one
    assert selector_options(directory, selected=2, query="zzz", limit=100).matched == 0
    many = selector_options(_directory(500), query="account 0", limit=20)
    assert len(many.ids) == 20 and many.matched == 500


def test_the_directory_leaves_archived_accounts_out_and_ranks_by_the_latest_revenue(new_url):
    engine = db.get_engine(new_url)
    with db.session_scope(engine) as session:
        small = Account(name="Zeta", name_key="zeta", sector="Retail")
        big = Account(name="Alpha", name_key="alpha", sector="Retail")
        gone = Account(name="Beta", name_key="beta", sector="Retail", status="archived")
        session.add_all([small, big, gone])
        session.flush()
        session.add_all(
            [
                AccountYear(account_id=small.id, year=2025, revenue=9e6),
                AccountYear(account_id=small.id, year=2026, revenue=1e6),  # the latest year counts
                AccountYear(account_id=big.id, year=2026, revenue=5e6),
            ]
        )
        ids = (big.id, small.id)
    with Session(engine) as session:
        directory = account_directory(session)
        everyone = account_directory(session, with_archived=True)
    assert directory.ids == ids  # by name, archived left out
    assert directory.by_revenue == ids and gone.id not in directory and not directory.archived
    assert everyone.ids == (big.id, gone.id, small.id) and everyone.archived == {gone.id}
    assert without_archived(everyone) == directory  # one read serves the selector and the merge page
    assert without_archived(directory) is directory


def test_a_long_list_of_recent_accounts_or_group_heads_never_outgrows_the_shortlist():
    from kam_core.portfolio.directory import group_head_options

    directory = _directory(1000)
    assert len(selector_options(directory, recent=list(range(1, 501)), limit=50).ids) == 50
    heads = group_head_options(
        directory, heads=list(range(1, 451)), current=(999, "Account 0999"), limit=50, excluded=frozenset({3})
    )
    assert len(heads.ids) <= 51 and 999 in heads.ids and 3 not in heads.ids


def test_the_group_head_typed_in_an_unsaved_form_stays_listed():
    from kam_core.portfolio.directory import group_head_options

    directory = _directory(1000)
    options = group_head_options(directory, heads=[1, 2], query="account 05", limit=10, typed=777)
    assert 777 in options.ids and options.ids == sorted(options.ids)
    assert 777 not in group_head_options(directory, typed=777, excluded=frozenset({777}), limit=10).ids


def test_previous_and_next_account_follow_the_selectors_order_and_go_round():
    directory = AccountDirectory(
        ids=(7, 3, 9),  # by name
        names={7: "Alpha", 3: "Beta", 9: "Gamma"},
        keys={7: "alpha", 3: "beta", 9: "gamma"},
        by_revenue=(9, 3, 7),
    )
    assert neighbour(directory, 7, 1) == 3 and neighbour(directory, 3, 1) == 9
    assert neighbour(directory, 9, 1) == 7  # past the last: the first
    assert neighbour(directory, 7, -1) == 9  # before the first: the last
    assert neighbour(directory, 3, -1) == 7
    assert neighbour(directory, 42, 1) == 7 and neighbour(directory, None, -1) == 7  # unknown: the first
    empty = AccountDirectory(ids=(), names={}, keys={}, by_revenue=())
    assert neighbour(empty, 7, 1) is None
