"""Config flow for WinCC.

Only the flow class exists so far; its steps (user, certificate, tags, reauth,
reconfigure, options) are not built yet, so Home Assistant aborts a started flow
with "not implemented".
"""

from homeassistant.config_entries import ConfigFlow

from .const import DOMAIN


class WinCCConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a WinCC server."""

    VERSION = 1
