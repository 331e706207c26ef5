"""wincc-sim's WinCC OA REST Reporting face: the demo plant under OA names, the example
datapoints every OA project has, online and archived values, Basic auth and errors."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from simulator.clock import Clock, iso, parse_iso
from simulator.description import load_description
from simulator.oa_project import (
    ACTIVE,
    ONLINE_BAD,
    UNCERTAIN,
    OaProject,
    UnknownDpError,
    dpe_of,
    status_of,
)
from simulator.plant import Plant
from tests.conftest import SIM_START, SimHandle

EXAMPLES = {
    "System1:ExampleDP_Arg1",
    "System1:ExampleDP_Arg2",
    "System1:ExampleDP_Trend1",
    "System1:ExampleDP_Rpt1",
    "System1:ExampleDP_Rpt2",
    "System1:ExampleDP_Rpt3",
    "System1:ExampleDP_Rpt4",
    "System1:ExampleDP_AlertHdl1",
}


async def get(
    http: aiohttp.ClientSession, sim: SimHandle, path: str, user: str = "operator"
) -> tuple[int, Any]:
    headers = {"Authorization": aiohttp.encode_basic_auth(user, user)}
    async with http.get(f"{sim.oa_reporting_url}/reporting/{path}", headers=headers) as response:
        return response.status, await response.json()


def test_plant_tags_are_elements_of_their_equipment_s_datapoint() -> None:
    """Split at the first separator; a name of one part is a root element."""
    assert dpe_of("Tank1_Level") == "System1:Tank1.Level"
    assert dpe_of("Boiler.Burner_On") == "System1:Boiler.Burner_On"
    assert dpe_of("Oven_Temp_Zone1") == "System1:Oven.Temp_Zone1"
    assert dpe_of("Temperature") == "System1:Temperature."


def test_the_project_names_tags_added_or_renamed_at_run_time() -> None:
    """The element names follow the plant's project as an engineer changes it."""
    plant = Plant(load_description(), Clock(frozen_at=SIM_START))
    project = OaProject(plant)
    assert project.read("Batch.Name").value == plant.read("Batch_Name").value
    plant.rename_tag("Batch_Name", "Batch_Id")
    assert "System1:Batch.Id" in project.elements()
    assert "System1:Batch.Name" not in project.elements()
    plant.add_tag(replace(plant.definition("Tank1_Level"), name="Tank3_Level"))
    assert project.names("Tank3.*") == ["System1:Tank3.Level"]
    with pytest.raises(UnknownDpError):
        project.read("Batch.Name")


def test_status_bits_say_active_and_bad_or_uncertain() -> None:
    assert status_of(0xC0) == 1 << ACTIVE
    assert status_of(0x48) == (1 << ACTIVE) | (1 << UNCERTAIN)
    assert status_of(0x08) == (1 << ACTIVE) | (1 << ONLINE_BAD)


async def test_dp_names_in_both_formats(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """The 2.0 format is an object with a "dps" list; api-version=1.0 a flat array."""
    status, body = await get(http, wincc_sim, "DpNames")
    assert status == 200
    assert (body["formatVersionMajor"], body["formatVersionMinor"]) == (2, 0)
    names = {row["DP"] for row in body["dps"]}
    assert {"System1:Tank1", "System1:Boiler", "System1:Valve3"} | EXAMPLES <= names
    assert "System1:Tank1.Level" not in names  # datapoints, not their elements
    status, flat = await get(http, wincc_sim, "DpNames?api-version=1.0")
    assert sorted(flat) == sorted(names)


async def test_an_element_s_online_value(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """Value, source time, 64 status bits (highest first) and the manager."""
    status, row = await get(http, wincc_sim, "Dp?System1:Tank1.Level")
    assert status == 200
    value, stime, bits, manager = row
    assert value == wincc_sim.value("Tank1_Level")
    assert parse_iso(stime) <= wincc_sim.runtime.plant.time
    assert len(bits) == 64
    assert bits[-1] == "1"  # active
    assert manager == "UI -num 1"
    _, example = await get(http, wincc_sim, "Dp?System1:ExampleDP_Rpt1.")
    assert example[0] == 10.6
    _, without_dot = await get(http, wincc_sim, "Dp?ExampleDP_Rpt1")
    assert without_dot == example


async def test_archived_values_with_one_before_and_after(
    http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """from/to give the archived rows in the range, plus one before it (OA's count)."""
    wincc_sim.advance(60)
    now = wincc_sim.runtime.plant.time
    start, end = iso(now - timedelta(seconds=30)), iso(now)
    status, rows = await get(http, wincc_sim, f"Dp?System1:Tank1.Level&from={start}&to={end}")
    assert status == 200
    times = [parse_iso(row[1]) for row in rows]
    assert times == sorted(times)
    assert times[0] < parse_iso(start) <= times[1]
    assert len(rows) >= 3
    _, trend = await get(http, wincc_sim, f"Dp?System1:ExampleDP_Trend1.&from={start}")
    assert len(trend) >= 3
    _, unarchived = await get(http, wincc_sim, f"Dp?System1:Pump1.Command&from={start}")
    assert unarchived == []


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("Dp?System1:Nope.Value", 400, "does not exist"),
        ("Dp?Other:Tank1.Level", 400, "does not exist"),
        ("Dp?System1:Tank1", 400, "has elements"),
        ("Dp", 400, "Give a datapoint name"),
        ("Dp?System1:Tank1.Level&from=yesterday", 400, "not an ISO time"),
        ("Dps?System1:Tank1.Level.", 404, "Unknown endpoint"),
    ],
)
async def test_errors_are_error_texts(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, path: str, status: int, text: str
) -> None:
    answer_status, body = await get(http, wincc_sim, path)
    assert answer_status == status
    assert text in body["errorText"]


async def test_basic_auth_and_rights(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """Wrong credentials: 401 with a Basic challenge; a user without web rights too."""
    async with http.get(
        f"{wincc_sim.oa_reporting_url}/reporting/DpNames",
        headers={"Authorization": aiohttp.encode_basic_auth("x", "y")},
    ) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert (await get(http, wincc_sim, "DpNames", user="guest"))[0] == 401
    status, version = await get(http, wincc_sim, "GetVersion", user="viewer")
    assert (status, version) == (200, {"apiVersion": "2.0"})
