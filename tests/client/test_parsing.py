"""Lenient parsing of what servers answer, and a fuzz of every parser."""

from collections.abc import Callable
import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.wincc.client import (
    DataKind,
    ProtocolError,
    Quality,
    classic_alarms,
    classic_parsing as classic,
    unified_alarms,
    unified_parsing as unified,
)
from custom_components.wincc.client.parsing import (
    ParsedRows,
    as_int,
    check_values,
    parse_timestamp,
    quality_from_byte,
    unified_kind,
)

ROW = {"variableName": "Tank1_Level", "value": 72.4, "timestamp": "2026-05-01T10:00:00.123Z"}


@pytest.mark.parametrize(
    ("row", "quality", "raw"),
    [
        ({**ROW, "qualitycode": 128, "errorcode": 0, "error": ""}, Quality.GOOD, 128),
        ({**ROW, "qualityCode": 0x48}, Quality.UNCERTAIN, 0x48),
        ({**ROW, "qualitycode": 0x18}, Quality.BAD, 0x18),
        ({**ROW, "qualitycode": "192"}, Quality.GOOD, 192),
        (ROW, Quality.UNKNOWN, None),  # no quality at all: unknown, not bad
    ],
)
def test_classic_quality_forms(row: dict[str, Any], quality: Quality, raw: int | None) -> None:
    """``qualitycode`` or ``qualityCode``, missing means unknown; no error key is success."""
    value = classic.parse_value_rows([row], ["Tank1_Level"])["Tank1_Level"]
    assert value.ok
    assert (value.value, value.quality, value.quality_raw) == (72.4, quality, raw)


@pytest.mark.parametrize(
    ("extra", "failed"),
    [
        ({"errorcode": 0}, False),
        ({"error": ""}, False),
        ({"error": "   "}, False),
        ({"errorcode": "0", "error": None}, False),
        ({"errorcode": 5}, True),
        ({"error": "Access denied"}, True),
        ({"error": {"code": 7}}, True),
    ],
)
def test_classic_row_failure_rule(extra: dict[str, Any], failed: bool) -> None:
    """A row failed only if errorcode is non-zero or error is non-empty."""
    value = classic.parse_value_rows([{**ROW, **extra}], ["Tank1_Level"])["Tank1_Level"]
    assert value.ok is not failed


def test_classic_wrappers_and_gaps() -> None:
    """The ``{"values": [...]}`` wrapper is accepted; malformed rows fail alone."""
    payload = {"values": [ROW, "garbage", {"value": 1}]}
    values = classic.parse_value_rows(payload, ["Tank1_Level", "Other"])
    assert values["Tank1_Level"].value == 72.4
    assert values["Other"].error is not None
    single = classic.parse_value_rows(ROW, ["Tank1_Level"])  # GET Value/{tag} answers one row
    assert single["Tank1_Level"].ok
    with pytest.raises(ProtocolError):
        classic.parse_value_rows("nonsense", ["Tank1_Level"])


def test_classic_write_rows() -> None:
    """A PUT answers one object per tag; a missing one is unconfirmed."""
    results = classic.parse_write_rows(
        [
            {"variableName": "A", "errorcode": 0},
            {"variableName": "B", "errorcode": 201, "error": "no"},
        ],
        ["A", "B", "C"],
    )
    assert results["A"].ok
    assert results["B"].error is not None
    assert results["B"].error.code == "201"
    assert results["C"].error is not None


def test_classic_variable_pages() -> None:
    """A bare list and string continuation points are accepted."""
    tags, following = classic.parse_variables_page([{"name": "A", "dataType": 1}, {"x": 1}, 5])
    assert [(t.name, t.kind) for t in tags] == [("A", DataKind.BOOL)]
    assert following is None
    _, following = classic.parse_variables_page({"variables": [], "continuationPoint": "40"})
    assert following == 40


def test_unified_rows_without_names_match_by_position() -> None:
    """A row without a name answers the name at its position; gaps fail per tag."""
    rows = [{"value": {"value": 1, "quality": {"quality": "GOOD_NON_CASCADE"}}}, None]
    values = unified.parse_tag_values(rows, ["A", "B", "C"])
    assert values["A"].value == 1
    assert values["A"].quality is Quality.GOOD
    assert values["B"].error is not None
    assert values["C"].error is not None


def _unified_row(name: str, value: float) -> dict[str, Any]:
    return {"name": name, "value": {"value": value, "quality": {"quality": "GOOD_CASCADE"}}}


@pytest.mark.parametrize(
    ("parse", "row"),
    [
        (
            classic.parse_value_rows,
            lambda name, value: {**ROW, "variableName": name, "value": value},
        ),
        (unified.parse_tag_values, _unified_row),
    ],
    ids=["classic", "unified"],
)
def test_unchanged_rows_give_back_the_last_value(
    parse: Callable[..., dict[str, Any]], row: Callable[[str, float], dict[str, Any]]
) -> None:
    """An equal row (decoded anew) gives back the very value parsed last time; a changed
    row is parsed again; order, gaps and rows as they were are all still honoured."""
    parsed = ParsedRows()
    first = parse([row("A", 1.0), row("B", 2.0)], ["A", "B"], parsed)
    again = parse([row("A", 1.0), row("B", 3.0)], ["A", "B"], parsed)
    assert again["A"] is first["A"]
    assert again["B"] is not first["B"]
    assert again["B"].value == 3.0
    # Out of order, with a gap: matched by name, the gap is an error, A still the same.
    shuffled = parse([row("B", 3.0), row("A", 1.0)], ["A", "B", "C"], parsed)
    assert shuffled["A"] is first["A"]
    assert shuffled["B"] is again["B"]
    assert shuffled["C"].error is not None
    assert shuffled["C"].error.description == "No answer for this tag"
    # Back to the first row: a value equal to the first, parsed anew.
    back = parse([row("A", 1.0), row("B", 2.0)], ["A", "B"], parsed)
    assert back["B"] == first["B"]
    # Without a memory, nothing is shared.
    assert parse([row("A", 1.0)], ["A"])["A"] is not first["A"]


def test_classic_rows_with_invisible_characters_still_match() -> None:
    """A row named with a byte-order mark is not in the asked order, but still matches."""
    values = classic.parse_value_rows(
        [{**ROW, "variableName": "\ufeffTank1_Level"}], ["Tank1_Level"], ParsedRows()
    )
    assert values["Tank1_Level"].value == 72.4


def test_unified_error_code_zero_is_success() -> None:
    """Error code "0" (a string) means success; so does a missing error."""
    row = {"name": "A", "value": {"value": 2, "timestamp": "bad time"}, "error": {"code": "0"}}
    value = unified.parse_tag_values([row], ["A"])["A"]
    assert value.ok
    assert value.timestamp is None
    assert value.quality is Quality.UNKNOWN


def test_unified_session_forms() -> None:
    """A login with error code "0" and a token succeeds; without either it is malformed."""
    answer = unified.parse_session({"token": "t", "expires": None, "error": {"code": "0"}})
    assert unified.session_token(answer) == "t"
    with pytest.raises(ProtocolError):
        unified.parse_session({"error": None})


def test_graphql_errors_are_separated_from_data() -> None:
    """Request-level errors come back beside whatever data there is."""
    answer = unified.parse_graphql({"data": {"x": None}, "errors": [{"message": "m"}]}, "x")
    assert answer.errors == [{"message": "m"}]
    answer = unified.parse_graphql({"errors": ["not an object"]}, "x")
    assert answer.errors == [{"message": "unreadable error"}]
    with pytest.raises(ProtocolError):
        unified.parse_graphql({"data": {}}, "x")


def test_alarm_rows_without_identity_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    """An alarm row lacking its name or instance ID is logged and skipped."""
    alarms = unified_alarms.parse_alarms(
        [{"name": "A", "instanceID": 1, "state": "WEIRD"}, {"name": "B"}], ["en-US"]
    )
    assert [a.name for a in alarms] == ["A"]
    assert alarms[0].state.value == "UNKNOWN"
    assert "without name or instance ID" in caplog.text


def test_primitives() -> None:
    """Small helpers accept the forms servers send."""
    assert as_int("12") == 12
    assert as_int(3.0) == 3
    assert as_int(True) is None
    assert as_int(2.5) is None
    assert parse_timestamp("2026-05-01T10:00:00") is not None
    assert parse_timestamp(5) is None
    assert quality_from_byte(300) is Quality.UNKNOWN
    assert unified_kind("LReal") is DataKind.FLOAT
    assert unified_kind(None) is DataKind.OTHER
    check_values({"a": 1, "b": "x", "c": True}, {})
    with pytest.raises(ValueError, match="not a number, text or boolean"):
        check_values({"a": [1]}, {})
    with pytest.raises(ValueError, match="not text"):
        check_values({"a": 1}, {"a": DataKind.TEXT})
    with pytest.raises(ValueError, match="not a number"):
        check_values({"a": "1"}, {"a": DataKind.FLOAT})


# --- fuzz -------------------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        "data",
        "errors",
        "message",
        "extensions",
        "code",
        "tagValues",
        "name",
        "value",
        "timestamp",
        "quality",
        "error",
        "description",
        "token",
        "expires",
        "values",
        "variableName",
        "qualitycode",
        "qualityCode",
        "errorcode",
        "dataType",
        "variables",
        "continuationPoint",
        "archives",
        "objectType",
        "displayName",
        "instanceID",
        "state",
        "eventText",
        "raiseTime",
        "acknowledgeTime",
        "clearTime",
        "flags",
        "loggingTagName",
        "alarmName",
        "alarmInstanceID",
        "messageNumber",
        "text",
        "priority",
        "browse",
    ]
) | st.text(max_size=5)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)
NAMES = ["Tank1_Level", "A"]

PARSERS: dict[str, Callable[[Any], object]] = {
    "graphql": lambda p: unified.parse_graphql(p, "tagValues"),
    "session": unified.parse_session,
    "tag_values": lambda p: unified.parse_tag_values(p, NAMES),
    "write_results": lambda p: unified.parse_write_results(p, NAMES),
    "browse": unified.parse_browse,
    "history": unified.parse_history,
    "alarms": lambda p: unified_alarms.parse_alarms(p, ["en-US", "de-DE"]),
    "alarm_results": lambda p: unified_alarms.parse_alarm_results(p, "shelveAlarms"),
    "value_rows": lambda p: classic.parse_value_rows(p, NAMES),
    "write_rows": lambda p: classic.parse_write_rows(p, NAMES),
    "variables_page": classic.parse_variables_page,
    "archive_names": lambda p: classic.parse_archive_names(p, "tagLogging/Archives"),
    "logged_values": lambda p: classic.parse_logged_values(p, "Tank1_Level"),
    "messages": lambda p: classic_alarms.parse_messages(p, "en-US"),
}


@pytest.mark.parametrize("parser", sorted(PARSERS))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=JSON)
def test_parsers_return_values_or_raise_protocol_error(parser: str, payload: Any) -> None:
    """Arbitrary JSON never escapes as anything but a ProtocolError."""
    with contextlib.suppress(ProtocolError):
        PARSERS[parser](payload)
