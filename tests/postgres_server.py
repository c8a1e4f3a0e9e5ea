"""A throw-away PostgreSQL server for the tests: Debian's server binaries, a temporary directory,
a free port on the loopback interface, trust authentication, no fsync. Stopped and deleted at the
end of the test session (also when tests fail or the run is interrupted).

PostgreSQL refuses to run as root: as root, the server runs as the ``postgres`` system user
(created by Debian's package; created here if missing) and owns its temporary directory.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

from tests.browser import free_port

SUPERUSER = "kam"
SERVER_USER = "postgres"


class ServerMissing(RuntimeError):
    pass


def server_binaries() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb and pg_ctl (or $PG_BINDIR)."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise ServerMissing(
        "PostgreSQL's server is missing: `make test` installs Debian's postgresql package "
        "(as root), or run `sudo apt-get install postgresql`, or set PG_BINDIR=/path/to/bin."
    )


def _version(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def _server_account() -> pwd.struct_passwd | None:
    """None when we may run the server ourselves; the ``postgres`` account when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER], check=True
        )
        return pwd.getpwnam(SERVER_USER)


class PostgresServer:
    """``start()`` it, ``url(database)`` to connect, ``stop()`` it (idempotent)."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.account = _server_account()
        self.root = Path(tempfile.mkdtemp(prefix="kam-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self.running = False
        self._admin = None
        atexit.register(self.stop)
        _stop_on_sigterm()

    # --- life cycle ----------------------------------------------------------------------------

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        user = {} if self.account is None else {"user": self.account.pw_uid, "group": self.account.pw_gid}
        result = subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
            **user,
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log}")
        return result

    def start(self) -> PostgresServer:
        if self.account is not None:
            os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        # ICU's English collation: names sort the way a usual production server sorts them (not by code point)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--locale-provider=icu",
            "--icu-locale=en",
            "--no-sync",
        )
        for attempt in range(5):  # the free port may be taken between the look-up and the start
            self.port = free_port()
            settings = {
                "listen_addresses": "'127.0.0.1'",
                "port": str(self.port),
                "unix_socket_directories": f"'{self.root}'",
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "max_connections": "300",
                "shared_buffers": "64MB",
                "log_min_messages": "warning",
                "timezone": "'UTC'",
            }
            conf = self.data / "postgresql.auto.conf"
            conf.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
            if self.account is not None:
                os.chown(conf, self.account.pw_uid, self.account.pw_gid)
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
            except RuntimeError:
                if attempt == 4:
                    raise
                continue
            self.running = True
            _RUNNING.append(self)
            return self
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None
        if self in _RUNNING:
            _RUNNING.remove(self)
        if self.running:
            self.running = False
            with contextlib.suppress(RuntimeError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    # --- databases -----------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @property
    def admin(self):
        """An autocommit engine on the ``postgres`` database, for CREATE / DROP DATABASE."""
        if self._admin is None:
            from sqlalchemy import create_engine

            self._admin = create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        return self._admin

    def create_database(self, template: str | None = None, prefix: str = "kam") -> str:
        """A new database (a copy of ``template`` if given, which nobody may be connected to); its name."""
        from sqlalchemy import text

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return name

    def drop_database(self, name: str) -> None:
        from sqlalchemy import text

        if not self.running:
            return
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_RUNNING: list[PostgresServer] = []


def _stop_on_sigterm() -> None:
    """A run ended by SIGTERM (a CI time limit) stops the servers first, then dies of the signal."""

    def stop_then_die(signum, _frame):
        for server in list(_RUNNING):
            server.stop()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, stop_then_die)


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool
