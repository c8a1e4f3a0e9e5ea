"""kam_core.ui.readers._kept: a read is kept until the next write, and the cyclic collector does not
walk the objects a read is building (it is back on once the read ends, even when the read fails)."""

from __future__ import annotations

import gc

import pytest

from kam_core.ui import readers


def test_a_read_is_kept_until_a_write_and_runs_without_collector_pauses():
    seen = []

    @readers._kept
    def read(number):
        seen.append((number, gc.isenabled()))
        return [number]

    assert gc.isenabled()
    first = read(1)
    assert read(1) is first and seen == [(1, False)]  # kept: the second call reads nothing
    assert gc.isenabled()  # back on once the read ended
    readers.clear()
    assert read(1) is not first and seen == [(1, False), (1, False)]


def test_a_failing_read_turns_the_collector_back_on():
    @readers._kept
    def broken():
        raise RuntimeError("the store is gone")

    with pytest.raises(RuntimeError):
        broken()
    assert gc.isenabled()
