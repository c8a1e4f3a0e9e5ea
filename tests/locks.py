"""Another process's save in progress: a child process opens the same SQLite file, takes its write
lock (``BEGIN IMMEDIATE``), says so on stdout, and holds it until its stdin closes. Nothing it
does is written (it rolls back). The busy tests of the store, the pages and the command line use it
so that the lock is held exactly as a second app or a command line run would hold it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READY = "LOCKED"
HOLDER = f"""
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print({READY!r}, flush=True)
sys.stdin.read()  # until the test closes our stdin
connection.execute("ROLLBACK")
connection.close()
"""


@contextmanager
def write_lock_held_by_another_process(path: Path | str) -> Iterator[None]:
    """While the block runs, another process holds the write lock of the SQLite file ``path``."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()  # blocks until the child holds the lock (or ends: then it says why)
        if line.strip() != READY:
            child.kill()
            out, err = child.communicate()
            raise RuntimeError(f"the lock holder did not take the lock: {line}{out}\n{err}")
        yield
    finally:
        if child.poll() is None:
            child.stdin.close()  # the holder rolls back and ends
            child.wait(timeout=60)
        for stream in (child.stdout, child.stderr):
            stream.close()
