"""Controls composed from tags: climate, valve, select and button entities, made in the
options flow, writing to wincc-sim and reading back."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate.const import HVACAction, HVACMode
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
import yaml

from custom_components.wincc.const import OPT_CONTROLS, OPT_TAGS
from custom_components.wincc.controls import ControlConfig, ControlError, ControlKind, parse_states
from custom_components.wincc.options import EntryOptions
from tests.components.conftest import EntryFactory, answer, options, setup_entry
from tests.components.test_coordinator import poll
from tests.conftest import SimHandle

S = "HMI_RT_1::"
BOILER = {
    "maximum": 95,
    "name": "Boiler",
    "setpoint": f"{S}Boiler.Setpoint",
    "temperature": f"{S}Boiler.Temperature",
    "heating": f"{S}Boiler.Burner_On",
}
OVEN = {
    "name": "Oven",
    "maximum": 250,
    "setpoint": f"{S}Oven_Setpoint",
    "temperature": f"{S}Oven_Temp_Zone1",
    "mode": f"{S}Oven_Mode",
}
VALVE = {"name": "Valve 3", "position": f"{S}Valve3_Position", "feedback": f"{S}Valve3_Feedback"}
OVEN_MODE = {
    "name": "Oven program",
    "value": f"{S}Oven_Mode",
    "states": "0=Off, 1=Heat-up, 2=Bake, 3=Cool-down",
}
RESET = {"name": "Pump 1 fault reset", "command": f"{S}Pump1_Reset", "reset_after": 2}
TAGS = [
    "Boiler.Setpoint",
    "Boiler.Temperature",
    "Boiler.Burner_On",
    "Oven_Setpoint",
    "Oven_Temp_Zone1",
    "Oven_Mode",
    "Valve3_Position",
    "Valve3_Feedback",
    "Pump1_Reset",
]


async def add_control(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Add a control through the options flow; the flow's last answer."""
    result = await options(hass, entry.entry_id, "controls")
    assert result["type"] is FlowResultType.MENU
    result = await answer(hass, result, {"next_step_id": f"add_{kind}"})
    assert result["step_id"] == f"add_{kind}"
    result = await answer(hass, result, data)
    await hass.async_block_till_done()
    return dict(result)


@pytest.fixture
async def entry(hass: HomeAssistant, make_entry: EntryFactory) -> MockConfigEntry:
    """An entry exposing the tags the controls use, all read-only at first."""
    made = make_entry(tags=TAGS)
    await setup_entry(hass, made)
    return made


async def call(hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def test_a_climate_control_sets_the_boiler(
    hass: HomeAssistant, entry: MockConfigEntry, wincc_sim: SimHandle
) -> None:
    """The climate entity is the boiler itself; setting its temperature writes the
    setpoint (made writable by the control) and shows what the server holds."""
    assert (await add_control(hass, entry, "climate", BOILER))[
        "type"
    ] is FlowResultType.CREATE_ENTRY
    assert entry.options[OPT_TAGS][BOILER["setpoint"]]["writable"] is True
    state = hass.states.get("climate.boiler")
    assert state is not None
    assert state.name == "Boiler"
    assert state.state == HVACMode.HEAT
    assert state.attributes["current_temperature"] == 55.0
    assert state.attributes["temperature"] == 60.0
    assert state.attributes["hvac_action"] == HVACAction.HEATING
    await call(hass, "climate", "set_temperature", "climate.boiler", temperature=70)
    assert wincc_sim.value("Boiler.Setpoint") == 70.0
    assert hass.states.get("climate.boiler").attributes["temperature"] == 70.0  # type: ignore[union-attr]


async def test_the_setpoint_limits_bound_the_climate_control(
    hass: HomeAssistant, entry: MockConfigEntry, wincc_sim: SimHandle
) -> None:
    """A temperature outside the setpoint tag's limits is refused, nothing written."""
    limited = {**entry.options[OPT_TAGS][BOILER["setpoint"]], "minimum": 0, "maximum": 95}
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            OPT_TAGS: {**entry.options[OPT_TAGS], BOILER["setpoint"]: limited},
        },
    )
    await add_control(hass, entry, "climate", BOILER)
    state = hass.states.get("climate.boiler")
    assert state is not None
    assert (state.attributes["min_temp"], state.attributes["max_temp"]) == (0, 95)
    with pytest.raises(ServiceValidationError):
        await call(hass, "climate", "set_temperature", "climate.boiler", temperature=120)
    assert wincc_sim.value("Boiler.Setpoint") == 60.0


async def test_a_mode_tag_turns_the_climate_control_off_and_on(
    hass: HomeAssistant, entry: MockConfigEntry, wincc_sim: SimHandle
) -> None:
    """Off writes 0 to the integer mode tag; heat writes 1; a mode with the temperature
    writes both."""
    await add_control(hass, entry, "climate", OVEN)
    state = hass.states.get("climate.oven")
    assert state is not None
    assert state.attributes["hvac_modes"] == [HVACMode.OFF, HVACMode.HEAT]
    await call(hass, "climate", "set_hvac_mode", "climate.oven", hvac_mode="off")
    assert wincc_sim.value("Oven_Mode") == 0
    assert hass.states.get("climate.oven").state == HVACMode.OFF  # type: ignore[union-attr]
    await call(
        hass, "climate", "set_temperature", "climate.oven", temperature=200, hvac_mode="heat"
    )
    assert (wincc_sim.value("Oven_Mode"), wincc_sim.value("Oven_Setpoint")) == (1, 200.0)


async def test_a_valve_opens_to_a_position_and_shows_its_feedback(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Set position, open and close write the output; the state shows the feedback."""
    await add_control(hass, entry, "valve", VALVE)
    state = hass.states.get("valve.valve_3")
    assert state is not None
    assert state.name == "Valve 3"
    assert state.attributes["current_position"] == 30
    await call(hass, "valve", "set_valve_position", "valve.valve_3", position=50)
    assert wincc_sim.value("Valve3_Position") == 50.0
    await call(hass, "valve", "open_valve", "valve.valve_3")
    assert wincc_sim.value("Valve3_Position") == 100.0
    await call(hass, "valve", "close_valve", "valve.valve_3")
    assert wincc_sim.value("Valve3_Position") == 0.0
    wincc_sim.advance(60)
    await poll(hass, freezer)
    state = hass.states.get("valve.valve_3")
    assert state is not None
    assert state.attributes["current_position"] == 0
    assert state.state == "closed"


async def test_a_select_names_the_mode_tag_s_values(
    hass: HomeAssistant, entry: MockConfigEntry, wincc_sim: SimHandle
) -> None:
    """The current value shows by its name; choosing a name writes its value."""
    await add_control(hass, entry, "select", OVEN_MODE)
    state = hass.states.get("select.oven_program")
    assert state is not None
    assert state.state == "Bake"
    assert state.attributes["options"] == ["Off", "Heat-up", "Bake", "Cool-down"]
    await call(hass, "select", "select_option", "select.oven_program", option="Cool-down")
    assert wincc_sim.value("Oven_Mode") == 3
    assert hass.states.get("select.oven_program").state == "Cool-down"  # type: ignore[union-attr]


async def test_a_button_writes_true_then_false_after_its_delay(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A press writes the command bit true; the reset writes it false two seconds on."""
    await add_control(hass, entry, "button", RESET)
    assert hass.states.get("button.pump_1_fault_reset") is not None
    await call(hass, "button", "press", "button.pump_1_fault_reset")
    assert wincc_sim.value("Pump1_Reset") is True
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert wincc_sim.value("Pump1_Reset") is False


async def test_a_failed_reset_is_logged_and_leaves_the_bit(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A runtime stopped when the reset is due: a warning names the button; the bit
    stays true for the operator to see."""
    await add_control(hass, entry, "button", RESET)
    await call(hass, "button", "press", "button.pump_1_fault_reset")
    wincc_sim.faults(paused=True)
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    wincc_sim.faults(paused=False)
    assert wincc_sim.value("Pump1_Reset") is True
    assert "button.pump_1_fault_reset: writing the command bit false again failed" in caplog.text


@pytest.mark.parametrize(
    ("kind", "data", "errors"),
    [
        ("climate", {**BOILER, "name": "  "}, {"name": "no_name"}),
        ("climate", {**BOILER, "minimum": 95}, {"maximum": "min_not_below_max"}),
        ("select", {**OVEN_MODE, "states": "0=Off"}, {"states": "bad_states"}),
    ],
)
async def test_a_control_that_cannot_work_is_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    kind: str,
    data: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Each wrong answer is named at its field, and nothing is saved."""
    result = await add_control(hass, entry, kind, data)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert not entry.options.get(OPT_CONTROLS)


@pytest.mark.parametrize(
    ("kind", "chosen", "field"),
    [
        (ControlKind.CLIMATE, {**BOILER, "setpoint": f"{S}Boiler.Burner_On"}, "setpoint"),
        (ControlKind.CLIMATE, {**BOILER, "temperature": f"{S}Gone"}, "temperature"),
        (ControlKind.VALVE, {"feedback": VALVE["feedback"]}, "position"),
    ],
)
def test_each_role_takes_an_exposed_tag_of_a_kind_that_fits(
    entry: MockConfigEntry, kind: ControlKind, chosen: dict[str, Any], field: str
) -> None:
    """The form offers only fitting tags; a tag gone or changed since is still refused."""
    tags = EntryOptions.from_options(entry.options).tags
    with pytest.raises(ControlError) as caught:
        ControlConfig.build(kind, "Control", chosen, tags)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "text", ["", "0=Off", "0=Off, 0=On", "0=Off, 1=Off", "x=Off, 1=On", "0=, 1=On", "0 Off, 1=On"]
)
def test_states_are_value_name_pairs(text: str) -> None:
    """At least two, each value and each name once."""
    with pytest.raises(ControlError):
        parse_states(text)
    assert parse_states("0=Off\n1=Heat-up,-1=Fault") == {0: "Off", 1: "Heat-up", -1: "Fault"}


async def test_controls_go_when_removed_or_their_tags_do(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Removing a control removes its entity, not its tags; a control whose tag is no
    longer exposed goes too."""
    await add_control(hass, entry, "valve", VALVE)
    await add_control(hass, entry, "select", OVEN_MODE)
    result = await options(hass, entry.entry_id, "controls")
    result = await answer(hass, result, {"next_step_id": "remove_controls"})
    await answer(hass, result, {"controls": ["valve_valve_3"]})
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    assert registry.async_get("valve.valve_3") is None
    assert VALVE["position"] in entry.options[OPT_TAGS]
    result = await options(hass, entry.entry_id, "remove_tags")
    await answer(hass, result, {"tags": [OVEN_MODE["value"]]})
    await hass.async_block_till_done()
    assert entry.options[OPT_CONTROLS] == []
    assert registry.async_get("select.oven_program") is None


async def test_a_control_is_unavailable_while_a_tag_it_needs_is_not(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A bad actual temperature makes the climate control unavailable."""
    await add_control(hass, entry, "climate", BOILER)
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Boiler.Temperature", 0x08))
    await poll(hass, freezer)
    assert hass.states.get("climate.boiler").state == "unavailable"  # type: ignore[union-attr]


async def test_the_tag_map_carries_the_controls(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The exported YAML holds the controls; imported back, it makes them again; a map
    without them (a list, or CSV) leaves them; a wrong control changes nothing."""
    await add_control(hass, entry, "valve", VALVE)
    result = await options(hass, entry.entry_id, "tag_map")
    exported = result["description_placeholders"]["yaml"]
    assert "controls:" in exported
    document = yaml.safe_load(exported)
    for text, problem in (
        (yaml.safe_dump({**document, "controls": [{"kind": "valve", "name": "V"}]}), "Control 1"),
        (
            yaml.safe_dump({**document, "controls": [{**document["controls"][0], "kind": "x"}]}),
            "needs kind",
        ),
        (yaml.safe_dump({**document, "controls": "valve"}), "must be a list"),
    ):
        result = await answer(hass, result, {"tag_map": text})
        assert result["errors"] == {"tag_map": "bad_map"}
        assert problem in result["description_placeholders"]["problem"]
    await answer(hass, result, {"tag_map": yaml.safe_dump({**document, "controls": []})})
    await hass.async_block_till_done()
    assert hass.states.get("valve.valve_3") is None
    result = await options(hass, entry.entry_id, "tag_map")
    await answer(hass, result, {"tag_map": yaml.safe_dump(document["tags"])})
    await hass.async_block_till_done()
    assert entry.options[OPT_CONTROLS] == []
    result = await options(hass, entry.entry_id, "tag_map")
    await answer(hass, result, {"tag_map": exported})
    await hass.async_block_till_done()
    assert hass.states.get("valve.valve_3") is not None
