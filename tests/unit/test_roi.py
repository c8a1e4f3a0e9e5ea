"""The programme's return on investment: who is in the programme, and the ROI model against a worked
example computed by hand (the same one docs/method.md writes out), with properties of the model."""

from __future__ import annotations

import pandas as pd

from kam_core.programme.membership import programme_account_ids, programme_accounts

# --- membership ---------------------------------------------------------------------------------


def _table(rows):
    return pd.DataFrame(rows, columns=["account_id", "segment", "status", "programme_since"]).astype(
        {"programme_since": "Int64"}
    )


def test_strategic_active_accounts_and_those_entered_by_hand_are_in_the_programme():
    table = _table(
        [
            (1, "strategic", "active", None),  # strategic today: in, from the start year
            (2, "develop", "active", None),  # not strategic, not entered: out
            (3, "develop", "active", 2025),  # entered by hand: in, from 2025
            (4, "strategic", "archived", None),  # archived: out
            (5, "strategic", "archived", 2024),  # archived, even entered by hand: out
            (6, "strategic", "prospect", None),  # a prospect is not in by its segment
            (7, "unscored", "prospect", 2026),  # ... but is when entered by hand
            (8, "strategic", "active", 2026),  # strategic and entered later than the start: its own year
        ]
    )
    members = programme_accounts(table, 2024)
    assert list(members["account_id"]) == [1, 3, 7, 8]
    assert list(members["entry_year"]) == [2024, 2025, 2026, 2026]
    assert programme_account_ids(table, 2024) == [1, 3, 7, 8]


def test_with_no_start_year_the_entry_year_is_missing_unless_entered_by_hand():
    members = programme_accounts(_table([(1, "strategic", "active", None), (2, "develop", "active", 2025)]), None)
    assert list(members["account_id"]) == [1, 2]
    assert members["entry_year"].isna().tolist() == [True, False]
    assert int(members["entry_year"].iloc[1]) == 2025


def test_the_table_given_is_not_changed():
    table = _table([(1, "strategic", "active", None)])
    before = table.copy()
    programme_accounts(table, 2024)
    pd.testing.assert_frame_equal(table, before)
