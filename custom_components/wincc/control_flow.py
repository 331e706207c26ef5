"""The options-flow steps that add and remove controls (climate, valve, select,
button), each composed from tags the entry exposes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
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

from .controls import ROLES, ControlConfig, ControlError, ControlKind, parse_states
from .options import EntryOptions
from .tag_picker import multi_select, tag_options

CONF_NAME = "name"
CONF_STATES = "states"
CONF_RESET_AFTER = "reset_after"
CONF_CONTROLS = "controls"
CONF_MINIMUM = "minimum"
CONF_MAXIMUM = "maximum"
LIMIT = NumberSelector(NumberSelectorConfig(mode=NumberSelectorMode.BOX, step="any"))
RESET_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=0.1, max=3600, step=0.1, unit_of_measurement="s", mode=NumberSelectorMode.BOX
    )
)


class ControlSteps(OptionsFlow):
    """Add a control of each kind, or remove controls."""

    @property
    def _options(self) -> EntryOptions:
        return EntryOptions.from_options(self.config_entry.options)

    def _save(self, options: EntryOptions) -> ConfigFlowResult:
        return self.async_create_entry(data=options.as_options())

    async def async_step_controls(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Which control to add, or remove some."""
        return self.async_show_menu(
            step_id="controls",
            menu_options=[f"add_{kind.value}" for kind in ControlKind] + ["remove_controls"],
        )

    async def async_step_add_climate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A climate control: setpoint, actual temperature, heating bit, on/off tag."""
        return self._add(ControlKind.CLIMATE, user_input)

    async def async_step_add_valve(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A valve: its position output in %, and its feedback."""
        return self._add(ControlKind.VALVE, user_input)

    async def async_step_add_select(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A select: an integer mode tag, and the names of its values."""
        return self._add(ControlKind.SELECT, user_input)

    async def async_step_add_button(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A button: a command bit, and when to write it false again."""
        return self._add(ControlKind.BUTTON, user_input)

    def _add(self, kind: ControlKind, user_input: dict[str, Any] | None) -> ConfigFlowResult:
        options = self._options
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                control = ControlConfig.build(
                    kind,
                    user_input.get(CONF_NAME, ""),
                    user_input,
                    options.tags,
                    **_settings(kind, user_input),
                )
                options = _with_limits(options, control, user_input)
            except ControlError as err:
                errors[err.field] = err.key
            else:
                return self._save(options.with_control(control))
        fields: dict[Any, Any] = {probatio.Required(CONF_NAME): TextSelector()}
        for role, spec in ROLES[kind].items():
            fitting = [tag for tag in options.tags.values() if tag.kind in spec.kinds]
            marker = probatio.Required if spec.required else probatio.Optional
            fields[marker(role)] = SelectSelector(
                SelectSelectorConfig(options=tag_options(fitting), mode=SelectSelectorMode.DROPDOWN)
            )
        if kind is ControlKind.CLIMATE:
            fields |= {
                probatio.Optional(CONF_MINIMUM): LIMIT,
                probatio.Optional(CONF_MAXIMUM): LIMIT,
            }
        if kind is ControlKind.SELECT:
            fields[probatio.Required(CONF_STATES)] = TextSelector(
                TextSelectorConfig(multiline=True)
            )
        if kind is ControlKind.BUTTON:
            fields[probatio.Optional(CONF_RESET_AFTER)] = RESET_SELECTOR
        return self.async_show_form(
            step_id=f"add_{kind.value}",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(fields), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_remove_controls(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Remove controls (their tags stay exposed)."""
        options = self._options
        if user_input is not None:
            return self._save(options.without_controls(set(user_input.get(CONF_CONTROLS, []))))
        choices = [
            SelectOptionDict(value=c.key, label=f"{c.name} ({c.kind.value})")
            for c in options.controls
        ]
        return self.async_show_form(
            step_id="remove_controls",
            data_schema=probatio.Schema(
                {probatio.Optional(CONF_CONTROLS, default=[]): multi_select(choices)}
            ),
        )


def _settings(kind: ControlKind, user_input: dict[str, Any]) -> dict[str, Any]:
    """The settings of a kind of control, from the form."""
    if kind is ControlKind.SELECT:
        return {"states": parse_states(user_input.get(CONF_STATES, ""))}
    if kind is ControlKind.BUTTON and user_input.get(CONF_RESET_AFTER) is not None:
        return {"reset_after": float(user_input[CONF_RESET_AFTER])}
    return {}


def _with_limits(
    options: EntryOptions, control: ControlConfig, user_input: dict[str, Any]
) -> EntryOptions:
    """A climate control's limits, given in its form, set on its setpoint tag (where
    its number entity heeds them too)."""
    minimum, maximum = user_input.get(CONF_MINIMUM), user_input.get(CONF_MAXIMUM)
    if minimum is None and maximum is None:
        return options
    if minimum is not None and maximum is not None and minimum >= maximum:
        raise ControlError("min_not_below_max", CONF_MAXIMUM)
    name = control.tags["setpoint"]
    tag = options.tags[name]
    limited = replace(
        tag,
        minimum=tag.minimum if minimum is None else float(minimum),
        maximum=tag.maximum if maximum is None else float(maximum),
    )
    return options.with_tags({**options.tags, name: limited})
