"""The "WinCC plant" dashboard: one view per server, made of standard cards only."""

from __future__ import annotations

import re
from typing import Any

TITLE = "WinCC plant"
URL_PATH = "wincc-plant"


def alarm_list(active_alarms: str) -> str:
    """A Markdown list of the active alarms: priority, time, text and state."""
    return (
        f"{{% set alarms = state_attr('{active_alarms}', 'alarms') or [] %}}\n"
        "{% for a in alarms %}\n"
        "**{{ a.priority }}** · {{ as_timestamp(a.raise_time) | timestamp_custom('%H:%M:%S') }}"
        " · {{ a.text }} ({{ a.state | replace('_', ' ') | lower }})\n\n"
        "{% else %}\nNo active alarms.\n{% endfor %}"
    )


def server_view(title: str, entry_id: str, entities: dict[str, str | None]) -> dict[str, Any]:
    """A view of one server's entities (entity ID: its own name, without the device's):
    tanks, pumps, setpoints, temperatures, alarms, and the connection."""

    def matching(pattern: str) -> list[str]:
        return sorted(e for e in entities if re.fullmatch(pattern, e))

    def rows(pattern: str) -> list[Any]:
        """Entity rows named by the entity alone: the view already names the server."""
        return [{"entity": e, "name": entities[e]} if entities[e] else e for e in matching(pattern)]

    cards: list[dict[str, Any]] = [
        {
            "type": "gauge",
            "entity": tank,
            "name": entities[tank] or tank,
            "min": 0,
            "max": 100,
            "needle": True,
            "severity": {"green": 20, "yellow": 80, "red": 90},
        }
        for tank in matching(r"sensor\..*tank_\d+_level")
    ]
    if pumps := rows(r"(switch|binary_sensor)\..*pump_\d+_.*"):
        cards.append({"type": "entities", "title": "Pumps", "entities": pumps})
    if setpoints := rows(r"number\..*"):
        cards.append({"type": "entities", "title": "Setpoints", "entities": setpoints})
    cards += [{"type": "thermostat", "entity": climate} for climate in matching(r"climate\..*")]
    if controls := rows(r"(valve|select|button)\..*"):
        cards.append({"type": "entities", "title": "Controls", "entities": controls})
    temperatures = rows(r"sensor\..*(boiler|oven).*temperature")
    if temperatures:
        cards.append(
            {
                "type": "history-graph",
                "title": "Boiler and oven",
                "hours_to_show": 1,
                "entities": temperatures,
            }
        )
    for active in matching(r"sensor\..*_active_alarms"):
        cards += [
            {"type": "markdown", "title": "Active alarms", "content": alarm_list(active)},
            {
                "type": "button",
                "name": "Acknowledge all",
                "icon": "mdi:bell-check",
                "tap_action": {
                    "action": "perform-action",
                    "perform_action": "wincc.acknowledge_alarm",
                    "data": {"config_entry_id": entry_id, "all_unacknowledged": True},
                    "confirmation": {"text": "Acknowledge every unacknowledged alarm?"},
                },
            },
        ]
    if connection := rows(r"sensor\..*_update_mode|binary_sensor\..*_acknowledgment_needed"):
        cards.append({"type": "entities", "title": "Connection", "entities": connection})
    return {"title": title, "path": re.sub(r"[^a-z0-9]+", "-", title.lower()), "cards": cards}


def plant_dashboard(servers: list[tuple[str, str, dict[str, str | None]]]) -> dict[str, Any]:
    """The dashboard's configuration: a view per (title, entry ID, entity IDs)."""
    return {
        "title": TITLE,
        "views": [server_view(title, entry, entities) for title, entry, entities in servers],
    }
