"""The dashboard example of docs/alarms.md renders the current alarms."""

from pathlib import Path
import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
from homeassistant.util import dt as dt_util

from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_event import poll_alarms
from tests.conftest import SIM_START, SimHandle

ALARMS_DOC = Path(__file__).parents[2] / "docs" / "alarms.md"


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
