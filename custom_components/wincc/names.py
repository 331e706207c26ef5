"""Names that read like the plant, made from WinCC's own names where a server gives no
display name: ``Pump1_Fault`` reads "Pump 1 fault", ``Boiler.Setpoint`` "Boiler
setpoint" (shown as "Setpoint" on the device "Boiler")."""

from __future__ import annotations

from collections.abc import Iterable
import ipaddress
import re

from .client import ServerType
from .client.parsing import own_name
from .const import MODELS

__all__ = ["element_words", "equipment", "own_name", "readable", "server_title", "words"]

# Where a name splits into words: separators, a word in lower case (two letters at
# least, so ``kWh`` stays whole) or a digit before a capital, and a letter before a digit.
_BOUNDARY = re.compile(
    r"[._\-\s]+|(?<=[a-z]{2})(?=[A-Z])|(?<=[0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])"
)


def words(name: str) -> list[str]:
    """The words of a tag's own name, without its system: ``HMI_RT_1::Tank1_Level``
    gives ``["Tank", "1", "Level"]``."""
    return [word for word in _BOUNDARY.split(own_name(name)) if word]


def element_words(name: str) -> frozenset[str]:
    """The words of a tag's own element in lower case: ``HMI_RT_1::Boiler.SetpointHigh``
    gives ``{"setpoint", "high"}``."""
    return frozenset(word.lower() for word in words(name.rpartition(".")[2]))


def equipment(name: str) -> str | None:
    """The piece of plant a tag's own name begins with, where the name goes on after it:
    ``HMI_RT_1::Tank1_Level`` belongs to ``Tank1``, ``Temperature`` to none. WinCC
    Unified tells of no tag tables or groups, so its plain tags are grouped by this."""
    parts = re.split(r"[._]", own_name(name), maxsplit=1)
    return parts[0] if len(parts) == 2 and all(parts) else None


def readable(name: str) -> str:
    """A WinCC name as words: the first capitalized, the others in lower case except
    acronyms and units that mix cases (``PV``, ``kWh``)."""
    parts = words(name)
    shown = [
        word if word.isupper() or (not word[1:].islower() and len(word) > 1) else word.lower()
        for word in parts
    ]
    if shown and shown[0][:1].islower():
        shown[0] = shown[0][:1].upper() + shown[0][1:]
    return " ".join(shown) or name


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def server_title(server_type: ServerType, host: str, tag_names: Iterable[str]) -> str:
    """A server's name, as its own identity has it: a WinCC Unified runtime's system
    name (``HMI_RT_1``), else the host's name; never an IP address (then the product)."""
    if server_type is ServerType.UNIFIED:
        for name in tag_names:
            system, separator, _ = name.partition("::")
            if separator and system:
                return system
    return MODELS[server_type] if _is_address(host) else host
