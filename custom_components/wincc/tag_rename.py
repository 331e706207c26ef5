"""Following a tag that was renamed in WinCC: its settings and its entity move to the
new name, and the entity keeps its entity ID, history and customizations."""

from __future__ import annotations

import difflib
from os.path import commonprefix

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .client import TagInfo
from .const import DOMAIN
from .identity import entity_unique_id
from .options import EntryOptions
from .tags import TagConfig

# How many candidates the fix flow offers; any other name can still be typed.
MAX_CANDIDATES = 100


def candidates(old: TagConfig, browsed: list[TagInfo], exposed: set[str]) -> list[TagInfo]:
    """Tags the renamed one may now be: not exposed yet, of its kind first, then those
    sharing the longest start with the old name, then the most alike."""

    def likeness(info: TagInfo) -> tuple[bool, int, float]:
        shared = len(commonprefix([old.name, info.name]))
        alike = difflib.SequenceMatcher(None, old.name, info.name).ratio()
        return (info.kind is not old.kind, -shared, -alike)

    free = [info for info in browsed if info.name not in exposed]
    return sorted(free, key=likeness)[:MAX_CANDIDATES]


@callback
def follow_renamed_tag(hass: HomeAssistant, entry: ConfigEntry, old: str, new: TagInfo) -> None:
    """Expose ``new`` with the settings ``old`` had, give its entity the new unique ID,
    and reload the entry. An entity the new name already had (a followed pattern may
    have added it) gives way to the old one."""
    options = EntryOptions.from_options(entry.options)
    config = options.tags[old]
    moved = config.moved_to(new)
    registry = er.async_get(hass)
    new_id = entity_unique_id(entry, new.name)
    if (taken := registry.async_get_entity_id(moved.platform, DOMAIN, new_id)) is not None:
        registry.async_remove(taken)
    entity_id = registry.async_get_entity_id(config.platform, DOMAIN, entity_unique_id(entry, old))
    if entity_id is not None and moved.platform is config.platform:
        registry.async_update_entity(entity_id, new_unique_id=new_id)
    tags = {name: tag for name, tag in options.tags.items() if name not in (old, new.name)}
    tags[new.name] = moved
    hass.config_entries.async_update_entry(entry, options=options.with_tags(tags).as_options())
    hass.config_entries.async_schedule_reload(entry.entry_id)
