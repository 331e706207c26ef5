"""The logbook: one line per alarm transition (the event entity's), and a line naming
who acknowledged from Home Assistant."""

from typing import Any

from homeassistant.core import Event, HomeAssistant

from custom_components.wincc import logbook
from custom_components.wincc.const import DOMAIN, EVENT_ACKNOWLEDGED


def test_only_acknowledgments_are_described(hass: HomeAssistant) -> None:
    """Transitions are the event entity's states already: no second line for them."""
    described: dict[tuple[str, str], Any] = {}
    logbook.async_describe_events(
        hass,
        lambda domain, event_type, describe: described.update({(domain, event_type): describe}),
    )
    assert list(described) == [(DOMAIN, EVENT_ACKNOWLEDGED)]
    event = Event(
        EVENT_ACKNOWLEDGED,
        {"name": "HMI_RT_1::Pump1_Fault", "instance_id": 1, "server": "WinCC Unified plant"},
    )
    assert described[(DOMAIN, EVENT_ACKNOWLEDGED)](event) == {
        "name": "WinCC alarm",
        "message": "acknowledged HMI_RT_1::Pump1_Fault (instance 1) on WinCC Unified plant",
    }
