"""The client's parse cost per tag: answer rows (already decoded JSON) to ``TagValue``.

For a 1,000-row chunk of each server type, as the simulator answers it, it prints the
best and the mean time per tag over many rounds (the mean includes garbage
collection, which a busy Home Assistant pays too).

Usage: .venv/bin/python -m benchmarks.parse_cost [--rounds 200]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import statistics
import time
from typing import Any

from custom_components.wincc.client.classic_parsing import parse_value_rows
from custom_components.wincc.client.unified_parsing import parse_tag_values

ROWS = 1000
STAMP = "2026-05-01T10:00:00.000Z"


def _unified() -> tuple[list[Any], list[str]]:
    names = [f"HMI_RT_1::Extra_{i:05d}" for i in range(ROWS)]
    rows = [
        {
            "name": name,
            "value": {
                "value": float(i),
                "timestamp": STAMP,
                "quality": {"quality": "GOOD_CASCADE", "subStatus": "NON_SPECIFIC"},
            },
            "error": {"code": "0", "description": ""},
        }
        for i, name in enumerate(names)
    ]
    return rows, names


def _classic() -> tuple[list[Any], list[str]]:
    names = [f"Extra_{i:05d}" for i in range(ROWS)]
    rows = [
        {
            "variableName": name,
            "value": float(i),
            "qualitycode": 192,
            "timestamp": STAMP,
            "errorcode": 0,
            "errordescription": "",
        }
        for i, name in enumerate(names)
    ]
    return rows, names


def _per_tag_us(parse: Callable[[], object], rounds: int) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        parse()
        timings.append((time.perf_counter() - started) / ROWS * 1e6)
    return min(timings), statistics.mean(timings)


def main() -> None:
    """Parse the arguments and print both server types."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    unified_rows, unified_names = _unified()
    classic_rows, classic_names = _classic()
    for face, parse in (
        ("Unified", lambda: parse_tag_values(unified_rows, unified_names)),
        ("classic", lambda: parse_value_rows(classic_rows, classic_names)),
    ):
        best, mean = _per_tag_us(parse, rounds)
        print(f"{face:8} best {best:5.2f} us/tag  mean {mean:5.2f} us/tag")


if __name__ == "__main__":
    main()
