"""wincc-sim's face of the WinCC OA GraphQL application example: the whole schema is
declared, logins and tokens, the datapoint reads and writes this project uses, "not
simulated" for the rest, and the errors the reference gives."""

from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from simulator.clock import iso
from simulator.oa_graphql import oa_schema
from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL


async def log_in(client: GraphQL, user: str = "operator") -> None:
    """Log in to the example's face and keep the token for later requests."""
    data = await client.data(
        "mutation($u:String!,$p:String!){login(username:$u,password:$p){token expiresAt}}",
        {"u": user, "p": user},
    )
    client.token = data["login"]["token"]


@pytest.fixture
async def oa(wincc_sim: SimHandle) -> Any:
    async with aiohttp.ClientSession() as session:
        client = GraphQL(session, wincc_sim, f"{wincc_sim.oa_graphql_url}/graphql")
        await log_in(client)
        yield client


def test_the_whole_schema_is_declared() -> None:
    """Every root field of the example, and the namespaces this project uses."""
    schema = oa_schema()
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    assert schema.subscription_type is not None
    assert set(schema.query_type.fields) == {"api", "extras"}
    assert {"login", "logout", "api", "extras"} == set(schema.mutation_type.fields)
    assert {"dpConnect", "tagSubscribe"} <= set(schema.subscription_type.fields)
    assert {"get", "names", "elementType", "getPeriod"} <= set(
        schema.type_map["DataPointMethods"].fields  # type: ignore[attr-defined]
    )


async def test_reads_of_values_and_online_attributes(oa: GraphQL, wincc_sim: SimHandle) -> None:
    data = await oa.data(
        '{api{dp{get(dpeNames:["System1:Tank1.Level","ExampleDP_Rpt1.",'
        '"System1:Tank1.Level:_online.._stime","System1:Tank1.Level:_online.._status"])}}}'
    )
    level, rpt1, stime, status = data["api"]["dp"]["get"]
    assert level == wincc_sim.value("Tank1_Level")
    assert rpt1 == 10.6
    assert stime.endswith("Z")
    assert status & 1  # active


async def test_names_types_and_existence(oa: GraphQL) -> None:
    data = await oa.data(
        '{api{dp{dps:names(dpPattern:"Example*") elements:names(dpPattern:"Tank1.*")'
        ' typed:names(dpType:"ExampleDP_Float") float:elementType(dpeName:"System1:Tank1.Level")'
        ' bool:elementType(dpeName:"Pump1.Command") struct:elementType(dpeName:"Tank1")'
        ' type:typeName(dp:"ExampleDP_Trend1") yes:exists(dpeName:"Tank1.Level")'
        ' no:exists(dpeName:"Tank9.Level") alert:elementType(dpeName:"ExampleDP_AlertHdl1.")'
        ' alertType:typeName(dp:"ExampleDP_AlertHdl1")}}}'
    )
    dp = data["api"]["dp"]
    assert "System1:ExampleDP_Trend1" in dp["dps"]
    assert "System1:Tank1" not in dp["dps"]
    assert set(dp["elements"]) == {
        "System1:Tank1.Level",
        "System1:Tank1.Temperature",
        "System1:Tank1.InletValve",
    }
    assert len(dp["typed"]) == 7  # the alert handler's datapoint is of another type
    assert (dp["float"], dp["bool"], dp["struct"], dp["type"]) == (
        "FLOAT",
        "BOOL",
        "STRUCT",
        "ExampleDP_Float",
    )
    assert (dp["yes"], dp["no"]) == (True, False)
    assert (dp["alert"], dp["alertType"]) == ("BOOL", "ExampleDP_Bit")
    set_bit = 'mutation{api{dp{set(dpeNames:["ExampleDP_AlertHdl1."],values:[true])}}}'
    assert (await oa.data(set_bit))["api"]["dp"]["set"] is True


async def test_writes_and_the_period(oa: GraphQL, wincc_sim: SimHandle) -> None:
    """set writes the plant (and an example datapoint); getPeriod gives times and values."""
    data = await oa.data(
        'mutation{api{dp{set(dpeNames:["System1:Boiler.Setpoint","ExampleDP_Arg1."],'
        "values:[72.5, 3])}}}"
    )
    assert data["api"]["dp"]["set"] is True
    assert wincc_sim.value("Boiler.Setpoint") == 72.5
    assert (await oa.data('{api{dp{get(dpeNames:["ExampleDP_Arg1."])}}}'))["api"]["dp"]["get"] == [
        3.0
    ]
    wincc_sim.advance(60)
    end = wincc_sim.runtime.plant.time
    start = end - timedelta(seconds=30)
    period = await oa.data(
        "query($s:Time!,$e:Time!){api{dp{getPeriod(startTime:$s,endTime:$e,"
        'dpeNames:["System1:Tank1.Level"])}}}',
        {"s": iso(start), "e": iso(end)},
    )
    (rows,) = period["api"]["dp"]["getPeriod"]
    assert len(rows["times"]) == len(rows["values"]) >= 3


async def test_errors_as_the_reference_gives_them(oa: GraphQL, wincc_sim: SimHandle) -> None:
    """Bad token: HTTP 500 Unauthorized. Wrong password: 200 with the message. A viewer's
    mutation: Forbidden. An unknown element and an unsimulated field: errors."""
    token = oa.token
    oa.token = "nope"
    status, body = await oa.post("{api{dp{names}}}")
    assert (status, body["errors"][0]["message"]) == (500, "Unauthorized")
    oa.token = None
    status, body = await oa.post('mutation{login(username:"operator",password:"x"){token}}')
    assert (status, body["errors"][0]["message"]) == (200, "Invalid username or password")
    oa.token = token
    status, body = await oa.post('{api{dp{get(dpeNames:["System1:Nope.Value"])}}}')
    assert body["errors"][0]["message"].startswith("Failed to get data points")
    status, body = await oa.post('{api{dp{getUnit(dpeName:"System1:Tank1.Level")}}}')
    assert body["errors"][0]["message"] == "Not simulated by wincc-sim: DataPointMethods.getUnit"
    status, body = await oa.post("{api{dp{nope}}}")
    assert status == 400  # not in the schema: a validation error
    await log_in(oa, "viewer")
    status, body = await oa.post('mutation{api{dp{set(dpeNames:["Boiler.Setpoint"],values:[1])}}}')
    assert body["errors"][0]["message"] == "Forbidden: Read-only users cannot perform mutations"
    assert wincc_sim.value("Boiler.Setpoint") != 1


async def test_logout_ends_the_token(oa: GraphQL) -> None:
    assert (await oa.data("mutation{logout}"))["logout"] is True
    status, _ = await oa.post("{api{dp{names}}}")
    assert status == 500


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        ('{api{dp{elementType(dpeName:"Nope.X")}}}', None, "Failed to get element type"),
        ('{api{dp{typeName(dp:"Nope")}}}', None, "Failed to get type name"),
        (
            'query($s:Time!){api{dp{getPeriod(startTime:$s,endTime:$s,dpeNames:["Nope.X"])}}}',
            {"s": "2026-05-01T10:00:00Z"},
            "Failed to get period",
        ),
        (
            'query($s:Time!){api{dp{getPeriod(startTime:$s,endTime:$s,dpeNames:["Tank1.Level"])}}}',
            {"s": "yesterday"},
            "ISO 8601",
        ),
        ('mutation{api{dp{set(dpeNames:["Tank1.Level"],values:[1,2])}}}', None, "same length"),
        ('mutation{api{dp{set(dpeNames:["Pump1.Command"],values:["on"])}}}', None, "Failed to set"),
        (
            'mutation{api{dp{set(dpeNames:["ExampleDP_Arg1."],values:["x"])}}}',
            None,
            "Failed to set",
        ),
    ],
)
async def test_bad_arguments_are_errors(
    oa: GraphQL, query: str, variables: dict[str, Any] | None, message: str
) -> None:
    _, body = await oa.post(query, variables)
    assert message in body["errors"][0]["message"]


async def test_requests_that_are_not_graphql(oa: GraphQL, wincc_sim: SimHandle) -> None:
    async with oa.session.post(oa.url, data=b"nope") as response:
        assert response.status == 400
    status, body = await oa.post("{ api {")
    assert status == 400
    assert "Syntax Error" in body["errors"][0]["message"]


PERIOD = (
    "query($s:Time!,$e:Time!,$n:[String!]!){api{alert{alertGetPeriod(startTime:$s,endTime:$e,"
    "names:$n){alertTimes{time count dpe} values}}}}"
)
ALERT_GET = (
    "query($a:[AlertTimeInput!]!,$n:[String!]!){api{alert{alertGet(alertsTime:$a,dpeNames:$n)}}}"
)


async def test_alert_handlers_and_their_types(oa: GraphQL) -> None:
    """``_alert_hdl.._type``: binary on a bool element, ranges on a number, none else."""
    names = ["Pump1.Fault", "System1:Tank1.Level", "Tank1.Temperature", "ExampleDP_AlertHdl1."]
    data = await oa.data(
        "query($n:[String!]!){api{dp{get(dpeNames:$n)}}}",
        {"n": [f"{name}:_alert_hdl.._type" for name in names]},
    )
    assert data["api"]["dp"]["get"] == [12, 13, 0, 12]


async def test_an_alarm_came_went_and_was_acknowledged(oa: GraphQL, wincc_sim: SimHandle) -> None:
    """A came and a went entry, whose attributes tell the instance's state now."""
    start = wincc_sim.runtime.plant.time
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(5)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.advance(5)
    handler = "System1:Pump1.Fault:_alert_hdl."
    attributes = ["_text", "_direction", "_act_state", "_ackable", "_came_time", "_gone_time"]
    variables = {
        "s": iso(start),
        "e": iso(wincc_sim.runtime.plant.time),
        "n": [f"{handler}.{a}" for a in attributes],
    }
    period = (await oa.data(PERIOD, variables))["api"]["alert"]["alertGetPeriod"]
    times, values = period["alertTimes"], period["values"]
    assert len(times) == len(values) == 2 * len(attributes)
    assert [t["dpe"] for t in times[: len(attributes)]] == variables["n"]
    came = dict(zip(attributes, values[: len(attributes)], strict=True))
    went = dict(zip(attributes, values[len(attributes) :], strict=True))
    assert came["_text"] == "Pump 1 fault"
    assert (came["_direction"], went["_direction"]) == (True, False)
    assert came["_act_state"] == went["_act_state"] == 3  # went, not acknowledged
    assert came["_ackable"] is True
    assert came["_came_time"] == times[0]["time"]
    assert came["_gone_time"] == times[-1]["time"]
    (instance,) = list(wincc_sim.runtime.plant.alarms.active.values())
    wincc_sim.acknowledge_at_station("Pump1_Fault", instance.instance_id)
    alert = {k: times[0][k] for k in ("time", "count", "dpe")}
    got = await oa.data(
        ALERT_GET, {"a": [alert], "n": [f"{handler}._act_state", f"{handler}._ack_time"]}
    )
    act_state, ack_time = got["api"]["alert"]["alertGet"]
    assert act_state == 0
    assert ack_time != "1970-01-01T00:00:00.000Z"


async def test_the_example_alert_comes_with_its_bit(oa: GraphQL, wincc_sim: SimHandle) -> None:
    start = wincc_sim.runtime.plant.time
    await oa.data('mutation{api{dp{set(dpeNames:["ExampleDP_AlertHdl1."],values:[true])}}}')
    handler = "System1:ExampleDP_AlertHdl1.:_alert_hdl."
    variables = {
        "s": iso(start),
        "e": iso(wincc_sim.runtime.plant.time),
        "n": [f"{handler}._text", f"{handler}._prior", f"{handler}._act_state"],
    }
    period = (await oa.data(PERIOD, variables))["api"]["alert"]["alertGetPeriod"]
    assert period["values"] == ["Value to 1", 60, 1]


async def test_alert_errors(oa: GraphQL, wincc_sim: SimHandle) -> None:
    """No handler, an unknown attribute or alert: the example's resolver errors."""
    now = iso(wincc_sim.runtime.plant.time)
    for name in ("System1:Tank1.Temperature:_alert_hdl.._text", "Pump1.Fault:_alert_hdl.._nope"):
        _, body = await oa.post(PERIOD, {"s": now, "e": now, "n": [name]})
        assert body["errors"][0]["message"].startswith("Failed to get alert period data")
    alert = {"time": now, "count": 0, "dpe": "System1:Pump1.Fault:_alert_hdl.._text"}
    for names in (["System1:Pump1.Fault:_alert_hdl.._text"], ["a", "b", "c"]):
        _, body = await oa.post(ALERT_GET, {"a": [alert, alert], "n": names})
        assert body["errors"][0]["message"].startswith("Failed to get alert attributes")
    _, body = await oa.post(
        ALERT_GET, {"a": [alert], "n": ["System1:Pump1.Fault:_alert_hdl.._text"]}
    )
    assert "no alert" in body["errors"][0]["message"]
