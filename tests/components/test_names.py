"""Names that read like the plant: tag names in words, servers by their identity."""

import pytest

from custom_components.wincc.client import ServerType
from custom_components.wincc.names import readable, server_title


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
