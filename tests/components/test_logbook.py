"""Alarm transitions in the logbook."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback

from custom_components.wincc import logbook
from custom_components.wincc.const import DOMAIN, EVENT_ACKNOWLEDGED, EVENT_ALARM
from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_event import poll_alarms
from tests.conftest import SimHandle


async def test_alarm_events_read_as_words(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The logbook describes the integration's alarm events in a sentence."""
    described: dict[tuple[str, str], Any] = {}
    logbook.async_describe_events(
        hass,
        lambda domain, event_type, describe: described.update({(domain, event_type): describe}),
    )
    assert list(described) == [(DOMAIN, EVENT_ALARM), (DOMAIN, EVENT_ACKNOWLEDGED)]

    fired: list[Event] = []
    hass.bus.async_listen(EVENT_ALARM, callback(lambda event: fired.append(event)))
    await setup_entry(hass, make_entry())
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    (event,) = fired
    assert described[(DOMAIN, EVENT_ALARM)](event) == {
        "name": "WinCC alarm",
        "message": "Pump 1 fault (HMI_RT_1::Pump1_Fault, instance 1) raised, priority 14",
        "entity_id": "event.wincc_unified_alarms",
    }
