"""Server-side time of wincc-sim for large reads on both faces.

Starts wincc-sim in-process (plain HTTP, its own thread) with N synthetic tags, then
reads all of them at once through a Unified ``tagValues`` query and a classic
``POST tagManagement/Values``, several times each. The server-side time comes from
the ``Server-Timing`` header the simulator sets; the round trip includes the client's
JSON decoding.

Usage: .venv/bin/python -m benchmarks.simulator_reads [--tags 10000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import aiohttp

from simulator.clock import Clock
from simulator.runtime import Runtime, RuntimeOptions
from simulator.server import Simulator, SimulatorThread

QUERY = (
    "query($n:[String!]!){tagValues(names:$n)"
    "{name value{value timestamp quality{quality}} error{code}}}"
)


def _server_ms(response: aiohttp.ClientResponse) -> float:
    return float(response.headers["Server-Timing"].split("dur=")[1])


async def _measure(
    session: aiohttp.ClientSession, method: str, url: str, rounds: int, **kwargs: object
) -> tuple[list[float], list[float], int, int]:
    server, total = [], []
    size = rows = 0
    for _ in range(rounds):
        started = time.perf_counter()
        async with session.request(method, url, **kwargs) as response:  # type: ignore[arg-type]
            body = await response.read()
            data = await response.json()
        total.append((time.perf_counter() - started) * 1000)
        server.append(_server_ms(response))
        size = len(body)
        rows = len(data["data"]["tagValues"]) if isinstance(data, dict) else len(data)
    return server, total, size, rows


def _line(face: str, server: list[float], total: list[float], size: int, rows: int) -> str:
    return (
        f"{face:<28} rows {rows:>6}  body {size / 1e6:5.2f} MB  "
        f"server median {statistics.median(server):7.1f} ms (min {min(server):7.1f})  "
        f"round trip median {statistics.median(total):7.1f} ms"
    )


async def run(tags: int, rounds: int) -> None:
    """Start the simulator, read everything on both faces, print figures."""
    thread = SimulatorThread(
        Simulator(
            Runtime(Clock(), RuntimeOptions(extra_tags=tags)),
            unified_port=0,
            classic_port=0,
            oa_reporting_port=0,
            oa_graphql_port=0,
        )
    )
    endpoints = thread.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{endpoints.unified_url}/graphql",
                json={"query": 'mutation{login(username:"operator",password:"operator"){token}}'},
            ) as response:
                token = (await response.json())["data"]["login"]["token"]
            unified = await _measure(
                session,
                "POST",
                f"{endpoints.unified_url}/graphql",
                rounds,
                json={
                    "query": QUERY,
                    "variables": {"n": [f"HMI_RT_1::Extra_{i:05d}" for i in range(1, tags + 1)]},
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            classic = await _measure(
                session,
                "POST",
                f"{endpoints.classic_url}/tagManagement/Values",
                rounds,
                json={"variableNames": [f"Extra_{i:05d}" for i in range(1, tags + 1)]},
                headers={"Authorization": aiohttp.encode_basic_auth("operator", "operator")},
            )
    finally:
        thread.stop()
    print(f"wincc-sim, {tags} tags per read, {rounds} rounds each")
    print(_line("Unified tagValues", *unified))
    print(_line("classic POST Values", *classic))


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(run(args.tags, args.rounds))


if __name__ == "__main__":
    main()
