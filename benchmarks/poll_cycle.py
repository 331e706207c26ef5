"""One poll cycle in a real Home Assistant core: what it costs the event loop.

Starts wincc-sim in its own process (frozen clock, synthetic tags: values change only
when the benchmark writes them) and a real Home Assistant core with the integration.
For 100, 1,000 and 10,000 exposed tags on each server type, with 0 %, 1 % and 100 % of
them changed before each cycle, it runs cycles of one coordinator refresh until every
state is written, and prints the median of: requests per cycle, wall time, loop busy
time, the longest single loop step, states written against tags changed, and entities
woken. RSS is printed per size.

The floor is measured in the same run: the same chunked requests with bare aiohttp,
decoding the JSON only, metered the same way. Ratios are to the floor.

Usage: .venv/bin/python -m benchmarks.poll_cycle [--cycles 5] [--sizes 100,1000,10000]
       [--types unified,classic] [--where]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
import statistics
import tempfile
import time
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
import orjson

from benchmarks.home_assistant import counted, home_assistant, load_entry
from benchmarks.loop_meter import full_collection_ms, metered_loop, rss_mib
from benchmarks.sim_process import bare_reads, start_simulator
from benchmarks.synthetic import TYPES, changed_values, local_name
from custom_components.wincc.client import DataKind
from custom_components.wincc.client.parsing import chunked
from custom_components.wincc.client.transport import HttpTransport
from custom_components.wincc.client.unified import TAG_VALUES
from custom_components.wincc.coordinator import WinCCCoordinator
from custom_components.wincc.entity import WinCCTagEntity
from custom_components.wincc.options import EntryOptions
from custom_components.wincc.tags import TagConfig
from simulator.certificate import ensure_certificate

MAX_TAGS = 10_000
CHUNK = 1000  # the client's default chunk size
KINDS = {"Real": DataKind.FLOAT, "DInt": DataKind.INTEGER, "Bool": DataKind.BOOL}
SHARES = (0.0, 0.01, 1.0)


def _kind(index: int) -> DataKind:
    return KINDS.get(TYPES[index % len(TYPES)], DataKind.TEXT)


def tag_configs(server_type: str, count: int) -> dict[str, TagConfig]:
    """The first ``count`` synthetic tags, as an entry exposes them."""
    system = "HMI_RT_1::" if server_type == "unified" else ""
    names = {i: f"{system}{local_name(i)}" for i in range(1, count + 1)}
    return {name: TagConfig(name, _kind(i), f"Extra tag {i}") for i, name in names.items()}


@dataclass
class Cycle:
    """One measured cycle."""

    requests: int
    wall_ms: float
    busy_ms: float
    longest_ms: float
    states: int = 0
    woken: int = 0
    longest_in: str = ""
    gc_ms: float = 0.0
    longest_without_gc_ms: float = 0.0
    full_collections: int = 0


async def _sim_write(session: aiohttp.ClientSession, base: str, values: dict[str, Any]) -> None:
    async with session.post(f"{base}/_sim/tags", json={"values": values}, ssl=False) as answer:
        answer.raise_for_status()


async def _metered(action: Callable[[], Awaitable[Any]], hass: HomeAssistant) -> Cycle:
    """Run ``action`` and let Home Assistant finish what it started; time it all."""
    with metered_loop() as use:
        started = time.perf_counter()
        await action()
        await hass.async_block_till_done()
        wall = (time.perf_counter() - started) * 1000
    return Cycle(
        0,
        wall,
        use.busy_ms,
        use.longest_ms,
        longest_in=use.longest_in,
        gc_ms=use.gc_ms,
        longest_without_gc_ms=use.longest_without_gc_ms,
        full_collections=use.full_collections,
    )


async def _measure_entry(
    hass: HomeAssistant,
    session: aiohttp.ClientSession,
    server_type: str,
    urls: dict[str, str],
    fingerprint: str,
    size: int,
    cycles: int,
) -> tuple[dict[float, list[Cycle]], float]:
    """Cycles of one entry with ``size`` tags, per share changing, and how long a full
    garbage collection takes with the entry loaded."""
    options = EntryOptions(scan_interval=3600, push=False, alarms=False).with_tags(
        tag_configs(server_type, size)
    )
    entity_ids: set[str] = set()
    results: dict[float, list[Cycle]] = {}
    cycle_number = 0
    # Before the entities subscribe, so that wake-ups count.
    with (
        counted(hass, entity_ids.__contains__, (HttpTransport, "request")) as counts,
        counted(hass, lambda _: False, (WinCCTagEntity, "_handle_coordinator_update")) as wakes,
    ):
        entry = await load_entry(
            hass, server_type, urls[server_type], fingerprint, options, f"Cycle {server_type}"
        )
        coordinator: WinCCCoordinator = entry.runtime_data.coordinator
        entity_ids.update(
            state.entity_id
            for state in hass.states.async_all()
            if state.entity_id.split(".", 1)[1].startswith("cycle_")
        )
        heap_ms = full_collection_ms()
        for share in SHARES:
            changing = round(size * share)
            results[share] = []
            for _ in range(cycles):
                cycle_number += 1
                await _sim_write(session, urls["unified"], changed_values(changing, cycle_number))
                before = (counts.calls, counts.states, wakes.calls)
                cycle = await _metered(coordinator.async_refresh, hass)
                cycle.requests = counts.calls - before[0]
                cycle.states = counts.states - before[1]
                cycle.woken = wakes.calls - before[2]
                results[share].append(cycle)
        # Unloaded, not removed: removing 10,000 entities at once overruns Home
        # Assistant's own restored-state cleanup (more than 10,000 queued events).
        await hass.config_entries.async_unload(entry.entry_id)
    return results, heap_ms


async def _measure_floor(
    session: aiohttp.ClientSession,
    hass: HomeAssistant,
    server_type: str,
    urls: dict[str, str],
    size: int,
    cycles: int,
) -> list[Cycle]:
    """The same requests with bare aiohttp, decoding only."""
    if server_type == "unified":
        async with session.post(
            f"{urls['unified']}/graphql",
            json={
                "query": "mutation($u:String!,$p:String!){login(username:$u,password:$p){token}}",
                "variables": {"u": "operator", "p": "operator"},
            },
            ssl=False,
        ) as answer:
            token = (await answer.json())["data"]["login"]["token"]
        url = f"{urls['unified']}/graphql"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        names = [f"HMI_RT_1::{local_name(i)}" for i in range(1, size + 1)]
        bodies = [
            orjson.dumps({"query": TAG_VALUES, "variables": {"n": list(c)}})
            for c in chunked(names, CHUNK)
        ]
    else:
        url = f"{urls['classic']}/WinCCRestService/tagManagement/Values"
        headers = {
            "Authorization": aiohttp.encode_basic_auth("operator", "operator"),
            "Content-Type": "application/json",
        }
        names = [local_name(i) for i in range(1, size + 1)]
        bodies = [orjson.dumps({"variableNames": list(c)}) for c in chunked(names, CHUNK)]
    floor = []

    async def bare() -> None:
        await bare_reads(session, url, bodies, headers, context=False)

    for _ in range(cycles):
        cycle = await _metered(bare, hass)
        cycle.requests = len(bodies)
        floor.append(cycle)
    return floor


def _median(cycles: list[Cycle], pick: Callable[[Cycle], float]) -> float:
    return statistics.median(pick(c) for c in cycles)


def _print_size(
    server_type: str,
    size: int,
    results: dict[float, list[Cycle]],
    floor: list[Cycle],
    rss: float,
    heap_ms: float,
    *,
    where: bool,
) -> None:
    floor_busy = _median(floor, lambda c: c.busy_ms)
    floor_wall = _median(floor, lambda c: c.wall_ms)
    print(
        f"{server_type} {size} tags: floor wall {floor_wall:.1f} ms, busy {floor_busy:.1f} ms, "
        f"longest step {_median(floor, lambda c: c.longest_ms):.1f} ms; RSS {rss:.0f} MiB;"
        f" a full collection takes {heap_ms:.0f} ms"
    )
    for share, cycles in results.items():
        changed = round(size * share)
        busy = _median(cycles, lambda c: c.busy_ms)
        wall = _median(cycles, lambda c: c.wall_ms)
        print(
            f"  {share:>5.0%} changing: requests {_median(cycles, lambda c: c.requests):>3.0f}"
            f"  wall {wall:7.1f} ms (x{wall / floor_wall:4.1f})"
            f"  busy {busy:7.1f} ms (x{busy / floor_busy:4.1f})"
            f"  longest step {_median(cycles, lambda c: c.longest_ms):6.1f} ms"
            f" (max {max(c.longest_ms for c in cycles):6.1f})"
            f" ({_median(cycles, lambda c: c.longest_without_gc_ms):5.1f} without GC,"
            f" GC {_median(cycles, lambda c: c.gc_ms):5.1f} ms,"
            f" full {sum(c.full_collections for c in cycles)}/{len(cycles)} cycles)"
            f"  states {_median(cycles, lambda c: c.states):>5.0f}/{changed}"
            f"  woken {_median(cycles, lambda c: c.woken):>5.0f}"
        )
        if where:
            print(f"      longest step in: {max(cycles, key=lambda c: c.longest_ms).longest_in}")


async def run(
    cycles: int, sizes: list[int], server_types: list[str], *, where: bool = False
) -> None:
    """Start the simulator and Home Assistant; print every size and share."""
    state_dir = Path(tempfile.mkdtemp(prefix="wincc-cycle-"))
    certificate = ensure_certificate(state_dir)
    process, unified_port, classic_port = await start_simulator(
        state_dir, MAX_TAGS, "--frozen-clock"
    )
    urls = {
        "unified": f"https://127.0.0.1:{unified_port}",
        "classic": f"https://127.0.0.1:{classic_port}",
    }
    try:
        async with home_assistant() as hass, aiohttp.ClientSession() as session:
            print(f"a full collection of the core alone takes {full_collection_ms():.0f} ms")
            for server_type in server_types:
                for size in sizes:
                    results, heap_ms = await _measure_entry(
                        hass, session, server_type, urls, certificate.fingerprint, size, cycles
                    )
                    rss = rss_mib()
                    floor = await _measure_floor(session, hass, server_type, urls, size, cycles)
                    _print_size(server_type, size, results, floor, rss, heap_ms, where=where)
    finally:
        process.terminate()
        await process.wait()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=5, help="cycles per size and share")
    parser.add_argument("--sizes", default="100,1000,10000", help="tag counts, comma-separated")
    parser.add_argument("--types", default="unified,classic", help="server types, comma-separated")
    parser.add_argument("--where", action="store_true", help="say what ran in the longest step")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    asyncio.run(run(args.cycles, sizes, args.types.split(","), where=args.where))


if __name__ == "__main__":
    main()
