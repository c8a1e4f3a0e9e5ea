"""The allocator set-up the server and the benchmark share (kam_core.store.memory)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kam_core.store.memory import limit_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_arena_cap_is_taken_by_glibc_in_a_fresh_process():
    code = "from kam_core.store.memory import limit_malloc_arenas; print(limit_malloc_arenas())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_elsewhere_it_says_it_did_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert limit_malloc_arenas() is False


def test_the_collector_is_paused_until_the_last_unit_of_work_ends():
    import gc
    import threading

    from kam_core.store.memory import without_gc_pauses

    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_session():
        with without_gc_pauses():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_session)
    with without_gc_pauses():
        thread.start()
        inside.wait(5)
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other session's read still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_the_collector_left_off_by_someone_else_stays_off():
    import gc

    from kam_core.store.memory import without_gc_pauses

    gc.disable()
    try:
        with without_gc_pauses():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_free_memory_goes_back_to_the_system_after_a_large_allocation():
    code = (
        "from kam_core.store.memory import release_free_memory\n"
        "def rss(): return int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])\n"
        "blocks = [bytes(1000) + bytes([i % 256]) for i in range(200_000)]\n"  # glibc's heap, not pymalloc's
        "keep = blocks[-1]; del blocks\n"
        "before = rss(); done = release_free_memory(); after = rss()\n"
        "print(done, before - after)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    trimmed, freed_kb = done.stdout.split()
    assert trimmed == "True" and int(freed_kb) > 100_000  # most of the ~200 MB the blocks held (the last kept)


def test_the_long_lived_objects_are_frozen_once_per_process():
    code = (
        "import gc\nfrom kam_core.store.memory import freeze_long_lived\n"
        "first = freeze_long_lived(); frozen = gc.get_freeze_count(); again = freeze_long_lived()\n"
        "print(first, again, frozen > 1000, gc.get_freeze_count() == frozen)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "True", "True"]
