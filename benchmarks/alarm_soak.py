"""Seeded faults for a bounded time: is every alarm transition delivered once?

Runs wincc-sim (real clock, its own thread and loop) and a real Home Assistant core
with three entries: WinCC Unified (push), the classic REST service (polling) and the
WinCC OA GraphQL example (values pushed, alerts read from the alert archive). A seeded
driver raises, clears and acknowledges alarms, restarts the runtime now and then, and
switches faults on and off: dropped connections, 500 and 503 answers, malformed
answers, a paused runtime, cut WebSockets and ended sessions. Afterwards it compares,
per server, the transitions in the simulator's own journal with the events Home
Assistant fired, and prints expected, delivered, lost, invented and duplicated.
WinCC OA names an alert by its handler and counts it by its entry: its events are
matched to the journal by the alarm the handler is and the raise time. OA knows no
removal, and every alert that ends goes: a restart, or an information alarm leaving,
ends an alert that had not gone by its "went" entry (a clearing).

Meanwhile it sets a writable setpoint on each server through Home Assistant's
``number.set_value``, faults and all. A write is confirmed when the service call
returned; each confirmed write must then be the setpoint's value in the simulator.
It prints writes attempted, skipped (the entity was unavailable, so Home Assistant
called no integration and only logged a warning), failed (the call raised) and
confirmed, and how many confirmed writes the server did not hold ("unconfirmed":
must be 0).

Usage: .venv/bin/python -m benchmarks.alarm_soak [--minutes 3] [--seed 1] [--details]
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
import random
import tempfile
import time
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er

from benchmarks.home_assistant import home_assistant, load_entry
from custom_components.wincc.client import DataKind
from custom_components.wincc.const import EVENT_ALARM
from custom_components.wincc.identity import entity_unique_id
from custom_components.wincc.options import EntryOptions
from custom_components.wincc.tags import TagConfig
from simulator.alarms import NO_CLEAR_EVENT, AlarmState, JournalEntry, Reason
from simulator.certificate import ensure_certificate
from simulator.clock import Clock
from simulator.oa_alerts import OaAlerts
from simulator.oa_project import OaProject, dpe_of
from simulator.runtime import Runtime, RuntimeOptions
from simulator.server import Simulator, SimulatorThread

type Key = tuple[str, int, str, str]  # alarm, instance, raise time, transition
# Only the soak writes it; the plant never changes it by itself.
SETPOINT = "Oven_Setpoint"

FAULTS: list[dict[str, Any]] = [
    {"drop_rate": 0.3},
    {"error_rate": 0.3, "error_status": 500},
    {"error_rate": 0.3, "error_status": 503},
    {"malformed_rate": 0.3},
    {"paused": True},
    {"websocket_down": True},
]
CLEAR = {
    "drop_rate": 0.0,
    "error_rate": 0.0,
    "malformed_rate": 0.0,
    "paused": False,
    "websocket_down": False,
}


def _moment(value: datetime | str | None) -> str:
    """A time as the APIs give it: UTC, to the millisecond."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.isoformat(timespec="milliseconds")


def expected_transition(entry: JournalEntry) -> str | None:
    """What a journal entry means as an alarm transition, from the simulator's view."""
    instance = entry.instance
    reason = instance.change_reason
    if entry.reason is Reason.ADDED:
        return "raised"
    if instance.state is AlarmState.REMOVED:
        return "removed"
    if reason.endswith("RESET_EVENT"):
        return "reset"
    if reason.endswith("ACKNOWLEDGE_EVENT"):
        return "acknowledged"
    if reason.endswith("CLEAR_EVENT"):
        # An information alarm has no clear event: it just leaves.
        return None if instance.definition.state_machine in NO_CLEAR_EVENT else "cleared"
    return None


def expected_oa_transition(entry: JournalEntry) -> str | None:
    """The same, as WinCC OA's alert archive shows it (wincc-sim's OA face)."""
    transition = expected_transition(entry)
    instance = entry.instance
    if transition == "removed":  # it goes, unless it had gone already
        return "cleared" if instance.clear_time is None else None
    if transition is None and instance.change_reason.endswith("CLEAR_EVENT"):
        return "cleared"  # an information alarm that left goes too
    return transition


def _drive(runtime: Runtime, rng: random.Random) -> str:
    """One action of an operator or of the plant, on the simulator's loop."""
    plant = runtime.plant
    action = rng.choice(["fault", "fault", "conveyor", "ack", "ack", "restart"])
    if action == "fault":
        plant.write("Pump1_Fault", not plant.read("Pump1_Fault").value)
    elif action == "conveyor":
        plant.write("Conveyor_Running", not plant.read("Conveyor_Running").value)
    elif action == "ack" and plant.alarms.active:
        instance = rng.choice(list(plant.alarms.active.values()))
        plant.alarms.acknowledge(instance.definition.name, instance.instance_id, plant.time, "op")
    elif action == "restart" and rng.random() < 0.2:
        runtime.restart()
    return action


@dataclass
class Writes:
    """What the soak wrote to one server, and what came of it."""

    attempted: int = 0
    # The entity was unavailable: Home Assistant called no integration, and only logged.
    skipped: int = 0
    failed: int = 0
    confirmed: int = 0
    unconfirmed: int = 0  # reported done, but the server does not hold the value
    # Each unconfirmed write: the value written, the value the server held after it.
    mismatches: list[tuple[float, object]] = field(default_factory=list)


def _setpoint_options(server_type: str) -> EntryOptions:
    name = {"unified": f"HMI_RT_1::{SETPOINT}", "oa_graphql": dpe_of(SETPOINT)}.get(
        server_type, SETPOINT
    )
    tag = TagConfig(name, DataKind.FLOAT, "Oven setpoint").with_writable(writable=True)
    return EntryOptions(push=server_type != "classic").with_tags({name: tag})


@dataclass
class SoakEntry:
    """One server's entry in the soak."""

    server_type: str
    setpoint: str  # the number entity
    reached: AsyncMock  # wraps the entry's write: a call Home Assistant skipped shows
    writes: Writes = field(default_factory=Writes)


async def _load(
    hass: HomeAssistant, server_type: str, url: str, fingerprint: str, stack: ExitStack
) -> tuple[str, SoakEntry]:
    """An entry with a writable setpoint, by its entry ID."""
    entry = await load_entry(
        hass, server_type, url, fingerprint, _setpoint_options(server_type), f"Soak {server_type}"
    )
    unique_id = entity_unique_id(entry, next(iter(entry.options["tags"])))
    setpoint = er.async_get(hass).async_get_entity_id("number", "wincc", unique_id)
    assert setpoint is not None
    coordinator = entry.runtime_data.coordinator
    reached = stack.enter_context(
        patch.object(coordinator, "async_write", wraps=coordinator.async_write)
    )
    return entry.entry_id, SoakEntry(server_type, setpoint, reached)


async def _write(
    hass: HomeAssistant, soak: SoakEntry, value: float, held: Callable[[], object]
) -> None:
    """Set the setpoint through Home Assistant; a confirmed write must hold."""
    writes = soak.writes
    writes.attempted += 1
    calls = soak.reached.await_count
    try:
        await hass.services.async_call(
            "number", "set_value", {"entity_id": soak.setpoint, "value": value}, blocking=True
        )
    except HomeAssistantError:
        writes.failed += 1
        return
    if soak.reached.await_count == calls:
        writes.skipped += 1
        return
    writes.confirmed += 1
    if (holding := held()) != value:
        writes.unconfirmed += 1
        writes.mismatches.append((value, holding))


def _step(runtime: Runtime, thread: SimulatorThread, rng: random.Random) -> list[str]:
    """Faults on or off, now and then ended sessions, and one action at the plant."""
    done = []
    if rng.random() < 0.15:
        fault = rng.choice(FAULTS)
        thread.call(lambda: runtime.faults.update(fault))
        done.append("fault on")
    elif rng.random() < 0.3:
        thread.call(lambda: runtime.faults.update(CLEAR))
    if rng.random() < 0.03:
        thread.call(runtime.sessions.invalidate_all)
        done.append("sessions ended")
    done.append(thread.call(lambda: _drive(runtime, rng)))
    return done


async def run(minutes: float, seed: int, details: bool = False) -> None:
    """Soak both servers and print the comparison."""
    rng = random.Random(seed)
    state_dir = Path(tempfile.mkdtemp(prefix="wincc-soak-"))
    certificate = ensure_certificate(state_dir)
    runtime = Runtime(Clock(), RuntimeOptions(seed=seed))
    thread = SimulatorThread(
        Simulator(
            runtime,
            unified_port=0,
            classic_port=0,
            oa_reporting_port=0,
            oa_graphql_port=0,
            ssl_context=certificate.server_context(),
        )
    )
    endpoints = thread.start()
    delivered: dict[str, list[Key]] = {"unified": [], "classic": [], "oa_graphql": []}
    urls = {
        "unified": endpoints.unified_url,
        "classic": endpoints.classic_url.removesuffix("/WinCCRestService"),
        "oa_graphql": endpoints.oa_graphql_url,
    }
    alerts = OaAlerts(OaProject(runtime.plant))
    alarm_of_handler = {
        alerts.handler(d).removesuffix("."): name
        for name, d in runtime.plant.alarms.definitions.items()
    }

    def held() -> object:
        return thread.call(lambda: runtime.plant.read(SETPOINT).value)

    try:
        async with home_assistant() as hass:
            with ExitStack() as stack:
                entries = dict(
                    [
                        await _load(hass, server, url, certificate.fingerprint, stack)
                        for server, url in urls.items()
                    ]
                )

                @callback
                def record(event: Event) -> None:
                    data = event.data
                    name = str(data["name"]).rpartition("::")[2]
                    delivered[entries[data["config_entry_id"]].server_type].append(
                        (
                            alarm_of_handler.get(name, name),
                            int(data["instance_id"]),
                            _moment(data["raise_time"]),
                            str(data["transition"]),
                        )
                    )

                hass.bus.async_listen(EVENT_ALARM, record)
                start = thread.call(lambda: runtime.plant.alarms.sequence)
                deadline = time.monotonic() + minutes * 60
                actions: Counter[str] = Counter()
                while time.monotonic() < deadline:
                    actions.update(_step(runtime, thread, rng))
                    if rng.random() < 0.3:
                        value = round(rng.uniform(100, 240), 1)
                        for soak in entries.values():
                            await _write(hass, soak, value, held)
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                thread.call(lambda: runtime.faults.update(CLEAR))
                await asyncio.sleep(30)  # polls, log reads and reconnects catch up
                journal = thread.call(lambda: runtime.plant.alarms.entries_after(start))
                for entry_id in entries:
                    await hass.config_entries.async_unload(entry_id)
    finally:
        thread.stop()
    writes = {soak.server_type: soak.writes for soak in entries.values()}
    _report(minutes, seed, actions, journal, delivered, writes, details)


def _report(
    minutes: float,
    seed: int,
    actions: Counter[str],
    journal: list[JournalEntry],
    delivered: dict[str, list[Key]],
    writes: dict[str, Writes],
    details: bool,
) -> None:
    """Expected (the simulator's journal) against delivered (Home Assistant's events)."""
    instance_ids = {
        (item.instance.definition.name, _moment(item.instance.raise_time)): (
            item.instance.instance_id
        )
        for item in journal
    }
    print(f"soak: {minutes} min, seed {seed}; actions {dict(actions)}")
    print(
        f"{'server':10} {'expected':>8} {'delivered':>9} {'lost':>5} {'invented':>8} {'dup':>4}"
        f"   {'writes':>6} {'skipped':>7} {'failed':>6} {'confirmed':>9} {'unconfirmed':>11}"
    )
    for server, told in delivered.items():
        oa = server == "oa_graphql"
        expected = _expected(journal, expected_oa_transition if oa else expected_transition)
        # An alert's count is not the instance ID: the raise time tells which.
        events = (
            [
                (name, instance_ids.get((name, raised), -1), raised, transition)
                for name, _count, raised, transition in told
            ]
            if oa
            else told
        )
        got = Counter(events)
        lost = sum(max(0, n - got[key]) for key, n in expected.items())
        invented = sum(n for key, n in got.items() if key not in expected)
        duplicated = sum(max(0, n - expected[key]) for key, n in got.items() if key in expected)
        wrote = writes[server]
        print(
            f"{server:10} {sum(expected.values()):8d} {len(events):9d} {lost:5d} "
            f"{invented:8d} {duplicated:4d}   {wrote.attempted:6d} {wrote.skipped:7d} "
            f"{wrote.failed:6d} "
            f"{wrote.confirmed:9d} {wrote.unconfirmed:11d}"
        )
        if details:
            for key, n in sorted(expected.items()):
                if got[key] != n:
                    print(f"    {key}: expected {n}, delivered {got[key]}")
            for key in sorted(got.keys() - expected.keys()):
                print(f"    {key}: expected 0, delivered {got[key]}")
            for value, holding in wrote.mismatches:
                print(f"    write of {value} reported done; the server held {holding}")


def _expected(
    journal: list[JournalEntry], transition_of: Callable[[JournalEntry], str | None]
) -> Counter[Key]:
    expected: Counter[Key] = Counter()
    for item in journal:
        transition = transition_of(item)
        if transition is not None:
            instance = item.instance
            name, raised = instance.definition.name, _moment(instance.raise_time)
            expected[(name, instance.instance_id, raised, transition)] += 1
    return expected


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--details", action="store_true", help="list each mismatched transition")
    args = parser.parse_args()
    asyncio.run(run(args.minutes, args.seed, args.details))


if __name__ == "__main__":
    main()
