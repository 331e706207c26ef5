"""Tests of the async WinCC client against wincc-sim over loopback HTTPS."""
