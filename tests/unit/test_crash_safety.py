"""Crash safety: the process killed (SIGKILL, nothing cleaned up) in the middle of an import leaves
the database exactly as it was before the import, and one killed in the middle of a backup
leaves no file that looks like a whole backup.

The moment is made certain without hooks in the product: a small driver runs the real command
(``python -m kam_core import revenue FILE``) in a child process, after wrapping, in that child
only, the function that writes one batch of lines (``importing.revenue._execute_batch``) so that once the
batches asked for are written inside the import's transaction, it says so on stdout and sleeps.
The parent waits for that line, then kills the child."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from kam_core.store import backups, db
from kam_core.store.models import RevenueLine
from tests.unit.fixtures_import import many_revenue_lines
from tests.unit.snapshots import integrity, snapshot

PROJECT = Path(__file__).resolve().parents[2]
LINES = 30_000
READY = "PAUSED"

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
    pytest.mark.sqlite_only("a SQLite file killed mid-import, and copies of it"),
]

DRIVER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {project!r})
    from kam_core.store import backups
    from kam_core.store import db
    from kam_core.exchange.importing import revenue as import_revenue

    def pause(why):
        print({ready!r} + " " + why, flush=True)
        time.sleep(600)  # killed long before

    mode, pause_after = sys.argv[1], int(sys.argv[2])
    if mode == "import":
        # A small page cache (64 KiB), so the transaction's pages spill to the write-ahead log
        # before the commit: the kill then finds uncommitted frames in the log file, the hard case.
        pragmas = db._set_sqlite_pragmas

        def small_cache(connection, record):
            pragmas(connection, record)
            connection.execute("PRAGMA cache_size=-64")

        db._set_sqlite_pragmas = small_cache
        import_revenue._WRITE_CACHE_KIB = 64
        real = import_revenue._execute_batch
        written = []

        def batch(session, statement, rows):
            result = real(session, statement, rows)
            written.append(len(rows))
            if len(written) == pause_after:
                pause(f"{{sum(written)}} lines written in the open transaction")
            return result

        import_revenue._execute_batch = batch
        from kam_core.__main__ import main
        sys.exit(main(["import", "revenue", sys.argv[3], "--set-yearly-revenue"]))
    if mode == "backup":
        real_connect = backups.sqlite3.connect

        class Source:  # the real source connection, copied a few pages at a time
            def __init__(self, *args, **kwargs):
                self.connection = real_connect(*args, **kwargs)

            def backup(self, target, **_):
                steps = []

                def progress(status, remaining, total):
                    steps.append(remaining)
                    if len(steps) == pause_after:
                        pause(f"{{total - remaining}} of {{total}} pages copied")

                self.connection.backup(target, pages=4, progress=progress)

            def close(self):
                self.connection.close()

        def connect(name, *args, **kwargs):
            opened = real_connect(name, *args, **kwargs)
            if str(name).startswith("file:"):
                opened.close()
                return Source(name, *args, **kwargs)
            return opened

        backups.sqlite3 = type(sys)("sqlite3_paused")
        backups.sqlite3.connect = connect
        from kam_core.__main__ import main
        sys.exit(main(["backup"]))
""")


def _run_until_paused(tmp_path: Path, url: str, *args: str) -> tuple[subprocess.Popen, str]:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(project=str(PROJECT), ready=READY))
    env = {**os.environ, "KAM_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, str(driver), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    said = []  # what the command printed before it paused (e.g. the file's encoding)
    line = child.stdout.readline()  # blocks until the child prints (at its end: "")
    while line and not line.startswith(READY):
        said.append(line)
        line = child.stdout.readline()
    if not line.startswith(READY):
        child.kill()
        out, err = child.communicate()
        pytest.fail(f"the child never paused: {''.join(said)}{out}\n{err}")
    return child, line


def _kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def _lines(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(RevenueLine)).one()


def _crm_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("select crm_id from account where crm_id is not null")]


def test_a_killed_import_leaves_the_database_as_it_was(demo_url, tmp_path):
    path = db.sqlite_path(demo_url)
    source = many_revenue_lines(tmp_path, LINES, _crm_ids(path))
    db.get_engine(demo_url)  # migrated and ready, as the app leaves it
    db.dispose_all()
    before = snapshot(path)
    wal = path.with_name(path.name + "-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0

    child, said = _run_until_paused(tmp_path, demo_url, "import", "3", str(source))
    assert "15000 lines written" in said
    _kill(child)

    assert (wal.stat().st_size if wal.exists() else 0) > wal_before  # the open transaction reached the log file
    assert integrity(path) == "ok"
    assert snapshot(path) == before  # every row of every table as before the import
    engine = db.get_engine(demo_url)  # the app opens it
    assert db.current_revision(engine) == db.head_revision()
    kept = backups.list_backups(path)
    assert [backup.label for backup in kept] == ["before-import"]  # made before anything was written
    assert snapshot(kept[0].path) == before

    # the same import, run again to its end, now succeeds
    before_lines = _lines(demo_url)
    db.dispose_all()
    done = subprocess.run(
        [sys.executable, "-m", "kam_core", "import", "revenue", str(source)],
        cwd=PROJECT,
        env={**os.environ, "KAM_DATABASE_URL": demo_url},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"{LINES} rows read, {LINES} created" in done.stdout
    assert _lines(demo_url) == before_lines + LINES
    assert integrity(path) == "ok"


def test_a_killed_backup_leaves_no_file_that_looks_like_a_backup(demo_url, tmp_path):
    path = db.sqlite_path(demo_url)
    db.get_engine(demo_url)
    db.dispose_all()
    before = snapshot(path)
    folder = backups.backup_folder(path)

    child, said = _run_until_paused(tmp_path, demo_url, "backup", "3")
    assert " pages copied" in said
    _kill(child)

    assert backups.list_backups(path) == []
    left = list(folder.iterdir()) if folder.exists() else []
    assert left and all(".db.part" in item.name for item in left), left  # the unfinished copy (and its journal)
    assert snapshot(path) == before and integrity(path) == "ok"
    # a backup made afterwards is whole and listed; the unfinished one is not taken for one
    made = backups.backup_sqlite(path, "manual")
    assert [backup.path for backup in backups.list_backups(path)] == [made]
    assert snapshot(made) == before
