"""Tests for the WinCC integration."""
