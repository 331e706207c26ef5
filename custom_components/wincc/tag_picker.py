"""Flow steps to browse a server and choose tags: shared by the config and options flows.

Servers may hold thousands of tags, so the user searches with a wildcard pattern,
chooses among the matches (or all of them at once, or follows the pattern so later
matches are added too), and finally picks which tags Home Assistant may write.
Nothing is writable unless chosen here.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from homeassistant.config_entries import ConfigEntryBaseFlow, ConfigFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import probatio

from .client import ServerType, TagInfo, WinCCClient, WinCCError
from .flow_errors import form_errors
from .names import element_words
from .tags import TagConfig

CONF_PATTERN = "pattern"
CONF_TAGS = "tags"
CONF_ALL_MATCHES = "all_matches"
CONF_FOLLOW = "follow_pattern"
CONF_SEARCH_AGAIN = "search_again"
CONF_WRITABLE = "writable"
# Search patterns as the server's own names look (shown in the tags step).
SEARCH_EXAMPLES = {
    ServerType.UNIFIED: "`Tank*`, `*Temperature*`, `Boiler.*`, `HMI_RT_1::Boiler.*`",
    ServerType.CLASSIC: "`Tank*`, `*Temperature*`, `Boiler.*`",
    # REST Reporting lists datapoints; an element is found by its full name.
    ServerType.OA_REPORTING: "`*`, `ExampleDP_*`, `System1:Tank1.Level`",
    # A pattern without a dot finds the elements of the datapoints it matches.
    ServerType.OA_GRAPHQL: "`Tank*`, `ExampleDP_*`, `*.Temperature`",
}
# A selector with more choices is unusable; the user narrows the pattern instead.
MAX_CHOICES = 500

TAGS_SCHEMA = probatio.Schema({probatio.Required(CONF_PATTERN, default="*"): TextSelector()})


def tag_options(tags: list[TagConfig] | list[TagInfo]) -> list[SelectOptionDict]:
    """Selector choices: the display name with the tag name beside it."""
    return [
        SelectOptionDict(
            value=tag.name,
            label=tag.name if tag.display_name == tag.name else f"{tag.display_name} ({tag.name})",
        )
        for tag in tags
    ]


# Words in a tag's name that mark what an operator sets (listed first in the writable
# step), and what the plant measures or reports (listed last).
SET_WORDS = frozenset(
    {
        "setpoint",
        "sp",
        "set",
        "command",
        "cmd",
        "start",
        "stop",
        "mode",
        "reset",
        "enable",
        "target",
        "request",
        "manual",
        "on",
        "off",
        "open",
        "close",
        "recipe",
        "batch",
        "name",
    }
)
MEASURED_WORDS = frozenset(
    {
        "temperature",
        "temp",
        "level",
        "pressure",
        "flow",
        "speed",
        "status",
        "state",
        "fault",
        "alarm",
        "count",
        "counter",
        "pv",
        "actual",
        "value",
        "energy",
        "power",
        "running",
    }
)


def is_setpoint(name: str) -> bool:
    """Whether a tag's name says an operator sets it (a setpoint or a command)."""
    return bool(element_words(name) & SET_WORDS)


def setpoints_first(tags: list[TagConfig]) -> list[TagConfig]:
    """Setpoints and commands first, measured values last, by the words of their names."""

    def rank(tag: TagConfig) -> int:
        if is_setpoint(tag.name):
            return 0
        return 2 if element_words(tag.name) & MEASURED_WORDS else 1

    return sorted(tags, key=rank)


def multi_select(options: list[SelectOptionDict]) -> SelectSelector:
    """A multiple-choice list."""
    return SelectSelector(
        SelectSelectorConfig(options=options, multiple=True, mode=SelectSelectorMode.LIST)
    )


class TagPickerFlow(ConfigEntryBaseFlow):
    """The steps ``tags`` -> ``tag_select`` -> ``writable``."""

    def _start_picking(self, tags: dict[str, TagConfig], patterns: list[str]) -> None:
        """Begin with the tags and patterns already chosen."""
        self._picked: dict[str, TagConfig] = dict(tags)
        self._patterns: list[str] = list(patterns)
        self._added: list[str] = []
        # Tags the server reports it will not let anyone write.
        self._read_only: set[str] = set()
        self._matches: list[TagInfo] = []
        self._pattern = "*"

    @abstractmethod
    def _client(self) -> WinCCClient:
        """A client for the server being configured."""

    @property
    @abstractmethod
    def _server_type(self) -> ServerType:
        """The type of the server being configured (its names look different)."""

    @abstractmethod
    async def _tags_chosen(self) -> ConfigFlowResult:
        """Finish once tags and their writability are chosen."""

    async def _browse(self, pattern: str) -> list[TagInfo]:
        client = self._client()
        try:
            return sorted(await client.browse(pattern), key=lambda info: info.name)
        finally:
            await client.close()

    async def async_step_tags(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Search the server's tags with a wildcard pattern."""
        errors: dict[str, str] = {}
        if user_input is not None:
            pattern = user_input[CONF_PATTERN].strip() or "*"
            try:
                matches = await self._browse(pattern)
            except WinCCError as err:
                errors = {"base": form_errors(err).popitem()[1]}
            else:
                if matches:
                    self._pattern, self._matches = pattern, matches
                    return await self.async_step_tag_select()
                errors[CONF_PATTERN] = "no_match"
        return self.async_show_form(
            step_id="tags",
            data_schema=self.add_suggested_values_to_schema(
                TAGS_SCHEMA, {CONF_PATTERN: self._pattern}
            ),
            errors=errors,
            description_placeholders={
                "chosen": str(len(self._picked)),
                "examples": SEARCH_EXAMPLES[self._server_type],
            },
        )

    async def async_step_tag_select(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose among the matches, all of them, or follow the pattern."""
        errors: dict[str, str] = {}
        if user_input is not None:
            follow = user_input.get(CONF_FOLLOW, False)
            everything = follow or user_input.get(CONF_ALL_MATCHES, False)
            chosen = set(user_input.get(CONF_TAGS, []))
            for info in self._matches:
                if (everything or info.name in chosen) and info.name not in self._picked:
                    self._picked[info.name] = TagConfig.from_info(info)
                    self._added.append(info.name)
                    if info.writable is False:  # the server says so: not offered
                        self._read_only.add(info.name)
            if follow and self._pattern not in self._patterns:
                self._patterns.append(self._pattern)
            if user_input.get(CONF_SEARCH_AGAIN):
                return await self.async_step_tags()
            if self._picked:
                return await self.async_step_writable()
            errors["base"] = "no_tags"
        shown = self._matches[:MAX_CHOICES]
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_TAGS, default=[]): multi_select(tag_options(shown)),
                probatio.Optional(CONF_ALL_MATCHES, default=False): BooleanSelector(),
                probatio.Optional(CONF_FOLLOW, default=False): BooleanSelector(),
                probatio.Optional(CONF_SEARCH_AGAIN, default=False): BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id="tag_select",
            data_schema=schema,
            errors=errors,
            description_placeholders={
                "pattern": self._pattern,
                "count": str(len(self._matches)),
                "shown": str(len(shown)),
            },
        )

    async def async_step_writable(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose which of the newly chosen tags Home Assistant may write."""
        candidates = setpoints_first(
            [
                self._picked[name]
                for name in self._added
                if self._picked[name].can_be_writable and name not in self._read_only
            ]
        )
        if user_input is not None or not candidates:
            writable = set((user_input or {}).get(CONF_WRITABLE, []))
            for tag in candidates:
                self._picked[tag.name] = tag.with_writable(tag.name in writable)
            return await self._tags_chosen()
        return self.async_show_form(
            step_id="writable",
            data_schema=probatio.Schema(
                {
                    probatio.Optional(CONF_WRITABLE, default=[]): multi_select(
                        tag_options(candidates)
                    )
                }
            ),
        )
