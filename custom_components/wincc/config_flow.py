"""Config flow for WinCC: connect, trust the certificate, choose tags; reauth,
reconfigure and options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .client import (
    CertificateError,
    InvalidArgumentError,
    ProtocolError,
    ServerType,
    TlsSettings,
    WinCCClient,
    WinCCConnectionError,
    WinCCError,
    detect,
)
from .connection import client_for, server_address
from .const import (
    CONF_SERVER_TYPE,
    CONF_TLS_CA_PEM,
    CONF_TLS_FINGERPRINT,
    CONF_TLS_VERIFY,
    DEFAULT_ALARM_INTERVAL,
    DEFAULT_PORTS,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_TOLERATED_FAILURES,
    DOMAIN,
    MIN_SCAN_INTERVAL,
    OPT_ALARM_CLASSES,
    OPT_ALARM_FILTER,
    OPT_ALARM_INTERVAL,
    OPT_ALARM_MIN_PRIORITY,
    OPT_ALARMS,
    OPT_PATTERNS,
    OPT_READ_ONLY,
    OPT_SCAN_INTERVAL,
    OPT_TAGS,
    OPT_TOLERATED_FAILURES,
    SERVER_TYPE_AUTO,
)
from .entity import MODELS
from .flow_errors import form_errors
from .tag_picker import CONF_TAGS, TagPickerFlow, multi_select, tag_options
from .tags import TagConfig, tags_from_options

CONF_TRUST = "trust"
TLS_KEYS = (CONF_TLS_FINGERPRINT, CONF_TLS_CA_PEM, CONF_TLS_VERIFY)
TRUST_PIN, TRUST_CA, TRUST_INSECURE = "pin", "ca", "insecure"
CONF_TAG = "tag"
NUMERIC_KINDS = ("float", "integer")

PORT_SELECTOR = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))
INTERVAL_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=MIN_SCAN_INTERVAL, max=3600, unit_of_measurement="s", mode=NumberSelectorMode.BOX
    )
)
PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
USER_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_SERVER_TYPE, default=SERVER_TYPE_AUTO): SelectSelector(
            SelectSelectorConfig(
                options=[SERVER_TYPE_AUTO, *(t.value for t in ServerType)],
                translation_key=CONF_SERVER_TYPE,
                mode=SelectSelectorMode.DROPDOWN,
            )
        ),
        probatio.Required(CONF_HOST): TextSelector(),
        probatio.Optional(CONF_PORT): PORT_SELECTOR,
        probatio.Required(CONF_USERNAME): TextSelector(),
        probatio.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)
CERTIFICATE_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_TRUST, default=TRUST_PIN): SelectSelector(
            SelectSelectorConfig(
                options=[TRUST_PIN, TRUST_CA, TRUST_INSECURE],
                translation_key=CONF_TRUST,
                mode=SelectSelectorMode.LIST,
            )
        ),
        probatio.Optional(CONF_TLS_CA_PEM): TextSelector(TextSelectorConfig(multiline=True)),
    }
)
CREDENTIALS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_USERNAME): TextSelector(),
        probatio.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)
RECONFIGURE_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_HOST): TextSelector(),
        probatio.Required(CONF_PORT): PORT_SELECTOR,
        probatio.Required(CONF_USERNAME): TextSelector(),
        probatio.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)


class WinCCConfigFlow(TagPickerFlow, ConfigFlow, domain=DOMAIN):
    """Add a WinCC server."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known."""
        self._data: dict[str, Any] = {}
        # The certificate the server presented last time it was not trusted.
        self._certificate = CertificateError("", None, None)
        self._start_picking({}, [])

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: Any) -> WinCCOptionsFlow:
        """The options flow."""
        return WinCCOptionsFlow()

    # --- connecting --------------------------------------------------------------------

    def _client(self) -> WinCCClient:
        return client_for(self.hass, self._data)

    async def _detect(self) -> None:
        """Settle the server type and port (trying the usual ports when none was given)."""
        if self._data[CONF_SERVER_TYPE] != SERVER_TYPE_AUTO:
            self._data.setdefault(CONF_PORT, DEFAULT_PORTS[self._data[CONF_SERVER_TYPE]])
            return
        ports = [self._data[CONF_PORT]] if CONF_PORT in self._data else list(DEFAULT_PORTS.values())
        session = async_get_clientsession(self.hass)
        failures: list[WinCCError] = []
        for port in ports:
            self._data[CONF_PORT] = port
            try:
                server_type = await detect(session, server_address(self._data))
            except (WinCCConnectionError, ProtocolError) as err:
                failures.append(err)
                continue
            self._data[CONF_SERVER_TYPE] = server_type.value
            return
        raise failures[-1]

    async def _connect(self) -> tuple[dict[str, str], CertificateError | None]:
        """Detect and log in: form errors, or the untrusted certificate, or neither."""
        try:
            await self._detect()
            client = self._client()
            try:
                await client.login()
            finally:
                await client.close()
        except CertificateError as err:
            return {}, err
        except Exception as err:  # noqa: BLE001 - every failure becomes a form error
            return form_errors(err), None
        return {}, None

    async def _connected(self) -> ConfigFlowResult:
        """Continue once the server answered: finish a reconfigure, or choose tags."""
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data=self._data
            )
        self._async_abort_entries_match(
            {CONF_HOST: self._data[CONF_HOST], CONF_PORT: self._data[CONF_PORT]}
        )
        await self.async_set_unique_id(f"{self._data[CONF_HOST]}:{self._data[CONF_PORT]}".lower())
        self._abort_if_unique_id_configured()
        return await self.async_step_tags()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask where the server is and how to log in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            # A certificate trusted earlier in this flow stays trusted.
            trust = {k: v for k, v in self._data.items() if k in TLS_KEYS}
            self._data = {**user_input, **trust, CONF_HOST: user_input[CONF_HOST].strip()}
            if CONF_PORT in user_input:
                self._data[CONF_PORT] = int(user_input[CONF_PORT])
            return await self._submit()
        return self._user_form(errors)

    async def _submit(self) -> ConfigFlowResult:
        """Connect with what the form gave: trust step, next step, or the form again."""
        errors, untrusted = await self._connect()
        if untrusted is not None:
            self._certificate = untrusted
            return await self.async_step_certificate()
        if not errors:
            return await self._connected()
        return self._user_form(errors)

    def _user_form(self, errors: dict[str, str]) -> ConfigFlowResult:
        """The first form (or the reconfigure form), showing what was entered."""
        # The password is never shown again, not even masked.
        shown = {k: v for k, v in self._data.items() if k != CONF_PASSWORD}
        if self.source == SOURCE_RECONFIGURE:
            return self.async_show_form(
                step_id="reconfigure",
                data_schema=self.add_suggested_values_to_schema(RECONFIGURE_SCHEMA, shown),
                errors=errors,
            )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, shown),
            errors=errors,
        )

    async def async_step_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the untrusted certificate; trust it, give a CA, or (explicitly) skip checks."""
        presented = self._certificate
        errors: dict[str, str] = {}
        if user_input is not None:
            trust = user_input[CONF_TRUST]
            ca_pem = user_input.get(CONF_TLS_CA_PEM, "").strip()
            for key in TLS_KEYS:
                self._data.pop(key, None)
            if trust == TRUST_PIN and presented.fingerprint:
                self._data[CONF_TLS_FINGERPRINT] = presented.fingerprint
            elif trust == TRUST_CA:
                self._data[CONF_TLS_CA_PEM] = ca_pem
            elif trust == TRUST_INSECURE:
                self._data[CONF_TLS_VERIFY] = False
            errors = self._check_trust(trust, ca_pem)
            if not errors:
                errors, untrusted = await self._connect()
                if untrusted is not None:
                    errors = {"base": "certificate_not_trusted"}
                elif errors:
                    # Trusted now, but something else failed: back to where it can be fixed.
                    return self._user_form(errors)
                else:
                    return await self._connected()
        return self.async_show_form(
            step_id="certificate",
            data_schema=CERTIFICATE_SCHEMA,
            errors=errors,
            description_placeholders={
                "host": f"{self._data[CONF_HOST]}:{self._data.get(CONF_PORT, '')}",
                "subject": presented.subject or "?",
                "fingerprint": presented.fingerprint or "?",
            },
        )

    def _check_trust(self, trust: str, ca_pem: str) -> dict[str, str]:
        if trust == TRUST_PIN and CONF_TLS_FINGERPRINT not in self._data:
            return {"base": "certificate_not_trusted"}
        if trust != TRUST_CA:
            return {}
        if not ca_pem:
            return {CONF_TLS_CA_PEM: "ca_required"}
        try:
            TlsSettings(ca_pem=ca_pem).ssl_argument()
        except InvalidArgumentError:
            return {CONF_TLS_CA_PEM: "invalid_ca"}
        return {}

    async def _tags_chosen(self) -> ConfigFlowResult:
        server_type = ServerType(self._data[CONF_SERVER_TYPE])
        return self.async_create_entry(
            title=f"{MODELS[server_type]} {self._data[CONF_HOST]}",
            data=self._data,
            options={
                OPT_TAGS: {name: tag.as_options() for name, tag in self._picked.items()},
                OPT_PATTERNS: self._patterns,
                OPT_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL,
                OPT_READ_ONLY: False,
                OPT_TOLERATED_FAILURES: DEFAULT_TOLERATED_FAILURES,
            },
        )

    # --- reauth and reconfigure ----------------------------------------------------------

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The server refused the stored credentials."""
        self._data = dict(entry_data)
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the new credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data.update(user_input)
            errors, untrusted = await self._connect()
            if untrusted is not None:
                errors = {"base": "certificate_changed"}
            elif not errors:
                return self.async_update_reload_and_abort(self._get_reauth_entry(), data=self._data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, {CONF_USERNAME: self._data.get(CONF_USERNAME)}
            ),
            errors=errors,
            description_placeholders={"host": self._data[CONF_HOST]},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change host, port or credentials; the tags and entities stay."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is None:
            self._data = dict(entry.data)
        else:
            self._data = {**self._data, **user_input, CONF_PORT: int(user_input[CONF_PORT])}
            for other in self._async_current_entries(include_ignore=False):
                if other.entry_id != entry.entry_id and (
                    other.data.get(CONF_HOST),
                    other.data.get(CONF_PORT),
                ) == (self._data[CONF_HOST], self._data[CONF_PORT]):
                    return self.async_abort(reason="already_configured")
            return await self._submit()
        return self._user_form(errors)


class WinCCOptionsFlow(TagPickerFlow, OptionsFlowWithReload):
    """Add and remove tags, override how they show, and tune polling."""

    def _client(self) -> WinCCClient:
        return client_for(self.hass, self.config_entry.data)

    def _save(self, **changes: Any) -> ConfigFlowResult:
        return self.async_create_entry(data={**self.config_entry.options, **changes})

    def _tags(self) -> dict[str, TagConfig]:
        return tags_from_options(self.config_entry.options)

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """What to change."""
        return self.async_show_menu(
            step_id="init",
            menu_options=["add_tags", "remove_tags", "tag_settings", "alarms", "settings"],
        )

    async def async_step_add_tags(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Browse for more tags."""
        self._start_picking(self._tags(), self.config_entry.options.get(OPT_PATTERNS, []))
        return await self.async_step_tags()

    async def _tags_chosen(self) -> ConfigFlowResult:
        return self._save(
            **{
                OPT_TAGS: {name: tag.as_options() for name, tag in self._picked.items()},
                OPT_PATTERNS: self._patterns,
            }
        )

    async def async_step_remove_tags(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Stop exposing tags, or stop following patterns."""
        tags = self._tags()
        patterns: list[str] = self.config_entry.options.get(OPT_PATTERNS, [])
        if user_input is not None:
            removed = set(user_input.get(CONF_TAGS, []))
            dropped = set(user_input.get(OPT_PATTERNS, []))
            return self._save(
                **{
                    OPT_TAGS: {n: t.as_options() for n, t in tags.items() if n not in removed},
                    OPT_PATTERNS: [p for p in patterns if p not in dropped],
                }
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
        tags = self._tags()
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
            minimum, maximum = user_input.get("minimum"), user_input.get("maximum")
            if minimum is not None and maximum is not None and minimum >= maximum:
                errors["maximum"] = "min_not_below_max"
            else:
                updated = TagConfig.from_options(
                    {
                        **tag.as_options(),
                        "name_override": user_input.get("name_override") or None,
                        "unit_override": user_input.get("unit_override") or None,
                        "device_class": user_input.get("device_class") or None,
                        "state_class": user_input.get("state_class") or None,
                        "minimum": minimum,
                        "maximum": maximum,
                        "step": user_input.get("step"),
                    }
                ).with_writable(user_input.get("writable", False))
                tags = self._tags() | {tag.name: updated}
                return self._save(**{OPT_TAGS: {n: t.as_options() for n, t in tags.items()}})
        fields: dict[Any, Any] = {
            probatio.Optional("name_override"): TextSelector(),
        }
        if numeric:
            fields |= {
                probatio.Optional("unit_override"): TextSelector(),
                probatio.Optional("device_class"): SelectSelector(
                    SelectSelectorConfig(
                        options=[c.value for c in SensorDeviceClass],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                probatio.Optional("state_class"): SelectSelector(
                    SelectSelectorConfig(
                        options=[c.value for c in SensorStateClass],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
            }
        if tag.can_be_writable:
            fields[probatio.Optional("writable", default=tag.writable)] = BooleanSelector()
        if numeric:
            number = NumberSelector(NumberSelectorConfig(mode=NumberSelectorMode.BOX, step="any"))
            fields |= {
                probatio.Optional("minimum"): number,
                probatio.Optional("maximum"): number,
                probatio.Optional("step"): NumberSelector(
                    NumberSelectorConfig(min=0.000001, mode=NumberSelectorMode.BOX, step="any")
                ),
            }
        return self.async_show_form(
            step_id="tag_overrides",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(fields), tag.as_options()
            ),
            errors=errors,
            description_placeholders={"tag": tag.name},
        )

    async def async_step_alarms(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Whether and which alarms to read, and how often."""
        if user_input is not None:
            return self._save(
                **{
                    OPT_ALARMS: user_input[OPT_ALARMS],
                    OPT_ALARM_INTERVAL: int(user_input[OPT_ALARM_INTERVAL]),
                    OPT_ALARM_MIN_PRIORITY: int(user_input.get(OPT_ALARM_MIN_PRIORITY, 0)),
                    OPT_ALARM_CLASSES: [
                        c.strip()
                        for c in user_input.get(OPT_ALARM_CLASSES, "").split(",")
                        if c.strip()
                    ],
                    OPT_ALARM_FILTER: user_input.get(OPT_ALARM_FILTER, "").strip(),
                }
            )
        options = self.config_entry.options
        schema = probatio.Schema(
            {
                probatio.Required(
                    OPT_ALARMS, default=options.get(OPT_ALARMS, True)
                ): BooleanSelector(),
                probatio.Required(
                    OPT_ALARM_INTERVAL,
                    default=options.get(OPT_ALARM_INTERVAL, DEFAULT_ALARM_INTERVAL),
                ): INTERVAL_SELECTOR,
                probatio.Optional(OPT_ALARM_MIN_PRIORITY): NumberSelector(
                    NumberSelectorConfig(min=0, max=255, mode=NumberSelectorMode.BOX)
                ),
                probatio.Optional(OPT_ALARM_CLASSES): TextSelector(),
                probatio.Optional(OPT_ALARM_FILTER): TextSelector(),
            }
        )
        suggested = {
            OPT_ALARM_MIN_PRIORITY: options.get(OPT_ALARM_MIN_PRIORITY, 0),
            OPT_ALARM_CLASSES: ", ".join(options.get(OPT_ALARM_CLASSES, [])),
            OPT_ALARM_FILTER: options.get(OPT_ALARM_FILTER, ""),
        }
        return self.async_show_form(
            step_id="alarms", data_schema=self.add_suggested_values_to_schema(schema, suggested)
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Polling interval, read-only mode, and tolerated failures."""
        if user_input is not None:
            return self._save(
                **{
                    OPT_SCAN_INTERVAL: int(user_input[OPT_SCAN_INTERVAL]),
                    OPT_READ_ONLY: user_input[OPT_READ_ONLY],
                    OPT_TOLERATED_FAILURES: int(user_input[OPT_TOLERATED_FAILURES]),
                }
            )
        options = self.config_entry.options
        schema = probatio.Schema(
            {
                probatio.Required(
                    OPT_SCAN_INTERVAL, default=options.get(OPT_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
                ): INTERVAL_SELECTOR,
                probatio.Required(
                    OPT_READ_ONLY, default=options.get(OPT_READ_ONLY, False)
                ): BooleanSelector(),
                probatio.Required(
                    OPT_TOLERATED_FAILURES,
                    default=options.get(OPT_TOLERATED_FAILURES, DEFAULT_TOLERATED_FAILURES),
                ): NumberSelector(
                    NumberSelectorConfig(min=0, max=100, mode=NumberSelectorMode.BOX)
                ),
            }
        )
        return self.async_show_form(step_id="settings", data_schema=schema)
