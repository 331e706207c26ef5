"""Pushed tag values and alarms over WinCC Unified's subscriptions, on one socket."""

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
import contextlib
import random

import pytest

from custom_components.wincc.client import (
    AlarmNotification,
    AlarmQuery,
    AuthenticationError,
    Backoff,
    Capability,
    ClassicClient,
    PushFeed,
    TagValue,
    UnifiedClient,
    UnsupportedFeatureError,
    WinCCError,
    socket_session as socket_module,
)
from tests.conftest import SimHandle

QUICK = Backoff(first=0.05, cap=0.2)
ALARMS = AlarmQuery(None, ("en-US",))


class Recorder:
    """A push handler that keeps everything it hears."""

    def __init__(self) -> None:
        """Nothing heard yet."""
        self.values: list[TagValue] = []
        self.alarms: list[AlarmNotification] = []
        self.started = 0
        self.lost: list[WinCCError] = []
        self._changed = asyncio.Event()

    def pushed_values(self, values: Sequence[TagValue]) -> None:
        """Keep the values."""
        self.values += values
        self._changed.set()

    def pushed_alarms(self, notifications: Sequence[AlarmNotification]) -> None:
        """Keep the alarm changes."""
        self.alarms += notifications
        self._changed.set()

    def push_started(self) -> None:
        """Count the (re)starts."""
        self.started += 1
        self._changed.set()

    def push_lost(self, error: WinCCError) -> None:
        """Keep why it stopped."""
        self.lost.append(error)
        self._changed.set()

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait (at most 10 s) until ``condition`` holds."""
        async with asyncio.timeout(10):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel a push session's task: it closes its socket."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@pytest.fixture
async def pushing(unified: UnifiedClient) -> AsyncIterator[tuple[Recorder, PushFeed]]:
    """A running push session for two tags and every alarm."""
    recorder = Recorder()
    feed = unified.push(
        recorder,
        ["HMI_RT_1::Conveyor_Speed", "HMI_RT_1::Nope"],
        ALARMS,
        backoff=QUICK,
    )
    task = asyncio.create_task(feed.run())
    await recorder.until(lambda: recorder.started == 1 and len(recorder.values) == 2)
    yield recorder, feed
    await stop(task)


async def test_values_and_alarms_on_one_socket(
    pushing: tuple[Recorder, PushFeed], wincc_sim: SimHandle
) -> None:
    """Each tag first (a failing one with its error), then every change; alarms too."""
    recorder, feed = pushing
    assert feed.connected
    speed, unknown = recorder.values
    assert (speed.name, speed.value) == ("HMI_RT_1::Conveyor_Speed", 1.5)
    assert unknown.error is not None
    assert unknown.error.code == "2"
    wincc_sim.write("Conveyor_Speed", 3.0)
    wincc_sim.write("Pump1_Fault", True)
    await recorder.until(lambda: len(recorder.values) == 3 and len(recorder.alarms) == 1)
    assert recorder.values[2].value == 3.0
    assert (recorder.alarms[0].reason, recorder.alarms[0].alarm.name) == (
        "Added",
        "HMI_RT_1::Pump1_Fault",
    )
    wincc_sim.write("Pump1_Fault", False)
    await recorder.until(lambda: len(recorder.alarms) == 2)
    assert recorder.alarms[1].reason == "Modified"


@pytest.mark.parametrize("fault", ["sessions", "pause", "websocket"])
async def test_reconnects_and_subscribes_again(
    pushing: tuple[Recorder, PushFeed], wincc_sim: SimHandle, fault: str
) -> None:
    """An ended session, a stopped runtime or a cut socket: lost, then back, each value
    pushed again on the new subscription."""
    recorder, feed = pushing
    if fault == "sessions":
        wincc_sim.thread.call(wincc_sim.runtime.sessions.invalidate_all)
    elif fault == "pause":
        wincc_sim.faults(paused=True)
    else:
        wincc_sim.faults(websocket_down=True)
    await recorder.until(lambda: len(recorder.lost) >= 1)
    assert not feed.connected
    if fault == "sessions":
        assert isinstance(recorder.lost[0], AuthenticationError)
    wincc_sim.faults(paused=False, websocket_down=False)
    await recorder.until(lambda: recorder.started == 2 and len(recorder.values) >= 4)
    assert feed.connected
    assert feed.reconnects >= 1
    wincc_sim.write("Conveyor_Speed", 4.0)
    await recorder.until(lambda: recorder.values[-1].value == 4.0)


async def test_token_expiry_with_the_socket_open(
    pushing: tuple[Recorder, PushFeed], wincc_sim: SimHandle
) -> None:
    """The server ends the expired session's socket; the session logs in again."""
    recorder, _feed = pushing
    wincc_sim.advance(16 * 60)  # past the simulator's 15-minute token lifetime
    await recorder.until(lambda: recorder.started == 2 and len(recorder.values) >= 4)
    assert isinstance(recorder.lost[0], AuthenticationError)
    wincc_sim.write("Conveyor_Speed", 2.5)
    await recorder.until(
        lambda: any(
            (value.name, value.value) == ("HMI_RT_1::Conveyor_Speed", 2.5)
            for value in recorder.values[4:]
        )
    )


async def test_the_session_is_renewed_while_the_socket_is_open(
    unified: UnifiedClient, wincc_sim: SimHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renewal runs beside the socket, so a due session is extended, not lost."""
    monkeypatch.setattr(socket_module, "RENEW_CHECK_SECONDS", 0.05)
    renewed: list[bool] = []
    original = unified.ensure_session

    async def counting() -> None:
        renewed.append(True)
        await original()

    monkeypatch.setattr(unified, "ensure_session", counting)
    recorder = Recorder()
    feed = unified.push(recorder, ["HMI_RT_1::Batch_Name"], None, backoff=QUICK)
    task = asyncio.create_task(feed.run())
    await recorder.until(lambda: recorder.started == 1)
    await asyncio.sleep(0.3)
    await stop(task)
    assert len(renewed) >= 3
    assert recorder.lost == []


async def test_changing_the_tags(pushing: tuple[Recorder, PushFeed], wincc_sim: SimHandle) -> None:
    """The old tag subscription ends; the new set is pushed from its first values on."""
    recorder, feed = pushing
    await feed.change_tags(["HMI_RT_1::Batch_Name"])
    await recorder.until(lambda: recorder.values[-1].name == "HMI_RT_1::Batch_Name")
    wincc_sim.write("Conveyor_Speed", 5.0)
    wincc_sim.write("Batch_Name", "NEXT")
    await recorder.until(lambda: recorder.values[-1].value == "NEXT")
    assert all(v.value != 5.0 for v in recorder.values)


async def test_keep_alive_pings(
    unified: UnifiedClient, wincc_sim: SimHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WebSocket pings keep a quiet socket open; values still arrive after them."""
    monkeypatch.setattr(socket_module, "PING_SECONDS", 0.05)
    recorder = Recorder()
    feed = unified.push(recorder, ["HMI_RT_1::Conveyor_Speed"], None, backoff=QUICK)
    task = asyncio.create_task(feed.run())
    await recorder.until(lambda: recorder.started == 1)
    await asyncio.sleep(0.3)  # several pings, answered by the server
    wincc_sim.write("Conveyor_Speed", 2.0)
    await recorder.until(lambda: recorder.values[-1].value == 2.0)
    assert recorder.lost == []
    await stop(task)


def test_back_off_is_capped_and_jittered() -> None:
    """Each delay lies between 0 and the capped exponential."""
    backoff = Backoff(first=1.0, cap=30.0)
    rng = random.Random(4)
    delays = [backoff.delay(attempt, rng) for attempt in range(12)]
    assert all(0 <= d <= min(30.0, 2**a) for a, d in enumerate(delays))
    assert len(set(delays)) == len(delays)
    assert max(delays[6:]) <= 30.0


async def test_classic_cannot_push(classic: ClassicClient) -> None:
    """The classic service has no push: a clear error."""
    assert Capability.PUSH not in classic.capabilities
    with pytest.raises(UnsupportedFeatureError, match="polled"):
        classic.push(Recorder(), ["Batch_Name"])


async def test_an_unknown_reason_is_logged_once_and_ignored(
    pushing: tuple[Recorder, PushFeed], wincc_sim: SimHandle, caplog: pytest.LogCaptureFixture
) -> None:
    """ "Unknown" should not occur: the first is a warning, none becomes a value."""
    recorder, _feed = pushing
    wincc_sim.faults(unknown_notifications=True)
    for speed in (2.0, 2.5):
        wincc_sim.write("Conveyor_Speed", speed)
        await recorder.until(lambda speed=speed: recorder.values[-1].value == speed)
    assert [v.value for v in recorder.values[2:]] == [2.0, 2.5]
    warnings = [r for r in caplog.records if "'Unknown'" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelname == "WARNING"
