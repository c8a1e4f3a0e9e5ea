"""How the process's memory allocator is set up (no effect outside Linux with glibc).

Streamlit runs every session's script in a thread of its own; glibc gives threads separate
allocation arenas (up to eight per core), and each keeps the memory it once held. With a few
large reads (a 10,000-account table, an import of 100,000 lines) that memory stays spread over
arenas that are never handed back. Two arenas are enough for a server whose work is mostly in
one thread at a time (Python's global lock), and keep its footprint close to what it uses.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import sys
import threading

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def _glibc(function: str):
    """glibc's ``function`` through ctypes; None elsewhere (not Linux, or musl, which lacks it)."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return None


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's arenas (as MALLOC_ARENA_MAX does) before the threads start; True when applied."""
    mallopt = _glibc("mallopt")
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, arenas))


_pauses = {"running": 0, "was_enabled": True}  # units of work running with the collector paused
_pauses_lock = threading.Lock()


@contextlib.contextmanager
def without_gc_pauses():
    """The cyclic garbage collector paused while a file is read or imported: a large file makes
    hundreds of thousands of small objects (rows, cells, keys) and no reference cycles, and each
    collection would walk them all again (a third of a 100,000-row import's time). Reference
    counting still frees everything. The switch is the process's: it is turned back on when the
    last unit of work that paused it ends (other sessions' reference cycles wait meanwhile), and
    left off if it was off before."""
    with _pauses_lock:
        _pauses["running"] += 1
        if _pauses["running"] == 1:
            _pauses["was_enabled"] = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses["running"] -= 1
            if _pauses["running"] == 0 and _pauses["was_enabled"]:
                gc.enable()


def release_free_memory() -> bool:
    """Hands the heap's free pages back to the system (glibc's malloc_trim) after a large transient
    allocation -- an import of 100,000 lines holds well over 100 MB while it runs -- so the server's
    footprint returns to what it uses; True when done."""
    trim = _glibc("malloc_trim")
    return trim is not None and bool(trim(0))


_frozen = {"done": False}


def freeze_long_lived() -> bool:
    """Once per process, before the server takes its first session (``kam_core.ui.serve.preload``):
    every object alive then -- the modules of Streamlit, pandas, SQLAlchemy, Altair and the app,
    about 200,000 objects that live as long as the process -- is moved out of the cyclic collector's
    reach, so its full passes stop walking them again and again. Those passes cost more the more
    the process held, and made a read at 10,000 accounts slower than in proportion (800 -> 650 ms
    for the account table). Nothing of a session exists yet, so nothing that will die is frozen.
    True the first time."""
    with _pauses_lock:
        if _frozen["done"]:
            return False
        _frozen["done"] = True
    gc.collect()  # garbage first: only what lives on is frozen
    gc.freeze()
    return True
