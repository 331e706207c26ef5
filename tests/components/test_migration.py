"""Migrating version 1 entries: entities and devices keyed by the entry, not its address."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc.const import DOMAIN
from custom_components.wincc.identity import (
    entity_unique_id,
    part_identifier,
    runtime_identifier,
)
from custom_components.wincc.migration import CURRENT_VERSION, async_migrate_entry
from tests.components.conftest import EntryFactory

# What a version 1 entry kept as its unique ID: the address it was first set up at.
FIRST_ADDRESS = "10.0.0.7:443"


def version_one(make_entry: EntryFactory, hass: HomeAssistant) -> MockConfigEntry:
    """An entry as version 1 stored it, moved since by reconfigure, with its registry."""
    current = make_entry()
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=1,
        title=current.title,
        unique_id=FIRST_ADDRESS,
        data=dict(current.data),
        options=dict(current.options),
    )
    entry.add_to_hass(hass)
    entities = er.async_get(hass)
    for platform, tag, entity_id in (
        ("sensor", "HMI_RT_1::Tank1_Level", "sensor.my_tank_level"),
        ("number", "HMI_RT_1::Boiler.Setpoint", "number.my_boiler_setpoint"),
        ("event", "alarms", "event.my_alarms"),
    ):
        entities.async_get_or_create(
            platform,
            DOMAIN,
            f"{FIRST_ADDRESS}_{tag}",
            config_entry=entry,
            suggested_object_id=entity_id.split(".")[1],
        )
    devices = dr.async_get(hass)
    devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, FIRST_ADDRESS)}
    )
    devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"{FIRST_ADDRESS}_HMI_RT_1::Boiler")}
    )
    return entry


async def test_version_one_entry_migrates(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """Entity IDs (and so history) stay; unique IDs, device identifiers and the entry's
    unique ID are what version 2 expects, and the entry loads."""
    entry = version_one(make_entry, hass)
    devices = dr.async_get(hass)
    runtime_before = devices.async_get_device_by_identifier((DOMAIN, FIRST_ADDRESS), entry.entry_id)
    assert runtime_before is not None
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.version == CURRENT_VERSION
    assert entry.unique_id == f"{entry.data['host']}:{entry.data['port']}"
    entities = er.async_get(hass)
    for platform, key, entity_id in (
        ("sensor", "HMI_RT_1::Tank1_Level", "sensor.my_tank_level"),
        ("number", "HMI_RT_1::Boiler.Setpoint", "number.my_boiler_setpoint"),
        ("event", "alarms", "event.my_alarms"),
    ):
        assert entities.async_get_entity_id(platform, DOMAIN, entity_unique_id(entry, key)) == (
            entity_id
        )
        assert hass.states.get(entity_id) is not None
    runtime = devices.async_get_device_by_identifier(runtime_identifier(entry), entry.entry_id)
    assert runtime is not None
    assert runtime.id == runtime_before.id
    boiler = devices.async_get_device_by_identifier(
        part_identifier(entry, "HMI_RT_1::Boiler"), entry.entry_id
    )
    assert boiler is not None
    assert boiler.via_device_id == runtime.id


async def test_address_held_by_another_entry_is_left(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """If another entry already holds the address, the unique ID is not taken from it."""
    entry = version_one(make_entry, hass)
    address = f"{entry.data['host']}:{entry.data['port']}"
    MockConfigEntry(domain=DOMAIN, version=CURRENT_VERSION, unique_id=address).add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.version == CURRENT_VERSION
    assert entry.unique_id == FIRST_ADDRESS


async def test_registry_entries_keyed_otherwise_are_left(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """Only what version 1 keyed by the entry's old unique ID is rekeyed."""
    entry = version_one(make_entry, hass)
    entities, devices = er.async_get(hass), dr.async_get(hass)
    other = entities.async_get_or_create("sensor", DOMAIN, "unrelated", config_entry=entry)
    device = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "unrelated"), ("other", "x")}
    )
    assert await async_migrate_entry(hass, entry)
    assert entities.async_get(other.entity_id).unique_id == "unrelated"
    assert devices.async_get(device.id).identifiers == {(DOMAIN, "unrelated"), ("other", "x")}


async def test_entry_of_a_newer_version_is_not_loaded(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """An entry written by a newer integration is refused, not misread."""
    current = make_entry()
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=CURRENT_VERSION + 1,
        data=dict(current.data),
        options=dict(current.options),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_version_two_names_the_server_not_its_address(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A title made of the address becomes the system name; entity IDs that began with
    it follow (the registry carries their history); raw classic names read as words;
    display names the server gave stay."""
    current = make_entry()
    host = current.data["host"]
    tags = dict(current.options["tags"])
    tags["HMI_RT_1::Pump1_Fault"] = {
        **tags["HMI_RT_1::Tank1_Level"],
        "name": "HMI_RT_1::Pump1_Fault",
        "display_name": "Pump1_Fault",
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=2,
        title=f"WinCC Unified {host}",
        unique_id=current.unique_id,
        data=dict(current.data),
        options={**current.options, "tags": tags},
    )
    entry.add_to_hass(hass)
    entities = er.async_get(hass)
    address = host.replace(".", "_")
    level = entities.async_get_or_create(
        "sensor",
        DOMAIN,
        entity_unique_id(entry, "HMI_RT_1::Tank1_Level"),
        config_entry=entry,
        suggested_object_id=f"wincc_unified_{address}_tank_1_level",
    )
    mine = entities.async_get_or_create(
        "sensor", DOMAIN, "other", config_entry=entry, suggested_object_id="my_own_name"
    )
    assert await async_migrate_entry(hass, entry)
    assert entry.version == CURRENT_VERSION
    assert entry.title == "HMI_RT_1"
    assert entities.async_get(level.entity_id) is None
    assert entities.async_get("sensor.hmi_rt_1_tank_1_level") is not None
    assert entities.async_get(mine.entity_id) is not None
    shown = {name: tag["display_name"] for name, tag in entry.options["tags"].items()}
    assert shown["HMI_RT_1::Pump1_Fault"] == "Pump 1 fault"
    assert shown["HMI_RT_1::Tank1_Level"] == tags["HMI_RT_1::Tank1_Level"]["display_name"]


async def test_a_title_the_user_chose_stays(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """Only a title made of the address is replaced."""
    current = make_entry()
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=2,
        title="Boiler house",
        unique_id=current.unique_id,
        data=dict(current.data),
        options=dict(current.options),
    )
    entry.add_to_hass(hass)
    assert await async_migrate_entry(hass, entry)
    assert (entry.title, entry.version) == ("Boiler house", CURRENT_VERSION)
