"""The docs' examples work: the dashboard card of docs/alarms.md renders the current
alarms, and the tag map of docs/setup.md makes its controls."""

from pathlib import Path
import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
from homeassistant.util import dt as dt_util

from custom_components.wincc.const import OPT_CONTROLS, OPT_TAGS
from tests.components.conftest import EntryFactory, answer, options, setup_entry
from tests.components.test_event import poll_alarms
from tests.conftest import SIM_START, SimHandle

ALARMS_DOC = Path(__file__).parents[2] / "docs" / "alarms.md"
SETUP_DOC = Path(__file__).parents[2] / "docs" / "setup.md"


def _markdown_card_content() -> str:
    text = ALARMS_DOC.read_text(encoding="utf-8")
    card = re.search(r"type: markdown\n.*?content: >\n(.*?)```", text, re.DOTALL)
    assert card is not None
    lines = card.group(1).splitlines()
    return "\n".join(line.removeprefix("  ") for line in lines)


async def test_the_markdown_card_lists_the_active_alarms(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Priority, time and text of each alarm; the list says so when it is empty."""
    content = _markdown_card_content().replace(
        "sensor.wincc_unified_plant_active_alarms", "sensor.wincc_unified_active_alarms"
    )
    await setup_entry(hass, make_entry())
    assert "No active alarms." in Template(content, hass).async_render()
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    rendered = Template(content, hass).async_render()
    assert "**14**" in rendered
    assert "Pump 1 fault (raised)" in rendered
    assert dt_util.as_local(SIM_START).strftime("%H:%M:%S") in rendered


async def test_the_tag_map_example_makes_its_controls(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """Pasted into the options, the example keeps every tag's settings and makes the
    valve, the select and the button it describes."""
    found = re.search(r"```yaml\n(  tags: \[\].*?)```", SETUP_DOC.read_text(encoding="utf-8"), re.S)
    assert found is not None
    example = "\n".join(line.removeprefix("  ") for line in found.group(1).splitlines())
    entry = make_entry(tags=["Valve3_Position", "Valve3_Feedback", "Oven_Mode", "Pump1_Reset"])
    await setup_entry(hass, entry)
    tags = dict(entry.options[OPT_TAGS])
    result = await options(hass, entry.entry_id, "tag_map")
    await answer(hass, result, {"tag_map": example})
    await hass.async_block_till_done()
    assert [c["name"] for c in entry.options[OPT_CONTROLS]] == [
        "Valve 3",
        "Oven program",
        "Pump 1 fault reset",
    ]
    assert {n: {**t, "writable": False} for n, t in entry.options[OPT_TAGS].items()} == {
        n: {**t, "writable": False} for n, t in tags.items()
    }
    for entity_id in ("valve.valve_3", "select.oven_program", "button.pump_1_fault_reset"):
        assert hass.states.get(entity_id) is not None
