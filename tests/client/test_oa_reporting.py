"""The WinCC OA REST Reporting backend against wincc-sim: browsing datapoints and
elements, reads with OA's status bits, archived values, and what it cannot do."""

from collections.abc import AsyncIterator
from datetime import timedelta
import ssl

import aiohttp
import pytest

from custom_components.wincc.client import (
    AuthenticationError,
    Capability,
    DataKind,
    OaReportingClient,
    Quality,
    ServerBusyError,
    ServerType,
    UnsupportedFeatureError,
    detect,
)
from custom_components.wincc.client.oa_common import kind_of, quality_from_status
from tests.client.conftest import server
from tests.conftest import SimHandle

LEVEL = "System1:Tank1.Level"
RPT1 = "System1:ExampleDP_Rpt1."


@pytest.fixture
async def oa(
    session: aiohttp.ClientSession, wincc_sim: SimHandle, sim_ssl: ssl.SSLContext
) -> AsyncIterator[OaReportingClient]:
    client = OaReportingClient(
        session, server(wincc_sim.oa_reporting_url, sim_ssl), "operator", "operator"
    )
    await client.login()
    yield client
    await client.close()


@pytest.mark.parametrize(
    ("bits", "quality"),
    [
        ("1".zfill(64), Quality.GOOD),
        (format((1 << 22) | 1, "064b"), Quality.UNCERTAIN),
        (format((1 << 7) | 1, "064b"), Quality.BAD),
        (format((1 << 5) | 1, "064b"), Quality.BAD),
        ("", Quality.UNKNOWN),
        ("10x1", Quality.UNKNOWN),
        (1 << 22, Quality.UNCERTAIN),
        (1 << 8, Quality.BAD),
        (True, Quality.UNKNOWN),
        (None, Quality.UNKNOWN),
    ],
)
def test_status_bits_give_the_quality(bits: object, quality: Quality) -> None:
    assert quality_from_status(bits) is quality


def test_kinds_follow_the_json_type() -> None:
    assert [kind_of(v) for v in (True, 3, 2.5, "x", None)] == [
        DataKind.BOOL,
        DataKind.INTEGER,
        DataKind.FLOAT,
        DataKind.TEXT,
        DataKind.OTHER,
    ]


async def test_it_is_detected_and_read_only(
    session: aiohttp.ClientSession,
    wincc_sim: SimHandle,
    sim_ssl: ssl.SSLContext,
    oa: OaReportingClient,
) -> None:
    """Detection tells it apart; it browses and reads history, nothing more."""
    assert (
        await detect(session, server(wincc_sim.oa_reporting_url, sim_ssl))
        is ServerType.OA_REPORTING
    )
    assert oa.capabilities == {Capability.BROWSE, Capability.HISTORY}
    with pytest.raises(UnsupportedFeatureError, match="read-only"):
        await oa.write({LEVEL: 1.0})
    with pytest.raises(UnsupportedFeatureError, match="no alerts"):
        await oa.active_alarms()


async def test_a_wrong_password_is_refused(
    session: aiohttp.ClientSession, wincc_sim: SimHandle, sim_ssl: ssl.SSLContext
) -> None:
    client = OaReportingClient(
        session, server(wincc_sim.oa_reporting_url, sim_ssl), "operator", "x"
    )
    with pytest.raises(AuthenticationError):
        await client.login()


async def test_browsing_offers_readable_datapoints_and_elements_by_name(
    oa: OaReportingClient,
) -> None:
    """The pattern matches datapoints (with or without their system); those whose root
    element reads are offered with their kind. Structured ones are not (their elements
    are not listed), but an element's full name is found."""
    found = {info.name: info for info in await oa.browse("ExampleDP_*")}
    assert set(found) == {
        f"System1:ExampleDP_{name}."
        for name in ("Arg1", "Arg2", "Trend1", "Rpt1", "Rpt2", "Rpt3", "Rpt4", "AlertHdl1")
    }
    assert found[RPT1].kind is DataKind.FLOAT
    assert found[RPT1].writable is False
    assert found[RPT1].structure is None
    assert await oa.browse("Tank*") == []
    (level,) = await oa.browse(LEVEL)
    assert (level.kind, level.structure, level.display_name) == (
        DataKind.FLOAT,
        "System1:Tank1",
        "Tank1.Level",
    )
    assert await oa.browse("System1:Tank1.Nope") == []


async def test_reads_carry_value_time_and_quality(
    oa: OaReportingClient, wincc_sim: SimHandle
) -> None:
    """Each element is read; bad and uncertain status bits show; an unknown element
    fails alone, as unknown."""
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Tank2_Level", 0x48))
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Oven_Setpoint", 0x08))
    values = await oa.read(
        [LEVEL, RPT1, "System1:Tank2.Level", "System1:Oven.Setpoint", "System1:Gone.Value"]
    )
    assert values[LEVEL].value == wincc_sim.value("Tank1_Level")
    assert values[LEVEL].quality is Quality.GOOD
    assert values[LEVEL].timestamp is not None
    assert values[RPT1].value == 10.6
    assert values["System1:Tank2.Level"].quality is Quality.UNCERTAIN
    assert values["System1:Oven.Setpoint"].quality is Quality.BAD
    gone = values["System1:Gone.Value"]
    assert gone.error is not None
    assert gone.error.unknown
    assert "does not exist" in gone.error.description


async def test_archived_values_with_their_bounds(
    oa: OaReportingClient, wincc_sim: SimHandle
) -> None:
    """The rows in the range, oldest first; OA's one before the start is marked."""
    wincc_sim.advance(60)
    end = wincc_sim.runtime.plant.time
    start = end - timedelta(seconds=30)
    rows = await oa.history(LEVEL, start, end)
    assert [r.timestamp for r in rows] == sorted(r.timestamp for r in rows)
    assert rows[0].bounding
    assert rows[0].timestamp < start
    assert not any(r.bounding for r in rows[1:])
    assert all(r.quality is Quality.GOOD for r in rows)
    assert len(await oa.history(LEVEL, start, None, max_values=2)) == 2


async def test_a_stopped_server_fails_the_whole_read(
    oa: OaReportingClient, wincc_sim: SimHandle
) -> None:
    """A busy or stopped server is not a bad element: the read fails as a whole."""
    wincc_sim.faults(paused=True)
    with pytest.raises(ServerBusyError):
        await oa.read([LEVEL, RPT1])
