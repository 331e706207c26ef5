"""WinCC OA alerts over the GraphQL application example, against wincc-sim: found in
the alert archive, read again until they end, and turned into the alarm model."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.wincc.client import (
    AlarmState,
    OaGraphQLClient,
    ProtocolError,
)
from custom_components.wincc.client.models import AlarmQuery
from custom_components.wincc.client.oa_alerts import (
    AlertId,
    OaAlertReader,
    alert_instance,
    alert_state,
)
from tests.conftest import SimHandle

PUMP_FAULT = "System1:Pump1.Fault:_alert_hdl"
EXAMPLE = "System1:ExampleDP_AlertHdl1.:_alert_hdl"
QUERY = AlarmQuery(None, ("en-US",))


def reader_of(client: OaGraphQLClient) -> OaAlertReader:
    """A reader of its own, through the client's requests."""
    return OaAlertReader(
        client._call,
        client._get,
        client._element_names,
        lambda: client.server_time,
    )


def only(alarms: list[Any], name: str) -> list[Any]:
    return [alarm for alarm in alarms if alarm.name == name]


async def test_an_alert_comes_goes_and_is_acknowledged(
    oa: OaGraphQLClient, wincc_sim: SimHandle
) -> None:
    """Raised, cleared, then acknowledged at a station: the list follows each step, and
    the log shows the alert after it ended, with every time."""
    start = wincc_sim.runtime.plant.time
    assert only(await oa.active_alarms(), PUMP_FAULT) == []
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(2)
    (raised,) = only(await oa.active_alarms(), PUMP_FAULT)
    assert raised.state is AlarmState.RAISED
    assert raised.text(("en-US",)) == "Pump 1 fault"
    assert raised.priority is not None
    assert raised.alarm_class == "alarm"
    assert raised.origin == "System1:Pump1.Fault"
    assert raised.awaiting_acknowledgment
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.advance(2)
    (cleared,) = only(await oa.active_alarms(), PUMP_FAULT)
    assert cleared.state is AlarmState.RAISED_CLEARED
    assert cleared.key == raised.key
    assert cleared.clear_time is not None
    wincc_sim.advance(60)
    before_acknowledgment = wincc_sim.runtime.plant.time
    wincc_sim.acknowledge_at_station("Pump1_Fault", 1)
    wincc_sim.advance(2)
    assert only(await oa.active_alarms(), PUMP_FAULT) == []
    # No entry of the alert lies after the acknowledgment; the reader saw it end.
    (ended,) = only(await oa.alarm_history(before_acknowledgment), PUMP_FAULT)
    assert ended.state is AlarmState.NORMAL
    assert ended.acknowledgment_time is not None
    (row,) = only(await oa.alarm_history(start), PUMP_FAULT)
    assert row.state is AlarmState.NORMAL
    assert row.raise_time == raised.raise_time
    assert row.acknowledgment_time is not None
    assert row.clear_time is not None
    assert row.clear_time < row.acknowledgment_time


async def test_an_alert_open_before_the_first_read_is_found(
    oa: OaGraphQLClient, wincc_sim: SimHandle
) -> None:
    """The first read looks a week back; later reads read the open alert again."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(3600)
    (raised,) = only(await oa.active_alarms(), PUMP_FAULT)
    wincc_sim.advance(3600)
    (again,) = only(await oa.active_alarms(), PUMP_FAULT)
    assert again.key == raised.key
    assert again.raise_time == raised.raise_time


async def test_the_example_alert_and_a_filter(oa: OaGraphQLClient, wincc_sim: SimHandle) -> None:
    """The example datapoint's handler comes when its bit is set; a filter is a pattern
    of the elements whose alerts are wanted."""
    wincc_sim.write("Pump1_Fault", True)
    await oa.write({"ExampleDP_AlertHdl1.": True})
    wincc_sim.advance(1)
    assert len(only(await oa.active_alarms(), PUMP_FAULT)) == 1
    (alert,) = await oa.active_alarms(server_filter="ExampleDP*")
    assert alert.name == EXAMPLE
    assert (alert.text(("en-US",)), alert.priority) == ("Value to 1", 60)
    assert not alert.awaiting_acknowledgment  # the example's alert needs none
    await oa.write({"ExampleDP_AlertHdl1.": False})
    wincc_sim.advance(1)
    assert await oa.active_alarms(server_filter="ExampleDP*") == []


async def test_handlers_are_found_and_names_without_one_are_left_out(
    oa: OaGraphQLClient,
) -> None:
    reader = reader_of(oa)
    found = await reader._with_handlers(
        ["System1:Pump1.Fault", "System1:Gone.X", "System1:Tank1.Temperature", "Tank1.Level"]
    )
    assert found == ["System1:Pump1.Fault", "Tank1.Level"]


async def test_an_alert_the_archive_lost_is_left_out(
    oa: OaGraphQLClient, wincc_sim: SimHandle, caplog: pytest.LogCaptureFixture
) -> None:
    """An alert read again that the server no longer knows fails the batch: the others
    are read one by one, and the lost one is dropped with a warning."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(1)
    reader = reader_of(oa)
    (alert,) = only(await reader.active(QUERY), PUMP_FAULT)
    for count in (0, 1):
        lost = AlertId(f"{PUMP_FAULT}.", datetime(2020, 1, 1, tzinfo=UTC), count)
        reader._open[lost] = alert
    wincc_sim.advance(3600)
    assert [a.key for a in only(await reader.active(QUERY), PUMP_FAULT)] == [alert.key]
    assert "no longer holds" in caplog.text


async def test_bad_alert_data_is_a_protocol_error(
    oa: OaGraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unpaired(*_: Any) -> Any:
        return {"api": {"alert": {"alertGetPeriod": {"alertTimes": [{}], "values": []}}}}

    monkeypatch.setattr(oa, "_call", unpaired)
    reader = reader_of(oa)
    with pytest.raises(ProtocolError, match="pair times and values"):
        await reader._period(["System1:Pump1.Fault"], datetime.now(UTC), datetime.now(UTC), "en")

    async def short(*_: Any) -> Any:
        return {"api": {"alert": {"alertGet": []}, "dp": {"get": []}}}

    monkeypatch.setattr(oa, "_call", short)
    reader = reader_of(oa)
    lost = AlertId(f"{PUMP_FAULT}.", datetime(2020, 1, 1, tzinfo=UTC), 0)
    with pytest.raises(ProtocolError, match="one value per attribute"):
        await reader._again([lost], "en")
    with pytest.raises(ProtocolError, match="one value per name"):
        await reader._with_handlers(["System1:Pump1.Fault"])


def test_states_without_act_state_come_from_the_times() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert alert_state(None, None, None) is AlarmState.RAISED
    assert alert_state(None, None, now) is AlarmState.RAISED_ACKNOWLEDGED
    assert alert_state(None, now, None) is AlarmState.RAISED_CLEARED
    assert alert_state(None, now, now) is AlarmState.NORMAL
    assert alert_state(4, None, None) is AlarmState.RAISED_CLEARED
    assert alert_state(9, None, None) is AlarmState.RAISED


def test_lenient_attributes() -> None:
    """A language string, OA's zero time and a missing class are understood."""
    came = datetime(2026, 1, 1, tzinfo=UTC)
    alert = AlertId("System1:Tank1.Level:_alert_hdl.2", came, 3)
    instance = alert_instance(
        alert,
        {
            "_text": {"de-DE": "Hoch", "en-US": "High"},
            "_gone_time": "1970-01-01T00:00:00.000Z",
            "_act_state": 1,
            "_ackable": True,
        },
        "en-US",
    )
    assert instance.name == "System1:Tank1.Level:_alert_hdl.2"
    assert instance.instance_id == 3
    assert instance.texts == {"en-US": "High"}
    assert instance.clear_time is None
    assert instance.alarm_class is None
    assert instance.modification_time == came
    assert instance.awaiting_acknowledgment
    german = alert_instance(alert, {"_text": {"de-DE": "Hoch"}}, "en-US")
    assert german.texts == {"en-US": "Hoch"}


def test_an_entry_without_its_alert_is_skipped() -> None:
    """A went entry that does not say when its alert came cannot be placed."""
    period = {
        "alertTimes": [
            {"time": "2026-01-01T00:00:00.000Z", "count": 0, "dpe": "X:_alert_hdl.._direction"}
        ],
        "values": [False],
    }
    assert OaAlertReader._grouped(period, "en-US") == {}
    period["alertTimes"] = ["nonsense"]
    assert OaAlertReader._grouped(period, "en-US") == {}


async def test_an_alert_seen_to_end_without_an_entry_is_in_the_log_from_then(
    oa: OaGraphQLClient, wincc_sim: SimHandle
) -> None:
    """An alert that went earlier and ends now (here: a runtime restart) has no entry
    in the new period: read again, it is in the log at the time it was seen to end."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(1)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.advance(1)
    (cleared,) = only(await oa.active_alarms(), PUMP_FAULT)
    assert cleared.state is AlarmState.RAISED_CLEARED
    wincc_sim.advance(600)
    wincc_sim.thread.call(wincc_sim.runtime.restart)
    ended_after = wincc_sim.runtime.plant.time - timedelta(seconds=10)
    assert only(await oa.active_alarms(), PUMP_FAULT) == []
    (row,) = only(await oa.alarm_history(ended_after), PUMP_FAULT)
    assert row.state is AlarmState.NORMAL
    assert row.key == cleared.key
    assert row.acknowledgment_time is None
    assert row.modification_time is not None
    assert row.modification_time >= ended_after
