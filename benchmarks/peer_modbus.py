"""This integration beside a peer: Home Assistant's own Modbus integration, polling the
same number of values at the same interval, in the same harness.

The peer polls pymodbus's TCP server (its own process) for holding registers, read
as one sensor with ``virtual_count`` companions per 124 registers (the most one read
may ask for), so it sends as few requests as it can. This integration polls wincc-sim
(its own process, frozen clock) for as many synthetic tags. In both, another process
changes the same share of the values every interval. Each arm runs for some
intervals on Home Assistant's own timers; it prints, per poll cycle, requests, loop
busy time, the longest loop step and states written, and the loop time per value.

The peer needs Home Assistant's Modbus requirements:
``uv pip install -r requirements_bench.txt``.

Usage: .venv/bin/python -m benchmarks.peer_modbus [--interval 10] [--cycles 3]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
import sys
import tempfile

from homeassistant.components.modbus.modbus import ModbusHub
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from benchmarks.home_assistant import counted, home_assistant, load_entry
from benchmarks.loop_meter import metered_loop
from benchmarks.poll_cycle import tag_configs
from benchmarks.sim_process import free_port, listening, start_simulator
from custom_components.wincc.client.transport import HttpTransport
from custom_components.wincc.options import EntryOptions
from simulator.certificate import ensure_certificate

SIZES = (100, 1000, 10_000)
SHARES = (0.01, 1.0)
PER_READ = 124  # registers per Modbus read: one sensor and 123 virtual ones


@dataclass
class Figures:
    """One arm's measured stretch, per poll cycle."""

    requests: float
    busy_ms: float
    longest_ms: float
    states: float
    values: int
    gc_ms: float = 0.0
    full_collections: int = 0
    longest_without_gc_ms: float = 0.0
    longest_in: str = ""

    @property
    def busy_us_per_value(self) -> float:
        """Loop time per value polled."""
        return self.busy_ms * 1000 / self.values

    @property
    def busy_without_gc_us_per_value(self) -> float:
        """Loop time per value polled, garbage collection left out: a full collection
        walks the whole process's heap, and falls in whichever arm allocates when due."""
        return (self.busy_ms - self.gc_ms) * 1000 / self.values


@asynccontextmanager
async def _process(*command: str) -> AsyncIterator[None]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", *command, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        yield
    finally:
        process.terminate()
        await process.wait()


async def _stretch(hass: HomeAssistant, interval: float, cycles: int, values: int) -> Figures:
    """Meter the loop over ``cycles`` intervals, after one to settle."""
    await asyncio.sleep(interval)
    # Both arms name their entities <domain>.peer_...
    with (
        counted(
            hass,
            lambda entity_id: entity_id.partition(".")[2].startswith("peer_"),
            (HttpTransport, "request"),
            (ModbusHub, "async_pb_call"),
        ) as counts,
        metered_loop() as use,
    ):
        await asyncio.sleep(interval * cycles)
    return Figures(
        counts.calls / cycles,
        use.busy_ms / cycles,
        use.longest_ms,
        counts.states / cycles,
        values,
        use.gc_ms / cycles,
        use.full_collections,
        use.longest_without_gc_ms,
        use.longest_in,
    )


async def _modbus_arm(
    hass: HomeAssistant, size: int, changing: int, interval: float, cycles: int
) -> Figures:
    port = free_port()
    server = (
        "benchmarks.modbus_server",
        *("--port", str(port), "--registers", str(size)),
        *("--changing", str(changing), "--every", str(interval)),
    )
    sensors = [
        {
            "name": f"peer {first}",
            "address": first,
            "slave": 1,
            "data_type": "uint16",
            "scan_interval": int(interval),
            "virtual_count": min(PER_READ, size - first) - 1,
        }
        for first in range(0, size, PER_READ)
    ]
    async with _process(*server):
        await listening(port)
        config = {
            "modbus": [
                {
                    "name": f"peer{size}x{changing}",
                    "type": "tcp",
                    "host": "127.0.0.1",
                    "port": port,
                    "sensors": sensors,
                }
            ]
        }
        assert await async_setup_component(hass, "modbus", config)
        await hass.async_block_till_done()
        return await _stretch(hass, interval, cycles, size)


async def _wincc_arm(
    hass: HomeAssistant, size: int, changing: int, interval: float, cycles: int
) -> Figures:
    state_dir = Path(tempfile.mkdtemp(prefix="wincc-peer-"))
    certificate = ensure_certificate(state_dir)
    process, unified_port, _ = await start_simulator(state_dir, size, "--frozen-clock")
    base = f"https://127.0.0.1:{unified_port}"
    try:
        async with _process("benchmarks.sim_changer", base, str(changing), str(interval)):
            options = EntryOptions(scan_interval=int(interval), push=False, alarms=False)
            entry = await load_entry(
                hass,
                "unified",
                base,
                certificate.fingerprint,
                options.with_tags(tag_configs("unified", size)),
                "Peer",
            )
            figures = await _stretch(hass, interval, cycles, size)
            await hass.config_entries.async_unload(entry.entry_id)
    finally:
        process.terminate()
        await process.wait()
    return figures


def _row(name: str, figures: Figures) -> str:
    return (
        f"  {name:8} requests {figures.requests:6.1f}  busy {figures.busy_ms:8.1f} ms"
        f"  longest step {figures.longest_ms:6.1f} ms  states {figures.states:7.0f}"
        f"  loop per value {figures.busy_us_per_value:6.1f} us"
        f"\n           without GC {figures.busy_without_gc_us_per_value:6.1f} us per value;"
        f" GC {figures.gc_ms:.1f} ms per cycle, {figures.full_collections} full;"
        f" longest step without GC {figures.longest_without_gc_ms:.1f} ms,"
        f" in {figures.longest_in}"
    )


async def _one_arm(arm: str, size: int, changing: int, interval: float, cycles: int) -> None:
    """One arm in this process's own core; it prints its row."""
    measure = _wincc_arm if arm == "wincc" else _modbus_arm
    async with home_assistant() as hass:
        figures = await measure(hass, size, changing, interval, cycles)
    print(_row("WinCC" if arm == "wincc" else "Modbus", figures), flush=True)


async def run(interval: float, cycles: int, sizes: list[int]) -> None:
    """Both arms for every size and share, each in a process of its own."""
    print(f"per poll cycle, every {interval:g} s, {cycles} cycles metered", flush=True)
    for size in sizes:
        for share in SHARES:
            changing = round(size * share)
            print(f"{size} values, {share:.0%} changing ({changing})", flush=True)
            for arm in ("wincc", "modbus"):
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "benchmarks.peer_modbus",
                    *("--arm", arm, "--sizes", str(size), "--changing", str(changing)),
                    *("--interval", str(interval), "--cycles", str(cycles)),
                )
                await process.wait()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between polls")
    parser.add_argument("--cycles", type=int, default=3, help="poll cycles metered per arm")
    parser.add_argument("--sizes", default="100,1000,10000", help="value counts, comma-separated")
    parser.add_argument("--arm", choices=("wincc", "modbus"), help=argparse.SUPPRESS)
    parser.add_argument("--changing", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.arm:
        asyncio.run(_one_arm(args.arm, sizes[0], args.changing, args.interval, args.cycles))
    else:
        asyncio.run(run(args.interval, args.cycles, sizes))


if __name__ == "__main__":
    main()
