"""The classic REST face: Basic auth, tag values, writes, configuration, logging, alarms."""

from datetime import timedelta
import json

import pytest

from simulator.runtime import RuntimeOptions
from tests.conftest import SimHandle
from tests.simulator.conftest import Classic


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Ten minutes of plant history before the test starts (a sample every 10 s)."""
    return RuntimeOptions(history_prefill=timedelta(minutes=10))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer abc"},
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": "Basic b3BlcmF0b3I="},  # "operator" without a colon
        {"Authorization": "Basic b3BlcmF0b3I6d3Jvbmc="},  # operator:wrong
        {"Authorization": "Basic Z3Vlc3Q6Z3Vlc3Q="},  # guest:guest, no REST right
        {"Authorization": "Basic //79"},  # not UTF-8
    ],
)
async def test_every_request_needs_basic_auth(classic: Classic, headers: dict[str, str]) -> None:
    """Missing, malformed or wrong credentials, or no REST right: 401 with a challenge."""
    status, body = await classic.request(
        "GET", "tagManagement/Value/Tank1_Level", user=None, headers=headers
    )
    assert status == 401
    assert json.loads(body)["error"]


async def test_value_row_fields(classic: Classic, wincc_sim: SimHandle) -> None:
    """A value row has the reference's field names, a quality byte, and no error."""
    reading = wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.read("Tank1_Level"))
    row = await classic.json("GET", "tagManagement/Value/Tank1_Level")
    assert row == {
        "variableName": "Tank1_Level",
        "value": reading.value,
        "timestamp": reading.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "qualitycode": 0xC0,
        "dataType": 8,
        "errorcode": 0,
        "error": "",
    }


async def test_unknown_tag_answers_an_empty_body(classic: Classic) -> None:
    """As the reference warns: 200 with nothing in it, not 404."""
    assert await classic.request("GET", "tagManagement/Value/Nope") == (200, b"")
    assert await classic.request("GET", "tagManagement/Value/\ufeffTank1_Level") == (200, b"")


async def test_paths_ignore_case(classic: Classic) -> None:
    """``TagManagement/value`` works as well as ``tagManagement/Value``."""
    row = await classic.json("GET", "TAGMANAGEMENT/value/Batch_Name")
    assert row["value"] == "BATCH-0001"
    status, _ = await classic.request("GET", "tagManagement/Value/batch_name")
    assert status == 200  # tag names keep their case: this one is unknown, so empty


async def test_bulk_read(classic: Classic) -> None:
    """POST Values answers one row per name, in order, with per-row errors."""
    rows = await classic.json(
        "POST",
        "tagManagement/Values",
        body={
            "variableNames": [
                "Boiler.Temperature",
                "Pump1_Status",
                "Nope",
                "Boiler",
                "Conveyor_ItemCount",
            ]
        },
    )
    assert [r["variableName"] for r in rows] == [
        "Boiler.Temperature",
        "Pump1_Status",
        "Nope",
        "Boiler",
        "Conveyor_ItemCount",
    ]
    assert rows[0]["dataType"] == 8
    assert rows[1]["value"] is True
    assert rows[1]["dataType"] == 1
    assert (rows[2]["errorcode"], rows[2]["error"]) == (2, "Tag not found")
    assert rows[3]["errorcode"] == 3
    assert rows[4]["dataType"] == 6


async def test_first_read_of_an_on_demand_tag_is_uncertain_initial(classic: Classic) -> None:
    """A tag nothing else reads first answers 0x4C with its start value."""
    first = await classic.json("GET", "tagManagement/Value/Tank2_Temperature")
    assert (first["qualitycode"], first["value"]) == (0x4C, 18.0)
    second = await classic.json("GET", "tagManagement/Value/Tank2_Temperature")
    assert second["qualitycode"] == 0xC0


async def test_writes(classic: Classic, wincc_sim: SimHandle) -> None:
    """PUT Value and PUT Values write, with one result object per tag."""
    row = await classic.json("PUT", "tagManagement/Value/Oven_Setpoint", body={"value": 200})
    assert row == {"variableName": "Oven_Setpoint", "errorcode": 0, "error": ""}
    assert wincc_sim.value("Oven_Setpoint") == 200.0
    rows = await classic.json(
        "PUT",
        "tagManagement/Values",
        body=[
            {"variableName": "Batch_Name", "value": "B-7"},
            {"variableName": "Conveyor_Speed", "value": "fast"},
            {"variableName": "Nope", "value": 1},
            {"variableName": "Boiler", "value": 1},
        ],
    )
    assert [r["errorcode"] for r in rows] == [0, 201, 2, 3]
    assert wincc_sim.value("Batch_Name") == "B-7"


async def test_viewer_reads_but_cannot_write(classic: Classic) -> None:
    """A read-only user gets 403 on writes."""
    status, _ = await classic.request("GET", "tagManagement/Value/Tank1_Level", user="viewer")
    assert status == 200
    status, body = await classic.request(
        "PUT", "tagManagement/Value/Pump1_Command", user="viewer", body={"value": False}
    )
    assert status == 403
    assert "write" in json.loads(body)["error"]


@pytest.mark.parametrize(
    ("method", "path", "raw"),
    [
        ("POST", "tagManagement/Values", b"{not json"),
        ("POST", "tagManagement/Values", b'{"names": []}'),
        ("PUT", "tagManagement/Value/Batch_Name", b'{"val": 1}'),
        ("PUT", "tagManagement/Values", b'{"variableName": "A"}'),
        ("POST", "tagLogging/Values", b"[]"),
        ("GET", "tagManagement/variables?itemLimit=ten", b""),
    ],
)
async def test_malformed_requests_get_400(
    classic: Classic, method: str, path: str, raw: bytes
) -> None:
    """Bad bodies and query parameters: 400 with a message, never a traceback."""
    status, body = await classic.request(method, path, raw=raw)
    assert status == 400
    assert json.loads(body)["error"]


async def test_unknown_endpoint_and_method(classic: Classic) -> None:
    """404 for an unknown path, 405 for a known path with the wrong method."""
    assert (await classic.request("GET", "tagManagement/Nothing"))[0] == 404
    assert (await classic.request("DELETE", "tagManagement/Value/Tank1_Level"))[0] == 405
    status, _ = await classic.request("GET", "../OtherService/x")
    assert status == 404


async def test_oversized_body_is_413(classic: Classic) -> None:
    """A body over the limit is refused."""
    big = json.dumps({"variableNames": ["x" * 1000] * 5000}).encode()
    status, _ = await classic.request("POST", "tagManagement/Values", raw=big)
    assert status == 413


async def test_variables_paging(classic: Classic, wincc_sim: SimHandle) -> None:
    """itemLimit and continuationPoint page through every tag exactly once."""
    names: list[str] = []
    point: int | None = 0
    while point is not None:
        page = await classic.json(
            "GET", f"tagManagement/variables?itemLimit=7&continuationPoint={point}"
        )
        names += [v["variableName"] for v in page["variables"]]
        point = page.get("continuationPoint")
    assert names == list(wincc_sim.runtime.plant.definitions)
    everything = await classic.json("GET", "tagManagement/variables")
    assert "continuationPoint" not in everything
    assert len(everything["variables"]) == len(names)


async def test_configuration_endpoints(classic: Classic) -> None:
    """Variable, groups, connections and structure types describe the plant."""
    variable = await classic.json("GET", "tagManagement/variable/Boiler.Setpoint")
    assert variable == {
        "variableName": "Boiler.Setpoint",
        "dataType": 8,
        "connection": "PLC_Boiler",
        "group": "Boiler",
        "structureVariable": "Boiler",
        "unit": "°C",
    }
    assert (await classic.request("GET", "tagManagement/variable/Nope"))[0] == 404
    groups = await classic.json("GET", "tagManagement/Groups")
    assert {"name": "Pump1", "variableCount": 4} in groups["groups"]
    group = await classic.json("GET", "tagManagement/Group/Pump1")
    assert "Pump1_Fault" in group["variables"]
    assert (await classic.request("GET", "tagManagement/Group/Nope"))[0] == 404
    connections = await classic.json("GET", "tagManagement/Connections?itemLimit=1")
    assert len(connections["connections"]) == 1
    assert connections["continuationPoint"] == 1
    connection = await classic.json("GET", "tagManagement/Connection/PLC_Boiler")
    assert connection["variables"] == ["Boiler.Temperature", "Boiler.Setpoint", "Boiler.Burner_On"]
    assert (await classic.request("GET", "tagManagement/Connection/Nope"))[0] == 404
    types = await classic.json("GET", "tagManagement/StructureTypes")
    assert types["structureTypes"][0]["name"] == "Boiler_Type"
    assert types["structureTypes"][0]["elements"][0] == {"name": "Temperature", "dataType": 8}


async def test_tag_logging(classic: Classic) -> None:
    """Archives, their tags, their values, and POST Values over time ranges."""
    archives = await classic.json("GET", "tagLogging/Archives")
    assert archives["archives"][0]["name"] == "ProcessValueArchive"
    variables = await classic.json("GET", "tagLogging/Archive/ProcessValueArchive/Variables")
    assert {"name": "Tank1_Level"} in variables["variables"]
    assert (await classic.request("GET", "tagLogging/Archive/Other/Variables"))[0] == 404
    values = await classic.json(
        "GET", "tagLogging/Archive/ProcessValueArchive/Value/Tank1_Level?itemLimit=2"
    )
    assert [v["timestamp"] for v in values["values"]] == [
        "2026-05-01T10:00:00.000Z",
        "2026-05-01T09:59:50.000Z",
    ]
    assert (
        await classic.request("GET", "tagLogging/Archive/ProcessValueArchive/Value/Pump1_Command")
    )[0] == 404
    answer = await classic.json(
        "POST",
        "tagLogging/Values",
        body={
            "archives": [
                {
                    "name": "ProcessValueArchive",
                    "variables": [
                        {
                            "name": "Tank1_Level",
                            "timeFrom": "2026-05-01T09:55:00Z",
                            "timeTo": "2026-05-01T09:55:30Z",
                            "maxValues": 10,
                        },
                        {
                            "name": "Tank1_Level",
                            "timeFrom": "2026-05-01T09:56:00Z",
                            "timeTo": "2026-05-01T09:55:00Z",
                        },
                        {
                            "name": "Pump1_Command",
                            "timeFrom": "2026-05-01T09:55:00Z",
                            "timeTo": "2026-05-01T09:56:00Z",
                        },
                        {"name": "Tank1_Level", "timeFrom": "soon"},
                        "garbage",
                    ],
                },
                {"name": "Other", "variables": []},
            ]
        },
    )
    ranged, reversed_range, unlogged, bad_time, garbage = answer["archives"][0]["variables"]
    assert [v["timestamp"] for v in ranged["values"]] == [
        "2026-05-01T09:55:00.000Z",
        "2026-05-01T09:55:10.000Z",
        "2026-05-01T09:55:20.000Z",
        "2026-05-01T09:55:30.000Z",
    ]
    assert set(ranged["values"][0]) == {"value", "timestamp", "qualitycode"}
    assert (ranged["errorcode"], reversed_range["errorcode"], unlogged["errorcode"]) == (0, 3, 2)
    assert (bad_time["errorcode"], garbage["errorcode"]) == (3, 3)
    assert answer["archives"][1]["errorcode"] == 2


async def test_alarm_list_through_rest_filters(classic: Classic, wincc_sim: SimHandle) -> None:
    """MessageList/{filter} shows current alarms; texts follow Accept-Language."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Conveyor_Running", False)
    everything = await classic.json("GET", "alarmLogging/MessageList/AllAlarms")
    assert [m["name"] for m in everything] == ["Pump1_Fault", "Conveyor_Stopped"]
    high = await classic.json(
        "GET",
        "alarmLogging/MessageList/highpriority",
        headers={"Accept-Language": "de-DE,de;q=0.9"},
    )
    (message,) = high
    assert message["text"] == "Pumpe 1 Störung"
    assert message["state"] == 1
    assert message["stateText"] == "Gekommen"
    assert message["requiresAcknowledgment"] is True
    assert message["acknowledgeTime"] is None
    assert (await classic.request("GET", "alarmLogging/MessageList/Nope"))[0] == 404


async def test_alarm_archive_and_configuration(classic: Classic, wincc_sim: SimHandle) -> None:
    """Short- and long-term archives list transitions newest first; configuration lists."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Pump1_Fault", False)
    archive = await classic.json("GET", "alarmLogging/ShortTermArchive/AllAlarms?maxValues=5")
    assert [(m["event"], m["alarmState"], m["state"]) for m in archive] == [
        ("Changed", "RAISED_CLEARED", 2),
        ("Came In", "RAISED", 1),
    ]
    assert len(await classic.json("GET", "alarmLogging/LongTermArchive/AllAlarms?maxValues=1")) == 1
    messages = await classic.json("GET", "alarmLogging/Messages", headers={"Accept-Language": "en"})
    assert {
        "messageNumber": 1005,
        "name": "Pump1_Fault",
        "messageClass": "Alarm",
        "priority": 14,
        "text": "Pump 1 fault",
        "tag": "Pump1_Fault",
    } in messages
    message = await classic.json("GET", "alarmLogging/Message/1005")
    assert message["infoText"] == "Pump 1 tripped; tank 1 no longer drains."
    assert (await classic.request("GET", "alarmLogging/Message/9"))[0] == 404
    classes = await classic.json("GET", "alarmLogging/MessageClasses")
    assert classes == [
        {"name": "Alarm", "id": 1},
        {"name": "Warning", "id": 2},
        {"name": "Information", "id": 3},
    ]
    filters = await classic.json("GET", "alarmLogging/RestFilters")
    assert filters == [
        {"name": "AllAlarms", "minPriority": 0},
        {"name": "HighPriority", "minPriority": 10},
    ]


async def test_acknowledged_message_state(classic: Classic, wincc_sim: SimHandle) -> None:
    """An acknowledged message has state 3 and its acknowledgment time."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.thread.call(
        lambda: wincc_sim.runtime.plant.alarms.acknowledge(
            "Pump1_Fault", 0, wincc_sim.runtime.plant.time, "operator"
        )
    )
    (message,) = await classic.json("GET", "alarmLogging/MessageList/AllAlarms")
    assert message["state"] == 3
    assert message["acknowledgeTime"] == "2026-05-01T10:00:00.000Z"


async def test_without_alarm_logging_every_alarm_path_is_404(
    classic: Classic, wincc_sim: SimHandle
) -> None:
    """As WinCC V7.5 answers: alarm logging is missing, tag management is not."""

    def switch_off() -> None:
        wincc_sim.runtime.alarm_logging = False

    wincc_sim.thread.call(switch_off)
    for path in ("alarmLogging/RestFilters", "alarmLogging/MessageList/AllAlarms"):
        assert (await classic.request("GET", path))[0] == 404
    assert (await classic.request("GET", "tagManagement/Value/Tank1_Level"))[0] == 200
