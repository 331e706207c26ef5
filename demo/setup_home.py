"""Onboarding, the servers and the dashboard, each done only once: a second run of
``scripts/develop`` finds them and changes nothing."""

from __future__ import annotations

from typing import Any

from .api import Commands, RestApi
from .controls import add_controls, written_tags
from .dashboard import TITLE, URL_PATH, plant_dashboard
from .servers import DemoServer, FlowError, add_server

DOMAIN = "wincc"


async def add_servers(api: RestApi, servers: list[DemoServer]) -> list[str]:
    """Add each server that has no entry yet; the titles of those added."""
    added = []
    for server in servers:
        try:
            entry = await add_server(api, server)
        except FlowError as err:
            if "already_configured" in str(err):
                continue
            raise
        await add_controls(api, entry, "HMI_RT_1::" if server.server_type == "unified" else "")
        added.append(str(entry["title"]))
    return added


async def install_dashboard(commands: Commands) -> dict[str, Any]:
    """Create the "WinCC plant" dashboard (once) and save a view per WinCC entry."""
    dashboards = await commands.command("lovelace/dashboards/list")
    if not any(d["url_path"] == URL_PATH for d in dashboards):
        await commands.command(
            "lovelace/dashboards/create",
            url_path=URL_PATH,
            title=TITLE,
            icon="mdi:factory",
            show_in_sidebar=True,
            require_admin=False,
            mode="storage",
        )
    entries = await commands.command("config_entries/get", domain=DOMAIN)
    registry = await commands.command("config/entity_registry/list")
    devices = {d["id"]: d["name"] for d in await commands.command("config/device_registry/list")}
    servers = [
        (
            entry["title"],
            entry["entry_id"],
            {
                e["entity_id"]: _shown_name(e, devices.get(e.get("device_id")), entry["title"])
                for e in registry
                if e.get("config_entry_id") == entry["entry_id"]
                and not _written_by_a_control(e, entry["entry_id"])
            },
        )
        for entry in sorted(entries, key=lambda e: e["title"])
    ]
    config = plant_dashboard(servers)
    await commands.command("lovelace/config/save", url_path=URL_PATH, config=config)
    return config


def _written_by_a_control(entity: dict[str, Any], entry_id: str) -> bool:
    """Whether an entity is a tag a demo control writes: the control shows it."""
    tag = str(entity.get("unique_id", "")).removeprefix(f"{entry_id}_")
    return tag.rpartition("::")[2] in written_tags()


def _shown_name(entity: dict[str, Any], device: str | None, server: str) -> str | None:
    """An entity's name on the dashboard: its own, after its part of the plant's
    (``Boiler setpoint``), never after the server's, which the view names."""
    own = entity.get("original_name")
    if not own or not device or device == server:
        return own
    return f"{device} {own[:1].lower()}{own[1:]}"
