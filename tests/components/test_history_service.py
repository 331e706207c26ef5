"""wincc.get_history against wincc-sim on both server types."""

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.wincc.client import Capability
from custom_components.wincc.const import DOMAIN
from simulator.runtime import RuntimeOptions
from tests.components.conftest import EntryFactory, setup_entry
from tests.conftest import SIM_START


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Ten minutes of logged history before the test starts (a sample every 10 s)."""
    return RuntimeOptions(history_prefill=timedelta(minutes=10))


async def history(hass: HomeAssistant, entry_id: str, **data: Any) -> Any:
    """Call wincc.get_history for its response."""
    return await hass.services.async_call(
        DOMAIN,
        "get_history",
        {"config_entry_id": entry_id, **data},
        blocking=True,
        return_response=True,
    )


@pytest.mark.parametrize(
    ("server_type", "tag"), [("unified", "HMI_RT_1::Tank1_Level"), ("classic", "Tank1_Level")]
)
async def test_values_in_a_range(
    hass: HomeAssistant, make_entry: EntryFactory, server_type: str, tag: str
) -> None:
    """A minute of values, with timestamps and quality; the size limit applies."""
    entry = make_entry(server_type)
    await setup_entry(hass, entry)
    response = await history(
        hass, entry.entry_id, tags=[tag], start=SIM_START - timedelta(minutes=1), end=SIM_START
    )
    values = response["tags"][tag]
    assert [v["timestamp"] for v in values] == [
        (SIM_START - timedelta(seconds=s)).isoformat() for s in (60, 50, 40, 30, 20, 10, 0)
    ]
    assert {v["quality"] for v in values} == {"good"}
    assert all(isinstance(v["value"], float) for v in values)
    limited = await history(
        hass,
        entry.entry_id,
        tags=[tag],
        start=SIM_START - timedelta(minutes=5),
        end=SIM_START,
        max_values=3,
    )
    assert len(limited["tags"][tag]) == 3


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"start": SIM_START, "end": SIM_START - timedelta(minutes=1)}, "bad_range"),
        ({"start": SIM_START - timedelta(days=40), "end": SIM_START}, "range_too_long"),
        (
            {"start": SIM_START - timedelta(minutes=1), "end": SIM_START, "max_values": 20_000},
            "too_many_values",
        ),
    ],
)
async def test_bad_requests(
    hass: HomeAssistant, make_entry: EntryFactory, data: dict[str, Any], key: str
) -> None:
    """A reversed or too long range, or too many values: translated validation errors."""
    entry = make_entry()
    await setup_entry(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await history(hass, entry.entry_id, tags=["HMI_RT_1::Tank1_Level"], **data)
    assert err.value.translation_key == key


async def test_a_tag_without_history(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """A tag that is not logged: the server's answer, translated."""
    entry = make_entry()
    await setup_entry(hass, entry)
    with pytest.raises(HomeAssistantError) as err:
        await history(
            hass,
            entry.entry_id,
            tags=["HMI_RT_1::Pump1_Command"],
            start=SIM_START - timedelta(minutes=1),
            end=SIM_START,
        )
    assert err.value.translation_key == "not_found"


async def test_a_server_without_history(hass: HomeAssistant, make_entry: EntryFactory) -> None:
    """Where the server keeps no history (no backend of today lacks it, so the learned
    capabilities are narrowed by hand), the action says so before asking the server."""
    entry = make_entry()
    await setup_entry(hass, entry)
    client = entry.runtime_data.client
    client.capabilities = client.capabilities - {Capability.HISTORY}
    with pytest.raises(ServiceValidationError) as err:
        await history(hass, entry.entry_id, tags=["HMI_RT_1::Tank1_Level"], start=SIM_START)
    assert err.value.translation_key == "history_unsupported"
