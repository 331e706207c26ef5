"""Device and state classes from units, names and the user's choice."""

import pytest

from custom_components.wincc.client import DataKind
from custom_components.wincc.tag_classes import display_precision, tag_classes
from custom_components.wincc.tags import TagConfig


def tag(name: str, kind: DataKind = DataKind.FLOAT, **choices: str) -> TagConfig:
    """A numeric tag with the user's choices."""
    return TagConfig(name=name, kind=kind, display_name=name, **choices)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("config", "classes"),
    [
        (tag("Tank1_Temperature", unit="°C"), ("temperature", "measurement")),
        (tag("Meter", unit="kWh"), ("energy", "total_increasing")),
        (tag("Conveyor_ItemCount", DataKind.INTEGER), (None, "total_increasing")),
        (tag("Pump1_OperatingHours"), (None, "total_increasing")),
        (tag("Batch_Step", DataKind.INTEGER), (None, None)),
        (tag("Oven_Mode", DataKind.INTEGER), (None, None)),
        (tag("Tank1_Level"), (None, "measurement")),
        (tag("Oven_Mode", DataKind.INTEGER, device_class="enum"), ("enum", None)),
        (tag("Level", device_class="enum", state_class="measurement"), ("enum", None)),
        (
            tag("Flow", device_class="volume_flow_rate", state_class="total"),
            ("volume_flow_rate", "total"),
        ),
    ],
)
def test_classes(config: TagConfig, classes: tuple[str | None, str | None]) -> None:
    """Units suggest, names refine (counters total, status words none), the user
    decides, and named states (enum) never take a state class."""
    assert tag_classes(config) == classes


def test_display_precision() -> None:
    """Whole numbers without decimals, others with one; texts have none."""
    assert display_precision(tag("A", DataKind.INTEGER)) == 0
    assert display_precision(tag("A")) == 1
    assert display_precision(tag("A", DataKind.TEXT)) is None
