"""Tags gone from the server: found unknown by reads in a row, not by one read (a
runtime that is starting may not know its tags for a moment)."""

from __future__ import annotations

from collections.abc import Mapping, Set

from .client import TagValue
from .client.parsing import matches
from .const import GONE_AFTER_READS


class GoneTags:
    """Counts, per tag, the reads in a row that found it unknown."""

    def __init__(self) -> None:
        """Nothing is gone until reads say so."""
        self._unknown_reads: dict[str, int] = {}
        self.names: tuple[str, ...] = ()
        self._told = False

    def note(self, values: Mapping[str, TagValue]) -> bool:
        """Take a read; whether the gone tags changed (always so after the first read,
        so that an issue left from before is settled)."""
        counts = {
            name: self._unknown_reads.get(name, 0) + 1
            for name, value in values.items()
            if value.error is not None and value.error.unknown
        }
        self._unknown_reads = counts
        gone = tuple(sorted(name for name, count in counts.items() if count >= GONE_AFTER_READS))
        changed = gone != self.names or not self._told
        self.names, self._told = gone, True
        return changed

    def left_patterns(self, listed: Mapping[str, Set[str]]) -> set[str]:
        """Gone tags a followed pattern matches but no longer lists (``listed``: the
        names each pattern's browse gave)."""
        return {
            name
            for name in self.names
            for pattern, names in listed.items()
            if matches(pattern, name) and name not in names
        }
