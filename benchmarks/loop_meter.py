"""How the event loop is used: busy time and the longest single step, while measuring.

Every callback, task step and timer the loop runs goes through ``Handle._run``; the
meter times each one while it is active. Home Assistant cannot answer anything during
a step, so the longest step is what a user feels as a stall.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
import time
from typing import Any


@dataclass
class LoopUse:
    """The loop's use over one measured stretch, in milliseconds."""

    busy_ms: float = 0.0
    longest_ms: float = 0.0
    steps: int = 0


@contextmanager
def metered_loop() -> Iterator[LoopUse]:
    """Time every loop step until the block ends."""
    use = LoopUse()
    original = asyncio.events.Handle._run  # noqa: SLF001 - the one place every step passes

    def timed(handle: Any) -> None:
        started = time.perf_counter()
        try:
            original(handle)
        finally:
            took = (time.perf_counter() - started) * 1000
            use.busy_ms += took
            use.steps += 1
            use.longest_ms = max(use.longest_ms, took)

    asyncio.events.Handle._run = timed  # type: ignore[method-assign]  # noqa: SLF001
    try:
        yield use
    finally:
        asyncio.events.Handle._run = original  # type: ignore[method-assign]  # noqa: SLF001


def rss_mib() -> float:
    """This process's resident memory."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
