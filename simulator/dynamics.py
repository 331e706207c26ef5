"""The physics of the demo plant: how its tags move from one second to the next.

Each function reads and writes tag values through a ``Tags`` mapping. Writes made by
operators (valves, pumps, setpoints) change what happens here, and the values this
produces raise and clear alarms.
"""

from __future__ import annotations

from collections.abc import MutableMapping
import math
import random

from .description import Scalar

type Tags = MutableMapping[str, Scalar]

INFLOW_PERCENT_PER_S = 0.5
DRAIN_PER_S = 0.01  # a running pump drains 1 % of the level per second
AMBIENT_C = 18.0


def _lag(current: float, target: float, dt: float, tau: float) -> float:
    """First-order lag: ``current`` moves toward ``target`` with time constant ``tau``."""
    return target + (current - target) * math.exp(-dt / tau)


def _number(tags: Tags, name: str) -> float:
    value = tags[name]
    return float(value) if not isinstance(value, str) else 0.0


def step_tanks(tags: Tags, dt: float, rng: random.Random) -> float:
    """Fill and drain both tanks; return the pumps' electrical power in kW."""
    power = 0.0
    if tags["Pump1_Reset"]:
        tags["Pump1_Fault"] = False  # a reset clears the fault while it is held
    for tank, pump, fault in (("Tank1", "Pump1", "Pump1_Fault"), ("Tank2", "Pump2", None)):
        running = bool(tags[f"{pump}_Command"]) and not (fault and tags[fault])
        tags[f"{pump}_Status"] = running
        level = _number(tags, f"{tank}_Level")
        valve_open = bool(tags[f"{tank}_InletValve"])
        inflow = INFLOW_PERCENT_PER_S + rng.gauss(0, 0.05) if valve_open else 0.0
        outflow = DRAIN_PER_S * level if running else 0.0
        tags[f"{tank}_Level"] = round(min(100.0, max(0.0, level + (inflow - outflow) * dt)), 3)
        temperature = _number(tags, f"{tank}_Temperature")
        target = AMBIENT_C + 0.04 * level + rng.gauss(0, 0.05)
        tags[f"{tank}_Temperature"] = round(_lag(temperature, target, dt, 120.0), 3)
        power += 4.0 if running else 0.0
    return power


def step_boiler(tags: Tags, dt: float) -> float:
    """The boiler temperature follows its setpoint with a lag; return burner power."""
    setpoint = _number(tags, "Boiler.Setpoint")
    temperature = _number(tags, "Boiler.Temperature")
    tags["Boiler.Temperature"] = round(_lag(temperature, setpoint, dt, 30.0), 3)
    burner_on = setpoint > temperature + 0.5
    tags["Boiler.Burner_On"] = burner_on
    return 25.0 if burner_on else 0.0


def step_oven(tags: Tags, dt: float) -> float:
    """Both oven zones follow the oven setpoint, zone 2 more slowly, unless the oven's
    mode is off (0) or cooling down (3); return heater power."""
    heating = int(_number(tags, "Oven_Mode")) in (1, 2)
    setpoint = _number(tags, "Oven_Setpoint") if heating else AMBIENT_C
    for zone, tau in (("Oven_Temp_Zone1", 60.0), ("Oven_Temp_Zone2", 90.0)):
        tags[zone] = round(_lag(_number(tags, zone), setpoint, dt, tau), 3)
    return 12.0 if heating and setpoint > AMBIENT_C else 0.0


def step_valve(tags: Tags, dt: float) -> None:
    """Valve 3's position feedback follows its output with a few seconds' travel."""
    output = min(100.0, max(0.0, _number(tags, "Valve3_Position")))
    tags["Valve3_Feedback"] = round(_lag(_number(tags, "Valve3_Feedback"), output, dt, 3.0), 3)


def step_conveyor(tags: Tags, dt: float, carried: float) -> tuple[float, float]:
    """Count items carried by the running conveyor; return (motor kW, fractional items)."""
    if not tags["Conveyor_Running"]:
        return 0.0, carried
    carried += _number(tags, "Conveyor_Speed") * dt / 60.0 * 2.0  # two items per metre
    whole = int(carried)
    if whole:
        tags["Conveyor_ItemCount"] = int(tags["Conveyor_ItemCount"]) + whole
    return 1.5, carried - whole


class DemoDynamics:
    """Steps the whole demo plant; the energy meter adds up what everything draws."""

    def __init__(self, rng: random.Random) -> None:
        """Use ``rng`` for measurement noise, so a seed makes runs repeatable."""
        self._rng = rng
        self._items_carried = 0.0

    def step(self, tags: Tags, dt: float) -> None:
        """Advance the plant by ``dt`` seconds."""
        power = step_tanks(tags, dt, self._rng) + step_boiler(tags, dt) + step_oven(tags, dt)
        conveyor_power, self._items_carried = step_conveyor(tags, dt, self._items_carried)
        power += conveyor_power
        step_valve(tags, dt)
        tags["Energy_Meter"] = round(_number(tags, "Energy_Meter") + power * dt / 3600.0, 4)
