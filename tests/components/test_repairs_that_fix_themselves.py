"""Repairs that fix themselves: tags gone from the server (an issue after reads in a
row, whose fix stops exposing them; followed patterns drop them by themselves), and a
WinCC user who may not write."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc.const import (
    DOMAIN,
    OPT_CONTROLS,
    OPT_PATTERNS,
    OPT_READ_ONLY,
    OPT_TAGS,
)
from custom_components.wincc.issues import gone_issue_id
from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_coordinator import poll
from tests.conftest import SimHandle

LEVEL = "sensor.tank_1_level"


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, gone_issue_id(entry))


@pytest.fixture
async def entry(hass: HomeAssistant, make_entry: EntryFactory) -> MockConfigEntry:
    assert await async_setup_component(hass, "repairs", {})
    made = make_entry("classic")
    await setup_entry(hass, made)
    return made


async def test_a_tag_gone_is_a_repair_whose_fix_removes_it(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One read that misses the tag raises nothing; the second does. The fix lists it,
    and after it the tag is no longer exposed and its entity is gone."""
    wincc_sim.rename("Tank1_Level", "Tank1_Level_PV")
    await poll(hass, freezer)
    assert hass.states.get(LEVEL).state == "unavailable"  # type: ignore[union-attr]
    assert _issue(hass, entry) is None
    await poll(hass, freezer)
    issue = _issue(hass, entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "title": entry.title,
        "tags": "Tank1_Level",
        "count": "1",
    }
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"]["tags"] == "- Tank1_Level"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert "Tank1_Level" not in entry.options[OPT_TAGS]
    assert er.async_get(hass).async_get(LEVEL) is None
    assert _issue(hass, entry) is None


async def test_the_issue_goes_when_the_tag_comes_back(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Renamed back in WinCC, the tag reads again and the issue withdraws itself; the
    fix, opened late, has nothing to do."""
    wincc_sim.rename("Tank1_Level", "Tank1_Level_PV")
    await poll(hass, freezer)
    await poll(hass, freezer)
    issue = _issue(hass, entry)
    assert issue is not None
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    wincc_sim.rename("Tank1_Level_PV", "Tank1_Level")
    await poll(hass, freezer)
    assert _issue(hass, entry) is None
    assert hass.states.get(LEVEL).state != "unavailable"  # type: ignore[union-attr]
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "nothing_gone"
    assert "Tank1_Level" in entry.options[OPT_TAGS]


async def test_the_fix_aborts_for_an_entry_not_loaded(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry unloaded meanwhile is not changed."""
    wincc_sim.rename("Tank1_Level", "Tank1_Level_PV")
    await poll(hass, freezer)
    await poll(hass, freezer)
    manager = repairs_flow_manager(hass)
    assert manager is not None
    await hass.config_entries.async_unload(entry.entry_id)
    result = await manager.async_init(DOMAIN, data={"issue_id": gone_issue_id(entry)})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"


async def test_a_followed_pattern_drops_a_tag_gone_from_it(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A tag a followed pattern brought in, gone from the server and from the pattern,
    is dropped at the next browse (with a control that used it); the new name comes in."""
    assert await async_setup_component(hass, "repairs", {})
    control = {
        "kind": "select",
        "name": "Mode",
        "tags": {"value": "HMI_RT_1::Oven_Mode"},
        "states": {"0": "Off", "2": "Bake"},
    }
    entry = make_entry(
        tags=["Oven_Mode", "Oven_Setpoint"],
        **{OPT_PATTERNS: ["HMI_RT_1::Oven_*"], OPT_CONTROLS: [control]},
    )
    entry.add_to_hass(hass)
    tags = dict(entry.options[OPT_TAGS])
    tags["HMI_RT_1::Oven_Mode"] = {**tags["HMI_RT_1::Oven_Mode"], "writable": True}
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_TAGS: tags})
    await setup_entry(hass, entry)
    assert hass.states.get("select.oven_mode") is not None
    wincc_sim.rename("Oven_Mode", "Oven_Program")
    await poll(hass, freezer)
    await poll(hass, freezer)
    assert _issue(hass, entry) is not None
    await poll(hass, freezer, seconds=timedelta(minutes=10).total_seconds())
    await hass.async_block_till_done()
    assert "HMI_RT_1::Oven_Mode" not in entry.options[OPT_TAGS]
    assert "HMI_RT_1::Oven_Program" in entry.options[OPT_TAGS]
    assert entry.options[OPT_CONTROLS] == []
    assert hass.states.get("select.oven_mode") is None
    assert _issue(hass, entry) is None


def _right_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"no_write_right_{entry.entry_id}")


async def _turn_off(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.pump_1_command"}, blocking=True
    )


async def test_a_user_without_the_write_right_is_a_repair_until_a_write_goes_through(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A write refused for want of permission raises an issue naming the tag and the
    user; with a user who may write, the next write withdraws it."""
    assert await async_setup_component(hass, "repairs", {})
    entry = make_entry("classic", user="viewer")
    await setup_entry(hass, entry)
    with pytest.raises(HomeAssistantError):
        await _turn_off(hass)
    issue = _right_issue(hass, entry)
    assert issue is not None
    assert issue.translation_placeholders == {
        "title": entry.title,
        "tag": "Pump1_Command",
        "username": "viewer",
    }
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_USERNAME: "operator", CONF_PASSWORD: "operator"}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert _right_issue(hass, entry) is not None  # writable tags: still unknown
    await _turn_off(hass)
    assert wincc_sim.value("Pump1_Command") is False
    assert _right_issue(hass, entry) is None


async def test_the_write_right_issue_goes_when_nothing_is_writable(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """In read-only mode there is nothing to write: the issue goes at the next load."""
    assert await async_setup_component(hass, "repairs", {})
    entry = make_entry("classic", user="viewer")
    await setup_entry(hass, entry)
    with pytest.raises(HomeAssistantError):
        await _turn_off(hass)
    assert _right_issue(hass, entry) is not None
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_READ_ONLY: True})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert _right_issue(hass, entry) is None
