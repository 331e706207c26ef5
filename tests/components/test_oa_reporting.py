"""WinCC OA over REST Reporting, through Home Assistant: the config flow finds its
datapoints and elements, offers nothing to write, and the entities read the plant;
each datapoint with elements is a device."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.wincc.const import CONF_SERVER_TYPE, OPT_TAGS
from tests.components.test_config_flow import pick, start, submit, user_input
from tests.components.test_coordinator import poll
from tests.conftest import SimHandle


async def test_a_plant_read_through_rest_reporting(
    hass: HomeAssistant, wincc_sim: SimHandle, freezer: FrozenDateTimeFactory
) -> None:
    """Auto-detect finds REST Reporting; an element is found by its full name and the
    example datapoints by a pattern; no writable step; values follow the plant."""
    result = await submit(
        hass, await start(hass), user_input(wincc_sim, "auto", face="oa_reporting")
    )
    assert result["step_id"] == "certificate"
    result = await submit(hass, result, {"trust": "pin"})
    assert "System1:Tank1.Level" in result["description_placeholders"]["examples"]
    result = await pick(hass, result, "System1:Tank1.Level", all_matches=True, search_again=True)
    result = await pick(hass, result, "ExampleDP_Rpt*", all_matches=True)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result  # nothing to write
    assert result["title"] == "WinCC OA (REST Reporting)"
    assert result["data"][CONF_SERVER_TYPE] == "oa_reporting"
    tags = result["options"][OPT_TAGS]
    assert len(tags) == 5
    assert not any(tag.get("writable") for tag in tags.values())
    await hass.async_block_till_done()
    entry = result["result"]
    level = hass.states.get("sensor.tank_1_level")
    assert level is not None
    assert float(level.state) == wincc_sim.value("Tank1_Level")
    assert hass.states.get("sensor.example_dp_rpt_1").state == "10.6"  # type: ignore[union-attr]
    devices = {
        d.name for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }
    assert devices == {"WinCC OA (REST Reporting)", "Tank 1", "Example DP"}
    assert not [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.domain == "event"
    ]  # REST Reporting has no alerts
    wincc_sim.write("Tank1_Level", 77.5)
    await poll(hass, freezer, timedelta(seconds=10).total_seconds())
    assert hass.states.get("sensor.tank_1_level").state == "77.5"  # type: ignore[union-attr]


async def test_a_pattern_that_matches_only_structured_datapoints_says_so(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Tank1's elements are not listed by REST Reporting: the pattern finds nothing."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, "oa_reporting"))
    result = await submit(hass, result, {"trust": "pin"})
    result = await submit(hass, result, {"pattern": "Tank*"})
    assert result["errors"] == {"pattern": "no_match"}


async def test_the_options_offer_nothing_that_writes(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """No controls and no alarms in the menu (the API has none), no push among the
    settings, and no writable switch in a tag's settings."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, "oa_reporting"))
    result = await submit(hass, result, {"trust": "pin"})
    result = await pick(hass, result, "System1:Tank1.Level", all_matches=True)
    await hass.async_block_till_done()
    entry = result["result"]
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "controls" not in result["menu_options"]
    assert "alarms" not in result["menu_options"]
    settings = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    assert "push" not in settings["data_schema"].schema
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "tag_settings"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"tag": "System1:Tank1.Level"}
    )
    assert result["step_id"] == "tag_overrides"
    assert "writable" not in result["data_schema"].schema
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "tag_map"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"tag_map": "- name: System1:Tank1.Level\n  writable: true\n"}
    )
    assert result["errors"] == {"tag_map": "bad_map"}
    assert "cannot write" in result["description_placeholders"]["problem"]
