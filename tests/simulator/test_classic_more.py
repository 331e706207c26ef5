"""The classic face's further read-only endpoints that public clients call, and the short
``{"variableNames": [...]}`` archive body forms (shapes unverified; docs/simulator.md)."""

from datetime import timedelta

import pytest

from simulator.runtime import RuntimeOptions
from tests.conftest import SimHandle
from tests.simulator.conftest import Classic


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Ten minutes of plant history (a sample every 10 s)."""
    return RuntimeOptions(history_prefill=timedelta(minutes=10))


@pytest.mark.parametrize(
    "path", ["tagLogging/Values", "tagLogging/Archive/ProcessValueArchive/values"]
)
async def test_archive_reads_in_the_short_body_form(classic: Classic, path: str) -> None:
    """Each asked tag gets a row with its logged values; an unlogged one, an error."""
    rows = await classic.json(
        "POST", f"{path}?maxValues=5", body={"variableNames": ["Tank1_Level", "Batch_Name"]}
    )
    level, batch = rows
    assert (level["variableName"], level["errorcode"], len(level["values"])) == (
        "Tank1_Level",
        0,
        5,
    )
    stamps = [v["timestamp"] for v in level["values"]]
    assert stamps == sorted(stamps)  # oldest first
    assert (batch["variableName"], batch["errorcode"], batch["values"]) == ("Batch_Name", 2, [])
    status, _ = await classic.request("POST", path, body={"variableNames": "Tank1_Level"})
    assert status == 400


async def test_archive_and_logged_tag_lookups(classic: Classic) -> None:
    """One archive, one of its tags, every logged tag, one logged tag; unknowns are 404."""
    archive = await classic.json("GET", "tagLogging/Archive/ProcessValueArchive")
    assert archive["name"] == "ProcessValueArchive"
    assert archive["variableCount"] > 0
    one = await classic.json("GET", "tagLogging/Archive/ProcessValueArchive/Variable/Tank1_Level")
    assert one == {"name": "Tank1_Level", "archive": "ProcessValueArchive"}
    page = await classic.json("GET", "tagLogging/Variables?itemLimit=2")
    assert len(page["variables"]) == 2
    assert await classic.json("GET", "tagLogging/Variable/Tank1_Level") == one
    for path in (
        "tagLogging/Archive/Nope",
        "tagLogging/Archive/ProcessValueArchive/Variable/Batch_Name",
        "tagLogging/Variable/Nope",
    ):
        assert (await classic.request("GET", path))[0] == 404, path


async def test_alarm_configuration_and_runtime_lists(
    classic: Classic, wincc_sim: SimHandle
) -> None:
    """A REST filter and a message class by name; statistics count raises; nothing is
    locked or hidden; unknown filters are 404."""
    assert await classic.json("GET", "alarmLogging/RestFilter/highpriority") == {
        "name": "HighPriority",
        "minPriority": 10,
    }
    assert (await classic.json("GET", "alarmLogging/MessageClass/Warning"))["id"] == 2
    assert (await classic.json("GET", "alarmLogging/MessageClass/1"))["name"] == "Alarm"
    assert (await classic.request("GET", "alarmLogging/MessageClass/Nope"))[0] == 404
    for raised in (True, False, True):
        wincc_sim.write("Pump1_Fault", raised)
        wincc_sim.advance(1)
    hits = await classic.json("GET", "alarmLogging/HitList/AllAlarms")
    fault = next(row for row in hits if row["name"] == "Pump1_Fault")
    assert fault["count"] == 2
    assert len(await classic.json("GET", "alarmLogging/HitList/AllAlarms?maxValues=1")) == 1
    for kind in ("LockList", "Hidelist", "HiddenMessageList"):
        assert await classic.json("GET", f"alarmLogging/{kind}/AllAlarms") == []
        assert (await classic.request("GET", f"alarmLogging/{kind}/Nope"))[0] == 404


async def test_structure_lookups(classic: Classic) -> None:
    """A structure type by name; its variables by GET, by POST of type names, and by
    type; unknown types are 404 and a bad body 400."""
    boiler_type = await classic.json("GET", "tagManagement/StructureType/boiler_type")
    assert boiler_type["name"] == "Boiler_Type"
    assert boiler_type["instances"] == ["Boiler"]
    assert {e["name"] for e in boiler_type["elements"]} >= {"Temperature", "Setpoint"}
    listed = await classic.json("GET", "tagManagement/StructureVariables")
    boiler = {
        "name": "Boiler",
        "typeName": "Boiler_Type",
        "elements": ["Boiler.Temperature", "Boiler.Setpoint", "Boiler.Burner_On"],
    }
    assert boiler in listed["structureVariables"]
    posted = await classic.json(
        "POST", "tagManagement/StructureVariables", body={"typeNames": ["Boiler_Type"]}
    )
    assert posted == {"structureVariables": [boiler]}
    by_type = await classic.json("GET", "tagManagement/StructureVariable/Boiler_Type")
    assert by_type == {"typeName": "Boiler_Type", "structureVariables": [boiler]}
    for path in ("tagManagement/StructureType/Nope", "tagManagement/StructureVariable/Nope"):
        assert (await classic.request("GET", path))[0] == 404, path
    status, _ = await classic.request(
        "POST", "tagManagement/StructureVariables", body={"typeNames": "Boiler_Type"}
    )
    assert status == 400


async def test_timers_and_alarm_configuration_lookups(classic: Classic) -> None:
    """Logging timers; message types, groups and blocks; analog limits per tag; each
    listing pages and each lookup finds one or answers 404."""
    timers = await classic.json("GET", "tagLogging/Timers?itemLimit=2")
    assert [t["name"] for t in timers["timers"]] == ["500 ms", "1 second"]
    assert timers["continuationPoint"] == 2
    assert (await classic.json("GET", "tagLogging/Timer/1 minute"))["baseMilliseconds"] == 60_000
    types = (await classic.json("GET", "alarmLogging/MessageTypes"))["messageTypes"]
    assert {"Alarm", "Warning"} <= {t["messageClass"] for t in types}
    assert (await classic.json("GET", "alarmLogging/MessageType/warning"))["classId"] == 2
    groups = (await classic.json("GET", "alarmLogging/MessageGroups"))["messageGroups"]
    tanks = await classic.json("GET", "alarmLogging/MessageGroup/Tanks")
    assert tanks in groups
    assert tanks["messageNumbers"]
    blocks = (await classic.json("GET", "alarmLogging/MessageBlocks"))["messageBlocks"]
    assert (await classic.json("GET", "alarmLogging/MessageBlock/4")) == blocks[3]
    level = await classic.json("GET", "alarmLogging/LimitValue/Tank1_Level")
    assert {"type": "high", "limit": 90.0} in [
        {"type": row["type"], "limit": row["limit"]} for row in level["limits"]
    ]
    limits = (await classic.json("GET", "alarmLogging/LimitValues"))["limitValues"]
    assert level in limits
    for path in (
        "tagLogging/Timer/Nope",
        "alarmLogging/MessageType/Nope",
        "alarmLogging/MessageGroup/Nope",
        "alarmLogging/MessageBlock/99",
        "alarmLogging/LimitValue/Batch_Name",
    ):
        assert (await classic.request("GET", path))[0] == 404, path
