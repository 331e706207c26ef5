"""Unified alarms: activeAlarms, loggedAlarms, acknowledgeAlarms, resetAlarms."""

from typing import Any

import pytest

from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL

# Every ActiveAlarm and LoggedAlarm field the reference lists (section 4). Real clients
# select them all; one unknown field would fail the whole query.
QUALITY = "{quality subStatus limit extendedSubStatus sourceQuality sourceTime timeCorrected}"
COMMON = f"""name instanceID alarmGroupID raiseTime acknowledgmentTime clearTime resetTime
  modificationTime state textColor backColor languages alarmClassName alarmClassSymbol
  alarmClassID stateMachine priority alarmParameterValues alarmType eventText infoText
  alarmText1 alarmText2 alarmText3 alarmText4 alarmText5 alarmText6 alarmText7 alarmText8
  alarmText9 stateText origin area changeReason valueLimit sourceType suppressionState
  hostName userName value valueQuality {QUALITY} quality {QUALITY}
  invalidFlags {{invalidConfiguration invalidTimestamp invalidAlarmParameter invalidEventText}}
  producer duration durationIso"""
ACTIVE_ALL_FIELDS = f"""{COMMON} flashing connectionName deadBand sourceID systemSeverity
  loopInAlarm loopInAlarmParameterValues path userResponse"""
LOGGED_ALL_FIELDS = f"{COMMON} deadband hasComments"

ACK = """mutation($i:[AlarmIdentifierInput]!){acknowledgeAlarms(input:$i){
  alarmName alarmInstanceID error{code description}}}"""
RESET = """mutation($i:[AlarmIdentifierInput]!){resetAlarms(input:$i){
  alarmName alarmInstanceID error{code description}}}"""
ACTIVE = "{activeAlarms{name instanceID state}}"


async def _active(gql: GraphQL) -> list[dict[str, Any]]:
    return list((await gql.data(ACTIVE))["activeAlarms"])


async def test_query_selecting_every_field_validates_and_answers(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """activeAlarms and loggedAlarms accept every documented field."""
    wincc_sim.write("Pump1_Fault", True)
    data = await gql.data(f'{{activeAlarms(languages:["en-US","de-DE"]){{{ACTIVE_ALL_FIELDS}}}}}')
    (alarm,) = data["activeAlarms"]
    assert alarm["name"] == "HMI_RT_1::Pump1_Fault"
    assert alarm["instanceID"] == 1
    assert alarm["state"] == "RAISED"
    assert alarm["stateMachine"] == "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT"
    assert alarm["eventText"] == ["Pump 1 fault", "Pumpe 1 Störung"]
    assert alarm["stateText"] == ["Raised", "Gekommen"]
    assert alarm["priority"] == 14
    assert alarm["alarmClassName"] == "Alarm"
    assert alarm["raiseTime"] == "2026-05-01T10:00:00.000Z"
    assert alarm["acknowledgmentTime"] is None
    assert alarm["userResponse"] == "ACKNOWLEDGEMENT"
    assert alarm["deadBand"] is None
    assert alarm["alarmText9"] is None
    assert alarm["valueQuality"]["quality"] == "GOOD_CASCADE"
    logged = await gql.data(
        f'{{loggedAlarms(startTime:"2026-05-01T09:00:00Z"){{{LOGGED_ALL_FIELDS}}}}}'
    )
    assert [(a["name"], a["state"], a["hasComments"]) for a in logged["loggedAlarms"]] == [
        ("HMI_RT_1::Pump1_Fault", "RAISED", False)
    ]


async def test_deadband_casing_trap(gql: GraphQL) -> None:
    """ActiveAlarm has ``deadBand``; LoggedAlarm has ``deadband``, and not the other."""
    status, _ = await gql.post("{activeAlarms{deadband}}")
    assert status == 400
    status, _ = await gql.post("{loggedAlarms{deadBand}}")
    assert status == 400


async def test_requires_acknowledgment_state_machine(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """RAISED -> RAISED_ACKNOWLEDGED -> (cleared) gone; a second ack is code 305."""
    wincc_sim.write("Pump1_Fault", True)
    data = await gql.data(ACK, {"i": [{"name": "HMI_RT_1::Pump1_Fault", "instanceID": 1}]})
    assert data["acknowledgeAlarms"] == [
        {
            "alarmName": "HMI_RT_1::Pump1_Fault",
            "alarmInstanceID": 1,
            "error": {"code": "0", "description": ""},
        }
    ]
    assert await _active(gql) == [
        {"name": "HMI_RT_1::Pump1_Fault", "instanceID": 1, "state": "RAISED_ACKNOWLEDGED"}
    ]
    data = await gql.data(ACK, {"i": [{"name": "HMI_RT_1::Pump1_Fault", "instanceID": 1}]})
    assert data["acknowledgeAlarms"][0]["error"]["code"] == "305"
    wincc_sim.advance(1)
    wincc_sim.write("Pump1_Fault", False)
    assert await _active(gql) == []


async def test_cleared_before_acknowledgment(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """RAISED -> RAISED_CLEARED stays until acknowledged, then leaves."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Pump1_Fault", False)
    assert await _active(gql) == [
        {"name": "HMI_RT_1::Pump1_Fault", "instanceID": 1, "state": "RAISED_CLEARED"}
    ]
    data = await gql.data(ACK, {"i": [{"name": "Pump1_Fault"}]})
    assert data["acknowledgeAlarms"][0]["error"]["code"] == "0"
    assert await _active(gql) == []
    logged = await gql.data('{loggedAlarms(startTime:"2026-05-01T09:00:00Z"){instanceID state}}')
    assert [a["state"] for a in logged["loggedAlarms"]] == ["RAISED", "RAISED_CLEARED", "NORMAL"]


async def test_new_instances_get_new_ids_and_instance_zero_means_all(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """Each raise is a new instance; instanceID 0 acknowledges every instance."""
    for _ in range(2):
        wincc_sim.write("Pump1_Fault", True)
        wincc_sim.write("Pump1_Fault", False)
    assert [a["instanceID"] for a in await _active(gql)] == [1, 2]
    data = await gql.data(ACK, {"i": [{"name": "HMI_RT_1::Pump1_Fault", "instanceID": 0}]})
    assert [(r["alarmInstanceID"], r["error"]["code"]) for r in data["acknowledgeAlarms"]] == [
        (1, "0"),
        (2, "0"),
    ]


async def test_acknowledge_and_reset_state_machine(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """Boiler over-temperature: raise, clear, acknowledge, then it waits for a reset."""
    wincc_sim.write("Boiler.Setpoint", 95)
    wincc_sim.advance(60)
    assert await _active(gql) == [
        {"name": "HMI_RT_1::Boiler_OverTemperature", "instanceID": 1, "state": "RAISED"}
    ]
    data = await gql.data(RESET, {"i": [{"name": "HMI_RT_1::Boiler_OverTemperature"}]})
    assert data["resetAlarms"][0]["error"]["code"] == "305"
    await gql.data(ACK, {"i": [{"name": "HMI_RT_1::Boiler_OverTemperature"}]})
    wincc_sim.write("Boiler.Setpoint", 60)
    wincc_sim.advance(120)
    assert await _active(gql) == [
        {
            "name": "HMI_RT_1::Boiler_OverTemperature",
            "instanceID": 1,
            "state": "RAISED_ACKNOWLEDGED_CLEARED",
        }
    ]
    data = await gql.data("{activeAlarms{userResponse flashing}}")
    assert data["activeAlarms"] == [{"userResponse": "RESET", "flashing": True}]
    data = await gql.data(
        RESET, {"i": [{"name": "HMI_RT_1::Boiler_OverTemperature", "instanceID": 1}]}
    )
    assert data["resetAlarms"][0]["error"]["code"] == "0"
    assert await _active(gql) == []


async def test_optional_acknowledgment_and_information_alarms(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """Optional acknowledgment leaves when cleared; an information alarm can't be acknowledged."""
    wincc_sim.write("Tank1_InletValve", False)
    wincc_sim.advance(200)
    wincc_sim.write("Conveyor_Running", False)
    states = {a["name"]: a["state"] for a in await _active(gql)}
    assert states == {"HMI_RT_1::Tank1_Level_Low": "RAISED", "HMI_RT_1::Conveyor_Stopped": "RAISED"}
    data = await gql.data(ACK, {"i": [{"name": "HMI_RT_1::Conveyor_Stopped"}]})
    assert data["acknowledgeAlarms"][0]["error"]["code"] == "305"
    wincc_sim.write("Conveyor_Running", True)
    wincc_sim.write("Tank1_InletValve", True)
    wincc_sim.advance(100)
    assert await _active(gql) == []


async def test_acknowledge_unknown_alarm_and_no_instance(gql: GraphQL) -> None:
    """An unknown name is code 2; a known alarm without an active instance code 305."""
    data = await gql.data(
        ACK,
        {
            "i": [
                {"name": "HMI_RT_1::Nope"},
                {"name": "OTHER::Pump1_Fault"},
                {"name": "HMI_RT_1::Pump1_Fault"},
            ]
        },
    )
    assert [r["error"]["code"] for r in data["acknowledgeAlarms"]] == ["2", "2", "305"]


async def test_viewer_cannot_acknowledge(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """A user without the acknowledge right gets code 1."""
    wincc_sim.write("Pump1_Fault", True)
    await gql.login("viewer")
    data = await gql.data(ACK, {"i": [{"name": "HMI_RT_1::Pump1_Fault"}]})
    assert data["acknowledgeAlarms"][0]["error"]["code"] == "1"
    assert (await _active(gql))[0]["state"] == "RAISED"


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("", {"HMI_RT_1::Pump1_Fault", "HMI_RT_1::Conveyor_Stopped"}),
        ("Priority >= 10", {"HMI_RT_1::Pump1_Fault"}),
        ("AlarmClassName = 'Information'", {"HMI_RT_1::Conveyor_Stopped"}),
        ("NOT (priority > 10) OR area = 'Nowhere'", {"HMI_RT_1::Conveyor_Stopped"}),
        ("Name LIKE '%Pump%' AND State = 'RAISED'", {"HMI_RT_1::Pump1_Fault"}),
        ("EventText LIKE 'Conveyor*'", {"HMI_RT_1::Conveyor_Stopped"}),
        (
            "Priority <> 2 AND Priority < 20 AND Priority <= 14 AND Priority != 1",
            {"HMI_RT_1::Pump1_Fault"},
        ),
        ("Area > 5", set()),
    ],
)
async def test_filter_strings(
    gql: GraphQL, wincc_sim: SimHandle, filter_string: str, expected: set[str]
) -> None:
    """Filter strings select alarms by priority, class, name, state and text."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Conveyor_Running", False)
    data = await gql.data(
        "query($f:String){activeAlarms(filterString:$f){name}}", {"f": filter_string}
    )
    assert {a["name"] for a in data["activeAlarms"]} == expected


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ('filterString:"Priority >"', "301"),
        ('filterString:"Bogus = 1"', "301"),
        ('filterString:"(Priority = 1"', "301"),
        ('filterString:"Priority = 1 Priority"', "301"),
        ('filterString:"Priority = Priority"', "301"),
        ('filterString:"Priority 1"', "301"),
        ('filterString:"Priority = 1 #"', "301"),
        ('languages:["xx-XX"]', "302"),
        ('filterLanguage:"xx-XX"', "303"),
    ],
)
async def test_alarm_argument_errors(gql: GraphQL, arguments: str, code: str) -> None:
    """Filter syntax errors are 301, bad languages 302, bad filter languages 303."""
    _status, body = await gql.post(f"{{activeAlarms({arguments}){{name}}}}")
    assert body["data"] == {"activeAlarms": None}
    assert body["errors"][0]["extensions"]["code"] == code


async def test_other_system_names_have_no_alarms(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """systemNames restricts the answer to those runtimes."""
    wincc_sim.write("Pump1_Fault", True)
    data = await gql.data('{activeAlarms(systemNames:["OTHER_RT"]){name}}')
    assert data["activeAlarms"] == []
    data = await gql.data('{activeAlarms(systemNames:["HMI_RT_1"]){name}}')
    assert len(data["activeAlarms"]) == 1


async def test_logged_alarms_time_range_and_limit(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """loggedAlarms returns transitions inside the range, at most maxNumberOfResults."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(10)
    wincc_sim.write("Pump1_Fault", False)
    query = "query($s:Timestamp,$e:Timestamp,$m:Int){loggedAlarms(startTime:$s,endTime:$e,maxNumberOfResults:$m){state modificationTime}}"
    data = await gql.data(query, {"s": "2026-05-01T10:00:05Z"})
    assert [a["state"] for a in data["loggedAlarms"]] == ["RAISED_CLEARED"]
    data = await gql.data(query, {"e": "2026-05-01T10:00:05Z"})
    assert [a["state"] for a in data["loggedAlarms"]] == ["RAISED"]
    data = await gql.data(query, {"m": 1})
    assert len(data["loggedAlarms"]) == 1


async def test_restart_removes_instances_and_restarts_ids(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """A runtime restart logs REMOVED and raises held conditions anew from ID 1."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.write("Pump1_Fault", True)
    assert [a["instanceID"] for a in await _active(gql)] == [1, 2]
    wincc_sim.thread.call(wincc_sim.runtime.restart)
    await gql.login()
    assert await _active(gql) == [
        {"name": "HMI_RT_1::Pump1_Fault", "instanceID": 1, "state": "RAISED"}
    ]
    logged = await gql.data(
        '{loggedAlarms(startTime:"2026-05-01T09:00:00Z"){instanceID state changeReason}}'
    )
    assert [a["state"] for a in logged["loggedAlarms"]][-3:] == ["REMOVED", "REMOVED", "RAISED"]
    assert logged["loggedAlarms"][-2]["changeReason"] == ["ALARM_STATE_CHANGED_REMOVE_EVENT"]


SHELVE = """mutation($n:[String]!,$t:Timespan){shelveAlarms(names:$n,shelveTimeout:$t){
  alarmName error{code description}}}"""
BY_NAME = "mutation($n:[String]!){%s(names:$n){alarmName error{code description}}}"
SUPPRESSION = "{activeAlarms{name instanceID state suppressionState changeReason}}"


async def _suppression(gql: GraphQL, name: str) -> str:
    rows = (await gql.data(SUPPRESSION))["activeAlarms"]
    (state,) = [row["suppressionState"] for row in rows if row["name"] == name]
    return str(state)


async def test_shelving_marks_instances_and_ends_after_its_timeout(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """Shelving marks every active instance SHELVED (the client suppresses it); it ends
    by unshelving or after the timeout, in milliseconds, bounded by the runtime's 8 h."""
    wincc_sim.write("Pump1_Fault", True)
    data = await gql.data(SHELVE, {"n": ["HMI_RT_1::Pump1_Fault", "Nope"], "t": 60_000})
    assert data["shelveAlarms"] == [
        {"alarmName": "HMI_RT_1::Pump1_Fault", "error": {"code": "0", "description": ""}},
        {
            "alarmName": "HMI_RT_1::Nope",
            "error": {"code": "2", "description": "Cannot resolve provided name"},
        },
    ]
    (alarm,) = (await gql.data(SUPPRESSION))["activeAlarms"]
    assert alarm["suppressionState"] == "SHELVED"
    assert alarm["changeReason"] == ["ALARM_SUPPRESSION_STATE_CHANGED"]
    wincc_sim.advance(61)
    (alarm,) = (await gql.data(SUPPRESSION))["activeAlarms"]
    assert alarm["suppressionState"] == "UNSUPPRESSED"
    await gql.data(SHELVE, {"n": ["Pump1_Fault"], "t": 0})
    wincc_sim.advance(7 * 3600)
    await gql.login()  # the token ran out meanwhile
    assert await _suppression(gql, "HMI_RT_1::Pump1_Fault") == "SHELVED"  # 0: 8 hours
    data = await gql.data(BY_NAME % "unshelveAlarms", {"n": ["HMI_RT_1::Pump1_Fault"]})
    assert data["unshelveAlarms"][0]["error"]["code"] == "0"
    assert await _suppression(gql, "HMI_RT_1::Pump1_Fault") == "UNSUPPRESSED"
    _, body = await gql.post(SHELVE, {"n": ["Pump1_Fault"], "t": "an hour"})
    assert "Timespan" in body["errors"][0]["message"]


async def test_disabling_removes_instances_and_raises_none_until_enabled(
    gql: GraphQL, wincc_sim: SimHandle
) -> None:
    """A disabled alarm's instances are REMOVED and no new ones come; enabling while the
    condition holds raises a new instance."""
    wincc_sim.write("Pump1_Fault", True)
    data = await gql.data(BY_NAME % "disableAlarms", {"n": ["HMI_RT_1::Pump1_Fault"]})
    assert data["disableAlarms"][0]["error"]["code"] == "0"
    assert await _active(gql) == []
    logged = await gql.data('{loggedAlarms(startTime:"2026-05-01T09:00:00Z"){state changeReason}}')
    assert logged["loggedAlarms"][-1] == {
        "state": "REMOVED",
        "changeReason": ["ALARM_ENABLE_STATE_CHANGED"],
    }
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(1)
    assert await _active(gql) == []
    data = await gql.data(BY_NAME % "enableAlarms", {"n": ["Pump1_Fault", "Nope"]})
    assert [r["error"]["code"] for r in data["enableAlarms"]] == ["0", "2"]
    wincc_sim.advance(1)
    assert await _active(gql) == [
        {"name": "HMI_RT_1::Pump1_Fault", "instanceID": 2, "state": "RAISED"}
    ]


async def test_viewer_cannot_shelve_or_disable(gql: GraphQL) -> None:
    """Shelving and disabling need the acknowledge right: error 1 per name."""
    await gql.login("viewer")
    for mutation in ("shelveAlarms", "unshelveAlarms", "disableAlarms", "enableAlarms"):
        data = await gql.data(BY_NAME % mutation, {"n": ["Pump1_Fault"]})
        assert data[mutation][0]["error"]["code"] == "1"
