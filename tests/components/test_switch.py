"""Switch entities: boolean tags Home Assistant may write."""

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.wincc.client import WinCCConnectionError
from tests.components.conftest import EntryFactory, setup_entry, snapshot_one_platform
from tests.conftest import SimHandle


@pytest.mark.parametrize(
    ("server_type", "entity_id"),
    [
        ("unified", "switch.pump_1_command"),
        ("classic", "switch.pump_1_command"),
    ],
)
async def test_turn_off_and_on(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    server_type: str,
    entity_id: str,
) -> None:
    """Turning off stops the pump in the plant; turning on starts it again."""
    await setup_entry(hass, make_entry(server_type))
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert wincc_sim.value("Pump1_Command") is False
    assert hass.states.get(entity_id).state == "off"  # type: ignore[union-attr]
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert wincc_sim.value("Pump1_Command") is True


async def _viewer_entry(
    hass: HomeAssistant, make_entry: EntryFactory, server_type: str
) -> MockConfigEntry:
    entry = make_entry(server_type, user="viewer")
    await setup_entry(hass, entry)
    return entry


async def test_read_only_user_on_unified(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Unified refuses a viewer's write per tag (code 1): shown, nothing changes."""
    await _viewer_entry(hass, make_entry, "unified")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: "switch.pump_1_command"},
            blocking=True,
        )
    assert err.value.translation_key == "write_refused"
    assert err.value.translation_placeholders["code"] == "1"
    assert wincc_sim.value("Pump1_Command") is True


async def test_read_only_user_on_classic(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """The classic service answers 403: a permission error."""
    await _viewer_entry(hass, make_entry, "classic")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: "switch.pump_1_command"},
            blocking=True,
        )
    assert err.value.translation_key == "no_permission"


async def test_refused_credentials_on_write_start_reauth(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A password changed on the server shows on the next write, and reauth begins."""
    await setup_entry(hass, make_entry("classic"))
    wincc_sim.thread.call(lambda: wincc_sim.runtime.directory.set_password("operator", "changed"))
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: "switch.pump_1_command"},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    assert [
        f["context"]["source"] for f in hass.config_entries.flow.async_progress_by_handler("wincc")
    ] == ["reauth"]


async def test_failed_read_back_falls_back_to_polling(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """The write succeeded but reading it back failed: the next poll shows it."""
    entry = make_entry()
    await setup_entry(hass, entry)
    client = entry.runtime_data.coordinator.client
    original = client.read
    calls = 0

    async def read_failing_once(names: list[str]) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls == 1:  # a drop exactly between write and read-back: not producible on demand
            raise WinCCConnectionError("dropped")
        return await original(names)  # type: ignore[return-value]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(client, "read", read_failing_once)
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: "switch.pump_1_command"},
            blocking=True,
        )
        await hass.async_block_till_done(wait_background_tasks=True)
    assert calls == 2
    assert hass.states.get("switch.pump_1_command").state == "off"  # type: ignore[union-attr]


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_entities(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    server_type: str,
) -> None:
    """Every switch of the demo plant: state, attributes and registry entry."""
    await snapshot_one_platform(
        hass, make_entry(server_type), Platform.SWITCH, entity_registry, snapshot
    )
