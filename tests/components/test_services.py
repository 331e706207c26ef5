"""The acknowledge action against wincc-sim: by name, by instance, by filter, and its errors."""

import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import User
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc import logbook
from custom_components.wincc.const import DOMAIN, EVENT_ACKNOWLEDGED, OPT_ALARMS, OPT_READ_ONLY
from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_event import poll_alarms
from tests.conftest import SimHandle


async def acknowledge(
    hass: HomeAssistant, entry: MockConfigEntry, *, response: bool = False, **data: Any
) -> Any:
    """Call wincc.acknowledge_alarm."""
    return await hass.services.async_call(
        DOMAIN,
        "acknowledge_alarm",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=response,
    )


def simulator_state(sim: SimHandle, alarm: str) -> list[tuple[int, str]]:
    """The simulator's own view of an alarm's instances."""
    return sorted(
        (i.instance_id, str(i.state))
        for i in sim.thread.call(lambda: list(sim.runtime.plant.alarms.active.values()))
        if i.definition.name == alarm
    )


async def test_acknowledge_by_name_changes_everything(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    caplog: pytest.LogCaptureFixture,
    hass_admin_user: User,
) -> None:
    """The simulator, the sensors and the event entity all see the acknowledgment."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    await entry.runtime_data.alarms.async_refresh()  # type: ignore[union-attr]
    await hass.async_block_till_done()
    assert hass.states.get("sensor.wincc_unified_unacknowledged_alarms").state == "1"  # type: ignore[union-attr]
    caplog.set_level(logging.INFO)
    await hass.services.async_call(
        DOMAIN,
        "acknowledge_alarm",
        {"config_entry_id": entry.entry_id, "alarms": ["HMI_RT_1::Pump1_Fault"]},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED_ACKNOWLEDGED")]
    assert hass.states.get("sensor.wincc_unified_unacknowledged_alarms").state == "0"  # type: ignore[union-attr]
    assert hass.states.get("event.wincc_unified_alarms").attributes["event_type"] == "acknowledged"  # type: ignore[union-attr]
    assert (
        f"{hass_admin_user.name} acknowledged alarm HMI_RT_1::Pump1_Fault (instance 1)"
        in caplog.text
    )


async def test_acknowledge_by_instance_with_response(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Only the named instance is acknowledged; the results say so per alarm."""
    entry = make_entry()
    await setup_entry(hass, entry)
    for _ in range(2):
        wincc_sim.write("Pump1_Fault", True)
        wincc_sim.write("Pump1_Fault", False)
    response = await acknowledge(
        hass,
        entry,
        response=True,
        alarms=[{"name": "HMI_RT_1::Pump1_Fault", "instance_id": 2}, "HMI_RT_1::Nope"],
    )
    assert response == {
        "results": [
            {
                "name": "HMI_RT_1::Pump1_Fault",
                "instance_id": 2,
                "acknowledged": True,
                "error": None,
            },
            {
                "name": "HMI_RT_1::Nope",
                "instance_id": 0,
                "acknowledged": False,
                "error": {"code": "2", "description": "Cannot resolve provided name"},
            },
        ]
    }
    assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED_CLEARED")]


async def test_acknowledge_all_matching_a_filter(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """All unacknowledged alarms of at least a priority, and of a class."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Tank1_InletValve", False)
    wincc_sim.advance(200)  # tank 1 low: priority 8, Warning, optional acknowledgment
    wincc_sim.write("Pump1_Fault", True)  # priority 14
    wincc_sim.write("Boiler.Setpoint", 95)
    wincc_sim.advance(60)  # boiler over-temperature: priority 16
    await poll_alarms(hass, freezer)
    response = await acknowledge(
        hass, entry, response=True, all_unacknowledged=True, min_priority=15
    )
    assert [r["name"] for r in response["results"]] == ["HMI_RT_1::Boiler_OverTemperature"]
    response = await acknowledge(
        hass, entry, response=True, all_unacknowledged=True, alarm_class="Alarm"
    )
    assert [r["name"] for r in response["results"]] == ["HMI_RT_1::Pump1_Fault"]
    assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED_ACKNOWLEDGED")]
    assert simulator_state(wincc_sim, "Tank1_Level_Low") == [(1, "RAISED")]  # optional: not waiting
    await poll_alarms(hass, freezer)
    assert await acknowledge(hass, entry, response=True, all_unacknowledged=True) == {"results": []}


@pytest.mark.parametrize(
    ("setup", "data", "key"),
    [
        (lambda sim: None, {"alarms": ["HMI_RT_1::Nope"]}, "unknown_alarm"),
        (lambda sim: None, {"alarms": ["HMI_RT_1::Pump1_Fault"]}, "not_acknowledgeable"),
    ],
)
async def test_refusals_without_response_raise(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    setup: Any,
    data: dict[str, Any],
    key: str,
) -> None:
    """Unknown alarms and alarms not in an acknowledgeable state (305) raise, translated."""
    entry = make_entry()
    await setup_entry(hass, entry)
    with pytest.raises(HomeAssistantError) as err:
        await acknowledge(hass, entry, **data)
    assert err.value.translation_key == key


async def test_other_refusals(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A user without the acknowledge right: WinCC's own refusal, translated."""
    entry = make_entry(user="viewer")
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    with pytest.raises(HomeAssistantError) as err:
        await acknowledge(hass, entry, alarms=["HMI_RT_1::Pump1_Fault"])
    assert err.value.translation_key == "alarm_action_refused"


async def test_classic_cannot_acknowledge(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """The classic REST service: a clear "not supported by this server"."""
    entry = make_entry("classic")
    await setup_entry(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await acknowledge(hass, entry, alarms=["Pump1_Fault"])
    assert err.value.translation_key == "acknowledge_unsupported"


@pytest.mark.parametrize(
    ("options", "data", "key"),
    [
        ({OPT_READ_ONLY: True}, {"alarms": ["HMI_RT_1::Pump1_Fault"]}, "read_only_alarms"),
        ({}, {}, "nothing_to_acknowledge"),
        ({OPT_ALARMS: False}, {"all_unacknowledged": True}, "alarms_disabled"),
    ],
)
async def test_invalid_calls(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    options: dict[str, Any],
    data: dict[str, Any],
    key: str,
) -> None:
    """Read-only mode, nothing named, and alarms switched off are refused; nothing changes."""
    wincc_sim.write("Pump1_Fault", True)
    entry = make_entry(**options)
    await setup_entry(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await acknowledge(hass, entry, **data)
    assert err.value.translation_key == key
    assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED")]


async def test_wrong_or_unloaded_entry(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """An unknown entry, another integration's entry, or an unloaded one."""
    entry = make_entry()
    await setup_entry(hass, entry)
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    for entry_id, key in (("nope", "entry_not_found"), (other.entry_id, "entry_not_found")):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN,
                "acknowledge_alarm",
                {"config_entry_id": entry_id, "alarms": ["A"]},
                blocking=True,
            )
        assert err.value.translation_key == key
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await acknowledge(hass, entry, alarms=["A"])
    assert err.value.translation_key == "entry_not_loaded"


async def test_server_failure(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A stopped runtime during the call is a translated failure."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.faults(paused=True)
    with pytest.raises(HomeAssistantError) as err:
        await acknowledge(hass, entry, alarms=["HMI_RT_1::Pump1_Fault"])
    assert err.value.translation_key == "server_busy"


async def test_target_by_device(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Any device of the server identifies it; other devices and no target are refused."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    devices = dr.async_get(hass)
    boiler = next(
        d for d in dr.async_entries_for_config_entry(devices, entry.entry_id) if d.name == "Boiler"
    )
    await hass.services.async_call(
        DOMAIN,
        "acknowledge_alarm",
        {"device_id": boiler.id, "alarms": ["HMI_RT_1::Pump1_Fault"]},
        blocking=True,
    )
    assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED_ACKNOWLEDGED")]
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    foreign = devices.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}
    )
    for data, key in (
        ({"device_id": foreign.id}, "device_not_found"),
        ({"device_id": "nope"}, "device_not_found"),
        ({}, "no_target"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, "acknowledge_alarm", {**data, "alarms": ["A"]}, blocking=True
            )
        assert err.value.translation_key == key


async def test_acknowledgment_reaches_the_logbook_with_its_user(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle, hass_admin_user: User
) -> None:
    """The acknowledgment event carries the caller's context and reads as words."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    seen: list[Event] = []
    hass.bus.async_listen(EVENT_ACKNOWLEDGED, callback(lambda event: seen.append(event)))
    context = Context(user_id=hass_admin_user.id)
    await hass.services.async_call(
        DOMAIN,
        "acknowledge_alarm",
        {"config_entry_id": entry.entry_id, "alarms": ["HMI_RT_1::Pump1_Fault"]},
        blocking=True,
        context=context,
    )
    await hass.async_block_till_done()
    (event,) = seen
    assert event.context.user_id == hass_admin_user.id
    assert (
        logbook.describe_acknowledgment(event)["message"]
        == "acknowledged HMI_RT_1::Pump1_Fault (instance 1) on WinCC unified"
    )
