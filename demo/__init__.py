"""The demo that ``scripts/develop`` sets up: Home Assistant onboarded, both wincc-sim
faces added through the config-flow API, and a "WinCC plant" dashboard."""
