"""Reauth, reconfigure and options, on entries set up against wincc-sim."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from custom_components.wincc.const import (
    CONF_TLS_FINGERPRINT,
    DOMAIN,
    OPT_PATTERNS,
    OPT_READ_ONLY,
    OPT_RETRY_AFTER_CAP,
    OPT_SCAN_INTERVAL,
    OPT_TAGS,
    OPT_TOLERATED_FAILURES,
)
from custom_components.wincc.identity import entity_unique_id
from simulator.certificate import Certificate
from simulator.runtime import RuntimeOptions
from tests.client.conftest import address
from tests.components.conftest import EntryFactory, answer, options, setup_entry
from tests.conftest import SimHandle, running_simulator

# --- reauth -------------------------------------------------------------------------------


async def test_password_change_leads_to_reauth(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A refused password starts reauth; a wrong answer is refused; the right one reloads."""
    entry = make_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PASSWORD: "old"})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == "reauth"
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: "operator", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: "operator", CONF_PASSWORD: "operator"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_PASSWORD] == "operator"
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_with_a_changed_certificate(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """Reauth cannot fix a changed certificate, and says so."""
    entry = make_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_TLS_FINGERPRINT: "AB" * 32}
    )
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "operator", CONF_PASSWORD: "operator"}
    )
    assert result["errors"] == {"base": "certificate_changed"}


# --- reconfigure --------------------------------------------------------------------------


async def test_reconfigure_keeps_entities(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """New credentials on the same server: reloaded, same entities."""
    entry = make_entry()
    await setup_entry(hass, entry)
    before = {
        e.entity_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    data = {k: entry.data[k] for k in (CONF_HOST, CONF_PORT, CONF_USERNAME)} | {
        CONF_PASSWORD: "wrong"
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], data | {CONF_PASSWORD: "operator"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    after = {
        e.entity_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    assert after == before
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_a_new_certificate(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A server with a new certificate: shown, trusted, and stored."""
    entry = make_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_TLS_FINGERPRINT: "AB" * 32}
    )
    result = await entry.start_reconfigure_flow(hass)
    data = {k: entry.data[k] for k in (CONF_HOST, CONF_PORT, CONF_USERNAME, CONF_PASSWORD)}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    assert result["step_id"] == "certificate"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"trust": "pin"})
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_TLS_FINGERPRINT] == wincc_sim.certificate.fingerprint


async def test_reconfigure_login_error_after_certificate(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """Trusted, but the password is wrong: back on the reconfigure form."""
    entry = make_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_TLS_FINGERPRINT: "AB" * 32}
    )
    result = await entry.start_reconfigure_flow(hass)
    data = {k: entry.data[k] for k in (CONF_HOST, CONF_PORT, CONF_USERNAME)} | {
        CONF_PASSWORD: "wrong"
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"trust": "pin"})
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}


async def test_reconfigure_to_a_moved_server(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    sim_certificate: Certificate,
) -> None:
    """The server moved: the entry's unique ID follows its address, entities keep theirs,
    and the old address can be added again."""
    entry = make_entry()
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    before = {
        (e.entity_id, e.unique_id)
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
    }
    old_host, old_port = address(wincc_sim.unified_url)
    with running_simulator(sim_certificate, RuntimeOptions()) as moved:
        host, port = address(moved.unified_url)
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_HOST: host,
                CONF_PORT: port,
                CONF_USERNAME: "operator",
                CONF_PASSWORD: "operator",
            },
        )
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done()
        assert entry.unique_id == f"{host}:{port}"
        assert entry.state is ConfigEntryState.LOADED
        after = {
            (e.entity_id, e.unique_id)
            for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        }
        assert after == before
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                "server_type": "unified",
                CONF_HOST: old_host,
                CONF_PORT: old_port,
                CONF_USERNAME: "operator",
                CONF_PASSWORD: "operator",
            },
        )
        assert result["step_id"] == "certificate"  # not "already configured"
        await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_onto_another_entry(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Moving an entry onto a server another entry has is refused."""
    unified, classic = make_entry("unified"), make_entry("classic")
    unified.add_to_hass(hass)
    classic.add_to_hass(hass)
    result = await unified.start_reconfigure_flow(hass)
    host, port = address(wincc_sim.classic_url)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: host, CONF_PORT: port, CONF_USERNAME: "operator", CONF_PASSWORD: "operator"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


# --- options ------------------------------------------------------------------------------


async def test_settings(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """Polling interval, read-only mode, tolerance and the Retry-After cap are stored;
    the entry reloads."""
    entry = make_entry()
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "settings")
    settings = {OPT_SCAN_INTERVAL: 5, OPT_READ_ONLY: True, OPT_TOLERATED_FAILURES: 0}
    result = await answer(hass, result, {**settings, OPT_RETRY_AFTER_CAP: 90})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert (
        entry.options[OPT_SCAN_INTERVAL],
        entry.options[OPT_READ_ONLY],
        entry.options[OPT_TOLERATED_FAILURES],
        entry.options[OPT_RETRY_AFTER_CAP],
    ) == (5, True, 0, 90)
    coordinator = entry.runtime_data.coordinator
    assert coordinator.options.read_only is True
    assert coordinator.update_interval is not None
    assert coordinator.update_interval.total_seconds() == 5


async def test_add_tags(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """Browse and add a tag, writable; its entity appears after the reload."""
    entry = make_entry(tags=["Tank1_Level"])
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "add_tags")
    assert result["step_id"] == "tags"
    result = await answer(hass, result, {"pattern": "Conveyor_Speed"})
    result = await answer(hass, result, {"tags": ["HMI_RT_1::Conveyor_Speed"]})
    assert result["step_id"] == "writable"
    result = await answer(hass, result, {"writable": ["HMI_RT_1::Conveyor_Speed"]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[OPT_TAGS]["HMI_RT_1::Conveyor_Speed"]["writable"] is True
    assert hass.states.get("number.conveyor_speed") is not None


async def test_add_tags_browse_error(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Browsing a stopped server shows an error in the options too."""
    entry = make_entry(tags=["Tank1_Level"])
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "add_tags")
    wincc_sim.faults(paused=True)
    result = await answer(hass, result, {"pattern": "*"})
    assert result["errors"] == {"base": "server_busy"}


async def test_remove_tags_and_patterns(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """Removed tags lose their entities; a dropped pattern is no longer followed."""
    entry = make_entry(**{OPT_PATTERNS: ["Tank*", "Pump*"]})
    await setup_entry(hass, entry)
    assert hass.states.get("sensor.tank_1_level") is not None
    result = await options(hass, entry.entry_id, "remove_tags")
    result = await answer(
        hass, result, {"tags": ["HMI_RT_1::Tank1_Level"], OPT_PATTERNS: ["Tank*"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert "HMI_RT_1::Tank1_Level" not in entry.options[OPT_TAGS]
    assert entry.options[OPT_PATTERNS] == ["Pump*"]
    assert er.async_get(hass).async_get("sensor.tank_1_level") is None


async def test_tag_overrides(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """Name, unit, classes, writability and limits of one tag; limits must make sense."""
    entry = make_entry()
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "tag_settings")
    result = await answer(hass, result, {"tag": "HMI_RT_1::Boiler.Setpoint"})
    assert result["step_id"] == "tag_overrides"
    assert result["description_placeholders"] == {"tag": "HMI_RT_1::Boiler.Setpoint"}
    classes = {str(key): field for key, field in result["data_schema"].schema.items()}
    labels = {o["value"]: o["label"] for o in classes["device_class"].config["options"]}
    assert labels["apparent_power"] == "Apparent power"  # Home Assistant's own words
    states = {o["value"]: o["label"] for o in classes["state_class"].config["options"]}
    assert states["total_increasing"] == "Total increasing"
    overrides = {
        "name_override": "Boiler target",
        "unit_override": "°C",
        "device_class": "temperature",
        "writable": True,
        "minimum": 90.0,
        "maximum": 20.0,
    }
    result = await answer(hass, result, overrides)
    assert result["errors"] == {"maximum": "min_not_below_max"}
    result = await answer(hass, result, overrides | {"minimum": 20.0, "maximum": 90.0, "step": 0.5})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entity_id = er.async_get(hass).async_get_entity_id(
        "number", DOMAIN, entity_unique_id(entry, "HMI_RT_1::Boiler.Setpoint")
    )
    assert entity_id == "number.boiler_setpoint"  # the entity keeps its ID when renamed
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.name == "Boiler Target"
    assert (state.attributes["min"], state.attributes["max"], state.attributes["step"]) == (
        20.0,
        90.0,
        0.5,
    )
    assert state.attributes["unit_of_measurement"] == "°C"


async def test_overrides_of_a_text_tag_and_making_it_read_only(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A text tag has no unit or limits; unticking writable makes it a sensor."""
    entry = make_entry()
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "tag_settings")
    result = await answer(hass, result, {"tag": "HMI_RT_1::Batch_Name"})
    fields = {str(key) for key in result["data_schema"].schema}
    assert fields == {"name_override", "writable"}
    result = await answer(hass, result, {"writable": False})
    await hass.async_block_till_done()
    assert hass.states.get("sensor.batch_name") is not None
    assert er.async_get(hass).async_get("text.batch_name") is None


async def test_overrides_of_a_tag_of_unknown_type(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A tag whose data type is unknown can be renamed, but never written."""
    entry = make_entry(tags=["Tank1_Level"])
    raw = dict(entry.options[OPT_TAGS]["HMI_RT_1::Tank1_Level"]) | {"kind": "other"}
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, OPT_TAGS: {"HMI_RT_1::Tank1_Level": raw}}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await options(hass, entry.entry_id, "tag_settings")
    result = await answer(hass, result, {"tag": "HMI_RT_1::Tank1_Level"})
    assert {str(key) for key in result["data_schema"].schema} == {"name_override"}
    result = await answer(hass, result, {"name_override": "Level"})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_alarm_options(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Alarm options are stored; a minimum priority and classes narrow what is read."""
    entry = make_entry()
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "alarms")
    assert result["step_id"] == "alarms"
    result = await answer(
        hass,
        result,
        {
            "alarms": True,
            "alarm_scan_interval": 3,
            "alarm_min_priority": 10,
            "alarm_classes": "Alarm, Warning",
            "alarm_filter": "",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["alarm_classes"] == ["Alarm", "Warning"]
    wincc_sim.write("Pump1_Fault", True)  # priority 14, Alarm
    wincc_sim.write("Conveyor_Running", False)  # priority 2, Information
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    await alarms.async_refresh()
    assert [key[0] for key in alarms.data] == ["HMI_RT_1::Pump1_Fault"]
    result = await options(hass, entry.entry_id, "alarms")
    result = await answer(hass, result, {"alarms": False, "alarm_scan_interval": 5})
    await hass.async_block_till_done()
    assert entry.runtime_data.alarms is None
    assert er.async_get(hass).async_get("event.wincc_unified_alarms") is None


async def test_rules_by_pattern(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """A rule gives the matching tags its unit and classes at once, but not what a tag
    set itself; tags added later get it too; a rule that matches nothing is refused;
    removing a rule keeps what it gave."""
    entry = make_entry(tags=["Tank1_Temperature", "Boiler.Temperature", "Tank1_Level"])
    tags = dict(entry.options[OPT_TAGS])
    own = "HMI_RT_1::Boiler.Temperature"
    tags[own] = {**tags[own], "unit_override": "K"}
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_TAGS: tags})
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "tag_rules")
    assert result["description_placeholders"] == {"rules": "0"}
    result = await answer(hass, result, {"pattern": "*Nothing*", "unit_override": "°C"})
    assert result["errors"] == {"pattern": "no_match"}
    result = await answer(hass, result, {"pattern": "*Temp*", "minimum": 5.0, "maximum": 1.0})
    assert result["errors"] == {"maximum": "min_not_below_max"}
    rule = {"pattern": "*Temperature*", "unit_override": "°C", "device_class": "temperature"}
    result = await answer(hass, result, {**rule, "state_class": "measurement"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    stored = entry.options[OPT_TAGS]
    assert stored["HMI_RT_1::Tank1_Temperature"]["unit_override"] == "°C"
    assert stored["HMI_RT_1::Tank1_Temperature"]["device_class"] == "temperature"
    assert stored[own]["unit_override"] == "K"  # its own choice stays
    assert "unit_override" not in stored["HMI_RT_1::Tank1_Level"]
    temperature = hass.states.get("sensor.tank_1_temperature")
    assert temperature is not None
    assert temperature.attributes["device_class"] == "temperature"
    # A tag added later, through the options, gets the rule too.
    result = await options(hass, entry.entry_id, "add_tags")
    result = await answer(hass, result, {"pattern": "Tank2_Temperature"})
    result = await answer(hass, result, {"all_matches": True})
    if result.get("step_id") == "writable":
        result = await answer(hass, result, {})
    await hass.async_block_till_done()
    assert entry.options[OPT_TAGS]["HMI_RT_1::Tank2_Temperature"]["unit_override"] == "°C"
    result = await options(hass, entry.entry_id, "tag_rules")
    assert result["description_placeholders"] == {"rules": "1"}
    described = "*Temperature*: °C, temperature, measurement"
    result = await answer(hass, result, {"remove_rules": [described]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["tag_rules"] == []
    assert entry.options[OPT_TAGS]["HMI_RT_1::Tank1_Temperature"]["unit_override"] == "°C"
