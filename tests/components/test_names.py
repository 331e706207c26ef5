"""Names that read like the plant: tag names in words, servers by their identity."""

import pytest

from custom_components.wincc.client import DataKind, ServerType
from custom_components.wincc.entity_names import shown_names
from custom_components.wincc.names import readable, server_title
from custom_components.wincc.tags import TagConfig


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Pump1_Fault", "Pump 1 fault"),
        ("HMI_RT_1::Tank1_Level", "Tank 1 level"),
        ("Boiler.SetpointHigh", "Boiler setpoint high"),
        ("Energy_kWh", "Energy kWh"),
        ("Oven.Temperature_PV", "Oven temperature PV"),
        ("conveyor_speed", "Conveyor speed"),
        ("___", "___"),
    ],
)
def test_names_read_as_words(name: str, words: str) -> None:
    """Separators, capitals and digits split words; acronyms and units keep their case."""
    assert readable(name) == words


@pytest.mark.parametrize(
    ("server_type", "host", "tags", "title"),
    [
        (ServerType.UNIFIED, "10.0.0.7", ["HMI_RT_1::Tank1_Level"], "HMI_RT_1"),
        (ServerType.UNIFIED, "10.0.0.7", ["Tank1_Level"], "WinCC Unified"),
        (ServerType.UNIFIED, "scada.plant.local", [], "scada.plant.local"),
        (ServerType.CLASSIC, "10.0.0.7", ["Tank1_Level"], "WinCC V7/V8 (REST)"),
        (ServerType.CLASSIC, "[fe80::1]", [], "WinCC V7/V8 (REST)"),
        (ServerType.CLASSIC, "wincc-server", [], "wincc-server"),
    ],
)
def test_servers_are_named_by_identity_never_by_address(
    server_type: ServerType, host: str, tags: list[str], title: str
) -> None:
    """The Unified system name, else the host's name, else the product."""
    assert server_title(server_type, host, tags) == title


def test_two_tags_never_share_a_name_on_one_device() -> None:
    """Names lose their device's name; where two would then be the same on one device,
    both say their WinCC name; on different devices the same name is fine."""
    element = TagConfig(
        name="HMI_RT_1::Boiler.Temperature",
        kind=DataKind.FLOAT,
        display_name="Boiler temperature",
        structure="HMI_RT_1::Boiler",
    )
    loose = TagConfig(
        name="HMI_RT_1::Boiler_Temp",
        kind=DataKind.FLOAT,
        display_name="Temperature",
        structure="HMI_RT_1::Boiler",
    )
    oven = TagConfig(
        name="HMI_RT_1::Oven.Temperature",
        kind=DataKind.FLOAT,
        display_name="Temperature",
        structure="HMI_RT_1::Oven",
    )
    level = TagConfig(
        name="HMI_RT_1::Tank1_Level", kind=DataKind.FLOAT, display_name="Tank 1 level"
    )
    assert shown_names([element, loose, oven, level], "HMI_RT_1") == {
        "HMI_RT_1::Boiler.Temperature": "Temperature (Boiler.Temperature)",
        "HMI_RT_1::Boiler_Temp": "Temperature (Boiler_Temp)",
        "HMI_RT_1::Oven.Temperature": "Temperature",
        "HMI_RT_1::Tank1_Level": "Level",
    }


@pytest.mark.parametrize(
    ("name", "structure", "group", "part", "device"),
    [
        ("HMI_RT_1::Tank1_Level", None, None, "Tank1", "Tank 1"),
        ("HMI_RT_1::Conveyor.Speed", None, None, "Conveyor", "Conveyor"),
        ("HMI_RT_1::Boiler.Setpoint", "HMI_RT_1::Boiler", None, "HMI_RT_1::Boiler", "Boiler"),
        ("Pump1_Fault", None, "Pumps_Line_A", "Pumps_Line_A", "Pumps line A"),
        ("HMI_RT_1::Temperature", None, None, None, None),
        ("HMI_RT_1::_Hidden", None, None, None, None),
        ("Trailing_", None, None, None, None),
    ],
)
def test_tags_are_grouped_by_structure_group_or_the_equipment_they_name(
    name: str, structure: str | None, group: str | None, part: str | None, device: str | None
) -> None:
    """A structure tag, else a classic group, else the first part of the tag's own name
    (Unified tells of no groups); a name of one part stays on the server's device."""
    tag = TagConfig(
        name=name, kind=DataKind.FLOAT, display_name=name, structure=structure, group=group
    )
    assert (tag.part, tag.part_name) == (part, device)
