"""wincc-sim's synthetic tags (``--extra-tags``): their names, types and new values.

Kept free of Home Assistant, so a helper process that changes values starts at once.
"""

from __future__ import annotations

from typing import Any

TYPES = ("Real", "DInt", "Bool", "WString")  # the simulator's synthetic types, in turn


def local_name(index: int) -> str:
    """The local name of synthetic tag ``index``."""
    return f"Extra_{index:05d}"


def changed_value(index: int, cycle: int) -> Any:
    """A value the tag has not had yet, of its type."""
    match TYPES[index % len(TYPES)]:
        case "Real":
            return 1000.0 + cycle + index / 100_000
        case "DInt":
            return 100_000 + cycle
        case "Bool":
            return cycle % 2 == 0
        case _:
            return f"cycle {cycle}"


def changed_values(count: int, cycle: int) -> dict[str, Any]:
    """New values for the first ``count`` synthetic tags, by local name."""
    return {local_name(i): changed_value(i, cycle) for i in range(1, count + 1)}
