"""Config flow for WinCC: connect, trust the certificate, choose tags; reauth and
reconfigure. The options flow is in ``options_flow``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
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
    CertificateNameMismatchError,
    InvalidArgumentError,
    ProtocolError,
    ServerType,
    TlsSettings,
    WinCCClient,
    WinCCConnectionError,
    WinCCError,
    detect,
)
from .connection import client_for, partner_address, plain_http_misused, server_address
from .const import (
    CONF_PARTNER,
    CONF_PARTNER_FINGERPRINT,
    CONF_PLAIN_HTTP,
    CONF_SERVER_TYPE,
    CONF_TLS_CA_PEM,
    CONF_TLS_FINGERPRINT,
    CONF_TLS_VERIFY,
    DEFAULT_PORTS,
    DETECT_PORTS,
    DOMAIN,
    SERVER_TYPE_AUTO,
    TLS_KEYS,
)
from .flow_errors import form_errors
from .identity import address_unique_id
from .migration import CURRENT_VERSION
from .names import server_title
from .options import EntryOptions
from .options_flow import WinCCOptionsFlow
from .tag_picker import TagPickerFlow

CONF_TRUST = "trust"
TRUST_PIN, TRUST_CA, TRUST_INSECURE = "pin", "ca", "insecure"
CONF_RETRUST = "trust_again"

PORT_SELECTOR = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))
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
        probatio.Optional(CONF_PARTNER): TextSelector(),
        probatio.Optional(CONF_PLAIN_HTTP, default=False): BooleanSelector(),
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
    }
)
CA_SCHEMA = probatio.Schema(
    {probatio.Optional(CONF_TLS_CA_PEM): TextSelector(TextSelectorConfig(multiline=True))}
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
        probatio.Optional(CONF_PARTNER): TextSelector(),
        probatio.Optional(CONF_PLAIN_HTTP, default=False): BooleanSelector(),
        # Forget how the certificate is trusted, and choose again in the certificate step.
        probatio.Optional(CONF_RETRUST, default=False): BooleanSelector(),
    }
)


class WinCCConfigFlow(TagPickerFlow, ConfigFlow, domain=DOMAIN):
    """Add a WinCC server."""

    VERSION = CURRENT_VERSION

    def __init__(self) -> None:
        """Start with nothing known."""
        self._data: dict[str, Any] = {}
        # The certificate the server presented last time it was not trusted.
        self._certificate = CertificateError("", None, None)
        # The certificate of a redundant partner, to pin beside the first host's.
        self._partner_certificate: CertificateError | None = None
        # What the user typed into the first form: shown again as typed, so a detected
        # server type or a port tried by auto-detect never replaces the user's choice.
        self._typed: dict[str, Any] = {}
        self._start_picking({}, [])

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> WinCCOptionsFlow:
        """The options flow."""
        return WinCCOptionsFlow()

    # --- connecting --------------------------------------------------------------------

    @property
    def _server_type(self) -> ServerType:
        return ServerType(self._data[CONF_SERVER_TYPE])

    def _client(self) -> WinCCClient:
        """A client of the first host alone: each host of a pair is checked apart."""
        return client_for(self.hass, self._data, server_address(self._data))

    async def _detect(self) -> None:
        """Settle the server type and port (trying the usual ports when none was given)."""
        if self._data[CONF_SERVER_TYPE] != SERVER_TYPE_AUTO:
            self._data.setdefault(CONF_PORT, DEFAULT_PORTS[self._data[CONF_SERVER_TYPE]])
            return
        ports = [self._data[CONF_PORT]] if CONF_PORT in self._data else list(DETECT_PORTS)
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
            if plain_http_misused(self._data):
                return {CONF_PLAIN_HTTP: "plain_http_oa_graphql_only"}, None
            await _log_in(self._client())
        except CertificateError as err:
            return {}, err
        except Exception as err:  # noqa: BLE001 - every failure becomes a form error
            return form_errors(err), None
        return await self._connect_partner(), None

    async def _connect_partner(self) -> dict[str, str]:
        """Log in on the redundant partner too, if one is named: its form errors. A
        certificate to pin beside the first host's waits in ``_partner_certificate``."""
        self._partner_certificate = None
        if not self._data.get(CONF_PARTNER):
            return {}
        if self._data[CONF_SERVER_TYPE] != ServerType.UNIFIED.value:
            return {CONF_PARTNER: "partner_unified_only"}
        try:
            address = partner_address(self._data)
        except InvalidArgumentError:
            return {CONF_PARTNER: "invalid_partner"}
        errors: dict[str, str] = {}
        try:
            await _log_in(client_for(self.hass, self._data, address))
        except CertificateError as err:
            if CONF_TLS_FINGERPRINT in self._data and err.fingerprint:
                self._partner_certificate = err
            else:
                errors = {CONF_PARTNER: "partner_certificate_not_trusted"}
        except Exception as err:  # noqa: BLE001 - every failure becomes a form error
            errors = {CONF_PARTNER: f"partner_{next(iter(form_errors(err).values()))}"}
        return errors

    async def _connected(self) -> ConfigFlowResult:
        """Continue once the server answered: finish a reconfigure, or choose tags."""
        if self.source == SOURCE_RECONFIGURE:
            # The address may have moved: the unique ID follows it; entities keep theirs.
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(),
                unique_id=address_unique_id(self._data),
                data=self._data,
            )
        await self.async_set_unique_id(address_unique_id(self._data))
        self._abort_if_unique_id_configured()
        return await self.async_step_tags()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask where the server is and how to log in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._typed = {k: v for k, v in user_input.items() if k != CONF_PASSWORD}
            # A certificate trusted earlier in this flow stays trusted.
            trust = {k: v for k, v in self._data.items() if k in TLS_KEYS}
            self._data = _with_partner(
                {**user_input, **trust, CONF_HOST: user_input[CONF_HOST].strip()}
            )
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
        if self._partner_certificate is not None:
            return await self.async_step_partner_certificate()
        if not errors:
            return await self._connected()
        return self._user_form(errors)

    def _user_form(self, errors: dict[str, str]) -> ConfigFlowResult:
        """The first form as the user filled it, or the reconfigure form with the
        entry's settings. The password is never shown again, not even masked."""
        if self.source == SOURCE_RECONFIGURE:
            shown = {k: v for k, v in self._data.items() if k != CONF_PASSWORD}
            return self.async_show_form(
                step_id="reconfigure",
                data_schema=self.add_suggested_values_to_schema(RECONFIGURE_SCHEMA, shown),
                errors=errors,
            )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, self._typed),
            errors=errors,
        )

    async def async_step_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the untrusted certificate; pin it, go on to give a CA, or (explicitly)
        skip checks."""
        presented = self._certificate
        errors: dict[str, str] = {}
        if user_input is not None:
            trust = user_input[CONF_TRUST]
            if trust == TRUST_CA:
                return await self.async_step_certificate_ca()
            self._forget_trust()
            if trust == TRUST_INSECURE:
                self._data[CONF_TLS_VERIFY] = False
            elif presented.fingerprint:
                self._data[CONF_TLS_FINGERPRINT] = presented.fingerprint
            if trust == TRUST_PIN and not presented.fingerprint:
                errors = {"base": "certificate_not_trusted"}
            else:
                errors, result = await self._try_trust()
                if result is not None:
                    return result
        return self.async_show_form(
            step_id="certificate",
            data_schema=CERTIFICATE_SCHEMA,
            errors=errors,
            description_placeholders=self._certificate_placeholders(),
        )

    async def async_step_certificate_ca(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The CA certificate to trust; left empty, back to the choice of trust."""
        errors: dict[str, str] = {}
        if user_input is not None:
            ca_pem = user_input.get(CONF_TLS_CA_PEM, "").strip()
            if not ca_pem:
                return await self.async_step_certificate()
            try:
                TlsSettings(ca_pem=ca_pem).ssl_argument()
            except InvalidArgumentError:
                errors = {CONF_TLS_CA_PEM: "invalid_ca"}
            else:
                self._forget_trust()
                self._data[CONF_TLS_CA_PEM] = ca_pem
                errors, result = await self._try_trust()
                if result is not None:
                    return result
        return self.async_show_form(
            step_id="certificate_ca",
            data_schema=CA_SCHEMA,
            errors=errors,
            description_placeholders=self._certificate_placeholders(),
        )

    def _forget_trust(self) -> None:
        """Drop every way the certificates were trusted, before choosing one again."""
        for key in TLS_KEYS:
            self._data.pop(key, None)

    def _certificate_placeholders(self) -> dict[str, str]:
        presented = self._certificate
        return {
            "host": f"{self._data[CONF_HOST]}:{self._data.get(CONF_PORT, '')}",
            "subject": presented.subject or "?",
            "fingerprint": presented.fingerprint or "?",
        }

    async def _try_trust(self) -> tuple[dict[str, str], ConfigFlowResult | None]:
        """Connect with the trust just chosen: the trust step's errors, or the next step."""
        errors, untrusted = await self._connect()
        if isinstance(untrusted, CertificateNameMismatchError):
            return {"base": "certificate_name_mismatch"}, None
        if untrusted is not None:
            return {"base": "certificate_not_trusted"}, None
        if self._partner_certificate is not None:
            return {}, await self.async_step_partner_certificate()
        if errors:
            # Trusted now, but something else failed: back to where it can be fixed.
            return {}, self._user_form(errors)
        return {}, await self._connected()

    async def async_step_partner_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The redundant partner presents a certificate of its own: pin it too, once
        the user has compared it."""
        presented = self._partner_certificate
        assert presented is not None  # noqa: S101 - only reached with one
        if user_input is not None:
            self._data[CONF_PARTNER_FINGERPRINT] = presented.fingerprint
            return await self._submit()
        return self.async_show_form(
            step_id="partner_certificate",
            data_schema=probatio.Schema({}),
            description_placeholders={
                "host": self._data[CONF_PARTNER],
                "subject": presented.subject or "?",
                "fingerprint": presented.fingerprint or "?",
            },
        )

    async def _tags_chosen(self) -> ConfigFlowResult:
        options = EntryOptions(patterns=tuple(self._patterns)).with_tags(self._picked)
        return self.async_create_entry(
            title=server_title(self._server_type, self._data[CONF_HOST], self._picked),
            data=self._data,
            options=options.as_options(),
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
            retrust = user_input.pop(CONF_RETRUST, False)
            kept = {k: v for k, v in self._data.items() if k != CONF_PARTNER}
            self._data = _with_partner(
                {**kept, **user_input, CONF_PORT: int(user_input[CONF_PORT])}
            )
            if retrust:
                self._forget_trust()
            moved_to = address_unique_id(self._data)
            if any(
                other.unique_id == moved_to and other.entry_id != entry.entry_id
                for other in self._async_current_entries(include_ignore=False)
            ):
                return self.async_abort(reason="already_configured")
            return await self._submit()
        return self._user_form(errors)


def _with_partner(data: dict[str, Any]) -> dict[str, Any]:
    """The data without an empty partner, or a partner's pin without the partner (and
    without plain HTTP unless chosen)."""
    if not data.get(CONF_PLAIN_HTTP):
        data = {k: v for k, v in data.items() if k != CONF_PLAIN_HTTP}
    partner = str(data.get(CONF_PARTNER) or "").strip()
    if partner:
        return {**data, CONF_PARTNER: partner}
    return {k: v for k, v in data.items() if k not in (CONF_PARTNER, CONF_PARTNER_FINGERPRINT)}


async def _log_in(client: WinCCClient) -> None:
    """Log in once to check the server and the credentials, then close the client."""
    try:
        await client.login()
    finally:
        await client.close()
