"""The tag map: export as YAML (options) or CSV (the action), edit in bulk, import."""

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
import yaml

from custom_components.wincc.client import DataKind
from custom_components.wincc.const import OPT_TAGS
from custom_components.wincc.options import EntryOptions
from custom_components.wincc.tag_map import TagMapError, export_csv, export_yaml, import_map
from custom_components.wincc.tags import TagConfig
from tests.components.conftest import EntryFactory, answer, options, setup_entry

SETPOINT = "HMI_RT_1::Boiler.Setpoint"
LEVEL = "HMI_RT_1::Tank1_Level"


async def test_the_map_is_shown_and_read_back(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """The step shows the map; the map edited and pasted back changes those tags at
    once (with conversion, precision and writability); a bad map changes nothing and
    says why; an empty field changes nothing."""
    entry = make_entry()
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "tag_map")
    rows = yaml.safe_load(result["description_placeholders"]["yaml"])
    assert {row["name"] for row in rows} == set(entry.options[OPT_TAGS])
    level = next(row for row in rows if row["name"] == LEVEL)
    level |= {"unit": "%", "display_precision": 0, "minimum": 0, "maximum": 100}
    setpoint = next(row for row in rows if row["name"] == SETPOINT)
    setpoint |= {"display_name": "Boiler target", "unit": "°C", "device_class": "temperature"}
    bad = yaml.safe_dump([{**level, "device_class": "loudness"}])
    result = await answer(hass, result, {"tag_map": bad})
    assert result["errors"] == {"tag_map": "bad_map"}
    assert "loudness" in result["description_placeholders"]["problem"]
    result = await answer(hass, result, {"tag_map": yaml.safe_dump([level, setpoint])})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    tank = hass.states.get("sensor.tank_1_level")
    assert tank is not None
    assert tank.attributes["unit_of_measurement"] == "%"
    target = hass.states.get("number.boiler_setpoint")
    assert target is not None
    assert target.attributes["friendly_name"] == "Boiler Target"  # on the device Boiler
    assert target.attributes["device_class"] == "temperature"
    before = dict(entry.options)
    result = await options(hass, entry.entry_id, "tag_map")
    result = await answer(hass, result, {"tag_map": "  "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(entry.options) == before


def test_csv_round_trip(make_entry: EntryFactory) -> None:
    """The CSV export, edited as a spreadsheet would, reads back."""
    tags = EntryOptions.from_options(make_entry().options).tags
    text = export_csv(tags)
    assert text.splitlines()[0].startswith("name,display_name,unit,device_class")
    edited = text.replace(f"{LEVEL},Tank 1 level,,", f"{LEVEL},Tank one,m,")
    updated = import_map(edited, tags)
    assert (updated[LEVEL].entity_name, updated[LEVEL].effective_unit) == ("Tank one", "m")
    assert updated[SETPOINT] == tags[SETPOINT]
    assert import_map(export_yaml(tags), tags) == dict(tags)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- name: HMI_RT_1::Nope", "not an exposed tag"),
        ("- just text", "must be a mapping"),
        ("a;b\n1;2", "header row"),
        (f"- name: {LEVEL}\n  minimum: low", "not a number"),
        (f"- name: {LEVEL}\n  minimum: 5\n  maximum: 1", "above the minimum"),
        (f"- name: {LEVEL}\n  display_precision: 1.5", "whole number"),
        (f"- name: {LEVEL}\n  writable: perhaps", "true or false"),
        (f"- name: {LEVEL}\n  state_class: sometimes", "not one Home Assistant knows"),
    ],
)
def test_bad_maps_say_which_row_and_why(make_entry: EntryFactory, text: str, problem: str) -> None:
    """Each problem is named with its row, and nothing is taken."""
    tags = EntryOptions.from_options(make_entry().options).tags
    with pytest.raises(TagMapError, match=problem):
        import_map(text, tags)


def test_only_tags_an_entity_can_write_are_writable() -> None:
    """A tag of a kind no entity writes stays read-only."""
    other = TagConfig(name="HMI_RT_1::Blob", kind=DataKind.OTHER, display_name="Blob")
    with pytest.raises(TagMapError, match="no entity can write"):
        import_map("- name: HMI_RT_1::Blob\n  writable: true", {other.name: other})


async def test_the_export_action_answers_yaml_and_csv(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """The action answers both forms of the entry's map."""
    entry = make_entry()
    await setup_entry(hass, entry)
    answer_ = await hass.services.async_call(
        "wincc",
        "export_tag_map",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert answer_ is not None
    tags = EntryOptions.from_options(entry.options).tags
    assert answer_ == {"yaml": export_yaml(tags), "csv": export_csv(tags)}
