"""The classic backend against wincc-sim: every operation and its quirks."""

from datetime import timedelta
import ssl

import aiohttp
import pytest

from custom_components.wincc.client import (
    AlarmAction,
    AlarmIdentifier,
    AlarmState,
    AuthenticationError,
    Capability,
    ClassicClient,
    DataKind,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    Quality,
    UnsupportedFeatureError,
    classic as classic_module,
)
from simulator.runtime import RuntimeOptions
from tests.client.conftest import RequestCounter, server
from tests.conftest import SIM_START, SimHandle


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Ten minutes of history, so history reads have data."""
    return RuntimeOptions(history_prefill=timedelta(minutes=10))


async def test_read_values_quality_and_errors(classic: ClassicClient, wincc_sim: SimHandle) -> None:
    """Values with raw quality bytes; unknown and structure tags fail alone."""
    values = await classic.read(["Batch_Name", "Tank2_Temperature", "Nope", "Boiler"])
    assert values["Batch_Name"].value == "BATCH-0001"
    assert (values["Batch_Name"].quality, values["Batch_Name"].quality_raw) == (Quality.GOOD, 0xC0)
    # The first read of an on-demand tag is its start value, uncertain.
    assert (values["Tank2_Temperature"].quality, values["Tank2_Temperature"].quality_raw) == (
        Quality.UNCERTAIN,
        0x4C,
    )
    assert values["Nope"].error is not None
    assert values["Nope"].error.code == "2"
    assert values["Boiler"].error is not None


async def test_invisible_characters_are_stripped(classic: ClassicClient) -> None:
    """A name with a byte-order mark would fail silently; the client cleans it."""
    values = await classic.read(["\ufeffBatch_Name"])
    assert values["\ufeffBatch_Name"].value == "BATCH-0001"


async def test_writes(classic: ClassicClient, wincc_sim: SimHandle) -> None:
    """PUT Values writes; a refused value fails for that tag only."""
    results = await classic.write(
        {"Oven_Setpoint": 210.0, "Conveyor_Speed": 9.0, "\u200bBatch_Name": "B-9"}
    )
    assert results["Oven_Setpoint"].ok
    assert results["\u200bBatch_Name"].ok
    assert results["Conveyor_Speed"].error is not None
    assert results["Conveyor_Speed"].error.code == "201"
    assert wincc_sim.value("Oven_Setpoint") == 210.0
    assert wincc_sim.value("Batch_Name") == "B-9"


async def test_kinds_learned_from_reads_check_writes(
    classic: ClassicClient, requests: RequestCounter
) -> None:
    """Rows carry the data type; a later bad write is refused before sending."""
    await classic.read(["Pump1_Command"])
    sent = requests.count
    with pytest.raises(InvalidArgumentError, match="is not a boolean"):
        await classic.write({"Pump1_Command": 1})
    assert requests.count == sent


async def test_viewer_write_is_permission_denied(
    wincc_sim: SimHandle, session: aiohttp.ClientSession, sim_ssl: ssl.SSLContext
) -> None:
    """The classic service answers 403 for a read-only user's write."""
    client = ClassicClient(session, server(wincc_sim.classic_url, sim_ssl), "viewer", "viewer")
    await client.login()
    with pytest.raises(PermissionDeniedError, match="permission"):
        await client.write({"Pump1_Command": False})


@pytest.mark.parametrize(("user", "password"), [("operator", "wrong"), ("guest", "guest")])
async def test_wrong_credentials_or_no_rest_right(
    wincc_sim: SimHandle,
    session: aiohttp.ClientSession,
    sim_ssl: ssl.SSLContext,
    user: str,
    password: str,
) -> None:
    """401 for both, with a message about credentials and the REST right."""
    client = ClassicClient(session, server(wincc_sim.classic_url, sim_ssl), user, password)
    with pytest.raises(AuthenticationError, match="right"):
        await client.login()


async def test_browse_pages_through_everything(
    wincc_sim: SimHandle,
    session: aiohttp.ClientSession,
    sim_ssl: ssl.SSLContext,
    requests: RequestCounter,
) -> None:
    """Every tag, over several pages, with kinds, units, groups and structures."""
    client = ClassicClient(session, server(wincc_sim.classic_url, sim_ssl), "operator", "operator")
    original = classic_module.PAGE_SIZE
    classic_module.PAGE_SIZE = 5
    try:
        tags = {t.name: t for t in await client.browse()}
    finally:
        classic_module.PAGE_SIZE = original
    assert requests.count == 6  # 26 tags, 5 per page
    assert len(tags) == 26
    setpoint = tags["Boiler.Setpoint"]
    assert (
        setpoint.kind,
        setpoint.unit,
        setpoint.structure,
        setpoint.group,
        setpoint.connection,
    ) == (
        DataKind.FLOAT,
        "°C",
        "Boiler",
        "Boiler",
        "PLC_Boiler",
    )
    assert tags["Pump1_Status"].kind is DataKind.BOOL
    assert {t.name for t in await client.browse("pump1*")} == {
        "Pump1_Command",
        "Pump1_Status",
        "Pump1_Fault",
        "Pump1_Reset",
    }


async def test_history(classic: ClassicClient) -> None:
    """History from the archive that logs the tag; errors for bad requests."""
    values = await classic.history("Tank1_Level", SIM_START - timedelta(seconds=30), SIM_START)
    assert [v.timestamp for v in values] == [
        SIM_START - timedelta(seconds=s) for s in (30, 20, 10, 0)
    ]
    assert all(v.quality_raw == 0xC0 for v in values)
    assert (
        len(
            await classic.history(
                "Tank1_Level", SIM_START - timedelta(minutes=5), None, max_values=3
            )
        )
        == 3
    )
    with pytest.raises(NotFoundError):
        await classic.history("Pump1_Command", SIM_START - timedelta(minutes=1), SIM_START)
    with pytest.raises(InvalidArgumentError):
        await classic.history("Tank1_Level", SIM_START, SIM_START - timedelta(minutes=1))
    with pytest.raises(InvalidArgumentError):
        await classic.history("Tank1_Level", None, None)


async def test_alarms_through_rest_filters(classic: ClassicClient, wincc_sim: SimHandle) -> None:
    """The first configured REST filter by default; texts in the asked language."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Conveyor_Running", False)
    alarms = await classic.active_alarms(languages=("de-DE",))
    assert [a.name for a in alarms] == ["Pump1_Fault", "Conveyor_Stopped"]
    assert alarms[0].texts == {"de-DE": "Pumpe 1 Störung"}
    assert alarms[0].state is AlarmState.RAISED
    assert alarms[0].requires_acknowledgment
    high = await classic.active_alarms("HighPriority")
    assert [a.name for a in high] == ["Pump1_Fault"]
    wincc_sim.thread.call(
        lambda: wincc_sim.runtime.plant.alarms.acknowledge(
            "Pump1_Fault", 0, wincc_sim.runtime.plant.time, "x"
        )
    )
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Pump1_Fault", False)
    states = [a.state for a in await classic.active_alarms("HighPriority")]
    assert states == [AlarmState.RAISED_CLEARED]
    with pytest.raises(NotFoundError):
        await classic.active_alarms("NoSuchFilter")


async def test_acknowledge_is_unsupported(classic: ClassicClient) -> None:
    """The classic service cannot acknowledge, shelve or disable alarms; the errors say so
    in plain words."""
    assert Capability.ACKNOWLEDGE not in classic.capabilities
    with pytest.raises(UnsupportedFeatureError, match="cannot acknowledge"):
        await classic.acknowledge([AlarmIdentifier("Pump1_Fault")])
    for action in AlarmAction:
        with pytest.raises(UnsupportedFeatureError, match=f"cannot {action.capability}"):
            await classic.act_on_alarms(action, ["Pump1_Fault"])


async def test_url(classic: ClassicClient, wincc_sim: SimHandle) -> None:
    """The client names the service's base URL."""
    assert classic.url == wincc_sim.classic_url


async def test_empty_bulk_answer_falls_back_to_single_reads(
    classic: ClassicClient, wincc_sim: SimHandle, requests: RequestCounter
) -> None:
    """When an unknown name empties the whole answer, the other tags are still read."""
    wincc_sim.faults(empty_body_for_unknown_tags=True)
    values = await classic.read(["Batch_Name", "Nope", "Pump1_Status"])
    assert requests.count == 4  # the bulk read, then one GET per tag
    assert values["Batch_Name"].value == "BATCH-0001"
    assert values["Pump1_Status"].value is True
    assert values["Nope"].error is not None
    assert values["Nope"].error.code == "2"


async def test_alarm_history_from_the_short_term_archive(
    classic: ClassicClient, wincc_sim: SimHandle
) -> None:
    """Archive rows changed from a time on, oldest first; the server's clock from its answers."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(10)
    wincc_sim.write("Pump1_Fault", False)
    rows = await classic.alarm_history(SIM_START + timedelta(seconds=5), None, "HighPriority")
    assert [(a.name, a.state) for a in rows] == [("Pump1_Fault", AlarmState.RAISED_CLEARED)]
    every = await classic.alarm_history(SIM_START, SIM_START + timedelta(seconds=1))
    assert [a.state for a in every] == [AlarmState.RAISED]
    assert classic.server_time == SIM_START + timedelta(seconds=10)


async def test_no_rest_filter_configured(classic: ClassicClient, wincc_sim: SimHandle) -> None:
    """A V8 server without REST filters cannot list alarms; the error says what to configure."""
    description = wincc_sim.runtime.plant.description
    wincc_sim.thread.call(lambda: description.rest_filters.clear())
    with pytest.raises(UnsupportedFeatureError, match="REST filter"):
        await classic.active_alarms()


async def test_login_learns_that_alarm_logging_exists(
    classic: ClassicClient, requests: RequestCounter
) -> None:
    """A V8 server keeps its alarms; the first REST filter is asked for once, not per read."""
    await classic.login()
    assert Capability.ALARMS in classic.capabilities
    sent = requests.count
    await classic.active_alarms()
    await classic.active_alarms()
    assert requests.count - sent == 2  # one MessageList each, no more RestFilters


async def test_a_server_without_alarm_logging_is_recognised_at_login(
    classic: ClassicClient, wincc_sim: SimHandle, requests: RequestCounter
) -> None:
    """WinCC V7.5 answers 404 on alarmLogging: no alarms, and no more alarm requests."""

    def switch_off() -> None:
        wincc_sim.runtime.alarm_logging = False

    wincc_sim.thread.call(switch_off)
    await classic.login()
    assert Capability.ALARMS not in classic.capabilities
    assert Capability.HISTORY in classic.capabilities
    sent = requests.count
    with pytest.raises(UnsupportedFeatureError, match="no alarm logging"):
        await classic.active_alarms()
    with pytest.raises(UnsupportedFeatureError, match="no alarm logging"):
        await classic.alarm_history(SIM_START)
    await classic.login()  # learned once: a second login asks nothing about alarms
    assert requests.count - sent == 1
