"""Adding wincc-sim's faces through the config-flow API, as a user in the browser would:
the same steps, the same answers, the certificate compared and pinned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from custom_components.wincc.tag_picker import is_setpoint

from .api import RestApi

FLOW = "/api/config/config_entries/flow"


@dataclass(frozen=True, slots=True)
class DemoServer:
    """One face of wincc-sim, as the config flow's first form takes it."""

    server_type: str  # "unified" or "classic"
    host: str
    port: int
    fingerprint: str  # what wincc-sim printed: the demo pins only this certificate
    username: str = "operator"
    password: str = "operator"  # noqa: S105 - wincc-sim's demo user


class FlowError(Exception):
    """The config flow did not go as the demo expects."""


def _writable_choices(step: dict[str, Any]) -> list[str]:
    """Of the writable step's tags, the setpoints and commands (by their names)."""
    (field,) = step["data_schema"]
    options = field["selector"]["select"]["options"]
    names = [option["value"] if isinstance(option, dict) else option for option in options]
    return [name for name in names if is_setpoint(name)]


async def add_server(api: RestApi, server: DemoServer) -> dict[str, Any]:
    """Run the config flow for ``server`` with every tag, setpoints and commands
    writable; the created entry (or why not)."""
    step = await api.post(FLOW, {"handler": "wincc", "show_advanced_options": False})
    answers: dict[str, Any] = {
        "user": {
            "server_type": server.server_type,
            "host": server.host,
            "port": server.port,
            "username": server.username,
            "password": server.password,
        },
        "tags": {"pattern": "*"},
        "tag_select": {"all_matches": True},
    }
    for _ in range(8):
        if step.get("type") == "create_entry":
            return dict(step["result"])
        if step.get("type") != "form" or step.get("errors"):
            raise FlowError(f"the WinCC config flow stopped: {step}")
        step_id = step["step_id"]
        if step_id == "certificate":
            shown = step["description_placeholders"]["fingerprint"]
            if shown != server.fingerprint:
                raise FlowError(f"{server.host}:{server.port} presents {shown}, not wincc-sim's")
            answer: dict[str, Any] = {"trust": "pin"}
        elif step_id == "writable":
            answer = {"writable": _writable_choices(step)}
        else:
            answer = answers[step_id]
        step = await api.post(f"{FLOW}/{step['flow_id']}", answer)
    raise FlowError(f"the WinCC config flow did not end: {step}")
