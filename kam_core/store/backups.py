"""The copies of a SQLite database kept in ``data/backups/``: listed, kept to a number, restored.

``backup_sqlite(path, label)`` makes a copy (SQLite's online backup API) named
``<stem>-<YYYYmmdd-HHMMSS-ffffff>-<label>.db`` beside the database, in ``backups/``: the stem is
the database file's (``kam`` for ``kam.db``), the label says why it was made (``before-import``,
``before-migration-from-0003``, ``before-restore``, ``manual``…). After each copy, ``prune`` keeps
the ``keep_limit()`` newest copies of that database (``KAM_BACKUPS_KEEP``, default 20) and deletes
older ones. Only files named as above for that very stem are ever counted or deleted: another
database's copies, a ``.part`` file, a copy made by hand under another name, anything else in the
folder is left alone, and so is the copy just made.

``restore(path, source)`` puts a copy back into the live database: it checks the file is a
database of this app (a SQLite file with an ``alembic_version`` of a revision this app knows),
makes a copy of the live database first (``before-restore``), stages the copy in a temporary file
(migrated to head when it was made by an older version, and given the audit trail's line saying
who restored which file), then writes the staged content into the live file with the backup API,
as one write (safe while the app has it open: the other connections see the restored content at
their next read, as after any other write). SQLite only; a PostgreSQL server is backed up with
pg_dump and restored with pg_restore.

Who may: these copies hold everything, the roles and the audit trail included, and a restore
replaces everything. So a restore, a copy asked for by someone (``copy_sqlite``, a ``manual``
backup, a download) need an admin; the copy a service keeps before its own write (before an
import, a merge, a delete) needs the role that write needs, an editor; the copy before a
migration is made as ``access.SYSTEM``. The check is ``access.require``, the store's own: these
copies go through ``sqlite3``, under SQLAlchemy, where the store's guard does not see them.

``copy_sqlite(path, target)`` is the online copy itself, into any file (``python -m kam_core backup
FILE``, a download); ``before_migration(engine)`` is the copy ``db.migrate`` keeps before it
upgrades an existing file. This module reads the store through ``db`` (the live file, schema
revisions, the migration after a restore) and ``db`` makes its copies here: each imports the
other's module at the top and uses it only inside functions.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from kam_core.governance import access, audit
from kam_core.store import db

KEEP_DEFAULT = 20
KEEP_VARIABLE = "KAM_BACKUPS_KEEP"
MANUAL = "manual"  # the label of a copy someone asked for (the command line's ``backup``)
RESTORED_TABLE = "database"  # the audit trail's table_name of a restore (the whole database)
_STAMP = "%Y%m%d-%H%M%S-%f"
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Backup:
    path: Path
    made: datetime  # from the file's name: when the copy was made (local time)
    label: str  # why: before-import, before-migration-from-<revision>, before-restore, manual…
    size_bytes: int


class NotABackup(Exception):
    """The file cannot be restored: ``code`` is why (not_found, not_sqlite, not_kam, unknown_revision,
    same_file), ``path`` the file, ``detail`` what was found."""

    def __init__(self, code: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{code}: {path}" + (f" ({detail})" if detail else ""))
        self.code = code
        self.path = path
        self.detail = detail


def live_file() -> Path | None:
    """The SQLite file of ``KAM_DATABASE_URL``, or None for another database (PostgreSQL)."""
    return db.sqlite_path(db.database_url())


def keep_limit() -> int:
    """How many copies of a database are kept: ``KAM_BACKUPS_KEEP`` when it is a whole number of
    at least 1, else ``KEEP_DEFAULT``."""
    raw = os.environ.get(KEEP_VARIABLE, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return KEEP_DEFAULT
    return value if value >= 1 else KEEP_DEFAULT


def backup_name(path: Path, made: datetime, label: str) -> str:
    return f"{path.stem}-{made.strftime(_STAMP)}-{label}.db"


def backup_folder(path: Path) -> Path:
    """Where copies of a SQLite file are kept: ``backups/`` beside it."""
    return path.parent / "backups"


def backup_sqlite(path: Path, label: str, protect: tuple[Path, ...] = (), prune: bool = True) -> Path:
    """An online copy of a SQLite file (sqlite3 backup API) in ``data/backups`` beside it; then
    (``prune``) the copies of that database beyond the ones kept (``KAM_BACKUPS_KEEP``) are
    deleted (``prune``), never this one nor the ``protect``ed files. A copy kept before a write
    needs an editor; one asked for (``MANUAL``), an admin."""
    access.require("admin" if label == MANUAL else "editor")
    folder = backup_folder(path)
    folder.mkdir(parents=True, exist_ok=True)
    copy = _online_copy(path, folder / backup_name(path, datetime.now(), label))
    if prune:
        _prune(path, protect=(copy, *protect))
    return copy


def read_only_uri(path: Path) -> str:
    """The URI that opens the SQLite file ``path`` read-only, whatever its name holds ('#', '?',
    spaces): an unescaped ``file:`` URI would cut the name at '#' and open another, empty file."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def copy_sqlite(path: Path, target: Path) -> Path:
    """An online copy of the SQLite file ``path`` into ``target`` (safe while the app writes:
    SQLite's backup API copies a consistent state, write-ahead log included). The copy is written
    under a ``.part`` name and renamed once complete: a process stopped mid-copy never leaves a
    file that looks like a whole backup. Admins only: the copy holds everything."""
    access.require("admin")
    return _online_copy(path, target)


def _online_copy(path: Path, target: Path) -> Path:
    target = Path(target)
    partial = target.with_name(target.name + ".part")
    source = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, target)
    return target


def before_migration(engine: Engine) -> Path | None:
    """The copy of the SQLite file of ``engine`` kept before a migration touches it
    (``before-migration-from-<revision>``): made when the file exists with a schema behind head;
    None otherwise (a new database, another database, or one at head)."""
    current = db.current_revision(engine)
    path = db.sqlite_path(str(engine.url))
    if path is not None and path.exists() and current is not None and current != db.head_revision():
        return backup_sqlite(path, f"before-migration-from-{current}")
    return None


def _pattern(stem: str) -> re.Pattern:
    return re.compile(rf"{re.escape(stem)}-(\d{{8}}-\d{{6}}-\d{{6}})-([A-Za-z0-9][A-Za-z0-9._-]*)\.db")


def list_backups(path: Path) -> list[Backup]:
    """The copies of the database ``path`` kept in its backup folder, newest first."""
    folder = backup_folder(Path(path))
    if not folder.is_dir():
        return []
    pattern = _pattern(Path(path).stem)
    found = []
    for entry in folder.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file():
            continue
        try:
            made = datetime.strptime(match.group(1), _STAMP)
            size = entry.stat().st_size
        except (ValueError, OSError):  # an impossible date, or gone meanwhile
            continue
        found.append(Backup(entry, made, match.group(2), size))
    return sorted(found, key=lambda backup: (backup.made, backup.path.name), reverse=True)


def prune(path: Path, keep: int | None = None, protect: Iterable[Path] = ()) -> list[Path]:
    """Delete the copies of ``path`` beyond the ``keep`` newest (default ``keep_limit()``); the
    ``protect``ed files are never deleted. Returns what was deleted."""
    keep = keep_limit() if keep is None else max(int(keep), 1)
    protected = {Path(item).resolve() for item in protect}
    deleted = []
    for backup in list_backups(path)[keep:]:
        if backup.path.resolve() in protected:
            continue
        try:
            backup.path.unlink()
        except OSError:  # gone meanwhile, or not ours to delete: the copy just made stands anyway
            continue
        deleted.append(backup.path)
    return deleted


_prune = prune  # for backup_sqlite, whose ``prune`` flag hides the name


def _revision(source: Path) -> str:
    """The schema revision written in a SQLite file of this app; NotABackup when it is not one."""
    source = Path(source)
    if not source.is_file():
        raise NotABackup("not_found", source)
    with source.open("rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            raise NotABackup("not_sqlite", source)
    try:
        connection = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise NotABackup("not_kam", source, "no alembic_version table")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            check = connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise NotABackup("not_sqlite", source, str(exc)) from exc
    if row is None or not row[0]:
        raise NotABackup("not_kam", source, "no schema revision")
    if check is None or check[0] != "ok":
        raise NotABackup("not_sqlite", source, f"damaged: {check[0] if check else '?'}")
    return row[0]


def check_backup(source: Path) -> str:
    """The revision of a restorable copy; NotABackup (naming the file) when it is not one of ours,
    or was made by a newer version of the app."""
    from alembic.script import ScriptDirectory

    revision = _revision(source)
    script = ScriptDirectory.from_config(db._alembic_config(None))  # type: ignore[arg-type]
    known = {item.revision for item in script.walk_revisions()}
    if revision not in known:
        raise NotABackup("unknown_revision", Path(source), revision)
    return revision


@dataclass(frozen=True)
class Restored:
    source: Path
    target: Path
    safety_copy: Path | None  # the live database as it was, kept first (None when there was none)
    revision: str  # the copy's schema revision
    migrated_to: str | None  # head, when the copy was older


def restore(path: Path, source: Path) -> Restored:
    """Put the copy ``source`` back into the live SQLite database ``path`` (see the module). Only an
    admin restores (PermissionDenied before anything is read or written)."""
    access.require("admin")  # a restore replaces the roles, the settings and the trail too
    path, source = Path(path), Path(source)
    revision = check_backup(source)
    if path.exists() and path.resolve() == source.resolve():
        raise NotABackup("same_file", source)
    safety = backup_sqlite(path, "before-restore", protect=(source,)) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kam-restore-") as folder:
        staged = _online_copy(source, Path(folder) / "staged.db")
        migrated = _stage(staged, source, revision)
        copy_into(staged, path)
    return Restored(source=source, target=path, safety_copy=safety, revision=revision, migrated_to=migrated)


def _stage(staged: Path, source: Path, revision: str) -> str | None:
    """Bring the staged copy to head (returns head when it was older), and add the audit trail's
    line of the restore: who (the person acting), when, which file. Written through the store, so
    the guard checks it as any other write."""
    engine = db.make_engine(f"sqlite:///{staged}")
    try:
        migrated = None
        if revision != db.head_revision():
            db.migrate(engine)
            migrated = db.current_revision(engine)
        line = audit.entry(
            "update",
            RESTORED_TABLE,
            None,
            None,
            {"restored_from": (None, source.name), "schema": (revision, migrated or revision)},
            label=source.name,
        )
        with db.writer(engine).begin() as connection:
            audit.record(connection, [line])
    finally:
        engine.dispose()
    return migrated


def copy_into(source: Path, target: Path) -> None:
    """The content of the SQLite file ``source`` written into ``target`` with the backup API, as
    one write of ``target``: its other connections (a running app) wait for it, then see it whole.
    While another save holds ``target``'s write lock, it waits as any write does (the busy wait),
    then raises StoreError("store.busy") with nothing written (the driver's backup would retry
    for ever)."""

    def give_up_when_busy(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):  # after the busy wait: say so
            raise db.StoreError("store.busy", path=str(target))

    reader = sqlite3.connect(read_only_uri(source), uri=True)
    try:
        writer = sqlite3.connect(target, timeout=db.busy_wait_ms() / 1000)
        try:
            reader.backup(writer, progress=give_up_when_busy)
        finally:
            writer.close()
    finally:
        reader.close()


def snapshot_bytes(path: Path) -> bytes:
    """A fresh online copy of the SQLite file ``path``, as bytes (for a download). Admins only:
    the file holds everything, the roles and the audit trail included."""
    access.require("admin")
    with tempfile.TemporaryDirectory(prefix="kam-download-") as folder:
        copy = _online_copy(Path(path), Path(folder) / "copy.db")
        return copy.read_bytes()
