"""Tests of wincc-sim with raw HTTP and WebSocket requests, not the project's client."""
