"""Latency from a change in WinCC to Home Assistant: push against polling.

Starts wincc-sim as a separate process (HTTPS, real clock) and a real Home Assistant
core with the integration, for WinCC Unified. For each mode it makes ``--changes``
value changes through the simulator's control endpoint and times each until the
entity's state changed, and as many alarm raises until the alarm event arrived. It
prints median and p99 of each, push and polling side by side. Polling runs at the
default interval (10 s for tags, 5 s for alarms), so its arm takes minutes.

Usage: .venv/bin/python -m benchmarks.push_latency [--changes 200] [--polling-changes 200]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import random
import statistics
import tempfile
import time
from typing import Any

import aiohttp
from homeassistant.core import Event, HomeAssistant, callback

from benchmarks.home_assistant import home_assistant, load_entry
from benchmarks.sim_process import start_simulator
from custom_components.wincc.client import DataKind
from custom_components.wincc.const import (
    EVENT_ALARM,
)
from custom_components.wincc.options import EntryOptions
from custom_components.wincc.tags import TagConfig
from simulator.certificate import ensure_certificate

# A setpoint: nothing but a write changes it, so each change is the benchmark's own.
SETPOINT = "HMI_RT_1::Boiler.Setpoint"
SETPOINT_ENTITY = "sensor.wincc_bench_bench_setpoint"
ALARM_INTERVAL_SECONDS = 5.0  # the default alarm polling interval
VALUE_INTERVAL_SECONDS = 10.0  # the default tag polling interval


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


async def _control(session: aiohttp.ClientSession, base: str, tag: str, *, value: Any) -> None:
    async with session.post(f"{base}/_sim/tags/{tag}", json={"value": value}, ssl=False) as r:
        r.raise_for_status()


async def _measure(
    hass: HomeAssistant, base: str, fingerprint: str, *, push: bool, changes: int
) -> tuple[list[float], list[float]]:
    """Value-change and alarm-raise latencies, in milliseconds, for one mode."""
    setpoint = TagConfig(SETPOINT, DataKind.FLOAT, "Bench setpoint")
    options = EntryOptions(push=push).with_tags({SETPOINT: setpoint})
    entry = await load_entry(hass, "unified", base, fingerprint, options, "WinCC bench")
    waiting: dict[str, asyncio.Future[float]] = {}

    @callback
    def on_state(event: Event) -> None:
        if event.data["entity_id"] == SETPOINT_ENTITY and (f := waiting.get("value")):
            new = event.data["new_state"]
            if new is not None and new.state == str(float(waiting_value[0])) and not f.done():
                f.set_result(time.perf_counter())

    @callback
    def on_alarm(event: Event) -> None:
        if event.data["transition"] == "raised" and (f := waiting.get("alarm")) and not f.done():
            f.set_result(time.perf_counter())

    waiting_value = [0.0]
    unsubscribe = [
        hass.bus.async_listen("state_changed", on_state),
        hass.bus.async_listen(EVENT_ALARM, on_alarm),
    ]
    if push:
        async with asyncio.timeout(30):
            while entry.runtime_data.coordinator.mode != "push":  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    values: list[float] = []
    alarms: list[float] = []
    rng = random.Random(7)
    async with aiohttp.ClientSession() as session:
        for index in range(changes):
            if not push:
                # Out of step with the polls, which the previous change lined up with.
                await asyncio.sleep(rng.uniform(0, VALUE_INTERVAL_SECONDS))
            waiting_value[0] = 40.0 + (index % 2) + index / 1000 + (0.5 if push else 0.25)
            waiting["value"] = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            await _control(session, base, "Boiler.Setpoint", value=waiting_value[0])
            values.append((await asyncio.wait_for(waiting["value"], 60) - started) * 1000)
            if not push:
                # Out of step with the polls, which the value change just lined up with.
                await asyncio.sleep(rng.uniform(0, ALARM_INTERVAL_SECONDS))
            waiting["alarm"] = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            await _control(session, base, "Pump1_Fault", value=True)
            alarms.append((await asyncio.wait_for(waiting["alarm"], 60) - started) * 1000)
            await _control(session, base, "Pump1_Fault", value=False)
    for stop in unsubscribe:
        stop()
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_remove(entry.entry_id)
    return values, alarms


async def run(changes: int, polling_changes: int) -> None:
    """Start the simulator and Home Assistant; print both modes side by side."""
    state_dir = Path(tempfile.mkdtemp(prefix="wincc-bench-"))
    certificate = ensure_certificate(state_dir)
    process, unified_port, _ = await start_simulator(state_dir, 0)
    base = f"https://127.0.0.1:{unified_port}"
    rows = []
    try:
        async with home_assistant() as hass:
            for push, count in ((True, changes), (False, polling_changes)):
                values, alarms = await _measure(
                    hass, base, certificate.fingerprint, push=push, changes=count
                )
                rows.append(("push" if push else "polling", count, values, alarms))
    finally:
        process.terminate()
        await process.wait()
    print(
        f"{'mode':8} {'changes':>7} {'value median':>13} {'value p99':>10} "
        f"{'alarm median':>13} {'alarm p99':>10}   (ms)"
    )
    for mode, count, values, alarms in rows:
        value_median, value_p99 = _percentiles(values)
        alarm_median, alarm_p99 = _percentiles(alarms)
        print(
            f"{mode:8} {count:7d} {value_median:13.1f} {value_p99:10.1f} "
            f"{alarm_median:13.1f} {alarm_p99:10.1f}"
        )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200, help="changes with push")
    parser.add_argument(
        "--polling-changes", type=int, default=200, help="changes with polling (slow)"
    )
    args = parser.parse_args()
    asyncio.run(run(args.changes, args.polling_changes))


if __name__ == "__main__":
    main()
