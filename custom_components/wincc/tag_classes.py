"""The device class, state class and display precision a numeric tag's entity gets:
the user's choice, else what its unit and the words of its name suggest."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass

from .client import DataKind
from .names import element_words
from .tags import TagConfig

MEASUREMENT = SensorStateClass.MEASUREMENT.value
# A unit the server reports suggests a device class, and how the value accumulates.
BY_UNIT: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("°C", "°F", "K"), (SensorDeviceClass.TEMPERATURE.value, MEASUREMENT)),
    **dict.fromkeys(("W", "kW", "MW"), (SensorDeviceClass.POWER.value, MEASUREMENT)),
    **dict.fromkeys(
        ("Wh", "kWh", "MWh"),
        (SensorDeviceClass.ENERGY.value, SensorStateClass.TOTAL_INCREASING.value),
    ),
    **dict.fromkeys(
        ("Pa", "hPa", "kPa", "bar", "mbar"), (SensorDeviceClass.PRESSURE.value, MEASUREMENT)
    ),
    "V": (SensorDeviceClass.VOLTAGE.value, MEASUREMENT),
    "A": (SensorDeviceClass.CURRENT.value, MEASUREMENT),
    "Hz": (SensorDeviceClass.FREQUENCY.value, MEASUREMENT),
}
# Words of names that count up (a total), and of whole numbers that stand for a state
# (a status word or an entry of a text list), which no statistics should average.
COUNTER_WORDS = frozenset({"count", "counter", "total", "hours", "starts", "cycles"})
STATUS_WORDS = frozenset({"status", "state", "mode", "step", "phase", "code", "word"})


def tag_classes(tag: TagConfig) -> tuple[str | None, str | None]:
    """The device class and state class of a numeric tag's entity."""
    suggested = BY_UNIT.get(tag.effective_unit or "")
    device_class: str | None = suggested[0] if suggested else None
    state_class: str | None = suggested[1] if suggested else MEASUREMENT
    named = element_words(tag.name)
    if named & COUNTER_WORDS:
        state_class = SensorStateClass.TOTAL_INCREASING.value
    elif tag.kind is DataKind.INTEGER and named & STATUS_WORDS:
        state_class = None
    device_class = tag.device_class or device_class
    state_class = tag.state_class or state_class
    if device_class == SensorDeviceClass.ENUM.value:
        state_class = None  # named states have no statistics
    return device_class, state_class


def display_precision(tag: TagConfig) -> int | None:
    """Decimals to show: the user's choice, else none for whole numbers, one for others."""
    if tag.display_precision is not None:
        return tag.display_precision
    return {DataKind.INTEGER: 0, DataKind.FLOAT: 1}.get(tag.kind)
