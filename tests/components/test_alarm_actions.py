"""Shelving, unshelving, disabling and enabling alarms: the actions, and the alarm
stream's silence about shelved alarms, pushed and polled."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc.const import DOMAIN, OPT_PUSH, OPT_READ_ONLY
from tests.components.conftest import EntryFactory, setup_entry, summary
from tests.components.test_event import poll_alarms
from tests.components.test_push import MODE, state, until
from tests.conftest import SimHandle

PUMP = "HMI_RT_1::Pump1_Fault"
ACTIVE = "sensor.wincc_unified_active_alarms"
UNACKNOWLEDGED = "sensor.wincc_unified_unacknowledged_alarms"


async def act(
    hass: HomeAssistant, entry: MockConfigEntry, action: str, *, response: bool = False, **data: Any
) -> Any:
    """Call ``wincc.<action>_alarm`` on the entry."""
    return await hass.services.async_call(
        DOMAIN,
        f"{action}_alarm",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=response,
    )


def suppression(sim: SimHandle) -> list[str]:
    """The simulator's suppression state of each active Pump1_Fault instance."""
    return [
        i.suppression
        for i in sim.thread.call(lambda: list(sim.runtime.plant.alarms.active.values()))
        if i.definition.name == "Pump1_Fault"
    ]


def attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    """An attribute of an entity's state."""
    current = hass.states.get(entity_id)
    assert current is not None
    return current.attributes[name]


async def test_a_shelved_alarm_is_quiet_until_unshelved_pushed(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    alarm_events: list[dict[str, Any]],
) -> None:
    """Pushed: one ``shelved``, nothing while shelved (its clearing is never reported),
    one ``unshelved``, then its steps again; the counts leave it out meanwhile."""
    entry = make_entry(**{OPT_PUSH: True})
    await setup_entry(hass, entry)
    await until(hass, lambda: state(hass, MODE) == "push")
    wincc_sim.write("Pump1_Fault", True)
    await until(hass, lambda: len(alarm_events) == 1)
    await act(hass, entry, "shelve", alarms=[PUMP], duration={"hours": 1})
    await until(hass, lambda: len(alarm_events) == 2)
    assert suppression(wincc_sim) == ["SHELVED"]
    assert (state(hass, ACTIVE), state(hass, UNACKNOWLEDGED)) == ("0", "0")
    active = hass.states.get(ACTIVE)
    assert active is not None
    assert "state_class" not in active.attributes  # a count, not an aggregated line
    assert [a["name"] for a in attribute(hass, ACTIVE, "shelved")] == [PUMP]
    assert attribute(hass, ACTIVE, "alarms") == []
    wincc_sim.write("Pump1_Fault", False)  # cleared while shelved
    wincc_sim.advance(1)
    await act(hass, entry, "unshelve", alarms=[PUMP])
    await until(hass, lambda: len(alarm_events) == 3)
    assert (state(hass, ACTIVE), state(hass, UNACKNOWLEDGED)) == ("1", "1")
    assert attribute(hass, ACTIVE, "shelved") == []
    await hass.services.async_call(
        DOMAIN, "acknowledge_alarm", {"config_entry_id": entry.entry_id, "alarms": [PUMP]}
    )
    await until(hass, lambda: len(alarm_events) == 4)
    assert summary(alarm_events) == [
        ("raised", PUMP, 1),
        ("shelved", PUMP, 1),
        ("unshelved", PUMP, 1),
        ("acknowledged", PUMP, 1),
    ]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_shelved_alarm_is_quiet_until_its_shelving_ends_polled(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """Polled, through the alarm log: the same silence; the runtime ends the shelving
    after its time, and that is the ``unshelved``."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    result = await act(hass, entry, "shelve", response=True, alarms=[PUMP], duration={"minutes": 5})
    assert result == {"results": [{"name": PUMP, "instance_id": 0, "done": True, "error": None}]}
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.advance(10)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", PUMP, 1), ("shelved", PUMP, 1)]
    wincc_sim.advance(300)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", PUMP, 1),
        ("shelved", PUMP, 1),
        ("unshelved", PUMP, 1),
    ]
    assert suppression(wincc_sim) == ["UNSUPPRESSED"]
    assert state(hass, UNACKNOWLEDGED) == "1"


async def test_disabling_removes_and_enabling_raises_again(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """A disabled alarm's instance is ``removed`` by WinCC; enabled while its cause
    holds, a new instance is raised. A device of the server is a target too."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    await act(hass, entry, "disable", alarms=[PUMP])
    await poll_alarms(hass, freezer)
    device = next(iter(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)))
    await hass.services.async_call(
        DOMAIN, "enable_alarm", {"device_id": device.id, "alarms": [PUMP]}, blocking=True
    )
    wincc_sim.advance(1)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", PUMP, 1),
        ("removed", PUMP, 1),
        ("raised", PUMP, 2),
    ]


async def test_an_unknown_alarm_is_refused_by_name(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """WinCC's error 2 reads as an unknown alarm; with a response, each alarm's result."""
    entry = make_entry()
    await setup_entry(hass, entry)
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, entry, "unshelve", alarms=["HMI_RT_1::Nope"])
    assert err.value.translation_key == "unknown_alarm"
    result = await act(hass, entry, "disable", response=True, alarms=["HMI_RT_1::Nope", PUMP])
    assert [(r["name"], r["done"]) for r in result["results"]] == [
        ("HMI_RT_1::Nope", False),
        (PUMP, True),
    ]
    assert result["results"][0]["error"]["code"] == "2"


async def test_a_user_without_the_right_is_refused(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """WinCC's own refusal, translated."""
    entry = make_entry(user="viewer")
    await setup_entry(hass, entry)
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, entry, "shelve", alarms=[PUMP])
    assert err.value.translation_key == "alarm_action_refused"


@pytest.mark.parametrize(
    ("action", "key"), [("shelve", "shelve_unsupported"), ("enable", "disable_unsupported")]
)
async def test_classic_says_not_supported(
    hass: HomeAssistant, make_entry: EntryFactory, action: str, key: str
) -> None:
    """The V7/V8 REST service cannot shelve or disable: a clear "not supported"."""
    entry = make_entry("classic")
    await setup_entry(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, entry, action, alarms=["Pump1_Fault"])
    assert err.value.translation_key == key


async def test_read_only_entries_change_no_alarm(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Read-only mode refuses, and the simulator's alarm stays as it was."""
    entry = make_entry(**{OPT_READ_ONLY: True})
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, entry, "shelve", alarms=[PUMP])
    assert err.value.translation_key == "read_only_alarms"
    assert suppression(wincc_sim) == ["UNSUPPRESSED"]


@pytest.mark.parametrize(
    "data",
    [
        {"alarms": []},
        {"alarms": [PUMP], "duration": {"seconds": 0}},
        {"alarms": [PUMP], "duration": {"days": 8}},
        {"alarms": [PUMP], "duration": "an hour"},
    ],
)
async def test_bad_calls_are_refused_before_anything_is_sent(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle, data: dict[str, Any]
) -> None:
    """No alarms, or a shelving of no time, too long, or not a duration."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    with pytest.raises(probatio.Invalid):
        await act(hass, entry, "shelve", **data)
    assert suppression(wincc_sim) == ["UNSUPPRESSED"]


async def test_a_shelving_longer_than_the_runtime_allows_is_bounded_by_it(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A day asked, the runtime's 8 hours given: the server decides, and says nothing."""
    entry = make_entry()
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    await act(hass, entry, "shelve", alarms=[PUMP], duration=timedelta(days=1))
    (instance,) = wincc_sim.thread.call(
        lambda: list(wincc_sim.runtime.plant.alarms.active.values())
    )
    assert instance.shelved_until - instance.modification_time == timedelta(hours=8)
