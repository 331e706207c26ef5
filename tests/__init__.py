"""Tests for WinCC for Home Assistant and wincc-sim."""
