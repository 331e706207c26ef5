"""A tag renamed in WinCC (``Removed (Name changed)``): a repair issue, and a fix flow
that lets the user pick the new name, which the entity then follows."""

from typing import Any

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc.const import DOMAIN, OPT_PUSH, OPT_TAGS
from custom_components.wincc.issues import tag_issue_id
from tests.components.conftest import EntryFactory, setup_entry, tag_config
from tests.components.test_push import MODE, state, until
from tests.conftest import SimHandle

OLD = "HMI_RT_1::Tank1_Level"
NEW = "HMI_RT_1::Tank1_Level_PV"
LEVEL = "sensor.tank_1_level"


@pytest.fixture
async def renamed(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> MockConfigEntry:
    """A pushed entry whose Tank1_Level (with a unit of the user's) WinCC renamed."""
    assert await async_setup_component(hass, "repairs", {})
    entry = make_entry(**{OPT_PUSH: True})
    tags = dict(entry.options[OPT_TAGS])
    tags[OLD] = {**tags[OLD], "unit_override": "cm"}
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_TAGS: tags})
    await setup_entry(hass, entry)
    await until(hass, lambda: state(hass, MODE) == "push")
    wincc_sim.rename("Tank1_Level", "Tank1_Level_PV")
    await until(hass, lambda: _issue(hass, entry) is not None)
    return entry


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, tag_issue_id(entry, OLD))


async def _pick(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> Any:
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": tag_issue_id(entry, OLD)})
    assert result["type"] is FlowResultType.FORM
    return await manager.async_configure(result["flow_id"], {"new_name": name})


async def test_the_entity_follows_the_new_name(
    hass: HomeAssistant, renamed: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The issue names the tag; the fix offers the new name first, refuses unknown and
    old names, then moves the entity: same entity ID, new unique ID, the user's unit."""
    issue = _issue(hass, renamed)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"title": renamed.title, "tag": OLD}
    assert state(hass, LEVEL) == "unavailable"
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["step_id"] == "pick"
    offered = result["data_schema"].schema["new_name"].config["options"]
    assert offered[0] == NEW
    assert OLD not in offered
    assert "HMI_RT_1::Tank1_Temperature" not in offered  # exposed already
    result = await manager.async_configure(result["flow_id"], {"new_name": "HMI_RT_1::Nope"})
    assert result["errors"] == {"new_name": "tag_not_found"}
    result = await manager.async_configure(result["flow_id"], {"new_name": OLD})
    assert result["errors"] == {"new_name": "same_name"}
    result = await manager.async_configure(result["flow_id"], {"new_name": f" {NEW} "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await until(hass, lambda: state(hass, MODE) == "push")
    entity = entity_registry.async_get(LEVEL)
    assert entity is not None
    assert entity.unique_id == f"{renamed.entry_id}_{NEW}"
    assert state(hass, LEVEL) not in ("unavailable", "unknown")
    current = hass.states.get(LEVEL)
    assert current is not None
    assert current.attributes["unit_of_measurement"] == "cm"
    assert OLD not in renamed.options[OPT_TAGS]
    assert renamed.options[OPT_TAGS][NEW]["unit_override"] == "cm"
    assert _issue(hass, renamed) is None
    await hass.config_entries.async_unload(renamed.entry_id)


async def test_an_entity_a_pattern_made_for_the_new_name_gives_way(
    hass: HomeAssistant,
    renamed: MockConfigEntry,
    wincc_sim: SimHandle,
    entity_registry: er.EntityRegistry,
) -> None:
    """A followed pattern may have exposed the new name already: the old entity keeps
    its entity ID and takes the name over; the newer entity is removed."""
    tags = {**renamed.options[OPT_TAGS]}
    tags[NEW] = tag_config(wincc_sim, "Tank1_Level_PV", unified=True).as_options()
    hass.config_entries.async_update_entry(renamed, options={**renamed.options, OPT_TAGS: tags})
    await hass.config_entries.async_reload(renamed.entry_id)
    await hass.async_block_till_done()
    duplicate = entity_registry.async_get_entity_id("sensor", DOMAIN, f"{renamed.entry_id}_{NEW}")
    assert duplicate is not None
    assert duplicate != LEVEL
    result = await _pick(hass, renamed, NEW)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entity_registry.async_get(duplicate) is None
    entity = entity_registry.async_get(LEVEL)
    assert entity is not None
    assert entity.unique_id == f"{renamed.entry_id}_{NEW}"
    await hass.config_entries.async_unload(renamed.entry_id)


async def test_the_fix_aborts_for_an_entry_not_loaded(
    hass: HomeAssistant, renamed: MockConfigEntry
) -> None:
    """Unloaded, the entry cannot browse: the fix says so; removed, its issues go."""
    await hass.config_entries.async_unload(renamed.entry_id)
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": tag_issue_id(renamed, OLD)})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"
    await hass.config_entries.async_remove(renamed.entry_id)
    assert _issue(hass, renamed) is None


async def test_the_issue_goes_when_the_tag_is_no_longer_exposed(
    hass: HomeAssistant, renamed: MockConfigEntry
) -> None:
    """Removing the renamed tag from the entry instead withdraws its issue."""
    tags = {k: v for k, v in renamed.options[OPT_TAGS].items() if k != OLD}
    hass.config_entries.async_update_entry(renamed, options={**renamed.options, OPT_TAGS: tags})
    await hass.config_entries.async_reload(renamed.entry_id)
    await hass.async_block_till_done()
    assert _issue(hass, renamed) is None
    await hass.config_entries.async_unload(renamed.entry_id)


async def test_the_fix_aborts_when_the_server_cannot_be_browsed(
    hass: HomeAssistant, renamed: MockConfigEntry, wincc_sim: SimHandle
) -> None:
    """No list of names without the server: the fix says to try again."""
    wincc_sim.faults(paused=True)
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": tag_issue_id(renamed, OLD)})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    wincc_sim.faults(paused=False)
    await hass.config_entries.async_unload(renamed.entry_id)
