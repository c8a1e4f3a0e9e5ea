"""Fixtures of the unit tests: the small programme the hostile-input tests write to."""

from __future__ import annotations

import pytest

from kam_core.store import db
from tests.unit.hostile import _fill_small


@pytest.fixture(scope="session")
def small_template(databases):
    """A small programme of the tests' database backend: one KAM, one executive, one offer, two
    accounts; the first has a unit, a priority, a stakeholder paired with the executive, and an
    agreed handshake with one joint objective (so that every section and every handshake write
    has something to point at)."""
    return databases.template("hostile", build=_fill_small)


@pytest.fixture
def small_engine(small_template, databases, tmp_path):
    url = databases.copy("hostile", tmp_path)
    yield db.get_engine(url)
    db.dispose_all()
    databases.drop(url)
