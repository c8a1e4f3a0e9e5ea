"""The history of an account names every field of every record it lists in the reader's language: a
label from the catalog, never the column's name turned into English words ("Criterion", "Reached on")."""

from __future__ import annotations

import pytest
from sqlmodel import SQLModel

import kam_core.store.models  # noqa: F401 - every table in the metadata
from kam_core.governance.audit import UNAUDITED
from kam_core.i18n import LANGUAGES
from kam_core.ui import history

NOT_SHOWN = {"id", "version", "created_at", "updated_at", *history.HIDDEN}


def _fields():
    for name, table in sorted(SQLModel.metadata.tables.items()):
        if name not in UNAUDITED:
            yield from ((name, column.name) for column in table.c if column.name not in NOT_SHOWN)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_field_a_history_can_show_has_a_catalog_label(monkeypatch, language):
    monkeypatch.setattr(history, "language", lambda: language)
    missing = [f"{table}.{field}" for table, field in _fields() if history.field_label_key(table, field) is None]
    assert not missing, missing
