"""Constants shared across the WinCC integration."""

from typing import Final

DOMAIN: Final = "wincc"
