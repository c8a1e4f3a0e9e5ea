"""How the process's memory allocator is set up (no effect outside Linux with glibc).

Streamlit runs every session's script in a thread of its own; glibc gives threads separate
allocation arenas (up to eight per core), and each keeps the memory it once held. With a few
large reads (a 10,000-account table, an import of 100,000 lines) that memory stays spread over
arenas that are never handed back. Two arenas are enough for a server whose work is mostly in
one thread at a time (Python's global lock), and keep its footprint close to what it uses.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's arenas (as MALLOC_ARENA_MAX does) before the threads start; True when applied."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
