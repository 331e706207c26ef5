"""The client's parse cost per tag: answer rows (already decoded JSON) to ``TagValue``.

For a 1,000-row chunk of each server type, as the simulator answers it, it prints the
best and the mean time per tag over many rounds (the mean includes garbage
collection, which a busy Home Assistant pays too): once with every row new, and once
with every row as the last read gave it, which is most rows of a poll.

Usage: .venv/bin/python -m benchmarks.parse_cost [--rounds 200]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import statistics
import time
from typing import Any

import orjson

from custom_components.wincc.client.classic_parsing import parse_value_rows
from custom_components.wincc.client.parsing import ParsedRows
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
    # The last read's rows: equal to this read's, but decoded from another answer.
    unified_seen, classic_seen = ParsedRows(), ParsedRows()
    parse_tag_values(orjson.loads(orjson.dumps(unified_rows)), unified_names, unified_seen)
    parse_value_rows(orjson.loads(orjson.dumps(classic_rows)), classic_names, classic_seen)
    for face, rows, parse in (
        ("Unified", "new", lambda: parse_tag_values(unified_rows, unified_names)),
        (
            "Unified",
            "unchanged",
            lambda: parse_tag_values(unified_rows, unified_names, unified_seen),
        ),
        ("classic", "new", lambda: parse_value_rows(classic_rows, classic_names)),
        (
            "classic",
            "unchanged",
            lambda: parse_value_rows(classic_rows, classic_names, classic_seen),
        ),
    ):
        best, mean = _per_tag_us(parse, rounds)
        print(f"{face:8} {rows:9} rows: best {best:5.2f} us/tag  mean {mean:5.2f} us/tag")


if __name__ == "__main__":
    main()
