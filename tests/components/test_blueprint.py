"""The notify-and-acknowledge blueprint, end to end against wincc-sim."""

from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.wincc.const import DOMAIN
from simulator.certificate import Certificate
from simulator.runtime import RuntimeOptions
from tests.client.conftest import address
from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_event import poll_alarms
from tests.components.test_services import simulator_state
from tests.conftest import SimHandle, running_simulator

BLUEPRINT = Path(__file__).parents[2] / "blueprints" / "automation" / "wincc" / "notify_alarm.yaml"


def test_blueprint_is_valid() -> None:
    """Home Assistant accepts it as an automation blueprint with the documented inputs."""
    blueprint = models.Blueprint(
        load_yaml_dict(str(BLUEPRINT)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.name == "WinCC alarm to phone, with Acknowledge and Shelve 1 h buttons"
    assert set(blueprint.inputs) == {"wincc_entry", "notify_action", "min_priority"}


def automation_for(alias: str, entry_id: str, phone: str) -> dict[str, Any]:
    """An automation from the blueprint for one server and one phone."""
    return {
        "alias": alias,
        "use_blueprint": {
            "path": "wincc/notify_alarm.yaml",
            "input": {
                "wincc_entry": entry_id,
                "notify_action": f"notify.{phone}",
                "min_priority": 10,
            },
        },
    }


async def test_two_servers_each_notify_and_acknowledge_their_own(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    sim_certificate: Certificate,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One notification per raised alarm, through an outage; the button acknowledges
    on the server that raised the alarm, and only there."""
    first = make_entry()
    await setup_entry(hass, first)
    with running_simulator(sim_certificate, RuntimeOptions()) as other_sim:
        host, port = address(other_sim.unified_url)
        second = MockConfigEntry(
            domain=DOMAIN,
            version=first.version,
            title="WinCC second",
            entry_id="sim-second",
            unique_id=f"{host}:{port}",
            data={**first.data, CONF_HOST: host, CONF_PORT: port},
            options=dict(first.options),
        )
        await setup_entry(hass, second)
        phone_one: list[ServiceCall] = async_mock_service(hass, "notify", "phone_one")
        phone_two: list[ServiceCall] = async_mock_service(hass, "notify", "phone_two")
        target = Path(hass.config.path("blueprints/automation/wincc"))
        await hass.async_add_executor_job(
            lambda: (target.mkdir(parents=True, exist_ok=True), shutil.copy(BLUEPRINT, target))
        )
        automations = [
            automation_for("first server", first.entry_id, "phone_one"),
            automation_for("second server", second.entry_id, "phone_two"),
        ]
        assert await async_setup_component(hass, "automation", {"automation": automations})
        await hass.async_block_till_done()
        wincc_sim.write("Conveyor_Running", False)  # priority 2: below the minimum
        wincc_sim.write("Pump1_Fault", True)  # priority 14, on the first server only
        await poll_alarms(hass, freezer)
        assert (len(phone_one), len(phone_two)) == (1, 0)
        (call,) = phone_one
        assert call.data["message"] == "Pump 1 fault"
        button, shelve = call.data["data"]["actions"]
        assert button == {
            "action": f"WINCC_ACK|{first.entry_id}|HMI_RT_1::Pump1_Fault|1",
            "title": "Acknowledge",
        }
        assert shelve == {
            "action": f"WINCC_SHELVE|{first.entry_id}|HMI_RT_1::Pump1_Fault|1",
            "title": "Shelve 1 h",
        }
        # An outage long enough to make the alarm entities unavailable, and back.
        wincc_sim.faults(paused=True)
        for _ in range(3):
            await poll_alarms(hass, freezer)
        assert hass.states.get("event.wincc_unified_alarms").state == "unavailable"  # type: ignore[union-attr]
        wincc_sim.faults(paused=False)
        await poll_alarms(hass, freezer)
        assert hass.states.get("event.wincc_unified_alarms").state != "unavailable"  # type: ignore[union-attr]
        assert len(phone_one) == 1  # no second notification for the same alarm
        # The same alarm is raised on the second server too: its own notification.
        other_sim.write("Pump1_Fault", True)
        await poll_alarms(hass, freezer)
        assert len(phone_two) == 1
        hass.bus.async_fire("mobile_app_notification_action", {"action": button["action"]})
        await hass.async_block_till_done(wait_background_tasks=True)
        assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED_ACKNOWLEDGED")]
        assert simulator_state(other_sim, "Pump1_Fault") == [(1, "RAISED")]
        # The second phone's Shelve 1 h button shelves that alarm there, for an hour.
        (shelve_two,) = [b for b in phone_two[0].data["data"]["actions"] if "SHELVE" in b["action"]]
        hass.bus.async_fire("mobile_app_notification_action", {"action": shelve_two["action"]})
        await hass.async_block_till_done(wait_background_tasks=True)
        (instance,) = other_sim.thread.call(
            lambda: list(other_sim.runtime.plant.alarms.active.values())
        )
        assert instance.suppression == "SHELVED"
        assert instance.shelved_until - instance.modification_time == timedelta(hours=1)
        assert simulator_state(wincc_sim, "Pump1_Fault") == [(1, "RAISED_ACKNOWLEDGED")]
        await hass.config_entries.async_unload(second.entry_id)
