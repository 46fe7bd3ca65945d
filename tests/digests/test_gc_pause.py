"""The collector pause around a batch: nests, survives errors, and never leaves the collector off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from digests.gc_pause import cyclic_gc_paused


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_resumed_after_even_when_nested_or_failing() -> None:
    gc.enable()
    with cyclic_gc_paused:
        assert not gc.isenabled()
        with cyclic_gc_paused:
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer batch is still running
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused:
        raise RuntimeError("a batch failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with cyclic_gc_paused:
        pass
    assert not gc.isenabled()


def test_overlapping_batches_in_threads_leave_the_collector_on() -> None:
    gc.enable()
    inside = threading.Barrier(2)

    def batch() -> None:
        with cyclic_gc_paused:
            inside.wait(timeout=5)  # both threads hold the pause at once

    threads = [threading.Thread(target=batch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert gc.isenabled()
