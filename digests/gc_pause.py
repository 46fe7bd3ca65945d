"""Pausing Python's cyclic garbage collector while a batch is analysed.

Analysis allocates hundreds of thousands of short-lived sets, lists and tuples per batch, none of them
in reference cycles: reference counting frees every one. The cyclic collector still wakes every 700
allocations and, every so often, walks every tracked object the process holds (a bot's caches, a
benchmark's corpus). Pausing it for the batch measured 2-3% faster on Reuters; it resumes afterwards
and collects anything the batch left.
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType

__all__ = ["cyclic_gc_paused"]


class _Pause:
    """A re-entrant, thread-safe pause: the collector resumes when the last overlapping batch ends,
    and only if it was running when the first one began."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._resume:
                gc.enable()


cyclic_gc_paused = _Pause()
