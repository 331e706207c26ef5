"""The Unified backend against wincc-sim: every operation, session handling, errors."""

from datetime import timedelta
import ssl

import aiohttp
import pytest

from custom_components.wincc.client import (
    AlarmAction,
    AlarmIdentifier,
    AlarmState,
    AuthenticationError,
    DataKind,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    Quality,
    UnifiedClient,
)
from simulator.runtime import RuntimeOptions
from tests.client.conftest import MonotonicClock, RequestCounter, server
from tests.conftest import SIM_START, SimHandle


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Ten minutes of history, so history reads have data."""
    return RuntimeOptions(history_prefill=timedelta(minutes=10))


async def test_read_values_and_per_tag_errors(unified: UnifiedClient) -> None:
    """Values come back per name; unknown and structure tags fail alone."""
    values = await unified.read(
        ["HMI_RT_1::Batch_Name", "HMI_RT_1::Nope", "HMI_RT_1::Boiler", "HMI_RT_1::Pump1_Status"]
    )
    assert values["HMI_RT_1::Batch_Name"].value == "BATCH-0001"
    assert values["HMI_RT_1::Batch_Name"].quality is Quality.GOOD
    assert values["HMI_RT_1::Batch_Name"].quality_raw == "GOOD_CASCADE"
    assert values["HMI_RT_1::Batch_Name"].timestamp is not None
    assert values["HMI_RT_1::Pump1_Status"].value is True
    unknown = values["HMI_RT_1::Nope"]
    assert not unknown.ok
    assert unknown.error is not None
    assert unknown.error.code == "2"
    assert values["HMI_RT_1::Boiler"].error is not None
    assert values["HMI_RT_1::Boiler"].error.code == "202"


async def test_quality_is_normalized(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """UNCERTAIN and BAD qualities keep their value and say so."""
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Tank1_Level", 0x48))
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Tank2_Level", 0x18))
    values = await unified.read(["HMI_RT_1::Tank1_Level", "HMI_RT_1::Tank2_Level"])
    assert values["HMI_RT_1::Tank1_Level"].quality is Quality.UNCERTAIN
    assert values["HMI_RT_1::Tank2_Level"].quality is Quality.BAD
    assert values["HMI_RT_1::Tank2_Level"].ok


async def test_write_and_per_tag_results(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """Writes reach the plant; a server-side refusal is reported for that tag only."""
    results = await unified.write(
        {"HMI_RT_1::Oven_Setpoint": 200.0, "HMI_RT_1::Conveyor_Speed": 9.0}
    )
    assert results["HMI_RT_1::Oven_Setpoint"].ok
    assert results["HMI_RT_1::Conveyor_Speed"].error is not None
    assert results["HMI_RT_1::Conveyor_Speed"].error.code == "201"
    assert wincc_sim.value("Oven_Setpoint") == 200.0


async def test_writes_are_checked_before_sending(
    unified: UnifiedClient, requests: RequestCounter
) -> None:
    """A value that does not fit the tag's kind is refused locally; nothing is sent."""
    await unified.browse("Pump1_*")
    sent = requests.count
    with pytest.raises(InvalidArgumentError, match="Pump1_Command: 'on' is not a boolean"):
        await unified.write({"HMI_RT_1::Pump1_Command": "on"})
    with pytest.raises(InvalidArgumentError, match="not a whole number"):
        await unified.write({"HMI_RT_1::Count": 1.5}, kinds={"HMI_RT_1::Count": DataKind.INTEGER})
    with pytest.raises(InvalidArgumentError, match="finite"):
        await unified.write({"HMI_RT_1::Tank1_Level": float("inf")})
    assert requests.count == sent


async def test_viewer_write_is_refused_per_tag(
    wincc_sim: SimHandle, session: aiohttp.ClientSession, sim_ssl: ssl.SSLContext
) -> None:
    """A read-only user's write fails with code 1 for that tag."""
    client = UnifiedClient(session, server(wincc_sim.unified_url, sim_ssl), "viewer", "viewer")
    results = await client.write({"HMI_RT_1::Pump1_Command": False})
    assert results["HMI_RT_1::Pump1_Command"].error is not None
    assert results["HMI_RT_1::Pump1_Command"].error.code == "1"
    await client.close()


async def test_browse_returns_leaf_tags(unified: UnifiedClient) -> None:
    """Simple tags and structure elements, filtered by a glob that spans dots."""
    tags = {t.name: t for t in await unified.browse()}
    assert "HMI_RT_1::Boiler" not in tags  # a structure tag is not a leaf
    assert "HMI_RT_1::Tank1_Level_High" not in tags  # an alarm
    element = tags["HMI_RT_1::Boiler.Setpoint"]
    assert element.structure == "HMI_RT_1::Boiler"
    assert element.kind is DataKind.FLOAT
    assert tags["HMI_RT_1::Batch_Name"].kind is DataKind.TEXT
    assert tags["HMI_RT_1::Tank1_Level"].display_name == "Tank 1 level"
    boiler = await unified.browse("boiler*")
    assert {t.name for t in boiler} == {
        "HMI_RT_1::Boiler.Temperature",
        "HMI_RT_1::Boiler.Setpoint",
        "HMI_RT_1::Boiler.Burner_On",
    }


async def test_history(unified: UnifiedClient) -> None:
    """Logged values in a range; bad ranges and unlogged tags raise."""
    values = await unified.history(
        "HMI_RT_1::Tank1_Level", SIM_START - timedelta(minutes=1), SIM_START
    )
    assert [v.timestamp for v in values] == [
        SIM_START - timedelta(seconds=s) for s in (60, 50, 40, 30, 20, 10, 0)
    ]
    assert all(v.quality is Quality.GOOD for v in values)
    newest = await unified.history("HMI_RT_1::Tank1_Level", None, SIM_START, max_values=2)
    assert len(newest) == 2
    with pytest.raises(InvalidArgumentError):
        await unified.history("HMI_RT_1::Tank1_Level", SIM_START, SIM_START - timedelta(minutes=1))
    with pytest.raises(InvalidArgumentError):
        await unified.history("HMI_RT_1::Tank1_Level", None, None)
    with pytest.raises(NotFoundError):
        await unified.history(
            "HMI_RT_1::Pump1_Command", SIM_START - timedelta(minutes=1), SIM_START
        )


async def test_alarms_and_acknowledgment(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """Active alarms with texts by language; acknowledging moves the simulator's state."""
    wincc_sim.write("Pump1_Fault", True)
    (alarm,) = await unified.active_alarms(languages=("de-DE", "en-US"))
    assert alarm.key == ("HMI_RT_1::Pump1_Fault", 1)
    assert alarm.state is AlarmState.RAISED
    assert alarm.texts == {"de-DE": "Pumpe 1 Störung", "en-US": "Pump 1 fault"}
    assert alarm.text(("fr-FR", "en-US")) == "Pump 1 fault"
    assert alarm.requires_acknowledgment
    assert alarm.awaiting_acknowledgment
    assert alarm.priority == 14
    assert alarm.raise_time == SIM_START
    (result,) = await unified.acknowledge([AlarmIdentifier("HMI_RT_1::Pump1_Fault", 1)])
    assert result.ok
    (again,) = await unified.acknowledge([AlarmIdentifier("HMI_RT_1::Pump1_Fault", 1)])
    assert again.error is not None
    assert again.error.code == "305"
    (alarm,) = await unified.active_alarms()
    assert alarm.state is AlarmState.RAISED_ACKNOWLEDGED
    assert not alarm.awaiting_acknowledgment
    assert await unified.active_alarms("Priority < 5") == []
    with pytest.raises(InvalidArgumentError):
        await unified.active_alarms("Priority >")


async def test_shelving_and_disabling_whole_alarms(
    unified: UnifiedClient, wincc_sim: SimHandle
) -> None:
    """Shelving marks the instances shelved (for a time, in milliseconds); unknown names
    fail alone; disabling removes the instances, enabling raises them again."""
    wincc_sim.write("Pump1_Fault", True)
    results = await unified.act_on_alarms(
        AlarmAction.SHELVE, ["HMI_RT_1::Pump1_Fault", "HMI_RT_1::Nope"], timedelta(minutes=1)
    )
    assert [(r.name, r.instance_id, r.ok) for r in results] == [
        ("HMI_RT_1::Pump1_Fault", 0, True),
        ("HMI_RT_1::Nope", 0, False),
    ]
    assert results[1].error is not None
    assert results[1].error.code == "2"
    (alarm,) = await unified.active_alarms()
    assert alarm.shelved
    wincc_sim.advance(61)
    (alarm,) = await unified.active_alarms()
    assert not alarm.shelved
    await unified.act_on_alarms(AlarmAction.SHELVE, ["HMI_RT_1::Pump1_Fault"])
    (alarm,) = await unified.active_alarms()
    assert alarm.shelved
    await unified.act_on_alarms(AlarmAction.UNSHELVE, ["HMI_RT_1::Pump1_Fault"])
    (alarm,) = await unified.active_alarms()
    assert not alarm.shelved
    (disabled,) = await unified.act_on_alarms(AlarmAction.DISABLE, ["HMI_RT_1::Pump1_Fault"])
    assert disabled.ok
    assert await unified.active_alarms() == []
    await unified.act_on_alarms(AlarmAction.ENABLE, ["HMI_RT_1::Pump1_Fault"])
    wincc_sim.advance(1)
    (alarm,) = await unified.active_alarms()
    assert alarm.instance_id == 2
    assert await unified.act_on_alarms(AlarmAction.ENABLE, []) == []


@pytest.mark.parametrize(
    ("action", "shelve_for"),
    [(AlarmAction.UNSHELVE, timedelta(hours=1)), (AlarmAction.SHELVE, timedelta())],
)
async def test_only_shelving_takes_a_positive_duration(
    unified: UnifiedClient, action: AlarmAction, shelve_for: timedelta
) -> None:
    """A duration is refused before anything is sent, unless it is a shelving's and > 0."""
    with pytest.raises(InvalidArgumentError, match="duration"):
        await unified.act_on_alarms(action, ["HMI_RT_1::Pump1_Fault"], shelve_for)


async def test_session_renews_before_expiry(
    unified: UnifiedClient, wincc_sim: SimHandle, monotonic: MonotonicClock
) -> None:
    """Near ``expires`` the client calls extendSession, so the session never lapses."""
    await unified.login()
    for _ in range(3):
        wincc_sim.advance(850)
        monotonic.now += 850
        assert (await unified.read(["HMI_RT_1::Batch_Name"]))["HMI_RT_1::Batch_Name"].ok
    (session,) = wincc_sim.thread.call(
        lambda: wincc_sim.runtime.sessions.of_user(
            wincc_sim.runtime.directory.authenticate("operator", "operator")
        )
    )  # type: ignore[arg-type]
    assert session.id == 1  # still the first session: renewed, never replaced
    assert session.expires == wincc_sim.runtime.clock.now() + timedelta(seconds=900)


@pytest.mark.parametrize("as_http_401", [False, True])
async def test_logs_in_again_when_the_server_forgets_the_session(
    unified: UnifiedClient, wincc_sim: SimHandle, as_http_401: bool
) -> None:
    """Expired or invalidated sessions, answered either way, lead to one new login."""
    wincc_sim.faults(unauthenticated_as_http_401=as_http_401)
    await unified.login()
    wincc_sim.advance(1000)  # the client's clock stands still: it does not know
    assert (await unified.read(["HMI_RT_1::Batch_Name"]))["HMI_RT_1::Batch_Name"].ok
    wincc_sim.thread.call(wincc_sim.runtime.sessions.invalidate_all)
    assert (await unified.read(["HMI_RT_1::Batch_Name"]))["HMI_RT_1::Batch_Name"].ok


@pytest.mark.parametrize(
    ("user", "password", "error"),
    [("operator", "wrong", AuthenticationError), ("guest", "guest", PermissionDeniedError)],
)
async def test_login_failures(
    wincc_sim: SimHandle,
    session: aiohttp.ClientSession,
    sim_ssl: ssl.SSLContext,
    user: str,
    password: str,
    error: type[Exception],
) -> None:
    """Wrong credentials and a user without the GraphQL right raise clearly."""
    client = UnifiedClient(session, server(wincc_sim.unified_url, sim_ssl), user, password)
    with pytest.raises(error):
        await client.read(["HMI_RT_1::Batch_Name"])
    await client.close()


async def test_close_logs_out(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """Closing ends the server session."""
    await unified.login()
    await unified.close()
    operator = wincc_sim.runtime.directory.authenticate("operator", "operator")
    assert operator is not None
    assert wincc_sim.thread.call(lambda: wincc_sim.runtime.sessions.of_user(operator)) == []


async def test_close_survives_a_dead_server(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """Logging out of a stopped server does not raise."""
    await unified.login()
    wincc_sim.faults(paused=True)
    await unified.close()


async def test_own_session_when_none_is_injected(
    wincc_sim: SimHandle, sim_ssl: ssl.SSLContext
) -> None:
    """Without an injected session the client makes one, and closes it."""
    client = UnifiedClient(None, server(wincc_sim.unified_url, sim_ssl), "operator", "operator")
    assert client.url == f"{wincc_sim.unified_url}/graphql"
    assert (await client.read(["HMI_RT_1::Batch_Name"]))["HMI_RT_1::Batch_Name"].ok
    await client.close()


async def test_failed_renewal_falls_back_to_login(
    unified: UnifiedClient, wincc_sim: SimHandle, monotonic: MonotonicClock
) -> None:
    """If extendSession is refused (the server forgot the session), the client logs in."""
    await unified.login()
    wincc_sim.thread.call(wincc_sim.runtime.sessions.invalidate_all)
    monotonic.now += 10_000
    assert (await unified.read(["HMI_RT_1::Batch_Name"]))["HMI_RT_1::Batch_Name"].ok
    operator = wincc_sim.runtime.directory.authenticate("operator", "operator")
    assert operator is not None
    (session,) = wincc_sim.thread.call(lambda: wincc_sim.runtime.sessions.of_user(operator))
    assert session.id == 2


async def test_alarm_history_and_server_time(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """loggedAlarms rows from a time on; the server's clock comes from its answers."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(10)
    wincc_sim.write("Pump1_Fault", False)
    rows = await unified.alarm_history(SIM_START + timedelta(seconds=5))
    assert [(a.name, a.state) for a in rows] == [
        ("HMI_RT_1::Pump1_Fault", AlarmState.RAISED_CLEARED)
    ]
    assert unified.server_time == SIM_START + timedelta(seconds=10)
