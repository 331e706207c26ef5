"""The demo's controls composed from tags, added through the options-flow API as a
user would: the boiler as a climate entity, valve 3, the oven's program and the pump's
fault reset. They are what the voice assistant can set, once the user lets it."""

from __future__ import annotations

from typing import Any

from .api import RestApi

OPTIONS_FLOW = "/api/config/config_entries/options/flow"
# The roles of a control's form whose tag the control writes.
WRITTEN_ROLES = ("setpoint", "position", "value", "command")


def demo_controls(system: str) -> list[tuple[str, dict[str, Any]]]:
    """Each control's kind and form, for tag names that begin with ``system``."""
    return [
        (
            "climate",
            {
                "name": "Boiler",
                "setpoint": f"{system}Boiler.Setpoint",
                "temperature": f"{system}Boiler.Temperature",
                "heating": f"{system}Boiler.Burner_On",
                "minimum": 20,
                "maximum": 95,
            },
        ),
        (
            "valve",
            {
                "name": "Valve 3",
                "position": f"{system}Valve3_Position",
                "feedback": f"{system}Valve3_Feedback",
            },
        ),
        (
            "select",
            {
                "name": "Oven program",
                "value": f"{system}Oven_Mode",
                "states": "0=Off, 1=Heat-up, 2=Bake, 3=Cool-down",
            },
        ),
        (
            "button",
            {"name": "Pump 1 fault reset", "command": f"{system}Pump1_Reset", "reset_after": 2},
        ),
    ]


def written_tags() -> set[str]:
    """The tags the demo's controls write, without the system."""
    return {form[role] for _, form in demo_controls("") for role in WRITTEN_ROLES if role in form}


async def add_controls(api: RestApi, entry: dict[str, Any], system: str) -> None:
    """Add the demo's controls to a new entry, one options flow each."""
    for kind, form in demo_controls(system):
        step = await api.post(OPTIONS_FLOW, {"handler": entry["entry_id"]})
        for answer in ({"next_step_id": "controls"}, {"next_step_id": f"add_{kind}"}, form):
            step = await api.post(f"{OPTIONS_FLOW}/{step['flow_id']}", answer)
        if step.get("type") != "create_entry":
            raise RuntimeError(f"adding the {kind} control stopped: {step}")
