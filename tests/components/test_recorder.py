"""What the recorder keeps of the alarm sensors."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_event import poll_alarms
from tests.conftest import SimHandle


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder must start before Home Assistant does."""


async def test_alarm_list_is_not_recorded(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The alarm list attribute never reaches the database; the count does."""
    await setup_entry(hass, make_entry())
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    assert hass.states.get("sensor.wincc_unified_active_alarms").attributes["alarms"]  # type: ignore[union-attr]
    await async_wait_recording_done(hass)
    history = await hass.async_add_executor_job(
        get_significant_states,
        hass,
        dt_util.utcnow() - timedelta(hours=1),
        None,
        ["sensor.wincc_unified_active_alarms"],
    )
    recorded = history["sensor.wincc_unified_active_alarms"]
    assert [s.state for s in recorded][-1] == "1"
    assert all("alarms" not in s.attributes for s in recorded)
