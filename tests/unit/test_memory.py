"""The allocator set-up the server and the benchmark share (kam_core.memory)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kam_core.memory import limit_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_arena_cap_is_taken_by_glibc_in_a_fresh_process():
    code = "from kam_core.memory import limit_malloc_arenas; print(limit_malloc_arenas())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_elsewhere_it_says_it_did_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert limit_malloc_arenas() is False
