"""An async client for the Siemens WinCC web APIs.

This package has no Home Assistant imports; it could be published on its own.
"""
