"""The store: one engine per process, short sessions, migrations applied at start.

The database is named by ``KAM_DATABASE_URL``; without it, the SQLite file ``data/kam.db``
beside the project. SQLite connections get foreign keys, WAL and a busy timeout. Before a
migration touches an existing SQLite file, a copy of it is kept in ``data/backups/``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlmodel import Session, create_engine

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_DIR / "data" / "kam.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000
CONNECT_TIMEOUT_S = 10


class StoreError(Exception):
    """The database cannot be used. ``code`` names a catalog message, ``params`` fills it."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


def database_url() -> str:
    url = os.environ.get("KAM_DATABASE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_DB_PATH}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def describe(url: str) -> str:
    """The URL as it may be shown on screen: the file for SQLite, no password otherwise."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; raises StoreError for a URL that names no usable database."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = sqlite_path(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _set_sqlite_pragmas)
        else:
            # a server that does not answer is named after CONNECT_TIMEOUT_S, not after the system's TCP timeout
            connect_args = {} if "connect_timeout" in parsed.query or parsed.get_backend_name() != "postgresql" \
                else {"connect_timeout": CONNECT_TIMEOUT_S}
            engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError("store.bad_url", url=_safe(url), reason=str(exc).splitlines()[0]) from exc
    except ImportError as exc:
        raise StoreError("store.driver_missing", url=_safe(url), reason=str(exc)) from exc
    return engine


def _safe(url: str) -> str:
    try:
        return describe(url)
    except Exception:  # an unparseable URL: show its scheme only, never a password
        return url.split("://", 1)[0] + "://…" if "://" in url else "…"


_engines: dict[str, Engine] = {}
_ready: set[str] = set()
_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine of ``url`` (default: ``database_url()``), migrated to head."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            _engines[url] = engine
        if url not in _ready:
            prepare(engine)
            _ready.add(url)
    return engine


def dispose_all() -> None:
    """Close every engine of the process (tests and the command line use it)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _ready.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits whole at the end, or rolls back whole on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# --- checks, backups, migrations --------------------------------------------------------------


def check_readable(engine: Engine) -> None:
    """Refuse a file that is not a database, or one we cannot read, naming it; writes nothing."""
    path = sqlite_path(str(engine.url))
    if path is not None and path.exists():
        if path.is_dir():
            raise StoreError("store.not_a_database", path=str(path))
        if not os.access(path, os.R_OK):
            raise StoreError("store.unreadable", path=str(path), reason="permission denied")
        with path.open("rb") as handle:
            header = handle.read(16)
        if header and header != b"SQLite format 3\x00":
            raise StoreError("store.not_a_database", path=str(path))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            inspect(connection).get_table_names()
    except DatabaseError as exc:
        reason = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
        code = "store.not_a_database" if "not a database" in reason else "store.unreachable"
        raise StoreError(code, path=describe(str(engine.url)), reason=reason.splitlines()[0]) from exc


def backup_folder(path: Path) -> Path:
    """Where copies of a SQLite file are kept: ``backups/`` beside it."""
    return path.parent / "backups"


def backup_sqlite(path: Path, label: str) -> Path:
    """An online copy of a SQLite file (sqlite3 backup API) in ``data/backups`` beside it."""
    backups = backup_folder(path)
    backups.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return copy_sqlite(path, backups / f"{path.stem}-{stamp}-{label}.db")


def copy_sqlite(path: Path, target: Path) -> Path:
    """An online copy of the SQLite file ``path`` into ``target`` (safe while the app writes:
    SQLite's backup API copies a consistent state, write-ahead log included). The copy is written
    under a ``.part`` name and renamed once complete: a process stopped mid-copy never leaves a
    file that looks like a whole backup."""
    target = Path(target)
    partial = target.with_name(target.name + ".part")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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


def _alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)  # type: ignore[arg-type]
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> Path | None:
    """Upgrade the schema to ``revision``; returns the backup made first, if any."""
    from alembic import command

    backup = None
    current = current_revision(engine)
    path = sqlite_path(str(engine.url))
    if path is not None and path.exists() and current is not None and current != head_revision():
        backup = backup_sqlite(path, f"before-migration-from-{current}")
    command.upgrade(_alembic_config(engine), revision)
    return backup


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)


def prepare(engine: Engine) -> None:
    """Make the database usable: readable, migrated to head, programme defaults present."""
    from kam_core.defaults import install_defaults
    from kam_core.clock import today

    check_readable(engine)
    try:
        migrate(engine)
        with session_scope(engine) as session:
            install_defaults(session, today=today())
    except OperationalError as exc:
        raise StoreError("store.unreachable", path=describe(str(engine.url)), reason=str(exc.orig)) from exc


@dataclass(frozen=True)
class StoreInfo:
    location: str
    backend: str
    revision: str | None
    head: str
    size_bytes: int | None
    backup_folder: str | None


def store_info(engine: Engine) -> StoreInfo:
    path = sqlite_path(str(engine.url))
    return StoreInfo(
        location=describe(str(engine.url)),
        backend=engine.url.get_backend_name(),
        revision=current_revision(engine),
        head=head_revision(),
        size_bytes=path.stat().st_size if path is not None and path.exists() else None,
        backup_folder=str(backup_folder(path)) if path is not None else None,
    )
