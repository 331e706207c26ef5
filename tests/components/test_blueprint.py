"""The notify-and-acknowledge blueprint, end to end against wincc-sim."""

from pathlib import Path
import shutil

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import async_mock_service

from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_event import poll_alarms
from tests.components.test_services import simulator_state
from tests.conftest import SimHandle

BLUEPRINT = Path(__file__).parents[2] / "blueprints" / "automation" / "wincc" / "notify_alarm.yaml"


def test_blueprint_is_valid() -> None:
    """Home Assistant accepts it as an automation blueprint with the documented inputs."""
    blueprint = models.Blueprint(
        load_yaml_dict(str(BLUEPRINT)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.name == "WinCC alarm to phone, with an Acknowledge button"
    assert set(blueprint.inputs) == {"alarm_entity", "wincc_entry", "notify_action", "min_priority"}


async def test_notification_and_acknowledge_button(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A raised alarm notifies the phone; its button acknowledges it in WinCC."""
    entry = make_entry()
    await setup_entry(hass, entry)
    target = Path(hass.config.path("blueprints/automation/wincc"))
    await hass.async_add_executor_job(
        lambda: (target.mkdir(parents=True, exist_ok=True), shutil.copy(BLUEPRINT, target))
    )
    sent: list[ServiceCall] = async_mock_service(hass, "notify", "mobile_app_phone")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "WinCC alarms to phone",
                "use_blueprint": {
                    "path": "wincc/notify_alarm.yaml",
                    "input": {
                        "alarm_entity": "event.wincc_unified_alarms",
                        "wincc_entry": entry.entry_id,
                        "notify_action": "notify.mobile_app_phone",
                        "min_priority": 10,
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("automation.wincc_alarms_to_phone").state == "on"  # type: ignore[union-attr]
    wincc_sim.write("Conveyor_Running", False)  # priority 2: below the minimum
    wincc_sim.write("Pump1_Fault", True)  # priority 14
    await poll_alarms(hass, freezer)
    assert len(sent) == 1
    (call,) = sent
    assert call.data["message"] == "Pump 1 fault"
    (button,) = call.data["data"]["actions"]
    assert button == {"action": "WINCC_ACK|HMI_RT_1::Pump1_Fault|1", "title": "Acknowledge"}
    hass.bus.async_fire("mobile_app_notification_action", {"action": button["action"]})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED_ACKNOWLEDGED")]
