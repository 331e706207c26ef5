"""A WinCC V7.5 REST service (wincc-sim's v75 profile): no alarm logging. The entry
finds that out once at setup, then offers the tags alone, quietly."""

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from simulator.runtime import RuntimeOptions
from tests.components.conftest import EntryFactory, setup_entry


def _alarm_requests(caplog: pytest.LogCaptureFixture) -> int:
    """The alarmLogging requests the simulator served, by its own request log."""
    return sum(
        r.name == "simulator.server" and "alarmLogging" in r.getMessage() for r in caplog.records
    )


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """The v75 profile's classic face: every alarmLogging path answers 404."""
    return RuntimeOptions(alarm_logging=False)


async def test_no_alarm_entities_requests_or_errors(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Alarm logging is asked for once; then no alarm entities, no alarm requests
    however long it runs, and nothing logged at ERROR; the tags read as usual."""
    caplog.set_level(logging.DEBUG, logger="simulator")
    entry = make_entry("classic")
    await setup_entry(hass, entry)
    assert entry.runtime_data.alarms is None
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert not [e for e in entities if "alarm" in e.entity_id]
    asked = _alarm_requests(caplog)
    assert asked == 1
    for _ in range(6):
        freezer.tick(timedelta(seconds=10))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert _alarm_requests(caplog) == asked
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    state = hass.states.get("sensor.tank_1_level")
    assert state is not None
    assert state.state not in ("unavailable", "unknown")
