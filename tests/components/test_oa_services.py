"""WinCC OA entries and the integration's actions and diagnostics: history over both OA
APIs, and diagnostics that name the family and keep secrets out."""

from datetime import timedelta
import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.wincc.const import (
    OPT_TAGS,
)
from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_history_service import history
from tests.conftest import SimHandle

LEVEL = "System1:Tank1.Level"
# The tank level on both faces, and the boiler's setpoint (writable) where it can be written.
TAGS = {"oa_reporting": ["Tank1_Level"], "oa_graphql": ["Tank1_Level", "Boiler.Setpoint"]}


@pytest.mark.parametrize("server_type", ["oa_reporting", "oa_graphql"])
async def test_history_of_an_element(
    hass: HomeAssistant, wincc_sim: SimHandle, make_entry: EntryFactory, server_type: str
) -> None:
    """The tank level's archived minute, oldest first, through wincc.get_history."""
    entry = make_entry(server_type, TAGS[server_type])
    await setup_entry(hass, entry)
    wincc_sim.advance(60)
    end = wincc_sim.runtime.plant.time
    response = await history(
        hass, entry.entry_id, tags=[LEVEL], start=end - timedelta(seconds=30), end=end
    )
    values: list[dict[str, Any]] = response["tags"][LEVEL]
    assert len(values) >= 3
    assert [v["timestamp"] for v in values] == sorted(v["timestamp"] for v in values)
    assert all(isinstance(v["value"], float) for v in values)


@pytest.mark.parametrize("server_type", ["oa_reporting", "oa_graphql"])
async def test_diagnostics_name_the_family_and_keep_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    make_entry: EntryFactory,
    server_type: str,
) -> None:
    entry = make_entry(server_type, TAGS[server_type])
    await setup_entry(hass, entry)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    assert server_type in text
    for secret in ("operator", entry.data["host"]):
        assert secret not in text
    alarms = "alarms" in diagnostics["server"]["capabilities"]
    assert alarms is (server_type == "oa_graphql")


async def test_rest_reporting_refuses_a_write_with_its_reason(
    hass: HomeAssistant, wincc_sim: SimHandle, make_entry: EntryFactory
) -> None:
    """A tag marked writable by hand on a read-only API: the write is refused, translated."""
    entry = make_entry("oa_reporting", TAGS["oa_reporting"])
    entry.add_to_hass(hass)
    tags = dict(entry.options[OPT_TAGS])
    tags[LEVEL] = {**tags[LEVEL], "writable": True}
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_TAGS: tags})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "number", "set_value", {"entity_id": "number.tank_1_level", "value": 5}, blocking=True
        )
    assert err.value.translation_key == "unsupported"
    assert wincc_sim.value("Tank1_Level") != 5
