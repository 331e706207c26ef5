"""Unified tags: tagValues, writeTagValues, browse and loggedTagValues."""

from datetime import timedelta
from typing import Any

import pytest

from simulator.runtime import RuntimeOptions
from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL

READ = """query($n:[String!]!){tagValues(names:$n){name
  value{value timestamp quality{quality subStatus limit extendedSubStatus sourceQuality
  sourceTime timeCorrected}} error{code description}}}"""
WRITE = """mutation($i:[TagValueInput]!){writeTagValues(input:$i){name error{code description}}}"""


async def test_read_rows_have_exact_fields(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """A row per name, in order; errors per row with string codes."""
    reading = wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.read("Tank1_Level"))
    data = await gql.data(
        READ, {"n": ["HMI_RT_1::Tank1_Level", "HMI_RT_1::Nope", "HMI_RT_1::Boiler", "Batch_Name"]}
    )
    level, unknown, structure, batch = data["tagValues"]
    assert level == {
        "name": "HMI_RT_1::Tank1_Level",
        "value": {
            "value": reading.value,
            "timestamp": reading.timestamp.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "quality": {
                "quality": "GOOD_CASCADE",
                "subStatus": "NON_SPECIFIC",
                "limit": "OK",
                "extendedSubStatus": "NON_SPECIFIC",
                "sourceQuality": False,
                "sourceTime": False,
                "timeCorrected": False,
            },
        },
        "error": {"code": "0", "description": ""},
    }
    assert unknown == {
        "name": "HMI_RT_1::Nope",
        "value": None,
        "error": {"code": "2", "description": "Cannot resolve provided name"},
    }
    assert structure["error"]["code"] == "202"
    assert batch["value"]["value"] == "BATCH-0001"


async def test_read_from_another_system_is_unknown(gql: GraphQL) -> None:
    """Names are resolved within this runtime's system."""
    data = await gql.data(READ, {"n": ["OTHER_RT::Tank1_Level"]})
    assert data["tagValues"][0]["error"]["code"] == "2"


async def test_forced_quality_shows_in_the_quality_object(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """Quality bytes map onto MainQuality, subStatus and limit."""
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Tank1_Level", 0x55))
    data = await gql.data(READ, {"n": ["HMI_RT_1::Tank1_Level"]})
    quality = data["tagValues"][0]["value"]["quality"]
    assert quality["quality"] == "UNCERTAIN"
    assert quality["subStatus"] == "RANGE_VIOLATION"
    assert quality["limit"] == "LOW_LIMIT_VIOLATION"


async def test_write_changes_the_plant_and_alarms_follow(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """Stopping pump 1 fills tank 1 until its high-level alarm is raised."""
    data = await gql.data(WRITE, {"i": [{"name": "HMI_RT_1::Pump1_Command", "value": False}]})
    assert data["writeTagValues"] == [
        {"name": "HMI_RT_1::Pump1_Command", "error": {"code": "0", "description": ""}}
    ]
    wincc_sim.advance(120)
    assert wincc_sim.value("Pump1_Status") is False
    assert float(wincc_sim.value("Tank1_Level")) > 90  # type: ignore[arg-type]
    alarms = await gql.data("{activeAlarms{name state}}")
    assert {"name": "HMI_RT_1::Tank1_Level_High", "state": "RAISED"} in alarms["activeAlarms"]


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("HMI_RT_1::Tank1_Level", "high", "201"),
        ("HMI_RT_1::Pump1_Command", "yes", "201"),
        ("HMI_RT_1::Batch_Name", 5, "201"),
        ("HMI_RT_1::Conveyor_ItemCount", 1.5, "201"),
        ("HMI_RT_1::Conveyor_Speed", 9.0, "201"),
        ("HMI_RT_1::Boiler", 1, "202"),
        ("HMI_RT_1::Nope", 1, "2"),
    ],
)
async def test_write_errors_per_row(gql: GraphQL, name: str, value: Any, code: str) -> None:
    """Bad values, structure tags and unknown names fail per row; other rows still write."""
    data = await gql.data(
        WRITE,
        {"i": [{"name": name, "value": value}, {"name": "HMI_RT_1::Batch_Name", "value": "B2"}]},
    )
    failed, written = data["writeTagValues"]
    assert failed["error"]["code"] == code
    assert failed["error"]["description"]
    assert written["error"]["code"] == "0"


async def test_write_with_quality_and_literal_values(gql: GraphQL) -> None:
    """Inline literals parse as Variants; a written quality is kept."""
    data = await gql.data(
        """mutation{writeTagValues(input:[{name:"HMI_RT_1::Conveyor_Speed", value:2,
        quality:{quality:UNCERTAIN, subStatus:SUBSTITUTE_VALUE}},
        {name:"HMI_RT_1::Pump1_Command", value:true}, {name:"HMI_RT_1::Batch_Name", value:"X"},
        {name:"HMI_RT_1::Oven_Setpoint", value:200.5}]){name error{code}}}"""
    )
    assert [row["error"]["code"] for row in data["writeTagValues"]] == ["0"] * 4
    data = await gql.data(READ, {"n": ["HMI_RT_1::Conveyor_Speed"]})
    value = data["tagValues"][0]["value"]
    assert value["value"] == 2.0
    assert value["quality"]["quality"] == "UNCERTAIN"
    assert value["quality"]["subStatus"] == "SUBSTITUTE_VALUE"


async def test_viewer_cannot_write(gql: GraphQL) -> None:
    """A read-only user gets error code 1 per row."""
    await gql.login("viewer")
    data = await gql.data(WRITE, {"i": [{"name": "HMI_RT_1::Pump1_Command", "value": False}]})
    assert data["writeTagValues"][0]["error"]["code"] == "1"


BROWSE = """query($f:[String],$t:[ObjectTypesEnum],$b:[String],$l:String){
  browse(nameFilters:$f, objectTypeFilters:$t, baseTypeFilters:$b, language:$l){
  name displayName objectType dataType}}"""


async def _browse(gql: GraphQL, **arguments: Any) -> list[dict[str, Any]]:
    # Quirk: passing null for a browse argument is rejected, so only send what is set.
    declared = {"f": "[String]", "t": "[ObjectTypesEnum]", "b": "[String]", "l": "String"}
    names = {"f": "nameFilters", "t": "objectTypeFilters", "b": "baseTypeFilters", "l": "language"}
    used = {k: v for k, v in arguments.items() if v is not None}
    params = ",".join(f"${k}:{declared[k]}" for k in used)
    args = ",".join(f"{names[k]}:${k}" for k in used)
    query = (
        f"query{f'({params})' if params else ''}{{browse{f'({args})' if args else ''}"
        "{name displayName objectType dataType}}"
    )
    return list((await gql.data(query, used))["browse"])


async def test_browse_without_filter_lists_top_level_objects(gql: GraphQL) -> None:
    """Tags, structure tags and alarms; no structure elements."""
    rows = await _browse(gql)
    names = {r["name"] for r in rows}
    assert "HMI_RT_1::Tank1_Level" in names
    assert "HMI_RT_1::Boiler" in names
    assert "HMI_RT_1::Tank1_Level_High" in names
    assert not any("." in n for n in names)
    level = next(r for r in rows if r["name"] == "HMI_RT_1::Tank1_Level")
    assert level == {
        "name": "HMI_RT_1::Tank1_Level",
        "displayName": "Tank 1 level",
        "objectType": "SIMPLETAG",
        "dataType": "Real",
    }
    boiler = next(r for r in rows if r["name"] == "HMI_RT_1::Boiler")
    assert boiler["objectType"] == "STRUCTURETAG"
    assert boiler["dataType"] == "Boiler_Type"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            "*.*",
            {
                "HMI_RT_1::Boiler.Temperature",
                "HMI_RT_1::Boiler.Setpoint",
                "HMI_RT_1::Boiler.Burner_On",
            },
        ),
        (
            "HMI_RT_1::Boiler.*",
            {
                "HMI_RT_1::Boiler.Temperature",
                "HMI_RT_1::Boiler.Setpoint",
                "HMI_RT_1::Boiler.Burner_On",
            },
        ),
        (
            "*.**",
            {
                "HMI_RT_1::Boiler.Temperature",
                "HMI_RT_1::Boiler.Setpoint",
                "HMI_RT_1::Boiler.Burner_On",
            },
        ),
        ("pump?_*", set()),
        (
            "Pump1_*",
            {
                "HMI_RT_1::Pump1_Command",
                "HMI_RT_1::Pump1_Status",
                "HMI_RT_1::Pump1_Fault",
                "HMI_RT_1::Pump1_Reset",
            },
        ),
    ],
)
async def test_browse_wildcards(gql: GraphQL, pattern: str, expected: set[str]) -> None:
    """``*.*`` first-level elements, ``*.**`` all levels, ``*`` within one level."""
    rows = await _browse(gql, f=[pattern], t=["TAG"])
    assert {r["name"] for r in rows} == expected


async def test_browse_type_filters_and_language(gql: GraphQL) -> None:
    """Object and base-type filters narrow; the language picks display names."""
    alarms = await _browse(gql, t=["ALARM"], l="de-DE")
    assert {r["objectType"] for r in alarms} == {"ALARM"}
    assert {
        "name": "HMI_RT_1::Pump1_Fault",
        "displayName": "Pumpe 1 Störung",
        "objectType": "ALARM",
        "dataType": None,
    } in alarms
    bools = await _browse(gql, f=["*::*"], b=["bool"])
    assert bools
    assert {r["dataType"] for r in bools} == {"Bool"}
    logging_tags = await _browse(gql, f=["**"], t=["LOGGINGTAG"])
    assert "HMI_RT_1::Tank1_Level:LoggingTag_1" in {r["name"] for r in logging_tags}


async def test_browse_rejects_null_arguments(gql: GraphQL) -> None:
    """Quirk: an explicit null argument is rejected; omit it instead."""
    status, body = await gql.post("{browse(nameFilters:null, language:null){name}}")
    assert status == 200
    assert body["errors"]


async def test_browse_invalid_language(gql: GraphQL) -> None:
    """An unsupported language is error code 302."""
    _status, body = await gql.post('{browse(language:"xx-XX"){name}}')
    assert body["errors"][0]["extensions"]["code"] == "302"


LOGGED = """query($n:[String]!,$s:Timestamp,$e:Timestamp,$m:Int,$o:LoggedTagValuesSortingModeEnum,
  $b:LoggedTagValuesBoundingModeEnum){loggedTagValues(names:$n,startTime:$s,endTime:$e,
  maxNumberOfValues:$m,sortingMode:$o,boundingValuesMode:$b){loggingTagName error{code description}
  values{value{value timestamp quality{quality}} flags}}}"""


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Ten minutes of plant history before the test starts (a sample every 10 s)."""
    return RuntimeOptions(history_prefill=timedelta(minutes=10))


def _times(result: dict[str, Any]) -> list[str]:
    return [v["value"]["timestamp"] for v in result["values"]]


async def test_logged_values_in_a_range(gql: GraphQL) -> None:
    """Start and end select the samples inside; the canonical logging-tag name comes back."""
    data = await gql.data(
        LOGGED,
        {
            "n": ["HMI_RT_1::Tank1_Level"],
            "s": "2026-05-01T09:55:00.000Z",
            "e": "2026-05-01T09:56:00Z",
        },
    )
    (result,) = data["loggedTagValues"]
    assert result["loggingTagName"] == "HMI_RT_1::Tank1_Level:LoggingTag_1"
    assert result["error"]["code"] == "0"
    assert _times(result) == [
        f"2026-05-01T09:5{m}:{s}0.000Z"
        for m, s in [(5, 0), (5, 1), (5, 2), (5, 3), (5, 4), (5, 5), (6, 0)]
    ]
    assert all(v["flags"] == [] for v in result["values"])


async def test_logged_values_with_one_bound_and_sorting(gql: GraphQL) -> None:
    """With only an end time, the newest values before it; TIME_DESC sorts newest first."""
    data = await gql.data(
        LOGGED,
        {
            "n": ["HMI_RT_1::Tank1_Level:LoggingTag_1"],
            "e": "2026-05-01T09:59:00Z",
            "m": 3,
            "o": "TIME_DESC",
        },
    )
    assert _times(data["loggedTagValues"][0]) == [
        "2026-05-01T09:59:00.000Z",
        "2026-05-01T09:58:50.000Z",
        "2026-05-01T09:58:40.000Z",
    ]
    data = await gql.data(
        LOGGED, {"n": ["HMI_RT_1::Tank1_Level"], "s": "2026-05-01T09:59:00Z", "m": 2}
    )
    assert _times(data["loggedTagValues"][0]) == [
        "2026-05-01T09:59:00.000Z",
        "2026-05-01T09:59:10.000Z",
    ]


async def test_logged_values_bounding(gql: GraphQL) -> None:
    """Bounding values outside the range carry the BOUNDING flag."""
    data = await gql.data(
        LOGGED,
        {
            "n": ["HMI_RT_1::Tank1_Level"],
            "s": "2026-05-01T09:55:05Z",
            "e": "2026-05-01T09:55:15Z",
            "b": "LEFTRIGHT_BOUNDING_VALUES",
        },
    )
    values = data["loggedTagValues"][0]["values"]
    assert [v["flags"] for v in values] == [["BOUNDING"], [], ["BOUNDING"]]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({}, "3"),
        ({"s": "2026-05-01T09:55:00Z"}, "3"),
        ({"s": "2026-05-01T09:56:00Z", "e": "2026-05-01T09:55:00Z"}, "3"),
    ],
)
async def test_logged_values_argument_errors(
    gql: GraphQL, variables: dict[str, Any], code: str
) -> None:
    """Neither bound, one bound without a maximum, or a reversed range: code 3."""
    data = await gql.data(LOGGED, {"n": ["HMI_RT_1::Tank1_Level"], **variables})
    assert data["loggedTagValues"][0]["error"]["code"] == code
    assert data["loggedTagValues"][0]["values"] == []


async def test_logged_values_unknown_or_unlogged_tag(gql: GraphQL) -> None:
    """A tag without logging cannot be resolved as a logging tag."""
    data = await gql.data(
        LOGGED,
        {"n": ["HMI_RT_1::Pump1_Command", "HMI_RT_1::Nope"], "s": "2026-05-01T09:55:00Z", "m": 1},
    )
    assert [r["error"]["code"] for r in data["loggedTagValues"]] == ["2", "2"]


async def test_bad_timestamp_is_rejected(gql: GraphQL) -> None:
    """A Timestamp that is not ISO-8601 fails validation, as a literal or a variable."""
    status, body = await gql.post(
        '{loggedTagValues(names:["HMI_RT_1::Tank1_Level"], startTime:"yesterday"){loggingTagName}}'
    )
    assert status == 400
    status, body = await gql.post(LOGGED, {"n": ["HMI_RT_1::Tank1_Level"], "s": "yesterday"})
    assert body["errors"]
    status, body = await gql.post(
        '{loggedTagValues(names:["HMI_RT_1::Tank1_Level"], startTime:5){loggingTagName}}'
    )
    assert status == 400
