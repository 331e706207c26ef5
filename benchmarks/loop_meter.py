"""How the event loop is used: busy time and the longest single step, while measuring.

Every callback, task step and timer the loop runs goes through ``Handle._run``; the
meter times each one while it is active. Home Assistant cannot answer anything during
a step, so the longest step is what a user feels as a stall. Garbage collection runs
inside whatever step allocates when it is due, so the meter also times collections
and reports the longest step without them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
import gc
from pathlib import Path
import time
from typing import Any

OLDEST_GENERATION = len(gc.get_count()) - 1


@dataclass
class LoopUse:
    """The loop's use over one measured stretch, in milliseconds."""

    busy_ms: float = 0.0
    longest_ms: float = 0.0
    steps: int = 0
    longest_in: str = ""  # what ran in the longest step
    gc_ms: float = 0.0  # garbage collection, within the steps
    longest_without_gc_ms: float = 0.0
    full_collections: int = 0  # of the oldest generation, which walk the whole heap
    longest_full_ms: float = 0.0


@contextmanager
def metered_loop() -> Iterator[LoopUse]:
    """Time every loop step until the block ends."""
    use = LoopUse()
    original = asyncio.events.Handle._run  # noqa: SLF001 - the one place every step passes
    collecting = {"since": 0.0, "in_step": 0.0}

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collecting["since"] = time.perf_counter()
        else:
            took = (time.perf_counter() - collecting["since"]) * 1000
            collecting["in_step"] += took
            use.gc_ms += took
            if info["generation"] == OLDEST_GENERATION:
                use.full_collections += 1
                use.longest_full_ms = max(use.longest_full_ms, took)

    def timed(handle: Any) -> None:
        collecting["in_step"] = 0.0
        started = time.perf_counter()
        try:
            original(handle)
        finally:
            took = (time.perf_counter() - started) * 1000
            use.busy_ms += took
            use.steps += 1
            if took > use.longest_ms:
                use.longest_ms = took
                use.longest_in = repr(handle)[:160]
            use.longest_without_gc_ms = max(use.longest_without_gc_ms, took - collecting["in_step"])

    asyncio.events.Handle._run = timed  # type: ignore[method-assign]  # noqa: SLF001
    gc.callbacks.append(on_gc)
    try:
        yield use
    finally:
        gc.callbacks.remove(on_gc)
        asyncio.events.Handle._run = original  # type: ignore[method-assign]  # noqa: SLF001


def rss_mib() -> float:
    """This process's resident memory."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def full_collection_ms() -> float:
    """How long a full garbage collection of this process's heap takes now."""
    gc.collect()  # what is garbage now does not count
    started = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - started) * 1000
