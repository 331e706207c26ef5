"""Pushed values from the WinCC OA GraphQL example (``tagSubscribe``), against
wincc-sim: the answer, every change, a new login after the token expired, and
updates that cannot be read."""

import asyncio
from typing import Any

import aiohttp
import pytest

from custom_components.wincc.client import Backoff, OaGraphQLClient, Quality
from custom_components.wincc.client.oa_push import OaPushSession, pushed_value
from tests.client.conftest import oa_graphql_address as address
from tests.client.test_push import Recorder, stop
from tests.conftest import SimHandle

QUICK = Backoff(first=0.05, cap=0.2)
SETPOINT = "System1:Boiler.Setpoint"
RPT1 = "ExampleDP_Rpt1."


async def test_values_are_pushed_and_follow_a_new_login(
    session: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    client = OaGraphQLClient(session, address(wincc_sim), "operator", "operator")
    recorder = Recorder()
    feed = client.push(recorder, [SETPOINT, RPT1], backoff=QUICK)
    task = asyncio.create_task(feed.run())
    try:
        await recorder.until(lambda: {v.name for v in recorder.values} == {SETPOINT, RPT1})
        rpt1 = next(v for v in recorder.values if v.name == RPT1)
        assert (rpt1.value, rpt1.quality) == (10.6, Quality.GOOD)
        assert rpt1.timestamp is not None
        assert feed.connected
        wincc_sim.write("Boiler.Setpoint", 64.0)
        await recorder.until(lambda: any(v.value == 64.0 for v in recorder.values))
        # The token expires (20 idle minutes): the server ends the socket's session,
        # and the session logs in again and subscribes anew.
        wincc_sim.advance(21 * 60)
        await recorder.until(lambda: recorder.started == 2)
        assert "ended the session" in str(recorder.lost[0])
        recorder.values.clear()
        await feed.change_tags([RPT1])
        wincc_sim.write("Boiler.Setpoint", 65.0)
        await recorder.until(lambda: any(v.name == RPT1 for v in recorder.values))
        await asyncio.sleep(0.2)
        assert {v.name for v in recorder.values} == {RPT1}
    finally:
        await stop(task)
        await client.close()


def test_updates_that_cannot_be_read(caplog: pytest.LogCaptureFixture) -> None:
    """Rows without a name are left out; an update's error is logged; other
    subscriptions' messages are not this session's."""

    class Client:
        url = "http://oa:4000/graphql"

    recorder = Recorder()
    session = OaPushSession(Client(), recorder, ["A."])  # type: ignore[arg-type]
    update: dict[str, Any] = {
        "tags": [{"value": 1}, {"name": "A.", "value": 2, "status": "?"}],
        "type": "0",
        "error": "Cannot read B.",
    }
    session._notification("other", {"tagSubscribe": update})
    session._notification("tags-0", {"tagSubscribe": None})
    assert recorder.values == []
    session._notification("tags-0", {"tagSubscribe": update})
    (value,) = recorder.values
    assert (value.name, value.value, value.quality) == ("A.", 2, Quality.UNKNOWN)
    assert "Cannot read B." in caplog.text
    session._notification("tags-0", {"tagSubscribe": {"tags": [{}], "error": None}})
    assert len(recorder.values) == 1
    assert pushed_value("nonsense") is None
