"""The store: one engine per process, short sessions, migrations applied at start.

The database is named by ``KAM_DATABASE_URL``; without it, the SQLite file ``data/kam.db``
beside the project. SQLite connections get foreign keys, WAL and a busy timeout. Before a
migration touches an existing SQLite file, a copy of it is kept in ``data/backups/``
(``kam_core.store.backups``).

A write waits for another write's lock BUSY_WAIT_MS at most, in all (SQLite's busy timeout,
PostgreSQL's lock_timeout: one wait, never retried), then fails with ``StoreError("store.busy")``.
Reads never take the lock.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlmodel import Session, create_engine

from kam_core.governance import access, audit
from kam_core.store import backups

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_DIR / "data" / "kam.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_WAIT_MS = 5000  # the longest a write waits for another write's lock, in all; then "busy"
BUSY_WAIT_VARIABLE = "KAM_BUSY_WAIT_MS"  # a shorter wait (the tests), never a longer one
CONNECT_TIMEOUT_S = 10


class StoreError(Exception):
    """The database cannot be used. ``code`` names a catalog message, ``params`` fills it."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


def busy_wait_ms() -> int:
    """How long a write waits for the lock, in milliseconds: BUSY_WAIT_MS, or less when
    KAM_BUSY_WAIT_MS says so (read as each engine is made; a value that does not parse, or a
    longer one, leaves BUSY_WAIT_MS)."""
    try:
        wanted = int(os.environ.get(BUSY_WAIT_VARIABLE, "").strip())
    except ValueError:
        return BUSY_WAIT_MS
    return min(max(wanted, 0), BUSY_WAIT_MS)


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
    """Foreign keys, WAL. The busy timeout is the driver's ``timeout`` (``make_engine``)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _begin_sqlite(connection) -> None:
    """BEGIN IMMEDIATE for a unit of work that writes: it waits for SQLite's write lock up front,
    under the busy timeout. Begun as a read (the driver's default BEGIN, issued at its first
    write), it would fail with "database is locked" at once when another write committed
    meanwhile. Reads keep the driver's default."""
    if connection.get_execution_options().get("kam_write", False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


WRITE_LOCK_KEY = 7_361_042  # PostgreSQL advisory lock held by every unit of work that writes


def _begin_postgresql(connection, wait_ms: int = BUSY_WAIT_MS) -> None:
    """A unit of work that writes takes the programme's write lock first (an advisory lock held
    until it commits), so writes queue one after another as on SQLite. Each checks its rules
    (versions, unique names, one admin left) on what the previous one committed: two saves
    cannot both pass a check that only one of them may pass. It waits ``wait_ms`` at most (0 is
    PostgreSQL's "no limit": 1 ms then). Reads take no lock."""
    if connection.get_execution_options().get("kam_write", False):
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{max(int(wait_ms), 1)}ms'")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; raises StoreError for a URL that names no usable database."""
    wait_ms = busy_wait_ms()
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = sqlite_path(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            # the driver's timeout is SQLite's busy timeout (PRAGMA busy_timeout) of every connection
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait_ms / 1000})
            event.listen(engine, "connect", _set_sqlite_pragmas)
            event.listen(engine, "begin", _begin_sqlite)
        else:
            # a server that does not answer is named after CONNECT_TIMEOUT_S, not after the system's TCP timeout
            connect_args = {}
            if parsed.get_backend_name() == "postgresql":
                if "connect_timeout" not in parsed.query:
                    connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
                if "options" not in parsed.query:  # times are stored and read as UTC, whatever the server's zone
                    connect_args["options"] = "-c timezone=UTC"
            engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
            if parsed.get_backend_name() == "postgresql":
                event.listen(engine, "begin", lambda connection: _begin_postgresql(connection, wait_ms))
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError("store.bad_url", url=_safe(url), reason=str(exc).splitlines()[0]) from exc
    except ImportError as exc:
        raise StoreError("store.driver_missing", url=_safe(url), reason=str(exc)) from exc
    access.install_guard()
    audit.install()
    return engine


def _safe(url: str) -> str:
    try:
        return describe(url)
    except Exception:  # an unparseable URL: show its scheme only, never a password
        return url.split("://", 1)[0] + "://…" if "://" in url else "…"


_engines: dict[str, Engine] = {}
_ready: set[str] = set()
_lock = threading.Lock()


def get_engine(url: str | None = None, *, creator_language: str | None = None) -> Engine:
    """The process-wide engine of ``url`` (default: ``database_url()``), migrated to head; a programme
    created now is in ``KAM_LANGUAGE``, else in ``creator_language`` (``i18n.programme_language``)."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            _engines[url] = engine
        if url not in _ready:
            prepare(engine, creator_language=creator_language)
            _ready.add(url)
        _files.setdefault(url, _file_identity(url))
    return engine


def dispose_all() -> None:
    """Close every engine of the process (tests and the command line use it)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _ready.clear()
        _files.clear()


_files: dict[str, tuple[int, int] | None] = {}  # URL -> the SQLite file its engine's connections opened


def _file_identity(url: str) -> tuple[int, int] | None:
    """(device, inode) of the SQLite file of ``url``: what stays the same while the file is written in
    place (a save, a restore through the backup API), and changes when another file is put at its path."""
    path = sqlite_path(url)
    if path is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def follow_file(url: str | None = None) -> bool:
    """When another file was put at the path of ``url``'s SQLite database (moved or copied over it
    while the app runs), close the engine's pooled connections: they still read the file that was
    there, and would go on showing its data to every session. True when it did. One ``stat``: the
    app calls it at every run; nothing to do for PostgreSQL."""
    url = url or database_url()
    identity = _file_identity(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None or identity is None:
            return False
        seen = _files.get(url)
        _files[url] = identity
        if seen is None or seen == identity:
            return False
        engine.dispose()  # the next connection opens the file now at the path
    return True


_writers_lock = threading.Lock()
_writers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def writer(engine: Engine) -> Engine:
    """The engine as a unit of work that writes uses it (on SQLite: BEGIN IMMEDIATE)."""
    with _writers_lock:
        found = _writers.get(engine)
        if found is None:
            found = _writers[engine] = engine.execution_options(kam_write=True)
        return found


def is_busy(exc: BaseException) -> bool:
    """Another write holds the lock: SQLite's "database is locked", PostgreSQL's lock timeout."""
    text_ = str(getattr(exc, "orig", exc)).lower()
    return any(
        sign in text_
        for sign in (
            "database is locked",
            "database is busy",
            "lock timeout",
            "deadlock detected",
            "could not serialize",
        )
    )


# A driver's error that says the database went away or cannot be written, not that the code is wrong.
_GONE = (
    "unable to open database file",
    "disk i/o error",
    "readonly database",
    "no such file",
    "server closed the connection",
    "connection refused",
    "terminating connection",
)


def as_store_error(exc: BaseException, url: str | None = None) -> StoreError | None:
    """The store error a driver's error means (None: it means none, let it be raised): another
    save holds the lock (``store.busy``), or the database went away (``store.unreachable``)."""
    shown = describe(url or database_url())
    if is_busy(exc):
        return StoreError("store.busy", path=shown)
    reason = str(getattr(exc, "orig", None) or exc).strip()
    if getattr(exc, "connection_invalidated", False) or any(sign in reason.lower() for sign in _GONE):
        return StoreError("store.unreachable", path=shown, reason=(reason.splitlines() or ["?"])[0])
    return None


def _begin(session: Session) -> None:
    """Open the unit of work's transaction: it waits for the write lock once, under the busy wait
    (never again after it: the wait is the whole of it), then says the database is busy rather
    than "database is locked"."""
    try:
        session.connection()
    except OperationalError as exc:
        session.rollback()
        if not is_busy(exc):
            raise
        raise StoreError("store.busy", path=describe(str(session.get_bind().url))) from exc


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work that writes: commits whole at the end, or rolls back whole on any error.
    It holds the write lock from its start, so concurrent writes queue; a lock held by another
    write past the busy wait (``busy_wait_ms``), or a database gone, raises StoreError (never the
    driver's OperationalError)."""
    session = Session(writer(engine), expire_on_commit=False)
    try:
        _begin(session)
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        error = as_store_error(exc, str(engine.url)) if isinstance(exc, OperationalError) else None
        if error is None:
            raise
        raise error from exc  # "database is locked" at a write or at the commit: the same message
    finally:
        session.close()


# --- checks, migrations -----------------------------------------------------------------------


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

    # a read: never the write lock, even from an engine a unit of work that writes handed over
    with engine.connect() as connection:
        connection.execution_options(kam_write=False)
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> Path | None:
    """Upgrade the schema to ``revision``; returns the backup made first, if any."""
    from alembic import command

    backup = backups.before_migration(engine)
    command.upgrade(_alembic_config(engine), revision)
    return backup


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)


def prepare(engine: Engine, *, creator_language: str | None = None) -> None:
    """Make the database usable: readable, migrated to head, programme defaults present (in
    ``KAM_LANGUAGE``, else in ``creator_language``, else English)."""
    from kam_core.common.clock import today
    from kam_core.i18n import programme_language
    from kam_core.programme.defaults import defaults_missing, install_defaults

    check_readable(engine)
    try:
        with access.acting_as(access.SYSTEM):
            migrate(engine)
            with Session(engine) as session:  # a read: a process starting while another saves does not wait
                missing = defaults_missing(session)
            if missing:
                with session_scope(engine) as session:
                    install_defaults(session, today=today(), language=programme_language(creator_language))
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
        backup_folder=str(backups.backup_folder(path)) if path is not None else None,
    )
