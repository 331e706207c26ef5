"""The plant model: dynamics, writes, history and time, without any HTTP."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from simulator.clock import Clock, iso, parse_iso
from simulator.description import TagDefinition, load_description, parse_description, pick_text
from simulator.plant import MAX_CATCH_UP_STEPS, NotALeafError, Plant, UnknownTagError
from simulator.runtime import Runtime, RuntimeOptions
from simulator.tagtypes import DATA_TYPES, WriteRejectedError, quality_code, unified_quality
from simulator.users import Directory, Right, load_users
from tests.conftest import SIM_START


@pytest.fixture
def plant() -> Plant:
    """The demo plant on a frozen clock."""
    return Plant(load_description(), Clock(frozen_at=SIM_START))


def _step(plant: Plant, seconds: float) -> None:
    plant.clock.advance(seconds)
    plant.advance()


def test_boiler_follows_its_setpoint_with_a_lag(plant: Plant) -> None:
    """The temperature moves toward a new setpoint, not onto it at once."""
    plant.write("Boiler.Setpoint", 80)
    _step(plant, 10)
    after_ten = plant.read("Boiler.Temperature").value
    assert 60 < after_ten < 80  # type: ignore[operator]
    assert plant.read("Boiler.Burner_On").value is True
    _step(plant, 600)
    assert plant.read("Boiler.Temperature").value == pytest.approx(80, abs=0.1)
    assert plant.read("Boiler.Burner_On").value is False


def test_energy_meter_only_grows_and_items_are_counted(plant: Plant) -> None:
    """The energy meter is monotonic; the running conveyor counts items."""
    readings = []
    for _ in range(5):
        _step(plant, 60)
        readings.append(plant.read("Energy_Meter").value)
    assert readings == sorted(readings)
    assert readings[0] < readings[-1]  # type: ignore[operator]
    assert plant.read("Conveyor_ItemCount").value == 15
    plant.write("Conveyor_Running", False)
    _step(plant, 60)
    assert plant.read("Conveyor_ItemCount").value == 15


def test_pump_fault_stops_the_pump(plant: Plant) -> None:
    """A faulted pump stops even while commanded on."""
    plant.write("Pump1_Fault", True)
    _step(plant, 1)
    assert plant.read("Pump1_Status").value is False
    assert plant.read("Pump1_Command").value is True


def test_a_held_reset_clears_the_pump_fault(plant: Plant) -> None:
    """The fault stays until the reset bit is set; then the pump runs again."""
    plant.write("Pump1_Fault", True)
    _step(plant, 1)
    assert plant.read("Pump1_Fault").value is True
    plant.write("Pump1_Reset", True)
    _step(plant, 1)
    assert plant.read("Pump1_Fault").value is False
    assert plant.read("Pump1_Status").value is True


def test_the_valve_feedback_follows_its_output(plant: Plant) -> None:
    """The feedback travels toward a new output in seconds, not at once."""
    plant.write("Valve3_Position", 80.0)
    _step(plant, 1)
    assert 30 < plant.read("Valve3_Feedback").value < 80  # type: ignore[operator]
    _step(plant, 60)
    assert plant.read("Valve3_Feedback").value == pytest.approx(80, abs=0.1)


def test_the_oven_heats_only_in_a_heating_mode(plant: Plant) -> None:
    """Mode 0 (off) lets the zones cool toward ambient; mode 2 (bake) heats again."""
    plant.write("Oven_Mode", 0)
    _step(plant, 600)
    assert plant.read("Oven_Temp_Zone1").value < 40  # type: ignore[operator]
    plant.write("Oven_Mode", 2)
    _step(plant, 600)
    assert plant.read("Oven_Temp_Zone1").value > 170  # type: ignore[operator]


def test_same_seed_same_run() -> None:
    """Two plants with one seed move identically."""
    runs = []
    for _ in range(2):
        plant = Plant(load_description(), Clock(frozen_at=SIM_START), seed=7)
        _step(plant, 300)
        runs.append(plant.read("Tank1_Temperature").value)
    assert runs[0] == runs[1]


def test_timestamps_mark_real_changes(plant: Plant) -> None:
    """A steady value keeps its timestamp; a write stamps it now."""
    _step(plant, 30)
    assert plant.read("Batch_Name").timestamp == SIM_START
    plant.write("Batch_Name", "B-2")
    assert plant.read("Batch_Name").timestamp == SIM_START + timedelta(seconds=30)


def test_write_errors(plant: Plant) -> None:
    """Unknown names, structures, wrong types and out-of-range values are refused."""
    with pytest.raises(UnknownTagError):
        plant.write("Nope", 1)
    with pytest.raises(NotALeafError):
        plant.write("Boiler", 1)
    with pytest.raises(WriteRejectedError) as err:
        plant.write("Boiler.Setpoint", 120)
    assert err.value.code == 201
    for tag, value in [
        ("Pump1_Command", 2),
        ("Conveyor_ItemCount", True),
        ("Tank1_Level", float("nan")),
    ]:
        with pytest.raises(WriteRejectedError):
            plant.write(tag, value)
    assert plant.write("Pump1_Command", 0) is False


def test_history_records_every_logging_cycle(plant: Plant) -> None:
    """Logged tags get a sample every 10 s; others have none."""
    _step(plant, 60)
    samples = plant.history("Tank1_Level")
    assert [s.timestamp for s in samples] == [
        SIM_START + timedelta(seconds=10 * i) for i in range(7)
    ]
    assert plant.logged("Tank1_Level")
    assert not plant.logged("Pump1_Command")


def test_long_pauses_are_simulated_only_in_part(plant: Plant) -> None:
    """After a very long gap the plant jumps ahead instead of stepping for ages."""
    _step(plant, MAX_CATCH_UP_STEPS + 3600)
    assert plant.time == SIM_START + timedelta(seconds=MAX_CATCH_UP_STEPS + 3600)


def test_extra_tags_move_with_time() -> None:
    """Synthetic tags have mixed types and change over time."""
    plant = Plant(load_description(), Clock(frozen_at=SIM_START), extra_tags=8)
    first = {n: plant.read(n).value for n in plant.definitions if n.startswith("Extra_")}
    plant.clock.advance(3600)
    plant.advance()
    later = {n: plant.read(n).value for n in first}
    assert {type(v) for v in first.values()} == {float, int, bool, str}
    assert first != later


def test_force_quality_needs_a_known_tag(plant: Plant) -> None:
    """Forcing a quality on an unknown tag fails."""
    with pytest.raises(UnknownTagError):
        plant.force_quality("Nope", 0)


def test_clock_rules() -> None:
    """A frozen clock needs a zone and only moves forward; ISO helpers round-trip."""
    with pytest.raises(ValueError, match="timezone"):
        Clock(frozen_at=datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
    clock = Clock(frozen_at=SIM_START)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    assert not Clock().frozen
    assert iso(SIM_START) == "2026-05-01T10:00:00.000Z"
    assert parse_iso("2026-05-01T10:00:00") == SIM_START
    assert parse_iso("2026-05-01T10:00:00.000Z") == SIM_START
    assert Clock().now().tzinfo is UTC


def test_quality_codes_round_trip() -> None:
    """Quality bytes and Unified quality objects translate both ways."""
    assert unified_quality(0x08)["subStatus"] == "NOT_CONNECTED"
    assert unified_quality(0x80)["quality"] == "GOOD_NON_CASCADE"
    assert unified_quality(0xFF)["limit"] == "CONSTANT"
    assert quality_code("UNCERTAIN", "INITIAL_VALUE") == 0x4C
    assert quality_code("BAD") == 0


def test_description_rejects_alarms_on_unknown_tags() -> None:
    """A plant file whose alarm watches a missing tag is refused."""
    raw = {
        "system": "S",
        "tags": [],
        "alarm_classes": {"Alarm": {"id": 1, "symbol": "A"}},
        "alarms": [
            {
                "name": "A",
                "tag": "Missing",
                "when": {"above": 1},
                "priority": 1,
                "class": "Alarm",
                "state_machine": "RAISE",
                "area": "x",
                "origin": "y",
                "text": {"en-US": "t"},
            }
        ],
    }
    with pytest.raises(ValueError, match="unknown tag"):
        parse_description(raw)


def test_description_from_a_file(tmp_path: Path) -> None:
    """A plant description loads from a YAML file too."""
    path = tmp_path / "plant.yaml"
    path.write_text(
        "system: S\ntags:\n  - {name: T, type: Int, initial: 1, connection: C, group: G}\n"
    )
    description = load_description(path)
    assert description.tags["T"].data_type.unified_name == "Int"
    assert description.alarms == {}
    assert pick_text({}, "de-DE") == ""
    assert pick_text({"en-US": "a"}, "de-DE") == "a"


def test_users_from_a_file(tmp_path: Path) -> None:
    """--users loads users and their rights; passwords are compared exactly."""
    path = tmp_path / "users.yaml"
    path.write_text("- {name: anna, password: 1234, rights: [api, read]}\n")
    directory = Directory(load_users(path))
    anna = directory.authenticate("anna", "1234")
    assert anna is not None
    assert anna.may(Right.READ)
    assert not anna.may(Right.WRITE)
    assert directory.authenticate("anna", "12345") is None


def test_runtime_restart_clears_on_demand_reads() -> None:
    """After a restart, on-demand tags answer their initial value again."""
    runtime = Runtime(Clock(frozen_at=SIM_START), RuntimeOptions())
    runtime.fetched.add("Tank2_Temperature")
    runtime.restart()
    assert runtime.fetched == set()


def test_tags_can_be_added_at_run_time(plant: Plant) -> None:
    """A new tag reads, writes and logs like the others; names stay unique."""
    tag = TagDefinition(
        name="Mixer_Speed",
        data_type=DATA_TYPES["Real"],
        initial=3.0,
        connection="PLC_Line",
        group="Line",
        logged=True,
    )
    plant.add_tag(tag)
    assert plant.read("Mixer_Speed").value == 3.0
    plant.write("Mixer_Speed", 4.0)
    _step(plant, 10)
    assert plant.history("Mixer_Speed")[-1].value == 4.0
    with pytest.raises(ValueError, match="exists"):
        plant.add_tag(tag)
