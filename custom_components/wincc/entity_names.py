"""Entity names as Home Assistant shows them beside their device's name: without the
device's name again, and never twice on one device."""

from __future__ import annotations

from collections.abc import Iterable

from .names import own_name
from .tags import TagConfig


def name_within_device(name: str, device_name: str | None) -> str:
    """The entity name without a leading device name: "Boiler setpoint" on "Boiler" is
    "Setpoint", since Home Assistant shows the device name before it anyway."""
    if (
        device_name
        and name.lower().startswith(f"{device_name.lower()} ")
        and len(name) > len(device_name) + 1
    ):
        rest = name[len(device_name) + 1 :]
        return rest[0].upper() + rest[1:]
    return name


def shown_names(tags: Iterable[TagConfig], server: str) -> dict[str, str]:
    """Each tag's entity name on its device (a structure, a group, or the server). Tags
    that would share a name on one device are told apart by their WinCC names."""
    placed: dict[tuple[str, str], list[tuple[TagConfig, str]]] = {}
    for tag in tags:
        device = tag.part_name or server
        name = name_within_device(tag.entity_name, device)
        placed.setdefault((device, name.lower()), []).append((tag, name))
    names: dict[str, str] = {}
    for same in placed.values():
        for tag, name in same:
            own = own_name(tag.name)
            names[tag.name] = name if len(same) == 1 else f"{name} ({own})"
    return names
