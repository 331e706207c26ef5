"""Polling against wincc-sim: updates, tolerated failures, outages, reauth, patterns."""

import asyncio
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.wincc.client import ServerBusyError, UnifiedClient
from custom_components.wincc.const import (
    OPT_ALARMS,
    OPT_PATTERNS,
    OPT_RETRY_AFTER_CAP,
    OPT_RULES,
    OPT_TAGS,
    OPT_TOLERATED_FAILURES,
    PATTERN_REFRESH,
)
from custom_components.wincc.coordinator import WAKE_SLICE
from custom_components.wincc.entity import WinCCTagEntity
from custom_components.wincc.tags import TagConfig
from simulator.description import TagDefinition
from simulator.runtime import RuntimeOptions
from simulator.tagtypes import DATA_TYPES
from tests.components.conftest import EntryFactory, setup_entry
from tests.conftest import SimHandle

LEVEL = "sensor.tank_1_level"
BATCH = "text.batch_name"


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 10) -> None:
    """Let one polling interval pass."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    # The coordinator refreshes in a background task that talks to a real server.
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_polling_follows_the_plant(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each interval reads the plant: a stopped pump lets the tank fill."""
    await setup_entry(hass, make_entry())
    assert hass.states.get(LEVEL).state == "50.0"  # type: ignore[union-attr]
    wincc_sim.write("Pump1_Command", False)
    wincc_sim.advance(60)
    await poll(hass, freezer)
    assert float(hass.states.get(LEVEL).state) == pytest.approx(80.0, abs=1)  # type: ignore[union-attr]
    assert hass.states.get("binary_sensor.pump_1_running").state == "off"  # type: ignore[union-attr]


async def test_outage_is_tolerated_then_reported_once_each_way(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two failed polls keep the last values; the third makes entities unavailable.
    The outage and the recovery are each logged once."""
    await setup_entry(hass, make_entry())
    wincc_sim.faults(error_rate=1.0)
    caplog.clear()
    for _ in range(2):
        await poll(hass, freezer)
        assert hass.states.get(LEVEL).state == "50.0"  # type: ignore[union-attr]
    for _ in range(3):
        await poll(hass, freezer)
        assert hass.states.get(LEVEL).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    errors = [
        r for r in caplog.records if r.levelno == logging.ERROR and r.name.endswith(".coordinator")
    ]
    assert len(errors) == 1
    assert "check the WinCC event log" in errors[0].getMessage()
    wincc_sim.faults(error_rate=0.0)
    for _ in range(2):
        await poll(hass, freezer)
    assert hass.states.get(LEVEL).state == "50.0"  # type: ignore[union-attr]
    recovered = [
        r
        for r in caplog.records
        if "recovered" in r.getMessage() and r.name.endswith(".coordinator")
    ]
    assert len(recovered) == 1


@pytest.mark.parametrize(
    ("retry_after", "cap", "honoured"), [(20, None, 20), (120, None, 30), (120, 60, 60)]
)
async def test_busy_server_hint_is_honoured_up_to_a_cap(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    retry_after: int,
    cap: int | None,
    honoured: int,
) -> None:
    """A 503 with Retry-After fails the poll with that hint for the next attempt, but a
    hint of minutes waits only the entry's cap (30 s unless set): a server back sooner
    is read again then."""
    options = {OPT_TOLERATED_FAILURES: 0} | ({} if cap is None else {OPT_RETRY_AFTER_CAP: cap})
    entry = make_entry(**options)
    await setup_entry(hass, entry)
    wincc_sim.faults(error_rate=1.0, error_status=503, retry_after=retry_after)
    await poll(hass, freezer)
    coordinator = entry.runtime_data.coordinator
    assert isinstance(coordinator.last_exception.__cause__, ServerBusyError)
    assert coordinator.last_exception.retry_after == honoured  # type: ignore[union-attr]
    assert hass.states.get(LEVEL).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    wincc_sim.faults(error_rate=0.0)  # back at once
    # Home Assistant schedules the retry on whole seconds of its loop clock, so it comes
    # up to a second early: two seconds either side of the hint.
    await poll(hass, freezer, honoured - 2)
    assert hass.states.get(LEVEL).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    await poll(hass, freezer, 4)
    assert hass.states.get(LEVEL).state != STATE_UNAVAILABLE  # type: ignore[union-attr]


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_password_changed_on_the_server_starts_reauth(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    server_type: str,
) -> None:
    """Not a dead entry: the next poll fails to log in, and reauth begins."""
    entry = make_entry(server_type)
    await setup_entry(hass, entry)
    wincc_sim.thread.call(lambda: wincc_sim.runtime.directory.set_password("operator", "changed"))
    wincc_sim.thread.call(wincc_sim.runtime.sessions.invalidate_all)
    await poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler("wincc")
    assert [f["context"]["source"] for f in flows] == ["reauth"]


async def test_only_changed_tags_wake_entities_and_write_states(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1,000 tags, 10 changed: one poll wakes 10 entities and writes 10 states, not
    1,000. All 1,000 changed: they are woken a slice per loop step."""
    woken: list[str] = []
    wake = WinCCTagEntity._handle_coordinator_update

    def counting(entity: WinCCTagEntity) -> None:
        woken.append(entity.tag.name)
        wake(entity)

    monkeypatch.setattr(WinCCTagEntity, "_handle_coordinator_update", counting)
    entry = make_entry(tags=["Tank1_Level"], **{OPT_ALARMS: False})
    extra = {
        f"HMI_RT_1::Extra_{i:05d}": TagConfig.from_options(
            {
                "name": f"HMI_RT_1::Extra_{i:05d}",
                "kind": ("float", "integer", "bool", "text")[(i + 3) % 4],
                "display_name": f"Extra {i}",
            }
        ).as_options()
        for i in range(1, 1001)
    }
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_TAGS: extra})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert len(hass.states.async_entity_ids()) == 1000 + 1  # the tags, and the update mode
    changed: list[Event] = []

    @callback
    def record(event: Event) -> None:
        changed.append(event)

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    await poll(hass, freezer)
    assert (changed, woken) == ([], [])  # nothing moved on a frozen plant
    coordinator = entry.runtime_data.coordinator
    before = dict(coordinator.data)
    for i in range(1, 11):
        wincc_sim.write(f"Extra_{i * 4:05d}", 1234.5)  # Real tags
    await poll(hass, freezer)
    assert len(changed) == 10
    expected = [f"HMI_RT_1::Extra_{i * 4:05d}" for i in range(1, 11)]
    assert sorted(woken) == expected
    # Only the changed rows were parsed anew: the rest are the very values of the last poll.
    assert sorted(n for n, value in coordinator.data.items() if value is not before[n]) == expected
    woken.clear()
    changed.clear()
    wincc_sim.faults(paused=True)  # availability changes: every entity hears of it
    for _ in range(3):  # beyond the tolerated failures
        await coordinator.async_refresh()
        await hass.async_block_till_done()
    assert len(woken) == 1000
    assert hass.states.get("sensor.extra_4").state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    wincc_sim.faults(paused=False)
    woken.clear()
    await coordinator.async_refresh()
    assert woken == []  # more than a slice: the first comes in a loop step of its own
    await asyncio.sleep(0)
    assert len(woken) == WAKE_SLICE  # the rest wait for the next loop steps
    await hass.async_block_till_done()
    assert len(woken) == 1000
    assert hass.states.get("sensor.extra_4").state == "1234.5"  # type: ignore[union-attr]


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """The demo plant plus 1,000 synthetic tags."""
    return RuntimeOptions(extra_tags=1000)


async def test_quality_and_errors_decide_availability(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """BAD quality is unavailable; UNCERTAIN stays available and says so."""
    await setup_entry(hass, make_entry())
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Tank1_Level", 0x48))
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Batch_Name", 0x08))
    await poll(hass, freezer)
    level = hass.states.get(LEVEL)
    assert level is not None
    assert level.state == "50.0"
    assert level.attributes["quality"] == "uncertain"
    assert level.attributes["quality_code"] == "UNCERTAIN"
    assert hass.states.get(BATCH).state == STATE_UNAVAILABLE  # type: ignore[union-attr]


async def test_a_tag_deleted_on_the_server_is_unavailable(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A tag the server no longer knows fails alone."""
    entry = make_entry(tags=["Tank1_Level"])
    gone = TagConfig.from_options(
        {"name": "HMI_RT_1::Gone", "kind": "float", "display_name": "Gone"}
    )
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            OPT_TAGS: {**entry.options[OPT_TAGS], gone.name: gone.as_options()},
        },
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.wincc_unified_gone").state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert hass.states.get(LEVEL).state == "50.0"  # type: ignore[union-attr]


async def test_followed_pattern_picks_up_a_new_tag(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A tag added on the server later becomes an entity, and is stored, with what the
    rules by pattern give it."""
    rule = {"pattern": "*Speed", "unit_override": "rpm", "minimum": 0.0}
    entry = make_entry(tags=["Tank1_Level"], **{OPT_PATTERNS: ["Mixer*"], OPT_RULES: [rule]})
    await setup_entry(hass, entry)
    definition = TagDefinition(
        name="Mixer_Speed",
        data_type=DATA_TYPES["Real"],
        initial=3.5,
        connection="PLC_Line",
        group="Line",
        display={"en-US": "Mixer speed"},
    )
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.add_tag(definition))
    await poll(hass, freezer)
    assert hass.states.get("sensor.mixer_speed") is None  # not browsed again yet
    await poll(hass, freezer, PATTERN_REFRESH.total_seconds())
    await poll(hass, freezer)
    state = hass.states.get("sensor.mixer_speed")
    assert state is not None
    assert state.state == "3.5"
    assert state.attributes["unit_of_measurement"] == "rpm"
    stored = entry.options[OPT_TAGS]["HMI_RT_1::Mixer_Speed"]
    assert (stored["unit_override"], stored["minimum"]) == ("rpm", 0.0)


async def test_pattern_browse_failure_does_not_fail_the_poll(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """If browsing a pattern fails, values are still read; the pattern is tried later."""
    entry = make_entry(tags=["Tank1_Level"], **{OPT_PATTERNS: ["Mixer*"]})
    with pytest.MonkeyPatch.context() as patch:
        await setup_entry(hass, entry)
        coordinator = entry.runtime_data.coordinator

        async def broken_browse(_pattern: str) -> list[object]:
            raise ServerBusyError("busy")

        patch.setattr(coordinator.client, "browse", broken_browse)
        await poll(hass, freezer, PATTERN_REFRESH.total_seconds())
    assert hass.states.get(LEVEL).state == "50.0"  # type: ignore[union-attr]


async def test_setup_retries_while_the_runtime_is_stopped(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A stopped runtime at start-up: not ready, retried later."""
    wincc_sim.faults(paused=True)
    entry = make_entry()
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_fails_when_the_certificate_changed(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A certificate that no longer matches the pin is an error that needs the user."""
    entry = make_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "tls_fingerprint": "AB" * 32})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert "different certificate" in str(entry.reason)


async def test_first_read_failing_closes_the_client(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Login works but the first read fails: retried later, the session is not leaked."""
    entry = make_entry()
    entry.add_to_hass(hass)

    async def failing_read(self: UnifiedClient, names: object) -> dict[str, object]:
        raise ServerBusyError("busy")

    # Only a read that fails right after a good login: the simulator cannot time that.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(UnifiedClient, "read", failing_read)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    operator = wincc_sim.runtime.directory.authenticate("operator", "operator")
    assert operator is not None
    assert wincc_sim.thread.call(lambda: wincc_sim.runtime.sessions.of_user(operator)) == []


async def test_update_entity_reads_the_server_now(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """The ``homeassistant.update_entity`` action reads at once, between polls."""
    assert await async_setup_component(hass, "homeassistant", {})
    await setup_entry(hass, make_entry())
    wincc_sim.write("Tank1_Level", 42.0)
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": LEVEL}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(LEVEL).state == "42.0"  # type: ignore[union-attr]


async def test_polling_goes_on_without_the_update_mode_sensor(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Tag entities listen per tag; with the update-mode sensor disabled, nothing else
    listens to the coordinator, and it must poll all the same."""
    entry = make_entry(**{OPT_ALARMS: False})
    entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor",
        "wincc",
        f"{entry.entry_id}_update_mode",
        config_entry=entry,
        disabled_by=er.RegistryEntryDisabler.USER,
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.wincc_unified_update_mode") is None
    wincc_sim.write("Tank1_Level", 33.0)
    await poll(hass, freezer)
    assert hass.states.get(LEVEL).state == "33.0"  # type: ignore[union-attr]
    coordinator = entry.runtime_data.coordinator
    await hass.config_entries.async_unload(entry.entry_id)
    # Its own listener went with the last tag entity.
    assert coordinator._listeners == {}
