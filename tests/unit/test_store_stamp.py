"""The store's stamp (``audit.store_stamp``): it changes at every committed write, whatever wrote it
(a service, an import, a workbook restore, a file restore), and not at a read."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kam_core.account.accounts import load_account, update_account
from kam_core.exchange import workbook
from kam_core.exchange.importing import propose_mapping, read_table, run_import
from kam_core.governance.audit import store_stamp
from kam_core.portfolio.overview import account_table
from kam_core.store import backups, db
from tests.conftest import TODAY
from tests.unit.fixtures_import import salesforce_accounts, salesforce_opportunities


def stamp(engine):
    with engine.connect() as connection:
        return store_stamp(connection)


def _rename(engine, account_id: int, name: str) -> None:
    with Session(engine) as session:
        record = load_account(session, account_id)
    update_account(engine, account_id, {**record.values(), "name": name}, record.version)


def test_a_read_leaves_the_stamp_and_a_write_of_another_engine_changes_it(demo_url):
    engine, other = db.get_engine(demo_url), db.make_engine(demo_url)  # two servers on one database
    try:
        before = stamp(engine)
        assert before is not None and stamp(other) == before
        with Session(engine) as session:
            account_table(session, TODAY)
            load_account(session, 3)
        assert stamp(engine) == before  # reads write nothing
        _rename(other, 3, "Renamed Elsewhere")
        after = stamp(engine)
        assert after != before and after[0] > before[0]
        assert stamp(engine) == after
    finally:
        other.dispose()


def test_an_import_changes_the_stamp(empty_url, tmp_path):
    engine = db.get_engine(empty_url)
    seen = [stamp(engine)]
    for path, kind in ((salesforce_accounts(tmp_path), "accounts"), (salesforce_opportunities(tmp_path), "revenue")):
        table = read_table(path.read_bytes(), path.name)
        result = run_import(engine, table, kind, propose_mapping(table.headers, kind), today=TODAY)
        assert result.created
        seen.append(stamp(engine))
    assert len(set(seen)) == 3  # the revenue lines, written in bulk, are seen through their summary lines


def test_a_workbook_restore_changes_the_stamp(demo_engine, empty_url):
    with Session(demo_engine) as session:
        data = workbook.export_workbook(session)
    target = db.get_engine(empty_url)
    before = stamp(target)
    workbook.restore_workbook(target, data)
    assert stamp(target) not in (before, None)


@pytest.mark.sqlite_only("a restore of a copy of the SQLite file")
def test_a_file_restore_changes_the_stamp_even_when_its_line_takes_the_id_of_the_line_it_removes(demo_url):
    engine = db.get_engine(demo_url)
    path = db.sqlite_path(demo_url)
    saved = backups.backup_sqlite(path, "manual")
    _rename(engine, 3, "Renamed After The Copy")  # one line of the trail
    before = stamp(engine)
    backups.restore(path, saved)
    after = stamp(engine)
    assert after[0] == before[0]  # the restore's own line took the id of the rename's line...
    assert after != before  # ...but not its time: the stamp still differs
