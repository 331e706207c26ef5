"""Options flow for WinCC: add and remove tags, override how they show, tune polling
and alarms."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
import probatio

from .class_labels import class_labels
from .client import Capability, ServerType, WinCCClient
from .client.detect import BACKENDS
from .connection import client_for
from .const import (
    CONF_SERVER_TYPE,
    MIN_SCAN_INTERVAL,
    OPT_ALARM_CLASSES,
    OPT_ALARM_FILTER,
    OPT_ALARM_INTERVAL,
    OPT_ALARM_MIN_PRIORITY,
    OPT_ALARMS,
    OPT_PATTERNS,
    OPT_PUSH,
    OPT_READ_ONLY,
    OPT_RETRY_AFTER_CAP,
    OPT_SCAN_INTERVAL,
    OPT_TOLERATED_FAILURES,
    OPT_VOICE,
)
from .control_flow import ControlSteps
from .tag_map import TagMapError, export_yaml, import_controls, import_map
from .tag_picker import CONF_PATTERN, CONF_TAGS, TagPickerFlow, multi_select, tag_options
from .tag_rules import TagRule, apply_rules
from .tags import TagConfig
from .voice_exposure import async_expose_entry

CONF_TAG = "tag"
CONF_REMOVE_RULES = "remove_rules"
CONF_TAG_MAP = "tag_map"
NUMERIC_KINDS = ("float", "integer")
# The longest wait a busy server may ask for (Retry-After), in seconds.
WAIT_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=1, max=3600, unit_of_measurement="s", mode=NumberSelectorMode.BOX)
)
INTERVAL_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=MIN_SCAN_INTERVAL, max=3600, unit_of_measurement="s", mode=NumberSelectorMode.BOX
    )
)


_NUMBER = NumberSelector(NumberSelectorConfig(mode=NumberSelectorMode.BOX, step="any"))
# The limits and step of a numeric tag (or of the tags a rule matches).
LIMIT_FIELDS: dict[Any, Any] = {
    probatio.Optional("minimum"): _NUMBER,
    probatio.Optional("maximum"): _NUMBER,
    probatio.Optional("step"): NumberSelector(
        NumberSelectorConfig(min=0.000001, mode=NumberSelectorMode.BOX, step="any")
    ),
}


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _limit_errors(user_input: dict[str, Any]) -> dict[str, str]:
    minimum, maximum = user_input.get("minimum"), user_input.get("maximum")
    if minimum is not None and maximum is not None and minimum >= maximum:
        return {"maximum": "min_not_below_max"}
    return {}


async def _class_fields(hass: HomeAssistant) -> dict[Any, Any]:
    """Unit, device class and state class, the classes by their translated names."""
    labels = await class_labels(hass)
    return {
        probatio.Optional("unit_override"): TextSelector(),
        probatio.Optional("device_class"): _labelled(
            [c.value for c in SensorDeviceClass], labels.device_classes
        ),
        probatio.Optional("state_class"): _labelled(
            [c.value for c in SensorStateClass], labels.state_classes
        ),
    }


def _labelled(values: list[str], labels: dict[str, str]) -> SelectSelector:
    """A drop-down of classes, each shown by its name in the user's language."""
    options = [SelectOptionDict(value=v, label=labels.get(v, v)) for v in values]
    options.sort(key=lambda option: option["label"].lower())
    return SelectSelector(SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN))


class WinCCOptionsFlow(TagPickerFlow, ControlSteps, OptionsFlowWithReload):
    """Add and remove tags, override how they show, compose controls, and tune polling."""

    def _client(self) -> WinCCClient:
        return client_for(self.hass, self.config_entry.data)

    @property
    def _server_type(self) -> ServerType:
        return ServerType(self.config_entry.data[CONF_SERVER_TYPE])

    def _offers(self, capability: Capability) -> bool:
        """Whether the server's API can do this at all."""
        return capability in BACKENDS[self._server_type].offers

    @property
    def _writes(self) -> bool:
        """Whether the server's API can write at all."""
        return self._offers(Capability.WRITE)

    def _save_tags(self, tags: dict[str, TagConfig], patterns: list[str]) -> ConfigFlowResult:
        return self._save(replace(self._options.with_tags(tags), patterns=tuple(patterns)))

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """What to change."""
        writes = self._writes
        return self.async_show_menu(
            step_id="init",
            menu_options=[
                "add_tags",
                "remove_tags",
                "tag_settings",
                "tag_rules",
                "tag_map",
                *(["controls"] if writes else []),  # controls write; this API cannot
                *(["alarms"] if self._offers(Capability.ALARMS) else []),
                "settings",
            ],
        )

    async def async_step_add_tags(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Browse for more tags."""
        options = self._options
        self._start_picking(dict(options.tags), list(options.patterns))
        return await self.async_step_tags()

    async def _tags_chosen(self) -> ConfigFlowResult:
        """Save the chosen tags; those new to the entry get what the rules give them."""
        options = self._options
        kept = {n: t for n, t in self._picked.items() if n in options.tags}
        added = {n: t for n, t in self._picked.items() if n not in options.tags}
        chosen = options.with_tags(kept).with_new_tags(added)
        return self._save(replace(chosen, patterns=tuple(self._patterns)))

    async def async_step_remove_tags(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Stop exposing tags, or stop following patterns."""
        options = self._options
        tags, patterns = options.tags, options.patterns
        if user_input is not None:
            removed = set(user_input.get(CONF_TAGS, []))
            dropped = set(user_input.get(OPT_PATTERNS, []))
            return self._save_tags(
                {n: t for n, t in tags.items() if n not in removed},
                [p for p in patterns if p not in dropped],
            )
        return self.async_show_form(
            step_id="remove_tags",
            data_schema=probatio.Schema(
                {
                    probatio.Optional(CONF_TAGS, default=[]): multi_select(
                        tag_options(list(tags.values()))
                    ),
                    probatio.Optional(OPT_PATTERNS, default=[]): multi_select(
                        [{"value": p, "label": p} for p in patterns]
                    ),
                }
            ),
        )

    async def async_step_tag_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the tag whose settings to change."""
        tags = self._options.tags
        if user_input is not None:
            self._editing = tags[user_input[CONF_TAG]]
            return await self.async_step_tag_overrides()
        return self.async_show_form(
            step_id="tag_settings",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_TAG): SelectSelector(
                        SelectSelectorConfig(
                            options=tag_options(list(tags.values())),
                            mode=SelectSelectorMode.DROPDOWN,
                        )
                    )
                }
            ),
        )

    async def async_step_tag_overrides(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name, unit, classes, writability and limits of one tag."""
        tag = self._editing
        numeric = tag.kind.value in NUMERIC_KINDS
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _limit_errors(user_input)
            if not errors:
                updated = TagConfig.from_options(
                    {
                        **tag.as_options(),
                        "name_override": user_input.get("name_override") or None,
                        "unit_override": user_input.get("unit_override") or None,
                        "device_class": user_input.get("device_class") or None,
                        "state_class": user_input.get("state_class") or None,
                        "minimum": user_input.get("minimum"),
                        "maximum": user_input.get("maximum"),
                        "step": user_input.get("step"),
                        "display_precision": _whole(user_input.get("display_precision")),
                    }
                ).with_writable(user_input.get("writable", False))
                options = self._options
                return self._save(options.with_tags({**options.tags, tag.name: updated}))
        fields: dict[Any, Any] = {
            probatio.Optional("name_override"): TextSelector(),
        }
        if numeric:
            fields |= await _class_fields(self.hass)
        if tag.can_be_writable and self._writes:
            fields[probatio.Optional("writable", default=tag.writable)] = BooleanSelector()
        if numeric:
            fields |= LIMIT_FIELDS | {
                probatio.Optional("display_precision"): NumberSelector(
                    NumberSelectorConfig(min=0, max=10, step=1, mode=NumberSelectorMode.BOX)
                )
            }
        return self.async_show_form(
            step_id="tag_overrides",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(fields), tag.as_options()
            ),
            errors=errors,
            description_placeholders={"tag": tag.name},
        )

    async def async_step_tag_rules(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a rule by pattern (applied at once to the tags it matches, and to tags
        added later), or remove rules."""
        options = self._options
        errors: dict[str, str] = {}
        if user_input is not None:
            removed = set(user_input.get(CONF_REMOVE_RULES, []))
            rules = [r for r in options.rules if r.describe() not in removed]
            pattern = (user_input.get(CONF_PATTERN) or "").strip()
            errors = _limit_errors(user_input)
            if not errors and pattern:
                rule = TagRule.from_options(
                    {k: v for k, v in user_input.items() if v not in (None, "")}
                    | {"pattern": pattern}
                )
                if not any(rule.applies_to(tag) for tag in options.tags.values()):
                    errors[CONF_PATTERN] = "no_match"
                else:
                    rules.append(rule)
                    tags = {n: apply_rules(t, [rule]) for n, t in options.tags.items()}
                    return self._save(replace(options.with_tags(tags), rules=tuple(rules)))
            if not errors:
                return self._save(replace(options, rules=tuple(rules)))
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_PATTERN): TextSelector(),
                **await _class_fields(self.hass),
                **LIMIT_FIELDS,
                probatio.Optional(CONF_REMOVE_RULES, default=[]): multi_select(
                    [{"value": r.describe(), "label": r.describe()} for r in options.rules]
                ),
            }
        )
        return self.async_show_form(
            step_id="tag_rules",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=errors,
            description_placeholders={"rules": str(len(options.rules))},
        )

    async def async_step_tag_map(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The tag map as YAML to copy; pasted back (YAML or CSV), it sets every tag's
        settings at once. Left empty, nothing changes."""
        options = self._options
        problem = ""
        if user_input is not None:
            text = (user_input.get(CONF_TAG_MAP) or "").strip()
            if not text:
                return self._save(options)
            try:
                tags = import_map(text, options.tags, writes=self._writes)
                controls = import_controls(text, tags)
            except TagMapError as err:
                problem = str(err)
            else:
                options = options.with_tags(tags)
                if controls is not None:
                    options = options.with_controls(controls)
                return self._save(options)
        return self.async_show_form(
            step_id="tag_map",
            data_schema=probatio.Schema(
                {probatio.Optional(CONF_TAG_MAP): TextSelector(TextSelectorConfig(multiline=True))}
            ),
            errors={CONF_TAG_MAP: "bad_map"} if problem else {},
            description_placeholders={
                "yaml": export_yaml(options.tags, options.controls),
                "problem": problem,
            },
        )

    async def async_step_alarms(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Whether and which alarms to read, and how often."""
        options = self._options
        if user_input is not None:
            return self._save(
                replace(
                    options,
                    alarms=user_input[OPT_ALARMS],
                    alarm_interval=int(user_input[OPT_ALARM_INTERVAL]),
                    alarm_min_priority=int(user_input.get(OPT_ALARM_MIN_PRIORITY, 0)),
                    alarm_classes=tuple(
                        c.strip()
                        for c in user_input.get(OPT_ALARM_CLASSES, "").split(",")
                        if c.strip()
                    ),
                    alarm_filter=user_input.get(OPT_ALARM_FILTER, "").strip() or None,
                )
            )
        schema = probatio.Schema(
            {
                probatio.Required(OPT_ALARMS, default=options.alarms): BooleanSelector(),
                probatio.Required(
                    OPT_ALARM_INTERVAL, default=options.alarm_interval
                ): INTERVAL_SELECTOR,
                probatio.Optional(OPT_ALARM_MIN_PRIORITY): NumberSelector(
                    NumberSelectorConfig(min=0, max=255, mode=NumberSelectorMode.BOX)
                ),
                probatio.Optional(OPT_ALARM_CLASSES): TextSelector(),
                probatio.Optional(OPT_ALARM_FILTER): TextSelector(),
            }
        )
        suggested = {
            OPT_ALARM_MIN_PRIORITY: options.alarm_min_priority,
            OPT_ALARM_CLASSES: ", ".join(options.alarm_classes),
            OPT_ALARM_FILTER: options.alarm_filter or "",
        }
        return self.async_show_form(
            step_id="alarms", data_schema=self.add_suggested_values_to_schema(schema, suggested)
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Polling interval, read-only mode, push, tolerated failures and the Retry-After cap."""
        options = self._options
        if user_input is not None:
            voice = user_input.get(OPT_VOICE, options.expose_to_voice)
            if voice != options.expose_to_voice:
                async_expose_entry(self.hass, self.config_entry.entry_id, voice)
            return self._save(
                replace(
                    options,
                    expose_to_voice=voice,
                    scan_interval=int(user_input[OPT_SCAN_INTERVAL]),
                    read_only=user_input[OPT_READ_ONLY],
                    tolerated_failures=int(user_input[OPT_TOLERATED_FAILURES]),
                    retry_after_cap=int(user_input[OPT_RETRY_AFTER_CAP]),
                    push=user_input.get(OPT_PUSH, options.push),
                )
            )
        schema = probatio.Schema(
            {
                probatio.Required(
                    OPT_SCAN_INTERVAL, default=options.scan_interval
                ): INTERVAL_SELECTOR,
                probatio.Required(OPT_READ_ONLY, default=options.read_only): BooleanSelector(),
                **(
                    {probatio.Required(OPT_PUSH, default=options.push): BooleanSelector()}
                    if self._offers(Capability.PUSH)
                    else {}
                ),
                probatio.Required(
                    OPT_TOLERATED_FAILURES, default=options.tolerated_failures
                ): NumberSelector(
                    NumberSelectorConfig(min=0, max=100, mode=NumberSelectorMode.BOX)
                ),
                probatio.Required(
                    OPT_RETRY_AFTER_CAP, default=options.retry_after_cap
                ): WAIT_SELECTOR,
                probatio.Required(OPT_VOICE, default=options.expose_to_voice): BooleanSelector(),
            }
        )
        return self.async_show_form(step_id="settings", data_schema=schema)
